# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declarative entity schemas.

A schema states, for each property of an XAPI entity, its option name, API
name, type, choices, how it is compared, and whether it is create-only,
server-computed or secret. From that one description come the argument spec,
the $select/$expand of every read, the PATCH body, the diff and the check-mode
prediction. Nothing here does I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib
import json

# Compare rules.
EXACT = "exact"            # equal after converting numbers given as text
TEXT = "text"              # equal after normalising line endings and trailing blanks
SET_BY_KEY = "set_by_key"  # list of objects: same keys, each element a subset of the server's
SUBSET = "subset"          # object: every key the user gave equals the server's

SECRET_MASK = "********"


class SchemaError(Exception):
    """Bad input, found before any request; names the option."""

    def __init__(self, option, message):
        super(SchemaError, self).__init__("%s: %s" % (option, message))
        self.option = option


class Field:
    """One property of an entity."""

    def __init__(self, option, api, type="str", choices=None, compare=EXACT, key=None,
                 create_only=False, computed=False, secret=False, identity=False,
                 navigation=False, select_only=False, digest_in_diff=False,
                 element_keys=None, nested_keys=None, secret_keys=None, expand=None, min_items=0,
                 required_on_create=False, example=None, description=""):
        self.option = option
        self.api = api
        self.type = type
        self.choices = choices
        self.compare = compare
        self.key = key
        self.create_only = create_only
        self.computed = computed
        self.secret = secret
        self.identity = identity
        self.navigation = navigation      # only returned when named in $expand
        self.expand = expand or api       # the $expand clause, with nested navigation properties
        self.select_only = select_only    # only returned when named in $select
        self.digest_in_diff = digest_in_diff
        self.element_keys = frozenset(element_keys or ())
        self.nested_keys = dict((name, frozenset(keys)) for name, keys in (nested_keys or {}).items())
        self.secret_keys = frozenset(secret_keys or ())  # keys inside a dict/list value that hold secrets
        self.required_on_create = required_on_create
        self.min_items = min_items
        self.example = example
        self.description = description

    @property
    def settable(self):
        return not self.computed

    def argument(self):
        """This field's entry in an Ansible argument spec."""
        spec = {"type": "raw" if self.type in ("list", "dict") else self.type}
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.secret:
            spec["no_log"] = True
        return spec

    # -- input ------------------------------------------------------------

    def parse(self, value):
        """The user's value in the API's shape; raises SchemaError when malformed."""
        if value is None or self.type not in ("list", "dict"):
            return value
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise SchemaError(self.option, "is not valid JSON (%s). %s" % (exc, self._accepted()))
        if self.type == "list":
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise SchemaError(self.option, "must be a list of objects. %s" % self._accepted())
            if len(value) < self.min_items:
                raise SchemaError(self.option, "needs at least %d element(s). %s" % (self.min_items, self._accepted()))
            value = [self._check_object(item, "%s[%d]" % (self.option, index)) for index, item in enumerate(value)]
            self._check_unique_keys(value)
            return value
        if not isinstance(value, dict):
            raise SchemaError(self.option, "must be an object. %s" % self._accepted())
        return self._check_object(value, self.option)

    def _accepted(self):
        example = " e.g. %s" % self.example if self.example else ""
        shape = "a list of objects" if self.type == "list" else "an object"
        return "Accepted: %s as the API spells it, or the same as a JSON string%s." % (shape, example)

    def _check_object(self, obj, where):
        self._check_keys(obj, self.element_keys, where)
        for name, allowed in self.nested_keys.items():
            nested = obj.get(name)
            if nested is None:
                continue
            if not isinstance(nested, dict):
                raise SchemaError(self.option, "%s.%s must be an object." % (where, name))
            self._check_keys(nested, allowed, "%s.%s" % (where, name))
        if self.key:
            if self.key not in obj:
                raise SchemaError(self.option, "%s needs %s, the key its elements are matched by. %s" % (where, self.key, self._accepted()))
            obj = dict(obj)
            obj[self.key] = self._key_value(obj[self.key], where)
        return obj

    def _check_keys(self, obj, allowed, where):
        if not allowed:
            return
        unknown = sorted(set(obj) - allowed)
        if unknown:
            raise SchemaError(self.option, "%s has unknown propert%s %s. Accepted: %s." % (
                where, "y" if len(unknown) == 1 else "ies", ", ".join(unknown), ", ".join(sorted(allowed))))

    def _key_value(self, value, where):
        if isinstance(value, bool):
            raise SchemaError(self.option, "%s.%s must be an integer." % (where, self.key))
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SchemaError(self.option, "%s.%s must be an integer, got %r." % (where, self.key, value))

    def _check_unique_keys(self, items):
        if not self.key:
            return
        seen = set()
        for item in items:
            if item[self.key] in seen:
                raise SchemaError(self.option, "%s %s is listed twice." % (self.key, item[self.key]))
            seen.add(item[self.key])

    # -- compare ----------------------------------------------------------

    def equal(self, current, desired):
        """Does the server's value already satisfy what the user asked for?"""
        if self.compare == TEXT:
            return normalize_text(current) == normalize_text(desired)
        if self.compare == SUBSET:
            return is_subset(desired, current)
        if self.compare == SET_BY_KEY:
            return self._same_set(current or [], desired)
        return scalar_equal(current, desired)

    def _same_set(self, current, desired):
        by_key = _index(current, self.key)
        if set(by_key) != set(item[self.key] for item in desired):
            return False
        return all(is_subset(item, by_key[item[self.key]]) for item in desired)

    def predict(self, current, desired):
        """The value the server will hold after the write (check-mode result)."""
        if self.compare == SUBSET and isinstance(current, dict):
            return deep_merge(current, desired)
        if self.compare == SET_BY_KEY:
            by_key = _index(current or [], self.key)
            return [deep_merge(by_key[item[self.key]], item) if item[self.key] in by_key else copy.deepcopy(item)
                    for item in desired]
        return copy.deepcopy(desired)

    def view(self, value, desired):
        """The part of a value the user manages, for the diff (all of it when desired is None)."""
        if desired is None:
            return value
        if self.compare == SUBSET:
            return project(value, desired)
        if self.compare == SET_BY_KEY and isinstance(value, list):
            shape = {}
            for item in desired or []:
                shape = deep_merge(shape, item)
            return sorted((project(item, shape) for item in value), key=lambda item: str(item.get(self.key)))
        return value


class EntitySchema:
    """All fields of one entity set."""

    def __init__(self, name, entity_set, fields, key="Id", title=None):
        self.name = name
        self.entity_set = entity_set
        self.fields = list(fields)
        self.key = key
        self.title = title or name
        self.by_option = dict((f.option, f) for f in self.fields)
        self.by_api = dict((f.api, f) for f in self.fields)

    @property
    def settable(self):
        return [f for f in self.fields if f.settable]

    @property
    def identity(self):
        return [f for f in self.fields if f.identity]

    @property
    def computed(self):
        return [f for f in self.fields if f.computed and not f.identity]

    def argument_spec(self):
        spec = {}
        for field in self.fields:
            if field.settable or field.identity:
                spec[field.option] = field.argument()
        return spec

    def projection(self, with_select_only=True):
        """($select, $expand) that bring back every property of the entity."""
        select = [f.api for f in self.fields if not f.navigation and (with_select_only or not f.select_only)]
        expand = [f.expand for f in self.fields if f.navigation]
        return select, expand

    def path(self, entity_id):
        return "%s(%d)" % (self.entity_set, int(entity_id))

    def desired(self, params):
        """{API name: value} for the settable options the user gave."""
        wanted = {}
        for field in self.settable:
            value = params.get(field.option)
            if value is not None:
                wanted[field.api] = field.parse(value)
        return wanted

    def changes(self, current, desired):
        """The properties a PATCH must carry: only those that differ."""
        return dict((api, value) for api, value in desired.items()
                    if not self.by_api[api].equal(current.get(api), value))

    def predict(self, current, changes):
        entity = copy.deepcopy(current)
        for api, value in changes.items():
            entity[api] = self.by_api[api].predict(current.get(api), value)
        return entity

    def diff_view(self, entity, desired, digest=False):
        """Managed properties of an entity, secrets masked, scripts optionally digested."""
        view = {}
        for api in sorted(desired):
            field = self.by_api[api]
            value = field.view(entity.get(api), desired[api])
            if field.secret and value is not None:
                value = SECRET_MASK
            elif digest and field.digest_in_diff and value is not None:
                value = text_digest(value)
            view[api] = value
        return view

    @property
    def required_on_create(self):
        return [f for f in self.fields if f.required_on_create]

    @property
    def secret_keys(self):
        """API names whose values are never shown: secret properties and secret keys inside objects."""
        keys = set()
        for field in self.fields:
            keys.update(field.secret_keys)
            if field.secret:
                keys.add(field.api)
        return frozenset(keys)


# -- helpers -----------------------------------------------------------------

def mask_secrets(value, keys):
    """A copy of value (results, entities, diffs) with the values under keys masked, at any depth."""
    if isinstance(value, dict):
        return dict((k, SECRET_MASK if k in keys and v not in (None, "") else mask_secrets(v, keys))
                    for k, v in value.items())
    if isinstance(value, list):
        return [mask_secrets(item, keys) for item in value]
    return value


def secret_values(value, keys):
    """The values under keys (non-empty strings, at any depth) of a value as the user gave it.

    Objects and lists given as JSON strings are looked into as well.
    """
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str) and item:
                found.append(item)
            else:
                found.extend(secret_values(item, keys))
    elif isinstance(value, list):
        for item in value:
            found.extend(secret_values(item, keys))
    return found


def normalize_text(value):
    """Line endings to LF, trailing blanks of each line and of the text removed."""
    if value is None:
        return None
    text = str(value).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def text_digest(value):
    data = str(value).encode("utf-8")
    return "<%d bytes, sha256 %s>" % (len(data), hashlib.sha256(data).hexdigest()[:16])


def scalar_equal(current, desired):
    """Equal, with a number and its text form counted as the same value."""
    if current == desired:
        return True
    numbers = (int, float)
    if isinstance(current, bool) or isinstance(desired, bool):
        return False
    if isinstance(current, numbers) and isinstance(desired, str) or isinstance(desired, numbers) and isinstance(current, str):
        return str(current) == str(desired)
    return False


def is_subset(desired, current):
    """Every key in desired (recursively) has an equal value in current."""
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return False
        return all(is_subset(value, current.get(key)) for key, value in desired.items())
    if isinstance(desired, list):
        if not isinstance(current, list) or len(current) != len(desired):
            return False
        return all(is_subset(d, c) for d, c in zip(desired, current))
    return scalar_equal(current, desired)


def deep_merge(base, overlay):
    if not isinstance(base, dict) or not isinstance(overlay, dict):
        return copy.deepcopy(overlay)
    merged = copy.deepcopy(base)
    for key, value in overlay.items():
        merged[key] = deep_merge(merged.get(key), value)
    return merged


def project(value, shape):
    """Keep only the keys (recursively) that shape has."""
    if not isinstance(value, dict) or not isinstance(shape, dict):
        return value
    return dict((key, project(value.get(key), sub)) for key, sub in shape.items() if key in value)


def _index(items, key):
    return dict((item.get(key), item) for item in items if isinstance(item, dict))
