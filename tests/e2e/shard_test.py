#!/usr/bin/env python3
"""Two exporter replicas split one configuration the way Prometheus shards.

One configuration of 24 targets against the emulator lab, two replicas
(--scheduler.shard=0/2 and 1/2) and a real Prometheus that scrapes both
replicas' /metrics and a /probe job whose targets are routed to a replica by
Prometheus's own hashmod of __param_target. Every target must have exactly
one probe_success series from /metrics (none twice, none missing), each
/probe target must have been scraped from the replica that schedules it, and
a replica must still answer /probe for a target of the other shard.

Also: the "fails from one site only" alert of docs/scale.md, taken from the
document itself, through `promtool test rules`; and the systemd template
unit: its instance name is the shard (`systemd-escape 0/2` is `0-2`, `%I`
gives it back) and `systemd-analyze verify` accepts an instance.

usage: shard_test.py BUILD_DIR
"""

import json
import os
import re
import urllib.parse

import e2e
from e2e import log, poll, require

TARGETS = [f"org-{i:02d}" for i in range(24)]


def sharded_config(lab_config):
    """The lab's first target, copied under 24 names, every 3 s."""
    with open(lab_config) as f:
        text = f.read()
    first = re.search(r"(?ms)^  - name: fabrikam\n(.*?)(?=^  - name: |\Z)", text)
    require(first, f"no fabrikam target in {lab_config}")
    body = re.sub(r"(?m)^(\s+)interval: .*$", r"\1interval: 3s", first.group(1))
    body = re.sub(r"(?m)^(\s+)timeout: .*$", r"\1timeout: 3s", body)
    return "targets:\n" + "".join(f"  - name: {name}\n{body}" for name in TARGETS)


def prometheus_config(replicas):
    """/metrics of both replicas, and one /probe job split by hashmod."""
    route = "".join(
        f"      - source_labels: [__tmp_shard]\n"
        f"        regex: \"{i}\"\n"
        f"        target_label: __address__\n"
        f"        replacement: \"{address}\"\n" for i, address in enumerate(replicas))
    return (
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "scrape_configs:\n"
        "  - job_name: pushprobe\n"
        "    static_configs:\n"
        f"      - targets: [{', '.join(json.dumps(a) for a in replicas)}]\n"
        "  - job_name: pushprobe_probe\n"
        "    metrics_path: /probe\n"
        "    scrape_interval: 5s\n"
        "    scrape_timeout: 5s\n"
        "    static_configs:\n"
        f"      - targets: [{', '.join(TARGETS)}]\n"
        "    relabel_configs:\n"
        "      - source_labels: [__address__]\n"
        "        target_label: __param_target\n"
        "      - source_labels: [__param_target]\n"
        "        target_label: instance\n"
        "      - source_labels: [__param_target]\n"
        f"        modulus: {len(replicas)}\n"
        "        target_label: __tmp_shard\n"
        "        action: hashmod\n"
        + route +
        # Which replica answered, kept as a label so the test can compare it
        # with the replica whose /metrics carries the target.
        "      - source_labels: [__address__]\n"
        "        target_label: replica\n")


SITE_ALERT_TEST = """
rule_files: [{rules}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      # a: fails from both replicas of ams, succeeds from fra
      - series: 'probe_success{{job="pushprobe",instance="ams-1",site="ams",target="a"}}'
        values: '0x20'
      - series: 'probe_success{{job="pushprobe",instance="ams-2",site="ams",target="a"}}'
        values: '0x20'
      - series: 'probe_success{{job="pushprobe",instance="fra-1",site="fra",target="a"}}'
        values: '1x20'
      # b: fails from every site: the organisation's problem, not a site's
      - series: 'probe_success{{job="pushprobe",instance="ams-1",site="ams",target="b"}}'
        values: '0x20'
      - series: 'probe_success{{job="pushprobe",instance="fra-1",site="fra",target="b"}}'
        values: '0x20'
      # c: one replica of ams fails, the other succeeds: the site is fine
      - series: 'probe_success{{job="pushprobe",instance="ams-1",site="ams",target="c"}}'
        values: '0x20'
      - series: 'probe_success{{job="pushprobe",instance="ams-2",site="ams",target="c"}}'
        values: '1x20'
      - series: 'probe_success{{job="pushprobe",instance="fra-1",site="fra",target="c"}}'
        values: '1x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: PushNotificationsFailingFromOneSite
        exp_alerts: []
      - eval_time: 16m
        alertname: PushNotificationsFailingFromOneSite
        exp_alerts:
          - exp_labels: {{job: pushprobe, site: ams, target: a, severity: warning}}
            exp_annotations:
              summary: "a fails from site ams only"
              description: "The push notification check of a fails from ams and succeeds from another site: look at that site's proxy, firewall or egress, not at the organisation."
"""


def check_site_alert(work):
    """The site alert as docs/scale.md prints it, through promtool test rules."""
    with open(os.path.join(e2e.SOURCE_DIR, "docs", "scale.md")) as f:
        doc = f.read()
    blocks = [b for b in re.findall(r"(?ms)^```yaml\n(.*?)^```", doc)
              if "PushNotificationsFailingFromOneSite" in b]
    require(len(blocks) == 1, "docs/scale.md: no single yaml block with the site alert")
    rules = os.path.join(work, "site-alert.yml")
    with open(rules, "w") as f:
        f.write(blocks[0])
    e2e.run(["promtool", "check", "rules", rules])
    test = os.path.join(work, "site-alert.test.yml")
    with open(test, "w") as f:
        f.write(SITE_ALERT_TEST.format(rules=json.dumps(rules)))
    log("promtool test rules (docs/scale.md site alert): "
        + e2e.run(["promtool", "test", "rules", test]).stdout.strip().splitlines()[-1])


def check_systemd_template(work):
    unit_name = "pushprobe-exporter@.service"
    with open(os.path.join(e2e.PACKAGING, "systemd", unit_name)) as f:
        unit = f.read()
    exec_start = re.search(r"(?m)^ExecStart=(.*)$", unit).group(1)
    require(exec_start.endswith("--scheduler.shard=%I"),
            f"the template's ExecStart does not end with --scheduler.shard=%I: {exec_start}")
    instance = e2e.run(["systemd-escape", f"--template={unit_name}", "0/2"]).stdout.strip()
    require(instance == "pushprobe-exporter@0-2.service", f"systemd-escape gave {instance}")
    shard = e2e.run(["systemd-escape", "-u", "--instance", instance]).stdout.strip()
    require(shard == "0/2", f"%I of {instance} is {shard}")
    directory = os.path.join(work, "units")
    os.mkdir(directory)
    with open(os.path.join(directory, unit_name), "w") as f:
        f.write(unit)
    os.symlink(unit_name, os.path.join(directory, instance))
    result = e2e.run(["systemd-analyze", "verify", "--man=no",
                      os.path.join(directory, instance)], check=False)
    # Outside a package root the binaries are not installed; nothing else may fail.
    complaints = [line for line in result.stdout.splitlines()
                  if line.strip() and "is not executable" not in line]
    require(not complaints, f"systemd-analyze verify {instance}: {result.stdout}")
    log(f"systemd: {instance} runs --scheduler.shard={shard}; systemd-analyze verify accepts it")


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("shard")
    e2e.version("prometheus", ["prometheus", "--version"], r"^prometheus")
    e2e.debian_version("prometheus")
    check_site_alert(work)
    check_systemd_template(work)

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    # Beside the lab's, whose relative certificate and CA paths it keeps.
    config = os.path.join(emulator.dir, "sharded.yml")
    with open(config, "w") as f:
        f.write(sharded_config(emulator.config))

    replicas = []
    procs = [emulator.proc]
    for i in range(2):
        directory = os.path.join(work, f"replica-{i}")
        os.mkdir(directory)
        proc, base = e2e.start_exporter(bins["exporter"], config, directory,
                                        extra=[f"--scheduler.shard={i}/2"])
        procs.append(proc)
        replicas.append(base.removeprefix("http://"))
        _, metrics = e2e.http_get(base + "/metrics")
        require(e2e.metric_value(metrics, "pushprobe_exporter_shard_info",
                                 {"shard": str(i), "shards": "2"}) == 1,
                f"replica {i}: no pushprobe_exporter_shard_info for {i}/2:\n{metrics}")
        scheduled = e2e.metric_value(metrics, "pushprobe_exporter_targets_scheduled", {})
        log(f"replica {i} at {base}: shard {i}/2, schedules {scheduled:.0f} of {len(TARGETS)}")
        _, page = e2e.http_get(base + "/")
        require(f"shard {i}/2" in page, f"replica {i}: the status page does not say its shard")

    prom_config = os.path.join(work, "prometheus.yml")
    with open(prom_config, "w") as f:
        f.write(prometheus_config(replicas))
    e2e.run(["promtool", "check", "config", prom_config])
    port = e2e.free_port()
    prometheus = e2e.start(
        ["prometheus", f"--config.file={prom_config}", f"--storage.tsdb.path={work}/tsdb",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        os.path.join(work, "prometheus.log"))
    procs.append(prometheus)
    api = f"http://127.0.0.1:{port}/api/v1"

    def query(expr):
        _, body = e2e.http_get(api + "/query?" + urllib.parse.urlencode({"query": expr}))
        doc = json.loads(body)
        require(doc["status"] == "success", f"query {expr}: {body}")
        return doc["data"]["result"]

    poll("Prometheus to be ready",
         lambda: e2e.http_get(f"http://127.0.0.1:{port}/-/ready")[0] == 200, 60, procs=procs)
    poll("up == 1 for both replicas and every /probe target",
         lambda: len(query("up == 1")) == len(replicas) + len(TARGETS), 90, procs=procs)

    # Scheduled results: one series per target, all successful. Waits until
    # every target has run once on its replica (2 s interval).
    def scheduled_series():
        series = query('probe_success{job="pushprobe"}')
        return series if {s["metric"]["target"] for s in series} == set(TARGETS) else None

    series = poll("a probe_success series from /metrics for every target", scheduled_series,
                  60, procs=procs)
    per_target = {}
    for s in series:
        per_target.setdefault(s["metric"]["target"], []).append(s)
    twice = {t: [s["metric"]["instance"] for s in ss] for t, ss in per_target.items()
             if len(ss) != 1}
    require(not twice, f"targets with more than one /metrics series: {twice}")
    require(len(series) == len(TARGETS), f"{len(series)} series for {len(TARGETS)} targets")
    failed = [s["metric"]["target"] for s in series if s["value"][1] != "1"]
    require(not failed, f"scheduled runs that failed: {failed}")
    # Held over a few more scrapes: a replica never picks up the other's targets.
    for _ in range(3):
        counts = query('count by (target) (probe_success{job="pushprobe"})')
        require(len(counts) == len(TARGETS) and all(c["value"][1] == "1" for c in counts),
                f"probe_success count per target: {counts}")
    scheduled_on = {t: ss[0]["metric"]["instance"] for t, ss in per_target.items()}
    log(f"/metrics: exactly one probe_success per target; replica 0 "
        f"{sum(1 for a in scheduled_on.values() if a == replicas[0])}, replica 1 "
        f"{sum(1 for a in scheduled_on.values() if a == replicas[1])}")
    require(all(a in replicas for a in scheduled_on.values()), f"{scheduled_on}")
    require(len(set(scheduled_on.values())) == 2, "one replica scheduled every target")

    # /probe: Prometheus's hashmod sent each target to a replica; it must be
    # the replica whose /metrics carries that target.
    def probed():
        result = query('probe_success{job="pushprobe_probe"}')
        return result if len(result) == len(TARGETS) else None

    probes = poll("a /probe probe_success for every target", probed, 60, procs=procs)
    failed = [s["metric"]["instance"] for s in probes if s["value"][1] != "1"]
    require(not failed, f"/probe runs that failed: {failed}")
    mismatched = {}
    for s in probes:
        target, replica = s["metric"]["instance"], s["metric"]["replica"]
        if scheduled_on[target] != replica:
            mismatched[target] = (replica, scheduled_on[target])
    require(not mismatched,
            f"/probe scraped from another replica than the one scheduling it: {mismatched}")
    log(f"/probe: all {len(probes)} targets scraped from the replica that schedules them")

    # A replica still runs another shard's target on demand.
    other = next(t for t, a in scheduled_on.items() if a == replicas[1])
    status, body = e2e.http_get(f"http://{replicas[0]}/probe?target={other}", timeout=15)
    require(status == 200 and e2e.metric_value(body, "probe_success", {"target": other}) == 1,
            f"replica 0 /probe?target={other}: {status}\n{body}")
    _, metrics0 = e2e.http_get(f"http://{replicas[0]}/metrics")
    require(e2e.metric_value(metrics0, "probe_success", {"target": other}) is None,
            f"an on-demand run of {other} showed up in replica 0's scheduled results")
    log(f"replica 0 ran {other} (shard 1/2) on demand; its /metrics still leaves it out")


if __name__ == "__main__":
    e2e.main(main)
