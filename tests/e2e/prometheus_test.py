#!/usr/bin/env python3
"""A real Prometheus scrapes pushprobe-exporter pointed at the emulator lab.

The scrape configuration is the shipped packaging/prometheus/prometheus.yml
with the exporter's address, the lab's target and 1-2 s intervals filled in;
the shipped alert rules are loaded too. Prometheus's HTTP API must report
`up` 1 and `probe_success` 1 for both jobs (/metrics and /probe); after a
fault is injected into the running emulator it must report `probe_success` 0
with the matching `probe_failure_info` labels, and the failing-check alert
pending.

usage: prometheus_test.py BUILD_DIR
"""

import json
import os
import re
import urllib.parse

import e2e
from e2e import log, poll, require


def scrape_config(shipped, exporter_address, target):
    with open(shipped) as f:
        text = f.read()
    text = text.replace("localhost:19464", exporter_address)
    text = text.replace('targets: ["example"]', f'targets: ["{target}"]')
    text = text.replace("scrape_interval: 30s", "scrape_interval: 1s")
    text = text.replace("scrape_interval: 5m", "scrape_interval: 2s")
    text = text.replace("scrape_timeout: 60s", "scrape_timeout: 2s")
    require(exporter_address in text and target in text, "shipped scrape configuration changed")
    alerts = os.path.join(e2e.PACKAGING, "prometheus", "pushprobe-alerts.yml")
    head = ("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
            f"rule_files:\n  - {alerts}\n")
    return head + text


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("prometheus")
    e2e.version("prometheus", ["prometheus", "--version"], r"^prometheus")
    e2e.debian_version("prometheus")

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    target = "fabrikam"
    exporter, base = e2e.start_exporter(bins["exporter"], emulator.config, work)
    address = base.removeprefix("http://")

    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write(scrape_config(os.path.join(e2e.PACKAGING, "prometheus", "prometheus.yml"),
                              address, target))
    e2e.run(["promtool", "check", "config", config])

    port = e2e.free_port()
    prometheus = e2e.start(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={work}/tsdb",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        os.path.join(work, "prometheus.log"))
    api = f"http://127.0.0.1:{port}/api/v1"
    procs = [emulator.proc, exporter, prometheus]

    def query(expr):
        status, body = e2e.http_get(api + "/query?" + urllib.parse.urlencode({"query": expr}))
        doc = json.loads(body)
        require(doc["status"] == "success", f"query {expr}: {body}")
        return doc["data"]["result"]

    def values(expr):
        return sorted((json.dumps(r["metric"], sort_keys=True), r["value"][1])
                      for r in query(expr))

    def all_equal(expr, want, count):
        got = values(expr)
        return got if len(got) == count and all(v == want for _, v in got) else None

    poll("Prometheus to be ready", lambda: e2e.http_get(f"http://127.0.0.1:{port}/-/ready")[0]
         == 200, 60, procs=procs)
    # Both jobs: the scheduled results on /metrics and the on-demand /probe.
    log("up: " + str(poll("up == 1 for both jobs",
                          lambda: all_equal('up{job=~"pushprobe|pushprobe_probe"}', "1", 2),
                          60, procs=procs)))
    ok = poll("probe_success == 1 for both jobs",
              lambda: all_equal(f'probe_success{{target="{target}"}}', "1", 2), 60, procs=procs)
    log(f"probe_success: {ok}")
    rules = json.loads(e2e.http_get(api + "/rules")[1])["data"]["groups"]
    names = [r["name"] for g in rules for r in g["rules"]]
    log(f"alert rules loaded by Prometheus: {names}")
    with open(os.path.join(e2e.PACKAGING, "prometheus", "pushprobe-alerts.yml")) as f:
        shipped = re.findall(r"(?m)^\s+- alert: (\S+)", f.read())
    require(sorted(names) == sorted(shipped) and
            all(r["health"] == "ok" for g in rules for r in g["rules"]),
            f"rules not loaded or unhealthy: {rules}")

    # The Auth certificate is not registered on the service principal (any more).
    emulator.inject("token:unregistered")
    failed = poll("probe_success == 0 for both jobs",
                  lambda: all_equal(f'probe_success{{target="{target}"}}', "0", 2), 60,
                  procs=procs)
    log(f"probe_success after the fault: {failed}")
    info = poll("probe_failure_info for both jobs",
                lambda: (lambda r: r if len(r) == 2 else None)(
                    query(f'probe_failure_info{{target="{target}"}} == 1')), 30, procs=procs)
    for series in info:
        labels = series["metric"]
        log(f"probe_failure_info {labels}")
        require(labels.get("stage") == "token" and labels.get("reason") == "oauth_error"
                and labels.get("category") == "Unknown",
                f"unexpected probe_failure_info labels {labels}")
    pending = poll("the PushNotificationsCheckFailing alert pending",
                   lambda: query('ALERTS{alertname="PushNotificationsCheckFailing",'
                                 f'target="{target}",alertstate="pending"}}'), 30, procs=procs)
    log(f"pending alerts: {[p['metric'] for p in pending]}")
    require(all(p["metric"].get("severity") == "critical" for p in pending), "alert labels")

    emulator.clear()
    poll("probe_success back to 1",
         lambda: all_equal(f'probe_success{{target="{target}"}}', "1", 2), 60, procs=procs)
    require(not query(f'probe_failure_info{{target="{target}"}} == 1'),
            "probe_failure_info still present after recovery")
    log("recovered: probe_success 1, no probe_failure_info")


if __name__ == "__main__":
    e2e.main(main)
