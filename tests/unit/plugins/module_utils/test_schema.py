# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The field model."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import registry, schema
from ansible_collections.threecx.xapi.plugins.module_utils.schema import (
    SECRET_MASK, EntitySchema, Field, ObjectSchema, SchemaError)

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


