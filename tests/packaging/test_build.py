"""What `ansible-galaxy collection build` puts into the collection tarball.

The collection is built from a copy of the files git would commit, into which the
leftovers of a working checkout (venvs, tool caches, test output, editor files) are
planted first: the tarball must carry the licence and the collection, and none of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# sha256 of the GNU GPL version 3 text as the FSF publishes it (gpl-3.0.txt)
GPL3_SHA256 = "3972dc9744f6499f0f9b2dbf76696f2ae7ad8af9b23dde66d6af86c9dfb36986"

# (file to plant, the path that must not be in the tarball)
LEFTOVERS = [
    (".venv/pyvenv.cfg", ".venv"),
    ("venv/bin/python", "venv"),
    (".nox/py/pyvenv.cfg", ".nox"),
    (".tox/py/pyvenv.cfg", ".tox"),
    ("threecx_xapi.egg-info/PKG-INFO", "threecx_xapi.egg-info"),
    (".pytest_cache/v/cache/lastfailed", ".pytest_cache"),
    ("tests/unit/.pytest_cache/README.md", "tests/unit/.pytest_cache"),
    (".mypy_cache/3.12/schema.data.json", ".mypy_cache"),
    (".ruff_cache/CACHEDIR.TAG", ".ruff_cache"),
    (".cache/pip/selfcheck.json", ".cache"),
    ("extensions/molecule/default/.cache/state.yml", "extensions/molecule/default/.cache"),
    (".coverage", ".coverage"),
    (".coverage.host.1234", ".coverage.host.1234"),
    ("coverage.xml", "coverage.xml"),
    ("htmlcov/index.html", "htmlcov"),
    ("plugins/module_utils/__pycache__/client.cpython-312.pyc", "plugins/module_utils/__pycache__"),
    (".idea/workspace.xml", ".idea"),
    (".vscode/settings.json", ".vscode"),
    ("plugins/modules/.callflow_app.py.swp", "plugins/modules/.callflow_app.py.swp"),
    ("README.md~", "README.md~"),
    (".DS_Store", ".DS_Store"),
    ("docs/.DS_Store", "docs/.DS_Store"),
    (".work/venv/pyvenv.cfg", ".work"),
    (".ansible/collections/ansible_collections/x", ".ansible"),
    ("tests/output/junit/python3.12-units.xml", "tests/output"),
    ("tests/integration/inventory", "tests/integration/inventory"),
    ("tests/integration/integration_config.yml", "tests/integration/integration_config.yml"),
    ("threecx-xapi-0.9.0.tar.gz", "threecx-xapi-0.9.0.tar.gz"),
]
# tracked in the repository for development, not part of the collection
DEV_FILES = [".ci", ".ansible-lint", ".gitignore", "Makefile", "requirements-dev.txt", "scripts"]


def _ansible_galaxy():
    found = shutil.which("ansible-galaxy") or os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    if not os.path.exists(found):
        pytest.fail("ansible-galaxy is not installed: run the tests through make (make final-pytest)")
    return found


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    work = tmp_path_factory.mktemp("build")
    copy = work / "ansible_collections" / "threecx" / "xapi"
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "sync_collection_copy.py"), ROOT, str(copy)],
                   check=True, capture_output=True)
    for path, unused_absent in LEFTOVERS:
        planted = copy / path
        planted.parent.mkdir(parents=True, exist_ok=True)
        planted.write_text("leftover\n")
    subprocess.run([_ansible_galaxy(), "collection", "build", "--output-path", str(work / "dist"), str(copy)],
                   check=True, capture_output=True)
    (built,) = (work / "dist").glob("threecx-xapi-*.tar.gz")
    with tarfile.open(built) as archive:
        yield {_relative(member.name): archive.extractfile(member).read() if member.isfile() else None
               for member in archive.getmembers()}


def _relative(name):
    return name[2:] if name.startswith("./") else name


def _shipped(tarball, path):
    return sorted(name for name in tarball if name == path or name.startswith(path + "/"))


def test_the_licence_text_is_shipped(tarball):
    assert "COPYING" in tarball, "COPYING is not in the tarball"
    assert hashlib.sha256(tarball["COPYING"]).hexdigest() == GPL3_SHA256, "COPYING is not the GPLv3 text"
    manifest = json.loads(tarball["MANIFEST.json"])
    assert manifest["collection_info"]["license"] == ["GPL-3.0-or-later"]


def test_the_manifest_says_what_the_collection_is_about(tarball):
    info = json.loads(tarball["MANIFEST.json"])["collection_info"]
    assert {"threecx", "pbx", "voip"} <= set(info["tags"])
    # ansible-lint's galaxy[tags] wants one of its categories
    assert set(info["tags"]) & {"application", "cloud", "database", "eda", "infrastructure", "linux", "monitoring",
                                "networking", "security", "storage", "tools", "windows"}
    assert info["homepage"] and info["homepage"] == info["repository"]


def test_the_collection_is_shipped(tarball):
    modules = sorted(name for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
    assert modules
    for path in ["README.md", "meta/runtime.yml", "changelogs/changelog.yaml", "FILES.json"] + [
            "plugins/modules/" + name for name in modules]:
        assert path in tarball, "%s is missing from the tarball" % path


@pytest.mark.parametrize("planted, path", LEFTOVERS)
def test_leftovers_of_a_checkout_are_not_shipped(tarball, planted, path):
    assert _shipped(tarball, path) == []


@pytest.mark.parametrize("path", DEV_FILES)
def test_development_files_are_not_shipped(tarball, path):
    assert os.path.exists(os.path.join(ROOT, path)), "%s no longer exists: update DEV_FILES" % path
    assert _shipped(tarball, path) == []
