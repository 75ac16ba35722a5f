#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: callflow_apps
short_description: Reconcile many 3CX Call Flow Apps in one task
version_added: 1.0.0
description:
  - Brings a whole list of Call Flow Apps to the state the list describes, in one task, on the same engine and
    with the same compare rules as M(threecx.xapi.callflow_app).
  - Reads the PBX's apps once, in pages of at most 100, writes only what differs, and re-reads only what it wrote.
    An unchanged list costs one login and one request per 100 apps on the PBX.
  - Every item is validated before the first request; a bad item fails the task naming its index and option,
    and nothing is written.
  - Writes run in this order, deletes, then updates, then creates, so that a number freed by a delete can be reused.
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Plans every item the same way, sends no POST, PATCH or DELETE, and returns the predicted apps.
    support: full
  diff_mode:
    description: Returns a before and after for every app the task changes; the same in check mode and a real run.
    support: full
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
options:
  apps:
    description:
      - The apps. Each item takes the options of M(threecx.xapi.callflow_app) that describe one app, with the same
        defaults and the same meaning; its sub-options below are those.
      - One of O(apps[].id), O(apps[].number) and O(apps[].name) is needed in each item. Two items may not name the
        same app.
      - The module checks the items itself, before any request, so that an error names the index of the item at
        fault, for example C(apps[3]), which matters in a list of hundreds. That is why the list is of C(elements=raw);
        each item must be a dictionary of the sub-options below.
    type: list
    elements: raw
    required: true
    suboptions:
      id:
        description: Id of the app; see O(threecx.xapi.callflow_app#module:id).
        type: int
      number:
        description: DN number of the app (text; a YAML number is accepted with a warning); see
          O(threecx.xapi.callflow_app#module:number).
        type: raw
      name:
        description: Name of the app; see O(threecx.xapi.callflow_app#module:name).
        type: str
      state:
        description: V(present) creates or updates the app, V(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
      routing_type:
        description: How calls reach the app, spelt as the API spells it.
        type: str
        choices: [DialCode, Forward, Trunk]
      script_code:
        description: C# source of the app; see O(threecx.xapi.callflow_app#module:script_code).
        type: str
      transcription_mode:
        description: Transcription of the app's calls, spelt as the API spells it.
        type: str
        choices: [Nothing, Voicemail, Recordings, Both, Inherit]
      groups:
        description:
          - Department memberships, a list of C(Pbx.UserGroup) objects or the same list as a JSON string (hence
            C(raw)); see O(threecx.xapi.callflow_app#module:groups).
        type: raw
      departments:
        description:
          - Department memberships by department name, a list of names or of dicts with C(name) and C(role); see
            O(threecx.xapi.callflow_app#module:departments). Mutually exclusive with O(apps[].groups).
        type: list
        elements: raw
      trunk:
        description:
          - Trunk of the app, its name, a C(Pbx.Trunk) object or the same object as a JSON string (hence C(raw)); see
            O(threecx.xapi.callflow_app#module:trunk).
        type: raw
      wait_for_compilation:
        description: After a create or a script change, wait until the PBX has compiled the script.
        type: bool
        default: false
      compilation_timeout:
        description: Seconds to wait for compilation when O(apps[].wait_for_compilation=true).
        type: int
        default: 60
      diff_script:
        description: Show the script body in the diff; V(false) shows only its size and a hash.
        type: bool
        default: true
  purge:
    description:
      - Also delete every app on the PBX that no item names.
      - Refused when O(apps) is empty, so that a missing vars file cannot wipe a PBX.
    type: bool
    default: false
seealso:
  - module: threecx.xapi.callflow_app
  - module: threecx.xapi.token
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: Keep the PBX's call flow apps as the list says, and nothing else
  threecx.xapi.callflow_apps:
    apps: "{{ callflow_apps }}"
    purge: true
  vars:
    callflow_apps:  # usually in a vars file
      - number: "8100"
        name: Night service toggle
        routing_type: DialCode
        script_code: "{{ lookup('ansible.builtin.file', 'files/status_toggle.cs') }}"
      - number: "8101"
        name: Front desk
        routing_type: Forward
        script_code: "{{ lookup('ansible.builtin.file', 'files/multilingual_ivr.cs') }}"
        diff_script: false
  register: apps

- name: Report what changed
  ansible.builtin.debug:
    var: apps.summary

- name: Two apps inline
  threecx.xapi.callflow_apps:
    apps:
      - number: "8100"
        name: Night service toggle
        routing_type: DialCode
        script_code: "{{ lookup('ansible.builtin.file', 'files/status_toggle.cs') }}"
      - number: "8199"
        state: absent
"""

RETURN = r"""
results:
  description:
    - One entry per item, in the order of O(apps), then one per app deleted by O(purge).
  returned: always
  type: list
  elements: dict
  sample:
    - index: 0
      changed: true
      operation: updated
      callflow_app: {Id: 17, Number: "8100", Name: Night service toggle}
      diff: {before: {Name: Night toggle}, after: {Name: Night service toggle}}
  contains:
    index:
      description: Position of the item in O(apps); V(null) for an app deleted by O(purge).
      type: int
      sample: 0
    changed:
      description: Whether the item changed the PBX (or would, in check mode).
      type: bool
    operation:
      description: What the task did with the item (or would do in check mode).
      type: str
      choices: [created, updated, deleted, unchanged]
      sample: updated
    callflow_app:
      description:
        - The app as the PBX returns it after the task (predicted in check mode, V({}) once deleted), with the
          properties RV(threecx.xapi.callflow_app#module:callflow_app) describes.
      type: dict
      contains:
        Id:
          description: Id the PBX assigned to the app; V(null) for an app that a check run would create.
          type: int
        Number:
          description: DN number of the app.
          type: str
        Name:
          description: Name of the app.
          type: str
    diff:
      description: Before and after of the item's managed properties, in diff mode.
      type: dict
      contains:
        before:
          description: The managed properties before the task, V({}) for a create.
          type: dict
        after:
          description: The managed properties after the task, V({}) for a delete.
          type: dict
summary:
  description: How many apps were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {created: 1, updated: 2, deleted: 0, unchanged: 497}
  contains:
    created:
      description: Apps created.
      type: int
    updated:
      description: Apps updated.
      type: int
    deleted:
      description: Apps deleted, also those deleted by O(purge).
      type: int
    unchanged:
      description: Apps left as they were.
      type: int
diff:
  description: The before and after of every app the task changes.
  returned: in diff mode
  type: list
  elements: dict
  contains:
    before:
      description: The app's managed properties before the task, V({}) for a create.
      type: dict
    after:
      description: The app's managed properties after the task, V({}) for a delete.
      type: dict
    before_header:
      description: Names the app, for example C(callflow_app 8100).
      type: str
    after_header:
      description: The same as the before header.
      type: str
error:
  description: Details of a failed XAPI call (HTTP status, method, path, the API's reasons and a hint).
  returned: on an XAPI failure
  type: dict
  sample:
    status: 400
    method: POST
    path: /xapi/v1/CallFlowApps
    reasons: ["Number: WARNINGS.XAPI.ALREADY_IN_USE"]
    hint: null
  contains:
    status:
      description: HTTP status of the answer; V(null) when no answer came (connection or TLS error).
      type: int
      sample: 400
    method:
      description: HTTP method of the request.
      type: str
      sample: POST
    path:
      description: Path of the request below the PBX root.
      type: str
      sample: /xapi/v1/CallFlowApps
    reasons:
      description: The API's own reasons, C(WARNINGS.XAPI.*) tokens with the property they concern.
      type: list
      elements: str
      sample: ["Number: WARNINGS.XAPI.ALREADY_IN_USE"]
    hint:
      description: What usually causes the error and how to fix it, when known.
      type: str
"""

# First, so that on a Python older than the collection supports the task fails with a clear message
from ansible_collections.threecx.xapi.plugins.module_utils import python_version  # noqa: F401 pylint: disable=unused-import

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.threecx.xapi.plugins.module_utils import reconcile, waiter
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError
from ansible_collections.threecx.xapi.plugins.module_utils.entities import callflow_app as app
from ansible_collections.threecx.xapi.plugins.module_utils.references import Directory
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run

SCHEMA = app.CALLFLOW_APP
WRITE_ORDER = (reconcile.DELETE, reconcile.UPDATE, reconcile.CREATE)


class Item:
    """One app of the list: its validated options, what it asks for, and its plan."""

    def __init__(self, index, params, desired, lookup):
        self.index = index
        self.params = params
        self.desired = desired
        self.lookup = lookup
        self.plan = None
        self.entity = None

    @property
    def label(self):
        return "apps[%s]" % self.index if self.index is not None else "purged app"


def validate(apps, warnings):
    """Every item checked before any request; errors name the index and the option."""
    spec = app.argument_spec()
    validator = ArgumentSpecValidator(spec, required_one_of=app.REQUIRED_ONE_OF, mutually_exclusive=app.MUTUALLY_EXCLUSIVE)
    items, seen = [], {}
    for index, raw in enumerate(apps):
        where = "apps[%d]" % index
        if not isinstance(raw, dict):
            raise SchemaError(where, "must be a dict of callflow_app options, got %s." % type(raw).__name__)
        unknown = sorted(set(raw) - set(spec))
        if unknown:
            raise SchemaError(where, "unsupported option(s) %s. Supported: %s." % (", ".join(unknown), ", ".join(sorted(spec))))
        checked = validator.validate(raw)
        if checked.error_messages:
            raise SchemaError(where, " ".join(checked.error_messages))
        params = checked.validated_parameters
        try:
            desired = app.desired(params, warnings if warnings is not None else [])
            lookup = app.lookup(params)
        except (SchemaError, reconcile.PlanError) as exc:
            raise SchemaError(where, str(exc))
        key = (tuple(lookup.match.items()), lookup.key)
        if key in seen:
            raise SchemaError(where, "names the same app as apps[%d] (%s)." % (seen[key], lookup.describe()))
        seen[key] = index
        items.append(Item(index, params, desired, lookup))
    return items


def plan_all(client, items, purge):
    """One paged read of the PBX, then a plan per item (and per app to purge)."""
    lookups = [(SCHEMA.key, item.lookup.key) if item.lookup.by_key else next(iter(item.lookup.match.items()))
               for item in items]
    matches, unmatched = reconcile.find_many(client, SCHEMA, lookups, keep_unmatched=purge)
    claimed = {}
    for item, found in zip(items, matches):
        if len(found) > 1:
            raise reconcile.PlanError("%s: %d apps have %s %r (ids %s); give id to pick one." % (
                item.label, len(found), item.lookup.option, item.lookup.value(), ", ".join(str(e[SCHEMA.key]) for e in found)))
        current = found[0] if found else None
        if current is not None:
            other = claimed.setdefault(current[SCHEMA.key], item.index)
            if other != item.index:
                raise reconcile.PlanError("%s names the same app as apps[%d] (id %s)." % (item.label, other, current[SCHEMA.key]))
        try:
            item.plan = reconcile.plan(SCHEMA, current, item.desired, item.params["state"], item.lookup,
                                       identity=app.identity_given(item.params))
        except reconcile.PlanError as exc:
            raise reconcile.PlanError("%s: %s" % (item.label, exc))
    purged = []
    for entity in unmatched:
        item = Item(None, {"diff_script": True, "wait_for_compilation": False}, {}, None)
        item.plan = reconcile.plan(SCHEMA, entity, {}, "absent")
        purged.append(item)
    return purged


def write_all(client, items):
    """Carry out the plans, deletes first; on an error say which item failed."""
    for action in WRITE_ORDER:
        for item in items:
            if item.plan.action != action:
                continue
            try:
                item.entity = reconcile.execute(client, SCHEMA, item.plan)
            except XapiError as exc:
                exc.message = "%s: %s" % (item.label, exc.message)
                raise


def settle_all(client, items):
    """Wait for the compiles the writes started; answer the items whose script failed."""
    failed = []
    for item in items:
        params = item.params
        if item.entity and params["wait_for_compilation"] and waiter.compiles(item.plan):
            item.entity, errors, outcome = waiter.settle(client, SCHEMA, item.plan, item.entity, params["compilation_timeout"])
            failure = waiter.failure_message(SCHEMA, item.entity, errors, outcome, params["compilation_timeout"])
            if failure:
                failed.append((item, failure))
    return failed


def report(items, diff_mode):
    results, diffs = [], []
    summary = dict((name, 0) for name in reconcile.OPERATIONS.values())
    for item in items:
        plan = item.plan
        shown = app.shown_entity(item.params)
        entry = dict(index=item.index, changed=plan.changed, operation=plan.operation,
                     callflow_app=shown(item.entity if item.entity is not None else plan.predicted))
        if diff_mode:
            header = "%s %s" % (SCHEMA.label, item.lookup.value() if item.lookup else plan.current.get("Number"))
            entry["diff"] = plan.diff(text=item.params["diff_script"], header=header)
            if plan.changed:
                diffs.extend(entry["diff"] if isinstance(entry["diff"], list) else [entry["diff"]])
        summary[plan.operation] += 1
        results.append(entry)
    result = dict(changed=any(item.plan.changed for item in items), results=results, summary=summary)
    if diff_mode:
        result["diff"] = diffs
    return result


def reconcile_apps(module):
    apps, purge = module.params["apps"], module.params["purge"]
    if purge and not apps:
        module.fail_json(msg="purge: refused with an empty apps list, which would delete every call flow app on the PBX.")
    items = validate(apps, module.warnings_sink)
    client = module.client
    directory = Directory(client)  # departments and trunks by name: one read of each, for every item
    for item in items:
        try:
            item.desired = app.desired(item.params, [], directory)
        except SchemaError as exc:
            raise SchemaError(item.label, str(exc))
        module.protect(SCHEMA, item.desired)
        if not item.params["diff_script"]:
            module.conceal(item.params["script_code"])
    items += plan_all(client, items, purge)
    if module.check_mode:
        module.exit_json(**report(items, module._diff))
    try:
        write_all(client, items)
    except XapiError as exc:
        written = [item for item in items if item.entity is not None or item.plan.action == reconcile.NONE]
        module.fail_json(msg=str(exc), error=exc.as_dict(), **report(written, module._diff))
    failed = settle_all(client, items)
    result = report(items, module._diff)
    if failed:
        module.fail_json(msg="; ".join("%s: %s" % (item.label, failure) for item, failure in failed), **result)
    module.exit_json(**result)


def main():
    module = XapiModule(
        # items stay raw here so that a bad one is reported by its index (see validate)
        dict(apps=dict(type="list", elements="raw", required=True), purge=dict(type="bool", default=False)),
        supports_check_mode=True,
    )
    run(module, lambda: reconcile_apps(module))


if __name__ == "__main__":
    main()
