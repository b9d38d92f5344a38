#!/usr/bin/env python3
"""Real headless Chromium reads pushprobe-exporter's status page.

Eight targets in six states, all against emulators on 127.0.0.1: healthy,
the Auth certificate not registered (token), a certificate file that does not
exist (certificate), an untrusted server certificate (metadata), a refused
connection (metadata), a server that never answers (TimedOut), an emulator
whose OAuth error carries `<script>` and one whose clock is two minutes
ahead (passes, clock shown). Chromium renders `/` at 1400 px and 400 px wide
and one target's page: screenshots go to BUILD_DIR/test-artifacts/status_page/,
the DOM (--dump-dom) is checked for the summary line, the order (failing
first), the hints, the waterfall labels, the escaped `<script>`, and, at
400 px, that nothing is wider than the window (scrollWidth <= innerWidth,
measured by a script in a page of a local proxy that holds the status page
in a 400 px iframe of the same origin, since the page itself has none).

usage: status_page_test.py BUILD_DIR
"""

import html
import http.server
import os
import re
import shutil
import socket
import threading
import urllib.error
import urllib.request

import e2e
from e2e import log, poll, require

HOSTILE = "<script>alert(1)</script>"

# A page of the proxy's own that holds the status page in a 400 px iframe of
# the same origin and, once everything has loaded, writes the iframe's widths
# into its DOM for --dump-dom. (Headless Chromium's window is at least 500 px
# wide for --dump-dom, so the width is set on the iframe.)
WRAPPER = ("<!DOCTYPE html><html><body style=\"margin:0\">"
           "<iframe id=\"f\" src=\"{path}\" style=\"width:400px;height:900px;border:0\"></iframe>"
           "<script>addEventListener('load',function(){{var f=document.getElementById('f');"
           "var d=f.contentDocument.documentElement;var p=document.createElement('p');"
           "p.id='measure';p.textContent='scrollWidth='+d.scrollWidth+' innerWidth='+"
           "f.contentWindow.innerWidth;document.body.appendChild(p);}});</script></body></html>")


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(binary, args, timeout=60):
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + PROFILE, *args]
    result = e2e.run(cmd, check=False, timeout=timeout)
    if result.returncode != 0:
        raise e2e.Failure(f"chromium {' '.join(args)} exited {result.returncode}:\n"
                          + result.stdout[-3000:])
    return result.stdout


def dump_dom(binary, url, width):
    out = chromium(binary, [f"--window-size={width},900", "--virtual-time-budget=3000",
                            "--run-all-compositor-stages-before-draw", "--dump-dom", url])
    start = out.find("<html")
    require(start >= 0, f"no DOM from chromium for {url}:\n{out[-2000:]}")
    return out[start:]


def screenshot(binary, url, width, path):
    chromium(binary, [f"--window-size={width},1800", "--virtual-time-budget=3000",
                      "--run-all-compositor-stages-before-draw", f"--screenshot={path}", url])
    require(os.path.getsize(path) > 1000, f"empty screenshot {path}")
    log(f"screenshot {path}")


class MeasuringProxy(threading.Thread):
    """Serves the exporter's pages unchanged, and /__measure?PATH: WRAPPER around PATH."""

    def __init__(self, upstream):
        super().__init__(daemon=True)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status = 200
                if self.path.startswith("/__measure?"):
                    data = WRAPPER.format(path=html.escape(self.path[len("/__measure?"):])).encode()
                else:
                    try:
                        with urllib.request.urlopen(upstream + self.path, timeout=10) as r:
                            data = r.read()
                    except urllib.error.HTTPError as e:
                        status, data = e.code, b""
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        e2e.on_cleanup(self.server.shutdown)

    def run(self):
        self.server.serve_forever()


def config_text(lab, port, hostile_port, skewed_port, refused_port, silent_port):
    def target(name, cert="auth.pem", ca="ca.pem", port=port, timeout="2s"):
        return (f"  - name: {name}\n    organization: fabrikam.com\n"
                f"    certificate: {cert}\n    ca_file: {ca}\n    connect_to:\n"
                f"      - \"outlook.office365.com:443:127.0.0.1:{port}\"\n"
                f"      - \"accounts.accesscontrol.windows.net:443:127.0.0.1:{port}\"\n"
                f"    timeout: {timeout}\n    interval: 2s\n")
    return ("targets:\n"
            + target("fabrikam")
            + target("unregistered", cert="unregistered-auth.pem")
            + target("missing-cert", cert=os.path.join(lab, "absent-auth.pem"))
            + target("untrusted", ca="wrong-host.pem")
            + target("refused", port=refused_port)
            + target("silent", port=silent_port, timeout="1s")
            + target("hostile", port=hostile_port)
            + target("skewed", port=skewed_port))


def text_of(dom):
    """The DOM's text, tags dropped and entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom)))


def main():
    global PROFILE
    binary = chromium_binary()
    if binary is None:
        print("SKIP: chromium is not installed (apt-get install chromium)")
        return
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("status-page")
    PROFILE = os.path.join(work, "chromium-profile")
    artifacts = os.path.join(build, "test-artifacts", "status_page")
    os.makedirs(artifacts, exist_ok=True)
    e2e.version("chromium", [binary, "--version"], r"Chromium")

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    extra = []
    for name, args in (("hostile", ["--fault", f"token:oauth-error:invalid_client:{HOSTILE}"]),
                       ("skewed", ["--clock-offset", "120"])):
        port = e2e.free_port()
        proc = e2e.start([bins["emulator"], "serve", "--lab", emulator.dir, "--port", str(port),
                          *args], os.path.join(work, f"emulator-{name}.log"))
        poll(f"the {name} emulator to listen",
             lambda: "listening on" in open(proc.log_path).read(), 30, procs=[proc])
        extra.append((port, proc))
    # A port nothing listens on, and one that accepts and never answers.
    refused_port = e2e.free_port()
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    e2e.on_cleanup(silent.close)

    config = os.path.join(emulator.dir, "status-page.yml")
    with open(config, "w") as f:
        f.write(config_text(emulator.dir, emulator.port, extra[0][0], extra[1][0], refused_port,
                            silent.getsockname()[1]))
    exporter, base = e2e.start_exporter(bins["exporter"], config, work)
    procs = [emulator.proc, exporter] + [p for _, p in extra]

    page = poll("every target to have a result",
                lambda: (lambda b: b if "pending" not in b else None)(
                    e2e.http_get(base + "/?refresh=off")[1]), 60, procs=procs)
    log("status page: " + str(len(page)) + " bytes")

    proxy = MeasuringProxy(base)
    proxy.start()

    for width in (1400, 400):
        screenshot(binary, base + "/", width, os.path.join(artifacts, f"status-{width}.png"))
    screenshot(binary, base + "/target/unregistered", 1400,
               os.path.join(artifacts, "target-unregistered-1400.png"))
    screenshot(binary, base + "/target/unregistered", 400,
               os.path.join(artifacts, "target-unregistered-400.png"))

    dom = dump_dom(binary, base + "/", 1400)
    with open(os.path.join(artifacts, "status-1400.html"), "w") as f:
        f.write(dom)
    text = text_of(dom)

    m = re.search(r"(\d+) OK · (\d+) failing · (\d+) timed out", text)
    require(m is not None, "no summary line in: " + text[:500])
    require(m.groups() == ("2", "5", "1"), f"summary {m.group(0)}, expected 2 OK, 5 failing, "
            "1 timed out")

    order = re.findall(r'<tr id="t-([^"]+)"', dom)
    log("order: " + ", ".join(order))
    failing = {"unregistered", "missing-cert", "untrusted", "refused", "hostile"}
    require(set(order[:5]) == failing and order[5] == "silent"
            and set(order[6:]) == {"fabrikam", "skewed"},
            f"failing targets are not first: {order}")

    for expected in (
            "token / oauth_error", "Hint: AADSTS700027",
            "certificate / cert_missing", os.path.join(emulator.dir, "absent-auth.pem"),
            "metadata / tls_untrusted", "metadata / connect", "Hint: The TCP connection to",
            "TimedOut", "Hint: No answer from"):
        require(expected in text, f"{expected!r} missing from the page's text")
    # Two minutes ahead, less the time the answer took.
    require(re.search(r"server clock is (1 min 5\d|2 min \d) s ahead of ours", text),
            "the skewed target's clock is not shown")
    for stage in ("configuration", "certificate", "metadata", "challenge", "token", "publish"):
        require(f'<span class="lb">{stage}</span>' in dom, f"waterfall label {stage} missing")
    require('<span class="tm">skipped</span>' in dom, "no skipped stage in any waterfall")
    require(re.search(r'<span style="right:0">\d+\.\d{3} s</span>', dom), "no time axis")

    # The hostile emulator's text is shown, as text.
    require(HOSTILE in text, "the hostile OAuth error is not shown")
    require("<script>" not in dom.lower(), "an unescaped <script> reached the DOM")
    require("&lt;script&gt;alert(1)&lt;/script&gt;" in dom, "the <script> text is not escaped")

    for path in ("/", "/target/unregistered"):
        narrow = dump_dom(binary, proxy.base + "/__measure?" + path, 600)
        m = re.search(r"scrollWidth=(\d+) innerWidth=(\d+)", narrow)
        require(m is not None, f"the measuring script did not run on {path}")
        scroll, inner = int(m.group(1)), int(m.group(2))
        log(f"{path} at 400 px: scrollWidth {scroll}, innerWidth {inner}")
        require(inner == 400, f"the frame is not 400 px wide: innerWidth {inner}")
        require(scroll <= inner, f"{path} overflows horizontally at 400 px: {scroll} > {inner}")

    target = text_of(dump_dom(binary, base + "/target/unregistered", 1400))
    for expected in ("kept runs succeeded", "pushprobe check of target \"unregistered\"",
                     "[FAIL] token", "History", "Hint: AADSTS700027"):
        require(expected in target, f"{expected!r} missing from the target page")
    log(f"artefacts in {artifacts}")


if __name__ == "__main__":
    PROFILE = None
    e2e.main(main)
