"""A module run on a Python older than the collection supports fails with a clear message.

Run through the oldest ansible-core line of the matrix, which still runs modules on Python
2.7 and 3.6 to 3.8, on each such Python the machine has. ``make final-pytest`` names them:
THREECX_COMPAT_ANSIBLE is that line's ``ansible``, THREECX_OLD_PYTHONS the interpreters.
"""

from __future__ import annotations

import os
import subprocess

import pytest

ANSIBLE = os.environ.get("THREECX_COMPAT_ANSIBLE", "")
PYTHONS = [path for path in os.environ.get("THREECX_OLD_PYTHONS", "").split(os.pathsep) if path]


def test_the_oldest_line_and_older_pythons_are_there():
    assert os.path.exists(ANSIBLE), "THREECX_COMPAT_ANSIBLE names no ansible: run the tests through make final-pytest"
    assert PYTHONS, ("no Python older than 3.9 was found (pyenv or PATH): install one, e.g. 3.8, "
                     "so that the message for an unsupported Python is tested")


@pytest.mark.parametrize("python", PYTHONS)
def test_a_module_on_an_unsupported_python_says_so(python):
    run = subprocess.run(
        [ANSIBLE, "localhost", "-m", "threecx.xapi.callflow_app_info",
         "-a", "base_url=https://pbx.invalid client_id=ansible client_secret=not-a-secret",
         "-e", "ansible_python_interpreter=%s" % python],
        capture_output=True, text=True, timeout=120, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "threecx.xapi needs Python 3.9 or later" in output, output
    assert "is Python %s" % os.path.basename(python).replace("python", "") in output, output
    assert "Traceback" not in output and "SyntaxError" not in output, output
