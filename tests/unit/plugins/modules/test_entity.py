# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.threecx.xapi.plugins.modules import entity
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import odata_error

MEMBERSHIP = [{"GroupId": 2, "Name": "DEFAULT", "Rights": {"RoleName": "managers"}}]


@pytest.fixture
def pbx():
    return FakePbx(
        sets={"Users": [dict(Id=3, Number="100", FirstName="Ada", LastName="Lovelace", VMPIN="", Groups=MEMBERSHIP)],
              "Groups": [dict(Id=2, Name="DEFAULT", Language="EN")],
              "Parameters": [dict(Id=7, Name="CUSTOM", Value="1")]},
        singletons={"OfficeHours": dict(TimeZoneId="51", SystemLanguage="EN", OfficeHolidays=[])})


def run(pbx, check_mode=False, diff=False, **args):
    return run_module(entity.main, pbx, args, check_mode=check_mode, diff=diff)


def writes(pbx):
    return [(c.method, c.path.replace("/xapi/v1", ""), c.json) for c in pbx.writes()]


def test_update_by_id_patches_only_what_differs_and_returns_the_entity(pbx):
    result = run(pbx, entity_set="Users", id=3, properties={"FirstName": "Augusta", "LastName": "Lovelace"})
    assert result.rc == 0, result.stdout
    assert (result["changed"], result["operation"]) == (True, "updated")
    assert writes(pbx) == [("PATCH", "/Users(3)", {"FirstName": "Augusta"})]
    assert result["entity"]["FirstName"] == "Augusta" and result["entity"]["Id"] == 3
    assert "diff" not in result.json


def test_the_same_properties_again_change_nothing(pbx):
    result = run(pbx, entity_set="Users", match={"Number": "100"}, properties={"FirstName": "Ada"})
    assert (result["changed"], result["operation"]) == (False, "unchanged") and writes(pbx) == []
    assert result["entity"]["LastName"] == "Lovelace"


def test_a_membership_named_without_its_role_keeps_it(pbx):
    result = run(pbx, entity_set="Users", id=3, properties={"Groups": [{"GroupId": 2}, {"GroupId": 5}]})
    assert writes(pbx) == [("PATCH", "/Users(3)", {"Groups": [{"GroupId": 2, "Rights": {"RoleName": "managers"}}, {"GroupId": 5}]})]
    assert result.rc == 0


def test_create_by_match_posts_the_basics_then_patches_the_rest(pbx):
    result = run(pbx, entity_set="Users", match={"Number": "101"},
                 properties={"FirstName": "Bob", "VMEnabled": True, "Groups": [{"GroupId": 2}]})
    assert result.rc == 0, result.stdout
    assert (result["changed"], result["operation"]) == (True, "created")
    assert writes(pbx) == [("POST", "/Users", {"FirstName": "Bob", "Number": "101"}),
                           ("PATCH", "/Users(4)", {"VMEnabled": True, "Groups": [{"GroupId": 2}]})]
    assert result["entity"]["Id"] == 4


def test_delete_by_match_and_absent_again_is_ok(pbx):
    result = run(pbx, entity_set="Parameters", match={"Name": "CUSTOM"}, state="absent", diff=True)
    assert (result["changed"], result["operation"], result["entity"]) == (True, "deleted", {})
    assert writes(pbx) == [("DELETE", "/Parameters(7)", None)]
    assert result["diff"]["before"] == {"Name": "CUSTOM", "Value": "1"} and result["diff"]["after"] == {}
    again = run(pbx, entity_set="Parameters", match={"Name": "CUSTOM"}, state="absent")
    assert (again["changed"], again["operation"]) == (False, "unchanged")


def test_a_singleton_is_patched_in_place(pbx):
    result = run(pbx, singleton="OfficeHours", properties={"TimeZoneId": "52"}, diff=True)
    assert writes(pbx) == [("PATCH", "/OfficeHours", {"TimeZoneId": "52"})]
    assert result["diff"] == {"before": {"TimeZoneId": "51"}, "after": {"TimeZoneId": "52"},
                              "before_header": "OfficeHours", "after_header": "OfficeHours"}
    assert result["entity"]["TimeZoneId"] == "52" and result["entity"]["SystemLanguage"] == "EN"


def test_check_mode_predicts_and_sends_no_write(pbx):
    result = run(pbx, check_mode=True, diff=True, entity_set="Users", id=3, properties={"FirstName": "Augusta"})
    assert result.rc == 0 and writes(pbx) == []
    assert result["entity"]["FirstName"] == "Augusta" and result["entity"]["LastName"] == "Lovelace"
    assert result["diff"] == {"before": {"FirstName": "Ada"}, "after": {"FirstName": "Augusta"},
                              "before_header": "Users 3", "after_header": "Users 3"}
    create = run(pbx, check_mode=True, entity_set="Groups", match={"Name": "Support"}, properties={"Language": "DE"})
    assert create["operation"] == "created" and create["entity"] == {"Name": "Support", "Language": "DE", "Id": None}
    assert writes(pbx) == []


def test_a_secret_is_sent_on_every_run_only_with_update_secrets_always(pbx):
    assert run(pbx, entity_set="Users", id=3, properties={"VMPIN": "4321"})["changed"] is False
    result = run(pbx, entity_set="Users", id=3, properties={"VMPIN": "4321"}, update_secrets="always", diff=True)
    assert result["changed"] is True and writes(pbx) == [("PATCH", "/Users(3)", {"VMPIN": "4321"})]
    assert "4321" not in result.stdout and result["entity"]["VMPIN"] == "********"


def test_a_secret_given_is_hidden_even_where_the_pbx_echoes_it_in_an_error(pbx):
    pbx.fail(odata_error(400, "VMPIN 98765 is too weak", [{"message": "98765 is too weak", "target": "VMPIN"}]),
             method="PATCH")
    result = run(pbx, entity_set="Users", id=3, properties={"VMPIN": "98765"}, update_secrets="always")
    assert result.rc == 1 and result["error"]["status"] == 400
    assert "98765" not in result.stdout and "VMPIN: " in result["msg"]


@pytest.mark.parametrize("args, words", [
    (dict(entity_set="Usres", id=3), ["entity_set", "Did you mean Users?"]),
    (dict(entity_set="Users", id=3, properties={"FirstNme": "x"}), ["properties.FirstNme", "Did you mean FirstName"]),
    (dict(entity_set="Users", id=3, properties={"Id": 4}), ["properties.Id", "server-computed"]),
    (dict(entity_set="Users", properties={"FirstName": "x"}), ["one of id or match"]),
    (dict(entity_set="Users", id=3, match={"Number": "100"}), ["mutually exclusive", "id|match"]),
    (dict(entity_set="Users", singleton="OfficeHours"), ["mutually exclusive"]),
    (dict(properties={"FirstName": "x"}), ["one of the following is required: entity_set, singleton"]),
    (dict(singleton="OfficeHours", id=1), ["a singleton has no id"]),
    (dict(singleton="OfficeHours", state="absent"), ["a singleton cannot be deleted"]),
    (dict(singleton="LicenseStatus", properties={"LicenseKey": "k"}), ["read-only in XAPI 20.0.10"]),
    (dict(entity_set="EmailTemplate", id="a.html", state="absent"), ["offers no delete"]),
    (dict(entity_set="Users", id="three"), ["id: must be the integer Id"]),
    (dict(entity_set="Users", id=3, properties=["FirstName"]), ["properties"]),
    (dict(entity_set="Users", id=3, update_secrets="sometimes"), ["update_secrets", "on_create, always"]),
])
def test_bad_input_fails_before_any_request(pbx, args, words):
    result = run(pbx, **args)
    assert result.rc == 1 and result.failed
    for word in words:
        assert word in result["msg"]
    assert pbx.calls == []


def test_a_change_of_a_create_only_property_fails_before_any_write(pbx):
    result = run(pbx, entity_set="Users", id=3, properties={"Number": "200"})
    assert result.rc == 1 and "Number cannot be changed once the user exists" in result["msg"]
    assert writes(pbx) == []


def test_create_by_id_is_refused(pbx):
    result = run(pbx, entity_set="Users", id=42, properties={"FirstName": "x"})
    assert result.rc == 1 and "id: no user has Id 42" in result["msg"] and writes(pbx) == []


def test_a_server_error_fails_the_task_with_its_fields(pbx):
    pbx.fail(odata_error(400, "Name:\nWARNINGS.XAPI.ALREADY_IN_USE",
                         [{"message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Name"}]), method="POST")
    result = run(pbx, entity_set="Groups", match={"Name": "Support"})
    assert result.rc == 1 and "Name: WARNINGS.XAPI.ALREADY_IN_USE" in result["msg"]
    assert result["error"]["method"] == "POST" and result["error"]["path"] == "/xapi/v1/Groups"


def test_a_number_given_for_a_text_property_warns(pbx):
    result = run(pbx, entity_set="Users", id=3, properties={"FirstName": 42})
    assert result.rc == 0 and writes(pbx) == [("PATCH", "/Users(3)", {"FirstName": "42"})]
    assert len(result["warnings"]) == 1 and "properties.FirstName: 42 was given as a number" in json.dumps(result["warnings"])


@pytest.mark.parametrize("match, words", [
    ({"Number": "100 "}, "match.Number: '100 ' has blanks at its start or end"),
    ({"Number": ""}, "match.Number: must not be empty."),
])
def test_a_match_that_would_create_a_near_duplicate_is_refused_before_any_request(pbx, match, words):
    result = run(pbx, entity_set="Users", match=match, properties={"FirstName": "Ada"})
    assert result.failed and result["msg"].startswith(words), result["msg"]
    assert pbx.api_calls() == []


def test_a_match_with_blanks_may_still_delete_what_it_names_exactly(pbx):
    pbx.put("Users", dict(Id=4, Number="100 ", FirstName="Typo"))
    result = run(pbx, entity_set="Users", match={"Number": "100 "}, state="absent")
    assert result.rc == 0 and result["operation"] == "deleted" and writes(pbx) == [("DELETE", "/Users(4)", None)]
