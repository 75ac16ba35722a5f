# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the pbx module and returns its per-kind results under ``results``.

``results`` is the key Ansible keeps for the items of a loop. ansible-core up to 2.20 renames a
module's ``results`` that is not a list to ``ansible_module_results`` (with a warning), and later
releases copy it there. The module answers its results, a dict keyed by kind, under a key of its
own, and this action hands them back under ``results``, once, on every ansible-core release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

# The key the module answers its per-kind results under (plugins/modules/pbx.py).
MODULE_RESULTS_KEY = "pbx_results"


def with_results(result):
    """The module's result with its per-kind results under ``results``."""
    if MODULE_RESULTS_KEY in result:
        result["results"] = result.pop(MODULE_RESULTS_KEY)
    return result


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(module_name="threecx.xapi.pbx", module_args=self._task.args,
                                           task_vars=task_vars))
        return with_results(result)
