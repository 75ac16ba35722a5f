# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Call Flow App (Pbx.CallFlowApp, entity set /CallFlowApps) as the callflow_app modules see it.

The properties, their types and their rules come from the registry and its
overrides; this file only says which of them the modules offer as options and
how a task names its app.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.module_utils import registry
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import Lookup, PlanError
from ansible_collections.threecx.xapi.plugins.module_utils import schema
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError, json_or_value, text_digest
from ansible_collections.threecx.xapi.plugins.module_utils.typed import Context, Memberships, TrunkLink

CALLFLOW_APP = registry.entity_set("CallFlowApps")

# (API name, option) in the order a lookup tries them.
IDENTITY = (("Id", "id"), ("Number", "number"), ("Name", "name"))
# Options given as the API spells them: a list or dict, or the same as a JSON string.
STRUCTURED = ("groups", "trunk")
# Raw so that an unquoted YAML number reaches the schema, which warns about it (0100 reads as 64).
RAW_TEXT = ("number",)

# Options of a callflow_app task besides the entity's own properties.
TASK_OPTIONS = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    wait_for_compilation=dict(type="bool", default=False),
    compilation_timeout=dict(type="int", default=60),
    diff_script=dict(type="bool", default=True),
)
REQUIRED_ONE_OF = [["id", "number", "name"]]
MUTUALLY_EXCLUSIVE = [["groups", "departments"]]
# Options that name other entities (as in the whole-PBX config): departments by name, a trunk by its name.
DEPARTMENTS = Memberships()
TRUNK_BY_NAME = TrunkLink("trunk", "Trunk")


def argument_spec():
    """Options of one app: its identity, its settable properties, and how the task treats it."""
    spec = dict(id=dict(type="int"))
    for api, field in CALLFLOW_APP.fields.items():
        if not field.settable:
            continue
        option = CALLFLOW_APP.option(api)
        if option in STRUCTURED or option in RAW_TEXT:
            spec[option] = dict(type="raw")
        elif field.kind == "enum":
            spec[option] = dict(type="str", choices=list(field.values))
        else:
            spec[option] = dict(type="str")
    spec["departments"] = DEPARTMENTS.argument()
    spec.update((name, dict(option)) for name, option in TASK_OPTIONS.items())
    return spec


def desired(params, warnings=None, directory=None):
    """{API name: value} of the properties given; bad input fails here, before any request.

    With a directory, departments and a trunk given by name are resolved to the ids the API wants
    (without one, only their shape is checked).
    """
    values = dict(params)
    for option in STRUCTURED:
        if values.get(option) is not None and not (option == "trunk" and _is_name(values[option])):
            values[option] = json_or_value(values[option], option)
    ctx = Context(directory, warnings)
    named = {}
    if values.get("departments") is not None:
        named["Groups"] = DEPARTMENTS.to_api(values.pop("departments"), ctx, "departments")
    if _is_name(values.get("trunk")):
        named["Trunk"] = TRUNK_BY_NAME.to_api(values.pop("trunk"), ctx, "trunk")
    for option in ("number", "name"):
        check_identity_text(values.get(option), option)
    if params.get("compilation_timeout") is not None and params["compilation_timeout"] <= 0:
        raise SchemaError("compilation_timeout", "expected a number of seconds above 0, got %d." % params["compilation_timeout"])
    wanted = CALLFLOW_APP.desired(values, warnings)
    wanted.update(named)
    return wanted


def _is_name(value):
    """A trunk given as text that is not JSON names the trunk by its gateway's name."""
    return isinstance(value, str) and not value.lstrip().startswith(("{", "["))


def check_identity_text(value, option):
    """An identity with blanks around it names another app than the one meant (and purge would delete that one)."""
    if value is not None:
        schema.check_identity_text(value, option, "app")


def identity_given(params):
    """{API name: value} of every identity option the task gave."""
    return dict((api, identity_value(params, option)) for api, option in IDENTITY if params.get(option) is not None)


def identity_value(params, option):
    """An identity option as the API gets it: a number given for a text (number: 8100) is its text, as in desired()."""
    value = params.get(option)
    if option in RAW_TEXT and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def lookup(params):
    found = Lookup.first_of(CALLFLOW_APP, [(api, option, identity_value(params, option)) for api, option in IDENTITY])
    if found is None:
        raise PlanError("one of id, number, name is required to find the %s." % CALLFLOW_APP.title)
    return found


def shown_entity(params):
    """How an app appears in the task's output: with diff_script=false its script is a digest everywhere."""
    def shown(entity):
        if params.get("diff_script", True) or not entity or entity.get("ScriptCode") is None:
            return entity
        return dict(entity, ScriptCode=text_digest(entity["ScriptCode"]))
    return shown
