#!/usr/bin/env python3
"""A real Nagios 4 core (Debian's nagios4-core) runs check_exchange_push.

A throw-away nagios.cfg in a temporary directory loads the shipped
packaging/nagios/exchange_push.cfg unchanged (command and service template);
$USER1$ points at the built plugin and the service's _PUSHPROBE_CONFIG at the
emulator lab. interval_length=1 makes check intervals seconds. Nagios must
record the service OK, then CRITICAL (stage token) after a fault is injected
into the running emulator, then OK again: read from its status.dat.

Nagios refuses to run as root, so it runs as the nagios user (nagios_user,
nagios_group); the work directory is handed to that user.

usage: nagios_test.py BUILD_DIR
"""

import grp
import os
import pwd
import re
import shutil

import e2e
from e2e import log, poll, require

OBJECTS = """\
define timeperiod {{
    timeperiod_name  always
    alias            always
    sunday           00:00-24:00
    monday           00:00-24:00
    tuesday          00:00-24:00
    wednesday        00:00-24:00
    thursday         00:00-24:00
    friday           00:00-24:00
    saturday         00:00-24:00
}}
define command {{
    command_name  notify-nobody
    command_line  /bin/true
}}
define contact {{
    contact_name                   nobody
    host_notifications_enabled     0
    service_notifications_enabled  0
    host_notification_period       always
    service_notification_period    always
    host_notification_options      n
    service_notification_options   n
    host_notification_commands     notify-nobody
    service_notification_commands  notify-nobody
}}
define host {{
    host_name             exch01
    address               127.0.0.1
    max_check_attempts    1
    check_period          always
    contacts              nobody
    active_checks_enabled 0
}}
define service {{
    use                   exchange-push
    host_name             exch01
    service_description   Exchange push notifications
    check_command         check_exchange_push!fabrikam!-w 5 -c 8
    _PUSHPROBE_CONFIG     {config}
    check_interval        1
    retry_interval        1
    max_check_attempts    1
    check_period          always
    notification_period   always
    contacts              nobody
}}
"""

NAGIOS_CFG = """\
log_file={d}/nagios.log
cfg_file={shipped}
cfg_file={d}/objects.cfg
resource_file={d}/resource.cfg
object_cache_file={d}/objects.cache
precached_object_file={d}/objects.precache
status_file={d}/status.dat
status_update_interval=1
nagios_user={user}
nagios_group={group}
check_external_commands=0
command_file={d}/nagios.cmd
query_socket={d}/nagios.qh
lock_file={d}/nagios.pid
temp_file={d}/nagios.tmp
temp_path={d}
check_result_path={d}/checkresults
check_result_reaper_frequency=1
max_check_result_reaper_time=5
retain_state_information=0
state_retention_file={d}/retention.dat
interval_length=1
max_service_check_spread=1
max_host_check_spread=1
service_inter_check_delay_method=n
service_check_timeout=30
use_syslog=0
log_initial_states=1
enable_notifications=0
enable_flap_detection=0
check_for_updates=0
check_for_orphaned_services=0
illegal_macro_output_chars=`~$&|'"<>
"""


def service_status(path):
    """The servicestatus block of our service in status.dat, as a dict."""
    with open(path) as f:
        text = f.read()
    for block in re.findall(r"servicestatus \{\n(.*?)\n\t\}", text, re.S):
        fields = dict(line.strip().split("=", 1) for line in block.splitlines() if "=" in line)
        if fields.get("service_description") == "Exchange push notifications":
            return fields
    return None


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("nagios")
    e2e.version("nagios4", ["nagios4", "--version"], r"^Nagios Core")
    e2e.debian_version("nagios4-core")
    user = "nagios"
    try:
        uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(user).gr_gid
    except KeyError:
        raise e2e.Failure("no nagios user: install nagios4-core")

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    # The plugin is copied next to the configuration so the nagios user can
    # reach it whatever the permissions of the build tree.
    plugins = os.path.join(work, "plugins")
    os.makedirs(plugins)
    shutil.copy2(bins["plugin"], plugins)
    d = os.path.join(work, "nagios")
    os.makedirs(os.path.join(d, "checkresults"))
    shipped = os.path.join(e2e.PACKAGING, "nagios", "exchange_push.cfg")
    with open(os.path.join(d, "objects.cfg"), "w") as f:
        f.write(OBJECTS.format(config=emulator.config))
    with open(os.path.join(d, "resource.cfg"), "w") as f:
        f.write(f"$USER1$={plugins}\n")
    cfg = os.path.join(d, "nagios.cfg")
    with open(cfg, "w") as f:
        f.write(NAGIOS_CFG.format(d=d, shipped=shipped, user=user, group=user))
    for root, dirs, files in os.walk(work):
        for name in [root] + [os.path.join(root, n) for n in files]:
            os.chown(name, uid, gid)
    os.chmod(work, 0o755)
    # The shipped file must be readable by nagios too (it is, in a normal checkout).
    require(os.access(shipped, os.R_OK), shipped)

    out = e2e.run(["nagios4", "-v", cfg]).stdout
    require("Total Errors:   0" in out, out)
    log("nagios4 -v: configuration accepted, " +
        re.search(r"Total Warnings: +\d+", out).group(0))

    nagios = e2e.start(["nagios4", cfg], os.path.join(work, "nagios-stdout.log"))
    procs = [nagios, emulator.proc]
    status = os.path.join(d, "status.dat")

    def state(want, after=0):
        s = service_status(status) if os.path.exists(status) else None
        if s and s.get("has_been_checked") == "1" and int(s["last_check"]) >= after and \
                s.get("current_state") == want:
            return s
        return None

    ok = poll("Nagios to record the service OK", lambda: state("0"), 60, procs=procs)
    log(f"status.dat: state {ok['current_state']} ({ok['state_type']} state type) "
        f"output: {ok['plugin_output']}")
    require(ok["plugin_output"].startswith("EXCHANGE PUSH OK - "), ok["plugin_output"])
    require("'time'=" in ok.get("performance_data", ""), "no performance data")

    emulator.inject("token:unregistered")
    since = int(ok["last_check"]) + 1
    crit = poll("Nagios to record the service CRITICAL", lambda: state("2", since), 60,
                procs=procs)
    log(f"status.dat: state {crit['current_state']} output: {crit['plugin_output']}")
    require(crit["plugin_output"].startswith("EXCHANGE PUSH CRITICAL - "), crit["plugin_output"])
    require("AADSTS700027" in crit["plugin_output"] or "token" in crit["plugin_output"],
            crit["plugin_output"])

    emulator.clear()
    again = poll("Nagios to record the service OK again",
                 lambda: state("0", int(crit["last_check"]) + 1), 60, procs=procs)
    log(f"status.dat: state {again['current_state']} output: {again['plugin_output']}")


if __name__ == "__main__":
    e2e.main(main)
