#!/usr/bin/env python3
"""pushprobe-exporter behind --web.config.file: TLS, basic auth, client certificates.

The exporter serves the emulator lab with a web configuration in
exporter-toolkit's format. Checked with curl and a real Prometheus:
- without credentials /metrics, /probe, /, /config and /-/reload answer 401
  with `WWW-Authenticate: Basic`; /-/healthy answers 200; the right
  password gets 200;
- Prometheus scrapes over TLS (its tls_config with the server's CA) with
  basic_auth: `up` is 1 with the right password and 0 with a wrong one;
- a server certificate replaced on disk is served on the next connection
  (its serial number) by the same process;
- with client_auth_type RequireAndVerifyClientCert written into the running
  exporter's web config, a client without a certificate is refused and one
  with a certificate from client_ca_file is served.

Certificates are made here with Debian's openssl command (EC P-256, fast).

usage: web_test.py BUILD_DIR
"""

import json
import os
import ssl
import socket
import subprocess
import urllib.parse

import e2e
from e2e import log, poll, require

USER = "prometheus"
PASSWORD = "e2e-scrape-secret"
# bcrypt of PASSWORD at cost 4, made once with
#   python3 -c 'import crypt; print(crypt.crypt("e2e-scrape-secret",
#               crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))'
# and written with htpasswd's $2y$ prefix (the same algorithm as $2b$).
HASH = "$2y$04$puM5/uY8wQ.BOpI0Dwi5EeVKn.GBym3WAkiB7bpYgQCrGXbMFSuga"


def openssl(*args):
    e2e.run(["openssl", *args])


def make_ca(directory, name):
    key, cert = os.path.join(directory, f"{name}.key"), os.path.join(directory, f"{name}.pem")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={name}")
    return key, cert


def issue(directory, name, ca, san=None):
    """A leaf signed by `ca` (key, cert); written over any earlier one of this name."""
    ca_key, ca_cert = ca
    key, csr, cert = (os.path.join(directory, f"{name}.{ext}") for ext in ("key", "csr", "pem"))
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key + ".new", "-out", csr, "-subj", f"/CN={name}")
    ext = os.path.join(directory, f"{name}.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={san}\n" if san else "extendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
            "-days", "2", "-extfile", ext, "-out", cert + ".new")
    # Renamed into place, key first: what a certificate manager does.
    os.replace(key + ".new", key)
    os.replace(cert + ".new", cert)
    return key, cert


def serial_of(pem_or_der, der=False):
    cmd = ["openssl", "x509", "-noout", "-serial"] + (["-inform", "DER"] if der else [])
    out = subprocess.run(cmd, input=pem_or_der, stdout=subprocess.PIPE, check=True).stdout
    return out.decode().strip().removeprefix("serial=")


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("web")
    e2e.version("curl", ["curl", "--version"], r"^curl")
    e2e.version("prometheus", ["prometheus", "--version"], r"^prometheus")

    server_ca = make_ca(work, "server-ca")
    client_ca = make_ca(work, "client-ca")
    server_key, server_cert = issue(work, "server", server_ca, san="IP:127.0.0.1")
    client_key, client_cert = issue(work, "client", client_ca)
    web = os.path.join(work, "web.yml")
    base_web = (f"tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
                f"basic_auth_users:\n  {USER}: {HASH}\n")
    with open(web, "w") as f:
        f.write(base_web)

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    target = "fabrikam"
    port = e2e.free_port()
    exporter = e2e.start([bins["exporter"], f"--config.file={emulator.config}",
                          f"--web.listen-address=127.0.0.1:{port}", f"--web.config.file={web}"],
                         os.path.join(work, "exporter.log"))
    base = f"https://127.0.0.1:{port}"
    procs = [emulator.proc, exporter]

    def curl(path, *extra, method="GET"):
        """(HTTP status or None when refused, headers+body, curl's exit code)."""
        r = subprocess.run(["curl", "-sS", "-i", "--max-time", "10", "--cacert", server_ca[1],
                            "-X", method, *extra, base + path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = r.stdout.split("\r\n", 1)[0].split(" ")
        status = int(first[1]) if r.returncode == 0 and len(first) > 1 else None
        return status, r.stdout, r.returncode

    creds = ("-u", f"{USER}:{PASSWORD}")
    poll("the exporter to be healthy over TLS", lambda: curl("/-/healthy")[0] == 200, 30,
         procs=procs)
    poll("the exporter to be ready", lambda: curl("/-/ready", *creds)[0] == 200, 30, procs=procs)

    # Plain HTTP on the TLS port gets no page.
    plain = subprocess.run(["curl", "-sS", "--max-time", "5", f"http://127.0.0.1:{port}/metrics"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    require("# TYPE" not in plain.stdout, f"plain HTTP was served: {plain.stdout[:200]}")

    for path, method in [("/metrics", "GET"), (f"/probe?target={target}", "GET"), ("/", "GET"),
                         ("/config", "GET"), ("/-/reload", "POST")]:
        status, text, _ = curl(path, method=method)
        require(status == 401, f"{method} {path} without credentials: {status}\n{text}")
        require("www-authenticate: basic" in text.lower(), f"{path}: no challenge:\n{text}")
        status, text, _ = curl(path, "-u", f"{USER}:wrong", method=method)
        require(status == 401, f"{method} {path} with a wrong password: {status}")
        log(f"{method} {path}: 401 without credentials and with a wrong password")
    status, text, _ = curl("/-/healthy")
    require(status == 200, f"/-/healthy without credentials: {status}\n{text}")
    status, text, _ = curl("/metrics", *creds)
    require(status == 200 and "pushprobe_exporter" in text, f"/metrics with credentials: {status}")
    log("/-/healthy 200 without credentials; /metrics 200 with them")

    # Prometheus over TLS with basic auth; a second job with a wrong password.
    config = os.path.join(work, "prometheus.yml")
    job = ("  - job_name: {name}\n    scheme: https\n    tls_config:\n      ca_file: {ca}\n"
           "    basic_auth:\n      username: {user}\n      password: {password}\n"
           "    static_configs:\n      - targets: ['127.0.0.1:{port}']\n")
    with open(config, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                + job.format(name="right", ca=server_ca[1], user=USER, password=PASSWORD,
                             port=port)
                + job.format(name="wrong", ca=server_ca[1], user=USER, password="not-it",
                             port=port))
    e2e.run(["promtool", "check", "config", config])
    prom_port = e2e.free_port()
    prometheus = e2e.start(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={work}/tsdb",
         f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"],
        os.path.join(work, "prometheus.log"))
    procs.append(prometheus)
    api = f"http://127.0.0.1:{prom_port}/api/v1"

    def up():
        status, body = e2e.http_get(api + "/query?" + urllib.parse.urlencode({"query": "up"}))
        result = json.loads(body)["data"]["result"]
        got = {r["metric"]["job"]: r["value"][1] for r in result}
        return got if got.get("right") == "1" and got.get("wrong") == "0" else None

    log(f"Prometheus up: {poll('up 1 with the right password, 0 with a wrong one', up, 60, procs=procs)}")
    status, body = e2e.http_get(api + "/query?" + urllib.parse.urlencode(
        {"query": 'pushprobe_exporter_build_info{job="right"}'}))
    require(json.loads(body)["data"]["result"], "no exporter series scraped over TLS")
    e2e.stop(prometheus)
    procs.remove(prometheus)

    # Rotation: a new certificate and key renamed over the old ones.
    def served_serial(context=None):
        context = context or ssl._create_unverified_context()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                return serial_of(tls.getpeercert(binary_form=True), der=True)

    before = served_serial()
    require(before == serial_of(open(server_cert, "rb").read()), "not serving server.pem")
    issue(work, "server", server_ca, san="IP:127.0.0.1")
    after_file = serial_of(open(server_cert, "rb").read())
    require(after_file != before, "openssl gave the same serial twice")
    after = served_serial()
    require(after == after_file, f"after replacing the certificate on disk the next connection "
                                 f"got serial {after}, want {after_file} (was {before})")
    require(exporter.poll() is None, "the exporter exited")
    log(f"certificate rotated without a restart: serial {before} -> {after}")

    # Client certificates required, written into the running exporter's file.
    with open(web + ".new", "w") as f:
        f.write(base_web.replace(
            "  key_file: server.key\n",
            "  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n"
            f"  client_ca_file: {client_ca[1]}\n"))
    os.replace(web + ".new", web)
    status, text, code = curl("/metrics", *creds)
    require(status is None and code != 0, f"served without a client certificate: {status}\n{text}")
    log(f"no client certificate: refused (curl exit {code}: {text.strip().splitlines()[-1]})")
    status, text, code = curl("/metrics", *creds, "--cert", server_cert, "--key", server_key)
    require(status is None, f"served with a certificate from another CA: {status}")
    status, text, code = curl("/metrics", *creds, "--cert", client_cert, "--key", client_key)
    require(status == 200, f"with the client certificate: {status} (curl exit {code})\n{text}")
    status, text, code = curl("/metrics", "--cert", client_cert, "--key", client_key)
    require(status == 401, f"client certificate without the password: {status}")
    log("client certificate from client_ca_file: served; none or another CA's: refused")

    # A broken file keeps the running configuration (and the error is logged).
    with open(web, "w") as f:
        f.write("tls_server_config: {\n")
    status, text, code = curl("/metrics", *creds, "--cert", client_cert, "--key", client_key)
    require(status == 200, f"a broken web config dropped the running one: {status}")
    exporter_log = open(exporter.log_path).read()
    require("error loading web config" in exporter_log, "broken web config not logged")
    for secret in (PASSWORD, HASH, "PRIVATE KEY"):
        require(secret not in exporter_log, f"the log shows a secret: {secret[:12]}...")
    log("broken web config: running one kept, error logged, no secret in the log")


if __name__ == "__main__":
    e2e.main(main)
