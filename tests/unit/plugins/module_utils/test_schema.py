# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import schema
from ansible_collections.threecx.xapi.plugins.module_utils.entities import callflow_app
from ansible_collections.threecx.xapi.plugins.module_utils.entities.callflow_app import CALLFLOW_APP
from ansible_collections.threecx.xapi.plugins.module_utils.schema import EntitySchema, Field, SchemaError, secret_values

GROUPS = CALLFLOW_APP.by_option["groups"]
TRUNK = CALLFLOW_APP.by_option["trunk"]
SCRIPT = CALLFLOW_APP.by_option["script_code"]
OPTIONS = ("id", "number", "name", "routing_type", "script_code", "transcription_mode", "groups", "trunk")


def params(**given):
    """Module params as AnsibleModule hands them over: every option present, None when not set."""
    values = dict((name, None) for name in OPTIONS)
    values.update(given)
    return values


# -- argument spec ----------------------------------------------------------

def test_argument_spec_comes_from_the_schema():
    spec = CALLFLOW_APP.argument_spec()
    assert set(spec) == set(OPTIONS)
    assert spec["id"] == {"type": "int"}
    assert spec["number"] == {"type": "str"} and spec["name"] == {"type": "str"} and spec["script_code"] == {"type": "str"}
    assert spec["routing_type"] == {"type": "str", "choices": ["DialCode", "Forward", "Trunk"]}
    assert spec["transcription_mode"] == {"type": "str", "choices": ["Nothing", "Voicemail", "Recordings", "Both", "Inherit"]}
    assert spec["groups"] == {"type": "raw"} and spec["trunk"] == {"type": "raw"}


def test_module_argument_spec_adds_the_task_options():
    spec = callflow_app.argument_spec()
    assert spec["state"] == {"type": "str", "default": "present", "choices": ["present", "absent"]}
    assert spec["wait_for_compilation"]["default"] is False and spec["diff_script"]["default"] is True
    assert "compilation_result" not in spec and "is_registered" not in spec


def test_secret_field_is_no_log():
    assert Field("password", "Password", secret=True).argument() == {"type": "str", "no_log": True}


# -- desired ----------------------------------------------------------------

def test_desired_holds_only_the_options_given():
    assert CALLFLOW_APP.desired(params(number="8100", name="Night")) == {"Number": "8100", "Name": "Night"}
    assert CALLFLOW_APP.desired(params(id=4, routing_type="Forward")) == {"RoutingType": "Forward"}


@pytest.mark.parametrize("groups", [
    [{"GroupId": 2, "Rights": {"RoleName": "users"}}],
    '[{"GroupId": 2, "Rights": {"RoleName": "users"}}]',
    [{"GroupId": "2", "Rights": {"RoleName": "users"}}],
])
def test_groups_from_a_list_or_a_json_string(groups):
    assert CALLFLOW_APP.desired(params(groups=groups)) == {"Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}]}


@pytest.mark.parametrize("trunk", [{"Number": "10000"}, '{"Number": "10000"}'])
def test_trunk_from_a_dict_or_a_json_string(trunk):
    assert CALLFLOW_APP.desired(params(trunk=trunk)) == {"Trunk": {"Number": "10000"}}


@pytest.mark.parametrize("option, value, words", [
    ("groups", '[{"GroupId": 2,}]', "not valid JSON"),
    ("groups", "", "not valid JSON"),
    ("groups", {"GroupId": 2}, "must be a list of objects"),
    ("groups", '"sales"', "must be a list of objects"),
    ("groups", [2, 3], "must be a list of objects"),
    ("groups", [], "needs at least 1 element"),
    ("groups", "[]", "needs at least 1 element"),
    ("groups", [{"Name": "Sales"}], "needs GroupId"),
    ("groups", [{"GroupId": 2, "Role": "users"}], "unknown property Role"),
    ("groups", [{"GroupId": 2, "Rights": {"RoleNmae": "users"}}], "groups[0].Rights has unknown property RoleNmae"),
    ("groups", [{"GroupId": 2, "Rights": "users"}], "Rights must be an object"),
    ("groups", [{"GroupId": 2}, {"GroupId": "2"}], "GroupId 2 is listed twice"),
    ("groups", [{"GroupId": "two"}], "must be an integer"),
    ("groups", [{"GroupId": True}], "must be an integer"),
    ("trunk", '{"Number": ', "not valid JSON"),
    ("trunk", [{"Number": "10000"}], "must be an object"),
    ("trunk", {"Numbr": "10000"}, "unknown property Numbr"),
])
def test_malformed_structured_input_raises_schema_error_naming_the_option(option, value, words):
    with pytest.raises(SchemaError) as err:
        CALLFLOW_APP.desired(params(**{option: value}))
    assert err.value.option == option
    assert str(err.value).startswith(option + ": ")
    assert words in str(err.value)


def test_schema_error_shows_an_accepted_example():
    with pytest.raises(SchemaError) as err:
        CALLFLOW_APP.desired(params(groups="nope"))
    assert '[{"GroupId": 2, "Rights": {"RoleName": "users"}}]' in str(err.value)


# -- compare ----------------------------------------------------------------

@pytest.mark.parametrize("server", [
    "line one\r\nline two\r\n",
    "line one  \nline two\t\n",
    "line one\nline two",
    "line one\nline two\n\n\n",
    "\ufeffline one\nline two\n",
    "line one\rline two\r",
])
def test_text_compare_ignores_line_endings_trailing_blanks_and_bom(server):
    assert SCRIPT.equal(server, "line one\nline two\n")


@pytest.mark.parametrize("server", ["line one\nline  two\n", "  line one\nline two\n", "line one\n\nline two\n", None])
def test_text_compare_sees_real_changes(server):
    assert not SCRIPT.equal(server, "line one\nline two\n")


SERVER_GROUPS = [
    {"GroupId": 3, "Name": "Sales", "Id": 103, "Rights": {"RoleName": "users", "CanBargeIn": False}},
    {"GroupId": 2, "Name": "DEFAULT", "Id": 102, "Rights": {"RoleName": "admin", "CanBargeIn": True}},
]


def test_groups_compare_as_a_set_keyed_by_group_id():
    wanted = [{"GroupId": 2, "Rights": {"RoleName": "admin"}}, {"GroupId": 3}]
    assert GROUPS.equal(SERVER_GROUPS, wanted)  # other order, server keys ignored, subset per element


@pytest.mark.parametrize("wanted", [
    [{"GroupId": 2}],                                                   # a group too many on the server
    [{"GroupId": 2}, {"GroupId": 3}, {"GroupId": 4}],                   # a group missing on the server
    [{"GroupId": 2, "Rights": {"RoleName": "users"}}, {"GroupId": 3}],  # an element differs
    [],
])
def test_groups_compare_sees_membership_and_element_changes(wanted):
    assert not GROUPS.equal(SERVER_GROUPS, wanted)


def test_groups_compare_when_the_server_has_none():
    assert GROUPS.equal(None, [])
    assert not GROUPS.equal(None, [{"GroupId": 2}])


def test_trunk_compares_as_a_subset():
    server = {"Number": "10000", "Gateway": {"Host": "sip.example.com"}, "Direction": "Both"}
    assert TRUNK.equal(server, {"Number": "10000"})
    assert TRUNK.equal(server, {"Gateway": {"Host": "sip.example.com"}})
    assert not TRUNK.equal(server, {"Number": "10001"})
    assert not TRUNK.equal(None, {"Number": "10000"})
    assert not TRUNK.equal({"DidNumbers": ["100", "101", "102"]}, {"DidNumbers": ["100", "101"]})  # lists compare whole
    assert TRUNK.equal({"DidNumbers": ["100", "101"]}, {"DidNumbers": ["100", "101"]})


@pytest.mark.parametrize("current, desired, equal", [
    ("8100", 8100, True),
    (8100, "8100", True),
    (2, "2", True),
    ("8100", "08100", False),
    (True, "True", False),
    (None, "", False),
])
def test_scalar_compare_counts_a_number_and_its_text_as_equal(current, desired, equal):
    assert schema.scalar_equal(current, desired) is equal


def test_changes_holds_only_what_differs():
    current = {"Id": 1, "Number": "8100", "Name": "Night", "ScriptCode": "a\r\nb\r\n", "Groups": SERVER_GROUPS}
    desired = {"Number": "8100", "Name": "Day", "ScriptCode": "a\nb", "Groups": [{"GroupId": 2}, {"GroupId": 3}]}
    assert CALLFLOW_APP.changes(current, desired) == {"Name": "Day"}


# -- predict ----------------------------------------------------------------

def test_predict_merges_groups_and_trunk_with_what_the_server_holds():
    current = {"Id": 1, "Name": "Night", "Groups": SERVER_GROUPS, "Trunk": {"Number": "10000", "Direction": "Both"}}
    changes = {"Name": "Day", "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}, {"GroupId": 9}],
               "Trunk": {"Direction": "Inbound"}}
    predicted = CALLFLOW_APP.predict(current, changes)
    assert predicted["Name"] == "Day"
    assert predicted["Groups"] == [
        {"GroupId": 2, "Name": "DEFAULT", "Id": 102, "Rights": {"RoleName": "users", "CanBargeIn": True}},
        {"GroupId": 9}]
    assert predicted["Trunk"] == {"Number": "10000", "Direction": "Inbound"}
    assert current["Name"] == "Night" and current["Groups"][1]["Rights"]["RoleName"] == "admin"  # not mutated


# -- diff view --------------------------------------------------------------

def test_diff_view_shows_only_managed_properties_and_keys():
    entity = {"Id": 1, "Name": "Night", "RoutingType": "DialCode", "Groups": SERVER_GROUPS}
    view = CALLFLOW_APP.diff_view(entity, {"Name": "x", "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}]})
    assert view == {"Name": "Night",
                    "Groups": [{"GroupId": 2, "Rights": {"RoleName": "admin"}}, {"GroupId": 3, "Rights": {"RoleName": "users"}}]}


def test_diff_view_digest_replaces_the_script_by_size_and_hash():
    script = 'var token = "sk-live-0123456789";\n'
    view = CALLFLOW_APP.diff_view({"ScriptCode": script, "Name": "CRM"}, {"ScriptCode": script, "Name": "CRM"}, digest=True)
    digest = view["ScriptCode"]
    assert "sk-live" not in digest
    assert str(len(script.encode("utf-8"))) in digest
    assert hashlib.sha256(script.encode("utf-8")).hexdigest()[:16] in digest
    assert view["Name"] == "CRM"
    assert CALLFLOW_APP.diff_view({"ScriptCode": script}, {"ScriptCode": script})["ScriptCode"] == script


def test_diff_view_digest_differs_for_different_scripts():
    one = CALLFLOW_APP.diff_view({"ScriptCode": "a"}, {"ScriptCode": "a"}, digest=True)
    two = CALLFLOW_APP.diff_view({"ScriptCode": "b"}, {"ScriptCode": "b"}, digest=True)
    assert one != two


def test_diff_view_masks_secret_fields():
    device = EntitySchema("device", "/Devices", [Field("id", "Id", type="int", identity=True, computed=True),
                                                 Field("password", "Password", secret=True), Field("name", "Name")])
    view = device.diff_view({"Id": 1, "Password": "hunter2", "Name": "Desk"}, {"Password": "new", "Name": "Desk"})
    assert view == {"Password": schema.SECRET_MASK, "Name": "Desk"}


def test_secret_values_are_found_at_any_depth_and_inside_json_strings():
    keys = frozenset(["AuthPassword"])
    params = dict(
        trunk={"Number": "1", "AuthPassword": "pw-object"},
        apps=[{"trunk": '{"AuthPassword": "pw-json", "Number": "2"}'}, {"trunk": {"AuthPassword": ""}}],
        name="AuthPassword", broken="{not json",
    )
    assert sorted(secret_values(params, keys)) == ["pw-json", "pw-object"]
