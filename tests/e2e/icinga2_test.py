#!/usr/bin/env python3
"""Icinga 2 (Debian's icinga2-bin) with the shipped CheckCommand.

1. `icinga2 daemon -C`: a throw-away configuration in a temporary directory
   includes the Icinga Template Library and packaging/icinga2/exchange-push.conf
   unchanged, and applies a service that sets every exchange_push_* variable.
   A variable the CheckCommand does not declare as an argument would be
   silently ignored by Icinga, so the test also compares the declared
   arguments with the options `check_exchange_push --help` lists.
2. A real `icinga2 daemon` finds the CheckCommand as the package installs it,
   through `include <plugins-contrib>` (a copy of Icinga's include directory
   with exchange-push.conf in plugins-contrib.d/), and runs the plugin every
   second against the emulator lab: OK, CRITICAL after a token fault is
   injected, OK again. Icinga's GraphiteWriter sends every check result, as
   Icinga parsed it, to a listener of the test: the state (metadata) and each
   perfdata value. Icinga must log no warning about perfdata (it logs one for
   every value it cannot parse, such as `U`).

usage: icinga2_test.py BUILD_DIR
"""

import os
import re
import shutil
import socket
import threading

import e2e
from e2e import log, poll, require

CONFIG = """\
const PluginDir = "{plugins}"
const NodeName = "e2e.localdomain"
const ZoneName = "e2e"
include <itl>
include <plugins>
include "{shipped}"

object Host "exch01" {{
  check_command = "dummy"
  address = "127.0.0.1"
  vars.exchange_hybrid = true
}}

apply Service "exchange-push" {{
  check_command = "exchange_push"
  vars.exchange_push_config = "{config}"
  vars.exchange_push_target = "fabrikam"
  vars.exchange_push_organization = "fabrikam.com"
  vars.exchange_push_certificate = "/etc/pushprobe/auth.pem"
  vars.exchange_push_private_key = "/etc/pushprobe/auth.key"
  vars.exchange_push_service_uri = "https://outlook.office365.com/PushNotifications"
  vars.exchange_push_metadata_url = "https://accounts.accesscontrol.windows.net/metadata/json/1/?realm=fabrikam.com"
  vars.exchange_push_ca_file = "/etc/ssl/certs/ca-certificates.crt"
  vars.exchange_push_connect_to = [ "outlook.office365.com:443:127.0.0.1:8443", "accounts.accesscontrol.windows.net:443:127.0.0.1:8443" ]
  vars.exchange_push_proxy = "http://proxy.example.com:3128"
  vars.exchange_push_warning = 5
  vars.exchange_push_critical = 20
  vars.exchange_push_stage_warning = [ "token=2", "publish=2" ]
  vars.exchange_push_stage_critical = [ "token=5" ]
  vars.exchange_push_cert_warning = 30
  vars.exchange_push_cert_critical = 14
  vars.exchange_push_timeout = 50
  vars.exchange_push_timeout_result = "unknown"
  vars.exchange_push_verbose = true
  assign where host.vars.exchange_hybrid
}}
"""


DAEMON_CONFIG = """\
const PluginDir = "{plugins}"
const PluginContribDir = "{plugins}"
const NodeName = "e2e.localdomain"
const ZoneName = "e2e"
include <itl>
include <plugins>
include <plugins-contrib>

object CheckerComponent "checker" {{ }}
object GraphiteWriter "graphite" {{
  host = "127.0.0.1"
  port = {graphite_port}
  enable_send_metadata = true
  enable_send_thresholds = true
}}

object Host "exch01" {{
  check_command = "dummy"
  enable_active_checks = false
}}

object Service "exchange-push" {{
  host_name = "exch01"
  check_command = "exchange_push"
  check_interval = 1s
  retry_interval = 1s
  max_check_attempts = 1
  vars.exchange_push_config = "{config}"
  vars.exchange_push_target = "fabrikam"
}}
"""
PREFIX = "icinga2.exch01.services.exchange-push.exchange_push."


class GraphiteListener:
    """Collects the plaintext Graphite lines Icinga's GraphiteWriter sends."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()
        e2e.on_cleanup(self.sock.close)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        buffer = b""
        with conn:
            while chunk := conn.recv(65536):
                buffer += chunk
                *complete, buffer = buffer.split(b"\n")
                with self.lock:
                    self.lines += [l.decode(errors="replace") for l in complete]

    def results(self):
        """Check results, oldest first: {metric: value} grouped by timestamp."""
        by_time = {}
        with self.lock:
            lines = list(self.lines)
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[0].startswith(PREFIX):
                by_time.setdefault(int(parts[2]), {})[parts[0][len(PREFIX):]] = float(parts[1])
        return [by_time[t] for t in sorted(by_time)]


def run_daemon(bins, work):
    """Runs the plugin from a real daemon: OK, CRITICAL on a fault, OK again."""
    emulator = e2e.Emulator(bins["emulator"], work).serve()
    plugins = os.path.join(work, "plugins")
    os.makedirs(plugins)
    shutil.copy2(bins["plugin"], plugins)
    include = os.path.join(work, "include")
    shutil.copytree("/usr/share/icinga2/include", include)
    shutil.copy(os.path.join(e2e.PACKAGING, "icinga2", "exchange-push.conf"),
                os.path.join(include, "plugins-contrib.d"))
    graphite = GraphiteListener()
    d = os.path.join(work, "daemon")
    conf = os.path.join(d, "icinga2.conf")
    for sub in ("lib", "cache", "log", "run", "spool"):
        os.makedirs(os.path.join(d, sub))
    with open(conf, "w") as f:
        f.write(DAEMON_CONFIG.format(plugins=plugins, graphite_port=graphite.port,
                                     config=emulator.config))
    icinga = e2e.start(["icinga2", "daemon", "-c", conf, f"-DIncludeConfDir={include}",
                        *paths(d)], os.path.join(d, "icinga2.log"))
    procs = [icinga, emulator.proc]

    def result_with(state, after):
        results = graphite.results()[after:]
        for i, r in enumerate(results):
            if r.get("metadata.state") == state:
                return after + i, r
        return None

    n, ok = poll("Icinga to record the service OK", lambda: result_with(0, 0), 60, procs=procs)
    emulator.inject("token:unregistered")
    n, crit = poll("Icinga to record the service CRITICAL", lambda: result_with(2, n + 1), 60,
                   procs=procs)
    emulator.clear()
    n, again = poll("Icinga to record the service OK again", lambda: result_with(0, n + 1), 60,
                    procs=procs)
    e2e.stop(icinga)
    for name, r in (("OK", ok), ("CRITICAL", crit), ("OK again", again)):
        log(f"Icinga parsed the {name} result:\n    " + "\n    ".join(
            f"{k} = {v:g}" for k, v in sorted(r.items())))
    stages = ["configuration", "certificate", "metadata", "challenge", "token", "publish"]
    for r in (ok, again):
        for label in ["time", "auth_cert_days", "tls_metadata_days", "tls_token_days",
                      "tls_publish_days"] + [f"{s}_time" for s in stages]:
            require(f"perfdata.{label}.value" in r, f"Icinga did not parse {label}: {r}")
    require("perfdata.token_time.value" in crit and "perfdata.publish_time.value" not in crit,
            f"the CRITICAL result: token measured, publish (skipped) left out: {crit}")
    with open(icinga.log_path) as f:
        text = f.read()
    warnings = [l for l in text.splitlines() if "warning/" in l or "critical/" in l]
    log(f"icinga2 daemon log: {len(text.splitlines())} lines, warnings and errors:\n" +
        ("\n".join(warnings) or "(none)"))
    require(not [w for w in warnings if "erfdata" in w], "Icinga warned about perfdata")
    require(not [w for w in warnings if "critical/" in w], "Icinga logged errors")


def paths(d):
    return [f"-DDataDir={d}/lib", f"-DCacheDir={d}/cache", f"-DLogDir={d}/log",
            f"-DInitRunDir={d}/run", f"-DSpoolDir={d}/spool",
            f"-DStatePath={d}/lib/icinga2.state", f"-DObjectsPath={d}/cache/icinga2.debug",
            f"-DVarsPath={d}/cache/icinga2.vars", f"-DPidPath={d}/run/icinga2.pid",
            "-DRunAsUser=root", "-DRunAsGroup=root"]


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("icinga2")
    e2e.version("icinga2", ["icinga2", "--version"], r"icinga2|version")
    e2e.debian_version("icinga2-bin")
    shipped = os.path.join(e2e.PACKAGING, "icinga2", "exchange-push.conf")

    conf = os.path.join(work, "icinga2.conf")
    with open(conf, "w") as f:
        f.write(CONFIG.format(plugins=os.path.dirname(bins["plugin"]), shipped=shipped,
                              config="/etc/pushprobe/pushprobe.yml"))
    for d in ("lib", "cache", "log", "run", "spool"):
        os.makedirs(os.path.join(work, d))
    result = e2e.run(["icinga2", "daemon", "-C", "-c", conf, *paths(work)], check=False)
    log("icinga2 daemon -C:\n" + result.stdout.strip())
    require(result.returncode == 0, f"icinga2 daemon -C exited with {result.returncode}")
    require(re.search(r"Instantiated 1 CheckCommand|Instantiated \d+ CheckCommands",
                      result.stdout), "no CheckCommand instantiated")
    require("Instantiated 1 Service." in result.stdout, "the service was not applied")
    require("warning/" not in result.stdout.lower(), "icinga2 printed warnings")

    # Every plugin option that takes part in a check has its argument.
    with open(shipped) as f:
        declared = set(re.findall(r'^\t\t"(-[-\w]+)" = \{', f.read(), re.M))
    help_text = e2e.run([bins["plugin"], "--help"], check=False).stdout
    options = set(re.findall(r"--([a-z][-a-z]*)", help_text))
    options -= {"help", "version"}
    long_of_declared = {o.lstrip("-") for o in declared} | ({"verbose"} if "-v" in declared
                                                           else set())
    missing = sorted(options - long_of_declared)
    require(not missing, f"plugin options without a CheckCommand argument: {missing}")
    log(f"CheckCommand exchange_push declares {len(declared)} arguments, every plugin option")

    run_daemon(bins, work)


if __name__ == "__main__":
    e2e.main(main)
