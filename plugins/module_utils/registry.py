# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Schemas for every entity set and singleton: the generated registry plus the curated overrides.

registry_data.py says what the official document states (types, enums, keys,
verbs); overrides.py says what it does not (identities, create-only, computed
and secret properties, element keys, create strategies). This module joins the
two into the schema.py objects the engine works with, lazily and once per
schema, so a task pays only for the schemas it touches.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.threecx.xapi.plugins.module_utils import overrides
from ansible_collections.threecx.xapi.plugins.module_utils.registry_data import DATA, SOURCE
from ansible_collections.threecx.xapi.plugins.module_utils.schema import (
    TEXT, EntitySchema, Field, ObjectSchema, SchemaError, unknown_name_message)

RULES = ("computed", "runtime", "create_only", "secret", "select_only", "text_diff")

_cache = {}


def data():
    """The registry, decoded on first use."""
    if "data" not in _cache:
        _cache["data"] = json.loads(DATA)
    return _cache["data"]


def build():
    """The PBX build the registry was generated from."""
    return SOURCE["build"]


def set_names():
    return sorted(data()["sets"])


def singleton_names():
    return sorted(data()["singletons"])


def is_entity_type(schema_name):
    """True when some entity set holds entities of this schema (a link target, not a nested value)."""
    if "entity_types" not in _cache:
        _cache["entity_types"] = frozenset(entry["schema"] for entry in data()["sets"].values())
    return schema_name in _cache["entity_types"]


def object_schema(name):
    """The ObjectSchema of a schema of the document, e.g. Pbx.Route."""
    key = ("object", name)
    if key not in _cache:
        if name not in data()["schemas"]:
            raise KeyError("the registry has no schema %s" % name)
        _cache[key] = ObjectSchema(name, build=lambda: list(_fields(name)))
    return _cache[key]


def entity_set(name, option="entity_set"):
    """The EntitySchema of an entity set such as Users; an unknown name fails naming close matches."""
    info = data()["sets"].get(name)
    if info is None:
        raise SchemaError(option, unknown_name_message(name, set_names(), "an entity set of XAPI %s" % build()))
    key = ("set", name)
    if key not in _cache:
        curated = overrides.SETS.get(name, {})
        _cache[key] = EntitySchema(
            name, info["path"], info["schema"], key=info.get("key"), key_type=info.get("key_type", "int"),
            alt_keys=info.get("alt_keys", ()), verbs=info["verbs"], identity=_rule(curated, "identity", ()),
            title=curated.get("title", name), create=_rule(curated, "create", None),
            required_on_create=_rule(curated, "required_on_create", ()),
            build=lambda: list(object_schema(info["schema"]).fields.values()))
    return _cache[key]


def singleton(name, option="singleton"):
    """The EntitySchema of a singleton such as OfficeHours."""
    info = data()["singletons"].get(name)
    if info is None:
        raise SchemaError(option, unknown_name_message(name, singleton_names(), "a singleton of XAPI %s" % build()))
    key = ("singleton", name)
    if key not in _cache:
        curated = overrides.SINGLETONS.get(name, {})
        _cache[key] = EntitySchema(
            name, info["path"], info["schema"], verbs=info["verbs"], singleton=True, title=curated.get("title", name),
            build=lambda: list(object_schema(info["schema"]).fields.values()))
    return _cache[key]


def secret_names():
    """API names that hold a secret in some schema: masked wherever they appear in a result."""
    if "secret_names" not in _cache:
        names = set()
        for schema_name, entry in data()["schemas"].items():
            rules = overrides.SCHEMAS.get(schema_name, {})
            names.update(rules.get("secret", ()))
            names.update(api for api, desc in entry["props"].items() if desc.get("r") in overrides.SECRET_TYPES)
        _cache["secret_names"] = frozenset(names)
    return _cache["secret_names"]


# -- building fields -------------------------------------------------------------------

def _chain(name):
    """The schema and its bases, base first."""
    chain = []
    while name:
        chain.insert(0, name)
        name = data()["schemas"][name].get("base")
    return chain


def _assigned_keys():
    """schema name -> its integer key, which the PBX assigns: never sent, never compared."""
    if "assigned_keys" not in _cache:
        _cache["assigned_keys"] = dict((entry["schema"], entry["key"]) for entry in data()["sets"].values()
                                       if entry.get("key") and entry.get("key_type") == "int")
    return _cache["assigned_keys"]


def _fields(name):
    chain = _chain(name)
    rules = {}
    if "Id" in _all_props(chain) and _all_props(chain)["Id"]["t"] == "int":
        rules["computed"] = {"Id": "[inference] integer ids are assigned by the PBX; clients only name them in links"}
    if name in _assigned_keys():
        rules.setdefault("computed", {})[_assigned_keys()[name]] = "[spec] the integer key of the entity set; the PBX assigns it"
    for schema_name in chain:
        for rule, entries in overrides.SCHEMAS.get(schema_name, {}).items():
            rules.setdefault(rule, {}).update(entries)
    for schema_name in chain:
        for api, desc in data()["schemas"][schema_name]["props"].items():
            yield _field(api, desc, rules)


def _field(api, desc, rules):
    kind, ref = desc["t"], desc.get("r")
    enum = data()["enums"][ref] if kind == "enum" else {}
    evidence = dict((rule, rules[rule][api]) for rule in RULES if api in rules.get(rule, {}))
    if ref in overrides.SECRET_TYPES:
        evidence.setdefault("secret", overrides.SECRET_TYPES[ref])
    key = rules.get("keys", {}).get(api)
    compare = rules.get("compare", {}).get(api)
    min_items = rules.get("min_items", {}).get(api)
    for rule, entry in (("key", key), ("compare", compare), ("min_items", min_items)):
        if entry:
            evidence[rule] = entry[1]
    return Field(
        api, kind, many=desc.get("m", False), navigation=desc.get("v", False), nullable=desc.get("n", True),
        fmt=desc.get("f"), max_length=desc.get("l"), values=enum.get("values"), flags=enum.get("flags", False),
        ref=ref, resolve=_resolve_object, key=key[0] if key else None,
        compare=TEXT if "text_diff" in evidence else (compare[0] if compare else None),
        link=desc.get("v", False) and kind == "object" and is_entity_type(ref),
        create_only="create_only" in evidence, computed="computed" in evidence, runtime="runtime" in evidence,
        secret="secret" in evidence, select_only="select_only" in evidence, text_diff="text_diff" in evidence,
        min_items=min_items[0] if min_items else 0, evidence=evidence)


def _all_props(chain):
    props = {}
    for schema_name in chain:
        props.update(data()["schemas"][schema_name]["props"])
    return props


def _resolve_object(name):
    return object_schema(name)


def _rule(curated, name, default):
    entry = curated.get(name)
    return entry[0] if entry else default
