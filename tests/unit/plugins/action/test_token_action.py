# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

import pytest

from ansible_collections.threecx.xapi.plugins.action.token import ActionModule

TOKEN = "issued-token-1-abcdef"


def run_action(answer):
    task = mock.MagicMock()
    task.args = {"base_url": "https://pbx.example.com:5001"}
    task.async_val = False
    action = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    with mock.patch.object(ActionModule, "_execute_module", return_value=dict(answer)) as execute:
        result = action.run(task_vars={})
    assert execute.call_args.kwargs["module_name"] == "threecx.xapi.token"
    assert execute.call_args.kwargs["module_args"] == task.args
    return result


def test_a_successful_result_is_hidden_from_every_callback_but_kept_for_register():
    result = run_action({"changed": False, "access_token": TOKEN, "expires_in": 3600})
    assert result["_ansible_no_log"] is True
    assert result["access_token"] == TOKEN


@pytest.mark.parametrize("answer", [
    {"failed": True, "msg": "Login to the PBX failed: POST /connect/token failed with HTTP 401: unauthorized. Hint: Check "
                            "client_id and client_secret", "error": {"status": 401, "path": "/connect/token"}},
    {"failed": True, "msg": "client_id, client_secret: both are needed to log in."},
])
def test_a_failure_shows_its_reason_and_error(answer):
    result = run_action(answer)
    assert not result.get("_ansible_no_log")
    assert result["msg"] == answer["msg"]
    assert result.get("error") == answer.get("error")


def test_a_failure_never_carries_a_token():
    result = run_action({"failed": True, "msg": "Login to the PBX failed", "access_token": TOKEN})
    assert "access_token" not in result and not result.get("_ansible_no_log")
