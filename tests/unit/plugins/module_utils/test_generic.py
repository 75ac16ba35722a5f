# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the generic entity modules name their target, checked before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import generic, registry
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import Lookup, PlanError
from ansible_collections.threecx.xapi.plugins.module_utils.schema import EntitySchema, Field, SchemaError

NO_WRITES = EntitySchema("Views", "/Views", "T.View", key="Id", verbs=("create",), fields=[Field("Id", "int"), Field("Name")])


def params(**given):
    base = dict(entity_set=None, singleton=None, id=None, match=None, state="present")
    base.update(given)
    return base


def refused(call, *args, **kwargs):
    with pytest.raises(SchemaError) as err:
        call(*args, **kwargs)
    return err.value


# -- target() ------------------------------------------------------------------------------------

def test_a_set_named_by_id_gets_a_key_lookup():
    target = generic.target(params(entity_set="Users", id="31"))
    assert target.schema is registry.entity_set("Users")
    assert (target.lookup.key, target.lookup.option, target.lookup.by_key) == (31, "id", True)
    assert target.header == "Users 31"


def test_a_set_named_by_match_gets_a_checked_match():
    target = generic.target(params(entity_set="Users", match={"Number": 101}))
    assert target.lookup.match == {"Number": "101"} and not target.lookup.by_key
    assert target.header == "Users 101"
    err = refused(generic.target, params(entity_set="Users", match={"Nuber": "101"}))
    assert err.option == "match.Nuber"


def test_a_set_needs_id_or_match_unless_listing():
    err = refused(generic.target, params(entity_set="Users"))
    assert str(err) == "id: one of id or match is needed to name one entity of Users."
    target = generic.target(params(entity_set="Users"), need_lookup=False)
    assert target.lookup is None and target.header == "Users"


def test_an_unknown_set_or_singleton_is_refused_with_close_matches():
    err = refused(generic.target, params(entity_set="Queus", id=1))
    assert err.option == "entity_set" and "Did you mean Queues?" in str(err)
    err = refused(generic.target, params(singleton="OfficeHour"))
    assert err.option == "singleton" and "Did you mean OfficeHours?" in str(err)


@pytest.mark.parametrize("given, option, words", [
    (dict(id=1), "id", "a singleton has no id: there is one OfficeHours."),
    (dict(match={"Name": "x"}), "match", "a singleton has no match: there is one OfficeHours."),
    (dict(state="absent"), "state", "a singleton cannot be deleted; only present is accepted for OfficeHours."),
])
def test_a_singleton_takes_no_lookup_and_no_delete(given, option, words):
    err = refused(generic.target, params(singleton="OfficeHours", **given))
    assert err.option == option and str(err) == "%s: %s" % (option, words)


def test_a_singleton_target():
    target = generic.target(params(singleton="OfficeHours", state="present"))
    assert target.schema.singleton and target.lookup is None and target.header == "OfficeHours"


def test_a_set_that_cannot_be_read_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "entity_set", lambda name: NO_WRITES)
    err = refused(generic.target, params(entity_set="Views", id=1))
    assert str(err) == "entity_set: Views cannot be read in XAPI 20.0.10."
    assert generic.target(params(entity_set="Views"), need_lookup=False).lookup is None


# -- parse_key ------------------------------------------------------------------------------------

def test_parse_key_of_an_int_key():
    users = registry.entity_set("Users")
    assert generic.parse_key(users, 5) == 5 and generic.parse_key(users, "5") == 5
    assert str(refused(generic.parse_key, users, True)) == "id: must be the integer Id of the entity, got a boolean."
    assert str(refused(generic.parse_key, users, "five")) == "id: must be the integer Id of the entity, got 'five'."
    assert "got None" in str(refused(generic.parse_key, users, None))


def test_parse_key_of_a_string_key():
    backups = registry.entity_set("Backups")
    assert generic.parse_key(backups, "monday.zip") == "monday.zip"
    for bad in ("", 5, None):
        assert str(refused(generic.parse_key, backups, bad)) == "id: must be the FileName of the entity, a non-empty string."


def test_parse_key_of_a_set_without_a_key():
    err = refused(generic.parse_key, registry.entity_set("ActiveCalls"), 1)
    assert str(err) == "id: ActiveCalls has no key in XAPI 20.0.10; use match."


# -- desired and writes --------------------------------------------------------------------------

def test_desired_parses_the_properties_in_api_spelling():
    target = generic.target(params(entity_set="Users", id=1))
    warnings = []
    assert target.desired({"FirstName": "Ada", "Number": 101}, warnings) == {"FirstName": "Ada", "Number": "101"}
    assert warnings and warnings[0].startswith("properties.Number: 101 was given as a number")
    err = refused(target.desired, ["FirstName"])
    assert str(err) == "properties: must be a dict of property: value as the API spells them."
    err = refused(target.desired, {"Id": 3})
    assert err.option == "properties.Id"


def test_check_writes_refuses_a_delete_the_set_does_not_offer():
    target = generic.target(params(entity_set="EmailTemplate", id="a.html"))
    err = refused(target.check_writes, {}, "absent")
    assert str(err) == "state: the entity set EmailTemplate offers no delete in XAPI 20.0.10."
    target.check_writes({"Subject": "x"}, "present")  # update is offered
    generic.target(params(entity_set="Users", id=1)).check_writes({}, "absent")


def test_check_writes_refuses_properties_for_a_read_only_target():
    target = generic.target(params(singleton="LicenseStatus"))
    err = refused(target.check_writes, {"LicenseKey": "x"}, "present")
    assert str(err) == "properties: the singleton LicenseStatus is read-only in XAPI 20.0.10 (it offers only read)."
    target.check_writes({}, "present")  # reading it is fine
    backups = generic.target(params(entity_set="Backups", id="a.zip"))
    err = refused(backups.check_writes, {"Size": 1}, "present")
    assert str(err) == "properties: the entity set Backups is read-only in XAPI 20.0.10 (it offers only list, delete)."
    create_only = generic.Target(NO_WRITES, None)
    create_only.check_writes({"Name": "x"}, "present")


def test_plan_passes_the_lookups_match_as_the_identity_to_check():
    target = generic.target(params(entity_set="Users", match={"Number": "101"}, state="absent"))
    plan = target.plan({"Id": 3, "Number": "101"}, {}, "absent", "on_create")
    assert plan.action == "delete"
    with pytest.raises(PlanError) as err:
        target.plan({"Id": 3, "Number": "102"}, {}, "absent", "on_create")
    assert "has Number '102', not '101'" in str(err.value)


def test_plan_passes_update_secrets():
    target = generic.target(params(entity_set="Users", id=3))
    current = {"Id": 3, "Number": "101", "VMPIN": ""}
    assert target.plan(current, {"VMPIN": "1234"}, "present", "on_create").action == "none"
    assert target.plan(current, {"VMPIN": "1234"}, "present", "always").changes == {"VMPIN": "1234"}


def test_plan_refuses_an_update_the_set_does_not_offer():
    target = generic.Target(NO_WRITES, Lookup(NO_WRITES, key=4, option="id"))
    with pytest.raises(PlanError) as err:
        target.plan({"Id": 4, "Name": "old"}, {"Name": "new"}, "present", "on_create")
    assert str(err.value) == ("the Views id 4 differs from the properties given, but XAPI offers no way to change it "
                              "(only create).")
    assert target.plan({"Id": 4, "Name": "old"}, {"Name": "old"}, "present", "on_create").action == "none"
