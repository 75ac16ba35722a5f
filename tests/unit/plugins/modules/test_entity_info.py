# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import registry
from ansible_collections.threecx.xapi.plugins.modules import entity_info
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import odata_error


@pytest.fixture
def pbx():
    return FakePbx(
        sets={"Users": [dict(Number=str(100 + i), FirstName="User %d" % i, LastName="O'Brien" if i % 2 else "Smith")
                        for i in range(150)],
              "Backups": [dict(FileName="monday.zip", Size=1)]},
        keys={"Backups": "FileName"},
        singletons={"OfficeHours": dict(TimeZoneId="51")})


def run(pbx, check_mode=False, **args):
    return run_module(entity_info.main, pbx, args, check_mode=check_mode)


def test_lists_a_whole_set_page_by_page_with_the_default_projection(pbx):
    result = run(pbx, entity_set="Users")
    assert result.rc == 0, result.stdout
    assert result["changed"] is False
    assert [u["Id"] for u in result["entities"]] == list(range(1, 151))
    calls = pbx.api_calls()
    assert [c.query.get("$skip", "0") for c in calls] == ["0", "100"]
    assert calls[0].query["$orderby"] == "Id" and "$filter" not in calls[0].query and "$select" not in calls[0].query
    assert calls[0].query["$expand"] == ",".join(registry.entity_set("Users").projection()[1])


def test_match_and_filter_combine_with_and(pbx):
    result = run(pbx, entity_set="Users", match={"LastName": "O'Brien", "Number": 101}, filter="FirstName eq 'User 1'")
    assert [u["Number"] for u in result["entities"]] == ["101"]
    assert pbx.api_calls()[0].query["$filter"] == (
        "(FirstName eq 'User 1') and (LastName eq 'O''Brien') and (Number eq '101')")


def test_by_id_answers_one_entity_or_an_empty_one(pbx):
    result = run(pbx, entity_set="Users", id="5")
    assert result["entity"]["Number"] == "104" and "entities" not in result.json
    assert pbx.api_calls()[0].path == "/xapi/v1/Users(5)"
    assert run(pbx, entity_set="Users", id=999)["entity"] == {}
    assert run(pbx, entity_set="Backups", id="monday.zip")["entity"]["Size"] == 1
    assert pbx.api_calls()[-1].path == "/xapi/v1/Backups('monday.zip')"


def test_a_singleton_is_read_whole(pbx):
    result = run(pbx, singleton="OfficeHours")
    assert result["entity"] == {"TimeZoneId": "51"} and pbx.api_calls()[0].path == "/xapi/v1/OfficeHours"


def test_a_missing_singleton_or_a_server_error_fails(pbx):
    pbx.fail(odata_error(404, "Not found"), method="GET")
    result = run(pbx, singleton="OfficeHours")
    assert result.rc == 1 and result["error"]["status"] == 404
    pbx.fail(odata_error(500, "Boom"), method="GET")
    result = run(pbx, entity_set="Users", id=1)
    assert result.rc == 1 and result["error"]["status"] == 500 and "Boom" in result["msg"]


def test_select_and_expand_are_sent_as_given(pbx):
    run(pbx, entity_set="Users", select=["Id", "Number"], expand=["Groups($expand=Rights)", "Phones"])
    query = pbx.api_calls()[0].query
    assert query["$select"] == "Id,Number" and query["$expand"] == "Groups($expand=Rights),Phones"


def test_an_empty_expand_reads_no_navigation_property(pbx):
    run(pbx, entity_set="Users", expand=[])
    assert "$expand" not in pbx.api_calls()[0].query


@pytest.mark.parametrize("args, words", [
    (dict(entity_set="Users", select=["Numbr"]), ["select", "'Numbr' is not a structural property of Pbx.User",
                                                  "Did you mean Number"]),
    (dict(entity_set="Users", select=["Groups"]), ["select", "'Groups' is not a structural property"]),
    (dict(entity_set="Users", expand=["Number"]), ["expand", "'Number' is not a navigation property of Pbx.User"]),
    (dict(entity_set="Users", expand=["Gropus($expand=Rights)"]), ["expand", "'Gropus' is not a navigation property"]),
    (dict(entity_set="Users", id=1, filter="Id eq 1"), ["mutually exclusive", "id|filter"]),
    (dict(entity_set="Users", match={"Nmber": "1"}), ["match.Nmber"]),
    (dict(singleton="OfficeHours", match={"TimeZoneId": "51"}), ["a singleton has no match"]),
    (dict(entity_set="Usres"), ["Did you mean Users?"]),
    (dict(), ["one of the following is required: entity_set, singleton"]),
])
def test_bad_input_fails_before_any_request(pbx, args, words):
    result = run(pbx, **args)
    assert result.rc == 1
    for word in words:
        assert word in result["msg"]
    assert pbx.calls == []


def test_runs_the_same_in_check_mode(pbx):
    result = run(pbx, check_mode=True, entity_set="Users", match={"Number": "100"})
    assert result.rc == 0 and [u["Id"] for u in result["entities"]] == [1]


def test_a_read_by_id_or_of_a_singleton_sends_the_projection_and_changes_nothing(pbx):
    result = run(pbx, entity_set="Users", id=2, select=["Id", "Number"], expand=["Phones"])
    assert result["changed"] is False and result["entity"]["Number"] == "101"
    assert (pbx.api_calls()[0].query["$select"], pbx.api_calls()[0].query["$expand"]) == ("Id,Number", "Phones")
    hours = run(pbx, singleton="OfficeHours")
    assert hours["changed"] is False
    assert pbx.api_calls()[-1].query["$expand"] == ",".join(registry.singleton("OfficeHours").projection()[1])


def test_a_set_keyed_by_text_is_listed_in_the_order_of_its_key(pbx):
    result = run(pbx, entity_set="Backups")
    assert [b["FileName"] for b in result["entities"]] == ["monday.zip"]
    assert pbx.api_calls()[0].query["$orderby"] == "FileName"


@pytest.mark.parametrize("args, message", [
    (dict(entity_set="Users", singleton="OfficeHours"), "parameters are mutually exclusive: entity_set|singleton"),
    (dict(entity_set="Users", id=1, match={"Number": "100"}), "parameters are mutually exclusive: id|match"),
])
def test_exclusive_options_are_refused(pbx, args, message):
    result = run(pbx, **args)
    assert result.rc == 1 and result["msg"] == message and pbx.calls == []


@pytest.mark.parametrize("option", ["select", "expand"])
def test_a_bad_name_is_refused_naming_the_option(pbx, option):
    result = run(pbx, entity_set="Users", **{option: ["Nothing"]})
    assert result["msg"].startswith("%s: 'Nothing' is not a " % option)
