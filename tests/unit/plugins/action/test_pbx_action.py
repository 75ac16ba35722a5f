# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pbx action runs the pbx module and hands its per-kind results to the task under results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

from ansible_collections.threecx.xapi.plugins.action.pbx import ActionModule
from ansible_collections.threecx.xapi.plugins.modules import pbx as pbx_module
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import typed_pbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module

CONFIG = {"departments": [{"name": "Support"}], "queues": [{"number": "800", "name": "Q"}]}


def run_action(fake, args):
    task = mock.MagicMock(args=dict(args), async_val=False, check_mode=False)
    action = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    calls = []

    def execute_module(module_name=None, module_args=None, task_vars=None, **_kwargs):
        calls.append(module_name)
        return dict(run_module(pbx_module.main, fake, module_args).json)

    with mock.patch.object(ActionModule, "_execute_module", side_effect=execute_module):
        return action.run(task_vars={}), calls


def test_the_action_hands_the_results_to_the_task_under_results():
    result, calls = run_action(typed_pbx(), dict(config=CONFIG))
    assert calls == ["threecx.xapi.pbx"]
    assert "pbx_results" not in result and "ansible_module_results" not in result
    assert [entry["operation"] for entry in result["results"]["queues"]] == ["created"]
    assert result["summary"]["departments"]["created"] == 1 and result["changed"] is True


def test_a_refused_config_is_answered_as_the_module_gave_it():
    result, _calls = run_action(typed_pbx(), dict(config={"phones": []}))
    assert result["failed"] is True and "phones" in result["msg"]
    assert "results" not in result and "pbx_results" not in result
