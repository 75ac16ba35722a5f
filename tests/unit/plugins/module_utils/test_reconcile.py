# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine: lookups, find, find_many, plan, execute and the diff, over a fake PBX."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import tracemalloc

import pytest
import requests

from ansible_collections.threecx.xapi.plugins.module_utils import reconcile, registry
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import Lookup, PlanError
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SECRET_MASK, EntitySchema, Field, SchemaError, text_digest
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import FakeResponse, make_client, odata_error

USERS = registry.entity_set("Users")
APPS = registry.entity_set("CallFlowApps")
GROUPS = registry.entity_set("Groups")
PARAMETERS = registry.entity_set("Parameters")
BLOCKED = registry.entity_set("BlackListNumbers")
BACKUPS = registry.entity_set("Backups")
HOURS = registry.singleton("OfficeHours")
TRUNKS = registry.entity_set("Trunks")
MEMBERSHIP = [{"GroupId": 2, "Name": "DEFAULT", "Rights": {"RoleName": "users"}}]


def dropped():
    return requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))")


def posts_applied_then_dropped(route):
    """A route that applies each POST, then drops the connection before the answer."""
    def store_then_drop(call):
        answer = route(call)
        if call.method == "POST":
            raise dropped()
        return answer

    store_then_drop.undropped = route
    return store_then_drop


@pytest.fixture
def pbx():
    return FakePbx(
        sets={
            "Users": [dict(Id=10, Number="100", FirstName="Ada", LastName="Lovelace", VMPIN="****", Groups=MEMBERSHIP),
                      dict(Id=11, Number="101", FirstName="Bob", LastName="O'Brien", Groups=MEMBERSHIP)],
            "Groups": [dict(Id=1, Name="Sales", Language="EN"), dict(Id=2, Name="O'Brien's", Language="DE"),
                       dict(Id=3, Name="Twin"), dict(Id=4, Name="Twin")],
            "Parameters": [dict(Id=7, Name="CUSTOM", Value="1")],
            "CallFlowApps": [dict(Id=5, Number="8100", Name="Night", ScriptCode="a\r\nb\r\n")],
            "BlackListNumbers": [dict(Id="b1", CallerId="0900", Description="spam")],
            "Backups": [dict(FileName="monday.zip", Size=10)],
        },
        keys={"BlackListNumbers": "Id", "Backups": "FileName"},
        singletons={"OfficeHours": dict(BreakTime=None, OfficeHolidays=[])})


def client_of(pbx):
    return make_client(pbx)


def api(pbx):
    """The API requests sent, as (method, path without /xapi/v1, body)."""
    return [(c.method, c.path.replace("/xapi/v1", ""), c.json) for c in pbx.api_calls()]


def writes(pbx):
    return [(m, p, b) for m, p, b in api(pbx) if m != "GET"]


# -- lookups --------------------------------------------------------------------------------------

def test_first_of_takes_the_first_identity_given():
    lookup = Lookup.first_of(APPS, [("Id", "id", None), ("Number", "number", "8100"), ("Name", "name", "Night")])
    assert (lookup.by_key, lookup.match, lookup.option) == (False, {"Number": "8100"}, "number")
    lookup = Lookup.first_of(APPS, [("Id", "id", 5), ("Number", "number", "8100")])
    assert (lookup.by_key, lookup.key, lookup.match, lookup.option) == (True, 5, {}, "id")
    lookup = Lookup.first_of(APPS, [("Id", "id", 0)])
    assert lookup.by_key and lookup.key == 0  # an id of 0 is still given
    assert Lookup.first_of(APPS, [("Id", "id", None), ("Name", "name", None)]) is None


def test_a_lookup_describes_itself_for_messages():
    assert Lookup(APPS, key=5, option="id").describe() == "id 5"
    assert Lookup(APPS, key=5).describe() == "Id 5"
    assert Lookup(APPS, match={"Number": "8100", "Name": "Night"}).describe() == "Name 'Night' and Number '8100'"
    assert Lookup(APPS, key=5).value() == 5
    assert Lookup(APPS, match={"Number": "8100", "Name": "Night"}).value() == "Night, 8100"


def test_check_match_parses_scalar_properties():
    assert reconcile.check_match(USERS, {"Number": 101}) == {"Number": "101"}
    assert reconcile.check_match(USERS, {"Number": "101", "FirstName": "Ada"}) == {"Number": "101", "FirstName": "Ada"}
    assert reconcile.check_match(GROUPS, {"Id": "3"}) == {"Id": 3}  # computed, but a lookup may name it


NOT_A_DICT = "must be a non-empty dict of property: value, e.g. {Number: '101'}."
NOT_SCALAR = "an entity can only be matched by a single scalar property (text, number, boolean, enum); %s is not one."


@pytest.mark.parametrize("match, option, message", [
    (None, "match", NOT_A_DICT),
    ({}, "match", NOT_A_DICT),
    ("Number=101", "match", NOT_A_DICT),
    ({"Groups": [{"GroupId": 2}]}, "match.Groups", NOT_SCALAR % "Groups"),
    ({"Tags": "MS"}, "match.Tags", NOT_SCALAR % "Tags"),
    ({"Phones": []}, "match.Phones", NOT_SCALAR % "Phones"),
    ({"AgentSettings": {}}, "match.AgentSettings", NOT_SCALAR % "AgentSettings"),
    ({"Number": None}, "match.Number", "cannot be null in a match."),
    ({"QueueStatus": "Sleeping"}, "match.QueueStatus",
     "'Sleeping' is not a valid value. Accepted: one of LoggedOut, LoggedIn."),
])
def test_check_match_refuses_what_cannot_name_one_entity(match, option, message):
    with pytest.raises(SchemaError) as err:
        reconcile.check_match(USERS, match)
    assert err.value.option == option
    assert str(err.value) == "%s: %s" % (option, message)


def test_check_match_of_an_unknown_property_offers_close_matches():
    with pytest.raises(SchemaError) as err:
        reconcile.check_match(USERS, {"Numbr": "101"})
    assert str(err.value).startswith("match.Numbr: 'Numbr' is not a property of Pbx.User. Did you mean Number?")


def test_check_match_offers_only_scalar_names():
    with pytest.raises(SchemaError) as err:
        reconcile.check_match(USERS, {"Gropus": 1}, option="items[0].match")
    assert err.value.option == "items[0].match.Gropus"
    accepted = str(err.value).split("Accepted: ")[1].rstrip(".").split(", ")
    assert "Number" in accepted and "QueueStatus" in accepted and "VMEnabled" in accepted
    for other in ("Groups", "Phones", "Tags", "AgentSettings"):
        assert other not in accepted


# -- find ---------------------------------------------------------------------------------------

def test_find_by_key_reads_the_entity_without_read_only_relations(pbx):
    user = reconcile.find(client_of(pbx), USERS, Lookup(USERS, key=10))
    assert user["FirstName"] == "Ada" and "@odata.context" not in user
    call = pbx.api_calls()[0]
    assert call.path == "/xapi/v1/Users(10)"
    assert call.query["$expand"] == ",".join(USERS.projection(computed_navigation=False)[1])


def test_find_by_a_missing_key_answers_none_and_other_errors_are_raised(pbx):
    assert reconcile.find(client_of(pbx), USERS, Lookup(USERS, key=99)) is None
    pbx.fail(odata_error(500, "boom"), method="GET")
    with pytest.raises(XapiError) as err:
        reconcile.find(client_of(pbx), USERS, Lookup(USERS, key=10))
    assert err.value.status == 500


def test_find_by_an_alternate_key_reads_it_directly(pbx):
    user = reconcile.find(client_of(pbx), USERS, Lookup(USERS, match={"Number": "101"}))
    assert user["Id"] == 11
    assert [c.path for c in pbx.api_calls()] == ["/xapi/v1/Users(Number='101')"]
    assert reconcile.find(client_of(pbx), USERS, Lookup(USERS, match={"Number": "999"})) is None
    pbx.fail(odata_error(403, "no"), method="GET")
    with pytest.raises(XapiError):
        reconcile.find(client_of(pbx), USERS, Lookup(USERS, match={"Number": "100"}))


def test_find_by_two_properties_filters_even_with_an_alternate_key(pbx):
    user = reconcile.find(client_of(pbx), USERS, Lookup(USERS, match={"Number": "101", "LastName": "O'Brien"}))
    assert user["Id"] == 11
    call = pbx.api_calls()[0]
    assert call.path == "/xapi/v1/Users"
    assert call.query["$filter"] == "(LastName eq 'O''Brien') and (Number eq '101')"
    assert call.query["$orderby"] == "Id"


def test_find_by_a_property_filters_with_quoting(pbx):
    group = reconcile.find(client_of(pbx), GROUPS, Lookup(GROUPS, match={"Name": "O'Brien's"}))
    assert group["Id"] == 2
    call = pbx.api_calls()[0]
    assert call.query["$filter"] == "Name eq 'O''Brien''s'"
    assert "$select" not in call.query
    assert reconcile.find(client_of(pbx), GROUPS, Lookup(GROUPS, match={"Name": "Nobody"})) is None


def test_find_of_an_ambiguous_match_fails_listing_the_ids(pbx):
    with pytest.raises(PlanError) as err:
        reconcile.find(client_of(pbx), GROUPS, Lookup(GROUPS, match={"Name": "Twin"}))
    assert str(err.value) == "2 departments have Name 'Twin' (ids 3, 4); give the id to pick one."


def test_find_of_a_singleton_reads_it(pbx):
    hours = reconcile.find(client_of(pbx), HOURS, None)
    assert hours == {"BreakTime": None, "OfficeHolidays": []}
    assert pbx.api_calls()[0].path == "/xapi/v1/OfficeHours"
    pbx.fail(odata_error(404, "gone"), method="GET")
    with pytest.raises(XapiError):
        reconcile.read(client_of(pbx), HOURS)  # a singleton always exists: a 404 is an error


def trunks_pbx():
    return FakePbx(sets={"Trunks": [dict(Id=55, Number="10000", Gateway={"Name": "Provider A"}, RoutingRules=[]),
                                    dict(Id=56, Number="10001", Gateway={"Name": "Provider B"}),
                                    dict(Id=57, Number="10002", Gateway=None)]})


def test_find_leaves_read_only_relations_out_of_every_read():
    pbx = trunks_pbx()
    client = client_of(pbx)
    reconcile.find(client, TRUNKS, Lookup(TRUNKS, key=55))
    reconcile.find(client, TRUNKS, Lookup(TRUNKS, match={"Number": "10001"}))
    reconcile.find(client, TRUNKS, Lookup(TRUNKS, match={"Number": "10001", "Direction": "Both"}))
    expand = ",".join(TRUNKS.projection(computed_navigation=False)[1])
    assert "RoutingRules" in ",".join(TRUNKS.projection()[1]) and "RoutingRules" not in expand
    assert [c.query.get("$expand") for c in pbx.api_calls()] == [expand, expand, expand]
    assert [c.path for c in pbx.api_calls()] == [
        "/xapi/v1/Trunks(55)", "/xapi/v1/Trunks(Number='10001')", "/xapi/v1/Trunks"]


def test_find_by_an_alternate_key_selects_what_a_select_only_property_needs():
    pbx = FakePbx(sets={"CallFlowApps": [dict(Id=5, Number="8100", Name="Night")]})
    apps_by_number = EntitySchema("CallFlowApps", "/CallFlowApps", APPS.name, key="Id", alt_keys=("Number",),
                                  verbs=APPS.verbs, build=lambda: list(APPS.fields.values()))
    reconcile.find(client_of(pbx), apps_by_number, Lookup(apps_by_number, match={"Number": "8100"}))
    call = pbx.api_calls()[0]
    assert call.path == "/xapi/v1/CallFlowApps(Number='8100')"
    select, expand = APPS.projection(computed_navigation=False)
    assert (call.query["$select"], call.query["$expand"]) == (",".join(select), ",".join(expand))


def test_find_by_a_nested_property_matches_on_the_client():
    pbx = trunks_pbx()
    trunk = reconcile.find(client_of(pbx), TRUNKS, Lookup(TRUNKS, match={"Gateway.Name": "Provider B"}))
    assert trunk["Id"] == 56
    call = pbx.api_calls()[0]
    assert "$filter" not in call.query and call.query["$orderby"] == "Id"
    assert call.query["$expand"] == ",".join(TRUNKS.projection(computed_navigation=False)[1])
    assert reconcile.find(client_of(pbx), TRUNKS, Lookup(TRUNKS, match={"Gateway.Name": "Nobody"})) is None
    found = reconcile.find(client_of(pbx), TRUNKS, Lookup(TRUNKS, match={"Gateway.Name": "Provider A", "Number": "10000"}))
    assert found["Id"] == 55
    assert reconcile.find(client_of(pbx), TRUNKS, Lookup(TRUNKS, match={"Gateway.Name": "Provider A", "Number": "10001"})) is None


def test_find_by_filter_orders_by_the_sets_own_key(pbx):
    pbx.sets["Backups"]["tuesday.zip"] = dict(FileName="tuesday.zip", Size=10)
    with pytest.raises(PlanError) as err:
        reconcile.find(client_of(pbx), BACKUPS, Lookup(BACKUPS, match={"Size": 10}))
    assert "(ids monday.zip, tuesday.zip)" in str(err.value)
    assert pbx.api_calls()[0].query["$orderby"] == "FileName"


# -- find_many --------------------------------------------------------------------------------------

def test_find_many_matches_by_key_or_identity_in_one_paged_read(pbx):
    lookups = [("Number", "101"), ("Id", 10), ("Number", "999"), ("Number", 101)]
    matches, unmatched = reconcile.find_many(client_of(pbx), USERS, lookups)
    assert [[e["Id"] for e in found] for found in matches] == [[11], [10], [], [11]]
    assert unmatched == []
    call = pbx.api_calls()[0]
    assert len(pbx.api_calls()) == 1 and call.query["$orderby"] == "Id" and call.query["$top"] == "100"


def test_find_many_lists_every_entity_a_name_matches(pbx):
    matches = reconcile.find_many(client_of(pbx), GROUPS, [("Name", "Twin")])[0]
    assert [e["Id"] for e in matches[0]] == [3, 4]


def test_find_many_keeps_only_the_identity_of_unmatched_entities(pbx):
    matches, unmatched = reconcile.find_many(client_of(pbx), APPS, [("Number", "8100")], keep_unmatched=True)
    assert unmatched == []
    pbx.put("CallFlowApps", dict(Id=6, Number="8200", Name="Day", ScriptCode="x" * 1000))
    matches, unmatched = reconcile.find_many(client_of(pbx), APPS, [("Number", "8100")], keep_unmatched=True)
    assert unmatched == [{"Id": 6, "Number": "8200", "Name": "Day"}]
    assert reconcile.find_many(client_of(pbx), APPS, [("Number", "8100")])[1] == []


class PagedClient:
    """A client whose collection pages are made on demand: the whole set never exists at once."""

    def __init__(self, count, size):
        self.count, self.size = count, size

    def get(self, path, query=None):
        params = dict(part.split("=", 1) for part in query.split("&"))
        skip, top = int(params.get("$skip", 0)), int(params["$top"])
        return {"value": [{"Id": i, "Number": str(1000 + i), "Name": "App %d" % i, "ScriptCode": ("%08d" % i) * (self.size // 8)}
                          for i in range(skip, min(skip + top, self.count))]}


def test_find_many_holds_the_matched_entities_only_not_the_pbx():
    """Memory follows the task's list: of 2000 entities of 50 kB each (100 MB), only the matched ones stay."""
    client = PagedClient(2000, 50000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        matches, unmatched = reconcile.find_many(client, APPS, [("Number", "1005"), ("Number", "3000")], keep_unmatched=True)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [[e["Id"] for e in found] for found in matches] == [[5], []]
    assert len(unmatched) == 1999 and set(unmatched[0]) == {"Id", "Number", "Name"}
    total = 2000 * 50000
    assert retained - before < total / 50    # one matched entity and 1999 small identities, not the set
    assert peak - before < total / 4         # one page of 100 at a time


# -- plan ------------------------------------------------------------------------------------------------

def test_plan_absent_of_a_missing_entity_is_none():
    plan = reconcile.plan(APPS, None, {}, "absent")
    assert (plan.action, plan.changed, plan.operation, plan.predicted) == ("none", False, "unchanged", {})


def test_plan_absent_deletes_the_entity_found():
    current = dict(Id=5, Number="8100", Name="Night")
    plan = reconcile.plan(APPS, current, {}, "absent", identity={"Number": "8100", "Name": None})
    assert (plan.action, plan.operation, plan.predicted, plan.changes) == ("delete", "deleted", {}, {})


def test_plan_absent_refuses_an_entity_whose_other_identity_does_not_match():
    current = dict(Id=5, Number="8100", Name="Night")
    lookup = Lookup(APPS, key=5, option="id")
    with pytest.raises(PlanError) as err:
        reconcile.plan(APPS, current, {}, "absent", lookup, identity={"Id": 5, "Number": "8100", "Name": "Day"})
    assert str(err.value) == ("state=absent: the Call Flow App found by id 5 has Name 'Night', not 'Day'; nothing was deleted. "
                              "Give only options that name the same Call Flow App.")
    with pytest.raises(PlanError) as err:
        reconcile.plan(APPS, current, {}, "absent", identity={"Number": "8101"})
    assert "found by its identity has Number '8100', not '8101'" in str(err.value)
    assert reconcile.plan(APPS, current, {}, "absent", lookup, identity={"Id": "5"}).action == "delete"


def test_plan_update_holds_only_the_changes_and_predicts_the_result():
    current = dict(Id=10, Number="100", FirstName="Ada", LastName="Lovelace", Groups=MEMBERSHIP)
    plan = reconcile.plan(USERS, current, {"FirstName": "Augusta", "LastName": "Lovelace", "Groups": [{"GroupId": 2}]})
    assert (plan.action, plan.operation, plan.changed) == ("update", "updated", True)
    assert plan.changes == {"FirstName": "Augusta"}
    assert plan.predicted == dict(current, FirstName="Augusta")
    assert current["FirstName"] == "Ada"


def test_plan_of_what_is_already_there_is_none_and_predicts_the_current_entity():
    current = dict(Id=10, Number="100", FirstName="Ada")
    plan = reconcile.plan(USERS, current, {"FirstName": "Ada", "Number": "100"})
    assert (plan.action, plan.changes, plan.predicted) == ("none", {}, current)


def test_plan_refuses_a_change_of_a_create_only_property_naming_the_id():
    current = dict(Id=10, Number="100", FirstName="Ada")
    with pytest.raises(PlanError) as err:
        reconcile.plan(USERS, current, {"Number": "200"}, lookup=Lookup(USERS, key=10, option="id"))
    assert str(err.value) == ("number: the user with Id 10 has Number '100'; Number cannot be changed once the user exists "
                              "(delete it and create it again with the new value).")
    with pytest.raises(PlanError) as err:
        reconcile.plan(USERS, current, {"Number": "200"}, lookup=Lookup(USERS, match={"Number": "200"}, option="properties"))
    assert str(err.value).startswith("properties: the user with Id 10")


def test_plan_compares_by_the_rules_given_for_this_entity():
    queues = registry.entity_set("Queues")
    current = dict(Id=4, Number="800", Agents=[{"Number": "100"}, {"Number": "101"}])
    hunt = [{"Number": "101"}, {"Number": "100"}]
    assert reconcile.plan(queues, current, {"Agents": hunt}).action == "none"
    plan = reconcile.plan(queues, current, {"Agents": hunt}, rules={"Agents": "ordered_by_key"})
    assert plan.action == "update" and plan.changes == {"Agents": hunt}
    assert plan.predicted["Agents"] == hunt


def test_the_diff_shows_an_ordered_collection_in_its_order():
    queues = registry.entity_set("Queues")
    hunt = [{"Number": "101"}, {"Number": "100"}]
    update = reconcile.plan(queues, dict(Id=4, Number="800", Agents=hunt), {"Agents": hunt[::-1]}, rules={"Agents": "ordered_by_key"})
    assert update.diff() == {"before": {"Agents": hunt}, "after": {"Agents": hunt[::-1]}}
    create = reconcile.plan(queues, None, {"Number": "800", "Agents": hunt}, rules={"Agents": "ordered_by_key"})
    assert create.diff()["after"]["Agents"] == hunt


def test_plan_update_sends_a_concealed_secret_only_with_update_secrets_always():
    current = dict(Id=10, Number="100", VMPIN="****")
    assert reconcile.plan(USERS, current, {"VMPIN": "1234"}).action == "none"
    plan = reconcile.plan(USERS, current, {"VMPIN": "1234"}, update_secrets="always")
    assert plan.action == "update" and plan.changes == {"VMPIN": "1234"}


def test_plan_create_sends_the_desired_and_the_lookups_properties():
    plan = reconcile.plan(GROUPS, None, {"Language": "EN"}, lookup=Lookup(GROUPS, match={"Name": "Support"}))
    assert (plan.action, plan.operation) == ("create", "created")
    assert plan.changes == {"Language": "EN", "Name": "Support"}
    assert plan.predicted == {"Language": "EN", "Name": "Support", "Id": None}


def test_plan_create_leaves_server_computed_properties_out_of_the_body():
    plan = reconcile.plan(GROUPS, None, {"Name": "Support", "HasMembers": True})
    assert plan.changes == {"Name": "Support"}


def test_plan_create_of_a_string_keyed_entity_sends_its_key():
    plan = reconcile.plan(BLOCKED, None, {"CallerId": "0900"}, lookup=Lookup(BLOCKED, key="b2", option="id"))
    assert plan.changes == {"CallerId": "0900", "Id": "b2"} and plan.predicted["Id"] == "b2"


def test_a_plan_error_named_inside_an_item_keeps_its_option():
    nested = PlanError("template: the trunk does not exist yet.", "template").within("trunks[2]")
    assert (str(nested), nested.option) == ("trunks[2].template: the trunk does not exist yet.", "template")
    nested = PlanError("the Backups does not exist.").within("backups[0]")
    assert (str(nested), nested.option) == ("backups[0]: the Backups does not exist.", None)


def test_plan_create_needs_the_required_properties():
    with pytest.raises(PlanError) as err:
        reconcile.plan(APPS, None, {"Name": "New"})
    assert str(err.value) == "number: the Call Flow App does not exist yet and creating it needs number and name."
    assert err.value.option == "number"
    with pytest.raises(PlanError) as err:
        reconcile.plan(APPS, None, {"RoutingType": "DialCode"}, lookup=Lookup(APPS, match={"Number": "8500"}))
    assert str(err.value).startswith("name: the Call Flow App does not exist yet")


def test_plan_create_by_an_int_id_is_refused_naming_the_id():
    with pytest.raises(PlanError) as err:
        reconcile.plan(APPS, None, {"Name": "New"}, lookup=Lookup(APPS, key=42, option="id"))
    assert str(err.value) == ("id: no Call Flow App has Id 42. The PBX assigns ids; to create the Call Flow App, "
                              "name it by Number or Name instead.")
    with pytest.raises(PlanError) as err:
        reconcile.plan(registry.entity_set("Contacts"), None, {}, lookup=Lookup(registry.entity_set("Contacts"), key=3))
    assert "Id: no contact has Id 3" in str(err.value) and "name it by its properties instead" in str(err.value)


def test_plan_create_in_a_set_that_cannot_create_is_refused():
    with pytest.raises(PlanError) as err:
        reconcile.plan(BACKUPS, None, {}, lookup=Lookup(BACKUPS, key="x.zip", option="id"))
    assert str(err.value) == "the Backups id x.zip does not exist, and XAPI offers no way to create Backupss."


# -- execute ---------------------------------------------------------------------------------------

def run(pbx, schema, current, desired, state="present", lookup=None, **kwargs):
    plan = reconcile.plan(schema, current, desired, state, lookup, **kwargs)
    return plan, reconcile.execute(client_of(pbx), schema, plan)


def test_execute_none_sends_nothing_and_answers_the_current_entity(pbx):
    current = pbx.entity("Parameters", 7)
    plan, entity = run(pbx, PARAMETERS, current, {"Value": "1"})
    assert entity == current and pbx.calls == []
    assert reconcile.execute(client_of(pbx), APPS, reconcile.plan(APPS, None, {}, "absent")) == {}


def test_execute_update_patches_the_changes_then_reads_the_entity(pbx):
    plan, entity = run(pbx, PARAMETERS, dict(pbx.entity("Parameters", 7)), {"Value": "2"})
    assert api(pbx) == [("PATCH", "/Parameters(7)", {"Value": "2"}), ("GET", "/Parameters(7)", None)]
    assert entity == {"Id": 7, "Name": "CUSTOM", "Value": "2"}


def test_execute_reads_the_written_entity_as_find_does_so_a_second_run_returns_the_same():
    pbx = trunks_pbx()
    current = reconcile.find(client_of(pbx), TRUNKS, Lookup(TRUNKS, key=55))
    plan, entity = run(pbx, TRUNKS, current, {"Number": "10000", "Direction": "Both"})
    expand = ",".join(TRUNKS.projection(computed_navigation=False)[1])
    assert [c.query.get("$expand") for c in pbx.api_calls() if c.method == "GET"] == [expand, expand]
    assert "RoutingRules" not in expand


def test_a_singleton_is_read_and_read_back_with_its_computed_relations():
    my_group = registry.singleton("MyGroup")
    pbx = FakePbx(singletons={"MyGroup": dict(Name="HQ", AnswerAfter=10, Rights=[])})
    current = reconcile.find(client_of(pbx), my_group, None)
    run(pbx, my_group, current, {"AnswerAfter": 20})
    expand = ",".join(my_group.projection()[1])
    assert "Rights" in expand  # a relation the PBX computes: shown, never compared
    assert [c.query.get("$expand") for c in pbx.api_calls() if c.method == "GET"] == [expand, expand]


def test_execute_update_of_a_singleton_patches_it(pbx):
    plan, entity = run(pbx, HOURS, pbx.singletons["OfficeHours"], {"TimeZoneId": "51"})
    assert writes(pbx) == [("PATCH", "/OfficeHours", {"TimeZoneId": "51"})]
    assert entity["TimeZoneId"] == "51"


def test_execute_delete_sends_delete_and_a_404_means_done(pbx):
    plan, entity = run(pbx, PARAMETERS, dict(pbx.entity("Parameters", 7)), {}, "absent")
    assert entity == {} and writes(pbx) == [("DELETE", "/Parameters(7)", None)]
    pbx.fail(odata_error(404, "gone"), method="DELETE")
    plan, entity = run(pbx, PARAMETERS, {"Id": 7, "Name": "CUSTOM"}, {}, "absent")
    assert entity == {}
    pbx.fail(odata_error(409, "in use"), method="DELETE")
    with pytest.raises(XapiError) as err:
        run(pbx, PARAMETERS, {"Id": 7}, {}, "absent")
    assert err.value.status == 409


def test_execute_create_posts_then_reads_the_new_entity(pbx):
    plan, entity = run(pbx, PARAMETERS, None, {"Value": "9"}, lookup=Lookup(PARAMETERS, match={"Name": "NEW"}))
    assert api(pbx) == [("POST", "/Parameters", {"Value": "9", "Name": "NEW"}), ("GET", "/Parameters(8)", None)]
    assert entity == {"Id": 8, "Value": "9", "Name": "NEW"}


def test_execute_create_finds_the_new_entity_when_the_post_answers_without_it(pbx):
    pbx.post_answers_entity = False
    plan, entity = run(pbx, PARAMETERS, None, {"Name": "NEW", "Value": "9"})
    assert [(m, p) for m, p, _b in api(pbx)] == [("POST", "/Parameters"), ("GET", "/Parameters"), ("GET", "/Parameters(8)")]
    assert pbx.api_calls()[1].query["$filter"] == "Name eq 'NEW'"
    assert entity["Id"] == 8


def test_execute_create_fails_when_the_new_entity_cannot_be_found(pbx):
    pbx.fail(FakeResponse(204), method="POST")
    with pytest.raises(XapiError) as err:
        run(pbx, PARAMETERS, None, {"Name": "NEW"})
    assert str(err.value) == "POST /Parameters succeeded but the new parameter cannot be found."
    pbx.fail(FakeResponse(201, {"Id": 77}), method="POST")
    with pytest.raises(XapiError) as err:
        run(pbx, PARAMETERS, None, {"Name": "NEW"})
    assert str(err.value) == "The parameter with Id 77 vanished right after it was written."


def test_post_then_patch_sends_the_basics_in_the_post_and_the_rest_in_a_patch(pbx):
    pbx.refused_on_post["Users"] = ("VMEnabled", "Groups")
    desired = {"Number": "102", "FirstName": "Cy", "EmailAddress": "cy@example.com", "VMEnabled": True,
               "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}]}
    plan, entity = run(pbx, USERS, None, desired)
    assert api(pbx) == [
        ("POST", "/Users", {"Number": "102", "FirstName": "Cy", "EmailAddress": "cy@example.com"}),
        ("PATCH", "/Users(12)", {"VMEnabled": True, "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}]}),
        ("GET", "/Users(12)", None)]
    assert entity["VMEnabled"] is True and entity["FirstName"] == "Cy"


def test_post_then_patch_without_other_properties_sends_no_patch(pbx):
    plan, entity = run(pbx, USERS, None, {"Number": "102", "FirstName": "Cy"})
    assert [(m, p) for m, p, _b in writes(pbx)] == [("POST", "/Users")]


def test_post_then_patch_that_fails_halfway_says_what_was_created(pbx):
    pbx.fail(odata_error(400, "VMEnabled:\nWARNINGS.XAPI.INVALID", [{"message": "WARNINGS.XAPI.INVALID", "target": "VMEnabled"}]),
             method="PATCH")
    with pytest.raises(XapiError) as err:
        run(pbx, USERS, None, {"Number": "102", "VMEnabled": True})
    assert err.value.message.startswith(
        "The user was created (Id 12) with its basic properties, but setting the others failed; run the task again "
        "to finish it. PATCH /xapi/v1/Users(12) failed with HTTP 400: VMEnabled: WARNINGS.XAPI.INVALID")
    assert err.value.status == 400
    assert pbx.entity("Users", 12)["Number"] == "102"


def test_a_lost_post_answer_is_looked_up_before_posting_again(pbx):
    pbx.fail(dropped(), method="POST")  # the request reached the PBX? The client cannot know
    plan, entity = run(pbx, PARAMETERS, None, {"Name": "NEW", "Value": "1"})
    posts = [c for c in pbx.api_calls() if c.method == "POST"]
    assert len(posts) == 2  # the fake dropped the first one before storing it: looked up, not found, posted again
    assert entity["Name"] == "NEW" and len(pbx.sets["Parameters"]) == 2


def test_a_lost_post_answer_of_a_created_entity_is_not_posted_again(pbx):
    pbx.route = posts_applied_then_dropped(pbx.route)
    plan, entity = run(pbx, PARAMETERS, None, {"Name": "NEW", "Value": "1"})
    pbx.route = pbx.route.undropped
    assert [c.method for c in pbx.api_calls()] == ["POST", "GET", "GET"]
    assert pbx.api_calls()[1].query["$filter"] == "Name eq 'NEW'"
    assert entity["Id"] == 8 and len(pbx.sets["Parameters"]) == 2


def test_a_lost_post_answer_of_a_string_keyed_entity_reads_it_by_its_key(pbx):
    pbx.fail(dropped(), method="POST")
    plan, entity = run(pbx, BLOCKED, None, {"CallerId": "0901"}, lookup=Lookup(BLOCKED, key="b2", option="id"))
    first_two = [(c.method, c.path) for c in pbx.api_calls()][:2]
    assert first_two == [("POST", "/xapi/v1/BlackListNumbers"), ("GET", "/xapi/v1/BlackListNumbers('b2')")]
    assert entity["Id"] == "b2"


def test_a_lost_post_answer_of_a_string_keyed_entity_without_its_key_is_posted_again(pbx):
    pbx.fail(dropped(), method="POST")
    plan, entity = run(pbx, BLOCKED, None, {"CallerId": "0901"})
    assert [c.method for c in pbx.api_calls()] == ["POST", "POST", "GET"]


def test_a_lost_post_answer_is_looked_up_by_the_sets_identity(pbx):
    pbx.route = posts_applied_then_dropped(pbx.route)
    plan, entity = run(pbx, USERS, None, {"Number": "102", "FirstName": "Cy"})
    pbx.route = pbx.route.undropped
    assert [(c.method, c.path) for c in pbx.api_calls()] == [
        ("POST", "/xapi/v1/Users"), ("GET", "/xapi/v1/Users(Number='102')"), ("GET", "/xapi/v1/Users(12)")]
    assert len(pbx.sets["Users"]) == 3


def test_natural_key_follows_a_dotted_path():
    trunk = {"Number": "1", "Gateway": {"Name": "Provider"}, "Empty": None, "Text": "x"}
    assert reconcile.natural_key(trunk, "Gateway.Name") == "Provider"
    assert reconcile.natural_key(trunk, "Number") == "1"
    assert reconcile.natural_key(trunk, "Empty.Name") is None and reconcile.natural_key(trunk, "Text.Name") is None
    assert reconcile.natural_key(trunk, "Missing") is None


def test_a_lost_post_answer_without_an_identity_is_posted_again(pbx):
    contacts = registry.entity_set("Contacts")
    pbx.sets["Contacts"] = {}
    pbx.fail(dropped(), method="POST")
    plan, entity = run(pbx, contacts, None, {"FirstName": "Ann"})
    assert [c.method for c in pbx.api_calls()] == ["POST", "POST", "GET"]


def test_a_trunk_is_created_from_the_template_the_pbx_builds(pbx):
    pbx.sets["Trunks"] = {}
    pbx.functions[("Trunks", "Pbx.InitTrunk", "generic.pv.xml")] = {
        "Id": 0, "Number": None, "Direction": "Both", "IsOnline": False, "Gateway": {"Host": "", "Port": 5060},
        "@odata.context": "$metadata#Pbx.Trunk"}
    lookup = Lookup(TRUNKS, match={"Number": "10005"})
    plan = reconcile.plan(TRUNKS, None, {"Gateway": {"Host": "sip.example.net"}}, lookup=lookup,
                          create_args={"template": "generic.pv.xml"})
    assert plan.create_args == {"template": "generic.pv.xml"}
    entity = reconcile.execute(client_of(pbx), TRUNKS, plan)
    assert [(c.method, c.path) for c in pbx.api_calls()] == [
        ("GET", "/xapi/v1/Trunks/Pbx.InitTrunk(template='generic.pv.xml')"), ("POST", "/xapi/v1/Trunks"),
        ("GET", "/xapi/v1/Trunks(1)")]
    assert pbx.api_calls()[1].json == {"Number": "10005", "Direction": "Both", "Gateway": {"Host": "sip.example.net", "Port": 5060}}
    assert entity["Gateway"]["Host"] == "sip.example.net" and entity["Id"] == 1


def test_a_template_create_without_its_template_is_refused():
    lookup = Lookup(TRUNKS, match={"Number": "10005"})
    with pytest.raises(PlanError) as err:
        reconcile.plan(TRUNKS, None, {}, lookup=lookup)
    assert str(err.value) == ("template: the trunk Number '10005' does not exist yet; creating it needs template "
                              "(the PBX builds a new trunk from it).")
    assert err.value.option == "template"
    with pytest.raises(PlanError):
        reconcile.plan(TRUNKS, None, {}, lookup=lookup, create_args={"template": ""})
    assert reconcile.plan(APPS, None, {"Number": "1", "Name": "x"}, create_args={"template": "t"}).create_args == {"template": "t"}


# -- the diff ------------------------------------------------------------------------------------------

def test_diff_of_an_update_is_one_dict_of_the_managed_properties(pbx):
    current = dict(Id=10, Number="100", FirstName="Ada", LastName="Lovelace", VMPIN="****")
    plan = reconcile.plan(USERS, current, {"FirstName": "Augusta", "VMPIN": "1234"}, update_secrets="always")
    assert plan.diff() == {"before": {"FirstName": "Ada", "VMPIN": SECRET_MASK},
                           "after": {"FirstName": "Augusta", "VMPIN": SECRET_MASK}}
    assert plan.diff(header="user 100") == {"before": {"FirstName": "Ada", "VMPIN": SECRET_MASK},
                                            "after": {"FirstName": "Augusta", "VMPIN": SECRET_MASK},
                                            "before_header": "user 100", "after_header": "user 100"}


def test_diff_of_a_script_change_adds_a_line_by_line_text_diff():
    current = dict(Id=5, Number="8100", Name="Night", ScriptCode="a\r\nb\r\n")
    plan = reconcile.plan(APPS, current, {"ScriptCode": "a\nc"})
    diff = plan.diff(header="call_flow_app 8100")
    assert isinstance(diff, list) and len(diff) == 2
    assert diff[0]["before"] == {"ScriptCode": text_digest("a\r\nb\r\n")}
    assert diff[0]["after"] == {"ScriptCode": text_digest("a\nc")}
    assert diff[1] == {"before": "a\nb\n", "after": "a\nc\n",
                       "before_header": "call_flow_app 8100 ScriptCode", "after_header": "call_flow_app 8100 ScriptCode"}
    assert plan.diff(text=False) == {"before": diff[0]["before"], "after": diff[0]["after"]}
    assert reconcile.plan(APPS, current, {"ScriptCode": "a\nc"}).diff()[1]["before_header"] == "ScriptCode"


def test_diff_of_a_create_and_a_delete_shows_the_script_appear_and_go():
    plan = reconcile.plan(APPS, None, {"Number": "8500", "Name": "New", "ScriptCode": "x"})
    diff = plan.diff()
    assert diff[0] == {"before": {}, "after": {"Name": "New", "Number": "8500", "ScriptCode": text_digest("x")}}
    assert diff[1] == {"before": "", "after": "x\n", "before_header": "ScriptCode", "after_header": "ScriptCode"}
    current = dict(Id=5, Number="8100", Name="Night", ScriptCode="y\n", CompilationSucceeded=True, Groups=None)
    diff = reconcile.plan(APPS, current, {}, "absent").diff()
    assert diff[0] == {"before": {"Groups": None, "Name": "Night", "Number": "8100", "ScriptCode": text_digest("y\n")},
                       "after": {}}
    assert (diff[1]["before"], diff[1]["after"]) == ("y\n", "")


def test_diff_without_a_change_or_an_entity():
    current = dict(Id=5, Number="8100", Name="Night", ScriptCode="a\n")
    assert reconcile.plan(APPS, current, {"Name": "Night"}).diff() == {"before": {"Name": "Night"}, "after": {"Name": "Night"}}
    assert reconcile.plan(APPS, None, {}, "absent").diff() == {"before": {}, "after": {}}
    same_text = reconcile.plan(APPS, current, {"ScriptCode": "a\r\n"})
    assert same_text.action == "none" and isinstance(same_text.diff(), dict)


# -- what mutation testing showed untested, part two --------------------------------------------

def test_a_create_refusal_without_a_lookup_names_no_entity():
    with pytest.raises(PlanError) as err:
        reconcile.plan(BACKUPS, None, {})
    assert str(err.value) == "the Backups does not exist, and XAPI offers no way to create Backupss."
    with pytest.raises(PlanError) as err:
        reconcile.plan(TRUNKS, None, {})
    assert str(err.value) == ("template: the trunk does not exist yet; creating it needs template "
                              "(the PBX builds a new trunk from it).")


def test_create_refusals_name_what_to_give():
    with pytest.raises(PlanError) as err:
        reconcile.plan(USERS, None, {}, lookup=Lookup(USERS, key=42, option="id"))
    assert str(err.value).endswith("to create the user, name it by Number instead.")
    with pytest.raises(PlanError) as err:
        reconcile.plan(APPS, None, {"RoutingType": "DialCode"})
    assert str(err.value) == "number, name: the Call Flow App does not exist yet and creating it needs number and name."


def test_first_of_without_an_option_names_the_key():
    assert Lookup.first_of(APPS, [("Id", None, 5)]).describe() == "Id 5"
    assert Lookup.first_of(APPS, [("Number", None, "8100")]).describe() == "Number '8100'"


def test_the_text_diff_of_every_text_property_of_a_deleted_entity():
    notes = EntitySchema("Notes", "/Notes", "T.Notes", key="Id", verbs=("delete",), fields=[
        Field("Id", "int", computed=True), Field("First", text_diff=True), Field("Second", text_diff=True)])
    diff = reconcile.plan(notes, {"Id": 1, "Second": "gone"}, {}, "absent").diff()
    assert [d.get("before_header") for d in diff[1:]] == ["Second"] and diff[1]["before"] == "gone\n"


def test_find_many_leaves_read_only_relations_out_and_orders_by_the_key(pbx):
    trunks = trunks_pbx()
    reconcile.find_many(client_of(trunks), TRUNKS, [("Number", "10000")])
    assert trunks.api_calls()[0].query["$expand"] == ",".join(TRUNKS.projection(computed_navigation=False)[1])
    reconcile.find_many(client_of(pbx), BACKUPS, [("FileName", "monday.zip")])
    assert pbx.api_calls()[0].query["$orderby"] == "FileName"


def test_find_many_never_matches_a_missing_property_by_the_text_none():
    pbx = FakePbx(sets={"Groups": [dict(Id=1, Name=None), dict(Id=2, Name="None")]})
    matches = reconcile.find_many(client_of(pbx), GROUPS, [("Name", "None")])[0]
    assert [e["Id"] for e in matches[0]] == [2]


def test_a_nested_match_selects_what_the_set_needs():
    pbx = FakePbx(sets={"CallFlowApps": [dict(Id=5, Number="8100", Trunk={"Number": "10000"})]})
    found = reconcile.find(client_of(pbx), APPS, Lookup(APPS, match={"Trunk.Number": "10000"}))
    assert found["Id"] == 5 and pbx.api_calls()[0].query["$select"] == ",".join(APPS.projection()[0])


def test_a_template_without_a_key_is_used_as_it_is(pbx):
    pbx.sets["Trunks"] = {}
    pbx.functions[("Trunks", "Pbx.InitTrunk", "t.xml")] = {"Direction": "Both"}
    plan = reconcile.plan(TRUNKS, None, {}, lookup=Lookup(TRUNKS, match={"Number": "1"}), create_args={"template": "t.xml"})
    reconcile.execute(client_of(pbx), TRUNKS, plan)
    assert [c.json for c in pbx.api_calls() if c.method == "POST"] == [{"Direction": "Both", "Number": "1"}]
