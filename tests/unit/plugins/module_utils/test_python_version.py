# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import os

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import python_version

MODULES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "modules")
GUARD = "ansible_collections.threecx.xapi.plugins.module_utils"


@pytest.mark.parametrize("version", [(2, 7, 18), (3, 6, 15), (3, 8, 18)])
def test_an_older_python_ends_the_module_with_a_task_failure_that_says_what_to_do(version, capsys):
    with pytest.raises(SystemExit) as stopped:
        python_version.require_python(version)
    assert stopped.value.code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert "needs Python 3.9 or later" in result["msg"]
    assert "is Python %d.%d.%d" % version in result["msg"]
    assert "ansible_python_interpreter" in result["msg"]


@pytest.mark.parametrize("version", [(3, 9, 0), (3, 13, 1), None])
def test_a_supported_python_goes_on_silently(version, capsys):
    assert python_version.require_python(version) is None
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("module", sorted(name for name in os.listdir(MODULES) if name.endswith(".py") and name != "__init__.py"))
def test_every_module_checks_the_python_before_importing_other_code_of_the_collection(module):
    with open(os.path.join(MODULES, module)) as handle:
        tree = ast.parse(handle.read())
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
               and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    first = imports[0]
    assert isinstance(first, ast.ImportFrom) and first.module == GUARD, "%s: the first import is not the guard" % module
    assert [alias.name for alias in first.names] == ["python_version"]
