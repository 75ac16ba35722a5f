# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.threecx.xapi.plugins.module_utils import reconcile
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError
from ansible_collections.threecx.xapi.plugins.module_utils.entities.callflow_app import CALLFLOW_APP
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import PlanError
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import FakeResponse, FakeXapi, make_client

SCHEMA = CALLFLOW_APP


def lookup(**given):
    values = dict(id=None, number=None, name=None)
    values.update(given)
    return values


@pytest.fixture
def fake():
    return FakeXapi(apps=[
        dict(Number="8100", Name="Night", RoutingType="DialCode", ScriptCode="a\r\nb\r\n", Groups=[{"GroupId": 2, "Name": "DEFAULT"}]),
        dict(Number="8200", Name="O'Brien's app"),
        dict(Number="8300", Name="Twin"),
        dict(Number="8301", Name="Twin"),
    ])


@pytest.fixture
def client(fake):
    return make_client(fake)


# -- find -------------------------------------------------------------------

def test_find_by_id_reads_the_whole_entity(fake, client):
    app = reconcile.find(client, SCHEMA, lookup(id=1, number="9999", name="ignored"))
    assert app["Number"] == "8100" and app["ScriptCode"] == "a\r\nb\r\n" and app["Groups"][0]["GroupId"] == 2
    assert "@odata.context" not in app
    assert fake.api_calls()[0].path == "/xapi/v1/CallFlowApps(1)"


def test_find_by_unknown_id_is_none(client):
    assert reconcile.find(client, SCHEMA, lookup(id=77)) is None


def test_find_by_number_filters_on_number_before_name(fake, client):
    app = reconcile.find(client, SCHEMA, lookup(number="8300", name="Night"))
    assert app["Id"] == 3 and app["ScriptCode"] is None and "Groups" in app and "Trunk" in app
    assert fake.api_calls()[0].query["$filter"] == "Number eq '8300'"


def test_find_by_name_doubles_quotes(fake, client):
    app = reconcile.find(client, SCHEMA, lookup(name="O'Brien's app"))
    assert app["Id"] == 2
    assert fake.api_calls()[0].query["$filter"] == "Name eq 'O''Brien''s app'"


def test_find_nothing_is_none(client):
    assert reconcile.find(client, SCHEMA, lookup(name="Nobody")) is None


def test_two_apps_with_one_name_is_an_error_listing_their_ids(client):
    with pytest.raises(PlanError) as err:
        reconcile.find(client, SCHEMA, lookup(name="Twin"))
    assert "ids 3, 4" in str(err.value)
    assert "give id" in str(err.value)


def test_no_identity_is_an_error():
    with pytest.raises(PlanError, match="id, number, name"):
        reconcile.identity(SCHEMA, lookup())


# -- plan -------------------------------------------------------------------

NIGHT = {"Id": 1, "Number": "8100", "Name": "Night", "RoutingType": "DialCode", "ScriptCode": "a\r\nb\r\n",
         "Groups": [{"GroupId": 2, "Name": "DEFAULT"}], "Trunk": None}


def by(option, value):
    return SCHEMA.by_option[option], value


def test_plan_create():
    desired = {"Number": "8500", "Name": "New", "ScriptCode": "x"}
    plan = reconcile.plan(SCHEMA, None, desired, lookup=by("number", "8500"))
    assert (plan.action, plan.changed, plan.operation) == ("create", True, "created")
    assert plan.changes == desired
    assert plan.predicted == {"Id": None, "Number": "8500", "Name": "New", "ScriptCode": "x"}


def test_plan_update_changes_only_what_differs():
    plan = reconcile.plan(SCHEMA, NIGHT, {"Number": "8100", "Name": "Day", "ScriptCode": "a\nb\n"}, lookup=by("number", "8100"))
    assert (plan.action, plan.operation) == ("update", "updated")
    assert plan.changes == {"Name": "Day"}
    assert plan.predicted["Name"] == "Day" and plan.predicted["ScriptCode"] == "a\r\nb\r\n"


def test_plan_nothing_to_do():
    plan = reconcile.plan(SCHEMA, NIGHT, {"Name": "Night", "Groups": [{"GroupId": 2}]}, lookup=by("name", "Night"))
    assert (plan.action, plan.changed, plan.operation) == ("none", False, "unchanged")
    assert plan.predicted == NIGHT


def test_plan_delete():
    plan = reconcile.plan(SCHEMA, NIGHT, {"Number": "8100"}, state="absent")
    assert (plan.action, plan.operation, plan.predicted) == ("delete", "deleted", {})


def test_plan_absent_when_missing_does_nothing():
    plan = reconcile.plan(SCHEMA, None, {"Number": "8100"}, state="absent")
    assert (plan.action, plan.changed, plan.predicted) == ("none", False, {})


def test_number_of_an_existing_app_cannot_change():
    with pytest.raises(PlanError) as err:
        reconcile.plan(SCHEMA, NIGHT, {"Number": "8101", "Name": "Night"}, lookup=by("id", 1))
    assert str(err.value).startswith("number: ")
    assert "'8100'" in str(err.value) and "cannot be changed" in str(err.value)


def test_same_number_given_as_an_int_is_no_change():
    assert reconcile.plan(SCHEMA, NIGHT, {"Number": 8100}, lookup=by("id", 1)).action == "none"


@pytest.mark.parametrize("desired, missing", [({"Name": "New"}, "number"), ({"Number": "8500"}, "name"), ({}, "number, name")])
def test_create_needs_name_and_number(desired, missing):
    with pytest.raises(PlanError) as err:
        reconcile.plan(SCHEMA, None, desired, lookup=by("name", "New"))
    assert str(err.value).startswith(missing + ": ")
    assert "needs number and name" in str(err.value)


def test_create_by_id_is_refused():
    with pytest.raises(PlanError) as err:
        reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New"}, lookup=by("id", 42))
    assert str(err.value).startswith("id: ") and "assigns ids" in str(err.value)


# -- execute ----------------------------------------------------------------

def test_execute_update_patches_only_the_changes_then_rereads(fake, client):
    current = reconcile.find(client, SCHEMA, lookup(number="8100"))
    plan = reconcile.plan(SCHEMA, current, {"Name": "Day", "ScriptCode": "a\nb", "RoutingType": "DialCode"})
    entity = reconcile.execute(client, SCHEMA, plan)
    assert [(c.method, c.path, c.json) for c in fake.writes()] == [("PATCH", "/xapi/v1/CallFlowApps(1)", {"Name": "Day"})]
    last = fake.api_calls()[-1]
    assert (last.method, last.path) == ("GET", "/xapi/v1/CallFlowApps(1)") and "ScriptCode" in last.query["$select"]
    assert entity["Name"] == "Day" and entity["ScriptCode"] == "a\r\nb\r\n"


def test_execute_create_posts_then_rereads_the_new_app(fake, client):
    plan = reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New", "ScriptCode": "x\ny"})
    entity = reconcile.execute(client, SCHEMA, plan)
    assert [(c.method, c.json) for c in fake.writes()] == [("POST", {"Number": "8500", "Name": "New", "ScriptCode": "x\ny"})]
    assert entity["Id"] == 5 and entity["ScriptCode"] == "x\r\ny"  # the server's copy, not the request
    assert fake.api_calls()[-1].path == "/xapi/v1/CallFlowApps(5)"


def test_execute_nothing_sends_nothing(fake, client):
    current = reconcile.find(client, SCHEMA, lookup(number="8100"))
    assert reconcile.execute(client, SCHEMA, reconcile.plan(SCHEMA, current, {"Name": "Night"})) == current
    assert fake.writes() == [] and len(fake.api_calls()) == 1


def test_execute_delete(fake, client):
    plan = reconcile.plan(SCHEMA, NIGHT, {}, state="absent")
    assert reconcile.execute(client, SCHEMA, plan) == {}
    assert [(c.method, c.path) for c in fake.writes()] == [("DELETE", "/xapi/v1/CallFlowApps(1)")]
    assert 1 not in fake.apps


def test_execute_delete_of_an_app_already_gone_is_fine(fake, client):
    plan = reconcile.plan(SCHEMA, NIGHT, {}, state="absent")
    del fake.apps[1]
    assert reconcile.execute(client, SCHEMA, plan) == {}


def test_execute_delete_other_errors_still_fail(fake, client):
    fake.fail(FakeResponse(403), method="DELETE")
    with pytest.raises(XapiError):
        reconcile.execute(client, SCHEMA, reconcile.plan(SCHEMA, NIGHT, {}, state="absent"))


def _lost_answer():
    return requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed connection'))")


def test_create_with_lost_answer_that_did_create_is_not_posted_again(fake, client):
    plan = reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New"})
    fake.fail(_lost_answer(), method="POST")
    fake.add(Number="8500", Name="New")  # the PBX did create it; only the answer got lost
    entity = reconcile.execute(client, SCHEMA, plan)
    assert entity["Number"] == "8500" and entity["Id"] == 5
    assert [c.method for c in fake.writes()] == ["POST"]
    assert [a["Number"] for a in fake.apps.values()].count("8500") == 1
    probe = fake.api_calls()[1]
    assert (probe.method, probe.query.get("$filter")) == ("GET", "Number eq '8500'")


def test_create_with_lost_answer_that_did_not_create_is_posted_once_more(fake, client):
    plan = reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New"})
    fake.fail(_lost_answer(), method="POST")
    entity = reconcile.execute(client, SCHEMA, plan)
    assert entity["Number"] == "8500"
    calls = [(c.method, c.query.get("$filter")) for c in fake.api_calls()]
    assert calls[:3] == [("POST", None), ("GET", "Number eq '8500'"), ("POST", None)]
    assert [a["Number"] for a in fake.apps.values()].count("8500") == 1


def test_create_after_gateway_error_looks_before_posting_again(fake, client):
    plan = reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New"})
    fake.fail(FakeResponse(502), method="POST")
    fake.add(Number="8500", Name="New")
    reconcile.execute(client, SCHEMA, plan)
    assert [c.method for c in fake.writes()] == ["POST"]


@pytest.mark.parametrize("answer", [FakeResponse(201), FakeResponse(201, {"@odata.context": "x"}), FakeResponse(204)])
def test_create_whose_answer_has_no_entity_finds_the_new_app_by_number(fake, client, answer):
    plan = reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New"})
    fake.fail(answer, method="POST")
    fake.add(Number="8500", Name="New")  # what the POST made
    entity = reconcile.execute(client, SCHEMA, plan)
    assert entity["Id"] == 5 and entity["Number"] == "8500"
    assert [c.method for c in fake.writes()] == ["POST"]


def test_create_whose_answer_has_no_entity_and_nothing_was_made_fails(fake, client):
    plan = reconcile.plan(SCHEMA, None, {"Number": "8500", "Name": "New"})
    fake.fail(FakeResponse(201), method="POST")
    with pytest.raises(XapiError) as err:
        reconcile.execute(client, SCHEMA, plan)
    assert "cannot be found" in str(err.value)
    assert [c.method for c in fake.writes()] == ["POST"]
