#!/usr/bin/env python3
"""`pushprobe run` shows each stage live on a terminal, and not into a pipe.

Under a pseudo-terminal made by script(1), against the emulator lab with a
publish that answers only after 3 s, the lines of the stages before publish
and publish's running line must arrive well before the run ends (arrival
times measured here). With stdout a pipe, stderr stays empty and stdout is
the transcript alone.

usage: cli_progress_test.py BUILD_DIR
"""

import os
import select
import shlex
import shutil
import subprocess
import time

import e2e
from e2e import log, require

SLOW_SECONDS = 3


def read_with_times(proc, timeout):
    """(seconds since start, chunk) for everything proc writes to stdout."""
    start = time.monotonic()
    chunks = []
    fd = proc.stdout.fileno()
    while True:
        remaining = start + timeout - time.monotonic()
        require(remaining > 0, "pushprobe under script(1) did not finish in time")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        data = os.read(fd, 65536)
        if not data:
            break
        chunks.append((time.monotonic() - start, data.decode(errors="replace")))
    proc.wait(timeout=10)
    return chunks


def first_time(chunks, text):
    seen = ""
    for at, chunk in chunks:
        seen += chunk
        if text in seen:
            return at
    return None


def main():
    script = shutil.which("script")
    if script is None:
        print("SKIP: script(1) from util-linux is not installed")
        return
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("cli-progress")
    emulator = e2e.Emulator(bins["emulator"], work, interval="30s", timeout="20s").serve()
    emulator.inject(f"publish:slow:{SLOW_SECONDS}s")
    command = [bins["pushprobe"], "run", "--config", emulator.config, "--target", "fabrikam"]

    proc = subprocess.Popen([script, "-qfec", shlex.join(command), "/dev/null"],
                            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, NO_COLOR="1", TERM="xterm"))
    chunks = read_with_times(proc, 60)
    out = "".join(c for _, c in chunks)
    end = chunks[-1][0]
    require(proc.returncode == 0, f"pushprobe under script exited {proc.returncode}:\n{out}")
    for text in ("[ ok ]     token", "[ .. ]     publish"):
        at = first_time(chunks, text)
        require(at is not None, f"{text!r} not shown on the terminal:\n{out}")
        log(f"{text!r} at {at:.2f} s, run ended at {end:.2f} s")
        require(end - at >= SLOW_SECONDS - 1,
                f"{text!r} arrived at {at:.2f} s, only {end - at:.2f} s before the end")
    require("Result: Succeeded" in out, out)
    require("\x1b[32m" not in out, "colour despite NO_COLOR")

    emulator.clear()
    piped = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           stdin=subprocess.DEVNULL, timeout=60)
    require(piped.returncode == 0, piped.stdout + piped.stderr)
    require(piped.stderr == "", f"progress written into a pipe's stderr: {piped.stderr!r}")
    require("[ .. ]" not in piped.stdout and "\r" not in piped.stdout and "\x1b" not in
            piped.stdout, f"terminal output in a pipe: {piped.stdout!r}")


if __name__ == "__main__":
    e2e.main(main)
