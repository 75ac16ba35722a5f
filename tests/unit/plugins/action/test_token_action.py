# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token action runs the token module, keeps its result for register and hides it from every callback.

The module really runs, over a fake PBX: what the action answers is the token the PBX issued.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

import pytest

from ansible_collections.threecx.xapi.plugins.action.token import ActionModule
from ansible_collections.threecx.xapi.plugins.modules import token
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import BASE_URL, CLIENT_ID, CLIENT_SECRET, FakeXapi


def run_action(fake, args, task_vars=None):
    """Run the action; its module call runs the token module in-process over the fake."""
    task = mock.MagicMock()
    task.args = dict(args)
    task.async_val = False
    task.check_mode = False
    action = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    calls = []

    def execute_module(module_name=None, module_args=None, task_vars=None, **_kwargs):
        calls.append((module_name, module_args, task_vars))
        return dict(run_module(token.main, fake, module_args, credentials=False).json)

    with mock.patch.object(ActionModule, "_execute_module", side_effect=execute_module):
        result = action.run(task_vars=task_vars if task_vars is not None else {})
    return result, calls


CREDENTIALS = dict(base_url=BASE_URL, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def test_the_result_holds_the_token_the_pbx_issued_and_is_hidden_from_callbacks():
    fake = FakeXapi()
    result, calls = run_action(fake, CREDENTIALS, task_vars={"inventory_hostname": "pbx1"})
    assert [(name, args) for name, args, _vars in calls] == [("threecx.xapi.token", CREDENTIALS)]
    assert calls[0][2] == {"inventory_hostname": "pbx1"}
    assert result["_ansible_no_log"] is True
    assert result["access_token"] == fake.active_token and len(fake.token_calls()) == 1
    assert result["expires_in"] == 3600 and result["changed"] is False and not result.get("failed")


def test_a_second_run_answers_the_newly_issued_token():
    fake = FakeXapi()
    first, _calls = run_action(fake, CREDENTIALS)
    second, _calls = run_action(fake, CREDENTIALS)
    assert first["access_token"] != second["access_token"] == fake.active_token


@pytest.mark.parametrize("args, words", [
    (dict(CREDENTIALS, client_secret="wrong-secret"), "Login to the PBX failed: POST /connect/token failed with HTTP 401"),
    (dict(base_url=BASE_URL, access_token="given-token"), "client_id, client_secret: both are needed to log in."),
])
def test_a_failure_shows_its_reason_and_carries_no_token(args, words):
    result, _calls = run_action(FakeXapi(), args)
    assert result["failed"] is True and result["msg"].startswith(words)
    assert not result.get("_ansible_no_log")
    assert "access_token" not in result


def test_a_failure_never_carries_a_token_even_if_the_module_gave_one():
    task = mock.MagicMock()
    task.args, task.async_val = dict(CREDENTIALS), False
    action = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    answer = {"failed": True, "msg": "Login to the PBX failed", "access_token": "leaked-token"}
    with mock.patch.object(ActionModule, "_execute_module", return_value=answer):
        result = action.run(task_vars={})
    assert "access_token" not in result and result["msg"] == "Login to the PBX failed"
