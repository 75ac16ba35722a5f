#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx
short_description: Apply the configuration of a whole 3CX PBX in one task
version_added: 1.0.0
description:
  - Brings a 3CX V20 PBX to the configuration O(config) describes (departments, users, queues, ring groups, digital
    receptionists, trunks, inbound and outbound rules, holidays, parameters, office hours and Call Flow Apps) in one
    task. O(config) has the format M(threecx.xapi.pbx_export) returns, so a config exported from one PBX applies to
    another.
  - Each item takes the options of its module (M(threecx.xapi.user) for C(users), ...), with the same meaning and
    the same compare rules; only the options given are compared, and only what differs is written.
  - The whole config is checked before the first request, and every reference (a department, extension, trunk or
    holiday by name or number) must name something on the PBX or in the config, before the first write.
  - Each kind costs one paged read, of the properties the config manages for that kind (every property for a kind
    in O(purge)); the kinds are read side by side. Writes follow the dependencies between kinds; items of one kind
    are written side by side. Properties that refer to something the same run creates later (an IVR and a queue that forward
    to each other) are set once it exists. Deletes (O(purge)) come last, in reverse order.
  - A failure stops the run; RV(results) and RV(summary) say exactly what was written before it.
  - Secrets follow O(update_secrets), as in the single modules.
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Plans every item the same way, sends no POST, PATCH or DELETE; its RV(summary) equals the real run's.
    support: full
  diff_mode:
    description: Returns a before and after for every item the task changes, with a header naming kind and identity.
    support: full
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
options:
  config:
    description:
      - The configuration, keyed by kind (V(holidays), V(departments), V(trunks), V(users), V(queues), V(ring_groups),
        V(receptionists), V(callflow_apps), V(inbound_rules), V(outbound_rules), V(parameters), V(office_hours)).
      - Each kind is a list of items in the option format of its module (C(office_hours) is a dict). Kinds that are
        left out are not touched.
      - An item of V(callflow_apps) may also give C(diff_script=false), as in M(threecx.xapi.callflow_app), for a
        script that embeds a secret. Its script then shows only as its size and hash in RV(results) and in the diff,
        and the text given is masked in every string of the output. The apps of O(purge) then show their scripts
        the same way.
    type: dict
    required: true
  purge:
    description:
      - Kinds whose items that are not in O(config) are deleted from the PBX.
      - A kind must be in O(config) to be purged, so that a missing vars file cannot wipe a PBX.
    type: list
    elements: str
    default: []
    choices: [holidays, departments, trunks, users, queues, ring_groups, receptionists, callflow_apps, inbound_rules,
              outbound_rules, parameters]
  update_secrets:
    description:
      - How secret options (passwords, PINs) are written, as in M(threecx.xapi.user).
      - A secret the PBX conceals cannot be compared; with V(on_create) it is sent only when its item is created,
        with V(always) on every run.
    type: str
    choices: [on_create, always]
    default: on_create
seealso:
  - module: threecx.xapi.pbx_export
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: A small office, written by hand
  threecx.xapi.pbx:
    config:
      holidays:
        - {name: New Year, day: 1, month: 1}
      departments:
        - name: Office
          office_holidays: [New Year]
      users:
        - number: "201"
          first_name: Ada
          departments: [Office]
      queues:
        - number: "800"
          name: Office queue
          agents: ["201"]

- name: Read this PBX
  threecx.xapi.pbx_export:
  register: exported

- name: Apply what was read (to this PBX it changes nothing; to another, it copies this one)
  threecx.xapi.pbx:
    config: "{{ exported.config }}"
  register: applied

- name: Keep only the queues the configuration lists
  threecx.xapi.pbx:
    config:
      queues: "{{ exported.config.queues }}"
    purge: [queues]
"""

RETURN = r"""
summary:
  description: Per kind, how many items were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample:
    users: {created: 2, updated: 1, deleted: 0, unchanged: 497}
results:
  description:
    - Per kind, one entry per item (and per purged item) with its identity option, C(operation) and the entity under
      the module's name (as the PBX holds it after the task; predicted in check mode; V({}) once deleted).
    - The entity holds its key, its identity and the properties the config manages for its kind, as the API spells
      them (every property for a kind in O(purge)). Elements of a collection (a membership, an agent) hold only what
      can be set of them, for example C(GroupId) and C(Rights.RoleName) of a department membership.
      M(threecx.xapi.pbx_export) returns every property.
    - After a failure, only the items written (or found unchanged) before it.
  returned: always
  type: dict
  sample:
    users:
      - number: "201"
        operation: created
        user: {Id: 31, Number: "201", FirstName: Ada}
diff:
  description: One before and after per changed item, each with a header naming kind and identity.
  returned: in diff mode
  type: list
  elements: dict
  contains:
    before_header:
      description: Kind and identity of the item, for example C(users 101).
      type: str
    after_header:
      description: The same as RV(diff[].before_header).
      type: str
    before:
      description: The properties the config manages, as the API spells them, before the task (V({}) for a create).
      type: dict
    after:
      description: The same properties after the task (V({}) for a delete).
      type: dict
error:
  description: Details of the failed XAPI call that stopped the run.
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
from ansible_collections.threecx.xapi.plugins.module_utils import pbx
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run


# The key of the per-kind results in what the module answers; the pbx action hands them to the task as
# ``results`` (plugins/action/pbx.py: ansible-core renames a module's ``results`` that is not a list).
RESULTS_KEY = "pbx_results"


def answer(result):
    result[RESULTS_KEY] = result.pop("results")
    return result


def apply(module):
    params = module.params
    # before the check: a task refused for its input echoes its arguments
    for text in pbx.secret_texts(params["config"]) + pbx.hidden_texts(params["config"]):
        module.conceal(text)
    apply_run = pbx.Run(module.client, params["config"], params["purge"], params["update_secrets"], module.warnings_sink)
    apply_run.plan()
    if module.check_mode:
        module.exit_json(**answer(apply_run.report(True, module._diff)))
    failed = apply_run.write()
    if failed is None:
        apply_run.reread()
    result = answer(apply_run.report(False, module._diff))
    if failed is not None:
        module.fail_on(failed, **result)
    module.exit_json(**result)


def main():
    module = XapiModule(
        dict(
            config=dict(type="dict", required=True),
            purge=dict(type="list", elements="str", default=[], choices=[k for k in pbx.kind_names() if k != "office_hours"]),
            update_secrets=dict(type="str", default="on_create", choices=["on_create", "always"]),
        ),
        supports_check_mode=True,
    )
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
