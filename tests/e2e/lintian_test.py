#!/usr/bin/env python3
"""lintian (Debian 12's) and hardening-check (devscripts) on the packages.

The three .debs come from e2e.packages: cpack in a tree configured as the
release preset (PUSHPROBE_HARDENING). lintian must print no error and no
warning; a tag we keep on purpose is overridden in packaging/lintian/ with the
reason next to it, and every such override must still be used (a stale one
fails). No info tag about hardening may remain. hardening-check must find
every binary PIE, with a stack protector, fortified functions, full RELRO and
BIND_NOW.

usage: lintian_test.py BUILD_DIR
"""

import os
import re
import shutil

import e2e
from e2e import log, require

BINARIES = ["usr/bin/pushprobe", "usr/bin/pushprobe-exporter",
            "usr/lib/nagios/plugins/check_exchange_push"]


def main():
    build = e2e.build_dir()
    work = e2e.workdir("lintian")
    for tool in ("lintian", "hardening-check"):
        if not shutil.which(tool):
            raise e2e.Failure(f"{tool} is not installed (scripts/test.sh installs lintian and "
                              "devscripts)")
    e2e.version("lintian", ["lintian", "--version"], r"lintian")
    e2e.debian_version("devscripts")
    debs = e2e.packages(build)

    result = e2e.run(["lintian", "--display-info", "--show-overrides", "--tag-display-limit", "0",
                      *debs.values()], check=False, timeout=600)
    out = result.stdout.strip()
    log(f"lintian --display-info --show-overrides (exit {result.returncode}):\n"
        + (out or "(no output)"))
    lines = out.splitlines()
    bad = [l for l in lines if re.match(r"^[EW]: ", l)]
    require(not bad, "lintian errors or warnings:\n" + "\n".join(bad))
    hardening = [l for l in lines if re.match(r"^I: \S+: hardening-", l)]
    require(not hardening, "binaries not hardened:\n" + "\n".join(hardening))
    require(result.returncode == 0, f"lintian exited with {result.returncode}")
    overrides_dir = os.path.join(e2e.PACKAGING, "lintian")
    for name in os.listdir(overrides_dir):
        with open(os.path.join(overrides_dir, name)) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    tag = line.split(":", 1)[1].split()[0]
                    require(any(l.startswith(f"O: {name}: {tag}") for l in lines),
                            f"override {line.strip()!r} in {name} is no longer used")
    log("lintian: no error, no warning; overrides used: " +
        ", ".join(l for l in lines if l.startswith("O: ")))

    for name, path in debs.items():
        tree = os.path.join(work, name)
        e2e.run(["dpkg-deb", "-x", path, tree])
        for binary in BINARIES:
            full = os.path.join(tree, binary)
            if not os.path.exists(full):
                continue
            # CET (-fcf-protection) is not among the flags dpkg-buildflags
            # gives on Debian 12; stack clash protection reports "unknown".
            check = e2e.run(["hardening-check", "--nocfprotection", full],
                            check=False)
            log(f"hardening-check {binary} ({name}):\n{check.stdout.rstrip()}")
            require(check.returncode == 0, f"{binary} is not hardened")
            for feature in ("Position Independent Executable: yes",
                            "Stack protected: yes", "Fortify Source functions: yes",
                            "Read-only relocations: yes", "Immediate binding: yes"):
                require(feature in check.stdout, f"{binary}: no '{feature}'")


if __name__ == "__main__":
    e2e.main(main)
