#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: entity
short_description: Manage any 3CX XAPI entity or settings object idempotently
version_added: 1.0.0
description:
  - Creates, updates or deletes one entity of any XAPI entity set (V(Users), V(Groups), V(Queues), V(RingGroups),
    V(Receptionists), V(InboundRules), V(Parameters), ...), or updates a settings singleton (V(OfficeHours),
    V(GeneralSettingsForPbx), ...), on a 3CX V20 PBX.
  - Properties are spelt as the API spells them (C(FirstName), C(VMEnabled)). The modules named after what they
    manage (M(threecx.xapi.user), M(threecx.xapi.department), ...) speak the administrator's language instead; this
    module reaches everything else.
  - The entity is read, compared with O(properties), and only the properties that differ are sent (PATCH).
    A second run with the same options changes nothing and sends no write.
  - Only the properties given are compared. Objects are compared as a subset of the server's; collections keyed by
    a property (a user's C(Groups) by C(GroupId), a queue's C(Agents) by C(Number), ...) as sets by that key, each
    element a subset; other collections as ordered lists; flags enums as sets of names. A collection is written
    whole, each element merged with the server's, so an element named without some property keeps it.
  - The entity sets, singletons, properties, types and enum values come from the official XAPI document of
    3CX 20.0.10; which properties the PBX computes, which are secret or create-only and how each set is matched
    are curated from evidence. R(The reference of every set and singleton,ansible_collections.threecx.xapi.docsite.entities)
    lists them.
  - Input is checked before any request. An unknown set, singleton or property is refused with the closest names, a
    wrong type or enum value with the accepted values, and so are a property the PBX computes and a write the API
    does not offer.
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Runs the same lookup and compare, sends no POST, PATCH or DELETE, and returns the predicted entity.
    support: full
  diff_mode:
    description: Shows before and after of the properties given; the same in check mode and in a real run.
    support: full
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
options:
  entity_set:
    description:
      - The entity set, for example V(Users), V(Groups), V(Queues). Exactly one of O(entity_set) and O(singleton).
    type: str
  singleton:
    description:
      - The settings object, for example V(OfficeHours), V(GeneralSettingsForPbx), V(E164Settings).
      - A singleton always exists; O(state=absent), O(id) and O(match) are refused.
    type: str
  id:
    description:
      - The key of the entity (an integer C(Id) for most sets; a text key such as C(MacAddress) for a few).
      - Finds the entity by its key. The PBX assigns integer ids, so an entity cannot be created by id.
    type: raw
  match:
    description:
      - "Properties that identify one entity, as the API spells them, for example V({Number: '101'}) for a user or
        V({Name: Sales}) for a department. Only single scalar properties can be matched."
      - Finds the entity by its alternate key when the set has one (C(Users(Number='101'))), else with a C($filter).
        More than one match is an error that lists the ids.
      - Creating an entity sends O(match) together with O(properties).
    type: dict
  properties:
    description:
      - The desired state, as the API spells it. Only the properties given are compared and written.
      - Properties the PBX computes (C(Id), C(IsRegistered), ...) and runtime state (C(QueueStatus), ...) are refused.
    type: dict
    default: {}
  state:
    description:
      - V(present) creates or updates the entity, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  update_secrets:
    description:
      - How secret properties (a user's C(AuthPassword) or C(VMPIN), a trunk's C(AuthPassword), ...) are written.
      - A secret the PBX shows in clear is compared like any other property. One it conceals cannot be compared;
        with V(on_create) it is sent only when the entity is created, with V(always) on every run (the task then
        reports a change every time).
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Secrets given in O(properties) are masked in every output of the task, also when the PBX echoes them in an error.
seealso:
  - module: threecx.xapi.entity_info
  - module: threecx.xapi.callflow_app
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: A user, found by extension number
  threecx.xapi.entity:
    entity_set: Users
    match:
      Number: "201"
    properties:
      FirstName: Ada
      LastName: Lovelace
      EmailAddress: ada@example.com
      VMEnabled: true
      Groups:
        - GroupId: 2
          Rights:
            RoleName: users

- name: A department, found by name
  threecx.xapi.entity:
    entity_set: Groups
    match:
      Name: Support
    properties:
      Language: EN

- name: A queue with two agents in hunt order
  threecx.xapi.entity:
    entity_set: Queues
    match:
      Number: "800"
    properties:
      Name: Sales queue
      PollingStrategy: Hunt
      Agents:
        - Number: "100"
        - Number: "101"

- name: A system parameter
  threecx.xapi.entity:
    entity_set: Parameters
    match:
      Name: CUSTOM_PARAM
    properties:
      Value: "1"

- name: Settings of the whole PBX
  threecx.xapi.entity:
    singleton: GeneralSettingsForPbx
    properties:
      AllowFwdToExternal: false

- name: Remove a queue
  threecx.xapi.entity:
    entity_set: Queues
    match:
      Number: "800"
    state: absent
"""

RETURN = r"""
entity:
  description:
    - The entity as the PBX holds it after the task, as the API spells it (secrets masked).
    - In check mode, the predicted entity. V({}) after a delete or when the entity is absent.
  returned: always
  type: dict
  sample:
    Id: 31
    Number: "201"
    FirstName: Ada
    LastName: Lovelace
    VMEnabled: true
operation:
  description: What the task did (or would do in check mode).
  returned: always
  type: str
  choices: [created, updated, deleted, unchanged]
  sample: updated
diff:
  description: Before and after of the properties the task manages.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: The managed properties before the task.
      type: dict
    after:
      description: The managed properties after the task.
      type: dict
  sample:
    before: {FirstName: Ada}
    after: {FirstName: Augusta}
error:
  description: Details of a failed XAPI call (HTTP status, method, path, the API's reasons and a hint).
  returned: on an XAPI failure
  type: dict
  contains:
    status:
      description: HTTP status of the answer; V(null) when no answer came (connection or TLS error).
      type: int
      sample: 400
    method:
      description: HTTP method of the request.
      type: str
      sample: PATCH
    path:
      description: Path of the request below the PBX root.
      type: str
      sample: /xapi/v1/Users(12)
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
from ansible_collections.threecx.xapi.plugins.module_utils import generic, reconcile
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run


def ensure(module):
    params = module.params
    target = generic.target(params)  # bad input fails here, before any request
    # a write the set does not offer first: every property of a read-only set reads as computed
    target.check_writes(params["properties"], params["state"])
    desired = target.desired(params["properties"], module.warnings_sink)
    module.protect(target.schema, desired)

    current = reconcile.find(module.client, target.schema, target.lookup)
    plan = target.plan(current, desired, params["state"], params["update_secrets"])
    result = dict(changed=plan.changed, operation=plan.operation)
    if module._diff:
        result["diff"] = plan.diff(header=target.header)
    if module.check_mode:
        module.exit_json(entity=plan.predicted, **result)
    module.exit_json(entity=reconcile.execute(module.client, target.schema, plan), **result)


def main():
    module = XapiModule(
        dict(
            entity_set=dict(type="str"),
            singleton=dict(type="str"),
            id=dict(type="raw"),
            match=dict(type="dict"),
            properties=dict(type="dict", default={}),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            update_secrets=dict(type="str", default="on_create", choices=["on_create", "always"]),
        ),
        required_one_of=[["entity_set", "singleton"]],
        mutually_exclusive=[["entity_set", "singleton"], ["id", "match"]],
        supports_check_mode=True,
    )
    run(module, lambda: ensure(module))


if __name__ == "__main__":
    main()
