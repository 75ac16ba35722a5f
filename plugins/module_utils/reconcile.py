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

from ansible_collections.threecx.xapi.plugins.module_utils import odata
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError, XapiOutcomeUnknown

CREATE, UPDATE, DELETE, NONE = "create", "update", "delete", "none"
OPERATIONS = {CREATE: "created", UPDATE: "updated", DELETE: "deleted", NONE: "unchanged"}


class PlanError(Exception):
    """The task cannot be carried out as asked; raised before any write."""


class Plan:
    """What one entity needs, and what it will look like afterwards."""

    def __init__(self, schema, action, current, desired, changes, predicted):
        self.schema = schema
        self.action = action
        self.current = current
        self.desired = desired
        self.changes = changes
        self.predicted = predicted

    @property
    def changed(self):
        return self.action != NONE

    @property
    def operation(self):
        return OPERATIONS[self.action]

    def diff(self, digest=False, header=None):
        """before/after of the managed properties; the same in check and real runs."""
        schema = self.schema
        if self.action == CREATE:
            before, after = {}, schema.diff_view(self.predicted, self.desired, digest)
        elif self.action == DELETE:
            everything = dict((f.api, None) for f in schema.settable if f.api in self.current)
            before, after = schema.diff_view(self.current, everything, digest), {}
        elif self.current is None:
            before = after = {}
        else:
            before = schema.diff_view(self.current, self.desired, digest)
            after = schema.diff_view(self.predicted, self.desired, digest)
        diff = {"before": before, "after": after}
        if header:
            diff["before_header"] = diff["after_header"] = header
        return diff


def identity(schema, params):
    """The (field, value) an entity is looked up by: the first identity option given."""
    for field in schema.identity:
        value = params.get(field.option)
        if value is not None:
            return field, value
    raise PlanError("one of %s is required to find the %s." % (", ".join(f.option for f in schema.identity), schema.title))


def read(client, schema, entity_id):
    """The entity with every property, or None when the server has no such id."""
    select, expand = schema.projection()
    try:
        return odata.entity(client.get(schema.path(entity_id), query=odata.build_query(select=select, expand=expand)))
    except XapiError as exc:
        if exc.status == 404:
            return None
        raise


def find(client, schema, params):
    """The one entity the task names, or None. More than one match is an error."""
    field, value = identity(schema, params)
    if field.api == schema.key:
        return read(client, schema, value)
    select, expand = schema.projection()
    matches = list(odata.iterate(client, schema.entity_set, select=select, expand=expand,
                                 filter=odata.eq(field.api, value)))
    if len(matches) > 1:
        ids = ", ".join(str(m.get(schema.key)) for m in matches)
        raise PlanError("%d %ss have %s %r (ids %s); give id to pick one." % (len(matches), schema.title, field.option, value, ids))
    return matches[0] if matches else None


def plan(schema, current, desired, state="present", lookup=None):
    """Decide what to do; raises PlanError for a request that cannot be honoured."""
    if state == "absent":
        if current is None:
            return Plan(schema, NONE, None, desired, {}, {})
        return Plan(schema, DELETE, current, desired, {}, {})
    if current is None:
        return _plan_create(schema, desired, lookup)
    for field in schema.settable:
        if field.create_only and field.api in desired and not field.equal(current.get(field.api), desired[field.api]):
            raise PlanError("%s: the %s with %s %s has %s %r; %s cannot be changed once the %s exists "
                            "(delete it and create it again with the new %s)." % (
                                field.option, schema.title, schema.key, current.get(schema.key), field.option,
                                current.get(field.api), field.option, schema.title, field.option))
    changes = schema.changes(current, desired)
    if not changes:
        return Plan(schema, NONE, current, desired, {}, current)
    return Plan(schema, UPDATE, current, desired, changes, schema.predict(current, changes))


def _plan_create(schema, desired, lookup):
    """lookup: the (field, value) the entity was searched by."""
    if lookup is not None and lookup[0].api == schema.key:
        raise PlanError("%s: no %s has %s %s. The PBX assigns ids; to create the %s give %s instead." % (
            lookup[0].option, schema.title, lookup[0].option, lookup[1], schema.title,
            " and ".join(f.option for f in schema.required_on_create)))
    missing = [f.option for f in schema.required_on_create if f.api not in desired]
    if missing:
        raise PlanError("%s: the %s does not exist yet and creating it needs %s." % (
            ", ".join(missing), schema.title, " and ".join(f.option for f in schema.required_on_create)))
    predicted = dict(desired)
    predicted.setdefault(schema.key, None)
    return Plan(schema, CREATE, None, desired, dict(desired), predicted)


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
        entity_id = plan_.current[schema.key]
        client.patch(schema.path(entity_id), plan_.changes)
    else:
        entity_id = _create(client, schema, plan_.changes)
    entity = read(client, schema, entity_id)
    if entity is None:
        raise XapiError("The %s with %s %s vanished right after it was written." % (schema.title, schema.key, entity_id))
    return entity


def _create(client, schema, body):
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
    # a 201 without the entity (or a 204): find what was made by its unique property
    existing = _find_created(client, schema, body)
    if existing is None:
        raise XapiError("POST %s succeeded but the new %s cannot be found." % (schema.entity_set, schema.title))
    return existing[schema.key]


def _find_created(client, schema, body):
    unique = [f for f in schema.required_on_create if f.create_only] or schema.required_on_create
    probe = dict((f.option, body[f.api]) for f in unique[:1])
    return find(client, schema, probe)


def find_many(client, schema, lookups, keep_unmatched=False):
    """Match many lookups against one paged read of the whole entity set.

    lookups: a list of (field, value). Answers (matches, unmatched): matches[i]
    lists the entities lookup i names; unmatched holds the identity fields of
    the entities no lookup names (only with keep_unmatched, for a purge).
    Only matched entities are kept whole, so memory follows the task's list,
    not the size of the PBX.
    """
    wanted = {}
    for index, (field, value) in enumerate(lookups):
        wanted.setdefault((field.api, _key_text(value)), []).append(index)
    identity_apis = [f.api for f in schema.identity]
    matches = [[] for lookup in lookups]
    unmatched = []
    select, expand = schema.projection()
    for entity in odata.iterate(client, schema.entity_set, select=select, expand=expand):
        hits = set()
        for api in identity_apis:
            hits.update(wanted.get((api, _key_text(entity.get(api))), ()))
        for index in hits:
            matches[index].append(entity)
        if not hits and keep_unmatched:
            unmatched.append(dict((api, entity.get(api)) for api in identity_apis))
    return matches, unmatched


def _key_text(value):
    return None if value is None else str(value)
