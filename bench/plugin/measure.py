#!/usr/bin/env python3
"""Runs one command repeatedly and reports its wall time and peak memory.

    measure.py RUNS EXPECTED_EXIT -- COMMAND [ARGS...]

Prints one JSON object: runs, min, median and p90 wall time in ms, the largest
peak resident set in KB, and the exit statuses seen. Peak memory comes from
/usr/bin/time (%M) over a few extra runs: a child forked from this Python
process would report Python's own pages in ru_maxrss.
Three warm-up runs come first so page cache and TLS session caches on the
server side are in the same state for every command compared.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

MEMORY_RUNS = 5


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def peak_rss_kb(argv):
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return int(out.read().strip().splitlines()[-1])


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.exit(__doc__)
    runs, expected = int(sys.argv[1]), int(sys.argv[2])
    argv = sys.argv[4:]
    for _ in range(3):
        run_once(argv)
    walls, codes = [], {}
    for _ in range(runs):
        wall, _, code = run_once(argv)
        walls.append(wall * 1000)
        codes[code] = codes.get(code, 0) + 1
    rss = [peak_rss_kb(argv) for _ in range(MEMORY_RUNS)]
    walls.sort()
    print(json.dumps({
        "runs": runs,
        "min_ms": round(walls[0], 3),
        "median_ms": round(statistics.median(walls), 3),
        "p90_ms": round(walls[int(len(walls) * 0.9) - 1], 3),
        "max_rss_kb": max(rss),
        "exit_codes": {str(k): v for k, v in codes.items()},
        "unexpected_exits": sum(v for k, v in codes.items() if k != expected),
    }))


if __name__ == "__main__":
    main()
