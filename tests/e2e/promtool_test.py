#!/usr/bin/env python3
"""promtool (Debian's prometheus package) on what pushprobe ships and serves.

- `promtool check metrics` on the exporter's /metrics (plain, and gzipped as
  `curl --compressed` asks for it: the same series) and on /probe for a
  succeeding and a failing target, the exporter pointed at the emulator lab;
- `promtool check rules` and `promtool test rules` on the shipped alert rules
  and their unit tests (every rule has at least one, and the blackbox_exporter
  test lists every rule: a failing blackbox probe fires none of them); every
  rule's runbook_url names a section of docs/troubleshooting.md;
- `promtool check config` on the shipped scrape configuration.

usage: promtool_test.py BUILD_DIR
"""

import os
import re

import e2e
from e2e import log, poll, require


def check_metrics(name, text):
    result = e2e.run(["promtool", "check", "metrics"], check=False, input=text)
    log(f"promtool check metrics {name}: exit {result.returncode} {result.stdout.strip()}")
    require(result.returncode == 0, f"promtool check metrics {name}:\n{result.stdout}")


def anchors(markdown):
    """GitHub-style anchors of the headings in a Markdown file."""
    with open(markdown) as f:
        headings = re.findall(r"(?m)^#+ (.+)$", f.read())
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def check_runbooks(rules, alerts):
    with open(rules) as f:
        urls = dict(re.findall(r"(?m)^\s+- alert: (\S+)\n(?:.*\n)*?\s+runbook_url: \"([^\"]+)\"",
                               f.read()))
    require(set(urls) == alerts, f"rules without runbook_url: {sorted(alerts - set(urls))}")
    doc = os.path.join(e2e.SOURCE_DIR, "docs", "troubleshooting.md")
    known = anchors(doc)
    for alert, url in sorted(urls.items()):
        path, _, anchor = url.partition("#")
        require(path.endswith("/docs/troubleshooting.md") and anchor == alert.lower()
                and anchor in known,
                f"{alert}: runbook_url {url} names no section of docs/troubleshooting.md")
    log(f"runbook_url of {len(urls)} rules: sections of docs/troubleshooting.md")


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("promtool")
    e2e.version("promtool", ["promtool", "--version"], r"^promtool")

    shipped = os.path.join(e2e.PACKAGING, "prometheus")
    rules = os.path.join(shipped, "pushprobe-alerts.yml")
    out = e2e.run(["promtool", "check", "rules", rules]).stdout
    log(out.strip())
    with open(rules) as f:
        alerts = set(re.findall(r"(?m)^\s+- alert: (\S+)", f.read()))
    with open(os.path.join(shipped, "pushprobe-alerts.test.yml")) as f:
        tested = set(re.findall(r"(?m)^\s+alertname: (\S+)", f.read()))
    require(alerts and alerts == tested, f"rules without a unit test: {sorted(alerts - tested)}")
    with open(os.path.join(shipped, "pushprobe-alerts.test.yml")) as f:
        blackbox = f.read().split("- name: blackbox_exporter series", 1)
    require(len(blackbox) == 2, "no blackbox_exporter test in pushprobe-alerts.test.yml")
    quiet = set(re.findall(r"alertname: (\S+)\n\s+exp_alerts: \[\]", blackbox[1]))
    require(quiet == alerts, f"the blackbox test misses {sorted(alerts - quiet)}")
    check_runbooks(rules, alerts)
    out = e2e.run(["promtool", "test", "rules", "pushprobe-alerts.test.yml"], cwd=shipped).stdout
    log(out.strip())
    require("SUCCESS" in out, out)
    e2e.run(["promtool", "check", "config", os.path.join(shipped, "prometheus.yml")])
    log("promtool check config prometheus.yml: SUCCESS")

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    exporter, base = e2e.start_exporter(bins["exporter"], emulator.config, work)
    procs = [emulator.proc, exporter]

    def scheduled_results():
        text = e2e.http_get(base + "/metrics")[1]
        done = (e2e.metric_value(text, "probe_success", {"target": "fabrikam"}) == 1 and
                e2e.metric_value(text, "probe_success", {"target": "fabrikam-unregistered"}) == 0)
        return text if done else None

    metrics = poll("a scheduled result of both lab targets", scheduled_results, 30, procs=procs)
    check_metrics("/metrics", metrics)
    gzipped = e2e.run(["curl", "-fsS", "--compressed", "-D", "-", base + "/metrics"]).stdout
    head, _, body = gzipped.partition("\n\n")  # text mode: CRLF reads as LF
    require(re.search(r"(?im)^content-encoding: gzip\r?$", head), f"not gzipped:\n{head}")
    check_metrics("/metrics (gzip)", body)

    def series(text):
        return {line.rsplit(" ", 1)[0] for line in text.splitlines() if line and line[0] != "#"}
    require(series(body) == series(metrics),
            f"gzipped and plain /metrics differ in series: {sorted(series(body) ^ series(metrics))[:10]}")
    for target, want in (("fabrikam", 1), ("fabrikam-unregistered", 0)):
        text = e2e.http_get(f"{base}/probe?target={target}", timeout=30)[1]
        require(e2e.metric_value(text, "probe_success", {"target": target}) == want,
                f"/probe?target={target}: probe_success is not {want}:\n{text}")
        check_metrics(f"/probe?target={target}", text)


if __name__ == "__main__":
    e2e.main(main)
