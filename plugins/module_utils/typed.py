# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entities in the administrator's language: the typed modules and the whole-PBX export and apply.

A Kind is one entity set (or singleton) seen through snake_case options: every
settable property of the registry becomes an option (FirstName -> first_name,
nested objects likewise), and a few options replace the raw ids the API wants
with names (Refs: departments by name, extensions by number, trunks and
holidays by name). The same Kind converts both ways: options -> API for a task
or a whole-PBX apply, API -> options for an export, so that applying an export
is a no-op by construction.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.threecx.xapi.plugins.module_utils import references, registry
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import Lookup, natural_key
from ansible_collections.threecx.xapi.plugins.module_utils.schema import (
    ORDERED_BY_KEY, SchemaError, check_identity_text, flag_set, option_name, parse_bool, text_digest, unknown_name_message)

# Option names Ansible's sanity checks take for secrets (validate-modules' no-log-needed).
LOOKS_SECRET = re.compile(r"(?:pass(?!ive)|secret|token|key)", re.I)
# How deep the argument spec describes nested objects; deeper ones are plain dicts.
SUBOPTION_DEPTH = 3
# Destination types a number of the PBX receives (the rest are external numbers or actions).
PEER_DESTINATIONS = {"Extension": "Extension", "Queue": "Queue", "RingGroup": "RingGroup", "IVR": "IVR",
                     "Fax": "Fax", "RoutePoint": "RoutePoint"}
NUMBER_DESTINATIONS = ("Extension", "Queue", "RingGroup", "IVR", "Fax", "RoutePoint", "VoiceMail",
                       "VoiceMailOfDestination")
FORWARD_TYPES = {"Extension": "Extension", "RingGroup": "RingGroup", "Queue": "Queue", "IVR": "IVR"}
NUMBER_FORWARDS = ("Extension", "RingGroup", "Queue", "IVR", "VoiceMail")


class Context:
    """What a conversion may use: the directory of referenced entities (None: check the shape only)."""

    def __init__(self, directory=None, warnings=None):
        self.directory = directory
        self.warnings = warnings
        self.item = None  # the item an export converts (queues 800), for its warnings

    @property
    def resolve(self):
        return self.directory is not None

    def find(self, set_name, name, where):
        entity = self.directory.find(set_name, name)
        if entity is None:
            raise SchemaError(where, self.directory.missing(set_name, name))
        return entity

    def entity_id(self, set_name, name, where):
        entity = self.find(set_name, name, where)
        return entity["Id"] if entity.get("Id") is not None else references.placeholder(set_name, name)

    def peer_number(self, peer, number):
        """A DN's number as a destination names it: a stand-in while it is one this run creates later."""
        return references.placeholder("Peers", number) if peer.get(references.NEW) else number


# -- values: options <-> API -------------------------------------------------------------

def to_api(field, value, ctx, where):
    """A field's value given as options (snake_case) in the API's shape; checked on the way."""
    if value is None:
        return None
    if field.kind != "object":
        return field.parse(value, where, ctx.warnings)
    if field.many:
        if not isinstance(value, list):
            raise SchemaError(where, "must be a list. %s" % field.accepted())
        items = [object_to_api(field, item, ctx, "%s[%d]" % (where, index)) for index, item in enumerate(value)]
        field.check_items(items, where)
        return items
    return object_to_api(field, value, ctx, where)


def object_to_api(field, value, ctx, where):
    handler = HANDLERS.get(field.ref)
    if handler is not None:
        return handler.to_api(field, value, ctx, where)
    if not isinstance(value, dict):
        raise SchemaError(where, "must be a dict of %s." % ", ".join(sorted(option_map(field.schema))))
    api = options_to_api(field.schema, value, ctx, where, keep=(field.key,) if field.key else ())
    if field.key and api.get(field.key) is None:
        raise SchemaError(where, "needs %s, the key its elements are matched by." % option_name(field.key))
    return api


def options_to_api(schema, values, ctx, where, keep=()):
    """A dict of snake_case options -> a dict of API properties (None values are options not given)."""
    names = option_map(schema, keep)
    out = {}
    for option, value in values.items():
        if value is None:
            continue
        api = names.get(option)
        path = "%s.%s" % (where, option) if where else option
        if api is None:
            raise SchemaError(path, unknown_name_message(option, sorted(names), "an option of %s" % schema.name))
        out[api] = to_api(schema.field(api), value, ctx, path)
    return out


def from_api(field, value, ctx):
    """A field's value as the PBX holds it -> options (snake_case), without computed values or secrets.

    Links to other entities are left out: a Ref names them by their natural key where a kind needs them.
    """
    if value is None or field.secret or not field.settable or field.link:
        return None
    if field.kind == "enum" and not _known_values(field, value):
        if ctx.warnings is not None:
            ctx.warnings.append("%s: %s %r is a value this collection does not know (XAPI %s); it is left out of the "
                                "export, so applying the export leaves it as it is." % (
                                    ctx.item, option_name(field.api), value, registry.build()))
        return None
    if field.kind != "object":
        return copy.deepcopy(value) if value != [] else None
    handler = HANDLERS.get(field.ref)
    if field.many:
        items = [handler.from_api(field, item, ctx) if handler else api_to_options(field.schema, item, ctx, (field.key,))
                 for item in value]
        items = [item for item in items if item is not None]
        return items or None
    return handler.from_api(field, value, ctx) if handler else api_to_options(field.schema, value, ctx)


def _known_values(field, value):
    """An enum value (or every flag of it) that this collection's registry lists, so that it can be sent back."""
    names = value if isinstance(value, list) else (flag_set(value) if field.flags else [value])
    return all(name in field.values for name in names)


def api_to_options(schema, value, ctx, keep=()):
    if not isinstance(value, dict):
        return None
    out = {}
    for api, item in value.items():
        field = schema.field(api)
        if field is None or (not field.settable and api not in keep):
            continue
        converted = from_api(field, item, ctx) if field.settable else item
        if converted is not None and converted != {}:
            out[option_name(api)] = converted
    return out or None


def option_map(schema, keep=()):
    """option name -> API name of the properties a client may set (and the collection key)."""
    return dict((option_name(api), api) for api, field in schema.fields.items() if field.settable or api in keep)


# -- values that name other entities -----------------------------------------------------

class DestinationHandler:
    """Pbx.Destination: {to, number, external}, or just a number; `to` is found from the number."""

    def to_api(self, field, value, ctx, where):
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = {"number": str(value)}
        if not isinstance(value, dict):
            raise SchemaError(where, "must be a number of the PBX, or a dict with to, number and external.")
        api = options_to_api(field.schema, value, ctx, where)
        number, to = api.get("Number"), api.get("To")
        if ctx.resolve and number and (to is None or to in NUMBER_DESTINATIONS):
            peer = ctx.find("Peers", number, "%s.number" % where)
            if to is None:
                to = PEER_DESTINATIONS.get(peer.get("Type"))
                if to is None:
                    raise SchemaError("%s.number" % where, "%s is a %s, which cannot take a call; give `to`."
                                      % (number, peer.get("Type")))
                api["To"] = to
            api["Number"] = ctx.peer_number(peer, number)
        return api

    def from_api(self, field, value, ctx):
        if not isinstance(value, dict):
            return None
        out = {}
        for api in ("To", "Number", "External"):
            if value.get(api) not in (None, ""):
                out[option_name(api)] = value[api]
        return out or None


class ForwardHandler:
    """Pbx.ReceptionistForward: the forward_type is found from forward_dn when not given."""

    def to_api(self, field, value, ctx, where):
        if not isinstance(value, dict):
            raise SchemaError(where, "must be a dict with input, forward_type and forward_dn.")
        api = options_to_api(field.schema, value, ctx, where, keep=(field.key,))
        if api.get("Input") is None:
            raise SchemaError(where, "needs input, the key the caller presses.")
        number = api.get("ForwardDN")
        if ctx.resolve and number and api.get("ForwardType") in (None,) + NUMBER_FORWARDS:
            peer = ctx.find("Peers", number, "%s.forward_dn" % where)
            if api.get("ForwardType") is None:
                forward = FORWARD_TYPES.get(peer.get("Type"))
                if forward is None:
                    raise SchemaError("%s.forward_dn" % where, "%s is a %s; give forward_type." % (number, peer.get("Type")))
                api["ForwardType"] = forward
            api["ForwardDN"] = ctx.peer_number(peer, number)
        return api

    def from_api(self, field, value, ctx):
        return api_to_options(field.schema, value, ctx, keep=(field.key,))


class ConcealedPasswordHandler:
    """Pbx.ConcealedPassword: the password as text, or a dict with value; never exported.

    An option of this shape is a plain (raw) option: Ansible's own check of a no_log dict with
    sub-options fails on a text without naming the option.
    """

    def to_api(self, field, value, ctx, where):
        if isinstance(value, str):
            return {"Value": value}
        if not isinstance(value, dict):
            raise SchemaError(where, "must be the password as text, or a dict with value.")
        return options_to_api(field.schema, value, ctx, where)

    def from_api(self, field, value, ctx):
        return None


HANDLERS = {"Pbx.Destination": DestinationHandler(), "Pbx.ReceptionistForward": ForwardHandler(),
            "Pbx.ConcealedPassword": ConcealedPasswordHandler()}


class Ref:
    """An option that names other entities where the API wants their ids."""

    def __init__(self, option, api, description=""):
        self.option = option
        self.api = api
        self.description = description

    def argument(self):
        return dict(type="list", elements="raw")


class Memberships(Ref):
    """departments: [{name, role}] or names <-> Groups: [{GroupId, Rights: {RoleName}}]."""

    def __init__(self, option="departments", api="Groups", default_role="users"):
        super(Memberships, self).__init__(option, api)
        self.default_role = default_role

    def to_api(self, value, ctx, where):
        items, seen = [], set()
        for index, item in enumerate(_list(value, where)):
            path = "%s[%d]" % (where, index)
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict) or not item.get("name") or set(item) - {"name", "role"}:
                raise SchemaError(path, "must be a department name, or a dict with name and role (default %s)."
                                  % self.default_role)
            name = str(item["name"])
            if name in seen:
                raise SchemaError(path, "department %r is listed twice." % name)
            seen.add(name)
            group_id = ctx.entity_id("Groups", name, "%s.name" % path) if ctx.resolve else name
            items.append({"GroupId": group_id, "Rights": {"RoleName": item.get("role") or self.default_role}})
        if not items:
            raise SchemaError(where, "needs at least one department: every extension belongs to one.")
        return items

    def from_api(self, value, entity, ctx):
        items = []
        for member in _elements(value):
            group = ctx.directory.by_id("Groups", member.get("GroupId")) if ctx.directory else None
            name = member.get("Name") or (group or {}).get("Name")
            role = (member.get("Rights") or {}).get("RoleName") or self.default_role
            items.append({"name": name, "role": role})
        return sorted(items, key=lambda item: str(item["name"])) or None


class Department(Ref):
    """primary_department: a name <-> PrimaryGroupId."""

    def argument(self):
        return dict(type="str")

    def to_api(self, value, ctx, where):
        return ctx.entity_id("Groups", str(value), where) if ctx.resolve else str(value)

    def from_api(self, value, entity, ctx):
        group = ctx.directory.by_id("Groups", value) if value is not None else None
        return group.get("Name") if group else None


class DepartmentIds(Ref):
    """departments: names <-> GroupIds (a set of department ids)."""

    def argument(self):
        return dict(type="list", elements="str")

    def to_api(self, value, ctx, where):
        names = [str(name) for name in _list(value, where)]
        return [ctx.entity_id("Groups", name, "%s[%d]" % (where, index)) if ctx.resolve else name
                for index, name in enumerate(names)]

    def from_api(self, value, entity, ctx):
        names = [(ctx.directory.by_id("Groups", group_id) or {}).get("Name") for group_id in value or [] if group_id is not None]
        return sorted(str(name) for name in names if name) or None


class Numbers(Ref):
    """agents, managers, members: extension numbers (or dicts with more) <-> [{Number, ...}]."""

    def __init__(self, option, api, extra=None, ordered_by=None, description=""):
        super(Numbers, self).__init__(option, api, description)
        self.extra = dict(extra or {})         # option -> API name of extra element properties
        self.ordered_by = ordered_by           # (API property, values) that make the order meaningful

    def to_api(self, value, ctx, where):
        items, seen = [], set()
        for index, item in enumerate(_list(value, where)):
            path = "%s[%d]" % (where, index)
            if isinstance(item, (str, int)) and not isinstance(item, bool):
                item = {"number": str(item)}
            allowed = {"number"} | set(self.extra)
            if not isinstance(item, dict) or not item.get("number") or set(item) - allowed:
                raise SchemaError(path, "must be an extension number, or a dict with %s." % ", ".join(sorted(allowed)))
            number = str(item["number"])
            if number in seen:
                raise SchemaError(path, "%s is listed twice." % number)
            seen.add(number)
            if ctx.resolve:
                peer = ctx.find("Peers", number, "%s.number" % path)
                if peer.get("Type") not in (None, "Extension"):
                    raise SchemaError("%s.number" % path, "%s is a %s, not an extension." % (number, peer.get("Type")))
            element = {"Number": number}
            element.update((api, item[option]) for option, api in self.extra.items() if item.get(option) is not None)
            items.append(element)
        return items

    def from_api(self, value, entity, ctx):
        items = []
        for element in _elements(value):
            extra = dict((option, element.get(api)) for option, api in self.extra.items() if element.get(api) not in (None, ""))
            items.append(dict(number=element.get("Number"), **extra) if extra else element.get("Number"))
        return items or None

    def compare(self, desired, current):
        """The compare rule: in list order when the strategy rings in that order."""
        if self.ordered_by is None:
            return None
        api, values = self.ordered_by
        strategy = desired.get(api) if desired.get(api) is not None else (current or {}).get(api)
        return ORDERED_BY_KEY if strategy in values else None


class Holidays(Ref):
    """office_holidays: holiday names <-> OfficeHolidays: [{Id}]."""

    def argument(self):
        return dict(type="list", elements="str")

    def to_api(self, value, ctx, where):
        names = [str(name) for name in _list(value, where)]
        return [{"Id": ctx.entity_id("Holidays", name, "%s[%d]" % (where, index)) if ctx.resolve else name}
                for index, name in enumerate(names)]

    def from_api(self, value, entity, ctx):
        names = []
        for holiday in _elements(value):
            known = ctx.directory.by_id("Holidays", holiday.get("Id")) if ctx.directory else None
            names.append(holiday.get("Name") or (known or {}).get("Name"))
        return sorted(str(name) for name in names if name) or None


class TrunkLink(Ref):
    """trunk: a trunk's name <-> TrunkDN: {Id} (the trunk as a peer)."""

    def argument(self):
        return dict(type="str")

    def to_api(self, value, ctx, where):
        return {"Id": ctx.entity_id("Trunks", str(value), where) if ctx.resolve else str(value)}

    def from_api(self, value, entity, ctx):
        trunk = ctx.directory.by_id("Trunks", (value or {}).get("Id")) if value else None
        return natural_key(trunk, "Gateway.Name") if trunk else None


class OutboundRoutes(Ref):
    """routes: [{trunk, strip_digits, prepend, append, caller_id}] <-> Routes: [{TrunkId, ...}]."""

    PROPS = (("strip_digits", "StripDigits"), ("prepend", "Prepend"), ("append", "Append"), ("caller_id", "CallerID"))
    SUBOPTION_DOCS = {"trunk": "The trunk, by name.", "strip_digits": "How many leading digits to remove.",
                      "prepend": "Digits to put before the number.", "append": "Digits to put after the number.",
                      "caller_id": "The caller id sent on this route."}

    def argument(self):
        return dict(type="list", elements="dict", options=dict(
            trunk=dict(type="str", required=True), strip_digits=dict(type="int"), prepend=dict(type="str"),
            append=dict(type="str"), caller_id=dict(type="str")))

    def to_api(self, value, ctx, where):
        routes = []
        for index, item in enumerate(_list(value, where)):
            path = "%s[%d]" % (where, index)
            if not isinstance(item, dict) or not item.get("trunk"):
                raise SchemaError(path, "must be a dict with trunk (its name) and strip_digits, prepend, append, caller_id.")
            unknown = set(item) - {"trunk"} - set(option for option, _api in self.PROPS)
            if unknown:
                raise SchemaError(path, "unknown option(s) %s." % ", ".join(sorted(unknown)))
            name = str(item["trunk"])
            route = {"TrunkId": ctx.entity_id("Trunks", name, "%s.trunk" % path) if ctx.resolve else name}
            route.update((api, item[option]) for option, api in self.PROPS if item.get(option) is not None)
            routes.append(route)
        return routes

    def from_api(self, value, entity, ctx):
        routes = []
        for route in _elements(value):
            trunk = ctx.directory.by_id("Trunks", route.get("TrunkId")) if route.get("TrunkId") is not None else None
            if trunk is None:
                continue  # an empty route slot
            item = {"trunk": natural_key(trunk, "Gateway.Name")}
            item.update((option, route[api]) for option, api in self.PROPS if route.get(api) not in (None, ""))
            routes.append(item)
        return routes or None


def _elements(value):
    """The objects of a list the PBX answered; a null element (or a null list) is skipped, not a crash."""
    return [element for element in value or [] if isinstance(element, dict)]


def _list(value, where):
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        raise SchemaError(where, "must be a list.")
    return value


# -- kinds -------------------------------------------------------------------------------

def _holds_secret(field, seen=()):
    """Is the field secret, or an object with a secret property at any depth? (seen: the schemas on the way)"""
    if field.secret:
        return True
    schema = field.schema
    if schema is None or schema.name in seen:
        return False
    return any(_holds_secret(f, seen + (schema.name,)) for f in schema.fields.values())


class Kind:
    """One entity set (or singleton) as a typed module and a kind of a whole-PBX config see it."""

    def __init__(self, name, module, schema, identity=None, refs=(), exclude=(), title=None, create_only=(),
                 create_defaults=None, renames=None, hide_texts_option=None):
        self.name = name
        self.module = module
        self.schema = schema
        self.identity = identity            # (option, API name) of the natural key, None for a singleton
        self.refs = dict((ref.option, ref) for ref in refs)
        self.exclude = frozenset(exclude)   # API properties this kind leaves to another kind
        self.title = title or schema.title
        # option -> (description, API path it is read back from), e.g. a trunk's template
        self.extra_create_only = dict(create_only)
        self.create_defaults = dict(create_defaults or {})  # API name -> value, or -> API name to copy
        self.renames = dict(renames or {})  # API name -> option, where the plain name is taken (timeout)
        # a true/false option that, false, shows long texts (a script) as a digest in the output: scripts embed secrets
        self.hide_texts_option = hide_texts_option
        self._fields = None

    @property
    def replaced(self):
        return frozenset(ref.api for ref in self.refs.values())

    def fields(self):
        """option -> Field of the settable properties offered as options (refs not included).

        Built once per kind and shared (callers only read it): a whole-PBX apply converts every item with it.
        """
        if self._fields is None:
            replaced = self.replaced
            self._fields = dict((self.renames.get(api) or self.schema.option(api), field)
                                for api, field in self.schema.fields.items()
                                if field.settable and api not in self.exclude and api not in replaced)
        return self._fields

    def option_names(self):
        names = set(self.fields()) | set(self.refs)
        if self.identity is not None:
            names.add(self.identity[0])
        if self.hide_texts_option:
            names.add(self.hide_texts_option)
        return sorted(names)

    # -- output -------------------------------------------------------------------------------

    def hides_texts(self, values):
        """Does this item ask for its long texts (a script) as digests in the output?"""
        return bool(self.hide_texts_option) and parse_bool(values.get(self.hide_texts_option)) is False

    def hidden_texts(self, values):
        """The long texts an item gives and wants kept out of the output.

        Asked of the items as given, before they are checked: a task refused for its input echoes its arguments, so a
        script is kept out also where the option is not true or false (the task then fails on it).
        """
        hide = values.get(self.hide_texts_option) if self.hide_texts_option else None
        if hide is None or parse_bool(hide) is True:
            return []
        return [values[option] for option, field in self.fields().items() if field.text_diff and values.get(option)]

    def may_hold_secret(self, option):
        """Is the option's value, or may it hold, a secret? Its property is secret or holds a secret property, or
        (an unknown option) its name looks like a secret's (auth_passwd)."""
        field = self.fields().get(option)
        if field is not None:
            return _holds_secret(field)
        return option not in self.refs and bool(LOOKS_SECRET.search(option))

    def shown(self, values, entity):
        """The entity as the output shows it: its long texts as digests where the item asks for that."""
        if not self.hides_texts(values) or not entity:
            return entity
        texts = [field.api for field in self.fields().values() if field.text_diff and entity.get(field.api) is not None]
        return dict(entity, **dict((api, text_digest(entity[api])) for api in texts)) if texts else entity

    @property
    def secret_options(self):
        return sorted(option for option, field in self.fields().items() if field.secret)

    # -- conversion -----------------------------------------------------------------------

    def to_api(self, values, ctx, where=""):
        """Options (snake_case, references by name) -> the API's desired state; SchemaError names the option."""
        fields = self.fields()
        desired, nested_identity = {}, None
        for option, value in values.items():
            if value is None or option in self.extra_create_only:
                continue
            if option == self.hide_texts_option:
                if parse_bool(value) is None:
                    raise SchemaError("%s.%s" % (where, option) if where else option,
                                      "must be true or false (false shows long texts such as a script as a digest).")
                continue
            if self.identity and option == self.identity[0] and "." in self.identity[1]:
                nested_identity = str(value)
                continue
            path = "%s.%s" % (where, option) if where else option
            if option in self.refs:
                desired[self.refs[option].api] = self.refs[option].to_api(value, ctx, path)
            elif option in fields:
                desired[fields[option].api] = to_api(fields[option], value, ctx, path)
            else:
                raise SchemaError(path, unknown_name_message(option, self.option_names(), "an option of %s" % self.module))
        if nested_identity is not None:  # a trunk's name is its gateway's
            parent, child = self.identity[1].split(".", 1)
            desired[parent] = dict(desired.get(parent) or {}, **{child: nested_identity})
        return desired

    def export(self, entity, ctx):
        """The entity as options: what a task needs to make another PBX hold the same."""
        out = {}
        if self.identity is not None:
            out[self.identity[0]] = natural_key(entity, self.identity[1])
        for option, field in self.fields().items():
            value = from_api(field, entity.get(field.api), ctx)
            if value is not None:
                out[option] = value
        for option, ref in self.refs.items():
            value = ref.from_api(entity.get(ref.api), entity, ctx)
            if value is not None:
                out[option] = value
        for option, (_description, path) in self.extra_create_only.items():
            if natural_key(entity, path) is not None:
                out[option] = natural_key(entity, path)
        return out

    def for_create(self, desired):
        """desired completed with the values the PBX needs on create that an administrator rarely gives."""
        complete = dict(desired)
        for api, default in self.create_defaults.items():
            if complete.get(api) is None:
                complete[api] = complete.get(default[1:]) if isinstance(default, str) and default.startswith("=") else default
        return complete

    def check_create(self, desired, values, where=""):
        """A missing item needs what the PBX cannot create it without; SchemaError names the first option missing.

        Options the kind defaults (a holiday's last day) are not asked for: only what the task must give.
        """
        identity_api = self.identity[1] if self.identity else None
        needed = [api for api in self.schema.required_on_create if api != identity_api and api not in self.create_defaults]
        options = [self.option_of(api) for api in needed]
        missing = [option for api, option in zip(needed, options) if desired.get(api) is None]
        param = self.schema.create.get("param")
        if param in self.extra_create_only:
            options.append(param)
            if not values.get(param):
                missing.append(param)
        if missing:
            named = " %r" % str(values.get(self.identity[0])) if self.identity else ""
            raise SchemaError("%s.%s" % (where, missing[0]) if where else missing[0],
                              "the %s%s does not exist yet; creating it needs %s." % (
                                  self.title, named, " and ".join(options)))

    def managed_properties(self, items):
        """The API properties that items (dicts of options) set, and those their comparison consults.

        Each is named by its top-level property: a trunk's name is read with its whole Gateway.
        """
        names = set()
        if self.identity:
            names.add(self.identity[1].split(".")[0])
        fields = self.fields()
        for values in items:
            for option in values:
                if option in self.refs:
                    ref = self.refs[option]
                    names.add(ref.api)
                    if getattr(ref, "ordered_by", None):  # the strategy that makes the order count
                        names.add(ref.ordered_by[0])
                elif option in fields:
                    names.add(fields[option].api)
                elif option in self.extra_create_only:
                    names.add(self.extra_create_only[option][1].split(".")[0])
        return names

    def option_of(self, api):
        """The option an API property is given by (a reference's option where one replaces it)."""
        for option, ref in self.refs.items():
            if ref.api == api:
                return option
        return self.renames.get(api) or self.schema.option(api)

    def compare_rules(self, desired, current):
        """Compare rules that depend on the entity (a hunt order makes agents an ordered list)."""
        rules = {}
        for ref in self.refs.values():
            rule = ref.compare(desired, current) if hasattr(ref, "compare") else None
            if rule:
                rules[ref.api] = rule
        return rules

    def lookup(self, values, option_label=None):
        if self.identity is None:
            return None
        option, api = self.identity
        value = values.get(option)
        if value is None:
            raise SchemaError(option_label or option, "is required: it names the %s." % self.title)
        check_identity_text(value, option_label or option)
        return Lookup(self.schema, match={api: str(value)}, option=option)

    def identity_value(self, entity):
        return natural_key(entity, self.identity[1].replace("/", ".")) if self.identity else None


# -- argument specs ------------------------------------------------------------------------

def argument(field, depth=1):
    """The argument spec entry of a field given as options."""
    spec = {}
    if field.kind == "object":
        if field.ref in HANDLERS and not field.many:
            spec = dict(type="raw")
        elif field.ref in HANDLERS or depth >= SUBOPTION_DEPTH:
            spec = dict(type="list", elements="raw") if field.many else dict(type="dict")
        else:
            options = suboptions(field.schema, depth + 1, keep=(field.key,) if field.key else ())
            spec = dict(type="list", elements="dict", options=options) if field.many else dict(type="dict", options=options)
    else:
        kind = {"int": "int", "number": "float", "bool": "bool"}.get(field.kind, "str")
        spec = dict(type="list", elements=kind) if field.many else dict(type=kind)
        if field.kind == "enum" and not (field.flags and field.many):
            spec["choices"] = list(field.values)
        if field.kind == "enum" and field.flags and field.many:
            spec["choices"] = list(field.values)
    if field.secret:
        spec["no_log"] = True
    return spec


def argument_named(option, field, depth=1):
    spec = argument(field, depth)
    if not field.secret and LOOKS_SECRET.search(option):
        spec["no_log"] = False  # a name that only sounds secret (invalid_key_forward_dn)
    return spec


def suboptions(schema, depth, keep=()):
    options = {}
    for api, sub in schema.fields.items():
        if sub.settable or api in keep:
            options[option_name(api)] = argument_named(option_name(api), sub, depth)
    return options


# Options every typed module has besides the entity's (the connection options and the task's own).
RESERVED = ("base_url", "client_id", "client_secret", "access_token", "validate_certs", "ca_path", "timeout",
            "retries", "state", "update_secrets")


def argument_spec(kind, text_options=()):
    """Every option of a typed module except the connection options."""
    taken = sorted(set(kind.fields()) & set(RESERVED))
    if taken:
        raise ValueError("%s: the options %s collide with the connection or task options; rename them in kinds.py"
                         % (kind.module, ", ".join(taken)))
    spec = {}
    for option, field in kind.fields().items():
        spec[option] = argument_named(option, field)
        if option in text_options:
            spec[option] = dict(type="raw")
    for option, ref in kind.refs.items():
        spec[option] = ref.argument()
    for option in kind.extra_create_only:
        spec[option] = dict(type="str")
    if kind.identity is not None:
        spec[kind.identity[0]] = dict(spec.get(kind.identity[0], dict(type="str")), required=True)
        spec["state"] = dict(type="str", default="present", choices=["present", "absent"])
    if kind.secret_options:
        spec["update_secrets"] = dict(type="str", default="on_create", choices=["on_create", "always"])
    return spec
