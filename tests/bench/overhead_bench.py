# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one task of the generic entity module costs, next to one of callflow_app.

The entity module carries the registry of every entity set (registry_data.py,
about 100 KB of JSON text decoded on first use); this section checks that it
does not make each task heavier. Three figures per module:

- the AnsiballZ payload: the size of the AnsiballZ_<module>.py file Ansible
  writes for a task (kept with ANSIBLE_KEEP_REMOTE_FILES=1 over the local
  connection without pipelining). That file has existed under that name in
  every ansible-core release since 2.1, so the figure does not depend on the
  internals of ansible's payload builder, which change between releases;
- the wall time of one no-op task: a playbook of N no-op tasks sharing one
  login, minus the same playbook with none (which holds the ansible-playbook
  start and the login), divided by N; the median of a few rounds;
- the requests of a single task, counted by the simulator.

The registry's own share is measured too: its bytes in the payload (when the
payload can be opened) and the time a fresh interpreter takes to compile,
import and decode it, as a module process does.
"""

import base64
import glob
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

from harness import marked_line, run_playbook, write_json

MODULES = [("entity", "noop_entity.yml"), ("callflow_app", "noop_callflow_app.yml")]
# The base64 payload inside an AnsiballZ wrapper, as ansible-core 2.19+ and earlier releases spell it.
ZIP_DATA = [re.compile(r"zip_data='([A-Za-z0-9+/=]+)'"), re.compile(r'ZIPDATA = """([A-Za-z0-9+/=\s]+)"""')]
REGISTRY_FILE = "plugins/module_utils/registry_data.py"
REGISTRY_PROBE = """
import json, time
from ansible_collections.threecx.xapi.plugins.module_utils import schema, overrides  # not the registry's cost
started = time.perf_counter()
from ansible_collections.threecx.xapi.plugins.module_utils import registry
imported = time.perf_counter()
registry.data()
decoded = time.perf_counter()
registry.secret_names()
listed = time.perf_counter()
registry.entity_set("CallFlowApps").fields
built = time.perf_counter()
print(json.dumps({"import_ms": (imported - started) * 1000, "decode_ms": (decoded - imported) * 1000,
                  "secret_names_ms": (listed - decoded) * 1000, "schema_ms": (built - listed) * 1000}))
"""


def measure(sim, env, workdir, tasks, repeats, seeded_app):
    """Payload sizes, per-task wall times and the registry's share, for both modules."""
    sim.fresh({"callflow_apps": [seeded_app]})
    app = {"number": seeded_app["Number"], "name": seeded_app["Name"]}
    vars_file = write_json(os.path.join(workdir, "noop-%d.json" % tasks), {"app": app, "tasks": tasks})
    empty_file = write_json(os.path.join(workdir, "noop-0.json"), {"app": app, "tasks": 0})
    one_file = write_json(os.path.join(workdir, "noop-1.json"), {"app": app, "tasks": 1})
    figures = dict((name, payload(name, playbook, env, workdir, one_file)) for name, playbook in MODULES)
    runs = dict((name, {"full": [], "empty": []}) for name, _playbook in MODULES)
    for round_number in range(repeats):
        for name, playbook in MODULES:
            log = os.path.join(workdir, "noop-%s-%d.log" % (name, round_number))
            runs[name]["full"].append(run_playbook(playbook, vars_file, env, log)[0])
            runs[name]["empty"].append(run_playbook(playbook, empty_file, env, log)[0])
    for name, _playbook in MODULES:
        # paired per round, so that a change of the machine's load between rounds cancels out
        per_task = [(full - empty) / tasks * 1000 for full, empty in zip(runs[name]["full"], runs[name]["empty"])]
        figures[name].update(runs=runs[name], full_s=statistics.median(runs[name]["full"]),
                             empty_s=statistics.median(runs[name]["empty"]), task_ms=statistics.median(per_task))
    return dict(tasks=tasks, repeats=repeats, modules=figures, registry=registry_share(env, workdir))


def payload(name, playbook, env, workdir, vars_file, rounds=10):
    """The AnsiballZ_<name>.py file of one task: its bytes, the registry's bytes inside it, and its run time.

    The file is kept from a playbook of one task; run again right away (the task's token is still the
    PBX's one active token), it is the module process exactly as Ansible starts it, without the controller.
    """
    remote = tempfile.mkdtemp(prefix="remote-", dir=workdir)
    kept = dict(env, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote, ANSIBLE_PIPELINING="0")
    run_playbook(playbook, vars_file, kept, os.path.join(workdir, "payload-%s.log" % name))
    found = glob.glob(os.path.join(remote, "*", "AnsiballZ_%s.py" % name))
    if len(found) != 1:
        raise SystemExit("expected one AnsiballZ_%s.py under %s, found %d" % (name, remote, len(found)))
    with open(found[0]) as wrapper:
        text = wrapper.read()
    times = []
    for _round in range(rounds):
        started = time.monotonic()
        answer = subprocess.run([sys.executable, found[0]], env=env, cwd=workdir, capture_output=True, text=True,
                                check=False)
        times.append((time.monotonic() - started) * 1000)
        if answer.returncode or json.loads(answer.stdout).get("changed") is not False:
            raise SystemExit("the kept %s task was not a no-op: %s" % (name, (answer.stdout + answer.stderr)[-800:]))
    return {"payload_bytes": {"file": len(text.encode()), "registry": registry_bytes(text)},
            "alone_ms": statistics.median(times)}


def registry_bytes(wrapper_text):
    """Compressed bytes of registry_data.py in the payload, or None when this ansible spells the payload otherwise."""
    for pattern in ZIP_DATA:
        match = pattern.search(wrapper_text)
        if match:
            archive = zipfile.ZipFile(io.BytesIO(base64.b64decode("".join(match.group(1).split()))))
            for info in archive.infolist():
                if info.filename.endswith(REGISTRY_FILE):
                    return {"compressed": info.compress_size, "text": info.file_size,
                            "zip": sum(i.compress_size for i in archive.infolist())}
    return None


def registry_share(env, workdir, repeats=5):
    """What the registry costs a module process: compile and import registry_data.py, decode it, list the secrets.

    Each probe runs in a fresh interpreter with an empty bytecode cache, as a module imported from its
    payload compiles its sources.
    """
    samples = []
    for _round in range(repeats):
        cache = tempfile.mkdtemp(prefix="pycache-", dir=workdir)
        output = subprocess.run([sys.executable, "-X", "pycache_prefix=" + cache, "-c", REGISTRY_PROBE],
                                env=dict(env, PYTHONPATH=env["ANSIBLE_COLLECTIONS_PATH"]),
                                check=True, capture_output=True, text=True).stdout
        samples.append(json.loads(output))
    return dict((key, statistics.median(sample[key] for sample in samples)) for key in samples[0])


def counts(sim, env, workdir, seeded_app, desired_file):
    """Requests of single tasks after the login: no-op and change, callflow_app and entity."""
    sim.fresh({"callflow_apps": [seeded_app]})
    _s, _p, text = run_playbook("noop_and_change.yml", desired_file, env, os.path.join(workdir, "single.log"))
    return dict((key, int(value)) for key, value in marked_line(text, "BENCH-COUNTS").items())


# -- report -------------------------------------------------------------------

def targets(overhead, single, mark):
    """Rows of the targets table."""
    rows = []
    if overhead:
        entity, app = overhead["modules"]["entity"], overhead["modules"]["callflow_app"]
        size = entity["payload_bytes"]["file"] / float(app["payload_bytes"]["file"])
        rows.append("| `entity` AnsiballZ payload within 1.1× of `callflow_app`'s | %s vs %s bytes: %.2f× | %s |" % (
            _thousands(entity["payload_bytes"]["file"]), _thousands(app["payload_bytes"]["file"]), size,
            mark(size <= 1.1)))
        wall = entity["task_ms"] / app["task_ms"]
        rows.append("| no-op `entity` task within 1.1× of a no-op `callflow_app` task (wall time) | "
                    "%.0f vs %.0f ms: %.2f× | %s |" % (entity["task_ms"], app["task_ms"], wall, mark(wall <= 1.1)))
    if single and "entity_noop" in single:
        rows.append("| no-op `entity` task: 1 request after the token (read by filter / by key) | %d / %d | %s |" % (
            single["entity_noop"], single["entity_key_noop"],
            mark(single["entity_noop"] == 1 and single["entity_key_noop"] == 1)))
        rows.append("| changed `entity` task: at most 3 requests | %d | %s |" % (
            single["entity_change"], mark(single["entity_change"] <= 3)))
    return rows


def section(overhead, single):
    """The Markdown section on module overhead."""
    if not overhead:
        return []
    tasks = overhead["tasks"]
    lines = ["## One task of the generic `entity` module", "",
             "A playbook of %d no-op tasks sharing one login, run %d times per module (the two modules in turn); "
             "one task is (wall time − wall time of the same playbook with no task) / %d, paired per round, the "
             "median of the rounds. Both modules compare the same app's name. *Alone* is the module process as "
             "Ansible starts it, run again from the kept payload file without the controller (median of 10). The "
             "payload is the "
             "`AnsiballZ_<module>.py` file Ansible writes for the task (kept with `ANSIBLE_KEEP_REMOTE_FILES=1` over "
             "the local connection without pipelining); that file exists under this name in every ansible-core "
             "release, so the figure does not depend on the internals of the payload builder." % (
                 tasks, overhead["repeats"], tasks),
             "",
             "| module | AnsiballZ payload (bytes) | playbook of %d (s) | playbook of 0 (s) | one no-op task (ms) "
             "| the module alone (ms) |" % tasks, "|---|---:|---:|---:|---:|---:|"]
    for name in ("entity", "callflow_app"):
        figures = overhead["modules"][name]
        lines.append("| `%s` | %s | %.2f | %.2f | %.0f | %.0f |" % (
            name, _thousands(figures["payload_bytes"]["file"]), figures["full_s"], figures["empty_s"],
            figures["task_ms"], figures["alone_ms"]))
    registry = overhead["registry"]
    inside = overhead["modules"]["entity"]["payload_bytes"].get("registry")
    share = ("`registry_data.py` is %s of the %s compressed bytes of the payload (%s bytes of text), and " % (
        _thousands(inside["compressed"]), _thousands(inside["zip"]), _thousands(inside["text"])) if inside else "")
    lines += ["", "Every module carries the registry (each masks the secret properties of every schema), so both "
              "payloads hold it: %sa fresh interpreter takes %.1f ms to compile and import it, %.1f ms to decode its "
              "JSON, %.1f ms to list the secret properties and %.1f ms to build the schema of one entity set, against "
              "about %.0f ms for a whole no-op task." % (
                  share, registry["import_ms"], registry["decode_ms"], registry["secret_names_ms"],
                  registry["schema_ms"], overhead["modules"]["entity"]["task_ms"])]
    if single and "entity_noop" in single:
        lines += ["", "Requests after the login: a no-op `entity` task sends %d found by a filter and %d read by its "
                  "key, a change %d (read, PATCH, re-read); a no-op `callflow_app` task sends %d, a change %d." % (
                      single["entity_noop"], single["entity_key_noop"], single["entity_change"], single["noop"],
                      single["change"])]
    return lines + [""]


def _thousands(number):
    return "{:,}".format(number).replace(",", " ")
