#!/usr/bin/env python
"""Drive ``make demo``: provision the example Call Flow Apps on the XAPI simulator three times.

1. ``--check --diff``: shows what would change and must write nothing;
2. apply: creates the apps;
3. apply again: must change nothing and write nothing.

Runs under ``tests/simulator/with_simulator.py``, which exports THREECX_BASE_URL,
THREECX_CLIENT_ID, THREECX_CLIENT_SECRET, THREECX_VALIDATE_CERTS and THREECX_SIM_URL.
Between runs it reads the simulator's request counters (``GET /_sim/stats``), prints a
summary and exits non-zero when a run does not do what the demo claims.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(ROOT, "playbooks", "provision.yml")
INVENTORY = os.path.join(ROOT, "playbooks", "inventory")
APPS = os.path.join(ROOT, "playbooks", "vars", "callflow_apps.yml")
LIMIT = "lab"  # the inventory's host that takes its connection from the THREECX_* environment

SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged")
RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

RUNS = (
    ("check", "--check --diff", ["--check", "--diff"]),
    ("apply", "apply", []),
    ("again", "apply again", []),
)


def sim(path, method="GET"):
    request = urllib.request.Request(os.environ["THREECX_SIM_URL"].rstrip("/") + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:  # nosec: the local simulator
        return json.load(answer)


def run_playbook(extra):
    """Run provision.yml, echo its output, and answer (rc, counts from its summary, recap)."""
    command = ["ansible-playbook", "-i", INVENTORY, PLAYBOOK, "--limit", LIMIT] + extra
    print("\n$ " + " ".join(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a for a in command), flush=True)
    env = dict(os.environ)
    if sys.stdout.isatty():
        env.setdefault("ANSIBLE_FORCE_COLOR", "1")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(ANSI.sub("", line))
    rc = proc.wait()
    text = "".join(lines)
    summaries = SUMMARY.findall(text)
    counts = dict(zip(("created", "updated", "unchanged"), map(int, summaries[-1]))) if summaries else None
    recaps = RECAP.findall(text)
    changed = sum(int(r[1]) for r in recaps) if recaps else None
    return rc, counts, changed


def main():
    if not os.environ.get("THREECX_SIM_URL"):
        sys.stderr.write("demo.py: THREECX_SIM_URL is not set; run it through tests/simulator/with_simulator.py\n")
        return 2
    with open(APPS, encoding="utf-8") as handle:
        wanted = dict((str(app["number"]), app["name"]) for app in yaml.safe_load(handle)["threecx_callflow_apps"])

    results, problems = [], []
    for key, title, extra in RUNS:
        before = sim("/stats")
        rc, counts, changed = run_playbook(extra)
        after = sim("/stats")
        delta = dict((name, after.get(name, 0) - before.get(name, 0)) for name in ("total", "writes", "token_requests"))
        results.append((title, rc, counts, changed, delta))
        if rc != 0:
            problems.append("%s: ansible-playbook exited with %d" % (title, rc))
            break
        if counts is None:
            problems.append("%s: the playbook printed no summary" % title)
            break
        if key == "check" and delta["writes"]:
            problems.append("--check --diff sent %d writes; check mode must write nothing" % delta["writes"])
        if key == "check" and counts["created"] + counts["updated"] == 0:
            problems.append("--check --diff predicted no change on a PBX without the apps")
        if key == "apply" and counts["created"] + counts["updated"] != len(wanted):
            problems.append("apply changed %d apps, expected %d" % (counts["created"] + counts["updated"], len(wanted)))
        if delta["token_requests"] != 1:
            problems.append("%s logged in %d times; the playbook shares one token per PBX" % (title, delta["token_requests"]))
        if key == "again" and (changed or delta["writes"] or counts["created"] or counts["updated"]):
            problems.append("apply again was not a no-op: %d changed tasks, %d writes" % (changed or 0, delta["writes"]))

    on_pbx = dict((str(app["Number"]), app) for app in sim("/state")["callflow_apps"])
    for number, name in sorted(wanted.items()):
        app = on_pbx.get(number)
        if app is None or app.get("Name") != name:
            problems.append("the simulator has no app %s %r after the runs" % (number, name))

    print("\n=== demo summary (requests counted by the simulator)")
    print("%-16s %7s %7s %9s %8s %6s %6s" % ("run", "created", "updated", "unchanged", "requests", "writes", "logins"))
    for title, rc, counts, changed, delta in results:
        counts = counts or {}
        print("%-16s %7s %7s %9s %8d %6d %6d" % (
            title, counts.get("created", "-"), counts.get("updated", "-"), counts.get("unchanged", "-"),
            delta["total"], delta["writes"], delta["token_requests"]))
    print("apps on the PBX now: %s" % ", ".join("%s %s" % (n, on_pbx[n]["Name"]) for n in sorted(wanted) if n in on_pbx))
    if problems:
        print("\nDEMO FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("\nOK: --check --diff wrote nothing, apply created the apps, apply again changed nothing and wrote nothing;"
          " each run logged in once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
