# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.modules import callflow_apps
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import CLIENT_SECRET, FakeResponse, FakeXapi, odata_error

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


def test_memory_follows_the_list_not_the_pbx(fake):
    """Only the apps the list names are kept from the paged read."""
    result = run(fake, wanted(100, 2), diff=True)
    assert [r["callflow_app"]["Number"] for r in result["results"]] == ["9100", "9101"]
    assert len(reads(fake)) == 3  # the whole PBX was read, page by page ...
    assert len(result["results"]) == 2  # ... but only the named apps are reported


def test_no_secret_or_token_in_the_output(fake):
    fake.fail(FakeResponse(401), method="GET")
    result = run(fake, wanted(0, 2, name="X"), diff=True)
    assert result.rc == 0
    assert CLIENT_SECRET not in result.stdout
    assert fake.active_token not in result.stdout and "issued-token-1" not in result.stdout


def test_trunk_password_of_an_item_is_masked_where_the_arguments_are_echoed(fake):
    items = wanted(0, 1, trunk={"Number": "10000", "AuthPassword": "trunk-Passw0rd-value"})
    result = run(fake, items)
    assert "invocation" in result.json, result.stdout
    assert "trunk-Passw0rd-value" not in result.stdout
