#!/usr/bin/env python3
"""Abuses a running pushprobe-exporter the way issue 10 did, all at once, and
times /metrics meanwhile.

  abuse.py PORT TARGETS SECONDS [IDLE] [SLOWLORIS] [PROBE_CLIENTS]

IDLE connections (default 1000) connect and send nothing; SLOWLORIS ones
(default 100) send a request head a byte a second; PROBE_CLIENTS threads
(default 64) call /probe?target=org-NNNNN in a loop. A connection the
exporter closes is opened again, so the pressure lasts. Every 0.25 s a fresh
connection GETs /metrics; prints each latency's summary and exits 0 when
every scrape answered 200 within 1 s, else 1.
"""
import http.client
import random
import selectors
import socket
import statistics
import sys
import threading
import time


def main():
    port = int(sys.argv[1])
    targets = int(sys.argv[2])
    seconds = float(sys.argv[3])
    idle = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    slowloris = int(sys.argv[5]) if len(sys.argv) > 5 else 100
    probe_clients = int(sys.argv[6]) if len(sys.argv) > 6 else 64
    stop = threading.Event()
    counts = {"reopened": 0, "probe_200": 0, "probe_429": 0, "probe_other": 0}
    lock = threading.Lock()

    def connect():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        return s

    def hold():
        # Idle and slowloris connections on one selector: a closed one is
        # replaced at once; slowloris ones get one more header byte a second.
        sel = selectors.DefaultSelector()
        head = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "
        conns = {}
        for i in range(idle + slowloris):
            kind = "idle" if i < idle else "slow"
            s = connect()
            conns[s] = [kind, 0]
            sel.register(s, selectors.EVENT_READ)
        last_drip = 0.0
        while not stop.is_set():
            for key, _ in sel.select(timeout=0.2):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    continue  # an error answer; the close follows
                kind = conns.pop(s)[0]
                sel.unregister(s)
                s.close()
                n = connect()
                conns[n] = [kind, 0]
                sel.register(n, selectors.EVENT_READ)
                with lock:
                    counts["reopened"] += 1
            now = time.monotonic()
            if now - last_drip >= 1:
                last_drip = now
                for s, state in conns.items():
                    if state[0] != "slow":
                        continue
                    byte = head[state[1]:state[1] + 1] if state[1] < len(head) else b"a"
                    try:
                        s.send(byte)
                        state[1] += 1
                    except OSError:
                        pass
        for s in conns:
            s.close()

    def flood():
        while not stop.is_set():
            target = f"org-{random.randrange(targets):05d}"
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", f"/probe?target={target}")
                status = c.getresponse().status
                c.close()
            except OSError:
                status = 0
            key = {200: "probe_200", 429: "probe_429"}.get(status, "probe_other")
            with lock:
                counts[key] += 1

    threads = [threading.Thread(target=hold, daemon=True)]
    threads += [threading.Thread(target=flood, daemon=True) for _ in range(probe_clients)]
    for t in threads:
        t.start()
    time.sleep(1)  # everything connected and sending

    latencies = []
    failures = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/metrics")
            r = c.getresponse()
            r.read()
            ok = r.status == 200
            c.close()
        except OSError:
            ok = False
        took = time.monotonic() - start
        if ok:
            latencies.append(took)
        else:
            failures += 1
        time.sleep(max(0.0, 0.25 - took))
    stop.set()

    slow = sum(1 for t in latencies if t >= 1)
    print(f"abuse: {idle} idle + {slowloris} slowloris connections held "
          f"({counts['reopened']} reopened after the exporter closed them), "
          f"{probe_clients} /probe clients: {counts['probe_200']} answered 200, "
          f"{counts['probe_429']} 429, {counts['probe_other']} other")
    if latencies:
        ms = sorted(t * 1000 for t in latencies)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(f"/metrics: {len(latencies)} answered, {failures} failed, {slow} took >= 1 s; "
              f"latency ms min {ms[0]:.1f} median {statistics.median(ms):.1f} "
              f"p99 {p99:.1f} max {ms[-1]:.1f}")
    else:
        print(f"/metrics: none answered, {failures} failed")
    return 0 if latencies and failures == 0 and slow == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
