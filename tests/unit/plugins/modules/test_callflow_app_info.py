# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.modules import callflow_app_info
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import CLIENT_ID, CLIENT_SECRET, FakeResponse, FakeXapi


@pytest.fixture
def fake():
    return FakeXapi(apps=[
        dict(Number="8100", Name="Night", ScriptCode="class Night { }", Groups=[{"GroupId": 2, "Name": "DEFAULT"}],
             Trunk={"Number": "10000"}),
        dict(Number="8200", Name="O'Brien's app", ScriptCode="class OBrien { }"),
        dict(Number="8300", Name="Twin"),
        dict(Number="8301", Name="Twin"),
    ])


def run(fake, check_mode=False, credentials=True, **args):
    return run_module(callflow_app_info.main, fake, args, check_mode=check_mode, credentials=credentials)


def numbers(result):
    return [app["Number"] for app in result["callflow_apps"]]


def test_lists_every_app_over_several_pages():
    fake = FakeXapi(apps=[dict(Number=str(7000 + i), Name="App %d" % i) for i in range(250)])
    result = run(fake)
    assert (result.rc, result["changed"]) == (0, False)
    assert numbers(result) == [str(7000 + i) for i in range(250)]
    gets = fake.api_calls()
    assert len(gets) == 3
    assert [c.query.get("$skip", "0") for c in gets] == ["0", "100", "200"]
    assert all(int(c.query["$top"]) <= 100 for c in gets)
    assert fake.writes() == []


def test_apps_come_with_groups_and_trunk_but_without_script(fake):
    app = run(fake)["callflow_apps"][0]
    assert app["Groups"] == [{"GroupId": 2, "Name": "DEFAULT"}] and app["Trunk"] == {"Number": "10000"}
    assert "ScriptCode" not in app
    assert "ScriptCode" not in fake.api_calls()[0].query.get("$select", "")  # no $select: the PBX leaves the script out


def test_include_script(fake):
    apps = run(fake, include_script=True)["callflow_apps"]
    assert [a["ScriptCode"] for a in apps[:2]] == ["class Night { }", "class OBrien { }"]


@pytest.mark.parametrize("args, expected_filter, expected", [
    (dict(number="8200"), "Number eq '8200'", ["8200"]),
    (dict(name="O'Brien's app"), "Name eq 'O''Brien''s app'", ["8200"]),
    (dict(name="Twin"), "Name eq 'Twin'", ["8300", "8301"]),
    (dict(id=3, name="Twin"), "(Id eq 3) and (Name eq 'Twin')", ["8300"]),
    (dict(filter="Name eq 'Twin'", number="8301"), "(Name eq 'Twin') and (Number eq '8301')", ["8301"]),
    (dict(filter="Name eq 'Twin'", number="8100"), "(Name eq 'Twin') and (Number eq '8100')", []),
    (dict(id=99), "Id eq 99", []),
])
def test_selection_options_combine_with_and(fake, args, expected_filter, expected):
    result = run(fake, **args)
    assert result.rc == 0, result.stdout
    assert numbers(result) == expected
    assert fake.api_calls()[0].query["$filter"] == expected_filter


def test_runs_the_same_in_check_mode(fake):
    result = run(fake, check_mode=True, number="8100")
    assert (result.rc, result["changed"], numbers(result)) == (0, False, ["8100"])


@pytest.mark.parametrize("args, credentials, words", [
    (dict(id="three"), True, "id"),
    (dict(include_script="maybe"), True, "include_script"),
    (dict(base_url="ftp://pbx.example.com"), True, "base_url"),
    (dict(), False, "client_id, access_token"),
])
def test_bad_input_fails_before_any_request(fake, args, credentials, words):
    result = run(fake, credentials=credentials, **args)
    assert result.rc == 1 and words in result["msg"]
    assert fake.calls == []


@pytest.mark.parametrize("args, message", [
    (dict(timeout=0), "timeout: expected a number of seconds above 0, got 0."),
    (dict(retries=-1), "retries: expected 0 or more, got -1."),
])
def test_a_timeout_or_retries_out_of_range_fails_before_any_request(fake, args, message):
    result = run(fake, **args)
    assert (result.rc, result["msg"]) == (1, message)
    assert fake.calls == []


def test_the_smallest_timeout_and_no_retries_are_accepted(fake):
    assert run(fake, timeout=1, retries=0).rc == 0


@pytest.mark.parametrize("ca_path, words", [
    ("/nonexistent/pbx-ca.pem", "ca_path: /nonexistent/pbx-ca.pem does not exist"),
    ("/dev/null", "ca_path: /dev/null is not a readable file or directory"),
])
def test_a_ca_path_that_cannot_be_used_fails_before_any_request(fake, ca_path, words):
    result = run(fake, ca_path=ca_path)
    assert result.rc == 1 and result["msg"].startswith(words)
    assert fake.calls == []


def test_a_ca_bundle_file_or_directory_is_accepted(fake, tmp_path):
    bundle = tmp_path / "pbx-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    for ca_path in (str(bundle), str(tmp_path)):
        assert run(fake, ca_path=ca_path).rc == 0


def test_ca_path_is_not_checked_when_certificates_are_not(fake):
    assert run(fake, ca_path="/nonexistent/pbx-ca.pem", validate_certs=False).rc == 0


@pytest.mark.parametrize("credentials", [dict(client_secret=""), dict(client_secret="  "), dict(client_id="")])
def test_an_empty_credential_is_refused_before_any_request(fake, credentials):
    result = run(fake, **credentials)
    name = list(credentials)[0]
    assert result.rc == 1 and result["msg"].startswith("%s: is empty" % name)
    assert fake.calls == []


def test_api_error_fails_with_error_fields(fake):
    fake.fail(FakeResponse(403), method="GET")
    result = run(fake)
    assert result.rc == 1
    assert result["error"]["status"] == 403 and "System Owner" in result["msg"]
    assert CLIENT_SECRET not in result.stdout and "issued-token-1" not in result.stdout


def test_the_connection_options_fall_back_to_the_environment(fake, monkeypatch):
    for name, value in (("CLIENT_ID", CLIENT_ID), ("CLIENT_SECRET", CLIENT_SECRET),
                        ("VALIDATE_CERTS", "false"), ("TIMEOUT", "7"), ("RETRIES", "0")):
        monkeypatch.setenv("THREECX_" + name, value)
    result = run(fake, credentials=False)
    assert result.rc == 0, result.stdout
    assert result["invocation"]["module_args"]["client_id"] == CLIENT_ID
    assert (result["invocation"]["module_args"]["timeout"], result["invocation"]["module_args"]["retries"]) == (7, 0)
    assert result["invocation"]["module_args"]["validate_certs"] is False
    assert fake.api_calls() and CLIENT_SECRET not in result.stdout
