#!/usr/bin/env python3
"""Render-free checks of charts/hono-mqtt (there is no helm here), each printed as one test result:

1. yamllint (strict) passes on Chart.yaml, values.yaml and the example values and rendering in ci/;
2. every value in values.yaml is documented in the chart's README.md (as `path` in a table row);
3. every .Values.x.y the templates use exists in values.yaml, and every value is used by a template;
4. the rendered example parses and has the expected objects, with the probes on the health port.

Prints "chart checks: P of N passed" and exits non-zero on a failure.
"""
import pathlib
import re
import subprocess
import sys

import yaml

CHART = pathlib.Path(__file__).resolve().parent.parent / "charts" / "hono-mqtt"
results = []


def check(name, failures):
    results.append((name, failures))
    print(f"  {'Passed' if not failures else 'Failed'} chart/{name}")
    for failure in failures:
        print(f"      {failure}")


def leaves(node, prefix=""):
    """Paths of the values: maps are descended, anything else (lists, scalars, empty maps) is a leaf."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from leaves(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


lint = subprocess.run(["yamllint", "-s", "-f", "parsable", "-c", str(CHART / ".yamllint"), str(CHART)],
                      capture_output=True, text=True)
check("yamllint", [line for line in (lint.stdout + lint.stderr).splitlines() if line.strip()] or
      ([] if lint.returncode == 0 else [f"yamllint exited with {lint.returncode}"]))

values = yaml.safe_load((CHART / "values.yaml").read_text())
paths = set(leaves(values))
readme = (CHART / "README.md").read_text()
documented = set(re.findall(r"^\|\s*`([^`]+)`", readme, re.MULTILINE))
check("values-documented", sorted(f"{p} is not documented in README.md" for p in paths - documented) +
      sorted(f"README.md documents {p}, which values.yaml does not have" for p in documented - paths))

templates = "\n".join(p.read_text() for p in (CHART / "templates").iterdir())
used = set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", templates))
unknown = sorted(u for u in used if u not in paths and not any(p.startswith(u + ".") for p in paths))
unused = sorted(p for p in paths if not any(u == p or p.startswith(u + ".") for u in used))
check("values-used", [f"templates use .Values.{u}, which values.yaml does not have" for u in unknown] +
      [f"{p} is not used by any template" for p in unused])

failures = []
try:
    documents = [d for d in yaml.safe_load_all((CHART / "ci" / "example-rendered.yaml").read_text()) if d]
    kinds = sorted(d["kind"] for d in documents)
    expected = sorted(["ServiceAccount", "Service", "Service", "Deployment", "HorizontalPodAutoscaler",
                       "PodDisruptionBudget", "ServiceMonitor"])
    if kinds != expected:
        failures.append(f"kinds {kinds}, expected {expected}")
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for probe, path in [("startupProbe", "/started"), ("livenessProbe", "/liveness"), ("readinessProbe", "/readiness")]:
        if container[probe]["httpGet"] != {"path": path, "port": "health"}:
            failures.append(f"{probe} does not GET {path} on the health port")
    if {"name": "health", "containerPort": 8088, "protocol": "TCP"} not in container["ports"]:
        failures.append("the health port is not 8088")
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    if int(env["HONO_APP_SHUTDOWNTIMEOUT"]) >= grace * 1000:
        failures.append("the adapter's shutdown timeout is not below terminationGracePeriodSeconds")
    for volume in deployment["spec"]["template"]["spec"]["volumes"]:
        if volume["name"] == "registry" and any("subPath" in m for m in container["volumeMounts"]):
            failures.append("a subPath mount never sees ConfigMap updates")
except (yaml.YAMLError, KeyError, StopIteration, TypeError) as e:
    failures.append(f"cannot read the rendered example: {e!r}")
check("rendered-example", failures)

failed = sum(1 for _, f in results if f)
# Not in the "N passed, N failed" form: that is reserved for the closing line of scripts/test.sh.
print(f"chart checks: {len(results) - failed} of {len(results)} passed")
sys.exit(1 if failed else 0)
