#!/usr/bin/env python3
"""delay_proxy.py adds the round trips it says: a connection's first answer
comes 2 RTT after connect() (the handshake it emulates, then the request),
each further request-answer 1 RTT, and bytes pass unchanged and in order.

usage: delay_proxy_test.py   (exit 0 when it holds)
"""
import os
import socket
import subprocess
import sys
import threading
import time

RTT_MS = 100  # far above loopback and scheduling noise (40 ms at a load of 13), so the bounds hold


def echo_server():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()

    def serve():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=lambda c=conn: [c.sendall(d) for d in iter(lambda: c.recv(65536), b"")],
                             daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def main():
    port = echo_server()
    proxy = subprocess.Popen(
        [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "delay_proxy.py"),
         str(port), str(RTT_MS)], stdout=subprocess.PIPE, text=True)
    try:
        line = proxy.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        proxy_port = int(line.strip().rsplit(":", 1)[1])
        rtt = RTT_MS / 1000.0
        start = time.monotonic()
        sock = socket.create_connection(("127.0.0.1", proxy_port))
        sock.sendall(b"hello")
        assert recv_exactly(sock, 5) == b"hello"
        first = time.monotonic() - start
        assert 2 * rtt <= first < 3 * rtt, f"first answer after {first * 1000:.1f} ms"
        start = time.monotonic()
        payload = bytes(range(256)) * 1024  # several chunks, in order
        sock.sendall(payload)
        assert recv_exactly(sock, len(payload)) == payload
        second = time.monotonic() - start
        assert rtt <= second < 2 * rtt, f"second answer after {second * 1000:.1f} ms"
        sock.close()
        print(f"ok: first answer {first * 1000:.1f} ms, second {second * 1000:.1f} ms at {RTT_MS} ms RTT")
    finally:
        proxy.kill()
        proxy.wait()


if __name__ == "__main__":
    main()
