#!/usr/bin/env python
"""Drive ``make demo``: the collection's story on two XAPI simulators.

Part 1, Call Flow Apps on the head office (the simulator with_simulator.py started):
  1. ``--check --diff`` shows what would change and writes nothing;
  2. apply creates the apps; 3. apply again changes nothing and writes nothing;
  4. one line of one script changes: ``--check --diff`` shows that line; 5. apply it.
Part 2, a whole PBX as code:
  6. the office playbook provisions the head office with the typed modules;
  7. pbx_export writes the head office to a YAML file;
  8. on an empty branch (a second simulator), ``--check --diff`` shows what would be created;
  9. apply creates it; 10. apply again writes nothing;
  11. one user changes in the YAML: ``--check --diff`` shows that one line; 12. apply it.

Runs under ``tests/simulator/with_simulator.py`` (THREECX_* point at the head office). Between
runs it reads the simulators' request counters (``GET /_sim/stats``), prints a summary and exits
non-zero when a run does not do what the demo claims.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))

import with_simulator  # noqa: E402  pylint: disable=wrong-import-position

INVENTORY = os.path.join(ROOT, "playbooks", "inventory")
APPS = os.path.join(ROOT, "playbooks", "vars", "callflow_apps.yml")
WORK = os.path.join(ROOT, ".work", "demo")
LIMIT = "lab"  # the inventory's host that takes its connection from the THREECX_* environment

SUMMARY = re.compile(r"(?:callflow apps|pbx): (\d+) created, (\d+) updated, (?:(\d+) deleted, )?(\d+) unchanged")
RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EDITED_PROMPT = "office_closed_holiday_season.wav"
EDITED_USER = ("301", "last_name", "Byron")


def sim(url, path):
    with urllib.request.urlopen(url.rstrip("/") + path, timeout=10) as answer:  # nosec: the local simulator
        return json.load(answer)


class Demo:
    def __init__(self):
        self.results = []
        self.problems = []

    def run(self, title, playbook, extra=(), env=None, expect=None):
        """Run a playbook against the simulator whose THREECX_* env is given; record what it did."""
        env = dict(env or os.environ)
        command = ["ansible-playbook", "-i", INVENTORY, os.path.join(ROOT, "playbooks", playbook), "--limit", LIMIT]
        command += list(extra)
        print("\n=== %s\n$ %s" % (title, " ".join(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a for a in command)),
              flush=True)
        if sys.stdout.isatty():
            env.setdefault("ANSIBLE_FORCE_COLOR", "1")
        before = sim(env["THREECX_SIM_URL"], "/stats")
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, bufsize=1)
        lines = []
        for line in proc.stdout:
            sys.stdout.write(line)
            lines.append(ANSI.sub("", line))
        rc = proc.wait()
        after = sim(env["THREECX_SIM_URL"], "/stats")
        text = "".join(lines)
        delta = dict((name, after.get(name, 0) - before.get(name, 0)) for name in ("total", "writes", "token_requests"))
        found = SUMMARY.findall(text)
        counts = None
        if found:
            created, updated, deleted, unchanged = found[-1]
            counts = dict(created=int(created), updated=int(updated), unchanged=int(unchanged))
        recaps = RECAP.findall(text)
        changed = sum(int(r[1]) for r in recaps) if recaps else None
        self.results.append((title, counts, changed, delta))
        if rc != 0:
            self.problems.append("%s: ansible-playbook exited with %d" % (title, rc))
        elif expect is not None:
            expect(title, text, counts, changed, delta)
        return rc == 0

    # -- the claims each run must hold to ---------------------------------------------------

    def writes_nothing(self, title, text, counts, changed, delta):
        if delta["writes"]:
            self.problems.append("%s sent %d writes; it must write nothing" % (title, delta["writes"]))

    def predicts_changes(self, title, text, counts, changed, delta):
        self.writes_nothing(title, text, counts, changed, delta)
        if not counts or counts["created"] + counts["updated"] == 0:
            self.problems.append("%s predicted no change" % title)

    def changes_something(self, title, text, counts, changed, delta):
        if not delta["writes"]:
            self.problems.append("%s wrote nothing" % title)

    def is_a_no_op(self, title, text, counts, changed, delta):
        if changed or delta["writes"] or (counts and counts["created"] + counts["updated"]):
            self.problems.append("%s was not a no-op: %d changed tasks, %d writes" % (title, changed or 0, delta["writes"]))

    def shows_line(self, words):
        def expect(title, text, counts, changed, delta):
            self.writes_nothing(title, text, counts, changed, delta)
            plus = [line for line in text.splitlines() if line.startswith("+") and not line.startswith("+++")]
            if not any(word in line for line in plus for word in words):
                self.problems.append("%s: the diff does not show the changed line (%s)" % (title, words[0]))
            if len(plus) > 4:
                self.problems.append("%s: the diff shows %d added lines for a one-line change" % (title, len(plus)))
        return expect

    # -- the story ---------------------------------------------------------------------------

    def callflow_apps(self):
        self.run("1. Call Flow Apps: --check --diff", "provision.yml", ["--check", "--diff"], expect=self.predicts_changes)
        self.run("2. apply", "provision.yml", expect=self.changes_something)
        self.run("3. apply again", "provision.yml", expect=self.is_a_no_op)
        edited = os.path.join(WORK, "callflow_apps_edited.yml")
        with open(APPS, encoding="utf-8") as handle:
            apps = yaml.safe_load(handle)
        for app in apps["threecx_callflow_apps"]:
            if app.get("script_template"):
                app["template_vars"]["closed_prompt"] = EDITED_PROMPT
        with open(edited, "w", encoding="utf-8") as handle:
            yaml.safe_dump(apps, handle, sort_keys=False)  # the template renders the hours in this order
        self.run("4. one line of one script changed: --check --diff", "provision.yml", ["--check", "--diff", "-e", "@" + edited],
                 expect=self.shows_line([EDITED_PROMPT]))
        self.run("5. apply the change", "provision.yml", ["-e", "@" + edited], expect=self.changes_something)

    def pbx_as_code(self, branch_env):
        head_office = os.path.join(WORK, "pbx-lab.yml")
        self.run("6. provision the head office with the typed modules", "office.yml", expect=self.changes_something)
        self.run("7. export the head office", "pbx_export.yml", ["-e", "pbx_dir=" + WORK], expect=self.writes_nothing)
        if not os.path.exists(head_office):
            self.problems.append("7. export wrote no %s" % head_office)
            return
        apply_args = ["-e", "pbx_file=" + head_office]
        self.run("8. branch: --check --diff", "pbx_apply.yml", apply_args + ["--check", "--diff"], env=branch_env,
                 expect=self.predicts_changes)
        self.run("9. branch: apply", "pbx_apply.yml", apply_args, env=branch_env, expect=self.changes_something)
        self.run("10. branch: apply again", "pbx_apply.yml", apply_args, env=branch_env, expect=self.is_a_no_op)
        with open(head_office, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        number, option, value = EDITED_USER
        for user in config["users"]:
            if user["number"] == number:
                user[option] = value
        edited = os.path.join(WORK, "branch-edited.yml")
        with open(edited, "w", encoding="utf-8") as handle:
            yaml.safe_dump(config, handle, sort_keys=True)
        self.run("11. one user changed in the YAML: --check --diff", "pbx_apply.yml",
                 ["-e", "pbx_file=" + edited, "--check", "--diff"], env=branch_env, expect=self.shows_line([value]))
        self.run("12. apply the change", "pbx_apply.yml", ["-e", "pbx_file=" + edited], env=branch_env,
                 expect=self.changes_something)

    def report(self):
        print("\n=== demo summary (requests counted by the simulators)")
        print("%-52s %7s %7s %9s %8s %6s %6s" % ("run", "created", "updated", "unchanged", "requests", "writes", "logins"))
        for title, counts, _changed, delta in self.results:
            counts = counts or {}
            print("%-52s %7s %7s %9s %8d %6d %6d" % (
                title[:52], counts.get("created", "-"), counts.get("updated", "-"), counts.get("unchanged", "-"),
                delta["total"], delta["writes"], delta["token_requests"]))
        if self.problems:
            print("\nDEMO FAILED:\n  " + "\n  ".join(self.problems))
            return 1
        print("\nOK: check runs wrote nothing and showed what changes, down to the changed line; applies wrote what "
              "they showed; applying again wrote nothing; the head office's export built the branch.")
        return 0


def main():
    if not os.environ.get("THREECX_SIM_URL"):
        sys.stderr.write("demo.py: THREECX_SIM_URL is not set; run it through tests/simulator/with_simulator.py\n")
        return 2
    os.makedirs(WORK, exist_ok=True)
    demo = Demo()
    demo.callflow_apps()
    workdir = tempfile.mkdtemp(prefix="xapi-branch-")
    port_file = os.path.join(workdir, "port")
    branch = with_simulator.start_simulator(["--quiet"], port_file)
    try:
        url = with_simulator.wait_until_ready(branch, port_file, "127.0.0.1")
        demo.pbx_as_code(with_simulator.command_env(url, with_simulator.simulator_settings([])))
    finally:
        with_simulator.stop_simulator(branch)
    return demo.report()


if __name__ == "__main__":
    sys.exit(main())
