# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import tracemalloc

import pytest

from ansible_collections.threecx.xapi.plugins.modules import callflow_apps
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import (
    CLIENT_SECRET, FakeResponse, FakeXapi, make_client, odata_error)

SCRIPT = "class App { }\n"


@pytest.fixture
def fake():
    """A PBX with 250 apps (three pages of 100), numbers 9000-9249."""
    return FakeXapi(apps=[dict(Number=str(9000 + i), Name="App %d" % i, RoutingType="DialCode",
                               ScriptCode=SCRIPT.replace("\n", "\r\n")) for i in range(250)])


def run(fake, apps, check_mode=False, diff=False, **args):
    return run_module(callflow_apps.main, fake, dict(apps=apps, **args), check_mode=check_mode, diff=diff)


def wanted(first, count, **changes):
    apps = [dict(number=str(9000 + i), name="App %d" % i, script_code=SCRIPT) for i in range(first, first + count)]
    for app in apps:
        app.update(changes)
    return apps


def reads(fake):
    return [c for c in fake.api_calls() if c.method == "GET"]


def writes(fake):
    return [(c.method, c.path.replace("/xapi/v1", ""), c.json) for c in fake.writes()]


def test_nothing_to_do_reads_the_pbx_in_pages_of_100_and_writes_nothing(fake):
    result = run(fake, wanted(0, 250))
    assert result.rc == 0, result.stdout
    assert result["changed"] is False
    assert result["summary"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 250}
    assert fake.writes() == []
    pages = reads(fake)
    assert [(c.query["$top"], c.query.get("$skip", "0")) for c in pages] == [("100", "0"), ("100", "100"), ("100", "200")]
    assert "ScriptCode" in pages[0].query["$select"]
    assert len(fake.token_calls()) == 1


def test_only_the_apps_that_differ_are_written_and_only_they_are_read_again(fake):
    apps = wanted(0, 250)
    apps[7]["name"] = "Renamed"
    apps[42]["script_code"] = "class Changed { }\n"
    apps.append(dict(number="9900", name="Brand new", script_code=SCRIPT))
    result = run(fake, apps)
    assert result.rc == 0, result.stdout
    assert result["summary"] == {"created": 1, "updated": 2, "deleted": 0, "unchanged": 248}
    assert writes(fake) == [
        ("PATCH", "/CallFlowApps(8)", {"Name": "Renamed"}),
        ("PATCH", "/CallFlowApps(43)", {"ScriptCode": "class Changed { }\n"}),
        ("POST", "/CallFlowApps", {"Number": "9900", "Name": "Brand new", "ScriptCode": SCRIPT}),
    ]
    rereads = [c.path for c in reads(fake)[3:]]
    assert rereads == ["/xapi/v1/CallFlowApps(8)", "/xapi/v1/CallFlowApps(43)", "/xapi/v1/CallFlowApps(251)"]
    by_index = dict((r["index"], r) for r in result["results"])
    assert by_index[7]["operation"] == "updated" and by_index[7]["callflow_app"]["Name"] == "Renamed"
    assert by_index[250]["callflow_app"]["Id"] == 251  # the server's entity, not the request
    assert by_index[0]["changed"] is False


def test_second_run_with_the_same_list_is_ok_and_writes_nothing(fake):
    apps = wanted(0, 3, name="New name")
    assert run(fake, apps)["changed"] is True
    before = len(fake.writes())
    again = run(fake, apps)
    assert again["changed"] is False and len(fake.writes()) == before


def test_check_mode_sends_no_write_and_predicts_the_same_summary(fake):
    apps = wanted(0, 5, name="Checked")
    apps.append(dict(number="9999", name="New"))
    checked = run(fake, apps, check_mode=True, diff=True)
    assert checked.rc == 0 and fake.writes() == []
    assert checked["summary"] == {"created": 1, "updated": 5, "deleted": 0, "unchanged": 0}
    real = run(fake, apps, diff=True)
    assert real["summary"] == checked["summary"]
    assert [d["after"] for d in real["diff"]] == [d["after"] for d in checked["diff"]]
    assert [d["before"] for d in real["diff"]] == [d["before"] for d in checked["diff"]]


def test_purge_deletes_the_apps_the_list_does_not_name_first(fake):
    result = run(fake, wanted(0, 240) + [dict(number="9900", name="New")], purge=True)
    assert result.rc == 0, result.stdout
    assert result["summary"] == {"created": 1, "updated": 0, "deleted": 10, "unchanged": 240}
    methods = [c.method for c in fake.writes()]
    assert methods == ["DELETE"] * 10 + ["POST"]
    assert sorted(a["Number"] for a in fake.apps.values())[-2:] == ["9239", "9900"]


def test_purge_with_an_empty_list_is_refused_before_any_request(fake):
    result = run(fake, [], purge=True)
    assert result.rc == 1 and "purge" in result["msg"] and "empty" in result["msg"]
    assert fake.calls == []


def test_state_absent_items_are_deleted_and_absent_again_is_ok(fake):
    result = run(fake, [dict(number="9001", state="absent"), dict(number="7777", state="absent")])
    assert result["summary"] == {"created": 0, "updated": 0, "deleted": 1, "unchanged": 1}
    assert writes(fake) == [("DELETE", "/CallFlowApps(2)", None)]


@pytest.mark.parametrize("bad, words", [
    (dict(number="9003", routing_type="Sideways"), ["apps[2]", "routing_type", "DialCode"]),
    (dict(number="9003", groups="[{"), ["apps[2]", "groups", "JSON"]),
    (dict(number="9003", colour="red"), ["apps[2]", "colour"]),
    (dict(routing_type="Forward"), ["apps[2]", "id, number, name"]),
    (dict(number="9000"), ["apps[2]", "apps[0]"]),
    ("9003", ["apps[2]", "must be a dict"]),
    (["9003"], ["apps[2]", "must be a dict"]),
])
def test_a_bad_item_fails_before_any_request_naming_its_index_and_option(fake, bad, words):
    result = run(fake, wanted(0, 2) + [bad] + wanted(5, 1))
    assert result.rc == 1
    for word in words:
        assert word in result["msg"]
    assert fake.calls == []


def test_an_item_that_needs_an_impossible_change_fails_before_any_write(fake):
    apps = wanted(0, 3, name="Changed")
    apps.append(dict(id=5, number="1234"))  # number is create-only
    result = run(fake, apps)
    assert result.rc == 1 and "apps[3]" in result["msg"] and "number" in result["msg"]
    assert fake.writes() == []


def test_a_server_error_names_the_item_and_reports_what_was_written(fake):
    fake.fail(odata_error(400, "Name:\nWARNINGS.XAPI.INVALID", [{"message": "WARNINGS.XAPI.INVALID", "target": "Name"}]),
              method="PATCH", path="CallFlowApps(2)")
    result = run(fake, wanted(0, 3, name="Changed"))
    assert result.rc == 1
    assert "apps[1]" in result["msg"] and "Name: WARNINGS.XAPI.INVALID" in result["msg"]
    assert result["error"]["status"] == 400
    assert [r["index"] for r in result["results"] if r["changed"]] == [0]


def test_ambiguous_name_lists_the_ids(fake):
    fake.add(Number="9500", Name="App 3")
    result = run(fake, [dict(name="App 3", routing_type="Forward")])
    assert result.rc == 1 and "ids 4, 251" in result["msg"]
    assert fake.writes() == []


def test_memory_follows_the_list_not_the_pbx():
    """Of a PBX of 1000 apps with 20 kB scripts (20 MB), the task keeps the two it names, not the PBX.

    What plan_all retains is measured; the fake PBX's own copies exist before the measurement starts.
    """
    fake = FakeXapi(apps=[dict(Number=str(5000 + i), Name="App %d" % i, ScriptCode=("%08d" % i) * 2500)
                          for i in range(1000)])
    items = callflow_apps.validate([dict(number="5100", name="Renamed"), dict(number="5101")], [])
    client = make_client(fake)
    client.login()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        purged = callflow_apps.plan_all(client, items, purge=False)
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert purged == [] and [item.plan.action for item in items] == ["update", "none"]
    assert len(reads(fake)) == 11  # the whole PBX was read, page by page (the last one empty) ...
    assert retained < 20 * 1000 * 2500 * 8 / 100  # ... and less than 1 % of it is kept: the two named apps


def test_no_secret_or_token_in_the_output(fake):
    fake.fail(FakeResponse(401), method="GET")
    result = run(fake, wanted(0, 2, name="X"), diff=True)
    assert result.rc == 0
    assert CLIENT_SECRET not in result.stdout
    assert fake.active_token not in result.stdout and "issued-token-1" not in result.stdout


# -- compile waits ------------------------------------------------------------------------------

def test_wait_for_compilation_reports_a_compile_that_never_finishes(fake):
    fake.compiler = lambda script: None  # the PBX never gets to it
    apps = wanted(0, 2, script_code="class Slow { }\n", wait_for_compilation=True, compilation_timeout=7)
    result = run(fake, apps)
    assert result.rc == 1 and result.failed
    assert result["msg"] == ("apps[0]: compilation_timeout: the PBX did not finish compiling Call Flow App 9000 within "
                             "7 seconds.; apps[1]: compilation_timeout: the PBX did not finish compiling Call Flow App "
                             "9001 within 7 seconds.")
    assert result["summary"]["updated"] == 2 and result["changed"] is True


def test_wait_for_compilation_reports_the_errors_of_each_failed_item_and_not_of_the_others(fake):
    apps = wanted(0, 3, wait_for_compilation=True)
    apps[1]["script_code"] = "BROKEN\n"
    apps[2]["script_code"] = "class Fine { }\n"
    result = run(fake, apps)
    assert result.rc == 1
    assert result["msg"] == "apps[1]: The PBX could not compile the script of Call Flow App 9001: E: (line 3) ; expected"
    assert [r["operation"] for r in result["results"]] == ["unchanged", "updated", "updated"]
    assert result["results"][2]["callflow_app"]["CompilationSucceeded"] is True


def test_wait_for_compilation_of_compiled_scripts_succeeds(fake):
    result = run(fake, wanted(0, 2, script_code="class Fine { }\n", wait_for_compilation=True))
    assert result.rc == 0, result.stdout
    assert all(r["callflow_app"]["CompilationLastSuccess"] for r in result["results"])


def test_no_compile_wait_without_wait_for_compilation(fake):
    fake.compiler = lambda script: None
    result = run(fake, wanted(0, 1, script_code="class Slow { }\n"))
    assert result.rc == 0 and fake.clock.sleeps == []


# -- items that collide ----------------------------------------------------------------------

@pytest.mark.parametrize("second", [dict(id=1), dict(name="App 0"), dict(number="9000", name="Other")])
def test_two_items_that_resolve_to_the_same_app_are_refused_before_any_write(fake, second):
    apps = [dict(number="9000", name="App 0", routing_type="Forward")] + wanted(1, 1, name="Renamed") + [second]
    result = run(fake, apps)
    assert result.rc == 1
    assert "apps[2]" in result["msg"] and "apps[0]" in result["msg"]
    assert fake.writes() == []


def test_the_same_app_named_twice_by_its_id_names_both_items():
    fake = FakeXapi(apps=[dict(Number="9000", Name="App 0")])
    result = run(fake, [dict(number="9000"), dict(id=1, name="App 0")])
    assert result.rc == 1 and result["msg"] == "apps[1] names the same app as apps[0] (id 1)."


@pytest.mark.parametrize("timeout", [0, -5])
def test_an_item_with_a_compilation_timeout_of_zero_or_less_is_refused(fake, timeout):
    result = run(fake, wanted(0, 1) + [dict(number="9001", wait_for_compilation=True, compilation_timeout=timeout)])
    assert result.rc == 1
    assert result["msg"] == "apps[1]: compilation_timeout: expected a number of seconds above 0, got %d." % timeout
    assert fake.calls == []


# -- reports of half-done runs and purges ---------------------------------------------------------

def test_the_failure_report_of_a_half_done_run_keeps_the_unchanged_and_written_items(fake):
    fake.fail(odata_error(400, "Name:\nWARNINGS.XAPI.INVALID", [{"message": "WARNINGS.XAPI.INVALID", "target": "Name"}]),
              method="PATCH", path="CallFlowApps(3)")
    apps = wanted(0, 4)
    apps[1]["name"] = "Changed 1"
    apps[2]["name"] = "Changed 2"
    apps[3]["name"] = "Changed 3"
    result = run(fake, apps)
    assert result.rc == 1 and result["msg"].startswith("apps[2]: PATCH /xapi/v1/CallFlowApps(3) failed with HTTP 400")
    assert [(r["index"], r["operation"]) for r in result["results"]] == [(0, "unchanged"), (1, "updated")]
    assert result["summary"] == {"created": 0, "updated": 1, "deleted": 0, "unchanged": 1}
    assert result["results"][1]["callflow_app"]["Name"] == "Changed 1"


def test_the_diff_of_a_purged_app_is_headed_by_its_number(fake):
    result = run(fake, wanted(0, 248), purge=True, diff=True, check_mode=True)
    assert result.rc == 0
    purged = [r for r in result["results"] if r["index"] is None]
    assert [r["diff"]["before_header"] for r in purged] == ["call_flow_app 9248", "call_flow_app 9249"]
    assert [r["diff"]["before"]["Number"] for r in purged] == ["9248", "9249"]
    assert [d["before_header"] for d in result["diff"]] == ["call_flow_app 9248", "call_flow_app 9249"]
    assert [r["operation"] for r in purged] == ["deleted", "deleted"]


def test_the_diff_of_an_item_is_headed_by_the_identity_it_was_named_by(fake):
    result = run(fake, [dict(id=3, name="Renamed"), dict(number="9005", name="Five")], diff=True)
    assert [r["diff"]["before_header"] for r in result["results"]] == ["call_flow_app 3", "call_flow_app 9005"]


def test_departments_and_trunk_by_name_resolve_with_one_read_each(fake):
    fake.groups = [{"Id": 2, "Name": "Sales"}, {"Id": 3, "Name": "Support"}]
    fake.trunks = [{"Id": 55, "Number": "10000", "Gateway": {"Name": "Provider A"}}]
    result = run(fake, apps=[dict(number="8500", name="A", departments=["Support"], trunk="Provider A"),
                             dict(number="8501", name="B", departments=[{"name": "Sales", "role": "managers"}])])
    assert result.rc == 0, result.stdout
    posts = [c.json for c in fake.writes() if c.method == "POST"]
    assert posts[0]["Groups"] == [{"GroupId": 3, "Rights": {"RoleName": "users"}}] and posts[0]["Trunk"] == {"Id": 55}
    assert posts[1]["Groups"] == [{"GroupId": 2, "Rights": {"RoleName": "managers"}}]
    reads = [c.path for c in fake.api_calls() if c.method == "GET"]
    assert reads.count("/xapi/v1/Groups") == 1 and reads.count("/xapi/v1/Trunks") == 1


def test_an_unknown_department_is_refused_naming_the_item_before_any_write(fake):
    fake.groups = [{"Id": 2, "Name": "Sales"}]
    result = run(fake, apps=[dict(number="8500", name="A"), dict(number="8501", name="B", departments=["Salse"])])
    assert result.rc == 1 and "apps[1]: departments[0].name: no department named 'Salse' (have: Sales)" in result["msg"]
    assert fake.writes() == []


# -- what mutation testing showed untested -----------------------------------------------------

@pytest.mark.parametrize("bad, message", [
    ("9003", "apps[2]: must be a dict of callflow_app options, got str."),
    (dict(routing_type="Forward"), "apps[2]: one of the following is required: id, number, name"),
    (dict(number="9003", groups=[{"GroupId": 2}], departments=["Sales"]),
     "apps[2]: parameters are mutually exclusive: groups|departments"),
])
def test_a_bad_item_is_refused_with_the_exact_reason(fake, bad, message):
    result = run(fake, wanted(0, 2) + [bad])
    assert result.rc == 1 and result["msg"] == message and fake.calls == []


def test_an_unsupported_option_is_named_with_the_supported_ones(fake):
    result = run(fake, [dict(number="9000", colour="red", size=3)])
    assert result["msg"].startswith("apps[0]: unsupported option(s) colour, size. Supported: compilation_timeout, ")
    assert ", wait_for_compilation." in result["msg"]


def test_an_ambiguous_name_is_refused_with_the_exact_reason(fake):
    fake.add(Number="9500", Name="App 3")
    result = run(fake, [dict(name="App 3", routing_type="Forward")])
    assert result["msg"] == "apps[0]: 2 apps have name 'App 3' (ids 4, 251); give id to pick one."


def test_purge_with_an_empty_list_names_the_danger(fake):
    result = run(fake, [], purge=True)
    assert result["msg"] == "purge: refused with an empty apps list, which would delete every call flow app on the PBX."


def test_an_item_named_by_a_missing_id_is_not_created(fake):
    result = run(fake, [dict(id=999, number="9999", name="New")])
    assert result.rc == 1 and result["msg"].startswith("apps[0]: id: no Call Flow App has Id 999.")
    assert fake.writes() == []


def test_an_absent_item_whose_other_identity_differs_is_not_deleted(fake):
    result = run(fake, [dict(number="9001", name="Someone else", state="absent")])
    assert result.rc == 1 and "has Name 'App 1', not 'Someone else'; nothing was deleted" in result["msg"]
    assert fake.writes() == []


def test_a_number_given_as_a_yaml_number_warns(fake):
    result = run(fake, [dict(number=9000, name="App 0")])
    assert result.rc == 0 and result["changed"] is False
    assert len(result["warnings"]) == 1 and "number: 9000 was given as a number" in json.dumps(result["warnings"])


def test_the_diff_holds_each_changed_script_line_by_line_unless_diff_script_is_false(fake):
    apps = wanted(0, 2)
    apps[0]["script_code"] = "class Changed { }\n"
    apps[1].update(script_code="class Hidden { }\n", diff_script=False)
    result = run(fake, apps, diff=True)
    assert [d["before_header"] for d in result["diff"]] == [
        "call_flow_app 9000", "call_flow_app 9000 ScriptCode", "call_flow_app 9001"]
    assert result["diff"][1]["after"] == "class Changed { }\n"
    assert "class Hidden" not in result.stdout
    assert isinstance(result["results"][0]["diff"], list) and isinstance(result["results"][1]["diff"], dict)


def test_the_failure_report_of_a_half_done_run_keeps_the_diff(fake):
    fake.fail(odata_error(400, "Name:\nWARNINGS.XAPI.INVALID"), method="PATCH", path="CallFlowApps(2)")
    result = run(fake, wanted(0, 2, name="Changed"), diff=True)
    assert result.rc == 1
    assert [r["diff"]["after"]["Name"] for r in result["results"]] == ["Changed"]
    assert [d["after"]["Name"] for d in result["diff"]] == ["Changed"]


def test_a_secret_an_item_gives_is_hidden_where_the_pbx_echoes_it(fake):
    fake.trunks = [{"Id": 55, "Number": "10000", "Gateway": {"Name": "Provider A"}}]
    fake.fail(odata_error(400, "Trunk: password s3cr3t-trunk-pw is refused"), method="PATCH")
    result = run(fake, [dict(number="9000", trunk={"Number": "10000", "AuthPassword": {"Value": "s3cr3t-trunk-pw"}})])
    assert result.rc == 1 and "s3cr3t-trunk-pw" not in result.stdout and "password" in result["msg"]


def test_a_new_app_given_a_yaml_number_is_created_with_its_text(fake):
    result = run(fake, [dict(number=9999, name="New")])
    assert result.rc == 0, result.stdout
    assert writes(fake) == [("POST", "/CallFlowApps", {"Number": "9999", "Name": "New"})]


def test_every_refusal_of_an_item_is_named():
    result = run(FakeXapi(), [dict(number="9000", state="gone", routing_type="Sideways")])
    assert result["msg"] == ("apps[0]: value of routing_type must be one of: DialCode, Forward, Trunk, got: Sideways "
                             "value of state must be one of: present, absent, got: gone")


def test_two_items_with_the_same_identity_are_refused_exactly():
    result = run(FakeXapi(), [dict(number="9000"), dict(number="9000", name="Again")])
    assert result["msg"] == "apps[1]: names the same app as apps[0] (Number '9000')."


def test_trunk_password_of_an_item_is_masked_where_the_arguments_are_echoed(fake):
    items = wanted(0, 1, trunk={"Number": "10000", "AuthPassword": "trunk-Passw0rd-value"})
    result = run(fake, items)
    assert "invocation" in result.json, result.stdout
    assert "trunk-Passw0rd-value" not in result.stdout
