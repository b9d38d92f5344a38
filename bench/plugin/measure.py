#!/usr/bin/env python3
"""Runs several commands in turn, many times, and reports wall time, CPU time
and peak memory of each.

    measure.py RUNS -- EXPECTED_EXIT COMMAND [ARGS...] [::: EXPECTED_EXIT COMMAND [ARGS...]]...

Prints one JSON list, one object per command in the order given: runs, min,
median and p90 wall time in ms, median CPU time (user + system) in ms, the
largest peak resident set in KB, and the exit statuses seen.

The commands are interleaved (A B C A B C ...), so a change in the machine's
load during the run (other processes, CPU frequency, the page cache) falls on
every command alike instead of on whichever ran last; the ratios between them
are what the benchmark reports. Three warm-up rounds come first so page cache
and the server's TLS session caches are in the same state for every command.
Peak memory comes from /usr/bin/time (%M) over a few extra runs: a child
forked from this Python process would report Python's own pages in ru_maxrss.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

MEMORY_RUNS = 5
WARM_UP_ROUNDS = 3


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def peak_rss_kb(argv):
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return int(out.read().strip().splitlines()[-1])


def parse_commands(words):
    commands, current = [], []
    for word in words + [":::"]:
        if word != ":::":
            current.append(word)
            continue
        if len(current) < 2 or not current[0].isdigit():
            sys.exit(__doc__)
        commands.append((int(current[0]), current[1:]))
        current = []
    return commands


def main():
    if len(sys.argv) < 5 or sys.argv[2] != "--":
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    commands = parse_commands(sys.argv[3:])
    walls = [[] for _ in commands]
    cpus = [[] for _ in commands]
    codes = [{} for _ in commands]
    for round_number in range(WARM_UP_ROUNDS + runs):
        for i, (_, argv) in enumerate(commands):
            wall, cpu, code = run_once(argv)
            if round_number < WARM_UP_ROUNDS:
                continue
            walls[i].append(wall * 1000)
            cpus[i].append(cpu * 1000)
            codes[i][code] = codes[i].get(code, 0) + 1
    results = []
    for i, (expected, argv) in enumerate(commands):
        rss = [peak_rss_kb(argv) for _ in range(MEMORY_RUNS)]
        w = sorted(walls[i])
        results.append({
            "runs": runs,
            "min_ms": round(w[0], 3),
            "median_ms": round(statistics.median(w), 3),
            "p90_ms": round(w[int(len(w) * 0.9) - 1], 3),
            "cpu_median_ms": round(statistics.median(cpus[i]), 3),
            "max_rss_kb": max(rss),
            "exit_codes": {str(k): v for k, v in codes[i].items()},
            "unexpected_exits": sum(v for k, v in codes[i].items() if k != expected),
        })
    print(json.dumps(results))


if __name__ == "__main__":
    main()
