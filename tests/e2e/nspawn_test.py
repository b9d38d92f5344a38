#!/usr/bin/env python3
"""The packaged unit under a real systemd: a minimal Debian 12 booted in
systemd-nspawn (systemd-container) with systemd as PID 1.

The root is the deb test's clean debootstrap root (minbase, the packages'
dependencies, systemd and dbus; no procps, so no /bin/kill), unpacked from
its cache. The three packages are installed into it with dpkg and the
shipped pushprobe.yml is pointed at the emulator lab running on this
machine; the container shares this machine's network, so the lab and the
exporter's port are on 127.0.0.1. Then, with `systemd-nspawn --boot
--register=no --keep-unit`:

- boot: systemd starts the enabled unit; it runs as the pushprobe user
  (/proc/MAINPID/status) and serves /metrics with probe_success 1;
- `systemctl reload`: a target added to pushprobe.yml appears on /metrics;
- `systemctl stop`: the unit is inactive, with result success, within the
  longest target timeout plus a margin (not killed at TimeoutStopSec);
- `systemd-analyze security`: the exposure level is no higher than
  EXPOSURE_LEVEL, the level the unit has now.
The time each step took is printed. When this machine cannot boot a
container (no root, no systemd-nspawn, no debootstrap root, or the boot
fails) the test prints "SKIP: <reason>" and exits with 77, which ctest
reports as skipped.

usage: nspawn_test.py BUILD_DIR
"""

import os
import re
import shutil
import subprocess
import sys
import time

import e2e
from e2e import log, poll, require
import deb_test

# `systemd-analyze security` of the unit as shipped, in the booted container
# (systemd 252): "1.4 OK". A change that weakens the sandbox raises it.
EXPOSURE_LEVEL = 1.4
TARGET_TIMEOUT = 2.0  # the lab configuration's timeout (deb_test.lab_config)
SKIP = 77


def skip(reason):
    log(f"SKIP: {reason}")
    sys.exit(SKIP)


class Container:
    """A booted systemd-nspawn container; commands run in it with nsenter."""

    def __init__(self, root, work):
        self.root = root
        self.log_path = os.path.join(work, "nspawn.log")
        self.proc = e2e.start(["systemd-nspawn", "--boot", "--register=no", "--keep-unit",
                               "--quiet", "--console=passive", "-D", root,
                               "--machine=pushprobe-e2e"], self.log_path)
        self.leader = None

    def find_leader(self):
        """PID (on this machine) of the container's init: nspawn's child."""
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                children = f.read().split()
        except OSError:
            return None
        for pid in children:
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() == "systemd":
                        self.leader = int(pid)
                        return self.leader
            except OSError:
                continue
        return None

    def run(self, argv, check=True, timeout=120):
        return e2e.run(["nsenter", "-t", str(self.leader), "-m", "-u", "-i", "-p", "-r", "-w",
                        "--", *argv], check=check, timeout=timeout,
                       env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C",
                            "SYSTEMD_PAGER": "", "SYSTEMD_COLORS": "0"})


def install(root, debs, emulator, port):
    os.makedirs(root.file("/tmp/debs"), exist_ok=True)
    staged = []
    for path in debs.values():
        shutil.copy(path, root.file(f"/tmp/debs/{os.path.basename(path)}"))
        staged.append(f"/tmp/debs/{os.path.basename(path)}")
    out = root.run(["dpkg", "-i", *staged]).stdout
    log("dpkg -i into the root:\n" + out.strip())
    gid = int(root.run(["getent", "group", "pushprobe"]).stdout.split(":")[2])
    for src, dst in (("auth.pem", "auth.pem"), ("ca.pem", "lab-ca.pem")):
        target = root.file(f"/etc/pushprobe/{dst}")
        shutil.copy(os.path.join(emulator.dir, src), target)
        os.chown(target, 0, gid)
        os.chmod(target, 0o640)
    config = root.file("/etc/pushprobe/pushprobe.yml")
    with open(config) as f:
        text = deb_test.lab_config(f.read(), emulator.port)
    with open(config, "w") as f:
        f.write(text)
    # The shipped flags plus a free port on loopback (the unit reads the file
    # as an EnvironmentFile: no shell, so the line is rewritten whole).
    default = root.file("/etc/default/pushprobe-exporter")
    with open(default) as f:
        flags = f.read()
    new = re.sub(r'(?m)^ARGS="(.*)"$', rf'ARGS="\1 --web.listen-address=127.0.0.1:{port}"', flags)
    require(new != flags, f"no ARGS line in {default}:\n{flags}")
    with open(default, "w") as f:
        f.write(new)
    return config, text


def added_target(text):
    """The configuration with a second target, a copy of the first renamed."""
    m = re.search(r"(?ms)^  - name: example\b.*?(?=^\S|\Z)", text)
    require(m, "no target named example in the shipped sample:\n" + text)
    return text.rstrip("\n") + "\n" + m.group(0).replace("name: example", "name: reloaded")


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    if os.geteuid() != 0:
        skip("booting a container needs root")
    if not shutil.which("systemd-nspawn") or not shutil.which("nsenter"):
        skip("systemd-nspawn is not installed (package systemd-container)")
    e2e.version("systemd-nspawn", ["systemd-nspawn", "--version"], r"^systemd")
    work = e2e.workdir("nspawn")
    debs = e2e.packages(build)
    root_path = deb_test.make_root(work, deb_test.root_packages(deb_test.dependencies(debs)))
    if root_path is None:
        skip("no debootstrap root could be made (see above)")
    root = deb_test.Root(root_path)
    require(not os.path.exists(root.file("/bin/kill")) and
            not os.path.exists(root.file("/usr/bin/kill")),
            "the root has a kill binary; it must prove the unit reloads without procps")

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    port = e2e.free_port()
    config, text = install(root, debs, emulator, port)
    base = f"http://127.0.0.1:{port}"

    booted = time.monotonic()
    container = Container(root_path, work)
    procs = [container.proc, emulator.proc]
    try:
        poll("the container's systemd", container.find_leader, 30, procs=procs)

        def system_state():
            # Until PID 1 has its socket up, systemctl cannot connect at all.
            out = container.run(["systemctl", "is-system-running", "--wait"], check=False,
                                timeout=120).stdout.strip()
            return None if "Failed to connect" in out else out

        state = poll("the container's systemd to answer", system_state, 60, interval=0.5,
                     procs=procs)
    except e2e.Failure as e:
        skip(f"this machine cannot boot the container: {e}\n{e2e.tail(container.log_path)}")
    boot_time = time.monotonic() - booted
    log(f"container booted in {boot_time:.1f}s: system {state}")
    if state not in ("running", "degraded"):
        skip(f"the container did not boot (state {state!r}):\n"
             + container.run(["systemctl", "--failed", "--no-legend"], check=False).stdout)

    def success(target):
        text = e2e.http_get(base + "/metrics")[1]
        return e2e.metric_value(text, "probe_success", {"target": target}) == 1

    try:
        poll("the unit to serve probe_success 1", lambda: success("example"), 60, procs=procs)
    except e2e.Failure as e:
        raise e2e.Failure(f"{e}\n" + container.run(
            ["systemctl", "status", "--no-pager", "-n", "30", "pushprobe-exporter"],
            check=False).stdout)
    started = time.monotonic() - booted
    show = container.run(["systemctl", "show", "-p", "ActiveState,SubState,MainPID,User,"
                          "ExecMainStartTimestampMonotonic", "pushprobe-exporter"]).stdout
    props = dict(l.split("=", 1) for l in show.splitlines() if "=" in l)
    log(f"systemctl show: {props}")
    require(props["ActiveState"] == "active" and props["SubState"] == "running", show)
    status = container.run(["cat", f"/proc/{props['MainPID']}/status"]).stdout
    uids = re.search(r"(?m)^Uid:\s+(\d+)\s+(\d+)", status)
    user = container.run(["getent", "passwd", uids.group(1)]).stdout.split(":")[0]
    log(f"main process {props['MainPID']} runs as uid {uids.group(1)} ({user})")
    require(user == "pushprobe" and uids.group(1) == uids.group(2), status)
    log(f"boot to probe_success 1 on /metrics: {started:.1f}s")

    with open(config, "w") as f:
        f.write(added_target(text))
    t = time.monotonic()
    reload = container.run(["systemctl", "reload", "pushprobe-exporter"], check=False)
    require(reload.returncode == 0, f"systemctl reload failed:\n{reload.stdout}")
    poll("the added target on /metrics", lambda: success("reloaded"), 30, procs=procs)
    reload_time = time.monotonic() - t
    require(container.run(["systemctl", "show", "-p", "MainPID", "pushprobe-exporter"])
            .stdout.strip() == f"MainPID={props['MainPID']}", "the reload restarted the unit")
    log(f"systemctl reload: the added target reported after {reload_time:.2f}s, same process")

    security = container.run(["systemd-analyze", "security", "--no-pager",
                              "pushprobe-exporter.service"], check=False).stdout
    m = re.search(r"Overall exposure level for \S+: ([\d.]+) (\S+)", security)
    require(m, f"systemd-analyze security:\n{security}")
    log(f"systemd-analyze security (booted): {m.group(0)}")
    require(float(m.group(1)) <= EXPOSURE_LEVEL,
            f"exposure {m.group(1)} is above {EXPOSURE_LEVEL}:\n{security}")

    t = time.monotonic()
    stop = container.run(["systemctl", "stop", "pushprobe-exporter"], check=False, timeout=700)
    stop_time = time.monotonic() - t
    show = container.run(["systemctl", "show", "-p", "ActiveState,Result",
                          "pushprobe-exporter"]).stdout
    log(f"systemctl stop: {stop_time:.2f}s, {' '.join(show.split())}")
    require(stop.returncode == 0 and "ActiveState=inactive" in show and "Result=success" in show,
            f"stop: {stop.stdout}\n{show}")
    require(stop_time <= TARGET_TIMEOUT + 5, f"stop took {stop_time:.1f}s, longer than the "
            f"longest target timeout ({TARGET_TIMEOUT}s) and a margin")
    journal = container.run(["journalctl", "-u", "pushprobe-exporter", "--no-pager", "-o", "cat"],
                            check=False).stdout
    log("journal of the unit (last lines):\n" + "\n".join(journal.splitlines()[-8:]))
    container.run(["systemctl", "poweroff"], check=False)
    try:
        container.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    log(f"transcript: boot+start {started:.1f}s, reload {reload_time:.2f}s, stop {stop_time:.2f}s")


if __name__ == "__main__":
    e2e.main(main)
