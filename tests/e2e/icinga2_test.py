#!/usr/bin/env python3
"""`icinga2 daemon -C` (Debian's icinga2-bin) accepts the shipped CheckCommand.

A throw-away configuration in a temporary directory includes the Icinga
Template Library and packaging/icinga2/exchange-push.conf unchanged, and
applies a service that sets every exchange_push_* variable. A variable the
CheckCommand does not declare as an argument would be silently ignored by
Icinga, so the test also compares the declared arguments with the options
`check_exchange_push --help` lists.

usage: icinga2_test.py BUILD_DIR
"""

import os
import re

import e2e
from e2e import log, require

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
    paths = [f"-DDataDir={work}/lib", f"-DCacheDir={work}/cache", f"-DLogDir={work}/log",
             f"-DInitRunDir={work}/run", f"-DSpoolDir={work}/spool",
             f"-DStatePath={work}/lib/icinga2.state", f"-DObjectsPath={work}/cache/icinga2.debug",
             f"-DVarsPath={work}/cache/icinga2.vars", f"-DPidPath={work}/run/icinga2.pid",
             "-DRunAsUser=root", "-DRunAsGroup=root"]
    result = e2e.run(["icinga2", "daemon", "-C", "-c", conf, *paths], check=False)
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


if __name__ == "__main__":
    e2e.main(main)
