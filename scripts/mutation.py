#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mutation testing of plugins/module_utils and plugins/modules against the unit tests (mutmut).

mutmut names a mutant after the module path of its file and checks that the tests import it under
that name. The tests import ansible_collections.threecx.xapi..., so the run happens in a staging
folder that holds the collection at that path (.work/mutation/ansible_collections/threecx/xapi,
a copy of plugins/ and tests/unit/). Every run starts from a fresh copy, so the results are those
of the tree as it is.

  scripts/mutation.py                      every file; prints the scores and the survivors
  scripts/mutation.py --write-docs         ... and writes the scores to docs/quality.md
  scripts/mutation.py --files module_utils/odata.py --min-score 90   a sample that must reach 90 %
"""

from __future__ import absolute_import, division, print_function

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGE = os.path.join(ROOT, ".work", "mutation")  # --stage DIR for a run beside another one
COLLECTION = os.path.join("ansible_collections", "threecx", "xapi")
# data, not logic: the generated registry and the curated overrides
NOT_MUTATED = ("module_utils/registry_data.py", "module_utils/overrides.py")
DOCS = os.path.join(ROOT, "docs", "quality.md")
START, END = "<!-- mutation-scores:start -->", "<!-- mutation-scores:end -->"
KILLED = ("killed", "timeout", "caught by type check")

# Asks mutmut (in the staging folder) for the verdict and the diff of every mutant.
VERDICTS = r"""
import json, sys
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files
verdicts = []
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for name, code in data.exit_code_by_key.items():
        status = status_by_exit_code[code]
        diff = "" if status in ("killed", "timeout") else get_diff_for_mutant(name, path=path)
        verdicts.append(dict(path=str(path), name=name, status=status, diff=diff))
json.dump(verdicts, sys.stdout)
"""


def stage(files):
    """A fresh copy of the collection's code and unit tests, with mutmut's settings."""
    shutil.rmtree(STAGE, ignore_errors=True)
    target = os.path.join(STAGE, COLLECTION)
    shutil.copytree(os.path.join(ROOT, "plugins"), os.path.join(target, "plugins"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(os.path.join(ROOT, "tests", "unit"), os.path.join(target, "tests", "unit"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    sources = [os.path.join(COLLECTION, "plugins", name) for name in files]
    lines = ["[mutmut]", "source_paths ="] + ["    " + path for path in sources]
    lines += ["do_not_mutate ="] + ["    *" + name for name in NOT_MUTATED]
    lines += ["also_copy =", "    ansible_collections",
              "pytest_add_cli_args_test_selection =", "    " + os.path.join(COLLECTION, "tests", "unit"),
              "pytest_add_cli_args =", "    -p", "    no:cacheprovider", ""]
    with open(os.path.join(STAGE, "setup.cfg"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def clean_env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the tests must import the mutated copy, never the source tree
    return env


def run_mutmut(children):
    env = clean_env()
    log = os.path.join(STAGE, "mutmut.log")
    mutmut = os.path.join(os.path.dirname(sys.executable), "mutmut")
    with open(log, "w", encoding="utf-8") as handle:
        code = subprocess.call([mutmut, "run", "--max-children", str(children)], cwd=STAGE, env=env,
                               stdout=handle, stderr=subprocess.STDOUT)
    if code != 0:
        with open(log, encoding="utf-8") as handle:
            sys.stderr.write(handle.read()[-4000:])
        sys.exit("mutmut run failed (exit %d); the whole log is %s" % (code, log))


def read_verdicts():
    answer = subprocess.check_output([sys.executable, "-c", VERDICTS], cwd=STAGE, env=clean_env())
    return json.loads(answer.decode("utf-8"))


def scores(verdicts):
    """{file: (killed, total)} with the file relative to plugins/."""
    table = {}
    for verdict in verdicts:
        name = verdict["path"].split(os.sep + "plugins" + os.sep, 1)[1]
        killed, total = table.get(name, (0, 0))
        table[name] = (killed + (verdict["status"] in KILLED), total + 1)
    return table


def percent(killed, total):
    return 100.0 * killed / total if total else 100.0


def render(table, dates=None):
    """The score table; dates: {file: the day it was measured} (today for a file without one)."""
    today = datetime.date.today().isoformat()
    dates = dates or {}
    rows = ["| file | mutants | killed | score | measured |", "| --- | ---: | ---: | ---: | --- |"]
    for name in sorted(table):
        killed, total = table[name]
        score = percent(killed, total)
        rows.append("| plugins/%s | %d | %d | %.1f %% | %s |" % (name, total, killed, score, dates.get(name, today)))
    killed, total = sum(k for k, _t in table.values()), sum(t for _k, t in table.values())
    rows.append("| all | %d | %d | %.1f %% | |" % (total, killed, percent(killed, total)))
    return "\n".join(rows)


ROW = re.compile(r"^\| plugins/(\S+) \| (\d+) \| (\d+) \| [0-9.]+ % \| (\S+) \|$", re.M)


def write_docs(table):
    """Write the scores of this run into docs/quality.md; files measured by earlier runs keep theirs."""
    with open(DOCS, encoding="utf-8") as handle:
        text = handle.read()
    block = re.search(re.escape(START) + ".*?" + re.escape(END), text, flags=re.S).group(0)
    merged, dates = {}, {}
    for name, total, killed, day in ROW.findall(block):
        merged[name], dates[name] = (int(killed), int(total)), day
    for name in table:
        merged[name] = table[name]
        dates.pop(name, None)
    block = "%s\nMeasured with mutmut against tests/unit (`make mutation`, or `scripts/mutation.py --files ...`).\n\n%s\n%s" % (
        START, render(merged, dates), END)
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    with open(DOCS, "w", encoding="utf-8") as handle:
        handle.write(text)


def all_files():
    found = []
    for folder in ("module_utils", "modules"):
        for base, _dirs, names in os.walk(os.path.join(ROOT, "plugins", folder)):
            for name in names:
                path = os.path.relpath(os.path.join(base, name), os.path.join(ROOT, "plugins"))
                if name.endswith(".py") and name != "__init__.py" and path not in NOT_MUTATED:
                    found.append(path)
    return sorted(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="*", help="files relative to plugins/ (default: every file of module_utils and modules)")
    parser.add_argument("--min-score", type=float, help="fail when a file's score is below this percentage")
    parser.add_argument("--write-docs", action="store_true", help="write the scores to docs/quality.md")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report-only", action="store_true", help="report the last run again without running")
    parser.add_argument("--stage", help="the staging folder (default .work/mutation)")
    args = parser.parse_args()
    if args.stage:
        global STAGE  # pylint: disable=global-statement
        STAGE = os.path.abspath(args.stage)
    if not args.report_only:
        stage(args.files or all_files())
        run_mutmut(args.children)
    verdicts = read_verdicts()
    survivors = [v for v in verdicts if v["status"] not in KILLED]
    for verdict in survivors:
        print("\n# %s: %s\n%s" % (verdict["name"], verdict["status"], verdict["diff"]))
    table = scores(verdicts)
    print("\n%d surviving mutant(s)\n\n%s" % (len(survivors), render(table)))
    if args.write_docs:
        write_docs(table)
    low = [name for name, (killed, total) in sorted(table.items())
           if args.min_score is not None and percent(killed, total) < args.min_score]
    if low:
        sys.exit("mutation score below %.0f %% in %s" % (args.min_score, ", ".join(low)))


if __name__ == "__main__":
    main()
