#!/usr/bin/env python
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Measure the collection against the simulator and write docs/performance.md.

Three sections, each reported with its targets and the measured figures (reported, never asserted):

- callflow: four ways of converging the same call flow apps. For each size N
  the simulator is reset and seeded with N apps, a desired state is written in
  which a share of them (2 % by default) differ, and each way runs
  ansible-playbook once: a hand-rolled ansible.builtin.uri loop, a
  callflow_app loop, a callflow_app loop sharing one token, and one
  callflow_apps task. Each run is checked to have converged the PBX; its wall
  time, the requests the simulator saw, and the peak memory of the largest
  process of the run are reported.
- overhead: one task of the generic entity module against one of callflow_app
  (payload size, wall time of a no-op task, requests); see overhead_bench.py.
- pbx: a whole PBX in one pbx task, one pbx_export task, and loops of typed
  module tasks doing the same; see pbx_bench.py.

The requests of single no-op and changing tasks are counted in every run, and
the simulator's own speed is reported too (seeding and listing 2000 apps, the
cost of one request), against the figures it is meant to stay within so that
it never dominates a benchmark.
"""

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time

import requests

import overhead_bench
import pbx_bench
from harness import CLIENT_ID, CLIENT_SECRET, MODULE_TASK, SIMULATOR, Simulator, baseline, environment, run_playbook

WAYS = [
    ("uri", "uri_loop.yml", "`ansible.builtin.uri` loop (token once, GET, PATCH when different)"),
    ("loop", "module_loop.yml", "`callflow_app` loop"),
    ("loop_token", "module_loop_token.yml", "`callflow_app` loop + `token` reuse"),
    ("bulk", "bulk.yml", "one `callflow_apps` task"),
]
SECTIONS = ("callflow", "overhead", "pbx")
sys.path.insert(0, os.path.dirname(SIMULATOR))
from xapisim.config import Config  # noqa: E402  pylint: disable=wrong-import-position
from xapisim.server import Simulator as InProcessSimulator  # noqa: E402  pylint: disable=wrong-import-position


# -- data ---------------------------------------------------------------------

def script(number, size):
    """A plausible call flow script of about `size` bytes."""
    head = ("using System;\nusing System.Threading.Tasks;\nusing CallFlow;\n\nnamespace Bench\n{\n"
            "    public class App%s : ScriptBase<App%s>\n    {\n        public override async Task<bool> StartAsync()\n"
            "        {\n" % (number, number))
    tail = "            return true;\n        }\n    }\n}\n"
    lines, body = [], len(head) + len(tail)
    step = 0
    while body < size:
        line = "            await Log(\"step %d of app %s\");\n" % (step, number)
        lines.append(line)
        body += len(line)
        step += 1
    return head + "".join(lines) + tail


def dataset(size, changed_pct, script_bytes, seed=20):
    """(seeded apps in API spelling, desired apps in option spelling)."""
    rng = random.Random(seed + size)
    seeded, desired = [], []
    for i in range(size):
        number = str(70000 + i)
        code = script(number, script_bytes)
        seeded.append({"Number": number, "Name": "Bench app %s" % number, "ScriptCode": code, "RoutingType": "DialCode"})
        desired.append({"number": number, "name": "Bench app %s" % number, "script_code": code})
    changed = rng.sample(range(size), max(1, size * changed_pct // 100))
    for position, i in enumerate(changed):
        if position % 2:
            desired[i]["name"] += " (v2)"
        else:
            desired[i]["script_code"] = desired[i]["script_code"].replace("return true;", "return false;")
    return seeded, desired


# -- one run ------------------------------------------------------------------

def converged(sim, desired):
    state = dict((app["Number"], app) for app in sim.call("GET", "/state")["callflow_apps"])
    for app in desired:
        have = state.get(app["number"])
        if have is None or have["Name"] != app["name"] or have["ScriptCode"].replace("\r\n", "\n") != app["script_code"]:
            return False
    return True


def measure(sim, way, desired_file, desired, seeded, env, workdir):
    sim.call("POST", "/reset")
    sim.call("POST", "/seed", {"callflow_apps": seeded})
    sim.call("DELETE", "/requests")
    name, playbook, _label = way
    seconds, peak, _text = run_playbook(playbook, desired_file, env, os.path.join(workdir, "%s.log" % name))
    stats = sim.call("GET", "/stats")
    if not converged(sim, desired):
        raise SystemExit("%s did not converge the PBX" % name)
    return {"seconds": seconds, "requests": stats["total"], "writes": stats["writes"],
            "tokens": stats["token_requests"], "peak_mib": peak}


# -- the simulator's own speed -------------------------------------------------

SIMULATOR_APPS, SIMULATOR_PAGE, SIMULATOR_ROUNDS = 2000, 100, 200
# what the simulator is meant to stay within on a CI machine: (key, label, bound, unit)
SIMULATOR_BOUNDS = [
    ("seed_s", "seed %d apps of 5000 bytes in one `POST /_sim/seed`" % SIMULATOR_APPS, 5.0, "s"),
    ("list_s", "list them in pages of %d (`$select`, `$expand=Groups`)" % SIMULATOR_PAGE, 3.0, "s"),
    ("request_ms", "one `GET CallFlowApps(id)` (mean of %d)" % SIMULATOR_ROUNDS, 10.0, "ms"),
]


def simulator_figures():
    """Time the simulator alone (in-process, no added latency): seeding, paging, one request."""
    sim = InProcessSimulator(Config(compile_delay=0, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)).start_in_thread()
    session = requests.Session()
    try:
        token = session.post(sim.url + "/connect/token", data={
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"}).json()
        session.headers["Authorization"] = "Bearer " + token["access_token"]
        api = sim.url + "/xapi/v1/"
        code = ("// a line of a realistic call flow script, padded to about eighty characters...\n" * 64)[:5000]
        apps = [{"Name": "App %04d" % i, "Number": "7%04d" % i, "ScriptCode": code + str(i), "Groups": [{"GroupId": 2}]}
                for i in range(SIMULATOR_APPS)]
        started = time.perf_counter()
        seeded = session.post(sim.url + "/_sim/seed", json={"callflow_apps": apps})
        seed_s = time.perf_counter() - started
        seeded.raise_for_status()

        started = time.perf_counter()
        for skip in range(0, SIMULATOR_APPS, SIMULATOR_PAGE):
            session.get(api + "CallFlowApps", params={"$select": "Id,Name,ScriptCode", "$expand": "Groups",
                                                      "$top": str(SIMULATOR_PAGE), "$skip": str(skip)}).raise_for_status()
        list_s = time.perf_counter() - started

        one = api + "CallFlowApps(%d)" % seeded.json()["callflow_apps"][0]
        session.get(one).raise_for_status()  # warm the connection
        started = time.perf_counter()
        for _round in range(SIMULATOR_ROUNDS):
            session.get(one, params={"$select": "Id,Name"}).raise_for_status()
        request_ms = (time.perf_counter() - started) / SIMULATOR_ROUNDS * 1000
    finally:
        session.close()
        sim.shutdown()
    return {"seed_s": seed_s, "list_s": list_s, "request_ms": request_ms}


def simulator_table(figures):
    lines = ["| what | measured | meant to stay within | |", "|---|---:|---:|---|"]
    for key, label, bound, unit in SIMULATOR_BOUNDS:
        value = figures[key]
        verdict = "within" if value <= bound else "**over**"
        lines.append("| %s | %.2f %s | %.0f %s | %s |" % (label, value, unit, bound, unit, verdict))
    return "\n".join(lines)


# -- report -------------------------------------------------------------------

def table(rows, latency_ms, start_seconds):
    lines = ["| N | way | wall time (s) | requests | writes | logins | peak RSS (MiB) | vs `uri` loop |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for size, results in rows:
        reference = results.get("uri", {}).get("seconds")
        for name, _playbook, label in WAYS:
            if name not in results:
                continue
            r = results[name]
            ratio = "%.1f× faster" % (reference / r["seconds"]) if reference and name != "uri" else "1.0×"
            if reference and r["seconds"] > reference:
                ratio = "%.2f× slower" % (r["seconds"] / reference)
            lines.append("| %d | %s | %.1f | %d | %d | %d | %.0f | %s |" % (
                size, label, r["seconds"], r["requests"], r["writes"], r["tokens"], r["peak_mib"], ratio))
        if "bulk" in results:
            limit = start_seconds + results["bulk"]["requests"] * latency_ms / 1000.0
            lines.append("| %d | limit for one task: start %.1f s + %d requests × %d ms | %.1f | | | | | bulk at %.2f× the limit |" % (
                size, start_seconds, results["bulk"]["requests"], latency_ms, limit, results["bulk"]["seconds"] / limit))
    return "\n".join(lines)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help="which sections to measure: callflow (the four ways per size), overhead (one entity task "
                             "against one callflow_app task), pbx (a whole PBX)")
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--ways", default=",".join(w[0] for w in WAYS))
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--changed-pct", type=int, default=2)
    parser.add_argument("--script-bytes", type=int, default=5000)
    parser.add_argument("--noop-tasks", type=int, default=20, help="no-op tasks per playbook in the overhead section")
    parser.add_argument("--repeats", type=int, default=5, help="rounds of the overhead section (the median counts)")
    parser.add_argument("--pbx-scale", type=float, default=1.0, help="scale every count of the whole-PBX configuration")
    parser.add_argument("--no-pbx-loops", dest="pbx_loops", action="store_false",
                        help="skip the typed-module loops of the whole-PBX section (most of its time)")
    parser.add_argument("--output", help="write the report (Markdown) here")
    parser.add_argument("--save-json", help="also write the raw figures here")
    parser.add_argument("--from-json", help="render the report from raw figures saved before, without measuring")
    parser.add_argument("--simulator-only", action="store_true", help="only time the simulator itself (seconds)")
    return parser


def main():
    parser = arguments()
    args = parser.parse_args()
    if args.simulator_only:
        publish(simulator_table(simulator_figures()), args.output)
        return
    if args.from_json:
        with open(args.from_json) as source:
            figures = json.load(source)
        figures.setdefault("single", {"noop": figures.get("noop"), "change": figures.get("change")})
        if figures.get("note"):
            figures["machine"] += ". " + figures["note"]
        publish(render(figures), args.output)
        return
    figures = measure_all(args)
    figures["command"] = command_line(parser, args)
    if args.save_json:
        with open(args.save_json, "w") as out:
            json.dump(figures, out, indent=1)
    publish(render(figures), args.output)


def command_line(parser, args):
    """How to measure the same again: `make bench`, or the script with the options that differ from the defaults."""
    changed = []
    for action in parser._actions:  # pylint: disable=protected-access
        if not action.option_strings or action.dest in ("help", "output", "save_json", "from_json", "simulator_only"):
            continue
        value = getattr(args, action.dest)
        if value != action.default:
            changed.append(action.option_strings[0] if isinstance(value, bool) else
                           "%s %s" % (action.option_strings[0], value))
    return "python tests/bench/bench.py %s" % " ".join(changed) if changed else "make bench"


def measure_all(args):
    """Every section asked for, against one simulator process."""
    sections = [s for s in args.sections.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit("unknown section(s) %s; known: %s" % (", ".join(sorted(unknown)), ", ".join(SECTIONS)))
    sizes = [int(s) for s in args.sizes.split(",")] if "callflow" in sections else []
    ways = [w for w in WAYS if w[0] in args.ways.split(",")]
    figures = dict(sections=sections, sizes=args.sizes, latency_ms=args.latency_ms, script_bytes=args.script_bytes,
                   changed_pct=args.changed_pct, rows=[], overhead=None, pbx=None,
                   machine="%s, %d cores, Python %s, %s" % (platform.machine(), os.cpu_count(),
                                                            platform.python_version(), time.strftime("%Y-%m-%d")))
    workdir = tempfile.mkdtemp(prefix="xapi-bench-")
    sim = Simulator(args.latency_ms, workdir)
    env = environment(workdir, sim)
    load_before = os.getloadavg()[0]
    figures["simulator"] = simulator_figures()
    print("simulator alone: seed %.2f s, list %.2f s, %.2f ms a request" % (
        figures["simulator"]["seed_s"], figures["simulator"]["list_s"], figures["simulator"]["request_ms"]), flush=True)
    try:
        figures["start_seconds"] = baseline(env, workdir)
        print("ansible-playbook start: %.2f s" % figures["start_seconds"], flush=True)
        for size in sizes:
            figures["rows"].append((size, measure_size(sim, env, workdir, size, ways, args)))
        seeded, _desired = dataset(1, 0, args.script_bytes)
        app = seeded[0]
        desired_file = os.path.join(workdir, "apps-single.json")
        with open(desired_file, "w") as out:
            json.dump({"apps": [{"number": app["Number"], "name": app["Name"], "script_code": app["ScriptCode"]}]}, out)
        figures["single"] = overhead_bench.counts(sim, env, workdir, app, desired_file)
        print("single tasks: %s" % figures["single"], flush=True)
        if "overhead" in sections:
            figures["overhead"] = overhead_bench.measure(sim, env, workdir, args.noop_tasks, args.repeats, app)
            print("overhead: %s" % ", ".join("%s %.0f ms a task, %d bytes" % (
                name, m["task_ms"], m["payload_bytes"]["file"]) for name, m in figures["overhead"]["modules"].items()),
                flush=True)
        if "pbx" in sections:
            module_start = baseline(env, workdir, task=MODULE_TASK)
            print("ansible-playbook start with one module task: %.2f s" % module_start, flush=True)
            figures["pbx"] = pbx_bench.measure(sim, env, workdir, args.pbx_scale,
                                               lambda number: script(number, args.script_bytes),
                                               args.latency_ms, figures["start_seconds"], module_start, args.pbx_loops)
    finally:
        sim.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    figures["machine"] += ", load average %.1f at the start and %.1f at the end" % (load_before, os.getloadavg()[0])
    return figures


def measure_size(sim, env, workdir, size, ways, args):
    """The four ways of converging size apps."""
    seeded, desired = dataset(size, args.changed_pct, args.script_bytes)
    desired_file = os.path.join(workdir, "apps-%d.json" % size)
    with open(desired_file, "w") as out:
        json.dump({"apps": desired}, out)
    results = {}
    for way in ways:
        results[way[0]] = measure(sim, way, desired_file, desired, seeded, env, workdir)
        print("N=%d %-10s %7.1f s %6d requests %4d writes %d logins %5.0f MiB" % (
            size, way[0], results[way[0]]["seconds"], results[way[0]]["requests"], results[way[0]]["writes"],
            results[way[0]]["tokens"], results[way[0]]["peak_mib"]), flush=True)
    return results


def publish(report, output):
    print(report)
    if output:
        with open(output, "w") as out:
            out.write(report)


def mark(ok):
    return "met" if ok else "**missed**"


def targets(figures):
    """Every target, each with the measured figure."""
    rows, latency_ms, start_seconds = figures["rows"], figures["latency_ms"], figures["start_seconds"]
    single = figures["single"]
    lines = ["| target | measured | |", "|---|---|---|",
             "| no-op `callflow_app` task: 1 request after the token | %d | %s |" % (
                 single["noop"], mark(single["noop"] == 1)),
             "| changed `callflow_app` task: at most 3 requests | %d | %s |" % (
                 single["change"], mark(single["change"] <= 3))]
    for size, results in rows:
        if "uri" in results and "loop_token" in results:
            ratio = results["loop_token"]["seconds"] / results["uri"]["seconds"]
            lines.append("| N = %d: `callflow_app` loop + token reuse within 1.2× of the `uri` loop | %.2f× | %s |" % (
                size, ratio, mark(ratio <= 1.2)))
    for size, results in rows:
        if size == 500 and "uri" in results and "bulk" in results:
            speedup = results["uri"]["seconds"] / results["bulk"]["seconds"]
            limit = start_seconds + results["bulk"]["requests"] * latency_ms / 1000.0
            lines.append("| N = 500: `callflow_apps` at least 30× faster than the `uri` loop | %.0f× | %s |" % (
                speedup, mark(speedup >= 30)))
            lines.append("| N = 500: `callflow_apps` within 2× of the limit (%.1f s) | %.2f× | %s |" % (
                limit, results["bulk"]["seconds"] / limit, mark(results["bulk"]["seconds"] <= 2 * limit)))
    bulk_requests = ["%d → %d" % (size, results["bulk"]["requests"]) for size, results in rows if "bulk" in results]
    if bulk_requests:
        lines.append("| `callflow_apps` requests grow with N/100 plus the writes (N → requests) | %s | |" % ", ".join(bulk_requests))
    lines += overhead_bench.targets(figures.get("overhead"), single, mark)
    lines += pbx_bench.targets(figures.get("pbx"), mark)
    return "\n".join(lines)


def render(figures):
    sizes, latency_ms, start_seconds = figures["sizes"], figures["latency_ms"], figures["start_seconds"]
    command = figures.get("command") or (
        "make bench" if sizes == "100,500,2000" else "python tests/bench/bench.py --sizes %s" % sizes)
    single = figures["single"]
    callflow = [
        "## Call Flow Apps: four ways",
        "",
        table(figures["rows"], latency_ms, start_seconds),
        "",
        "A single `callflow_app` task with a shared token: %d request(s) when nothing changes, %d when the name "
        "changes (read, PATCH, re-read). The limit of one task is one `ansible-playbook` start (%.1f s, the median "
        "of a few plays of one no-op task) plus its requests times the added latency." % (
            single["noop"], single["change"], start_seconds),
        "",
        "- A loop of module tasks costs about 0.4 s per app here whatever the module: Ansible starts a process "
        "for each task, which dwarfs one 20 ms request. Token reuse halves the requests of a `callflow_app` loop "
        "(no login per task) and keeps the loop on par with a hand-written `uri` loop, while adding check mode, "
        "diffs, compare rules and error handling.",
        "- One `callflow_apps` task pays that start once: it reads the PBX in pages of 100 and writes only what "
        "differs, so its requests grow with N/100 plus the writes.",
        "- Peak memory of the bulk run is that of `ansible-playbook` holding the task's app list (the scripts) and "
        "its results; the module keeps only the apps the list names from the paged read.",
        "",
    ] if figures["rows"] else []
    return "\n".join([
        "# Performance",
        "",
        "Measured by `%s` (`tests/bench/bench.py`) against the simulator with %d ms added to every request "
        "(a PBX across a WAN), %d bytes of script per Call Flow App and, for the Call Flow App ways, %d %% of the "
        "apps differing from the desired state. Every run is checked to have done its work (converged the PBX, or "
        "changed nothing) before its figures count. Targets are reported here, never asserted in tests." % (
            command, latency_ms, figures["script_bytes"], figures["changed_pct"]),
        "",
        "Machine: %s." % figures["machine"],
        "Requests are those the simulator logged, logins included; peak RSS is that of the largest single process of "
        "the run (ansible-playbook, a worker, or the module) unless a column says otherwise.",
        "",
        "## Targets",
        "",
        targets(figures),
        "",
    ] + callflow + overhead_bench.section(figures.get("overhead"), single) + pbx_bench.section(figures.get("pbx")) + ([
        "## The simulator itself",
        "",
        "Timed in-process without added latency, so that its own cost can be told apart from the figures above.",
        "",
        simulator_table(figures["simulator"]),
        "",
    ] if figures.get("simulator") else []))


if __name__ == "__main__":
    main()
