# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole PBX as code: one pbx task, one pbx_export task, and loops of typed-module tasks doing the same.

The configuration is written in the option format of the typed modules (users
by number, departments by name, references by name or number): 500 users in 20
departments, 30 queues, 30 ring groups, 20 digital receptionists, a trunk with
25 inbound rules on its DIDs, 25 outbound rules over it and 50 Call Flow Apps
(--pbx-scale scales every count). Four phases run against the simulator:

- create: one threecx.xapi.pbx task on a fresh PBX;
- no-op: the same task again;
- export: one threecx.xapi.pbx_export task;
- floor: a module of the benchmark that answers the config the export
  returned and does nothing else: what ansible-playbook and a module process
  cost for a result of that size, whatever the module does;
- loops: a fresh PBX again, and one loop of typed-module tasks per kind in
  dependency order, sharing one login; a pbx task afterwards must find
  nothing to change, which shows the loops built the same PBX.

Each phase's requests are counted per entity set from the simulator's log. The
module process of the pbx and pbx_export tasks runs under a small interpreter
wrapper that records its wall time, peak RSS and the size of its result, so a
phase's time splits into the module process and the rest (ansible-playbook's
start, the config templated into the task, the result parsed and registered).
"""

import json
import os
import stat
import sys

from harness import run_playbook, write_json

# kind -> count at scale 1; "rules" are half inbound, half outbound
SIZES = {"departments": 20, "users": 500, "queues": 30, "ring_groups": 30, "receptionists": 20, "rules": 50,
         "callflow_apps": 50}
# the entity set each kind is read and written through
KIND_SETS = [("departments", "Groups"), ("trunks", "Trunks"), ("users", "Users"), ("queues", "Queues"),
             ("ring_groups", "RingGroups"), ("receptionists", "Receptionists"), ("callflow_apps", "CallFlowApps"),
             ("inbound_rules", "InboundRules"), ("outbound_rules", "OutboundRules")]
PAGE = 100
PHASES = [
    ("create", "pbx_one_task.yml", "one `pbx` task, fresh PBX"),
    ("noop", "pbx_one_task.yml", "the same `pbx` task again (no-op)"),
    ("export", "pbx_export_task.yml", "one `pbx_export` task"),
    ("floor", "pbx_floor_task.yml", "a module that only answers the exported config (no request)"),
    ("loops", "pbx_typed_loops.yml", "typed-module loops, fresh PBX (token reuse)"),
]
# the phases of the table of requests per kind (the floor phase sends none)
REQUEST_PHASES = [phase for phase in PHASES if phase[0] != "floor"]
MODULE_OF = {"create": "pbx", "noop": "pbx", "export": "pbx_export", "floor": "bench_answer", "after-loops": "pbx"}
WRAPPER = """#!{python} -S
# Runs a module process and records its wall time, peak RSS (KiB) and result size for the benchmark.
import json, os, subprocess, sys, time
started = time.monotonic()
child = subprocess.Popen([{python!r}] + sys.argv[1:], stdout=subprocess.PIPE)
result = child.stdout.read()
_pid, status, usage = os.wait4(child.pid, 0)
seconds = time.monotonic() - started
sys.stdout.buffer.write(result)
sys.stdout.flush()
with open({log!r} + ".result", "wb") as out:
    out.write(result)
with open({log!r}, "a") as out:
    out.write(json.dumps({{"args": sys.argv[1:], "seconds": seconds, "peak_kib": usage.ru_maxrss,
                          "result_bytes": len(result)}}) + "\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


# -- the configuration ----------------------------------------------------------

def config(scale, script):
    """The whole PBX in the option format of the typed modules."""
    n = dict((kind, max(1, int(round(count * scale)))) for kind, count in SIZES.items())
    departments = [{"name": "Department %02d" % d} for d in range(n["departments"])]
    names = [d["name"] for d in departments]
    users = [{"number": str(2000 + u), "first_name": "Bench", "last_name": "User %03d" % u,
              "email_address": "user%03d@pbx.example" % u, "departments": [names[u % len(names)]]}
             for u in range(n["users"])]
    numbers = [u["number"] for u in users]

    def some_users(start, count):
        return [numbers[(start + k) % len(numbers)] for k in range(count)]

    queues = [{"number": str(8000 + q), "name": "Queue %02d" % q, "polling_strategy": "Hunt",
               "agents": some_users(q * 5, 5), "departments": [names[q % len(names)]]} for q in range(n["queues"])]
    ring_groups = [{"number": str(7000 + r), "name": "Ring group %02d" % r, "ring_strategy": "RingAll",
                    "members": some_users(r * 3, 3), "departments": [names[r % len(names)]]}
                   for r in range(n["ring_groups"])]
    receptionists = [{"number": str(6000 + i), "name": "Menu %02d" % i,
                      "forwards": [{"input": "1", "forward_dn": queues[i % len(queues)]["number"]},
                                   {"input": "2", "forward_dn": ring_groups[i % len(ring_groups)]["number"]}],
                      "departments": [names[i % len(names)]]} for i in range(n["receptionists"])]
    inbound = max(1, n["rules"] // 2)
    dids = ["4930555%03d" % k for k in range(inbound)]
    trunk = {"name": "Bench provider", "template": "generic.pv.xml",
             "gateway": {"host": "sip.provider.example", "port": 5060}, "auth_id": "4930555000", "did_numbers": dids}
    inbound_rules = [{"rule_name": "DID %s" % did, "trunk": trunk["name"], "condition": "BasedOnDID", "data": did,
                      "office_hours_destination": receptionists[k % len(receptionists)]["number"],
                      "out_of_office_hours_destination": {"to": "VoiceMail", "number": numbers[k % len(numbers)]}}
                     for k, did in enumerate(dids)]
    outbound_rules = [{"name": "Outbound %02d" % k, "prefix": str(10 + k), "departments": [names[k % len(names)]],
                       "routes": [{"trunk": trunk["name"], "strip_digits": 0}]}
                      for k in range(max(1, n["rules"] - inbound))]
    apps = [{"number": str(9000 + a), "name": "Bench flow %02d" % a, "script_code": script(str(9000 + a))}
            for a in range(n["callflow_apps"])]
    return {"departments": departments, "trunks": [trunk], "users": users, "queues": queues,
            "ring_groups": ring_groups, "receptionists": receptionists, "callflow_apps": apps,
            "inbound_rules": inbound_rules, "outbound_rules": outbound_rules}


# -- the phases -----------------------------------------------------------------

def measure(sim, env, workdir, scale, script, latency_ms, start_seconds, module_start_seconds, loops=True):
    """Every phase's wall time, requests per entity set, and the module process's time, peak RSS and result."""
    desired = config(scale, script)
    vars_file = write_json(os.path.join(workdir, "pbx.json"), {"config": desired})
    items = dict((kind, len(entries)) for kind, entries in desired.items())
    builtin = on_pbx(sim)
    phases = {}
    for name, playbook, _label in PHASES if loops else PHASES[:-1]:
        if name in ("create", "loops"):
            sim.fresh()
        else:
            sim.call("DELETE", "/requests")
        phase_vars = saved_export(workdir, vars_file) if name == "floor" else vars_file
        phases[name] = run_phase(sim, env, workdir, name, playbook, phase_vars)
        check(name, phases[name], items)
        phase = phases[name]
        print("pbx %-7s %6.1f s %5d requests %5d writes  module %s" % (
            name, phase["seconds"], phase["requests"], phase["writes"], "%.1f s %.0f MiB %.1f MB out" % (
                phase["module_s"], phase["module_mib"], phase["result_mb"]) if "module_s" in phase else "-"), flush=True)
    if loops:
        sim.call("DELETE", "/requests")
        after = run_phase(sim, env, workdir, "after-loops", "pbx_one_task.yml", vars_file)
        if after["outcome"]["changed"] != "False" or after["writes"]:
            raise SystemExit("the typed-module loops did not build the PBX the pbx task builds: %s" % after["outcome"])
    return dict(scale=scale, items=items, builtin=builtin, latency_ms=latency_ms, start_seconds=start_seconds,
                module_start_seconds=module_start_seconds, phases=phases)


def saved_export(workdir, vars_file):
    """The vars file with floor_config: the config the export phase's module answered, saved as JSON."""
    config = recorded_result(module_log(workdir, "export"))["config"]
    with open(vars_file) as source:
        variables = json.load(source)
    variables["floor_config"] = write_json(os.path.join(workdir, "exported.json"), config)
    return write_json(os.path.join(workdir, "pbx-floor.json"), variables)


def run_phase(sim, env, workdir, name, playbook, vars_file):
    log = module_log(workdir, name)
    extra = ["-e", "ansible_python_interpreter=" + wrapper(workdir, log)] if name in MODULE_OF else []
    seconds, peak, _log_text = run_playbook(playbook, vars_file, env, os.path.join(workdir, "pbx-%s.log" % name), extra)
    requests = sim.requests()
    by_set = {}
    for method, set_name, paged in requests:
        entry = by_set.setdefault(set_name, {"pages": 0, "reads": 0, "writes": 0})
        entry["pages" if paged else "reads" if method == "GET" or set_name == "token" else "writes"] += 1
    result = dict(seconds=seconds, playbook_mib=peak, requests=len(requests), by_set=by_set,
                  writes=sum(entry["writes"] for entry in by_set.values()))
    if name in MODULE_OF:
        module = module_process(log, MODULE_OF[name])
        result.update(module_s=module["seconds"], module_mib=module["peak_kib"] / 1024.0,
                      result_mb=module["result_bytes"] / 1e6)
        result["outcome"] = outcome(name, log)
    return result


def outcome(name, log):
    """What the phase's task answered, from the module's recorded result: item counts per kind for an export,
    else changed and the created count per kind (text, as a playbook would print them)."""
    answer = recorded_result(log)
    if name in ("export", "floor"):
        return dict((kind, str(len(items))) for kind, items in answer["config"].items())
    created = dict(("created." + kind, str(counts["created"])) for kind, counts in answer["summary"].items())
    return dict(created, changed=str(answer["changed"]))


def module_log(workdir, phase):
    """Where the wrapper records the module processes of a phase."""
    return os.path.join(workdir, "module-%s.jsonl" % phase)


def recorded_result(log):
    """The result of the last module process the wrapper recorded in log."""
    with open(log + ".result") as recorded:
        return json.load(recorded)


def wrapper(workdir, log):
    """An interpreter for ansible_python_interpreter that records each module process in log."""
    path = os.path.join(workdir, "python-recorder")
    with open(path, "w") as out:
        out.write(WRAPPER.format(python=sys.executable, log=log))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    if os.path.exists(log):
        os.remove(log)
    return path


def module_process(log, module):
    with open(log) as records:
        found = [json.loads(line) for line in records if "AnsiballZ_%s.py" % module in line]
    if len(found) != 1:
        raise SystemExit("expected one %s module process in %s, found %d" % (module, log, len(found)))
    return found[0]


def on_pbx(sim):
    """How many entities of each kind a fresh simulator holds (its built-in data)."""
    sim.fresh()
    state = sim.call("GET", "/state")
    return dict((kind, len(state.get(set_name) or [])) for kind, set_name in KIND_SETS)


def check(name, phase, items):
    """Each phase must have done what it is timed for."""
    outcome = phase.get("outcome", {})
    if name == "create":
        created = dict((key.split(".", 1)[1], int(count)) for key, count in outcome.items() if key.startswith("created."))
        if created != items:
            raise SystemExit("the pbx task created %s, not %s" % (created, items))
    if name == "noop" and (outcome["changed"] != "False" or phase["writes"]):
        raise SystemExit("the second pbx task was not a no-op: %s, %d writes" % (outcome, phase["writes"]))
    if name in ("export", "floor"):
        short = [kind for kind, count in items.items() if int(outcome.get(kind, 0)) < count]
        if short:
            raise SystemExit("the export lacks items of %s: %s" % (", ".join(short), outcome))


# -- report -----------------------------------------------------------------------

def pages(count):
    """Requests of one paged read of count entities (a short page ends it)."""
    return count // PAGE + 1


def limit(figures, phase, start="start_seconds"):
    """One ansible-playbook start plus the phase's requests at the added latency.

    start: "start_seconds", the bare start (a task that runs no module), or "module_start_seconds", the
    start of a run of one module task (ping), which every module task pays whatever it does.
    """
    return figures[start] + figures["phases"][phase]["requests"] * figures["latency_ms"] / 1000.0


def verdict_start(figures):
    """The start a verdict takes: with a module task, where measured (figures saved before were not)."""
    return "module_start_seconds" if "module_start_seconds" in figures else "start_seconds"


def ratios(figures, seconds, phase):
    """(text, ratio the verdict takes): seconds against the phase's limit from either start."""
    bare = limit(figures, phase)
    text = "%.1f s: %.2f× of %.2f s (bare start)" % (seconds, seconds / bare, bare)
    start = verdict_start(figures)
    if start == "start_seconds":
        return text, seconds / bare
    with_module = limit(figures, phase, start)
    return text + ", %.2f× of %.2f s (start with a module task)" % (seconds / with_module, with_module), \
        seconds / with_module


def targets(figures, mark):
    if not figures:
        return []
    phases = figures["phases"]
    rows = []
    for phase, label in (("export", "`pbx_export`"), ("noop", "no-op `pbx`")):
        text, ratio = ratios(figures, phases[phase]["seconds"], phase)
        rows.append("| whole PBX: %s within 2× of one start + requests × %d ms (verdict: the start with a module "
                    "task) | %s | %s |" % (label, figures["latency_ms"], text, mark(ratio <= 2)))
    if "floor" in phases:
        rows.append("| whole PBX: a module that only answers the exported config, against the `pbx_export` limits "
                    "| %s | floor |" % ratios(figures, phases["floor"]["seconds"], "export")[0])
    loops_label = "whole PBX: `pbx` creating it at least 30× faster than typed-module loops"
    if "loops" in phases:
        speedup = phases["loops"]["seconds"] / phases["create"]["seconds"]
        rows.append("| %s | %.1f s vs %.1f s: %.1f× | %s |" % (
            loops_label, phases["create"]["seconds"], phases["loops"]["seconds"], speedup, mark(speedup >= 30)))
    else:
        rows.append("| %s | not measured (--no-pbx-loops) | |" % loops_label)
    grows = all(reads_within_model(figures, phase) for phase in ("create", "noop", "export"))
    rows.append("| whole PBX: reads grow with items/100, writes with the changes (per kind below) | %s | %s |" % (
        ", ".join("%s %d (%d writes)" % (phase, phases[phase]["requests"], phases[phase]["writes"])
                  for phase in ("create", "noop", "export")), mark(grows)))
    return rows


def model_reads(figures, phase, kind):
    """Reads a kind should cost: one paged read (and one more after a create, the re-read)."""
    before = figures["builtin"][kind] if phase == "create" else figures["builtin"][kind] + figures["items"][kind]
    after = figures["builtin"][kind] + figures["items"][kind]
    return pages(before) + (pages(after) if phase == "create" else 0)


def reads_within_model(figures, phase):
    by_set = figures["phases"][phase]["by_set"]
    return all(by_set.get(set_name, {}).get("pages", 0) <= model_reads(figures, phase, kind)
               for kind, set_name in KIND_SETS)


def section(figures):
    if not figures:
        return []
    phases, items = figures["phases"], figures["items"]
    scale = "" if figures["scale"] == 1 else " (scaled by %g)" % figures["scale"]
    lines = ["## A whole PBX in one task", "",
             "The configuration%s: %s, in the option format of the typed modules (users by number, departments by "
             "name, agents, members and destinations by number, the trunk by name); a fresh simulator also holds "
             "its built-in data (%s). The limit of a phase is one `ansible-playbook` start plus its requests × %d ms, "
             "from either of two starts: the bare start (%.2f s, a play of one task that runs no module) and the "
             "start with one module task (%s, a play of one `ansible.builtin.ping` task: the payload built and the "
             "module process that any module task pays); the verdict takes the second. Each phase's playbook holds "
             "its one task, registered; the outcome is read from the module's recorded result (what a later task of a "
             "playbook does with the registered result, such as templating it into a file, is not timed). The "
             "module process is timed and its peak RSS taken by an interpreter wrapper "
             "(`ansible_python_interpreter`); the rest of a phase's time is `ansible-playbook` itself: its start, "
             "the config templated into the task, the result parsed and registered. The module that only "
             "answers the exported config is held to the export's limit: no module returning that config can take "
             "less time." % (
                 scale, ", ".join("%d %s" % (count, kind.replace("_", " ")) for kind, count in items.items()),
                 ", ".join("%d %s" % (count, kind) for kind, count in figures["builtin"].items() if count),
                 figures["latency_ms"], figures["start_seconds"],
                 "%.2f s" % figures["module_start_seconds"] if "module_start_seconds" in figures else "not measured"),
             "",
             "| phase | wall time (s) | requests | writes | limit (s): bare start / with a module task "
             "| × limit | module process (s) | its result (MB) | rest (s) | module peak RSS (MiB) "
             "| largest process (MiB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    starts = [start for start in ("start_seconds", "module_start_seconds") if start in figures]
    for name, _playbook, label in [p for p in PHASES if p[0] in phases]:
        phase = phases[name]
        bounds = [limit(figures, "export" if name == "floor" else name, start) for start in starts]
        module = ("%.1f" % phase["module_s"], "%.1f" % phase["result_mb"], "%.1f" % (phase["seconds"] - phase["module_s"]),
                  "%.0f" % phase["module_mib"]) if "module_s" in phase else ("",) * 4
        lines.append("| %s | %.1f | %d | %d | %s | %s | %s | %.0f |" % (
            label, phase["seconds"], phase["requests"], phase["writes"], " / ".join("%.1f" % b for b in bounds),
            " / ".join("%.1f×" % (phase["seconds"] / b) for b in bounds), " | ".join(module), phase["playbook_mib"]))
    lines += ["", "Requests per kind: *pages* read (GETs of 100 entities) + other reads (one entity, a function) / "
              "writes. The *pages* column is what one paged read of the kind costs (entities on the PBX // 100 + 1); "
              "the model is one paged read per phase, plus the re-read of what a create changed.", "",
              "| kind | items | pages | create | no-op | export | loops |", "|---|---:|---:|---:|---:|---:|---:|"]
    known = set(set_name for _kind, set_name in KIND_SETS)
    for kind, set_name in KIND_SETS:
        lines.append("| %s | %d | %d | %s |" % (
            kind, items[kind], pages(items[kind] + figures["builtin"][kind]),
            " | ".join(_reads_writes(phases[name]["by_set"].get(set_name)) if name in phases else ""
                       for name, _p, _l in REQUEST_PHASES)))
    others = sorted(set(s for phase in phases.values() for s in phase["by_set"]) - known)
    for set_name in others:
        lines.append("| %s | | | %s |" % ("login" if set_name == "token" else "`%s`" % set_name,
                                          " | ".join(_reads_writes(phases[name]["by_set"].get(set_name))
                                                     if name in phases else "" for name, _p, _l in REQUEST_PHASES)))
    return lines + [""] + where_the_time_goes(figures)


def where_the_time_goes(figures):
    """What the split of each timed phase says, in figures."""
    phases, start = figures["phases"], figures["start_seconds"]
    module_start = figures.get("module_start_seconds", start)
    lines = ["Where the time goes:", ""]
    for name, what in (("create", "every item created, with the properties the config manages as the PBX holds "
                                  "them afterwards"),
                       ("noop", "every item unchanged, with the properties the config manages"),
                       ("export", "the configuration itself"),
                       ("floor", "the same configuration, answered by a module that does nothing else")):
        if name not in phases:
            continue
        phase = phases[name]
        rest = phase["seconds"] - phase["module_s"]
        lines.append("- %s: the module process %.1f s (%d requests, which would wait %.1f s at %d ms each if sent "
                     "one after another); `ansible-playbook` around it %.1f s: its start (%.1f s) and what a module "
                     "task costs it whatever the module (%.1f s more, from the start with a ping task), then %.1f s "
                     "to template the config into the task and to parse and register the module's result of %.1f MB "
                     "(%s)." % (
                         dict((n, label) for n, _p, label in PHASES)[name], phase["module_s"], phase["requests"],
                         phase["requests"] * figures["latency_ms"] / 1000.0, figures["latency_ms"], rest, start,
                         module_start - start, rest - module_start, phase["result_mb"], what))
    if "loops" in phases:
        tasks = sum(figures["items"].values()) + 1
        lines.append("- typed-module loops: %d tasks at %.2f s each; every task is a process of its own that starts "
                     "Python, imports the collection and reads what it refers to (a user task lists the departments "
                     "to find its own by name)." % (tasks, phases["loops"]["seconds"] / tasks))
    if "floor" in phases:
        budget = 2 * limit(figures, "export", verdict_start(figures))
        room = budget - phases["floor"]["seconds"]
        lines.append("- what a module returning the exported configuration has left for its own work within 2× of "
                     "the export's limit (%.2f s), by the floor phase: %.2f s, to send %d requests (read side by side) "
                     "and convert %d entities. The floor module spends it on nothing: the rest is `ansible-playbook` "
                     "handling a result of %.1f MB. Each phase is one run: runs of the same phase differ by a few "
                     "tenths of a second." % (
                         budget, room, phases["export"]["requests"],
                         sum(figures["items"].values()) + sum(figures["builtin"].values()),
                         phases["floor"]["result_mb"]))
    return lines + [""]


def _reads_writes(entry):
    """pages of paged reads, + other reads, / writes; 0 for none."""
    if not entry:
        return "0"
    reads = "%d" % entry["pages"] if entry["pages"] else ""
    if entry["reads"]:
        reads = "%s+%d" % (reads, entry["reads"]) if reads else "+%d" % entry["reads"]
    return "%s / %d" % (reads or "0", entry["writes"]) if entry["writes"] else reads
