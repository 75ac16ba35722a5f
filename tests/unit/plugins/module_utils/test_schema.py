# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field model: parsing, compare rules, prediction, PATCH bodies, diff views, secrets.

Most tests use a small hand-made set of schemas (TABLE), so that each rule is seen on its own;
a few use the registry's Users, where the rule matters for a real entity.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import registry, schema
from ansible_collections.threecx.xapi.plugins.module_utils.schema import (
    SECRET_MASK, EntitySchema, Field, ObjectSchema, SchemaError, secret_values_under)

TABLE = {}


def field(api, kind="string", **kwargs):
    return Field(api, kind, resolve=TABLE.__getitem__, **kwargs)


def define(name, *fields):
    TABLE[name] = ObjectSchema(name, fields=fields)
    return TABLE[name]


define("T.Rights", field("RoleName"), field("CanBargeIn", "bool", computed=True))
define("T.Member", field("Number"), field("Name", computed=True),
       field("Rights", "object", ref="T.Rights", navigation=True))
define("T.Trunk", field("Id", "int", computed=True), field("Number"), field("Name"),
       field("Gateway", "object", ref="T.Gateway", navigation=True))
define("T.Gateway", field("Host"), field("Trunk", "object", ref="T.Trunk", navigation=True, link=True))
define("T.Password", field("Value"), field("Concealed", "bool", computed=True))
define("T.Geo", field("Lat", "number"), field("Lon", "number"))
define("T.Address", field("Street"), field("City"), field("Geo", "object", ref="T.Geo"))
define("T.Node", field("Name"), field("Child", "object", ref="T.Node", navigation=True))
define("T.Level3", field("Leaf"))
define("T.Level2", field("Deep", "object", ref="T.Level3", navigation=True))
define("T.Level1", field("Down", "object", ref="T.Level2", navigation=True))

THING_FIELDS = (
    field("Id", "int", fmt="int32", computed=True),
    field("Number", create_only=True),
    field("Name", nullable=False, max_length=10),
    field("Notes", compare=schema.TEXT, select_only=True, text_diff=True),
    field("Members", "object", ref="T.Member", many=True, key="Number", navigation=True),
    field("Hunt", "object", ref="T.Member", many=True, key="Number", compare=schema.ORDERED_BY_KEY, navigation=True),
    field("Codes", many=True, compare=schema.SET),
    field("Steps", many=True, min_items=1),
    field("Trunk", "object", ref="T.Trunk", navigation=True, link=True),
    field("Address", "object", ref="T.Address"),
    field("Secret", secret=True),
    field("Password", "object", ref="T.Password", secret=True),
    field("Mode", "enum", values=("Off", "Voicemail", "Email"), flags=True),
    field("Kind", "enum", values=("Alpha", "Beta", "Gamma")),
    field("Small", "int", fmt="uint8"),
    field("Count", "int", fmt="int16"),
    field("Big", "int"),
    field("Ratio", "number"),
    field("Active", "bool"),
    field("When", "datetime"),
    field("Lasts", "duration"),
    field("At", "time"),
    field("Day", "date"),
    field("Uid", "guid"),
    field("Extra", "any"),
    field("Presence", runtime=True),
    field("Stats", "object", ref="T.Geo", navigation=True, computed=True),
)


def thing(**kwargs):
    kwargs.setdefault("verbs", ("list", "create", "read", "update", "delete"))
    kwargs.setdefault("identity", ("Number",))
    return EntitySchema("Things", "/Things", "T.Thing", key="Id", fields=THING_FIELDS, **kwargs)


THING = thing()


def f(api):
    return THING.field(api)


def error_of(call, *args, **kwargs):
    with pytest.raises(SchemaError) as err:
        call(*args, **kwargs)
    return err.value


# -- parsing scalars --------------------------------------------------------------------

@pytest.mark.parametrize("api, given, parsed", [
    ("Small", 0, 0), ("Small", 255, 255), ("Small", "17", 17), ("Small", " 8 ", 8), ("Small", 3.0, 3),
    ("Count", -32768, -32768), ("Count", 32767, 32767), ("Count", "-5", -5),
    ("Big", 9223372036854775807, 9223372036854775807), ("Big", -9223372036854775808, -9223372036854775808),
    ("Ratio", 2, 2), ("Ratio", 0.5, 0.5), ("Ratio", "1.25", 1.25),
    ("Active", True, True), ("Active", False, False), ("Active", "yes", True), ("Active", " On ", True),
    ("Active", "1", True), ("Active", "TRUE", True), ("Active", "no", False), ("Active", "off", False),
    ("Active", "0", False), ("Active", "False", False),
    ("When", "2026-01-31T09:00:00Z", "2026-01-31T09:00:00Z"), ("When", "2026-01-31T09:00+01:00", "2026-01-31T09:00+01:00"),
    ("When", "2026-01-31T09:00:00.123456789Z", "2026-01-31T09:00:00.123456789Z"),
    ("Lasts", "PT8H30M", "PT8H30M"), ("Lasts", "P1D", "P1D"), ("Lasts", "-PT1.5S", "-PT1.5S"), ("Lasts", "PT0S", "PT0S"),
    ("At", "09:00", "09:00:00"), ("At", "23:59:59", "23:59:59"), ("At", "09:00:00.5", "09:00:00.5"),
    ("Day", "2026-12-24", "2026-12-24"),
    ("Uid", "0a1b2c3d-0000-4000-8000-00000000000F", "0a1b2c3d-0000-4000-8000-00000000000F"),
    ("Kind", "Beta", "Beta"),
    ("Mode", "Voicemail", "Voicemail"), ("Mode", ["Voicemail", "Email"], "Voicemail, Email"),
    ("Mode", "Voicemail,Email", "Voicemail, Email"), ("Mode", " Email , Off", "Email, Off"),
    ("Name", "0123456789", "0123456789"),
    ("Extra", {"a": [1]}, {"a": [1]}),
])
def test_scalars_parse_to_the_apis_shape(api, given, parsed):
    assert f(api).parse(given) == parsed
    assert type(f(api).parse(given)) is type(parsed)


@pytest.mark.parametrize("api, given, words", [
    ("Small", 256, ["Small", "256 is out of range", "from 0 to 255"]),
    ("Small", -1, ["-1 is out of range", "from 0 to 255"]),
    ("Count", 32768, ["out of range", "from -32768 to 32767"]),
    ("Count", -32769, ["out of range"]),
    ("Big", 9223372036854775808, ["out of range"]),
    ("Big", -9223372036854775809, ["out of range"]),
    ("Small", True, ["must be an integer, got a boolean", "from 0 to 255"]),
    ("Small", "1.5", ["must be an integer, got '1.5'"]),
    ("Small", 1.5, ["must be an integer, got 1.5"]),
    ("Small", "ten", ["must be an integer, got 'ten'"]),
    ("Small", [1], ["must be an integer"]),
    ("Ratio", True, ["must be a number, got a boolean"]),
    ("Ratio", "lots", ["must be a number, got 'lots'"]),
    ("Ratio", [1], ["must be a number, got [1]"]),
    ("Active", "maybe", ["must be true or false, got 'maybe'"]),
    ("Active", 2, ["must be true or false, got 2"]),
    ("When", "2026-01-31", ["'2026-01-31' is not valid", "ISO 8601 date-time"]),
    ("When", "2026-01-31T09:00:00", ["is not valid"]),
    ("Lasts", "8 hours", ["is not valid", "ISO 8601 duration such as PT8H30M"]),
    ("At", "9:00", ["is not valid", "a time such as 09:00"]),
    ("At", "09:00 ", ["is not valid"]), ("At", "24:00", ["is not valid"]), ("At", "12:60:00", ["is not valid"]),
    ("Day", "24.12.2026", ["is not valid", "a date such as 2026-12-24"]),
    ("Day", "2026-12-24x", ["is not valid"]),
    ("Uid", "0a1b2c3d-0000-4000-8000", ["is not valid", "a GUID"]),
    ("Uid", "x0a1b2c3d-0000-4000-8000-000000000000", ["is not valid"]),
    ("Name", "01234567890", ["11 characters long; at most 10"]),
    ("Name", True, ["must be a string, got a boolean", "Accepted: a string."]),
    ("Name", ["a"], ["must be a string, got a list"]),
    ("Name", {"a": 1}, ["must be a string, got an object"]),
    ("Kind", "Betta", ["'Betta' is not a valid value (did you mean Beta?)", "one of Alpha, Beta, Gamma"]),
    ("Kind", "Zzz", ["'Zzz' is not a valid value.", "one of Alpha, Beta, Gamma"]),
    ("Kind", 3, ["must be a string, got a number", "one of Alpha"]),
    ("Kind", ["Beta"], ["must be a string, got a list"]),
    ("Mode", "Voicemail,Emial", ["'Emial' is not a valid value (did you mean Email?)", "one or more of Off, Voicemail, Email"]),
    ("Mode", ["Off", "Never"], ["'Never' is not a valid value"]),
])
def test_bad_scalars_are_refused_naming_the_option_and_what_is_accepted(api, given, words):
    err = error_of(f(api).parse, given)
    assert err.option == api and str(err).startswith(api + ": ")
    for word in words:
        assert word in str(err)


def test_the_error_names_the_place_it_was_given():
    err = error_of(f("Small").parse, 300, "items[2].small")
    assert err.option == "items[2].small" and str(err).startswith("items[2].small: ")


def test_a_number_given_for_a_text_is_sent_as_text_with_a_warning():
    warnings = []
    assert f("Name").parse(100, warnings=warnings) == "100"
    assert f("Name").parse(1.5, warnings=warnings) == "1.5"
    assert len(warnings) == 2
    assert warnings[0].startswith("Name: 100 was given as a number; it is sent as the text '100'.")
    assert "0100 is read as 64" in warnings[0]
    assert f("Name").parse(7) == "7"  # no sink, no warning, still text


def test_a_pattern_kind_checks_a_number_given_as_text_too():
    err = error_of(f("Day").parse, 20261224)
    assert "'20261224' is not valid" in str(err)


def test_a_kind_the_collection_does_not_know_is_refused():
    err = error_of(Field("Blob", "binary").parse, "x")
    assert "has a type this collection cannot handle (binary)" in str(err)


# -- nullability, lists -------------------------------------------------------------------

def test_null_is_accepted_only_where_the_property_is_nullable():
    assert f("Secret").parse(None) is None
    err = error_of(f("Name").parse, None)
    assert "Name: cannot be null. Accepted: a string." == str(err)
    assert f("Steps").parse(None) is None  # a null collection: no list given
    assert Field("Ids", "int", many=True, nullable=False).parse(None) is None


def test_a_collection_must_be_a_list_and_each_element_is_checked_where_it_stands():
    assert f("Codes").parse(["a", "b"]) == ["a", "b"]
    err = error_of(f("Codes").parse, "a")
    assert str(err).startswith("Codes: must be a list. A list; each element: a string.")
    err = error_of(f("Codes").parse, ["a", None])
    assert err.option == "Codes[1]" and "cannot be null" in str(err)
    err = error_of(Field("Ids", "int", fmt="uint8", many=True).parse, [1, 300])
    assert err.option == "Ids[1]" and "out of range" in str(err)


def test_min_items_refuses_a_shorter_list():
    assert f("Steps").parse(["one"]) == ["one"]
    err = error_of(f("Steps").parse, [])
    assert str(err) == "Steps: needs at least 1 element(s). A list; each element: a string."


def test_min_items_of_the_registry_refuses_a_user_without_a_department():
    err = error_of(registry.entity_set("Users").field("Groups").parse, [])
    assert "needs at least 1 element(s)" in str(err)


def test_a_set_refuses_a_value_listed_twice_and_a_list_accepts_it():
    err = error_of(f("Codes").parse, ["a", "b", "a"])
    assert str(err) == "Codes: lists a value twice."
    assert f("Steps").parse(["a", "a"]) == ["a", "a"]


def test_a_keyed_collection_refuses_a_key_listed_twice():
    err = error_of(f("Members").parse, [{"Number": "100"}, {"Number": "101"}, {"Number": "100"}])
    assert str(err) == "Members: Number 100 is listed twice."
    # keys compare as text: 100 and "100" name the same member
    err = error_of(Field("Ids", "object", ref="T.Trunk", many=True, key="Id", resolve=TABLE.__getitem__).parse,
                   [{"Id": 1}, {"Id": "1"}])
    assert "Id 1 is listed twice" in str(err)


def test_each_element_of_a_keyed_collection_needs_its_key():
    err = error_of(f("Members").parse, [{"Number": "100"}, {"Rights": {"RoleName": "users"}}])
    assert str(err) == "Members[1]: needs Number, the key its elements are matched by."


# -- parsing objects ------------------------------------------------------------------------

def test_an_object_is_parsed_property_by_property():
    parsed = f("Address").parse({"Street": "Main", "Geo": {"Lat": "1.5"}})
    assert parsed == {"Street": "Main", "Geo": {"Lat": 1.5}}
    err = error_of(f("Address").parse, {"Geo": {"Lat": "north"}})
    assert err.option == "Address.Geo.Lat"


def test_an_object_must_be_a_dict():
    err = error_of(f("Address").parse, "Main street")
    assert str(err) == "Address: must be an object. Accepted: an object (T.Address) with the properties Street, City, Geo."


def test_an_unknown_property_is_refused_with_close_matches_and_the_accepted_names():
    err = error_of(f("Address").parse, {"Stret": "Main"})
    assert err.option == "Address.Stret"
    assert "'Stret' is not a property of T.Address. Did you mean Street?" in str(err)
    assert "Accepted: City, Geo, Street." in str(err)
    err = error_of(f("Address").parse, {"Zzzzzz": 1})
    assert "Did you mean" not in str(err)


def test_computed_and_runtime_properties_are_refused_as_input():
    err = error_of(f("Members").parse, [{"Number": "100", "Name": "Ada"}])
    assert err.option == "Members[0].Name"
    assert "set by the PBX itself (server-computed); leave it out" in str(err)
    err = error_of(THING.parse, {"Presence": "Away"}, "properties")
    assert err.option == "properties.Presence"
    assert "runtime state the PBX keeps, not configuration" in str(err)
    err = error_of(THING.parse, {"Id": 4}, "properties")
    assert "server-computed" in str(err)


def test_a_link_may_name_its_entity_by_any_property_even_a_computed_one():
    assert f("Trunk").parse({"Id": 55}) == {"Id": 55}
    assert f("Trunk").parse({"Number": "10000"}) == {"Number": "10000"}
    err = error_of(f("Trunk").parse, {"Nmber": "10000"})
    assert "is not a property of T.Trunk" in str(err)


def test_an_empty_link_is_refused_and_null_unlinks():
    err = error_of(f("Trunk").parse, {})
    assert str(err) == "Trunk: names no T.Trunk: give its Id or Number, or null for none."
    assert f("Trunk").parse(None) is None


def test_a_collection_key_may_be_a_computed_property():
    members = Field("Groups", "object", ref="T.Trunk", many=True, key="Id", resolve=TABLE.__getitem__)
    assert members.parse([{"Id": 3, "Name": "x"}]) == [{"Id": 3, "Name": "x"}]
    by_number = Field("Trunks", "object", ref="T.Trunk", many=True, key="Number", resolve=TABLE.__getitem__)
    err = error_of(by_number.parse, [{"Number": "1"}, {"Number": "2", "Id": 4}])
    assert err.option == "Trunks[1].Id"  # only the key is let through, not every computed property


def test_the_registrys_user_memberships_parse_and_refuse_the_echoed_properties():
    groups = registry.entity_set("Users").field("Groups")
    assert groups.parse([{"GroupId": 2, "Rights": {"RoleName": "users"}}]) == [{"GroupId": 2, "Rights": {"RoleName": "users"}}]
    err = error_of(groups.parse, [{"GroupId": 2, "Name": "DEFAULT"}])
    assert err.option == "Groups[0].Name" and "server-computed" in str(err)


# -- accepted() -----------------------------------------------------------------------------------

@pytest.mark.parametrize("api, text", [
    ("Kind", "Accepted: one of Alpha, Beta, Gamma."),
    ("Mode", "Accepted: one or more of Off, Voicemail, Email."),
    ("Small", "Accepted: an integer from 0 to 255."),
    ("Big", "Accepted: an integer."),
    ("Ratio", "Accepted: a number."),
    ("Active", "Accepted: true or false."),
    ("Extra", "Accepted: any JSON value."),
    ("When", "Accepted: an ISO 8601 date-time such as 2026-01-31T09:00:00Z."),
    ("Codes", "A list; each element: a string."),
    ("Members", "A list each with Number; each element: an object (T.Member) with the properties Number, Rights."),
])
def test_accepted_describes_the_shape(api, text):
    assert f(api).accepted() == text


# -- compare rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("current, desired, equal", [
    ("8100", "8100", True), (8100, "8100", True), ("8100", 8100, True), (1.5, "1.5", True),
    ("8100", "8101", False), (None, "x", False), ("", None, False),
    (True, True, True), (True, 1, False), (1, True, False), (False, 0, False), (0, False, False), ("True", True, False),
    (None, None, True),
])
def test_exact_compares_scalars_with_a_number_and_its_text_as_one(current, desired, equal):
    assert f("Name").equal(current, desired) is equal


def test_text_ignores_line_endings_and_trailing_blanks_but_not_content():
    notes = f("Notes")
    assert notes.equal("a  \r\nb\r\n\r\n", "a\nb")
    assert notes.equal("\ufeffa\rb", "a\nb")
    assert not notes.equal("a\nb", "a\n b")
    assert not notes.equal("a\nb", "a\nc")
    assert not notes.equal(None, "")  # no text is not an empty one


def test_flags_compare_as_sets_of_names():
    mode = f("Mode")
    assert mode.equal("Voicemail, Email", "Email, Voicemail")
    assert mode.equal("Voicemail,Email", ["Email", "Voicemail"])
    assert not mode.equal("Voicemail", "Voicemail, Email")
    assert mode.equal(None, "")


def test_subset_compares_only_the_keys_given_recursively():
    address = f("Address")
    current = {"Street": "Main", "City": "Graz", "Geo": {"Lat": 1.0, "Lon": 2.0}}
    assert address.equal(current, {"City": "Graz"})
    assert address.equal(current, {"Geo": {"Lat": "1.0"}})
    assert not address.equal(current, {"Geo": {"Lat": 3}})
    assert not address.equal(None, {"City": "Graz"})
    assert address.equal(None, {})
    assert not address.equal(current, None)


def test_link_compares_the_given_keys_of_the_linked_entity():
    trunk = f("Trunk")
    current = {"Id": 55, "Number": "10000", "Name": "Provider"}
    assert trunk.equal(current, {"Number": "10000"})
    assert trunk.equal(current, {"Id": 55})
    assert not trunk.equal(current, {"Id": 56})
    assert not trunk.equal(None, {"Id": 55})
    assert trunk.equal(None, None) and not trunk.equal(current, None)


MEMBERS = [{"Number": "100", "Name": "Ada", "Rights": {"RoleName": "users", "CanBargeIn": False}},
           {"Number": "101", "Name": "Bob", "Rights": {"RoleName": "managers", "CanBargeIn": True}}]


def test_set_by_key_ignores_order_and_compares_each_element_as_a_subset():
    members = f("Members")
    assert members.equal(MEMBERS, [{"Number": "101"}, {"Number": "100"}])
    assert members.equal(MEMBERS, [{"Number": "100", "Rights": {"RoleName": "users"}}, {"Number": 101}])
    assert not members.equal(MEMBERS, [{"Number": "100", "Rights": {"RoleName": "managers"}}, {"Number": "101"}])
    assert not members.equal(MEMBERS, [{"Number": "100"}])  # a member too many on the PBX
    assert not members.equal(MEMBERS, [{"Number": "100"}, {"Number": "101"}, {"Number": "102"}])
    assert not members.equal(MEMBERS, [{"Number": "100"}, {"Number": "102"}])
    assert members.equal(None, []) and members.equal([], [])
    assert not members.equal(None, [{"Number": "100"}])


def test_ordered_by_key_needs_the_same_order():
    hunt = f("Hunt")
    assert hunt.equal(MEMBERS, [{"Number": "100"}, {"Number": "101"}])
    assert not hunt.equal(MEMBERS, [{"Number": "101"}, {"Number": "100"}])
    assert not hunt.equal(MEMBERS, [{"Number": "100"}, {"Number": "101", "Rights": {"RoleName": "users"}}])
    assert not hunt.equal(MEMBERS, [{"Number": "100"}])


def test_set_ignores_order_but_not_content():
    codes = f("Codes")
    assert codes.equal(["a", "b", 3], [3, "b", "a"])
    assert not codes.equal(["a", "b"], ["a", "b", "c"])
    assert not codes.equal(["a", "b"], ["a", "c"])
    assert codes.equal(None, [])


def test_list_needs_the_same_elements_in_the_same_order():
    steps = f("Steps")
    assert steps.equal(["a", "b"], ["a", "b"])
    assert not steps.equal(["a", "b"], ["b", "a"])
    assert not steps.equal(["a", "b"], ["a"])
    assert not steps.equal(["a"], ["a", "a"])
    assert steps.equal(None, None) and steps.equal([], None) and not steps.equal(["a"], None)
    objects = Field("Routes", "object", ref="T.Geo", many=True, resolve=TABLE.__getitem__)
    assert objects.compare == schema.LIST
    assert objects.equal([{"Lat": 1, "Lon": 2}], [{"Lat": 1}])
    assert not objects.equal([{"Lat": 1, "Lon": 2}], [{"Lat": 2}])


def test_any_compares_as_a_schemaless_subset():
    extra = f("Extra")
    assert extra.equal({"a": {"b": 1, "c": 2}}, {"a": {"b": "1"}})
    assert not extra.equal({"a": [1, 2]}, {"a": [1]})
    assert extra.equal([1, {"x": 1, "y": 2}], [1, {"x": 1}])


def test_a_concealed_secret_inside_an_object_is_skipped_and_a_revealed_one_compared():
    nested = define("T.Sip", field("Host"), field("Password", secret=True))
    sip = Field("Sip", "object", ref="T.Sip", resolve=TABLE.__getitem__)
    assert nested.is_subset({"Host": "h", "Password": "new"}, {"Host": "h", "Password": "********"})
    assert sip.equal({"Host": "h", "Password": None}, {"Host": "h", "Password": "new"})
    assert sip.equal({"Host": "h", "Password": ""}, {"Password": "new"})
    assert not sip.equal({"Host": "h", "Password": "old"}, {"Password": "new"})
    assert sip.equal({"Host": "h", "Password": "new"}, {"Password": "new"})
    assert not sip.equal({"Host": "g", "Password": "********"}, {"Host": "h", "Password": "new"})


@pytest.mark.parametrize("value, shown", [
    ("pw", True), ("", False), (None, False), ("****", False), ("*", False), ("a*", True), (5, False),
    ({"Value": "pw"}, True), ({"Value": "pw", "Concealed": False}, True), ({"Value": "pw", "Concealed": True}, False),
    ({"Value": ""}, False), ({"Value": None}, False), ({"Value": "******"}, False), ({}, False), ({"Concealed": False}, False),
])
def test_revealed_tells_a_secret_shown_in_clear_from_a_concealed_one(value, shown):
    assert f("Secret").revealed(value) is shown


# -- predict and write ----------------------------------------------------------------------------

def test_predict_merges_keyed_elements_with_the_servers_and_keeps_the_given_order():
    predicted = f("Members").predict(MEMBERS, [{"Number": "101"}, {"Number": "102", "Rights": {"RoleName": "users"}}])
    assert predicted == [MEMBERS[1], {"Number": "102", "Rights": {"RoleName": "users"}}]
    assert predicted[0] is not MEMBERS[1]
    predicted = f("Members").predict(MEMBERS, [{"Number": "100", "Rights": {"RoleName": "managers"}}])
    assert predicted == [{"Number": "100", "Name": "Ada", "Rights": {"RoleName": "managers", "CanBargeIn": False}}]
    assert f("Members").predict(None, [{"Number": "100"}]) == [{"Number": "100"}]


def test_predict_of_objects_scalars_links_and_nulls():
    current = {"Street": "Main", "City": "Graz", "Geo": {"Lat": 1, "Lon": 2}}
    assert f("Address").predict(current, {"Geo": {"Lat": 5}}) == {"Street": "Main", "City": "Graz", "Geo": {"Lat": 5, "Lon": 2}}
    assert f("Address").predict(None, {"City": "Wien"}) == {"City": "Wien"}
    assert f("Address").predict(current, None) is None
    assert f("Trunk").predict({"Id": 55, "Number": "10000"}, {"Id": 56}) == {"Id": 56}  # a link is replaced
    assert f("Codes").predict(["a"], ["b", "c"]) == ["b", "c"]
    assert f("Name").predict("Old", "New") == "New"
    assert f("Extra").predict({"a": 1, "b": {"c": 2}}, {"b": {"d": 3}}) == {"a": 1, "b": {"c": 2, "d": 3}}
    assert f("Extra").predict([1], {"b": 1}) == {"b": 1}
    routes = Field("Routes", "object", ref="T.Geo", many=True, resolve=TABLE.__getitem__)
    assert routes.predict([{"Lat": 1, "Lon": 2}], [{"Lat": 3}]) == [{"Lat": 3}]  # unkeyed elements are not merged


def test_a_membership_named_without_its_role_keeps_its_role_in_the_patch_body():
    body = f("Members").write(MEMBERS, [{"Number": "100"}, {"Number": "101", "Rights": {"RoleName": "users"}}, {"Number": "102"}])
    assert body == [{"Number": "100", "Rights": {"RoleName": "users"}},
                    {"Number": "101", "Rights": {"RoleName": "users"}},
                    {"Number": "102"}]


def test_the_registrys_user_memberships_are_written_whole_without_echoed_properties():
    groups = registry.entity_set("Users").field("Groups")
    current = [{"GroupId": 2, "Name": "DEFAULT", "Id": 7, "Number": "100", "CanDelete": False,
                "Rights": {"RoleName": "admins", "CanBargeIn": True}, "GroupRights": {"RoleName": "users"}},
               {"GroupId": 5, "Name": "Sales", "Rights": {"RoleName": "users"}}]
    assert groups.write(current, [{"GroupId": 2}, {"GroupId": 9}]) == [
        {"GroupId": 2, "Rights": {"RoleName": "admins"}}, {"GroupId": 9}]


def test_write_sends_an_object_whole_limited_to_writable_properties():
    current = {"Street": "Main", "City": "Graz", "Geo": {"Lat": 1, "Lon": 2}, "Extra": "unknown"}
    assert f("Address").write(current, {"City": "Wien"}) == {"Street": "Main", "City": "Wien", "Geo": {"Lat": 1, "Lon": 2}}
    assert f("Trunk").write({"Id": 55, "Number": "1"}, {"Number": "2"}) == {"Number": "2"}  # a link as given
    assert f("Address").write(current, None) is None
    assert f("Codes").write(["a"], ["b"]) == ["b"]
    assert f("Name").write("a", "b") == "b"


def test_writable_drops_computed_unknown_and_annotation_keys_and_keeps_the_key():
    value = {"Number": "1", "Name": "Ada", "Rights": {"RoleName": "users", "CanBargeIn": True},
             "@odata.etag": "W/1", "Unknown": 3}
    assert TABLE["T.Member"].writable(value) == {"Number": "1", "Rights": {"RoleName": "users"}}
    assert TABLE["T.Member"].writable(value, keep=("Name",))["Name"] == "Ada"
    assert TABLE["T.Member"].writable("text") == "text"
    assert TABLE["T.Member"].writable({"Number": "1", "Rights": None}) == {"Number": "1", "Rights": None}


def test_merge_keeps_the_servers_properties_and_overlays_the_given_ones():
    current = {"Number": "1", "Name": "Ada", "Rights": {"RoleName": "users", "CanBargeIn": True}}
    merged = TABLE["T.Member"].merge(current, {"Rights": {"RoleName": "admins"}, "Other": [1]})
    assert merged == {"Number": "1", "Name": "Ada", "Rights": {"RoleName": "admins", "CanBargeIn": True}, "Other": [1]}
    assert current["Rights"]["RoleName"] == "users"


# -- views for the diff ---------------------------------------------------------------------------

def test_view_shows_the_managed_part_of_objects_and_collections():
    assert f("Name").view("x", "y") == "x"
    assert f("Address").view(None, {"City": "x"}) is None
    assert f("Address").view({"Street": "Main", "City": "Graz", "Geo": {"Lat": 1, "Lon": 2}}, {"Geo": {"Lat": 0}}) == {"Geo": {"Lat": 1}}
    assert f("Address").view("odd", {"City": "x"}) == "odd"
    view = f("Members").view(list(reversed(MEMBERS)) + ["odd"], [{"Number": "100"}, {"Number": "102", "Rights": {"RoleName": "x"}}])
    assert view == [{"Number": "100", "Rights": {"RoleName": "users"}}, {"Number": "101", "Rights": {"RoleName": "managers"}}]
    hunt = f("Hunt").view(list(reversed(MEMBERS)), [{"Number": "100"}])
    assert [m["Number"] for m in hunt] == ["101", "100"]  # the order is what is compared: kept
    assert f("Members").view(MEMBERS, None) == [{}, {}]


def test_project_keeps_only_the_shape():
    assert schema.project({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": None}, "z": 1}) == {"b": {"c": 2}}
    assert schema.project([1], {"a": 1}) == [1]
    assert schema.project({"a": 1}, None) == {"a": 1}
    assert TABLE["T.Address"].project({"Street": "s", "Unknown": {"x": 1, "y": 2}}, {"Unknown": {"x": 0}}) == {"Unknown": {"x": 1}}


# -- EntitySchema -----------------------------------------------------------------------------------

def test_changes_holds_only_what_differs_each_as_the_api_must_receive_it():
    current = {"Id": 1, "Number": "100", "Name": "Old", "Members": MEMBERS, "Codes": ["a", "b"], "Secret": "********"}
    desired = {"Name": "Old", "Codes": ["b", "a"], "Members": [{"Number": "100"}, {"Number": "101"}]}
    assert THING.changes(current, desired) == {}
    desired = {"Name": "New", "Codes": ["b", "a"], "Members": [{"Number": "100"}]}
    assert THING.changes(current, desired) == {"Name": "New", "Members": [{"Number": "100", "Rights": {"RoleName": "users"}}]}


@pytest.mark.parametrize("current, update_secrets, sent", [
    ("********", "on_create", False),
    (None, "on_create", False),
    ("", "on_create", False),
    ("********", "always", True),
    (None, "always", True),
    ("old", "on_create", True),     # shown in clear and different: compared
    ("s3cret", "on_create", False),  # shown in clear and equal
    ("s3cret", "always", False),
])
def test_a_secret_is_compared_only_when_shown_in_clear_otherwise_sent_with_update_secrets_always(current, update_secrets, sent):
    changes = THING.changes({"Id": 1, "Secret": current}, {"Secret": "s3cret"}, update_secrets)
    assert changes == ({"Secret": "s3cret"} if sent else {})


def test_a_concealed_password_object_is_sent_only_with_update_secrets_always():
    current = {"Id": 1, "Password": {"Value": None, "Concealed": True}}
    assert THING.changes(current, {"Password": {"Value": "pw"}}) == {}
    assert THING.changes(current, {"Password": {"Value": "pw"}}, "always") == {"Password": {"Value": "pw"}}
    shown = {"Id": 1, "Password": {"Value": "old", "Concealed": False}}
    assert THING.changes(shown, {"Password": {"Value": "pw"}}) == {"Password": {"Value": "pw"}}


def test_predict_overlays_the_changes_on_the_current_entity():
    current = {"Id": 1, "Name": "Old", "Address": {"Street": "Main", "City": "Graz"}}
    predicted = THING.predict(current, {"Address": {"City": "Wien"}})
    assert predicted == {"Id": 1, "Name": "Old", "Address": {"Street": "Main", "City": "Wien"}}
    assert current["Address"]["City"] == "Graz"


def test_diff_view_masks_secrets_and_digests_a_script_only_when_asked():
    entity = {"Id": 1, "Name": "A", "Secret": "pw", "Password": None, "Notes": "line\n", "Members": MEMBERS}
    desired = {"Secret": "x", "Password": "y", "Notes": "z", "Name": "B", "Members": [{"Number": "100"}], "Codes": []}
    view = THING.diff_view(entity, desired)
    assert list(view) == ["Codes", "Members", "Name", "Notes", "Password", "Secret"]
    assert view["Secret"] == SECRET_MASK and view["Password"] is None
    assert view["Notes"] == schema.text_digest("line\n")  # text_diff: the text follows as its own diff
    assert view["Members"] == [{"Number": "100"}, {"Number": "101"}] and view["Codes"] is None
    plain = EntitySchema("Plain", "/Plain", "T.Plain", key="Id",
                         fields=[field("Notes", compare=schema.TEXT, select_only=True), field("Memo")])
    assert plain.diff_view({"Notes": "n", "Memo": "m"}, {"Notes": 1, "Memo": 1}) == {"Notes": "n", "Memo": "m"}
    assert plain.diff_view({"Notes": "n", "Memo": "m"}, {"Notes": 1, "Memo": 1}, digest=True) == {
        "Notes": schema.text_digest("n"), "Memo": "m"}
    assert plain.diff_view({"Notes": None}, {"Notes": 1}, digest=True) == {"Notes": None}


def test_desired_reads_the_settable_options_by_their_snake_case_names():
    wanted = THING.desired({"name": "Ada", "small": "5", "presence": "Away", "id": 3, "codes": None, "members": []})
    assert wanted == {"Name": "Ada", "Small": 5, "Members": []}
    err = error_of(THING.desired, {"small": 999})
    assert err.option == "small"


def test_option_names_default_to_snake_case_and_may_be_curated():
    renamed = thing(option_names={"Small": "size"})
    assert renamed.option("Small") == "size" and renamed.option("Mode") == "mode"
    assert renamed.by_option["size"] is renamed.field("Small") and "small" not in renamed.by_option
    assert renamed.desired({"size": 1}) == {"Small": 1}


def test_entity_schema_facts():
    assert THING.label == "things"
    assert thing(title="Call Flow App").label == "call_flow_app"
    assert THING.can("create") and not thing(verbs=("list",)).can("create")
    assert [fl.api for fl in THING.secret_fields] == ["Secret", "Password"]
    assert THING.create == {"strategy": "post"}
    assert thing(create={"strategy": "post_then_patch", "post": ("Number",)}).create["strategy"] == "post_then_patch"
    assert THING.settable_names()[:3] == ["Number", "Name", "Notes"]
    assert THING.field("Nope") is None


@pytest.mark.parametrize("key, key_type, path", [
    (5, "int", "/Things(5)"), ("5", "int", "/Things(5)"), ("O'Brien", "string", "/Things('O''Brien')"), ("a b", "string", "/Things('a b')"),
])
def test_path_quotes_string_keys(key, key_type, path):
    assert thing(key_type=key_type).path(key) == path


def test_singleton_path_and_alternate_key_path():
    single = EntitySchema("Settings", "/Settings", "T.Thing", singleton=True, fields=THING_FIELDS)
    assert single.path(None) == "/Settings" and single.path(3) == "/Settings"
    assert THING.alt_path("Number", "101") == "/Things(Number='101')"
    assert THING.alt_path("Number", "O'1") == "/Things(Number='O''1')"


def test_key_literal_refuses_a_non_numeric_int_key():
    with pytest.raises(ValueError):
        schema.key_literal("abc", "int")


# -- projection --------------------------------------------------------------------------------------

def test_projection_selects_only_where_a_select_only_property_exists():
    select, expand = THING.projection()
    assert select == [fl.api for fl in THING_FIELDS if not fl.navigation]
    assert "Notes" in select and "Members" not in select
    assert THING.projection(with_select_only=False)[0] is None
    plain = EntitySchema("Plain", "/Plain", "T.Plain", key="Id", fields=[field("Id", "int"), field("Name")])
    assert plain.projection() == (None, [])


def test_projection_expands_nested_navigation_and_stops_at_links():
    select, expand = THING.projection()
    assert expand == ["Members($expand=Rights)", "Hunt($expand=Rights)", "Trunk", "Stats"]
    assert THING.projection(computed_navigation=False)[1] == ["Members($expand=Rights)", "Hunt($expand=Rights)", "Trunk"]


def test_expand_stops_at_cycles_and_after_three_levels():
    node = Field("Node", "object", ref="T.Node", navigation=True, resolve=TABLE.__getitem__)
    assert schema.expand_clause(node, 1, ("T.Root",)) == "Node($expand=Child)"
    gateway = Field("Gateway", "object", ref="T.Gateway", navigation=True, resolve=TABLE.__getitem__)
    assert schema.expand_clause(gateway, 1, ("T.Root",)) == "Gateway($expand=Trunk)"  # the link itself, not its Gateway
    assert schema.expand_clause(f("Trunk"), 1, ("T.Thing",)) == "Trunk"
    down = Field("Down", "object", ref="T.Level1", navigation=True, resolve=TABLE.__getitem__)
    assert schema.expand_clause(down, 1, ("T.Root",)) == "Down($expand=Down($expand=Deep))"
    assert schema.expand_clause(down, 3, ("T.Root",)) == "Down"
    assert schema.expand_clause(Field("Plain"), 1, ()) == "Plain"


def test_a_read_without_computed_properties_selects_inside_each_element():
    members = field("Members", "object", ref="T.Member", many=True, key="Number", navigation=True)
    assert schema.expand_clause(members, 1, ("T.Root",)) == "Members($expand=Rights)"
    assert schema.expand_clause(members, 1, ("T.Root",), computed=False) == "Members($select=Number;$expand=Rights($select=RoleName))"
    # the element's key is kept even where the server computes it
    define("T.Coded", field("Code", computed=True), field("Label"), field("Hits", "int", computed=True))
    coded = field("Coded", "object", ref="T.Coded", many=True, key="Code", navigation=True)
    assert schema.expand_clause(coded, 1, ("T.Root",), computed=False) == "Coded($select=Code,Label)"
    # an Id is all it computes: read whole rather than name every property (a build may lack one)
    assert schema.expand_clause(field("Trunk", "object", ref="T.Trunk", navigation=True), 1, ("T.Root",),
                                computed=False) == "Trunk($expand=Gateway($expand=Trunk))"
    # nothing left to name: no empty $select
    define("T.Counters", field("Hits", "int", computed=True), field("Misses", "int", computed=True))
    assert schema.expand_clause(field("Counters", "object", ref="T.Counters", navigation=True), 1, (),
                                computed=False) == "Counters"


def test_the_registrys_projections():
    assert registry.entity_set("Users").projection_of(["Groups"])[1] == [
        "Groups($select=GroupId;$expand=Rights($select=RoleName))"]
    assert registry.entity_set("Queues").projection_of(["Agents"])[1] == ["Agents($select=Number,SkillGroup)"]
    assert registry.entity_set("CallFlowApps").projection()[1] == ["Groups($expand=GroupRights,Rights)", "Trunk"]
    assert registry.entity_set("Users").projection()[0] is None
    assert "Members($expand=GroupRights,Rights)" in registry.entity_set("Groups").projection()[1]


# -- helpers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, snake", [
    ("FirstName", "first_name"), ("VMEnabled", "vm_enabled"), ("SRTPMode", "srtp_mode"), ("Id", "id"),
    ("VMPIN", "vmpin"), ("Call2Fax", "call2_fax"), ("name", "name"), ("OutboundCallerID", "outbound_caller_id"),
])
def test_snake_case(name, snake):
    assert schema.snake_case(name) == snake


@pytest.mark.parametrize("value, key_type, literal", [
    (17, "int", "17"), ("17", "int", "17"), ("it's", "string", "'it''s'"), (5, "string", "'5'"), ("''", "string", "''''''"),
])
def test_key_literal(value, key_type, literal):
    assert schema.key_literal(value, key_type) == literal


def test_unknown_name_message_offers_up_to_three_close_matches():
    text = schema.unknown_name_message("Nmae", ["Name", "Names", "Namex", "Named", "Id"], "a property of X")
    assert text.startswith("'Nmae' is not a property of X. Did you mean ")
    assert text.count(" or ") == 2
    assert text.endswith("Accepted: Id, Name, Named, Names, Namex.")


def test_computed_message_tells_runtime_state_from_server_computed():
    assert "runtime state" in schema.computed_message(f("Presence"))
    assert "server-computed" in schema.computed_message(f("Id"))


@pytest.mark.parametrize("value, name", [
    (True, "a boolean"), (1, "a number"), (1.5, "a number"), ([], "a list"), ({}, "an object"), (None, "NoneType"),
])
def test_type_name(value, name):
    assert schema.type_name(value) == name


def test_mask_secrets_masks_at_any_depth_and_inside_lists():
    value = {"AuthPassword": "pw", "Trunks": [{"AuthPassword": {"Value": "x"}, "Name": "t"}, "text"],
             "Nested": {"VMPIN": "1234", "Other": "ok"}, "Secret": None, "Token": ""}
    masked = schema.mask_secrets(value, frozenset(["AuthPassword", "VMPIN", "Secret", "Token"]))
    assert masked == {"AuthPassword": SECRET_MASK, "Trunks": [{"AuthPassword": SECRET_MASK, "Name": "t"}, "text"],
                      "Nested": {"VMPIN": SECRET_MASK, "Other": "ok"}, "Secret": None, "Token": ""}
    assert value["AuthPassword"] == "pw"
    assert schema.mask_secrets([[{"VMPIN": 1}]], {"VMPIN"}) == [[{"VMPIN": SECRET_MASK}]]


@pytest.mark.parametrize("value, text", [
    (None, None), ("a\r\nb\r\n", "a\nb"), ("a\rb", "a\nb"), ("\ufeffa  \n\n\n", "a"), ("  a", "  a"), (5, "5"), ("", ""),
])
def test_normalize_text(value, text):
    assert schema.normalize_text(value) == text


def test_text_digest_names_size_and_hash():
    digest = schema.text_digest("zoë")
    assert digest == "<4 bytes, sha256 %s>" % hashlib.sha256("zoë".encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize("value, names", [
    (None, set()), ("", set()), ("A, B", {"A", "B"}), ("A,,B ,", {"A", "B"}), (["A", " B "], {"A", "B"}),
])
def test_flag_set(value, names):
    assert schema.flag_set(value) == frozenset(names)


def test_is_subset_without_a_schema():
    assert schema.is_subset({"a": 1}, {"a": "1", "b": 2})
    assert not schema.is_subset({"a": 1}, None)
    assert not schema.is_subset({"a": {"b": 1}}, {"a": 1})
    assert schema.is_subset([{"a": 1}], [{"a": 1, "b": 2}])
    assert not schema.is_subset([1], [1, 2]) and not schema.is_subset([1], "1")
    assert schema.is_subset({}, {"a": 1}) and schema.is_subset(None, None)


def test_object_schema_is_subset_of_a_missing_object():
    assert TABLE["T.Address"].is_subset({}, None)
    assert not TABLE["T.Address"].is_subset({"City": "x"}, None)
    assert TABLE["T.Address"].is_subset({"Unknown": {"x": 1}}, {"Unknown": {"x": 1, "y": 2}})
    assert not TABLE["T.Address"].is_subset({"Unknown": {"x": 1}}, {"Unknown": {"x": 2}})


def test_deep_merge_and_index_by():
    base = {"a": {"b": 1, "c": 2}, "d": 1}
    assert schema.deep_merge(base, {"a": {"b": 3}, "e": 4}) == {"a": {"b": 3, "c": 2}, "d": 1, "e": 4}
    assert base["a"]["b"] == 1
    assert schema.deep_merge(base, [1]) == [1] and schema.deep_merge(None, {"a": 1}) == {"a": 1}
    assert schema.index_by([{"Id": 1, "x": 1}, "odd", {"Id": "2"}], "Id") == {"1": {"Id": 1, "x": 1}, "2": {"Id": "2"}}


def test_json_or_value():
    assert schema.json_or_value('[{"GroupId": 2}]', "groups") == [{"GroupId": 2}]
    assert schema.json_or_value([1], "groups") == [1]
    err = error_of(schema.json_or_value, "[{", "groups")
    assert err.option == "groups" and "is not valid JSON" in str(err)


def test_lazy_object_schema_builds_its_fields_once():
    calls = []

    def build():
        calls.append(1)
        return [field("A"), field("B")]

    lazy = ObjectSchema("T.Lazy", build=build)
    assert calls == []
    assert list(lazy.fields) == ["A", "B"] and lazy.field("B").api == "B"
    assert calls == [1]


def test_field_defaults():
    assert Field("A").option == "A" and Field("A", option="a").option == "a"
    assert Field("A").compare == schema.EXACT and Field("A").settable
    assert Field("A", "enum", values=("X",), flags=True).compare == schema.FLAGS
    assert Field("A", "object", link=True).compare == schema.LINK
    assert Field("A", "object").compare == schema.SUBSET
    assert Field("A", "object", many=True, key="K").compare == schema.SET_BY_KEY
    assert Field("A", "object", many=True).compare == schema.LIST
    assert Field("A", many=True).compare == schema.LIST
    assert Field("A", compare=schema.SET, many=True).compare == schema.SET
    assert not Field("A", computed=True).settable and not Field("A", runtime=True).settable
    assert Field("A").schema is None and Field("A", "object").schema is None
    assert f("Address").schema is TABLE["T.Address"]


# -- what mutation testing showed untested ----------------------------------------------------

def test_field_defaults_of_a_field_built_here():
    plain = Field("A")
    assert (plain.kind, plain.nullable, plain.create_only, plain.min_items, plain.description, plain.max_length) == (
        "string", True, False, 0, "", None)
    assert plain.parse(None) is None and Field("A", many=True).parse([]) == [] and plain.parse("x" * 5000) == "x" * 5000
    described = Field("A", description="d", max_length=3)
    assert (described.description, described.max_length) == ("d", 3)


def test_with_compare_answers_a_copy_compared_by_another_rule():
    hunt = Field("Hunt", "object", ref="T.Member", many=True, key="Number", resolve=TABLE.__getitem__)
    ordered = hunt.with_compare(schema.ORDERED_BY_KEY)
    assert ordered is not hunt and hunt.compare == schema.SET_BY_KEY and ordered.compare == schema.ORDERED_BY_KEY
    assert hunt.equal(MEMBERS, [{"Number": "101"}, {"Number": "100"}])
    assert not ordered.equal(MEMBERS, [{"Number": "101"}, {"Number": "100"}])


def test_changes_compare_by_the_rules_given():
    queue = EntitySchema("Q", "/Q", "T.Q", key="Id", fields=[
        Field("Hunt", "object", ref="T.Member", many=True, key="Number", resolve=TABLE.__getitem__), Field("Name")])
    current = {"Id": 1, "Hunt": MEMBERS, "Name": "q"}
    reordered = {"Hunt": [{"Number": "101"}, {"Number": "100"}], "Name": "q"}
    assert queue.changes(current, reordered) == {}
    assert queue.changes(current, reordered, rules={"Hunt": schema.ORDERED_BY_KEY}) == {
        "Hunt": [{"Number": "101", "Rights": {"RoleName": "managers"}}, {"Number": "100", "Rights": {"RoleName": "users"}}]}
    assert queue.changes(current, dict(reordered, Name="r"), rules={"Name": schema.TEXT}) == {"Name": "r"}
    assert queue.changes(dict(current, Name="q  \r\n"), {"Name": "q"}, rules={"Name": schema.TEXT}) == {}
    assert queue.changes(dict(current, Name="q  \r\n"), {"Name": "q"}) == {"Name": "q"}


def test_the_elements_of_a_list_warn_where_they_stand():
    warnings = []
    assert Field("Ids", many=True).parse([1, "2"], warnings=warnings) == ["1", "2"]
    assert len(warnings) == 1 and warnings[0].startswith("Ids[0]: 1 was given as a number")
    warnings = []
    assert THING.desired({"name": 5}, warnings) == {"Name": "5"} and warnings[0].startswith("name: 5 was given")


def test_a_list_of_objects_without_a_key_takes_any_elements():
    routes = Field("Routes", "object", ref="T.Geo", many=True, resolve=TABLE.__getitem__)
    assert routes.parse([{"Lat": 1}, {"Lat": 2}, {"Lat": 1}]) == [{"Lat": 1}, {"Lat": 2}, {"Lat": 1}]


def test_write_keeps_a_computed_collection_key():
    holidays = Field("Holidays", "object", ref="T.Trunk", many=True, key="Id", resolve=TABLE.__getitem__)
    assert holidays.write(None, [{"Id": 3, "Name": "x"}]) == [{"Id": 3, "Name": "x"}]
    assert holidays.write([{"Id": 3, "Name": "old", "Number": "1"}], [{"Id": 3}]) == [{"Id": 3, "Number": "1", "Name": "old"}]


def test_the_view_of_a_collection_shows_what_any_element_named():
    view = f("Members").view(MEMBERS, [{"Number": "100", "Rights": {"RoleName": "x"}}, {"Number": "101"}])
    assert view == [{"Number": "100", "Rights": {"RoleName": "users"}}, {"Number": "101", "Rights": {"RoleName": "managers"}}]


def test_a_concealed_secret_does_not_end_the_comparison():
    define("T.Sip2", field("Password", secret=True), field("Host"))
    assert not TABLE["T.Sip2"].is_subset({"Password": "new", "Host": "h"}, {"Password": "****", "Host": "g"})
    assert THING.changes({"Id": 1, "Secret": "****", "Name": "Old"}, {"Secret": "s", "Name": "New"}) == {"Name": "New"}


def test_writable_and_project_go_on_after_a_property_they_leave_out():
    assert TABLE["T.Member"].writable({"Unknown": 1, "Number": "1", "Name": "x", "Rights": {"RoleName": "u"}}) == {
        "Number": "1", "Rights": {"RoleName": "u"}}
    assert THING.project({"Name": "n", "Codes": ["a"]}, {"Missing": 1, "Name": None, "Codes": None}) == {
        "Name": "n", "Codes": ["a"]}


def test_project_views_each_property_by_its_field():
    projected = THING.project({"Members": list(reversed(MEMBERS))}, {"Members": [{"Number": "100"}]})
    assert projected == {"Members": [{"Number": "100"}, {"Number": "101"}]}


def test_results_share_nothing_with_their_inputs():
    current = {"Id": 1, "Codes": ["a"], "Address": {"Street": "s", "Geo": {"Lat": 1}}, "Extra": {"k": [1]},
               "Steps": ["kept"], "Stats": {"Lat": 1}}
    desired = {"Codes": ["b"], "Address": {"City": "c"}, "Extra": {"k": [2]}}
    outputs = [THING.predict(current, desired), THING.writable(current), THING.writable(desired),
               f("Codes").predict(None, desired["Codes"]), f("Codes").write(None, desired["Codes"]),
               f("Name").predict(None, ["x"]), TABLE["T.Address"].merge(current["Address"], {"City": "c"}),
               schema.deep_merge(current, desired), schema.deep_merge(None, desired),
               TABLE["T.Address"].merge({"Street": "s"}, {"Unknown": [1]}), f("Address").predict(None, {"Geo": {"Lat": 2}})]
    before = repr((current, desired))
    for output in outputs:
        for value in (output.values() if isinstance(output, dict) else output):
            if isinstance(value, list):
                value.append("changed")
            elif isinstance(value, dict):
                value["changed"] = True
                for inner in value.values():
                    if isinstance(inner, (dict, list)):
                        inner.append("x") if isinstance(inner, list) else inner.update(x=1)
    assert repr((current, desired)) == before


def test_an_entity_schemas_key_is_an_integer_unless_said_otherwise():
    assert EntitySchema("S", "/S", "T.S", key="Id", fields=[]).path(5) == "/S(5)"
    assert EntitySchema("S", "/S", "T.S", key="Id", key_type="string", fields=[]).path(5) == "/S('5')"


@pytest.mark.parametrize("api, given, message", [
    ("Name", True, "Name: must be a string, got a boolean. Accepted: a string."),
    ("Small", True, "Small: must be an integer, got a boolean. Accepted: an integer from 0 to 255."),
    ("Small", "x", "Small: must be an integer, got 'x'. Accepted: an integer from 0 to 255."),
    ("Small", 300, "Small: 300 is out of range. Accepted: an integer from 0 to 255."),
    ("Kind", 3, "Kind: must be a string, got a number. Accepted: one of Alpha, Beta, Gamma."),
    ("Kind", "Alpha,Beta", "Kind: 'Alpha,Beta' is not a valid value (did you mean Alpha?). Accepted: one of Alpha, Beta, Gamma."),
    ("Presence", "x", None),
])
def test_exact_refusals(api, given, message):
    if message is None:
        assert str(error_of(THING.parse, {api: given}, "p")) == (
            "p.Presence: is runtime state the PBX keeps, not configuration; it cannot be set here.")
        return
    assert str(error_of(f(api).parse, given)) == message


def test_unknown_name_message_exactly():
    assert schema.unknown_name_message("Nmae", ["Name", "Names", "Id"], "a property of X") == (
        "'Nmae' is not a property of X. Did you mean Name or Names? Accepted: Id, Name, Names.")
    assert schema.unknown_name_message("Zzz", ["Name", "Id"], "a property of X") == (
        "'Zzz' is not a property of X. Accepted: Id, Name.")


def test_helpers_at_their_edges():
    assert schema.type_name(object()) == "object"
    assert schema.normalize_text("Xray\nSAX") == "Xray\nSAX"
    assert schema.scalar_equal(None, "None") is False and schema.scalar_equal("None", None) is False
    assert schema.scalar_equal("a", 1) is False and schema.scalar_equal(1, "1") is True
    assert f("Codes").equal([None], ["None"]) is False


@pytest.mark.parametrize("api, given, message", [
    ("Ratio", True, "Ratio: must be a number, got a boolean."),
    ("Ratio", "lots", "Ratio: must be a number, got 'lots'."),
    ("Day", "24.12.2026", "Day: '24.12.2026' is not valid. Accepted: a date such as 2026-12-24."),
    ("Name", "01234567890", "Name: is 11 characters long; at most 10 are accepted."),
    ("Steps", ["a", None], "Steps[1]: cannot be null. A list; each element: a string."),
])
def test_more_exact_refusals(api, given, message):
    assert str(error_of(f(api).parse, given)) == message


def test_a_kind_the_collection_does_not_know_names_its_place():
    err = error_of(Field("Blob", "binary").parse, "x", "props.Blob")
    assert err.option == "props.Blob" and str(err) == "props.Blob: has a type this collection cannot handle (binary)."


def test_a_number_for_a_text_inside_an_object_warns_where_it_stands():
    warnings = []
    assert f("Address").parse({"Street": 5}, warnings=warnings) == {"Street": "5"}
    assert warnings == ["Address.Street: 5 was given as a number; it is sent as the text '5'. Quote it in YAML: "
                        "an unquoted number loses leading zeros (0100 is read as 64)."]


def test_projection_expands_three_levels_deep_at_most():
    define("T.Level0", field("Top", "object", ref="T.Level1", navigation=True))
    chain = EntitySchema("Chain", "/Chain", "T.Chain", key="Id", fields=[
        Field("Start", "object", ref="T.Level0", navigation=True, resolve=TABLE.__getitem__)])
    assert chain.projection()[1] == ["Start($expand=Top($expand=Down))"]


def test_secret_values_are_found_at_any_depth_and_inside_json_strings():
    keys = frozenset(["AuthPassword"])
    params = dict(
        trunk={"Number": "1", "AuthPassword": "pw-object"},
        apps=[{"trunk": '{"AuthPassword": "pw-json", "Number": "2"}'}, {"trunk": {"AuthPassword": ""}}],
        name="AuthPassword", broken="{not json", trunks=' [{"AuthPassword": "pw-json-list"}]',
    )
    assert sorted(secret_values_under(keys, params)) == ["pw-json", "pw-json-list", "pw-object"]


def test_the_secrets_a_task_gives_are_found_under_secret_properties_only():
    from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import secret_values
    apps = registry.entity_set("CallFlowApps")
    desired = {"Name": "Night", "NotAProperty": "x", "Trunk": {"AuthID": "user", "AuthPassword": {"Value": "pw"}}}
    assert list(secret_values(apps, desired)) == ["pw"]
    assert list(secret_values(apps, {"Trunk": "not an object"})) == []
    clients = registry.entity_set("OAuthClients")
    tokens = {"RefreshTokens": [{"Token": "t1"}, "not an object", {"Token": ["t2", True, False, None, "", 7]}]}
    assert list(secret_values(clients, tokens)) == ["t1", "t2", "7"]
    assert list(secret_values(None, desired)) == []


def test_texts_in_a_value_are_its_texts_and_numbers_at_any_depth_without_blanks_or_flags():
    assert schema.texts_in({"a": [0, 1, True, False, "", None, "x", {"b": 2.5}]}) == ["0", "1", "x", "2.5"]
    assert schema.texts_in("Pw") == ["Pw"] and schema.texts_in(None) == []
