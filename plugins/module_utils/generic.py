# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the generic entity and entity_info modules share: naming a set or singleton in API spelling."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.module_utils import reconcile, registry
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import Lookup, PlanError
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError, check_identity_text


class Target:
    """An entity set (with how one entity of it is named) or a singleton, checked before any request."""

    def __init__(self, schema, lookup):
        self.schema = schema
        self.lookup = lookup

    @property
    def header(self):
        if self.schema.singleton:
            return self.schema.set_name
        return "%s %s" % (self.schema.set_name, self.lookup.value()) if self.lookup else self.schema.set_name

    def desired(self, properties, warnings=None):
        if not isinstance(properties, dict):
            raise SchemaError("properties", "must be a dict of property: value as the API spells them.")
        return self.schema.parse(properties, "properties", warnings)

    def check_writes(self, properties, state):
        """A write the API does not offer, or a match that would create a near-duplicate, is refused before any request."""
        schema = self.schema
        if state != "absent" and self.lookup is not None:
            for api, value in sorted(self.lookup.match.items()):
                if isinstance(value, str):
                    check_identity_text(value, "match.%s" % api)
        what = "the singleton %s" % schema.set_name if schema.singleton else "the entity set %s" % schema.set_name
        if state == "absent" and not schema.can("delete"):
            raise SchemaError("state", "%s offers no delete in XAPI %s." % (what, registry.build()))
        if properties and not (schema.can("update") or schema.can("create")):
            raise SchemaError("properties", "%s is read-only in XAPI %s (it offers only %s)." % (
                what, registry.build(), ", ".join(schema.verbs)))

    def plan(self, current, desired, state, update_secrets):
        schema = self.schema
        result = reconcile.plan(schema, current, desired, state, self.lookup, update_secrets,
                                identity=self.lookup.match if self.lookup else None)
        if result.action == reconcile.UPDATE and not schema.can("update"):
            raise PlanError("the %s %s differs from the properties given, but XAPI offers no way to change it "
                            "(only %s)." % (schema.title, self.lookup.describe(), ", ".join(schema.verbs)))
        return result


def target(params, need_lookup=True):
    """The Target the task names; raises SchemaError for an unknown name or a contradiction."""
    if params.get("singleton"):
        schema = registry.singleton(params["singleton"])
        for option in ("id", "match"):
            if params.get(option) is not None:
                raise SchemaError(option, "a singleton has no %s: there is one %s." % (option, schema.set_name))
        if params.get("state") == "absent":
            raise SchemaError("state", "a singleton cannot be deleted; only present is accepted for %s." % schema.set_name)
        return Target(schema, None)
    schema = registry.entity_set(params["entity_set"])
    lookup = None
    if params.get("id") is not None:
        lookup = Lookup(schema, key=parse_key(schema, params["id"]), option="id")
    elif params.get("match") is not None:
        lookup = Lookup(schema, match=reconcile.check_match(schema, params["match"]))
    elif need_lookup:
        raise SchemaError("id", "one of id or match is needed to name one entity of %s." % schema.set_name)
    if lookup is not None and not (schema.can("read") or schema.can("list")):
        raise SchemaError("entity_set", "%s cannot be read in XAPI %s." % (schema.set_name, registry.build()))
    return Target(schema, lookup)


def parse_key(schema, value):
    if schema.key is None:
        raise SchemaError("id", "%s has no key in XAPI %s; use match." % (schema.set_name, registry.build()))
    if schema.key_type == "int":
        if isinstance(value, bool):
            raise SchemaError("id", "must be the integer %s of the entity, got a boolean." % schema.key)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SchemaError("id", "must be the integer %s of the entity, got %r." % (schema.key, value))
    if not isinstance(value, str) or not value:
        raise SchemaError("id", "must be the %s of the entity, a non-empty string." % schema.key)
    return value
