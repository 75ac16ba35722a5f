#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: pbx_export
short_description: Export the configuration of a 3CX PBX as code
version_added: 1.0.0
description:
  - Reads a 3CX V20 PBX and returns its configuration as RV(config), a dict keyed by kind, each kind a list of items
    in exactly the option format of the matching module (M(threecx.xapi.department), M(threecx.xapi.user),
    M(threecx.xapi.queue), ...). M(threecx.xapi.pbx) applies such a config in one task, to the same PBX or another.
  - Items use snake_case options and name other entities by name or extension number, never by id, so a config
    applies to another PBX whose ids differ.
  - Server-computed and runtime properties are left out, and so are secrets (passwords, PINs), which are never
    exported. Audio files are not part of the API and are referred to by name only.
  - Items are sorted by their identity, so two exports of the same PBX are equal and a config kept in Git shows
    changes as small diffs.
  - Each kind costs one paged read (100 entities per request).
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Only reads; runs the same in check mode.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
options:
  kinds:
    description:
      - The kinds to export. By default every kind.
    type: list
    elements: str
    choices: [holidays, departments, trunks, users, queues, ring_groups, receptionists, callflow_apps, inbound_rules,
              outbound_rules, parameters, office_hours]
seealso:
  - module: threecx.xapi.pbx
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: Export the head office PBX
  threecx.xapi.pbx_export:
  register: head_office

- name: Keep it in Git
  ansible.builtin.copy:
    content: "{{ head_office.config | to_nice_yaml(indent=2) }}"
    dest: "{{ playbook_dir }}/head-office.yml"
    mode: "0644"

- name: Only the dial plan
  threecx.xapi.pbx_export:
    kinds: [trunks, inbound_rules, outbound_rules]
"""

RETURN = r"""
config:
  description:
    - The configuration, keyed by kind; each kind a list of items in the option format of its module, sorted by
      identity (C(office_hours) is a dict).
  returned: always
  type: dict
  sample:
    departments:
      - name: Sales
        language: EN
    users:
      - number: "201"
        first_name: Ada
        departments: [{name: Sales, role: users}]
        primary_department: Sales
"""

# First, so that on a Python older than the collection supports the task fails with a clear message
from ansible_collections.threecx.xapi.plugins.module_utils import python_version  # noqa: F401 pylint: disable=unused-import
from ansible_collections.threecx.xapi.plugins.module_utils import pbx
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run


def main():
    module = XapiModule(
        dict(kinds=dict(type="list", elements="str", choices=pbx.kind_names())),
        supports_check_mode=True,
    )
    names = module.params["kinds"] or pbx.kind_names()
    run(module, lambda: module.exit_json(changed=False, config=pbx.export(module.client, names, module.warnings_sink)))


if __name__ == "__main__":
    main()
