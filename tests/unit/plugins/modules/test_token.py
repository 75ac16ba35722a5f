# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.modules import token
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import CLIENT_SECRET, FakeXapi


def test_logs_in_once_and_returns_the_token():
    fake = FakeXapi()
    result = run_module(token.main, fake, {}, check_mode=True)
    assert result.rc == 0, result.stdout
    assert result["changed"] is False
    assert result["access_token"] == fake.active_token  # not masked: later tasks use it
    assert result["expires_in"] == 3600 and result["token_type"] == "Bearer"
    assert len(fake.token_calls()) == 1 and fake.api_calls() == []


def test_needs_client_credentials_and_sends_nothing_without_them():
    fake = FakeXapi()
    result = run_module(token.main, fake, {"access_token": "given"}, credentials=False)
    assert result.rc == 1 and "client_id, client_secret" in result["msg"]
    assert fake.calls == []


def test_a_refused_login_names_the_reason_but_not_the_secret():
    fake = FakeXapi(client_secret="another-secret")
    result = run_module(token.main, fake, {})
    assert result.rc == 1
    assert "Invalid client credentials" in result["msg"] and "client_secret" in result["msg"]
    assert CLIENT_SECRET not in result.stdout


def test_without_credentials_the_refusal_says_what_is_needed():
    result = run_module(token.main, FakeXapi(), {"access_token": "given"}, credentials=False)
    assert result["msg"] == "client_id, client_secret: both are needed to log in."
