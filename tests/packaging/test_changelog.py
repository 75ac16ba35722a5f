"""The release notes of the version galaxy.yml names, as antsibull-changelog renders them.

They are written for users: a release summary, and no entries about the development
tooling (those are ``trivial`` fragments, which the notes leave out). A module that the
release adds is announced in its "New Modules" section, and not again in another entry.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# words that belong to the development of the collection, not to its use
TOOLING = [r"\bmake\b", r"\bCI\b", r"ansible-test", r"ansible-lint", r"\bmolecule\b", r"\bsimulator\b",
           r"\bpytest\b", r"\bcontract test", r"\bsanity\b", r"\btests/", r"\bbench"]


def _tool(name):
    found = shutil.which(name) or os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(found):
        pytest.fail("%s is not installed: run the tests through make (make final-pytest)" % name)
    return found


def _galaxy():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """(version, its entry in changelog.yaml, its section of CHANGELOG.rst) after a release in a copy."""
    galaxy = _galaxy()
    work = tmp_path_factory.mktemp("changelog")
    copy = work / "ansible_collections" / galaxy["namespace"] / galaxy["name"]
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "sync_collection_copy.py"), ROOT, str(copy)],
                   check=True, capture_output=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(work))
    env["PATH"] = os.pathsep.join([os.path.dirname(_tool("ansible-doc")), env.get("PATH", "")])
    subprocess.run([_tool("antsibull-changelog"), "release", "--version", galaxy["version"], "--date", "2000-01-01"],
                   cwd=str(copy), env=env, check=True, capture_output=True)
    with open(copy / "changelogs" / "changelog.yaml", encoding="utf-8") as handle:
        entry = yaml.safe_load(handle)["releases"][galaxy["version"]]
    rendered = (copy / "CHANGELOG.rst").read_text(encoding="utf-8")
    heading = "v%s\n%s\n" % (galaxy["version"], "=" * (len(galaxy["version"]) + 1))
    section = rendered.split(heading, 1)[1]
    section = re.split(r"\nv\d+\.\d+\.\d+\n=+\n", section)[0]
    return galaxy["version"], entry, section


def test_the_release_has_a_summary(release):
    entry, section = release[1:]
    assert entry["changes"].get("release_summary", "").strip()
    assert "Release Summary" in section


def test_the_notes_say_nothing_about_the_development_tooling(release):
    section = release[2]
    found = [pattern for pattern in TOOLING if re.search(pattern, section)]
    assert found == [], "tooling in the release notes (make it a trivial fragment): %s" % found


def _references(name, text):
    """Where text names module NAME: its FQCN, ``NAME``, or an entry that starts with it ("NAME - ...",
    "other, NAME - ..."), the way changelog entries name the modules they concern."""
    patterns = [r"threecx\.xapi\.%s(?!\w)", r"``%s``", r"(?m)^- (?:[\w.]+, )*%s(?:, [\w.]+)* - "]
    return [match for pattern in patterns for match in re.findall(pattern % re.escape(name), text)]


def _subsections(section):
    """{title: text} of the parts of a release's section ("Release Summary", "New Modules", ...)."""
    parts = re.split(r"(?m)^(\S[^\n]*)\n-+\n", section)
    return dict(zip(parts[1::2], parts[2::2]))


def test_a_new_module_is_announced_once(release):
    version, entry, section = release
    new = sorted(module["name"] for module in entry.get("modules", []))
    if version == "1.0.0":
        modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                         if name.endswith(".py") and name != "__init__.py")
        assert new == modules, "every module is new in 1.0.0 (version_added: 1.0.0)"
    parts = _subsections(section)
    listing = parts.pop("New Modules", "")
    rest = "\n".join(parts.values())
    for name in new:
        assert len(re.findall(r"(?m)^- %s - " % re.escape(name), listing)) == 1, "%s: not in New Modules" % name
        assert _references(name, rest) == [], "%s is new in %s: announce it in New Modules only" % (name, version)
