# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils.schema import text_digest
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import REASON_HINTS
from ansible_collections.threecx.xapi.plugins.modules import callflow_app
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import CLIENT_SECRET, ODATA_DUPLICATE, FakeResponse, FakeXapi, odata_error

SCRIPT = "using System;\nclass Night { }\n"
TRUNK = {"Id": 55, "Number": "10000", "Direction": "Both", "Gateway": {"Host": "sip.example.com"}}
GROUPS = [{"GroupId": 2, "Name": "DEFAULT", "Id": 102, "Rights": {"RoleName": "users", "CanBargeIn": False}}]


@pytest.fixture
def fake():
    return FakeXapi(apps=[
        dict(Number="8100", Name="Night", RoutingType="DialCode", TranscriptionMode="Inherit",
             ScriptCode=SCRIPT.replace("\n", "\r\n"), Groups=GROUPS, Trunk=TRUNK,
             CompilationLastSuccess="2026-11-24T09:00:00Z"),
        dict(Number="8200", Name="O'Brien's app", RoutingType="DialCode"),
        dict(Number="8300", Name="Twin"),
        dict(Number="8301", Name="Twin"),
    ])


def run(fake, check_mode=False, diff=False, credentials=True, **args):
    return run_module(callflow_app.main, fake, args, check_mode=check_mode, diff=diff, credentials=credentials)


def write_summary(fake):
    return [(c.method, c.path.replace("/xapi/v1", ""), c.json) for c in fake.writes()]


# -- create, update, delete -------------------------------------------------

def test_create_returns_the_app_as_the_server_holds_it(fake):
    result = run(fake, number="8500", name="New", routing_type="DialCode", script_code="class New { }\n",
                 groups=[{"GroupId": 2, "Rights": {"RoleName": "users"}}])
    assert result.rc == 0, result.stdout
    assert (result["changed"], result["operation"]) == (True, "created")
    assert write_summary(fake) == [("POST", "/CallFlowApps", {
        "Number": "8500", "Name": "New", "RoutingType": "DialCode", "ScriptCode": "class New { }\n",
        "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}]})]
    app = result["callflow_app"]
    assert app["Id"] == 5 and "@odata.context" not in app
    assert app["ScriptCode"] == "class New { }\r\n"  # re-read: the PBX's copy
    assert app["Groups"] == [{"GroupId": 2, "Rights": {"RoleName": "users"}, "Name": "Group 2", "Id": 102}]
    assert app["CompilationSucceeded"] is True and "Trunk" in app


@pytest.mark.parametrize("option, value, body", [
    ("name", "Day", {"Name": "Day"}),
    ("routing_type", "Forward", {"RoutingType": "Forward"}),
    ("script_code", "using System;\nclass Day { }\n", {"ScriptCode": "using System;\nclass Day { }\n"}),
    ("transcription_mode", "Both", {"TranscriptionMode": "Both"}),
    # the list replaces the server's whole: membership 2 keeps its role, named or not
    ("groups", [{"GroupId": 2}, {"GroupId": 3}], {"Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}, {"GroupId": 3}]}),
    ("trunk", {"Number": "10001"}, {"Trunk": {"Number": "10001"}}),
])
def test_update_sends_only_the_changed_property(fake, option, value, body):
    unchanged = dict(name="Night", routing_type="DialCode", script_code=SCRIPT, transcription_mode="Inherit",
                     groups=[{"GroupId": 2}], trunk={"Number": "10000"})
    unchanged[option] = value
    result = run(fake, number="8100", **unchanged)
    assert result.rc == 0, result.stdout
    assert (result["changed"], result["operation"]) == (True, "updated")
    assert write_summary(fake) == [("PATCH", "/CallFlowApps(1)", body)]
    api, sent = list(body.items())[0]
    assert result["callflow_app"][api] == fake.apps[1][api]  # the re-read entity


def test_update_groups_given_as_a_json_string(fake):
    result = run(fake, number="8100", groups='[{"GroupId": 2, "Rights": {"RoleName": "admin"}}]')
    assert result.rc == 0, result.stdout
    assert write_summary(fake) == [("PATCH", "/CallFlowApps(1)", {"Groups": [{"GroupId": 2, "Rights": {"RoleName": "admin"}}]})]


def test_same_values_change_nothing_and_send_one_read(fake):
    result = run(fake, number="8100", name="Night", routing_type="DialCode", transcription_mode="Inherit",
                 script_code=SCRIPT, groups=[{"GroupId": "2", "Rights": {"RoleName": "users"}}], trunk='{"Number": "10000"}')
    assert result.rc == 0, result.stdout
    assert (result["changed"], result["operation"]) == (False, "unchanged")
    assert fake.writes() == []
    assert len(fake.token_calls()) == 1 and len(fake.api_calls()) == 1
    assert result["callflow_app"]["ScriptCode"] == SCRIPT.replace("\n", "\r\n")
    assert result["callflow_app"]["Groups"] == GROUPS
    assert not [key for key in result["callflow_app"] if key.startswith("@odata")]


def test_a_second_run_of_a_create_changes_nothing(fake):
    args = dict(number="8500", name="New", routing_type="Forward", transcription_mode="Both", script_code="class New { }\n",
                groups=[{"GroupId": 2, "Rights": {"RoleName": "users"}}, {"GroupId": 3}], trunk={"Number": "10000"})
    assert run(fake, **args)["changed"] is True
    again = run(fake, diff=True, **args)
    assert (again.rc, again["changed"]) == (0, False)
    assert again["diff"]["before"] == again["diff"]["after"]
    assert len(fake.writes()) == 1


def test_same_values_by_id_send_one_read(fake):
    result = run(fake, id=1, name="Night")
    assert (result.rc, result["changed"]) == (0, False)
    assert [c.path for c in fake.api_calls()] == ["/xapi/v1/CallFlowApps(1)"]


def test_delete(fake):
    result = run(fake, number="8100", state="absent")
    assert (result.rc, result["changed"], result["operation"], result["callflow_app"]) == (0, True, "deleted", {})
    assert write_summary(fake) == [("DELETE", "/CallFlowApps(1)", None)]
    assert 1 not in fake.apps


def test_absent_app_that_is_missing_is_unchanged(fake):
    result = run(fake, number="9999", state="absent")
    assert (result.rc, result["changed"], result["operation"], result["callflow_app"]) == (0, False, "unchanged", {})
    assert fake.writes() == []


# -- lookups ----------------------------------------------------------------

@pytest.mark.parametrize("lookup, app_id, query", [
    (dict(id=2), 2, None),
    (dict(number="8200"), 2, "Number eq '8200'"),
    (dict(name="O'Brien's app"), 2, "Name eq 'O''Brien''s app'"),
    (dict(number="8300", name="Twin"), 3, "Number eq '8300'"),
])
def test_lookup_by_id_number_or_name(fake, lookup, app_id, query):
    result = run(fake, routing_type="Forward", **lookup)
    assert result.rc == 0, result.stdout
    assert write_summary(fake) == [("PATCH", "/CallFlowApps(%d)" % app_id, {"RoutingType": "Forward"})]
    assert fake.api_calls()[0].query.get("$filter") == query


def test_rename_by_id(fake):
    result = run(fake, id=2, name="O'Neil's app")
    assert write_summary(fake) == [("PATCH", "/CallFlowApps(2)", {"Name": "O'Neil's app"})]
    assert result["callflow_app"]["Name"] == "O'Neil's app"


def test_two_apps_with_the_name_fail_listing_their_ids(fake):
    result = run(fake, name="Twin", routing_type="Forward")
    assert result.rc == 1 and result.failed
    assert "ids 3, 4" in result["msg"]
    assert fake.writes() == []


def test_create_needs_a_name_and_sends_no_write(fake):
    result = run(fake, number="8500", routing_type="Forward")
    assert result.rc == 1
    assert result["msg"].startswith("name: ")
    assert len(fake.api_calls()) == 1 and fake.writes() == []


def test_create_needs_a_number_and_sends_no_write(fake):
    result = run(fake, name="Brand new")
    assert result.rc == 1 and result["msg"].startswith("number: ")
    assert fake.writes() == []


def test_number_change_is_refused_before_any_write(fake):
    for check_mode in (True, False):
        result = run(fake, id=1, number="8101", check_mode=check_mode)
        assert result.rc == 1 and result["msg"].startswith("number: ")
        assert "cannot be changed" in result["msg"]
    assert fake.writes() == []


def test_create_by_id_is_refused(fake):
    result = run(fake, id=99, name="New", number="8500")
    assert result.rc == 1 and result["msg"].startswith("id: ")
    assert fake.writes() == []


# -- check mode and diff ----------------------------------------------------

def test_check_mode_create_predicts_and_writes_nothing(fake):
    result = run(fake, number="8500", name="New", script_code="x", check_mode=True)
    assert (result.rc, result["changed"], result["operation"]) == (0, True, "created")
    assert result["callflow_app"] == {"Id": None, "Number": "8500", "Name": "New", "ScriptCode": "x"}
    assert fake.writes() == [] and len(fake.apps) == 4


def test_check_mode_update_predicts_and_writes_nothing(fake):
    result = run(fake, number="8100", name="Day", groups=[{"GroupId": 2}, {"GroupId": 7}], check_mode=True)
    assert (result.rc, result["changed"], result["operation"]) == (0, True, "updated")
    app = result["callflow_app"]
    assert app["Name"] == "Day" and app["Number"] == "8100" and app["ScriptCode"] == fake.apps[1]["ScriptCode"]
    assert [g["GroupId"] for g in app["Groups"]] == [2, 7]
    assert fake.writes() == [] and fake.apps[1]["Name"] == "Night"


def test_check_mode_delete_writes_nothing(fake):
    result = run(fake, number="8100", state="absent", check_mode=True)
    assert (result.rc, result["changed"], result["operation"], result["callflow_app"]) == (0, True, "deleted", {})
    assert fake.writes() == [] and 1 in fake.apps


def test_diff_is_the_same_in_check_mode_and_in_a_real_run(fake):
    args = dict(number="8100", name="Day", script_code="class Day { }\n", groups=[{"GroupId": 3}])
    checked = run(fake, check_mode=True, diff=True, **args)
    applied = run(fake, diff=True, **args)
    assert checked["diff"] == applied["diff"]
    props, script = applied["diff"]
    assert props["before"] == {"Name": "Night", "Number": "8100", "ScriptCode": text_digest(SCRIPT.replace("\n", "\r\n")),
                               "Groups": [{"GroupId": 2}]}
    assert props["after"] == {"Name": "Day", "Number": "8100", "ScriptCode": text_digest("class Day { }\n"),
                              "Groups": [{"GroupId": 3}]}
    assert props["before_header"] == "call_flow_app 8100"
    # the script follows as text, so that Ansible shows it line by line
    assert script == {"before": SCRIPT, "after": "class Day { }\n",
                      "before_header": "call_flow_app 8100 ScriptCode", "after_header": "call_flow_app 8100 ScriptCode"}


def test_a_one_line_change_of_a_long_script_shows_that_line_only_once(fake):
    long_script = "".join("// line %d of a long script\n" % n for n in range(5000))
    fake.apps[1]["ScriptCode"] = long_script
    result = run(fake, number="8100", script_code=long_script.replace("line 2500 ", "LINE 2500 "), diff=True)
    props, script = result["diff"]
    assert "sha256" in props["after"]["ScriptCode"]
    assert script["before"].count("line 2500 of") == 1 and script["after"].count("LINE 2500 of") == 1
    assert len(json.dumps(result["diff"])) < 3 * len(long_script)


def test_diff_without_a_script_change_is_one_dict(fake):
    result = run(fake, number="8100", name="Day", script_code=SCRIPT, diff=True)
    assert result["diff"]["after"] == {"Name": "Day", "Number": "8100", "ScriptCode": text_digest(SCRIPT.replace("\n", "\r\n"))}


def test_diff_of_create_and_delete(fake):
    created = run(fake, number="8500", name="New", diff=True)
    assert created["diff"]["before"] == {} and created["diff"]["after"] == {"Number": "8500", "Name": "New"}
    deleted = run(fake, number="8100", state="absent", diff=True)
    props, script = deleted["diff"]
    assert props["after"] == {}
    assert props["before"]["Name"] == "Night" and props["before"]["Number"] == "8100"
    assert script["before"] == SCRIPT and script["after"] == ""


def test_no_diff_without_diff_mode(fake):
    assert "diff" not in run(fake, number="8100", name="Day").json


def test_diff_script_false_shows_only_size_and_hash(fake):
    secret_script = 'const string Token = "crm-api-key-7f3a9";\n'
    fake.apps[1]["ScriptCode"] = 'const string Token = "crm-api-key-old";\r\n'
    for check_mode in (True, False):
        result = run(fake, number="8100", script_code=secret_script, diff_script=False, diff=True, check_mode=check_mode)
        assert result.rc == 0, result.stdout
        assert "crm-api-key" not in result.stdout and "Token" not in result.stdout  # diff, entity, everything
        assert "sha256" in result["diff"]["before"]["ScriptCode"] and "sha256" in result["diff"]["after"]["ScriptCode"]
        assert result["diff"]["before"]["ScriptCode"] != result["diff"]["after"]["ScriptCode"]
        assert result["callflow_app"]["ScriptCode"] == text_digest(secret_script if check_mode else secret_script.replace("\n", "\r\n"))


# -- compilation ------------------------------------------------------------

def test_wait_for_compilation_success(fake):
    result = run(fake, number="8100", script_code="class Day { }\n", wait_for_compilation=True)
    assert result.rc == 0, result.stdout
    app = result["callflow_app"]
    assert app["CompilationSucceeded"] is True and app["CompilationLastSuccess"] != "2026-11-24T09:00:00Z"
    assert "compiler_errors" not in result.json


def test_wait_for_compilation_of_a_new_app(fake):
    result = run(fake, number="8500", name="New", script_code="class New { }", wait_for_compilation=True)
    assert result.rc == 0, result.stdout
    assert result["callflow_app"]["CompilationSucceeded"] is True


def test_wait_for_compilation_failure_returns_the_errors_and_the_app(fake):
    result = run(fake, number="8100", script_code="BROKEN", wait_for_compilation=True)
    assert result.rc == 1 and result.failed
    assert result["compiler_errors"] == ["E: (line 3) ; expected"]
    assert "E: (line 3) ; expected" in result["msg"] and "W:" not in result["msg"]
    assert result["callflow_app"]["Id"] == 1 and result["callflow_app"]["ScriptCode"] == "BROKEN"
    assert (result["changed"], result["operation"]) == (True, "updated")


def test_wait_for_compilation_timeout(fake):
    fake.compiler = lambda script: None  # the PBX does not get round to compiling
    result = run(fake, number="8100", script_code="class Day { }\n", wait_for_compilation=True, compilation_timeout=5)
    assert result.rc == 1
    assert result["msg"].startswith("compilation_timeout: ")
    assert sum(fake.clock.sleeps) == pytest.approx(5)


def test_unchanged_errors_are_reported_without_blaming_the_new_script(fake):
    """The status cannot tell 'not compiled yet' from 'fails the same way': say exactly that, soon."""
    fake.apps[1].update(ScriptCode="BROKEN old", CompilationSucceeded=False, InvalidScript=True,
                        CompilationResult="E: (line 1) old error")
    fake.compiler = lambda script: None  # the status never moves
    result = run(fake, number="8100", script_code="class Fixed { }\n", wait_for_compilation=True, compilation_timeout=60)
    assert result.rc == 1
    assert "still reports these compiler errors" in result["msg"] and "unchanged 10 seconds" in result["msg"]
    assert "has not compiled the new script, or it fails the same way" in result["msg"]
    assert result["compiler_errors"] == ["E: (line 1) old error"]
    assert fake.clock.now < 1000 + 20  # reported after the grace period, not after the whole timeout


def test_a_short_timeout_without_errors_on_record_is_a_timeout(fake):
    fake.compiler = lambda script: None
    result = run(fake, number="8100", script_code="class Fixed { }\n", wait_for_compilation=True, compilation_timeout=5)
    assert result.rc == 1
    assert "did not finish compiling" in result["msg"] and "compiler_errors" not in result.json


def test_no_wait_when_nothing_compiles(fake):
    result = run(fake, number="8100", name="Day", wait_for_compilation=True)
    assert result.rc == 0
    assert [c.method for c in fake.api_calls()] == ["GET", "PATCH", "GET"]


# -- bad input: refused before any request ----------------------------------

@pytest.mark.parametrize("args, words", [
    (dict(id="abc"), "id"),
    (dict(number="8100", routing_type="dialcode"), "routing_type"),
    (dict(number="8100", transcription_mode="All"), "transcription_mode"),
    (dict(number="8100", state="gone"), "state"),
    (dict(number="8100", groups='[{"GroupId": 2,]'), "groups: is not valid JSON"),
    (dict(number="8100", groups=[{"Rights": {"RoleName": "users"}}]), "groups[0]: needs GroupId"),
    (dict(number="8100", groups=[{"GroupId": 2, "Name": "Sales"}]), "groups[0].Name: is set by the PBX"),
    (dict(number="8100", groups=[{"GroupId": 2, "Rights": {"RoleNmae": "users"}}]), "groups[0].Rights.RoleNmae: 'RoleNmae' is not"),
    (dict(number="8100", trunk={}), "trunk: names no Pbx.Trunk"),
    (dict(number="8100 "), "number: '8100 ' has blanks"),
    (dict(number="  ", name="x"), "number: must not be empty"),
    (dict(name=" Night"), "name: ' Night' has blanks"),
    (dict(number="8100", groups=[]), "groups: needs at least 1 element"),
    (dict(number="8100", trunk='{"Number": '), "trunk: is not valid JSON"),
    (dict(number="8100", trunk='["10000"]'), "trunk: must be an object"),
    (dict(routing_type="Forward"), "id, number, name"),
    (dict(number="8100", compilation_timeout=0), "compilation_timeout"),
    (dict(number="8100", base_url="ftp://pbx.example.com"), "base_url"),
    (dict(number="8100", base_url="pbx.example.com:5001"), "base_url"),
    (dict(number="8100", timeout=0), "timeout"),
    (dict(number="8100", colour="blue"), "colour"),
])
def test_bad_input_fails_before_any_request(fake, args, words):
    result = run(fake, **args)
    assert result.rc == 1 and result.failed
    assert words in result["msg"]
    assert fake.calls == []


@pytest.mark.parametrize("credentials, words", [
    (dict(), "one of the following is required: client_id, access_token"),
    (dict(client_id="someone"), "client_secret"),
])
def test_missing_credentials_fail_before_any_request(fake, credentials, words):
    result = run(fake, credentials=False, number="8100", **credentials)
    assert result.rc == 1 and words in result["msg"]
    assert fake.calls == []


# -- secrets ----------------------------------------------------------------

def test_secret_and_tokens_never_reach_the_output(fake):
    result = run(fake, number="8500", name="New", diff=True)
    assert result.rc == 0
    fake.fail(FakeResponse(401), method="GET")  # a re-login mid-run: a second token
    fake.fail(odata_error(400, "Rejected header Bearer %s from client secret %s" % ("issued-token-2-abcdef", CLIENT_SECRET)),
              method="PATCH")
    failed = run(fake, number="8500", name="Renamed", diff=True)
    assert failed.rc == 1 and "Rejected header" in failed["msg"]
    assert fake.tokens_issued == 3
    for output in (result.stdout, failed.stdout):
        assert CLIENT_SECRET not in output
        for n in (1, 2, 3):
            assert "issued-token-%d-abcdef" % n not in output


def test_a_given_access_token_never_reaches_the_output(fake):
    token = fake.issue_token()
    fake.fail(odata_error(400, "echo " + token), method="PATCH")
    result = run(fake, credentials=False, access_token=token, number="8100", name="Day")
    assert result.rc == 1 and "echo" in result["msg"]
    assert token not in result.stdout
    assert fake.token_calls() == []


# -- the HTTP layer seen from a task ----------------------------------------

def test_revoked_token_mid_run_logs_in_again(fake):
    fake.fail(FakeResponse(401), method="PATCH")
    result = run(fake, number="8100", name="Day")
    assert (result.rc, result["changed"]) == (0, True)
    assert len(fake.token_calls()) == 2
    assert [c.method for c in fake.writes()] == ["PATCH", "PATCH"]
    assert fake.apps[1]["Name"] == "Day"


def test_503_and_429_are_retried_after_retry_after(fake):
    fake.fail(FakeResponse(503, headers={"Retry-After": "4"}), method="GET")
    fake.fail(FakeResponse(429, headers={"Retry-After": "1"}), method="PATCH")
    result = run(fake, number="8100", name="Day")
    assert (result.rc, result["changed"]) == (0, True)
    assert fake.sleeps == [4.0, 1.0]
    assert fake.apps[1]["Name"] == "Day"


def test_retries_option_reaches_the_client(fake):
    fake.fail(FakeResponse(503), method="GET", times=2)
    result = run(fake, number="8100", retries=1)
    assert result.rc == 1 and "HTTP 503" in result["msg"]
    assert len(fake.api_calls()) == 2


def test_odata_error_fails_the_task_with_message_and_error_fields(fake):
    fake.fail(FakeResponse(400, ODATA_DUPLICATE), method="POST")
    result = run(fake, number="8500", name="New")
    assert result.rc == 1
    assert result["msg"].startswith("POST /xapi/v1/CallFlowApps failed with HTTP 400: Number: WARNINGS.XAPI.ALREADY_IN_USE. Hint: ")
    assert result["error"] == {"status": 400, "method": "POST", "path": "/xapi/v1/CallFlowApps",
                               "reasons": ["Number: WARNINGS.XAPI.ALREADY_IN_USE"], "hint": REASON_HINTS["WARNINGS.XAPI.ALREADY_IN_USE"]}


def test_a_department_with_members_is_not_deleted_and_the_hint_says_why(fake):
    body = {"error": {"code": "", "message": "WARNINGS.XAPI.GROUP_WITH_MEMBERS_CANNOT_BE_DELETED"}}
    fake.fail(FakeResponse(400, body), method="DELETE")
    result = run(fake, number="8100", state="absent")
    assert result.rc == 1 and "move them to another department" in result["error"]["hint"]


def test_forbidden_fails_the_task_with_the_role_hint(fake):
    fake.fail(FakeResponse(403), method="GET")
    result = run(fake, number="8100", name="Day")
    assert result.rc == 1
    assert "GET /xapi/v1/CallFlowApps failed with HTTP 403" in result["msg"]
    assert "System Owner" in result["msg"] and "System Owner" in result["error"]["hint"]
    assert result["error"]["status"] == 403
    assert fake.writes() == []


def test_bad_credentials_fail_the_task(fake):
    fake.client_secret = "rotated"
    result = run(fake, number="8100")
    assert result.rc == 1 and "Login to the PBX failed" in result["msg"]
    assert result["error"]["path"] == "/connect/token" and result["error"]["status"] == 401
    assert fake.api_calls() == []


def test_trunk_password_is_masked_in_the_result_and_the_diff(fake):
    fake.apps[1]["Trunk"] = dict(TRUNK, AuthPassword={"Value": "trunk-Passw0rd-value", "Concealed": False})
    result = run(fake, number="8100", trunk={"Number": "10000", "AuthPassword": {"Value": "trunk-Passw0rd-value"}}, diff=True)
    assert result.rc == 0 and result["changed"] is False  # compared on the real value: idempotent
    assert result["callflow_app"]["Trunk"]["AuthPassword"] == "********"
    assert result["callflow_app"]["Trunk"]["Number"] == "10000"
    assert "trunk-Passw0rd-value" not in result.stdout


@pytest.mark.parametrize("trunk", [
    {"Number": "10000", "AuthPassword": "trunk-Passw0rd-value"},
    '{"Number": "10000", "AuthPassword": "trunk-Passw0rd-value"}',
])
def test_trunk_password_in_the_options_is_masked_where_the_arguments_are_echoed(fake, trunk):
    # ansible-core echoes a module's arguments back (the invocation key): the password given in trunk,
    # as an object or as a JSON string, is masked there too, also when the arguments are refused
    for args in (dict(number="8100", trunk=trunk), dict(number="8100", trunk=trunk, routing_type="Sideways")):
        result = run(fake, **args)
        assert "invocation" in result.json, result.stdout
        assert "trunk-Passw0rd-value" not in result.stdout


def test_missing_requests_library_is_reported_with_missing_required_lib(fake, monkeypatch):
    from ansible_collections.threecx.xapi.plugins.module_utils import xapi_module
    monkeypatch.setattr(xapi_module, "HAS_REQUESTS", False)
    monkeypatch.setattr(xapi_module, "REQUESTS_IMPORT_ERROR", "ModuleNotFoundError: No module named 'requests'")
    result = run(fake, number="8100", name="Day")
    assert result.rc == 1
    assert "Failed to import the required Python library (requests)" in result["msg"]
    assert fake.calls == []


# -- what mutation testing showed untested -----------------------------------------------------

def test_departments_by_name_are_resolved_before_the_write(fake):
    fake.groups = [{"Id": 2, "Name": "Sales"}, {"Id": 3, "Name": "Support"}]
    result = run(fake, number="8200", departments=[{"name": "Support", "role": "managers"}])
    assert result.rc == 0, result.stdout
    assert write_summary(fake) == [("PATCH", "/CallFlowApps(2)", {"Groups": [{"GroupId": 3, "Rights": {"RoleName": "managers"}}]})]


def test_a_number_given_as_a_yaml_number_warns(fake):
    result = run(fake, number=8100, name="Night")
    assert result.rc == 0 and result["changed"] is False
    assert len(result["warnings"]) == 1 and "number: 8100 was given as a number" in json.dumps(result["warnings"])


def test_an_absent_app_whose_other_identity_differs_is_not_deleted(fake):
    result = run(fake, number="8100", name="Day", state="absent")
    assert result.rc == 1
    assert result["msg"] == ("state=absent: the Call Flow App found by Number '8100' has Name 'Night', not 'Day'; "
                             "nothing was deleted. Give only options that name the same Call Flow App.")
    assert fake.writes() == []


def test_a_secret_the_task_gives_is_hidden_where_the_pbx_echoes_it(fake):
    fake.fail(odata_error(400, "Trunk: password s3cr3t-trunk-pw is refused"), method="PATCH")
    result = run(fake, number="8200", trunk={"Number": "10000", "AuthPassword": {"Value": "s3cr3t-trunk-pw"}})
    assert result.rc == 1 and "password" in result["msg"] and "s3cr3t-trunk-pw" not in result.stdout


@pytest.mark.parametrize("args, message", [
    (dict(routing_type="Forward"), "one of the following is required: id, number, name"),
    (dict(number="8100", groups=[{"GroupId": 2}], departments=["Sales"]), "parameters are mutually exclusive: groups|departments"),
])
def test_option_rules_are_refused_with_ansibles_own_words(fake, args, message):
    result = run(fake, **args)
    assert result.rc == 1 and result["msg"] == message and fake.calls == []
