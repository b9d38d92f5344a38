#!/usr/bin/env python3
"""Every query of the shipped Grafana dashboard runs on a real Prometheus.

Grafana is not packaged for Debian, so the test does what Grafana would do
with packaging/grafana/pushprobe-overview.json: it resolves the template
variables from their own label_values() queries (every job, every target:
"All"), substitutes $__rate_interval, and runs every panel's PromQL against
Prometheus (Debian's package) scraping pushprobe-exporter pointed at the
emulator lab, which has succeeding targets and a failing one. Each query must
parse and return data; each panel must name the dashboard's data source
variable.

usage: grafana_dashboard_test.py BUILD_DIR
"""

import json
import os
import re
import urllib.parse

import e2e
from e2e import log, poll, require
from prometheus_test import scrape_config

DASHBOARD = os.path.join(e2e.PACKAGING, "grafana", "pushprobe-overview.json")
RATE_INTERVAL = "30s"  # Grafana's $__rate_interval for a 1 s scrape interval at this zoom


def regex_value(values):
    """A multi-value variable as Grafana's Prometheus data source writes it
    into a =~ matcher: regex characters escaped with a backslash that is
    itself escaped for the PromQL string."""
    return "(" + "|".join(re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\\\1", v)
                          for v in values) + ")"


def panels(dashboard):
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def main():
    build = e2e.build_dir()
    bins = e2e.binaries(build)
    work = e2e.workdir("grafana")
    e2e.version("prometheus", ["prometheus", "--version"], r"^prometheus")
    with open(DASHBOARD) as f:
        dashboard = json.load(f)

    queries = []
    for panel in panels(dashboard):
        if panel["type"] == "row":
            continue
        require(panel.get("datasource", {}).get("uid") == "${datasource}",
                f"panel {panel['title']!r} does not use the $datasource variable")
        require(panel.get("targets"), f"panel {panel['title']!r} has no query")
        for target in panel["targets"]:
            require(target.get("datasource", {}).get("uid") == "${datasource}",
                    f"a query of {panel['title']!r} does not use $datasource")
            queries.append((panel["title"], target["expr"]))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    require(set(variables) == {"datasource", "job", "target"}, f"variables {sorted(variables)}")
    log(f"{len(queries)} queries in {len(list(panels(dashboard)))} panels and rows")

    emulator = e2e.Emulator(bins["emulator"], work).serve()
    exporter, base = e2e.start_exporter(bins["exporter"], emulator.config, work)
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write(scrape_config(os.path.join(e2e.PACKAGING, "prometheus", "prometheus.yml"),
                              base.removeprefix("http://"), "fabrikam"))
    port = e2e.free_port()
    prometheus = e2e.start(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={work}/tsdb",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        os.path.join(work, "prometheus.log"))
    api = f"http://127.0.0.1:{port}/api/v1"
    procs = [emulator.proc, exporter, prometheus]

    def query(expr):
        try:
            status, body = e2e.http_get(api + "/query?" + urllib.parse.urlencode({"query": expr}))
        except e2e.urllib.error.HTTPError as e:
            raise e2e.Failure(f"Prometheus rejected {expr!r}: {e.read().decode()}")
        doc = json.loads(body)
        require(doc["status"] == "success", f"query {expr}: {body}")
        return doc["data"]["result"]

    def label_values(definition):
        m = re.fullmatch(r"label_values\((.+), (\w+)\)", definition)
        require(m, f"not a label_values() query: {definition}")
        return sorted({r["metric"][m.group(2)] for r in query(m.group(1))
                       if m.group(2) in r["metric"]})

    poll("Prometheus to be ready",
         lambda: e2e.http_get(f"http://127.0.0.1:{port}/-/ready")[0] == 200, 60, procs=procs)
    # Both lab targets checked (one fails at token) and scraped a few times, so
    # counters have increased and rates have two samples.
    poll("both lab targets scraped with a result and a failure counted",
         lambda: query('probe_success{job="pushprobe", target="fabrikam"} == 1') and
         query('increase(probe_failures_total{job="pushprobe"}[30s]) > 0'), 60, procs=procs)

    jobs = poll("the $job variable", lambda: label_values(variables["job"]["definition"]), 30,
                procs=procs)
    job = regex_value(jobs)
    targets = label_values(variables["target"]["definition"].replace("$job", job))
    log(f"$job = {jobs}, $target = {targets}")
    require(jobs == ["pushprobe"] and {"fabrikam", "fabrikam-unregistered"} <= set(targets),
            "the variables do not find the exporter's job and the lab's targets")
    target = regex_value(targets)

    for title, expr in queries:
        resolved = (expr.replace("$__rate_interval", RATE_INTERVAL).replace("$job", job)
                    .replace("$target", target))
        require("$" not in resolved, f"{title}: unresolved variable in {resolved}")
        result = poll(f"data for {title!r}: {resolved}", lambda: query(resolved), 30, procs=procs)
        sample = ", ".join(f"{json.dumps(r['metric'], sort_keys=True)} {r['value'][1]}"
                           for r in result[:3])
        log(f"{title}: {resolved}\n    {len(result)} series: {sample}")
        if title == "HTTP phases":
            # The exporter runs without --metrics.http-phases: the panel falls
            # back to one line per target, the HTTP stages' total.
            phases = {r["metric"].get("phase") for r in result}
            require(phases == {"all (no --metrics.http-phases)"},
                    f"HTTP phases without the flag: phases {sorted(map(str, phases))}")


if __name__ == "__main__":
    e2e.main(main)
