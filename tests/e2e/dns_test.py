#!/usr/bin/env python3
"""A resolver that never answers (issue 10, finding 5): the exporter with
1,000 targets every second, in a network and mount namespace of its own
whose resolv.conf names a UDP socket that reads nothing. A thread per lookup
took 50 such targets to 299 threads; now lookups share a pool of 8, so the
exporter stays under 64 threads, every run fails at metadata as `dns` within
its 1 s timeout, and pushprobe_exporter_dns_lookups_in_flight shows the pool
held by the silent resolver.

Needs unshare(1) and ip(8) with the right to make namespaces (root); where
that is not possible it prints "SKIP: <reason>" and exits 77.
"""

import os
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402

SKIP = 77
TARGETS = 1000
INSIDE = "PUSHPROBE_E2E_DNS_NAMESPACE"


def skip(reason):
    e2e.log(f"SKIP: {reason}")
    sys.exit(SKIP)


def enter_namespace():
    """Re-runs this script in new network and mount namespaces."""
    if os.environ.get(INSIDE) == "1":
        return
    for tool in ("unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            skip(f"no {tool}(8) on PATH")
    trial = subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True, text=True)
    if trial.returncode != 0:
        skip(f"cannot create network and mount namespaces: {trial.stderr.strip()}")
    os.environ[INSIDE] = "1"
    os.execvp("unshare", ["unshare", "--net", "--mount", "--propagation", "private",
                          sys.executable, *sys.argv])


def bind_over(path, text, directory):
    replacement = os.path.join(directory, os.path.basename(path))
    with open(replacement, "w") as f:
        f.write(text)
    e2e.run(["mount", "--bind", replacement, path])


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def test():
    enter_namespace()
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    directory = e2e.workdir("dns")
    e2e.run(["ip", "link", "set", "lo", "up"])
    # The silent resolver: bound, so queries are not refused, and never read.
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 53))
    # Private to this mount namespace; one try of 30 s keeps each lookup
    # blocked far past every run's deadline.
    bind_over("/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:30 attempts:1\n",
              directory)
    bind_over("/etc/nsswitch.conf", "hosts: files dns\n", directory)

    lab = os.path.join(directory, "lab")
    e2e.run([bins["emulator"], "lab", "--dir", lab, "--port", "0"])
    lines = ["defaults:", "  interval: 1s", "  timeout: 1s",
             f"  certificate: {lab}/auth.pem", f"  ca_file: {lab}/ca.pem", "targets:"]
    for i in range(TARGETS):
        lines += [f"  - name: org-{i:04d}", "    organization: fabrikam.com"]
    config = os.path.join(directory, "pushprobe.yml")
    with open(config, "w") as f:
        f.write("\n".join(lines) + "\n")

    exporter, base = e2e.start_exporter(bins["exporter"], config, directory,
                                        extra=["--log.level=error"])
    peak = 0
    end = time.monotonic() + 10
    while time.monotonic() < end:
        peak = max(peak, threads_of(exporter.pid))
        time.sleep(0.1)
    e2e.log(f"peak threads over 10 s: {peak}")
    _, text = e2e.http_get(base + "/metrics", timeout=10)
    peak = max(peak, threads_of(exporter.pid))
    e2e.require(0 < peak < 64, f"the exporter reached {peak} threads with a silent resolver")

    in_flight = e2e.metric_value(text, "pushprobe_exporter_dns_lookups_in_flight", {})
    e2e.require(in_flight == 8, f"dns lookups in flight: {in_flight}, expected the pool's 8")
    failures = [line for line in text.splitlines() if line.startswith("probe_failure_info{")]
    dns = [line for line in failures if 'stage="metadata"' in line and 'reason="dns"' in line]
    e2e.log(f"{len(dns)} targets failed at metadata as dns, {len(failures) - len(dns)} otherwise")
    e2e.require(len(dns) >= 50, f"only {len(dns)} dns failures:\n" + "\n".join(failures[:5]))
    e2e.require(len(dns) == len(failures), "other failures:\n" +
                "\n".join(line for line in failures if line not in dns)[:2000])
    durations = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                 if line.startswith("probe_duration_seconds{")]
    longest = max(durations, default=0.0)
    e2e.log(f"{len(durations)} runs reported, the longest {longest:.3f} s (timeout 1 s)")
    # The deadline plus a loaded machine's scheduling; a lookup waited for
    # until the resolver gave up would take 30 s.
    e2e.require(0 < longest < 2.0, f"a run took {longest} s against a 1 s timeout")
    silent.close()


if __name__ == "__main__":
    e2e.main(test)
