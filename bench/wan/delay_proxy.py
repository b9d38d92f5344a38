#!/usr/bin/env python3
"""A TCP proxy that adds a round-trip time, for bench/wan/bench_wan.sh.

This kernel has no netem, so the WAN is emulated here: every chunk is passed
on half the RTT after it arrived, in each direction, in order, without
holding up the chunks behind it (a delay line, not a rate limit). A new
connection's first client bytes wait one RTT more, the TCP handshake the
proxy's loopback accept does not cost: the client's first flight reaches the
server 1.5 RTT after connect(), as over a real link.

usage: delay_proxy.py UPSTREAM_PORT RTT_MS
Listens on 127.0.0.1, port chosen by the kernel; prints "listening on
127.0.0.1:PORT" once bound, then serves until killed. Upstream is
127.0.0.1:UPSTREAM_PORT.
"""
import asyncio
import sys


async def pipe(reader, writer, delay, first_extra):
    """Copies reader to writer, each chunk delay (+ first_extra for the
    first) seconds after it was read; an end of stream is passed on the same
    way (a half close)."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        extra = first_extra
        try:
            while True:
                data = await reader.read(65536)
                await queue.put((loop.time() + delay + extra, data))
                extra = 0
                if not data:
                    return
        except (ConnectionError, OSError):
            await queue.put((loop.time(), b""))

    async def write():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return

    await asyncio.gather(read(), write())


async def main():
    upstream_port, rtt_ms = int(sys.argv[1]), float(sys.argv[2])
    one_way = rtt_ms / 2000.0

    async def handle(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                pipe(client_reader, up_writer, one_way, 2 * one_way),
                pipe(up_reader, client_writer, one_way, 0.0))
        finally:
            for w in (up_writer, client_writer):
                w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
