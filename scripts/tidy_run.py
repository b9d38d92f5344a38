#!/usr/bin/env python3
"""Runs clang-tidy on the given source files, skipping those whose inputs are
unchanged since a run that found nothing (scripts/tidy.sh chooses the files).

A file's key is a SHA-256 of everything that can change clang-tidy's answer:
the clang-tidy version, the .clang-tidy, the file's compile command (the tree's
own path replaced, so worktrees and clones share entries), and the path and
content of every file the compiler read for it (the build's dependency list
from `ninja -t deps`, system headers included). A clean result is remembered
as an empty file named by the key in the cache directory; findings are never
remembered, so they show on every run until fixed.

The dependency list is the one of the last build. When the object file is
older than any of those files, the list may be out of date (a header may
include another now), so that file is checked without the cache.

Usage: tidy_run.py [--jobs N] [--no-cache] FILE...   (paths relative to the tree)
Environment: PUSHPROBE_TIDY_CACHE (default ~/.cache/pushprobe-tidy).
Exit status: 0 when no file has a finding, 1 otherwise, 2 on a setup error.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(ROOT, "build", "debug")


def cache_dir():
    if os.environ.get("PUSHPROBE_TIDY_CACHE"):
        return os.environ["PUSHPROBE_TIDY_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "pushprobe-tidy")


_file_hashes = {}  # a system header is read once for all the files that include it


def sha256_file(path):
    if path not in _file_hashes:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _file_hashes[path] = h.hexdigest()
    return _file_hashes[path]


def ninja_deps():
    """Object file (relative to the build directory) -> the files it was compiled from."""
    out = subprocess.run(["ninja", "-C", BUILD, "-t", "deps"], capture_output=True, text=True,
                         check=True).stdout
    deps, current = {}, None
    for line in out.splitlines():
        if not line.strip():
            current = None
        elif not line.startswith(" "):
            current = line.split(":", 1)[0]
            deps[current] = []
        elif current is not None:
            deps[current].append(line.strip())
    return deps


def object_of(command):
    args = shlex.split(command)
    return args[args.index("-o") + 1] if "-o" in args else None


def key_of(entry, deps, fixed):
    """The file's cache key, or None when its dependency list cannot be trusted."""
    obj = object_of(entry["command"])
    files = deps.get(obj) if obj else None
    if not files:
        return None
    obj_path = os.path.join(BUILD, obj)
    try:
        obj_mtime = os.stat(obj_path).st_mtime_ns
        h = hashlib.sha256(fixed)
        h.update(entry["command"].replace(ROOT, "<root>").encode())
        for dep in files:
            path = os.path.normpath(os.path.join(BUILD, dep))
            if os.stat(path).st_mtime_ns > obj_mtime:
                return None
            shown = os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path
            h.update(b"\0" + shown.encode() + b"\0" + sha256_file(path).encode())
        return h.hexdigest()
    except OSError:
        return None


def run_tidy(path):
    started = time.monotonic()
    proc = subprocess.run(["clang-tidy", "-p", BUILD, "--quiet", path], cwd=ROOT,
                          capture_output=True, text=True)
    output = proc.stdout
    if proc.returncode != 0 and not output.strip():
        output = proc.stderr  # clang-tidy itself failed (a compile error, a bad option)
    return proc.returncode, output, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()

    db_path = os.path.join(BUILD, "compile_commands.json")
    if not os.path.exists(db_path):
        print(f"tidy: {db_path} missing; run scripts/build.sh debug", file=sys.stderr)
        return 2
    with open(db_path) as f:
        db = {os.path.realpath(e["file"]): e for e in json.load(f)}

    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True,
                             check=True).stdout
    with open(os.path.join(ROOT, ".clang-tidy"), "rb") as f:
        fixed = version.encode() + b"\0" + f.read() + b"\0"
    deps = {} if args.no_cache else ninja_deps()
    cache = cache_dir()
    os.makedirs(cache, exist_ok=True)

    to_run, cached = [], 0
    for path in args.files:
        entry = db.get(os.path.realpath(os.path.join(ROOT, path)))
        if entry is None:
            continue  # not compiled by the build (a header is checked through its .cc)
        key = None if args.no_cache else key_of(entry, deps, fixed)
        if key and os.path.exists(os.path.join(cache, key)):
            cached += 1
        else:
            to_run.append((path, key))

    print(f"tidy: {len(to_run) + cached} file(s), {cached} unchanged since a clean run, "
          f"{len(to_run)} to check", flush=True)
    failed = []
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_tidy, path): (path, key) for path, key in to_run}
        for future in concurrent.futures.as_completed(futures):
            path, key = futures[future]
            rc, output, _ = future.result()
            if rc == 0 and "warning:" not in output and "error:" not in output:
                if key:
                    open(os.path.join(cache, key), "w").close()
            else:
                failed.append(path)
                sys.stdout.write(output if output.endswith("\n") else output + "\n")
                sys.stdout.flush()
    if to_run:
        print(f"tidy: checked {len(to_run)} file(s) in {time.monotonic() - started:.0f} s")
    if failed:
        print(f"tidy: findings in {len(failed)} file(s): " + " ".join(sorted(failed)),
              file=sys.stderr)
        print("tidy: fix them, or NOLINT(check) with the reason on the line", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
