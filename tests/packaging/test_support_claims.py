"""What the collection claims to support is what `make test` tests.

- meta/runtime.yml's requires_ansible: every ansible-core release line from it up to the
  newest one (pinned in requirements-dev.txt) is in tests/ansible-core-matrix.txt, with a
  Python that line supports on the controller.
- tests/config.yml's python_requires for the modules is the floor the modules enforce.
- No sanity ignore file: sanity passes on every line as it is.
"""

from __future__ import annotations

import glob
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the controller Pythons of each ansible-core line (its Requires-Python and classifiers on PyPI)
CONTROLLER_PYTHONS = {
    "2.16": ("3.10", "3.11", "3.12"),
    "2.17": ("3.10", "3.11", "3.12"),
    "2.18": ("3.11", "3.12", "3.13"),
    "2.19": ("3.11", "3.12", "3.13"),
    "2.20": ("3.12", "3.13", "3.14"),
    "2.21": ("3.12", "3.13", "3.14"),
}


def _read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as handle:
        return handle.read()


def _minor(version):
    return tuple(int(part) for part in version.split(".")[:2])


def _matrix():
    rows = [line.split("#")[0].split() for line in _read("tests", "ansible-core-matrix.txt").splitlines()]
    return [row for row in rows if row]


def _newest():
    return re.search(r"^ansible-core==(\S+)$", _read("requirements-dev.txt"), re.M).group(1)


def test_every_claimed_ansible_core_line_is_tested():
    floor = re.match(r"^>=\s*(\d+\.\d+)", yaml.safe_load(_read("meta", "runtime.yml"))["requires_ansible"]).group(1)
    newest = _minor(_newest())
    claimed = [(2, minor) for minor in range(_minor(floor)[1], newest[1])]
    assert [_minor(row[0]) for row in _matrix()] == claimed, \
        "tests/ansible-core-matrix.txt must list each line from %s up to the newest, %d.%d, oldest first" % (
            floor, newest[0], newest[1])


def test_each_line_runs_on_a_python_it_supports_and_the_oldest_runs_the_integration_tests():
    rows = _matrix()
    for row in rows:
        line = "%d.%d" % _minor(row[0])
        assert row[1] in CONTROLLER_PYTHONS[line], "ansible-core %s does not support Python %s" % (line, row[1])
        assert row[2:] in ([], ["integration"]), row
    assert rows[0][2:] == ["integration"], "the oldest line runs the integration targets"
    assert "%d.%d" % _minor(_newest()) in CONTROLLER_PYTHONS


def test_the_module_python_floor_is_the_one_the_modules_enforce():
    from ansible_collections.threecx.xapi.plugins.module_utils.python_version import MINIMUM_PYTHON

    requires = yaml.safe_load(_read("tests", "config.yml"))["modules"]["python_requires"]
    assert requires == ">=%d.%d" % MINIMUM_PYTHON


def test_there_are_no_sanity_ignore_files():
    assert glob.glob(os.path.join(ROOT, "tests", "sanity", "ignore-*.txt")) == []
