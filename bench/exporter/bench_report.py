#!/usr/bin/env python3
"""Helpers for scripts/bench_exporter.sh: config generation and exposition parsing."""
import re
import sys


def targets_yaml(lab, port, count, interval, timeout, tls_max_version=None):
    """`count` copies of the lab's healthy target, as one pushprobe.yml."""
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
    return "\n".join(out) + "\n"


def samples(text, name):
    """(labels, value) of every sample of metric `name` in an exposition."""
    pat = re.compile(r"^" + re.escape(name) + r"(\{[^}]*\})? (\S+)$", re.M)
    return [(m.group(1) or "", float(m.group(2))) for m in pat.finditer(text)]


def total(text, name):
    return sum(v for _, v in samples(text, name))


def histogram_quantile(text, name, q):
    """Like PromQL histogram_quantile over one histogram's cumulative buckets."""
    buckets = []
    for labels, v in samples(text, name + "_bucket"):
        le = re.search(r'le="([^"]+)"', labels).group(1)
        buckets.append((float("inf") if le == "+Inf" else float(le), v))
    buckets.sort()
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
        tls = sys.argv[7] if len(sys.argv) > 7 else None
        sys.stdout.write(targets_yaml(lab, port, int(count), interval, timeout, tls))
    elif cmd == "total":
        print(int(total(sys.stdin.read(), sys.argv[2])))
    elif cmd == "successes":
        text = sys.stdin.read()
        print(int(sum(v for l, v in samples(text, "pushprobe_exporter_runs_total") if 'result="success"' in l)))
    elif cmd == "p99":
        text = sys.stdin.read()
        name = "pushprobe_exporter_run_start_delay_seconds"
        p99, count, _ = histogram_quantile(text, name, 0.99)
        within = [v for l, v in samples(text, name + "_bucket") if 'le="0.05"' in l]
        frac = within[0] / count if within and count else float("nan")
        print(f"{p99 * 1000:.1f} {frac * 100:.2f} {int(count)}")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
