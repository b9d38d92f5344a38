#!/usr/bin/env python3
"""Watches a running pushprobe-exporter while the emulator's faults change
under it, and says whether its resources stayed flat.

  soak.py EXPORTER_PID LISTEN EMULATOR_PORT LAB_DIR SECONDS [SEED]

Every SWITCH seconds (SOAK_SWITCH_SECONDS, default 3) a random fault from
FAULTS replaces the emulator's current one (or none: the healthy service).
Every SAMPLE seconds (SOAK_SAMPLE_SECONDS, default 5, at most a thirtieth of
the run) it reads the exporter's resident memory, open file descriptors and
threads from /proc and times a /metrics scrape.

Flat means: the median of the last third of the samples against the median
of the first third (the first 10% of the run is warm-up and left out), resident
memory grown by at most 5% or 2 MiB, whichever is larger, and the floors
(lowest samples) of fds and threads in the last third at most 8 fds and 4
threads above those of the first third. Floors, because connections and runs
in flight come and go with the fault of the moment (a slow answer holds a
socket per target), while a leaked fd or thread stays and lifts the floor.
The margins are what run-to-run noise (allocator arenas) takes. Exits 0 when all three are flat and every scrape answered 200, else 1.
"""
import json
import os
import random
import ssl
import statistics
import sys
import time
import urllib.request

# Every stage, and most kinds a failing service shows: statuses, bodies that
# do not parse, slow answers, resets, refusals of the token.
FAULTS = [
    None,
    "metadata:status:503",
    "metadata:malformed",
    "metadata:truncated",
    "challenge:no-challenge",
    "challenge:realm:contoso.onmicrosoft.com",
    "challenge:untrusted-issuer",
    "challenge:slow:1500ms",
    "token:status:503",
    "token:unregistered",
    "token:oauth-error",
    "token:skew:1200",
    "token:reset",
    "token:oversized:2M",
    "publish:status:500",
    "publish:diagnostics",
    "publish:slow:2s",
    "publish:reset",
]


def proc_sample(pid):
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.strip()
    rss_kib = int(status["VmRSS"].split()[0])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss_kib / 1024.0, fds, int(status["Threads"])


class Emulator:
    def __init__(self, port, lab):
        self.url = f"https://127.0.0.1:{port}/_emulator/fault"
        self.ctx = ssl.create_default_context(cafile=f"{lab}/ca.pem")
        self.ctx.check_hostname = False  # the lab's certificate names the Office 365 hosts

    def request(self, method, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=5) as r:
            r.read()

    def switch(self, spec):
        self.request("DELETE")
        if spec is not None:
            self.request("POST", {"spec": spec})


def scrape(listen):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://{listen}/metrics", timeout=10) as r:
            body = r.read().decode()
            status = r.status
    except Exception as e:  # noqa: BLE001 - any failure is a failed scrape
        return time.monotonic() - start, 0, str(e)
    return time.monotonic() - start, status, body


def metric(body, name):
    total = 0.0
    for line in body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def main():
    pid, listen, port, lab = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    seconds = float(sys.argv[5])
    rng = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else None)
    switch_every = float(os.environ.get("SOAK_SWITCH_SECONDS", "3"))
    sample_every = min(float(os.environ.get("SOAK_SAMPLE_SECONDS", "5")), seconds / 30)
    emulator = Emulator(port, lab)

    samples = []  # (t, rss MiB, fds, threads)
    scrapes = []  # seconds
    failed_scrapes = []
    switches = 0
    seen = {}
    start = time.monotonic()
    next_switch = start
    next_sample = start
    while True:
        now = time.monotonic()
        if now - start >= seconds:
            break
        if now >= next_switch:
            spec = rng.choice(FAULTS)
            emulator.switch(spec)
            seen[spec or "none"] = seen.get(spec or "none", 0) + 1
            switches += 1
            next_switch = now + rng.uniform(0.5, 1.5) * switch_every
        if now >= next_sample:
            try:
                samples.append((now - start, *proc_sample(pid)))
            except FileNotFoundError:
                print("the exporter is gone")
                return 1
            took, status, body = scrape(listen)
            if status == 200:
                scrapes.append(took)
            else:
                failed_scrapes.append(body[:200])
            next_sample = now + sample_every
        time.sleep(max(0.01, min(next_switch, next_sample) - time.monotonic()))
    emulator.switch(None)
    _, status, body = scrape(listen)
    runs = metric(body, "pushprobe_exporter_runs_total") if status == 200 else float("nan")

    warm = [s for s in samples if s[0] >= 0.1 * seconds]
    third = max(1, len(warm) // 3)
    first, last = warm[:third], warm[-third:]
    if len(warm) < 6:
        print(f"only {len(warm)} samples after warm-up: run longer")
        return 1

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    def floor(rows, i):
        return min(r[i] for r in rows)

    rss0, rss1 = med(first, 1), med(last, 1)
    rss_ok = rss1 - rss0 <= max(0.05 * rss0, 2.0)
    fd0, fd1 = floor(first, 2), floor(last, 2)
    fd_ok = fd1 - fd0 <= 8
    th0, th1 = floor(first, 3), floor(last, 3)
    th_ok = th1 - th0 <= 4
    scrape_ok = not failed_scrapes

    print(f"{len(samples)} samples every {sample_every:.1f} s over {seconds:.0f} s; "
          f"{switches} fault switches ({len(seen)} kinds); {runs:.0f} runs finished")
    print(f"{'':10} {'first third':>14} {'last third':>14} {'whole run':>20}  verdict")
    print(f"{'RSS MiB':10} {rss0:14.1f} {rss1:14.1f} "
          f"{min(s[1] for s in warm):9.1f}-{max(s[1] for s in warm):<10.1f}  "
          f"{'flat' if rss_ok else 'GREW'} (median; allowed +{max(0.05 * rss0, 2.0):.1f})")
    print(f"{'fds':10} {fd0:14d} {fd1:14d} {min(s[2] for s in warm):9d}-{max(s[2] for s in warm):<10d}  "
          f"{'flat' if fd_ok else 'GREW'} (floor; allowed +8)")
    print(f"{'threads':10} {th0:14d} {th1:14d} {min(s[3] for s in warm):9d}-{max(s[3] for s in warm):<10d}  "
          f"{'flat' if th_ok else 'GREW'} (floor; allowed +4)")
    if scrapes:
        print(f"scrapes: {len(scrapes)} answered 200, {len(failed_scrapes)} failed; "
              f"median {statistics.median(scrapes) * 1000:.1f} ms, "
              f"max {max(scrapes) * 1000:.1f} ms")
    for f in failed_scrapes[:3]:
        print(f"  failed scrape: {f}")
    flat = rss_ok and fd_ok and th_ok and scrape_ok
    print(f"verdict: {'FLAT' if flat else 'NOT FLAT'}: RSS {rss0:.1f} -> {rss1:.1f} MiB, "
          f"fds {fd0} -> {fd1}, threads {th0} -> {th1}, "
          f"{len(failed_scrapes)} failed scrapes")
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
