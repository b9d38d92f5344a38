#!/usr/bin/env python3
"""Helpers for scripts/bench_exporter.sh: config generation and exposition parsing."""
import re
import sys


def targets_yaml(lab, port, count, interval, timeout, tls_max_version=None, cert_dir=None):
    """`count` copies of the lab's healthy target, as one pushprobe.yml; with
    `cert_dir`, target org-NNNNN signs with cert_dir/org-NNNNN.pem (certs)."""
    out = ["defaults:",
           f"  interval: {interval}",
           f"  timeout: {timeout}",
           f"  certificate: {lab}/auth.pem",
           f"  ca_file: {lab}/ca.pem",
           "  connect_to:",
           f'    - "outlook.office365.com:443:127.0.0.1:{port}"',
           f'    - "accounts.accesscontrol.windows.net:443:127.0.0.1:{port}"',
           ]
    if tls_max_version:
        out.append(f'  tls_max_version: "{tls_max_version}"')
    out.append("targets:")
    for i in range(count):
        out.append(f"  - name: org-{i:05d}")
        out.append("    organization: fabrikam.com")
        if cert_dir:
            out.append(f"    certificate: {cert_dir}/org-{i:05d}.pem")
    return "\n".join(out) + "\n"


def write_certs(cert_dir, count, batch):
    """An Auth certificate of its own for each of `count` targets, each file
    the certificate and the key (one RSA key for all: keys take seconds each
    to generate, and a target holds its own parsed copy either way), and the
    certificates in bundles of `batch` for POST /_emulator/certificates."""
    import datetime
    import os
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    os.makedirs(cert_dir, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    now = datetime.datetime.now(datetime.timezone.utc)
    bundle = []
    for i in range(count):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"org-{i:05d} Auth")])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=365))
                .sign(key, hashes.SHA256()))
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        path = os.path.join(cert_dir, f"org-{i:05d}.pem")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(cert_pem + key_pem)
        bundle.append(cert_pem)
        if len(bundle) == batch or i == count - 1:
            with open(os.path.join(cert_dir, f"bundle-{i // batch:04d}.pem"), "wb") as f:
                f.write(b"".join(bundle))
            bundle = []


def samples(text, name):
    """(labels, value) of every sample of metric `name` in an exposition."""
    pat = re.compile(r"^" + re.escape(name) + r"(\{[^}]*\})? (\S+)$", re.M)
    return [(m.group(1) or "", float(m.group(2))) for m in pat.finditer(text)]


def total(text, name):
    return sum(v for _, v in samples(text, name))


def histogram_buckets(text, name):
    """(upper bound, cumulative count) of one histogram's buckets, by bound."""
    buckets = []
    for labels, v in samples(text, name + "_bucket"):
        le = re.search(r'le="([^"]+)"', labels).group(1)
        buckets.append((float("inf") if le == "+Inf" else float(le), v))
    return sorted(buckets)


def histogram_quantile(text, name, q):
    """Like PromQL histogram_quantile over one histogram's cumulative buckets."""
    return buckets_quantile(histogram_buckets(text, name), q)


def buckets_quantile(buckets, q):
    """histogram_quantile of (bound, cumulative count) pairs: (value, count, rank bucket's count)."""
    count = buckets[-1][1] if buckets else 0
    if count == 0:
        return float("nan"), 0, 0
    rank = q * count
    prev_bound, prev_count = 0.0, 0.0
    for bound, c in buckets:
        if c >= rank:
            if bound == float("inf"):
                return prev_bound, count, c
            return prev_bound + (bound - prev_bound) * (rank - prev_count) / max(c - prev_count, 1e-9), count, c
        prev_bound, prev_count = bound, c
    return float("nan"), count, 0


def main():
    cmd = sys.argv[1]
    if cmd == "config":
        lab, port, count, interval, timeout = sys.argv[2:7]
        tls = sys.argv[7] if len(sys.argv) > 7 and sys.argv[7] else None
        cert_dir = sys.argv[8] if len(sys.argv) > 8 else None
        sys.stdout.write(targets_yaml(lab, port, int(count), interval, timeout, tls, cert_dir))
    elif cmd == "certs":
        write_certs(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "total":
        print(int(total(sys.stdin.read(), sys.argv[2])))
    elif cmd == "successes":
        text = sys.stdin.read()
        print(int(sum(v for l, v in samples(text, "pushprobe_exporter_runs_total") if 'result="success"' in l)))
    elif cmd in ("p99", "p99since"):
        # Start-time error p99, the share within 50 ms and the runs counted;
        # p99since BEFORE_FILE: of the runs between BEFORE_FILE's body and stdin's.
        name = "pushprobe_exporter_run_start_delay_seconds"
        buckets = histogram_buckets(sys.stdin.read(), name)
        if cmd == "p99since":
            with open(sys.argv[2]) as f:
                before = dict(histogram_buckets(f.read(), name))
            buckets = [(le, c - before.get(le, 0)) for le, c in buckets]
        p99, count, _ = buckets_quantile(buckets, 0.99)
        within = [c for le, c in buckets if le == 0.05]
        frac = within[0] / count if within and count else float("nan")
        print(f"{p99 * 1000:.1f} {frac * 100:.2f} {int(count)}")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
