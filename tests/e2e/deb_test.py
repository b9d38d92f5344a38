#!/usr/bin/env python3
"""The Debian packages: built by cpack, installed with dpkg -i into a clean root.

1. `cpack -G DEB` in a hardened release tree (e2e.packages) makes pushprobe,
   pushprobe-exporter and pushprobe-nagios-plugin; their control data and
   contents are checked.
2. A clean Debian root is made with debootstrap (minbase, from the mirror apt
   is configured with, plus the packages' dependencies; cached as a tarball
   under $PUSHPROBE_E2E_CACHE, default /var/cache/pushprobe-e2e). When
   debootstrap cannot run, the packages go onto this machine instead and are
   purged at the end.
3. Upgrade from the two-package layout of 0.1.0-1: packages with that
   layout (the new files, the old control files kept in old_layout/) are
   installed, the administrator changes /etc/pushprobe/pushprobe.yml, and
   apt installs the three new packages over them: no conffile prompt, the
   change kept, the file now pushprobe's conffile, its mode and group kept.
   postinst made the pushprobe user; `systemd-analyze verify` accepts the
   installed unit.
4. The installed exporter, started as the unit starts it (user pushprobe, the
   ARGS of /etc/default/pushprobe-exporter), with the installed sample
   configuration pointed at the emulator lab, serves /metrics with
   probe_success 1, and reloads on SIGHUP. The installed plugin and the
   diagnostics command run against the lab too.
5. `dpkg --remove` keeps the conffiles and the user; `dpkg --purge` removes
   every file and keeps the user.

usage: deb_test.py BUILD_DIR
"""

import glob
import gzip
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tarfile

import e2e
from e2e import log, poll, require

CORE_FILES = [
    "/usr/bin/pushprobe", "/etc/pushprobe/pushprobe.yml", "/usr/share/man/man1/pushprobe.1.gz",
    "/usr/share/lintian/overrides/pushprobe",
    "/usr/share/doc/pushprobe/changelog.Debian.gz", "/usr/share/doc/pushprobe/copyright",
    "/usr/share/doc/pushprobe/docs/troubleshooting.md",
]
EXPORTER_FILES = [
    "/usr/bin/pushprobe-exporter", "/etc/default/pushprobe-exporter",
    "/lib/systemd/system/pushprobe-exporter.service",
    "/usr/share/man/man1/pushprobe-exporter.1.gz",
    "/usr/share/doc/pushprobe-exporter/examples/prometheus.yml",
    "/usr/share/doc/pushprobe-exporter/examples/pushprobe-alerts.yml",
    "/usr/share/doc/pushprobe-exporter/examples/pushprobe-alerts.test.yml",
    "/usr/share/doc/pushprobe-exporter/examples/pushprobe-overview.json",
    "/usr/share/doc/pushprobe-exporter/changelog.Debian.gz",
    "/usr/share/doc/pushprobe-exporter/docs/troubleshooting.md",
    "/usr/share/doc/pushprobe-exporter/copyright",
]
PLUGIN_FILES = [
    "/usr/lib/nagios/plugins/check_exchange_push", "/etc/nagios-plugins/config/exchange_push.cfg",
    "/usr/share/icinga2/include/plugins-contrib.d/exchange-push.conf",
    "/usr/share/man/man1/check_exchange_push.1.gz",
    "/usr/share/doc/pushprobe-nagios-plugin/changelog.Debian.gz",
    "/usr/share/doc/pushprobe-nagios-plugin/docs/plugin.md",
    "/usr/share/doc/pushprobe-nagios-plugin/copyright",
]
OLD_LAYOUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "old_layout")
OLD_VERSION = "0.1.0-1"
SITE_CHANGE = "# changed by the administrator before the upgrade\n"


def check_package(work, path, files, conffiles):
    info = e2e.run(["dpkg-deb", "-I", path]).stdout
    log(f"{os.path.basename(path)} control:\n" + "\n".join(
        l for l in info.splitlines() if re.match(r"^ (Package|Version|Depends|Recommends|"
                                                  r"Suggests|Section|Maintainer|Description):",
                                                  l)))
    contents = e2e.run(["dpkg-deb", "-c", path]).stdout
    paths = {"/" + l.split()[-1].lstrip("./").rstrip("/") for l in contents.splitlines()
             if not l.split()[-1].endswith("/")}
    missing = [f for f in files if f not in paths]
    require(not missing, f"{path} lacks {missing}:\n{contents}")
    depends = e2e.run(["dpkg-deb", "-f", path, "Depends"]).stdout
    require("libc6" in depends and "libstdc++6" in depends,
            f"shlibdeps did not run: Depends: {depends}")
    control = os.path.join(work, "control", os.path.basename(path))
    os.makedirs(os.path.dirname(control), exist_ok=True)
    e2e.run(["dpkg-deb", "-e", path, control])
    with open(os.path.join(control, "conffiles")) as f:
        listed = f.read().split()
    require(sorted(listed) == sorted(conffiles), f"conffiles {listed}")
    for line in contents.splitlines():
        if line.startswith("-") and (" ./usr/bin/" in line or "/plugins/check_" in line):
            require(line.startswith("-rwxr-xr-x root/root"), f"binary mode/owner: {line}")
    return depends


def old_layout_debs(debs, work):
    """Packages laid out as 0.1.0-1 was: pushprobe-exporter with everything of
    today's pushprobe in it, and a plugin that depends on neither; today's
    files, 0.1.0-1's control files (old_layout/)."""
    old = {}
    layout = {"pushprobe-exporter": ["pushprobe", "pushprobe-exporter"],
              "pushprobe-nagios-plugin": ["pushprobe-nagios-plugin"]}
    for name, sources in layout.items():
        tree = os.path.join(work, "old", name)
        os.makedirs(tree)
        for source in sources:
            e2e.run(["dpkg-deb", "-x", debs[source], tree])
        for gone in ("usr/share/doc/pushprobe", "usr/share/lintian"):
            shutil.rmtree(os.path.join(tree, gone), ignore_errors=True)
        fields = {f: e2e.run(["dpkg-deb", "-f", debs[name], f]).stdout.strip()
                  for f in ("Architecture", "Maintainer", "Section", "Priority", "Description")}
        depends = [d.strip() for source in sources for d in
                   e2e.run(["dpkg-deb", "-f", debs[source], "Depends"]).stdout.split(",")
                   if d.strip() and not d.strip().startswith("pushprobe")]
        os.makedirs(os.path.join(tree, "DEBIAN"))
        with open(os.path.join(tree, "DEBIAN", "control"), "w") as f:
            f.write(f"Package: {name}\nVersion: {OLD_VERSION}\n"
                    f"Depends: {', '.join(dict.fromkeys(depends))}\n" +
                    "".join(f"{k}: {v}\n" for k, v in fields.items()))
        for script in os.listdir(os.path.join(OLD_LAYOUT, name)):
            shutil.copy(os.path.join(OLD_LAYOUT, name, script), os.path.join(tree, "DEBIAN"))
        old[name] = os.path.join(work, "old", f"{name}_{OLD_VERSION}.deb")
        e2e.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-b", tree, old[name]])
    return old


def upgrade_from_old_layout(root, old, new, stage):
    """Installs the 0.1.0-1 layout, changes pushprobe.yml, then apt installs
    the three packages over it; the change must survive without a prompt."""
    out = root.run(["dpkg", "-i", *stage(old.values())]).stdout
    log(f"dpkg -i the {OLD_VERSION} layout:\n" + out.strip())
    config = root.file("/etc/pushprobe/pushprobe.yml")
    with open(config, "a") as f:
        f.write(SITE_CHANGE)
    conffiles = root.run(["dpkg-query", "-W", "-f=${Conffiles}", "pushprobe-exporter"]).stdout
    require("/etc/pushprobe/pushprobe.yml" in conffiles, f"old layout conffiles: {conffiles}")
    # apt, as an upgrade runs: it orders the unpacks and deconfigures what
    # pushprobe's Breaks names. stdin is /dev/null: a conffile prompt fails.
    result = root.run(["apt-get", "install", "-y", "--no-install-recommends",
                       "-o", "Debug::NoLocking=1", *stage(new.values())], check=False)
    log("apt-get install over the old layout:\n" + result.stdout.strip())
    require(result.returncode == 0, "the upgrade failed")
    require("Configuration file" not in result.stdout, "dpkg asked about a conffile")
    status = root.run(["dpkg-query", "-W", "-f=${Package} ${Version} ${Status}\n",
                       *new]).stdout
    log(status.strip())
    require(status.count("install ok installed") == 3 and OLD_VERSION not in status, status)
    with open(config) as f:
        require(f.read().endswith(SITE_CHANGE), "the administrator's change was lost")
    left = [p for p in os.listdir(root.file("/etc/pushprobe")) if p != "pushprobe.yml"]
    require(not left, f"the upgrade left {left} in /etc/pushprobe")
    owner = root.run(["dpkg-query", "-W", "-f=${Conffiles}\n", "pushprobe",
                      "pushprobe-exporter"]).stdout
    log(f"conffiles after the upgrade:{owner.rstrip()}")
    owners = root.run(["dpkg", "-S", "/etc/pushprobe/pushprobe.yml"]).stdout.strip()
    require(owners == "pushprobe: /etc/pushprobe/pushprobe.yml",
            f"pushprobe.yml belongs to: {owners}")
    st = os.stat(config)
    require((st.st_mode & 0o777) == 0o640, f"pushprobe.yml mode {st.st_mode & 0o777:o}")
    # pushprobe-exporter still lists the file as an obsolete conffile of its
    # own: purging it alone must leave pushprobe's file alone.
    out = root.run(["dpkg", "--purge", "pushprobe-exporter"]).stdout
    log("dpkg --purge pushprobe-exporter alone:\n" + out.strip())
    require(os.path.exists(config), "purging pushprobe-exporter deleted pushprobe's pushprobe.yml")
    with open(config) as f:
        require(f.read().endswith(SITE_CHANGE), "purging pushprobe-exporter changed pushprobe.yml")
    root.run(["dpkg", "-i", *stage([new["pushprobe-exporter"]])])
    log("upgrade from the two-package layout kept the administrator's pushprobe.yml")


def dependencies(debs):
    names = set()
    for path in debs.values():
        depends = e2e.run(["dpkg-deb", "-f", path, "Depends"]).stdout
        for item in depends.split(","):
            if item.strip():
                names.add(item.split("|")[0].split("(")[0].strip())
    return sorted(names)


def apt_mirror():
    """The Debian mirror apt is configured with, and the suite of this machine."""
    mirror = None
    for path in glob.glob("/etc/apt/sources.list.d/*.sources") + ["/etc/apt/sources.list"]:
        try:
            text = open(path).read()
        except OSError:
            continue
        m = (re.search(r"(?m)^URIs:\s*(\S+/debian)/?\s*$", text) or
             re.search(r"(?m)^deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)/?\s", text))
        if m:
            mirror = m.group(1)
            break
    suite = re.search(r"(?m)^VERSION_CODENAME=(\w+)", open("/etc/os-release").read()).group(1)
    return mirror, suite


class Root:
    """A clean Debian root made by debootstrap, or this machine itself."""

    def __init__(self, path):
        self.path = path
        self.mounted = []

    def file(self, p):
        return os.path.join(self.path, p.lstrip("/")) if self.path else p

    def cmd(self, argv):
        return ["chroot", self.path, *argv] if self.path else argv

    def run(self, argv, check=True, **kw):
        return e2e.run(self.cmd(argv), check=check, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                                         "LC_ALL": "C"}, **kw)

    def mount_proc(self):
        if self.path:
            proc = self.file("/proc")
            e2e.run(["mount", "-t", "proc", "proc", proc])
            self.mounted.append(proc)
            e2e.on_cleanup(self.unmount)

    def unmount(self):
        while self.mounted:
            subprocess.run(["umount", "-l", self.mounted.pop()])


def root_packages(deps):
    """What the clean root holds besides minbase: the packages' dependencies
    and a systemd that can boot it (the nspawn test), no procps."""
    return sorted((set(deps) | {"systemd", "dbus"}) - set(e2e.PACKAGE_NAMES))


def make_root(work, packages):
    """debootstrap minbase plus `packages`, cached as a tarball; None if it cannot run."""
    if os.environ.get("PUSHPROBE_E2E_DEB_ROOT") == "host":
        return None
    e2e.version("debootstrap", ["dpkg-query", "-W", "-f=${Version}", "debootstrap"])
    mirror, suite = apt_mirror()
    if not mirror or not shutil.which("debootstrap"):
        log(f"debootstrap unusable (mirror {mirror}); installing onto this machine")
        return None
    cache = os.environ.get("PUSHPROBE_E2E_CACHE", "/var/cache/pushprobe-e2e")
    os.makedirs(os.path.join(cache, "debs"), exist_ok=True)
    key = hashlib.sha256(f"{suite} {mirror} {' '.join(packages)}".encode()).hexdigest()[:16]
    tarball = os.path.join(cache, f"root-{suite}-{key}.tar")
    root = os.path.join(work, "root")
    if os.path.exists(tarball):
        log(f"unpacking the cached clean root {tarball}")
        os.makedirs(root)
        with tarfile.open(tarball) as t:
            t.extractall(root, numeric_owner=True)
        return root
    log(f"debootstrap --variant=minbase {suite} from {mirror} with {', '.join(packages)}")
    result = e2e.run(["debootstrap", "--variant=minbase", f"--include={','.join(packages)}",
                      f"--cache-dir={os.path.join(cache, 'debs')}", suite, root, mirror],
                     check=False, timeout=600)
    if result.returncode != 0:
        log("debootstrap failed; installing onto this machine instead:\n" +
            "\n".join(result.stdout.splitlines()[-15:]))
        subprocess.run(["umount", "-l", os.path.join(root, "proc")], stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)
        return None
    e2e.run(["chroot", root, "apt-get", "clean"])
    with tarfile.open(tarball + ".part", "w") as t:
        t.add(root, arcname=".")
    os.rename(tarball + ".part", tarball)
    return root


def lab_config(sample, lab_port, interval="2s", timeout="2s"):
    """The shipped sample configuration, pointed at the emulator lab."""
    text = sample
    text = text.replace("  timeout: 30s", f"  timeout: {timeout}")
    text = text.replace("  interval: 1m", f"  interval: {interval}")
    text = text.replace("  # ca_file: /etc/pushprobe/proxy-ca.pem",
                        "  ca_file: /etc/pushprobe/lab-ca.pem\n  connect_to:\n"
                        f'    - "outlook.office365.com:443:127.0.0.1:{lab_port}"\n'
                        f'    - "accounts.accesscontrol.windows.net:443:127.0.0.1:{lab_port}"')
    text = text.replace("organization: example.com", "organization: fabrikam.com")
    text = text.replace("certificate: /etc/pushprobe/auth.pfx", "certificate: /etc/pushprobe/auth.pem")
    require(text.count("127.0.0.1") == 2 and "fabrikam.com" in text and "auth.pem" in text
            and f"interval: {interval}" in text, "the shipped sample configuration changed:\n"
            + text)
    return text


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("deb")
    e2e.version("dpkg", ["dpkg", "--version"], r"dpkg")
    e2e.version("systemd", ["systemd-analyze", "--version"], r"^systemd")

    debs = e2e.packages(build)
    check_package(work, debs["pushprobe"], CORE_FILES, ["/etc/pushprobe/pushprobe.yml"])
    check_package(work, debs["pushprobe-exporter"], EXPORTER_FILES,
                  ["/etc/default/pushprobe-exporter"])
    check_package(work, debs["pushprobe-nagios-plugin"], PLUGIN_FILES,
                  ["/etc/nagios-plugins/config/exchange_push.cfg"])
    for name in ("pushprobe-exporter", "pushprobe-nagios-plugin"):
        depends = e2e.run(["dpkg-deb", "-f", debs[name], "Depends"]).stdout
        version = e2e.run(["dpkg-deb", "-f", debs[name], "Version"]).stdout.strip()
        require(f"pushprobe (= {version})" in depends, f"{name} Depends: {depends}")
    for field in ("Replaces", "Breaks"):
        value = e2e.run(["dpkg-deb", "-f", debs["pushprobe"], field]).stdout.strip()
        require(value == "pushprobe-exporter (<< 0.1.0-2~)", f"pushprobe {field}: {value}")
    for name, path in debs.items():
        log(f"dpkg -c {os.path.basename(path)}:\n" + e2e.run(["dpkg-deb", "-c", path]).stdout)

    deps = dependencies(debs)
    log(f"dependencies: {deps}")
    # A root that can run the unit: systemd, and no more (no procps: the unit
    # must not need /bin/kill). The nspawn test boots the same root.
    root_path = make_root(work, root_packages(deps))
    root = Root(root_path)
    if root_path is None:
        require(os.geteuid() == 0, "installing onto this machine needs root")
        for p in debs:
            require(subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0,
                    f"{p} is already installed on this machine; not touching it")
        missing = [d for d in deps if subprocess.run(
            ["dpkg", "-s", d], capture_output=True).returncode != 0]
        if missing:
            e2e.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                    env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        e2e.on_cleanup(lambda: subprocess.run(["dpkg", "--purge", *debs]))
        where = "this machine"
    else:
        where = f"the clean root {root_path}"
        root.mount_proc()
        os.makedirs(root.file("/tmp/debs"), exist_ok=True)
    log(f"installing into {where}")

    def stage(paths):
        """The paths of .debs as dpkg in the root sees them."""
        staged = []
        for path in paths:
            if root.path:
                shutil.copy(path, root.file(f"/tmp/debs/{os.path.basename(path)}"))
                staged.append(f"/tmp/debs/{os.path.basename(path)}")
            else:
                staged.append(path)
        return staged

    upgrade_from_old_layout(root, old_layout_debs(debs, work), debs, stage)

    passwd = root.run(["getent", "passwd", "pushprobe"]).stdout.strip()
    log(f"postinst made the user: {passwd}")
    fields = passwd.split(":")
    require(fields[5] == "/var/lib/pushprobe" and fields[6] in ("/usr/sbin/nologin", "/bin/false")
            and int(fields[2]) < 1000, f"not a system user: {passwd}")
    uid, gid = int(fields[2]), int(fields[3])
    st = os.stat(root.file("/etc/pushprobe"))
    require(st.st_gid == gid and (st.st_mode & 0o777) == 0o750, "mode of /etc/pushprobe")

    if root.path:
        wants = root.file("/etc/systemd/system/multi-user.target.wants/pushprobe-exporter.service")
        require(os.path.islink(wants), "postinst did not enable the unit")
    unit = root.file("/lib/systemd/system/pushprobe-exporter.service")
    verify = ["systemd-analyze", "verify", "--man=no"]
    if root.path:
        verify.append(f"--root={root.path}")
    result = e2e.run([*verify, "/lib/systemd/system/pushprobe-exporter.service" if root.path
                      else unit], check=False)
    log(f"systemd-analyze verify: exit {result.returncode} {result.stdout.strip()}")
    require(result.returncode == 0 and not result.stdout.strip(),
            "systemd-analyze verify complained")
    security = e2e.run(["systemd-analyze", "security", "--offline=yes",
                        *( [f"--root={root.path}"] if root.path else []),
                        "/lib/systemd/system/pushprobe-exporter.service"], check=False)
    log("systemd-analyze security: " + (security.stdout.strip().splitlines() or ["?"])[-1])

    # The installed sample configuration, pointed at the emulator lab.
    emulator = e2e.Emulator(bins["emulator"], work).serve()
    config = root.file("/etc/pushprobe/pushprobe.yml")
    with open(config) as f:
        sample = f.read()
    for src, dst in (("auth.pem", "auth.pem"), ("ca.pem", "lab-ca.pem")):
        shutil.copy(os.path.join(emulator.dir, src), root.file(f"/etc/pushprobe/{dst}"))
        os.chown(root.file(f"/etc/pushprobe/{dst}"), 0, gid)
        os.chmod(root.file(f"/etc/pushprobe/{dst}"), 0o640)
    with open(config, "w") as f:
        f.write(lab_config(sample, emulator.port))
    if not root.path:
        e2e.on_cleanup(lambda: subprocess.run(
            "rm -f /etc/pushprobe/auth.pem /etc/pushprobe/lab-ca.pem && "
            "rmdir --ignore-fail-on-non-empty /etc/pushprobe", shell=True))

    out = root.run(["runuser", "-u", "pushprobe", "--", "pushprobe", "check-config", "--config",
                    "/etc/pushprobe/pushprobe.yml"]).stdout
    log("pushprobe check-config as pushprobe: " + out.strip())
    args = root.run(["sh", "-c", ". /etc/default/pushprobe-exporter && echo \"$ARGS\""]) \
        .stdout.strip()
    log(f"ARGS from /etc/default/pushprobe-exporter: {args}")
    port = e2e.free_port()
    # As the unit runs it: User=pushprobe, NoNewPrivileges=yes, an empty
    # CapabilityBoundingSet= and AmbientCapabilities=.
    exporter = e2e.start(root.cmd(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups",
                                   "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all",
                                   "/usr/bin/pushprobe-exporter", *args.split(),
                                   f"--web.listen-address=127.0.0.1:{port}"]),
                         os.path.join(work, "installed-exporter.log"),
                         env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    base = f"http://127.0.0.1:{port}"
    procs = [exporter, emulator.proc]

    def success():
        text = e2e.http_get(base + "/metrics")[1]
        return text if e2e.metric_value(text, "probe_success", {"target": "example"}) == 1 else None

    text = poll("the installed exporter to report probe_success 1", success, 60, procs=procs)
    log("installed exporter: " + ", ".join(
        l for l in text.splitlines() if l.startswith(("probe_success", "pushprobe_exporter_build_info"))))

    def reloads():
        text = e2e.http_get(base + "/metrics")[1]
        return e2e.metric_value(text, "pushprobe_exporter_config_reloads_total",
                                {"result": "success"})

    before = poll("the reload counter", reloads, 10, procs=procs)
    # ExecReload: kill -HUP $MAINPID (chroot and setpriv exec, so the pid is the exporter's).
    os.kill(exporter.pid, signal.SIGHUP)
    poll("a successful reload after SIGHUP", lambda: (reloads() or 0) > before, 10, procs=procs)
    log(f"SIGHUP reloaded the configuration ({before:.0f} -> {reloads():.0f} successful loads)")
    e2e.stop(exporter)

    out = root.run(["runuser", "-u", "pushprobe", "--", "/usr/lib/nagios/plugins/check_exchange_push",
                    "--config", "/etc/pushprobe/pushprobe.yml"], check=False)
    log(f"installed check_exchange_push: exit {out.returncode}: {out.stdout.splitlines()[0]}")
    require(out.returncode == 0 and out.stdout.startswith("EXCHANGE PUSH OK"), out.stdout)
    for page in ("pushprobe", "pushprobe-exporter", "check_exchange_push"):
        path = root.file(f"/usr/share/man/man1/{page}.1.gz")
        with gzip.open(path, "rt") as f:
            require(f.read().startswith(".TH " + page.upper().replace("-", "\\-")),
                    f"{path} is not a section 1 man page")
        if shutil.which("man"):
            man = e2e.run(["man", "--warnings", "-l", path], check=False,
                          env={"MANWIDTH": "80", "LC_ALL": "C.UTF-8", "PATH": os.environ["PATH"]})
            require(man.returncode == 0 and page.upper() in man.stdout and
                    "troff:" not in man.stdout, f"man page {page}:\n{man.stdout}")
    log("man pages are gzipped troff" + (" and render without warnings" if shutil.which("man")
                                         else " (no man here to render them)"))

    out = root.run(["dpkg", "--remove", *debs]).stdout
    require(os.path.exists(config), "dpkg --remove deleted a conffile")
    out = root.run(["dpkg", "--purge", *debs]).stdout
    log("dpkg --purge:\n" + out.strip())
    left = [f for f in CORE_FILES + EXPORTER_FILES + PLUGIN_FILES
            if os.path.exists(root.file(f))]
    require(not left, f"left after purge: {left}")
    wants = "/etc/systemd/system/multi-user.target.wants/pushprobe-exporter.service"
    require(not os.path.lexists(root.file(wants)), f"{wants} left after purge")
    require(root.run(["getent", "passwd", "pushprobe"], check=False).returncode == 0,
            "the pushprobe user was removed")
    log("purged: no package file left, the pushprobe user kept")


if __name__ == "__main__":
    e2e.main(main)
