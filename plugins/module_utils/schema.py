# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declarative entity schemas.

A schema states, for each property of an XAPI entity, its API name, type,
choices, how it is compared, and whether it is create-only, server-computed or
secret. Schemas are built from the generated registry plus curated overrides
(registry.py). From that one description come the validation of input, the
$select/$expand of every read, the PATCH body, the diff and the check-mode
prediction. Nothing here does I/O.

Compare rules (Field.compare):
  exact          scalars; a number and its text are equal
  text           long texts; line endings and trailing blanks normalised
  flags          a flags enum; the same set of member names
  subset         an object; every key given equals the server's (recursively)
  link           a reference to another entity (e.g. a trunk); compared as a subset, written as given
  set_by_key     a collection of objects; the same keys, each element a subset
  ordered_by_key the same, and in the same order (e.g. hunt order)
  list           any other collection; the same elements in the same order
  set            a collection of scalars whose order does not matter
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import difflib
import hashlib
import json
import re

EXACT, TEXT, FLAGS, SUBSET, LINK = "exact", "text", "flags", "subset", "link"
SET_BY_KEY, ORDERED_BY_KEY, LIST, SET = "set_by_key", "ordered_by_key", "list", "set"
KEYED = (SET_BY_KEY, ORDERED_BY_KEY)

SECRET_MASK = "********"

INT_RANGES = {
    "uint8": (0, 255), "int8": (-128, 127), "int16": (-32768, 32767),
    "int32": (-2147483648, 2147483647), "int64": (-9223372036854775808, 9223372036854775807),
}
PATTERNS = {
    "datetime": (re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,12})?)?(Z|[+-]\d\d:\d\d)$"),
                 "an ISO 8601 date-time such as 2026-01-31T09:00:00Z"),
    "duration": (re.compile(r"^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"), "an ISO 8601 duration such as PT8H30M"),
    "time": (re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,12})?)?$"), "a time such as 09:00 or 09:00:00"),
    "date": (re.compile(r"^\d{4}-\d\d-\d\d$"), "a date such as 2026-12-24"),
    "guid": (re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
             "a GUID such as 0a1b2c3d-0000-4000-8000-000000000000"),
}
TRUE_TEXTS, FALSE_TEXTS = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
# Option names where snake_case of the API name reads badly (VMPIN -> vmpin, PublicIPinSIP -> public_i_pin_sip).
OPTION_NAMES = {
    "VMPIN": "vm_pin", "SIPID": "sip_id", "PublicIPinSIP": "public_ip_in_sip", "Enable2FA": "enable_2fa",
    "Require2FA": "require_2fa", "MS365SignInEnabled": "ms365_sign_in_enabled", "AIAgent": "ai_agent",
    "LlDpInfo": "lldp_info", "IVRType": "ivr_type", "DNRanges": "dn_ranges", "CallerID": "caller_id",
    "OutboundCallerID": "outbound_caller_id", "ForwardDN": "forward_dn", "TrunkDN": "trunk_dn",
    "AdminEMail": "admin_email", "DialCodeVMail": "dial_code_vmail", "EMail": "email", "LocalIPv4": "local_ipv4",
    "EnableVMenuOutboundCalls": "enable_vmenu_outbound_calls", "OAuthCimdEnabled": "oauth_cimd_enabled",
    "OAuthDcrEnabled": "oauth_dcr_enabled", "OAuthOpenIdConnectEnabled": "oauth_open_id_connect_enabled",
}


class SchemaError(Exception):
    """Bad input, found before any request; names the option."""

    def __init__(self, option, message):
        super(SchemaError, self).__init__("%s: %s" % (option, message))
        self.option = option


class Field:
    """One property of an entity or of a nested object.

    kind: string, int, number, bool, datetime, duration, time, date, guid, enum, object or any.
    many: a collection of that kind. resolve: turns a schema name into an ObjectSchema (lazily,
    because schemas refer to each other).
    """

    def __init__(self, api, kind="string", option=None, many=False, navigation=False, nullable=True,
                 fmt=None, max_length=None, values=None, flags=False, ref=None, resolve=None,
                 compare=None, key=None, link=False, create_only=False, computed=False, runtime=False, secret=False,
                 select_only=False, text_diff=False, min_items=0, description="", evidence=None):
        self.api = api
        self.option = option or api
        self.kind = kind
        self.many = many
        self.navigation = navigation
        self.nullable = nullable
        self.fmt = fmt
        self.max_length = max_length
        self.values = tuple(values or ())
        self.flags = flags
        self.ref = ref
        self._resolve = resolve
        self.key = key
        self.link = link                  # a reference to another entity (e.g. an app's trunk)
        self.compare = compare or self._default_compare()
        self.create_only = create_only
        self.computed = computed
        self.runtime = runtime
        self.secret = secret
        self.select_only = select_only    # only returned when named in $select
        self.text_diff = text_diff        # shown as text, line by line, in the diff
        self.min_items = min_items
        self.description = description
        self.evidence = evidence or {}    # rule -> the fact it rests on

    def _default_compare(self):
        if self.many:
            if self.kind == "object":
                return SET_BY_KEY if self.key else LIST
            return LIST
        if self.kind == "object":
            return LINK if self.link else SUBSET
        return FLAGS if self.flags else EXACT

    def with_compare(self, rule):
        """This field compared by another rule."""
        other = copy.copy(self)
        other.compare = rule
        return other

    @property
    def schema(self):
        """The ObjectSchema of an object (or of the elements of a collection of objects)."""
        if self.kind != "object" or self._resolve is None:
            return None
        return self._resolve(self.ref)

    @property
    def settable(self):
        return not (self.computed or self.runtime)

    # -- input ------------------------------------------------------------

    def parse(self, value, where=None, warnings=None):
        """The user's value checked against the type, in the API's shape; raises SchemaError."""
        where = where or self.option
        if value is None:
            if not self.nullable and not self.many:
                raise SchemaError(where, "cannot be null. %s" % self.accepted())
            return None
        if self.many:
            if not isinstance(value, list):
                raise SchemaError(where, "must be a list. %s" % self.accepted())
            items = [self.parse_one(item, "%s[%d]" % (where, index), warnings) for index, item in enumerate(value)]
            self.check_items(items, where)
            return items
        return self.parse_one(value, where, warnings)

    def parse_one(self, value, where, warnings=None):
        """One value (or one element of a collection)."""
        if value is None:
            raise SchemaError(where, "cannot be null. %s" % self.accepted())
        if self.kind == "object":
            schema = self.schema
            if not isinstance(value, dict):
                raise SchemaError(where, "must be an object. %s" % self.accepted())
            if self.link and not value:
                raise SchemaError(where, "names no %s: give its Id or Number, or null for none." % self.ref)
            # a link names another entity, by its key or any of its properties, computed or not
            parsed = schema.parse(value, where, warnings, keep=(self.key,) if self.key else (), any_property=self.link)
            if self.key and parsed.get(self.key) is None:
                raise SchemaError(where, "needs %s, the key its elements are matched by." % self.key)
            return parsed
        if self.kind == "any":
            return copy.deepcopy(value)
        return parse_scalar(self, value, where, warnings)

    def check_items(self, items, where):
        """A collection's elements as a whole: enough of them, and no key twice."""
        if len(items) < self.min_items:
            raise SchemaError(where, "needs at least %d element(s). %s" % (self.min_items, self.accepted()))
        if self.kind == "object" and self.key:
            seen = set()
            for item in items:
                key = _key_text(item.get(self.key))
                if key in seen:
                    raise SchemaError(where, "%s %s is listed twice." % (self.key, item.get(self.key)))
                seen.add(key)
        elif self.compare == SET and len(set(map(_key_text, items))) != len(items):
            raise SchemaError(where, "lists a value twice.")

    def accepted(self):
        """What this field accepts, for error messages."""
        if self.kind == "enum":
            text = "one or more of" if self.flags else "one of"
            shape = "Accepted: %s %s." % (text, ", ".join(self.values))
        elif self.kind == "object":
            shape = "Accepted: an object (%s) with the properties %s." % (self.ref, ", ".join(self.schema.settable_names()))
        elif self.kind in PATTERNS:
            shape = "Accepted: %s." % PATTERNS[self.kind][1]
        elif self.kind == "int" and self.fmt in INT_RANGES:
            shape = "Accepted: an integer from %d to %d." % INT_RANGES[self.fmt]
        else:
            shape = "Accepted: %s." % {"string": "a string", "number": "a number", "bool": "true or false",
                                       "int": "an integer", "any": "any JSON value"}[self.kind]
        if self.many:
            keyed = " each with %s" % self.key if self.key else ""
            shape = "A list%s; each element: %s" % (keyed, shape[len("Accepted: "):])
        return shape

    # -- compare ----------------------------------------------------------

    def equal(self, current, desired):
        """Does the server's value already satisfy what the user asked for?"""
        if desired is None:
            return current is None or (self.many and current == [])
        if self.many:
            current = current or []
            if self.compare in KEYED:
                return self._same_keyed(current, desired)
            if self.compare == SET:
                return sorted(map(_key_text, current)) == sorted(map(_key_text, desired))
            return len(current) == len(desired) and all(self.equal_one(c, d) for c, d in zip(current, desired))
        return self.equal_one(current, desired)

    def equal_one(self, current, desired):
        if self.kind == "object":
            return self.schema.is_subset(desired, current)
        if self.kind == "any":
            return is_subset(desired, current)
        if self.compare == TEXT:
            return normalize_text(current) == normalize_text(desired)
        if self.compare == FLAGS:
            return flag_set(current) == flag_set(desired)
        return scalar_equal(current, desired)

    def _same_keyed(self, current, desired):
        by_key = index_by(current, self.key)
        wanted = [_key_text(item[self.key]) for item in desired]
        if self.compare == ORDERED_BY_KEY:
            if [_key_text(item.get(self.key)) for item in current if isinstance(item, dict)] != wanted:
                return False
        elif set(by_key) != set(wanted):
            return False
        return all(self.schema.is_subset(item, by_key[key]) for item, key in zip(desired, wanted))

    def predict(self, current, desired):
        """The value the server will hold after the write (the check-mode result)."""
        if desired is None:
            return None
        if self.many and self.kind == "object":
            by_key = index_by(current or [], self.key) if self.key else {}
            return [self.predict_one(by_key.get(_key_text(item.get(self.key))) if self.key else None, item)
                    for item in desired]
        if self.many:
            return copy.deepcopy(desired)
        return self.predict_one(current, desired)

    def predict_one(self, current, desired):
        if self.kind == "object" and not self.link and isinstance(current, dict):
            return self.schema.merge(current, desired)
        if self.kind == "any" and isinstance(current, dict):
            return deep_merge(current, desired)
        return copy.deepcopy(desired)

    def write(self, current, desired):
        """What a PATCH carries for this property.

        A nested collection replaces the server's list whole, so the body holds the full list the
        server must keep: each element the server's element merged with what the user gave,
        limited to writable properties (a membership named without its role keeps its role).
        An object is sent whole for the same reason. Links to other entities (an app's trunk, a
        department's holidays) are sent as given: they name the entity, they do not edit it.
        """
        if desired is None or self.kind != "object" or self.link:
            return copy.deepcopy(desired)
        schema = self.schema
        keep = (self.key,) if self.key else ()
        if self.many:
            return [schema.writable(item, keep) for item in self.predict(current, desired)]
        return schema.writable(self.predict_one(current, desired))

    def view(self, value, desired):
        """The part of a value the user manages, for the diff."""
        if self.kind != "object" or value is None:
            return value
        schema = self.schema
        if not self.many:
            return schema.project(value, desired) if isinstance(value, dict) else value
        shape = {}
        for item in desired or []:
            shape = deep_merge(shape, item)
        items = [schema.project(item, shape) for item in value if isinstance(item, dict)]
        if self.compare == SET_BY_KEY:
            items.sort(key=lambda item: _key_text(item.get(self.key)) or "")
        return items

    def revealed(self, value):
        """Does the server show this secret in clear? (Only then can it be compared.)

        Concealed forms: null, an empty or all-asterisk string, a Pbx.ConcealedPassword
        without a Value or flagged Concealed.
        """
        if isinstance(value, dict):
            return not value.get("Concealed") and bool(value.get("Value")) and not _all_stars(value.get("Value"))
        return isinstance(value, str) and bool(value) and not _all_stars(value)


class ObjectSchema:
    """The properties of one schema of the document (e.g. Pbx.Route), with their rules."""

    def __init__(self, name, fields=None, build=None):
        self.name = name
        self._fields = None if fields is None else self._index(fields)
        self._build = build

    @staticmethod
    def _index(fields):
        ordered = {}
        for field in fields:
            ordered[field.api] = field
        return ordered

    @property
    def fields(self):
        if self._fields is None:
            self._fields = self._index(self._build())
        return self._fields

    def field(self, api):
        return self.fields.get(api)

    def settable_names(self):
        return [api for api, field in self.fields.items() if field.settable]

    def parse(self, value, where, warnings=None, keep=(), any_property=False):
        """A dict in API spelling checked property by property; computed properties refused."""
        parsed = {}
        for api, item in value.items():
            field = self.fields.get(api)
            path = "%s.%s" % (where, api)
            if field is None:
                raise SchemaError(path, unknown_name_message(api, self.settable_names(), "a property of %s" % self.name))
            if not (field.settable or any_property or api in keep):
                raise SchemaError(path, computed_message(field))
            parsed[api] = field.parse(item, path, warnings)
        return parsed

    def is_subset(self, desired, current):
        if not isinstance(current, dict):
            return not desired
        for api, value in desired.items():
            field = self.fields.get(api)
            if field is None:
                if not is_subset(value, current.get(api)):
                    return False
            elif field.secret and not field.revealed(current.get(api)):
                continue  # a concealed secret cannot be compared
            elif not field.equal(current.get(api), value):
                return False
        return True

    def merge(self, current, desired):
        merged = copy.deepcopy(current)
        for api, value in desired.items():
            field = self.fields.get(api)
            merged[api] = field.predict(current.get(api), value) if field else copy.deepcopy(value)
        return merged

    def writable(self, value, keep=()):
        """A value limited to the properties a client may write (the collection key kept)."""
        if not isinstance(value, dict):
            return value
        out = {}
        for api, item in value.items():
            field = self.fields.get(api)
            if field is None or api.startswith("@odata."):
                continue
            if field.settable or api in keep:
                out[api] = field.write(None, item) if field.kind == "object" and item is not None else copy.deepcopy(item)
        return out

    def project(self, value, shape):
        """Keep only the keys (recursively) that shape has."""
        if not isinstance(value, dict) or not isinstance(shape, dict):
            return value
        out = {}
        for api, sub in shape.items():
            if api not in value:
                continue
            field = self.fields.get(api)
            out[api] = field.view(value[api], sub) if field is not None else project(value[api], sub)
        return out


class EntitySchema(ObjectSchema):
    """An entity set (e.g. /Users) or a singleton (e.g. /OfficeHours) with its curated rules."""

    def __init__(self, name, path, schema, key=None, key_type="int", alt_keys=(), verbs=(), singleton=False,
                 identity=(), title=None, create=None, required_on_create=(), fields=None, build=None,
                 option_names=None):
        super(EntitySchema, self).__init__(schema, fields=fields, build=build)
        self.set_name = name
        self.entity_set = path
        self.key = key
        self.key_type = key_type
        self.alt_keys = tuple(alt_keys)
        self.verbs = tuple(verbs)
        self.singleton = singleton
        self.identity_apis = tuple(identity)
        self.title = title or name
        self.create = create or {"strategy": "post"}
        self.required_on_create = tuple(required_on_create)
        self._option_names = dict(option_names or {})

    @property
    def label(self):
        """The title as a word for headers, e.g. call_flow_app."""
        return self.title.replace(" ", "_").lower()

    # -- option names (modules that speak snake_case) ------------------------

    def option(self, api):
        return self._option_names.get(api) or option_name(api)

    @property
    def by_option(self):
        return dict((self.option(api), field) for api, field in self.fields.items())

    def desired(self, params, warnings=None):
        """{API name: value} for the settable options given (option names as in option())."""
        wanted = {}
        for api, field in self.fields.items():
            if field.settable:
                value = params.get(self.option(api))
                if value is not None:
                    wanted[api] = field.parse(value, self.option(api), warnings)
        return wanted

    # -- reads --------------------------------------------------------------

    def can(self, verb):
        return verb in self.verbs

    @property
    def secret_fields(self):
        return [f for f in self.fields.values() if f.secret]

    def projection(self, with_select_only=True, computed_navigation=True):
        """($select, $expand) for a read that brings back what the engine compares and returns.

        $select is sent only where a property is left out unless selected (ScriptCode): naming
        every property would fail on a PBX build that lacks one of them. computed_navigation=False
        leaves out read-only relations (a trunk's inbound rules) that a comparison never needs.
        """
        fields = self.fields.values()
        select = None
        if with_select_only and any(f.select_only for f in fields):
            select = [f.api for f in fields if not f.navigation]
        expand = [expand_clause(f, depth=1, seen=(self.name,)) for f in fields
                  if f.navigation and (computed_navigation or f.settable)]
        return select, expand

    def projection_of(self, names):
        """($select, $expand) that read only the named properties (and the key); unknown names are left out.

        Nested relations the server computes (a membership's GroupRights) are left out too: a
        comparison or a write never needs them.
        """
        fields = [self.fields[api] for api in sorted(set(names) | {self.key}) if api in self.fields]
        select = [f.api for f in fields if not f.navigation]
        expand = [expand_clause(f, depth=1, seen=(self.name,), computed=False) for f in fields if f.navigation]
        return select, expand

    def path(self, key):
        if self.singleton:
            return self.entity_set
        return "%s(%s)" % (self.entity_set, key_literal(key, self.key_type))

    def alt_path(self, alt_key, value):
        return "%s(%s=%s)" % (self.entity_set, alt_key, key_literal(value, "string"))

    # -- plans ----------------------------------------------------------------

    def changes(self, current, desired, update_secrets="on_create", rules=None):
        """The properties a PATCH must carry: only those that differ, each as the API must receive it.

        A secret the server does not show in clear cannot be compared: it is sent only when
        update_secrets is 'always'. rules: {API name: compare rule} for this entity only (a queue
        in hunt order compares its agents in order).
        """
        body = {}
        for api, value in desired.items():
            field = self.fields[api]
            if rules and api in rules:
                field = field.with_compare(rules[api])
            have = current.get(api)
            if field.secret and not field.revealed(have):
                if update_secrets == "always":
                    body[api] = field.write(have, value)
                continue
            if not field.equal(have, value):
                body[api] = field.write(have, value)
        return body

    def predict(self, current, desired_changes):
        entity = copy.deepcopy(current)
        for api, value in desired_changes.items():
            entity[api] = self.fields[api].predict(current.get(api), value)
        return entity

    def diff_view(self, entity, desired, digest=False, rules=None):
        """Managed properties of an entity: secrets masked, long texts optionally digested.

        rules: compare rules of this entity (see changes); an ordered collection keeps its order.
        """
        view = {}
        for api in sorted(desired):
            field = self.fields[api]
            if rules and api in rules:
                field = field.with_compare(rules[api])
            value = field.view(entity.get(api), desired[api])
            if field.secret and value is not None:
                value = SECRET_MASK
            elif (digest or field.text_diff) and field.select_only and value is not None:
                value = text_digest(value)
            view[api] = value
        return view


# -- type helpers ------------------------------------------------------------

def parse_bool(value):
    """True or False, given as a boolean or as Ansible spells one (yes, off, 0); None for anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return text in TRUE_TEXTS if text in TRUE_TEXTS + FALSE_TEXTS else None


def parse_scalar(field, value, where, warnings):
    kind = field.kind
    if kind in ("string",) + tuple(PATTERNS):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise SchemaError(where, "must be a string, got %s. %s" % (type_name(value), field.accepted()))
        if not isinstance(value, str):
            if warnings is not None:
                warnings.append("%s: %r was given as a number; it is sent as the text %r. Quote it in YAML: "
                                "an unquoted number loses leading zeros (0100 is read as 64)." % (where, value, str(value)))
            value = str(value)
        if kind in PATTERNS and not PATTERNS[kind][0].match(value):
            raise SchemaError(where, "%r is not valid. %s" % (value, field.accepted()))
        if kind == "time" and len(value) == 5:
            value += ":00"  # the document's pattern wants the seconds, and the PBX answers them
        if field.max_length and len(value) > field.max_length:
            raise SchemaError(where, "is %d characters long; at most %d are accepted." % (len(value), field.max_length))
        return value
    if kind == "int":
        return _parse_int(field, value, where)
    if kind == "number":
        if isinstance(value, bool):
            raise SchemaError(where, "must be a number, got a boolean.")
        try:
            return value if isinstance(value, (int, float)) else float(value)
        except (TypeError, ValueError):
            raise SchemaError(where, "must be a number, got %r." % (value,))
    if kind == "bool":
        parsed = parse_bool(value)
        if parsed is None:
            raise SchemaError(where, "must be true or false, got %r." % (value,))
        return parsed
    if kind == "enum":
        return _parse_enum(field, value, where)
    raise SchemaError(where, "has a type this collection cannot handle (%s)." % kind)


def _parse_int(field, value, where):
    if isinstance(value, bool):
        raise SchemaError(where, "must be an integer, got a boolean. %s" % field.accepted())
    number = value
    if isinstance(value, str) and re.match(r"^-?\d+$", value.strip()):
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if not isinstance(number, int):
        raise SchemaError(where, "must be an integer, got %r. %s" % (value, field.accepted()))
    low, high = INT_RANGES.get(field.fmt, INT_RANGES["int64"])
    if not low <= number <= high:
        raise SchemaError(where, "%d is out of range. %s" % (number, field.accepted()))
    return number


def _parse_enum(field, value, where):
    names = value if isinstance(value, list) and field.flags else None
    if names is None:
        if not isinstance(value, str):
            raise SchemaError(where, "must be a string, got %s. %s" % (type_name(value), field.accepted()))
        names = [part.strip() for part in value.split(",")] if field.flags else [value]
    for name in names:
        if name not in field.values:
            close = difflib.get_close_matches(str(name), field.values, n=1)
            hint = " (did you mean %s?)" % close[0] if close else ""
            raise SchemaError(where, "%r is not a valid value%s. %s" % (name, hint, field.accepted()))
    return ", ".join(names) if field.flags else value


def expand_clause(field, depth, seen, computed=True):
    """Field's $expand clause with the nested navigation properties a comparison needs.

    Nested levels stop at schemas already on the path and at links to other entities.
    computed=False leaves out what the server computes: nested relations (a membership's GroupRights)
    and, with a nested $select, the computed properties of the elements (a membership's department
    name, the fifteen rights a role grants). A nested $select is plain OData 4, and live 3CX clients
    send it (Groups($select=GroupId,Name)). It names every property kept, which a PBX build without
    one of them refuses, so an element whose only computed property is its Id is read whole.
    """
    schema = field.schema
    if schema is None or field.link or depth >= 3 or schema.name in seen:
        return field.api
    fields = schema.fields.values()
    options = []
    if not computed and any(not f.settable and not f.navigation and f.api != "Id" for f in fields):
        kept = set(f.api for f in fields if f.settable and not f.navigation) | ({field.key} if field.key else set())
        if kept:
            options.append("$select=%s" % ",".join(sorted(kept)))
    nested = [expand_clause(f, depth + 1, seen + (schema.name,), computed) for f in fields
              if f.navigation and (computed or f.settable)]
    if nested:
        options.append("$expand=%s" % ",".join(nested))
    return "%s(%s)" % (field.api, ";".join(options)) if options else field.api


def key_literal(value, key_type):
    if key_type == "int":
        return "%d" % int(value)
    return "'%s'" % str(value).replace("'", "''")


def option_name(api):
    """The option name of an API property: snake_case, or the curated name where that reads badly."""
    return OPTION_NAMES.get(api) or snake_case(api)


_SNAKE_CASE = {}


def snake_case(name):
    """FirstName -> first_name, VMEnabled -> vm_enabled, SRTPMode -> srtp_mode.

    Remembered per name: an export converts the same few hundred names for every entity.
    """
    if name not in _SNAKE_CASE:
        text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
        text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
        _SNAKE_CASE[name] = text.lower()
    return _SNAKE_CASE[name]


def unknown_name_message(name, known, what):
    close = difflib.get_close_matches(name, known, n=3)
    hint = " Did you mean %s?" % " or ".join(close) if close else ""
    return "%r is not %s.%s Accepted: %s." % (name, what, hint, ", ".join(sorted(known)))


def computed_message(field):
    if field.runtime:
        return "is runtime state the PBX keeps, not configuration; it cannot be set here."
    return "is set by the PBX itself (server-computed); leave it out."


def type_name(value):
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


# -- value helpers -----------------------------------------------------------

def mask_secrets(value, keys):
    """A copy of value (results, entities, diffs) with the values under keys masked, at any depth."""
    if isinstance(value, dict):
        return dict((k, SECRET_MASK if k in keys and v not in (None, "") else mask_secrets(v, keys))
                    for k, v in value.items())
    if isinstance(value, list):
        return [mask_secrets(item, keys) for item in value]
    return value


def secret_values_under(keys, value):
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
                found.extend(secret_values_under(keys, item))
    elif isinstance(value, list):
        for item in value:
            found.extend(secret_values_under(keys, item))
    return found


def texts_in(value):
    """Every text (and number) in a value, at any depth, as masking needs them: blanks and booleans left out."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in texts_in(item)]
    return [] if value in (None, "") or isinstance(value, bool) else [str(value)]


def normalize_text(value):
    """Line endings to LF, trailing blanks of each line and of the text removed."""
    if value is None:
        return None
    text = str(value).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def text_digest(value):
    data = str(value).encode("utf-8")
    return "<%d bytes, sha256 %s>" % (len(data), hashlib.sha256(data).hexdigest()[:16])


def flag_set(value):
    if value is None:
        return frozenset()
    names = value if isinstance(value, list) else str(value).split(",")
    return frozenset(name.strip() for name in names if name.strip())


def scalar_equal(current, desired):
    """Equal, with a number and its text form counted as the same value."""
    if current == desired:
        return isinstance(current, bool) == isinstance(desired, bool)
    if isinstance(current, bool) or isinstance(desired, bool):
        return False
    numbers = (int, float)
    if isinstance(current, numbers) and isinstance(desired, str) or isinstance(desired, numbers) and isinstance(current, str):
        return str(current) == str(desired)
    return False


def is_subset(desired, current):
    """Every key in desired (recursively) has an equal value in current (schema-less values)."""
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


def index_by(items, key):
    return dict((_key_text(item.get(key)), item) for item in items if isinstance(item, dict))


def json_or_value(value, option):
    """An option that accepts a JSON string too (raw options): the decoded value."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SchemaError(option, "is not valid JSON (%s)." % exc)
    return value


def _key_text(value):
    return None if value is None else str(value)


def _all_stars(value):
    return isinstance(value, str) and bool(value) and set(value) <= {"*"}


def check_identity_text(value, option, noun=None):
    """An identity that is empty or has blanks around it is refused: the PBX would store the blanks, and the entity
    would not match the one meant (a purge would then delete the one meant)."""
    text = str(value)
    if not text.strip():
        raise SchemaError(option, "must not be empty.")
    if text != text.strip():
        raise SchemaError(option, "%r has blanks at its start or end; remove them (the PBX would store them, and "
                                  "the %s would not match the one meant)." % (text, noun or option))
