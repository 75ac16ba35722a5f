# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

from ansible_collections.threecx.xapi.plugins.action.token import ActionModule


def test_the_result_is_hidden_from_every_callback_but_kept_for_register():
    task = mock.MagicMock()
    task.args = {"base_url": "https://pbx.example.com:5001"}
    task.async_val = False
    action = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    answer = {"changed": False, "access_token": "issued-token-1-abcdef", "expires_in": 3600}
    with mock.patch.object(ActionModule, "_execute_module", return_value=dict(answer)) as execute:
        result = action.run(task_vars={})
    assert execute.call_args.kwargs["module_name"] == "threecx.xapi.token"
    assert execute.call_args.kwargs["module_args"] == task.args
    assert result["_ansible_no_log"] is True
    assert result["access_token"] == "issued-token-1-abcdef"
