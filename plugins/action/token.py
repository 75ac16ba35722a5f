# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the token module and hides a successful result from every callback.

A module cannot mark its own result no_log, and the token must stay usable
through the registered variable, so the hiding happens here. A failed login
holds no token: its reason and hint are shown like any other failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(module_name="threecx.xapi.token", module_args=self._task.args,
                                           task_vars=task_vars))
        if result.get("failed"):
            result.pop("access_token", None)  # never held by a failure; dropped should that ever change
        else:
            result["_ansible_no_log"] = True
        return result
