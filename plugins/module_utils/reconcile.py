# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine: find -> plan -> write the minimum -> re-read.

Planning is pure (no I/O), so check mode, diff mode and a real run share one
path: check mode stops before the write and returns the predicted entity; the
diff comes from the plan in both modes. A list of entities is reconciled by
planning each item against entities read in bulk (see find_many).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.threecx.xapi.plugins.module_utils import odata
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError, XapiOutcomeUnknown
from ansible_collections.threecx.xapi.plugins.module_utils.schema import (
    SchemaError, deep_merge, scalar_equal, unknown_name_message)

CREATE, UPDATE, DELETE, NONE = "create", "update", "delete", "none"
OPERATIONS = {CREATE: "created", UPDATE: "updated", DELETE: "deleted", NONE: "unchanged"}
MATCHABLE = ("string", "int", "number", "bool", "enum", "guid")
# How often a create from a template is built, when the number the PBX chose is taken before the POST
TEMPLATE_BUILDS = 4


class PlanError(Exception):
    """The task cannot be carried out as asked; raised before any write.

    option: the option the message starts with, when one is at fault (a whole-PBX apply puts its item before it).
    """

    def __init__(self, message, option=None):
        super(PlanError, self).__init__(message)
        self.option = option

    def within(self, where):
        """The same error, named inside an item (users[3])."""
        return PlanError("%s%s%s" % (where, "." if self.option else ": ", self), self.option)


class Lookup:
    """How a task names its entity: by key, or by properties (an alternate key or a filter)."""

    def __init__(self, schema, key=None, match=None, option=None):
        self.schema = schema
        self.key = key
        self.match = dict(match or {})
        self.option = option

    @classmethod
    def first_of(cls, schema, given):
        """The lookup by the first identity given; given: [(api, option, value)] in priority order."""
        for api, option, value in given:
            if value is not None:
                if api == schema.key:
                    return cls(schema, key=value, option=option)
                return cls(schema, match={api: value}, option=option)
        return None

    @property
    def by_key(self):
        return self.key is not None

    def describe(self):
        if self.by_key:
            return "%s %s" % (self.option or self.schema.key, self.key)
        return " and ".join("%s %r" % (api, value) for api, value in sorted(self.match.items()))

    def value(self):
        """The value a header or a message names the entity by."""
        return self.key if self.by_key else ", ".join(str(v) for _k, v in sorted(self.match.items()))


def check_match(schema, match, option="match"):
    """match may only name structural scalar properties that exist; answers them parsed."""
    if not isinstance(match, dict) or not match:
        raise SchemaError(option, "must be a non-empty dict of property: value, e.g. {Number: '101'}.")
    parsed = {}
    for api, value in match.items():
        field = schema.field(api)
        if field is None:
            names = [a for a, f in schema.fields.items() if f.kind in MATCHABLE and not f.many]
            raise SchemaError("%s.%s" % (option, api), unknown_name_message(api, names, "a property of %s" % schema.name))
        if field.navigation or field.many or field.kind not in MATCHABLE:
            raise SchemaError("%s.%s" % (option, api), "an entity can only be matched by a single scalar property "
                                                       "(text, number, boolean, enum); %s is not one." % api)
        if value is None:
            raise SchemaError("%s.%s" % (option, api), "cannot be null in a match.")
        parsed[api] = field.parse_one(value, "%s.%s" % (option, api))
    return parsed


class Plan:
    """What one entity needs, and what it will look like afterwards."""

    def __init__(self, schema, action, current, desired, changes, predicted, rules=None):
        self.schema = schema
        self.action = action
        self.current = current
        self.desired = desired
        self.changes = changes
        self.predicted = predicted
        self.create_args = {}
        self.rules = dict(rules or {})  # compare rules of this entity: the diff shows a hunt order as it is

    @property
    def changed(self):
        return self.action != NONE

    @property
    def operation(self):
        return OPERATIONS[self.action]

    def diff(self, text=True, header=None):
        """before/after of the managed properties; the same in check and real runs.

        Long texts (a script) show as a digest among the properties; with text, each one that
        changes follows as a diff of its own, so that Ansible shows it line by line.
        """
        schema = self.schema
        shown = self.desired
        if self.action == CREATE:
            before, after = {}, schema.diff_view(self.predicted, shown, rules=self.rules)
        elif self.action == DELETE:
            shown = dict((api, None) for api, f in schema.fields.items() if f.settable and api in self.current)
            before, after = schema.diff_view(self.current, shown), {}
        elif self.current is None:
            before = after = {}
        else:
            before = schema.diff_view(self.current, shown, rules=self.rules)
            after = schema.diff_view(self.predicted, shown, rules=self.rules)
        props = _with_header({"before": before, "after": after}, header)
        texts = self._text_diffs(header) if text else []
        return [props] + texts if texts else props

    def _text_diffs(self, header):
        diffs = []
        for api, field in self.schema.fields.items():
            if not field.text_diff or api not in self.changes and self.action != DELETE:
                continue
            old = (self.current or {}).get(api) if self.action != CREATE else None
            new = (self.predicted or {}).get(api) if self.action != DELETE else None
            if old == new:
                continue
            diffs.append(_with_header({"before": _text(old), "after": _text(new)},
                                      "%s %s" % (header, api) if header else api))
        return diffs


def _with_header(diff, header):
    if header:
        diff["before_header"] = diff["after_header"] = header
    return diff


def _text(value):
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n")
    return text if text.endswith("\n") or not text else text + "\n"


# -- reads -----------------------------------------------------------------------------

def read(client, schema, key=None, computed_navigation=True):
    """The entity (or singleton) with every property, or None when the server has no such key."""
    select, expand = schema.projection(computed_navigation=computed_navigation)
    try:
        return odata.entity(client.get(schema.path(key), query=odata.build_query(select=select, expand=expand)))
    except XapiError as exc:
        if exc.status == 404 and not schema.singleton:
            return None
        raise


def find(client, schema, lookup):
    """The one entity the lookup names, or None. More than one match is an error naming the ids."""
    if schema.singleton:
        return read(client, schema)
    if lookup.by_key:
        return read(client, schema, lookup.key, computed_navigation=False)
    select, expand = schema.projection(computed_navigation=False)
    if len(lookup.match) == 1:
        api, value = next(iter(lookup.match.items()))
        if api in schema.alt_keys:
            try:
                found = client.get(schema.alt_path(api, value), query=odata.build_query(select=select, expand=expand))
            except XapiError as exc:
                if exc.status == 404:
                    return None
                raise
            return odata.entity(found)
    clauses = [odata.eq(api, value) for api, value in sorted(lookup.match.items()) if "." not in api]
    if any("." in api for api in lookup.match):
        # a property of a nested object (a trunk's Gateway.Name): matched here, on every server
        matches = [entity for entity in odata.iterate(client, schema.entity_set, select=select, expand=expand,
                                                      orderby=schema.key)
                   if all(scalar_equal(natural_key(entity, api), value) for api, value in lookup.match.items())]
    else:
        matches = list(odata.iterate(client, schema.entity_set, select=select, expand=expand,
                                     filter=odata.all_of(*clauses), orderby=schema.key))
    if len(matches) > 1:
        ids = ", ".join(str(m.get(schema.key)) for m in matches)
        raise PlanError("%d %ss have %s (ids %s); give the id to pick one." % (len(matches), schema.title, lookup.describe(), ids))
    return matches[0] if matches else None


def find_many(client, schema, lookups, keep_unmatched=False):
    """Match many lookups against one paged read of the whole entity set.

    lookups: a list of (api, value). Answers (matches, unmatched): matches[i] lists the
    entities lookup i names; unmatched holds the identity properties of the entities no
    lookup names (only with keep_unmatched, for a purge). Only matched entities are kept
    whole, so memory follows the task's list, not the size of the PBX.
    """
    wanted = {}
    for index, (api, value) in enumerate(lookups):
        wanted.setdefault((api, _key_text(value)), []).append(index)
    identity_apis = [schema.key] + list(schema.identity_apis)
    matches = [[] for _lookup in lookups]
    unmatched = []
    select, expand = schema.projection(computed_navigation=False)
    for entity in odata.iterate(client, schema.entity_set, select=select, expand=expand, orderby=schema.key):
        hits = set()
        for api in identity_apis:
            hits.update(wanted.get((api, _key_text(entity.get(api))), ()))
        for index in hits:
            matches[index].append(entity)
        if not hits and keep_unmatched:
            unmatched.append(dict((api, entity.get(api)) for api in identity_apis))
    return matches, unmatched


# -- plans -----------------------------------------------------------------------------

def plan(schema, current, desired, state="present", lookup=None, update_secrets="on_create", identity=None,
         rules=None, create_args=None):
    """Decide what to do; raises PlanError for a request that cannot be honoured.

    identity: {api: value} of every identity option the task gave. With state=absent each must
    match the entity found, so a task never deletes an entity it did not name. rules: compare
    rules for this entity (see EntitySchema.changes). create_args: what a create strategy needs
    besides the properties (a trunk's template).
    """
    if state == "absent":
        if current is None:
            return Plan(schema, NONE, None, desired, {}, {})
        _check_identity(schema, current, identity or {}, lookup)
        return Plan(schema, DELETE, current, desired, {}, {})
    if current is None:
        created = _plan_create(schema, desired, lookup)
        created.create_args = dict(create_args or {})
        created.rules = dict(rules or {})
        needed = schema.create.get("param")
        if needed and not created.create_args.get(needed):
            raise PlanError("%s: the %s%s does not exist yet; creating it needs %s (the PBX builds a new %s from it)." % (
                needed, schema.title, _named(lookup), needed, schema.title), needed)
        return created
    for api, value in desired.items():
        field = schema.fields[api]
        if field.create_only and not field.equal(current.get(api), value):
            option = _option(schema, api, lookup)
            raise PlanError("%s: the %s with %s %s has %s %r; %s cannot be changed once the %s exists "
                            "(delete it and create it again with the new value)." % (
                                option, schema.title, schema.key, current.get(schema.key),
                                api, current.get(api), api, schema.title), option)
    changes = schema.changes(current, desired, update_secrets, rules)
    if not changes:
        return Plan(schema, NONE, current, desired, {}, current)
    return Plan(schema, UPDATE, current, desired, changes, schema.predict(current, _predictable(schema, desired, changes)),
                rules=rules)


def _predictable(schema, desired, changes):
    """The user's values of the changed properties (the prediction merges them like the server)."""
    return dict((api, desired[api]) for api in changes)


def _check_identity(schema, current, identity, lookup):
    for api, value in sorted(identity.items()):
        if value is not None and not scalar_equal(natural_key(current, api), value):
            found_by = lookup.describe() if lookup else "its identity"
            raise PlanError("state=absent: the %s found by %s has %s %r, not %r; nothing was deleted. "
                            "Give only options that name the same %s." % (
                                schema.title, found_by, api, natural_key(current, api), value, schema.title))


def _option(schema, api, lookup):
    return lookup.option if lookup is not None and lookup.option and api in lookup.match else schema.option(api)


def _named(lookup):
    """' Number 8100' for a message, '' without a lookup."""
    return " " + lookup.describe() if lookup else ""


def _plan_create(schema, desired, lookup):
    if not schema.can("create"):
        raise PlanError("the %s%s does not exist, and XAPI offers no way to create %ss." % (
            schema.title, _named(lookup), schema.title))
    if lookup is not None and lookup.by_key and schema.key_type == "int":
        raise PlanError("%s: no %s has %s %s. The PBX assigns ids; to create the %s, name it by %s instead." % (
            lookup.option or schema.key, schema.title, schema.key, lookup.key, schema.title,
            " or ".join(schema.identity_apis or schema.required_on_create) or "its properties"))
    body = dict(desired)
    if lookup is not None:
        for api, value in lookup.match.items():
            set_path(body, api, value)
        if lookup.by_key:
            body[schema.key] = lookup.key
    missing = [api for api in schema.required_on_create if body.get(api) is None]
    if missing:
        raise PlanError("%s: the %s does not exist yet and creating it needs %s." % (
            ", ".join(schema.option(api) for api in missing), schema.title,
            " and ".join(schema.option(api) for api in schema.required_on_create)), schema.option(missing[0]))
    writable = schema.writable(body, keep=(schema.key,) if not schema.key_type == "int" else ())
    predicted = copy.deepcopy(body)
    if schema.key:
        predicted.setdefault(schema.key, None)
    return Plan(schema, CREATE, None, body, writable, predicted)


# -- writes ----------------------------------------------------------------------------

def execute(client, schema, plan_):
    """Carry out a plan and answer the entity as the server now holds it ({} after a delete)."""
    if plan_.action == NONE:
        return plan_.current or {}
    if plan_.action == DELETE:
        try:
            client.delete(schema.path(plan_.current[schema.key]))
        except XapiError as exc:
            if exc.status != 404:  # already gone: the goal is reached
                raise
        return {}
    if plan_.action == UPDATE:
        key = update(client, schema, plan_.current, plan_.changes)
    else:
        key = create(client, schema, plan_.changes, plan_.create_args)
    entity = read(client, schema, key, computed_navigation=schema.singleton)  # as find() reads it: the same on a second run
    if entity is None:
        raise XapiError("The %s with %s %s vanished right after it was written." % (schema.title, schema.key, key))
    return entity


def update(client, schema, current, changes):
    """PATCH the changes; answer the entity's key."""
    key = None if schema.singleton else current[schema.key]
    client.patch(schema.path(key), changes)
    return key


def create(client, schema, body, args=None):
    """Create by the set's strategy; answer the new entity's key."""
    strategy = schema.create.get("strategy", "post")
    if strategy == "template":
        return _create_from_template(client, schema, body, args or {})
    if strategy == "post_then_patch":
        first = dict((api, body[api]) for api in schema.create["post"] if api in body)
        rest = dict((api, value) for api, value in body.items() if api not in first)
        key = _post(client, schema, first)
        if rest:
            try:
                client.patch(schema.path(key), rest)
            except XapiError as exc:
                exc.message = ("The %s was created (%s %s) with its basic properties, but setting the others failed; "
                               "run the task again to finish it. %s" % (schema.title, schema.key, key, exc.message))
                exc.created = dict(first, **{schema.key: key})  # what exists now, for a report of what was written
                raise
        return key
    return _post(client, schema, body)


def _create_from_template(client, schema, body, args):
    """POST what the PBX builds from a template, built again when the number it chose was taken meanwhile.

    The PBX gives a template build the first free number without holding it, so a task creating the same kind
    at the same time (a second play, an administrator) can take it first: the POST is then refused with
    ALREADY_IN_USE on that number, and a new build gets the next one. Never for a number the task gives.
    """
    chosen = [api for api in schema.identity_apis if body.get(api) is None]
    for attempt in range(1, TEMPLATE_BUILDS + 1):
        try:
            return _post(client, schema, from_template(client, schema, body, args))
        except XapiError as exc:
            taken = exc.status == 400 and any(reason.startswith("%s:" % api) and "ALREADY_IN_USE" in reason
                                              for reason in exc.reasons for api in chosen)
            if not taken or attempt == TEMPLATE_BUILDS:
                raise
        client.wait_to_retry(attempt - 1)


def check_create(client, schema, plan_):
    """What a create starts from, asked in check mode too (a read): an unknown template fails as in a real run."""
    if plan_.action == CREATE and schema.create.get("strategy") == "template":
        from_template(client, schema, plan_.changes, plan_.create_args)


def from_template(client, schema, body, args):
    """The body of a create that starts from what the PBX builds (Pbx.InitTrunk(template='...'))."""
    function, param = schema.create["function"], schema.create["param"]
    path = "%s/%s(%s=%s)" % (schema.entity_set, function, param, odata.literal(str(args[param])))
    template = odata.entity(client.get(path)) or {}
    template.pop(schema.key, None)
    return schema.writable(deep_merge(template, body))


def _post(client, schema, body):
    """POST, and when the answer got lost, look before posting again."""
    try:
        answer = client.post(schema.entity_set, body)
    except XapiOutcomeUnknown:
        existing = _find_created(client, schema, body)
        if existing is not None:
            return existing[schema.key]
        answer = client.post(schema.entity_set, body)
    if isinstance(answer, dict) and answer.get(schema.key) is not None:
        return answer[schema.key]
    # a 201 without the entity (or a 204): find what was made by its identity
    existing = _find_created(client, schema, body)
    if existing is None:
        raise XapiError("POST %s succeeded but the new %s cannot be found." % (schema.entity_set, schema.title))
    return existing[schema.key]


def _find_created(client, schema, body):
    if schema.key_type != "int" and body.get(schema.key) is not None:
        return read(client, schema, body[schema.key])
    for api in schema.identity_apis or schema.required_on_create:
        if body.get(api) is not None:
            return find(client, schema, Lookup(schema, match={api: body[api]}))
    return None


def _key_text(value):
    return None if value is None else str(value)


def set_path(entity, path, value):
    """Set a property by a dotted path (Gateway.Name), keeping what the nested object holds already."""
    head, _dot, rest = path.partition(".")
    if not rest:
        entity[head] = value
        return
    nested = dict(entity.get(head) or {})
    set_path(nested, rest, value)
    entity[head] = nested


def natural_key(entity, path):
    """A property of an entity by a dotted path (Gateway.Name)."""
    value = entity
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
