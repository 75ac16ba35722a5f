# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Python a module runs on, checked before any other code of the collection is imported.

ansible-core 2.16 to 2.19 still run modules on Pythons older than the collection supports
(2.7 and 3.6 to 3.8). Every module imports this file first, so on such a Python the task
fails with a message that says what to change, instead of a traceback or a wrong result from
code written for a newer Python. This file keeps to syntax that all of those Pythons read.
(A package __init__.py would not do: ansible-core ships empty ones with a module.)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys

# tests/config.yml (modules: python_requires) states the same floor to ansible-test
MINIMUM_PYTHON = (3, 9)


def require_python(version=None):
    """End the module with a task failure when version (default: this Python) is below MINIMUM_PYTHON."""
    version = tuple(version or sys.version_info[:3])
    if version[:2] >= MINIMUM_PYTHON:
        return
    # Not fail_json: an AnsibleModule needs the module's argument spec, and it would refuse the task's options
    # before saying anything about the Python.
    print(json.dumps({  # pylint: disable=ansible-bad-function
        "failed": True,
        "msg": "threecx.xapi needs Python %s or later on the host that runs its modules, but %s is Python %s. "
               "Set ansible_python_interpreter to a newer Python (with ansible_connection: local, for example "
               "\"{{ ansible_playbook_python }}\")." % (
                   ".".join(str(part) for part in MINIMUM_PYTHON), sys.executable,
                   ".".join(str(part) for part in version)),
    }))
    sys.exit(1)  # pylint: disable=ansible-bad-function


require_python()
