"""Shared pieces of the end-to-end tests against real programs.

Everything runs on 127.0.0.1 with ports picked free, every wait is a bounded
poll, and every process started here is stopped when the test ends (normal
exit, failure, or the SIGTERM ctest sends at its timeout).
"""

import atexit
import glob
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGING = os.path.join(SOURCE_DIR, "packaging")

_processes = []
_cleanups = []


class Failure(Exception):
    pass


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _stop_all():
    for proc in reversed(_processes):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    _processes.clear()
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception as e:  # cleanup goes on with the rest
            print(f"cleanup: {e}", file=sys.stderr)


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def on_cleanup(fn):
    _cleanups.append(fn)


def workdir(name):
    path = tempfile.mkdtemp(prefix=f"pushprobe-e2e-{name}.")
    if os.environ.get("PUSHPROBE_E2E_KEEP") != "1":
        # --one-file-system: never into a file system still mounted below it.
        on_cleanup(lambda: subprocess.run(["rm", "-rf", "--one-file-system", path]))
    else:
        log(f"keeping {path}")
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, log_path, **kwargs):
    log("starting " + " ".join(cmd))
    out = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            **kwargs)
    _processes.append(proc)
    proc.log_path = log_path
    return proc


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in _processes:
        _processes.remove(proc)


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return str(e)


def poll(what, fn, timeout, interval=0.2, procs=()):
    """Calls fn until it returns a true value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        for p in procs:
            if p.poll() is not None:
                raise Failure(f"{what}: process {p.args[0]} exited with {p.returncode}:\n"
                              + tail(p.log_path))
        try:
            last = fn()
            if last:
                return last
        except (OSError, urllib.error.URLError, ValueError, KeyError) as e:
            last = e
        if time.monotonic() >= deadline:
            raise Failure(f"timed out after {timeout}s waiting for {what}; last: {last!r}")
        time.sleep(interval)


def http_get(url, timeout=5, context=None):
    with urllib.request.urlopen(url, timeout=timeout, context=context) as r:
        return r.status, r.read().decode()


def run(cmd, check=True, **kwargs):
    if "input" not in kwargs:
        kwargs["stdin"] = subprocess.DEVNULL
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            **kwargs)
    if check and result.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited with {result.returncode}:\n{result.stdout}")
    return result


def version(name, cmd, pattern=None):
    """Prints the version of a real program the test runs against."""
    out = run(cmd, check=False).stdout.strip()
    line = next((l for l in out.splitlines() if not pattern or re.search(pattern, l)), out)
    log(f"VERSION {name}: {line.strip()}")
    return line


def debian_version(package):
    out = run(["dpkg-query", "-W", "-f=${Version}", package], check=False).stdout.strip()
    log(f"VERSION {package} (Debian package): {out or 'not installed'}")
    return out


def require(condition, message):
    if not condition:
        raise Failure(message)


def main(test):
    """Runs test() and turns a Failure into exit status 1 with its message."""
    started = time.monotonic()
    try:
        test()
    except Failure as e:
        log(f"FAILED: {e}")
        sys.exit(1)
    log(f"PASSED in {time.monotonic() - started:.1f}s")


class Emulator:
    """A lab written by pushprobe-emulator and the emulator serving it."""

    def __init__(self, binary, directory, interval="2s", timeout="2s"):
        self.binary = binary
        self.dir = os.path.join(directory, "lab")
        run([binary, "lab", "--dir", self.dir, "--port", "0"])
        self.config = os.path.join(self.dir, "pushprobe.yml")
        with open(self.config) as f:
            text = f.read()
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)", text).group(1))
        # Short schedule so the tests see results within seconds.
        text = re.sub(r"(?m)^(\s+)interval: .*$", rf"\1interval: {interval}", text)
        text = re.sub(r"(?m)^(\s+)timeout: .*$", rf"\1timeout: {timeout}", text)
        with open(self.config, "w") as f:
            f.write(text)
        self.ca = os.path.join(self.dir, "ca.pem")
        self.proc = None

    def serve(self):
        self.proc = start([self.binary, "serve", "--lab", self.dir],
                          os.path.join(self.dir, "emulator.log"))
        poll("the emulator to listen",
             lambda: "listening on" in open(self.proc.log_path).read(), 30, procs=[self.proc])
        return self

    def _control(self, method, body=None):
        context = ssl.create_default_context(cafile=self.ca)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"https://127.0.0.1:{self.port}/_emulator/fault", data=data,
                                     method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5, context=context) as r:
            return r.status, r.read().decode()

    def inject(self, spec):
        status, body = self._control("POST", {"spec": spec})
        log(f"emulator fault {spec}: {status} {body.strip()}")
        require(200 <= status < 300, f"injecting {spec}: {status} {body}")

    def clear(self):
        self._control("DELETE")
        log("emulator faults cleared")


def build_dir():
    require(len(sys.argv) >= 2, f"usage: {sys.argv[0]} BUILD_DIR")
    return os.path.abspath(sys.argv[1])


def binaries(build):
    paths = {
        "exporter": os.path.join(build, "exporters", "pushprobe-exporter"),
        "plugin": os.path.join(build, "nagios", "check_exchange_push"),
        "emulator": os.path.join(build, "tests", "emulator", "pushprobe-emulator"),
        "pushprobe": os.path.join(build, "cli", "pushprobe"),
    }
    for name, path in paths.items():
        require(os.access(path, os.X_OK), f"{name} not built: {path}")
    return paths


def start_exporter(binary, config, directory, extra=()):
    port = free_port()
    proc = start([binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
                  "--log.level=info", *extra], os.path.join(directory, "exporter.log"))
    base = f"http://127.0.0.1:{port}"
    poll("the exporter to be ready", lambda: http_get(base + "/-/ready")[0] == 200, 30,
         procs=[proc])
    return proc, base


def metric_value(text, name, labels):
    """The value of the sample `name{labels...}` in exposition text, or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and line.split(" ")[0] != name:
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)", line)
        if not m or m.group(1) != name:
            continue
        found = dict(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(m.group(4))
    return None


PACKAGE_NAMES = ["pushprobe", "pushprobe-exporter", "pushprobe-nagios-plugin"]


def _cache_value(build, name):
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            m = re.search(rf"(?m)^{name}:\w+=(.*)$", f.read())
    except OSError:
        return None
    return m.group(1) if m else None


def package_build(build):
    """A build tree whose binaries are hardened as the packages need.

    The given tree when it was configured with PUSHPROBE_HARDENING (the
    release preset); otherwise a release tree without tests below it, made
    and brought up to date here (ccache, when present, shares its objects).
    """
    if _cache_value(build, "PUSHPROBE_HARDENING") == "ON":
        return build
    tree = os.path.join(os.path.abspath(build), "e2e-package-build")
    if not os.path.exists(os.path.join(tree, "CMakeCache.txt")):
        launcher = []
        if shutil.which("ccache"):
            launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        log(f"configuring a hardened release tree for the packages in {tree}")
        run(["cmake", "-S", SOURCE_DIR, "-B", tree, "-G", "Ninja",
             "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DPUSHPROBE_HARDENING=ON",
             # cpack builds nothing itself: only the packaged targets below.
             "-DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON", *launcher])
    started = time.monotonic()
    env = {**os.environ, "CCACHE_BASEDIR": SOURCE_DIR, "CCACHE_NOHASHDIR": "true"}
    result = run(["cmake", "--build", tree, "-j2", "--target", "pushprobe", "pushprobe-exporter",
                  "check_exchange_push", "pushprobe_man_pages", "pushprobe_deb_changelog"],
                 env=env, timeout=1500)
    log(f"package tree up to date in {time.monotonic() - started:.0f}s: "
        + (result.stdout.strip().splitlines() or ["?"])[-1])
    return tree


def packages(build):
    """{package name: .deb path} made by cpack from the hardened tree.

    The tests that need the packages share one cpack run per build: a lock
    serialises them and the .debs are rebuilt only when a packaged input is
    newer than them.
    """
    import fcntl
    tree = package_build(build)
    out = os.path.join(tree, "e2e-debs")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        debs = glob.glob(os.path.join(out, "*.deb"))
        inputs = [os.path.join(tree, p) for p in ("exporters/pushprobe-exporter", "cli/pushprobe",
                                                  "nagios/check_exchange_push",
                                                  "CPackConfig.cmake")]
        inputs += glob.glob(os.path.join(PACKAGING, "**", "*"), recursive=True)
        newest = max(os.path.getmtime(p) for p in inputs if os.path.isfile(p))
        if len(debs) != len(PACKAGE_NAMES) or min(map(os.path.getmtime, debs)) < newest:
            for path in debs:
                os.remove(path)
            version("cpack", ["cpack", "--version"], r"cpack")
            result = run(["cpack", "-G", "DEB", "-B", out, "--config",
                          os.path.join(tree, "CPackConfig.cmake")], cwd=tree)
            log(result.stdout.strip().splitlines()[-1])
            for d in glob.glob(os.path.join(out, "_CPack_Packages")):
                shutil.rmtree(d, ignore_errors=True)
        debs = {}
        for path in glob.glob(os.path.join(out, "*.deb")):
            debs[run(["dpkg-deb", "-f", path, "Package"]).stdout.strip()] = path
    require(sorted(debs) == PACKAGE_NAMES, f"cpack made {sorted(debs)}")
    return debs
