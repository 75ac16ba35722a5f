#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: callflow_app_info
short_description: List 3CX Call Flow Apps
version_added: 1.0.0
description:
  - Reads Call Flow Apps from a 3CX V20 PBX through the Configuration API (XAPI), every page of them
    (the PBX answers at most 100 per request).
  - Selection options combine with C(and). Without any, every app is returned.
  - Never changes anything.
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
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
  id:
    description: Return the app with this id (an empty list when there is none).
    type: int
  number:
    description: Return the app with this DN number.
    type: str
  name:
    description: Return the apps with this name.
    type: str
  filter:
    description:
      - A raw OData C($filter) expression, for example C(Number eq '8000') or a C(startswith) call as in the examples.
      - String literals are single-quoted, with an embedded quote doubled.
    type: str
  include_script:
    description: Return C(ScriptCode) too (scripts can be large and can hold secrets).
    type: bool
    default: false
seealso:
  - module: threecx.xapi.callflow_app
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: List every call flow app of the PBX
  threecx.xapi.callflow_app_info:
    base_url: "{{ threecx_base_url }}"
    client_id: "{{ threecx_client_id }}"
    client_secret: "{{ threecx_client_secret }}"
  register: apps

# The tasks below take the connection from module_defaults or the THREECX_* environment.

- name: Find the app on number 8100, with its script
  threecx.xapi.callflow_app_info:
    number: "8100"
    include_script: true
  register: night

- name: Apps whose name starts with Sales
  threecx.xapi.callflow_app_info:
    filter: startswith(Name,'Sales')
"""

RETURN = r"""
callflow_apps:
  description:
    - The apps as the PBX returns them, ordered by C(Id), with C(Groups) and C(Trunk).
    - C(ScriptCode) only with O(include_script=true).
  returned: always
  type: list
  elements: dict
  sample:
    - Id: 17
      Number: "8100"
      Name: Night service toggle
      RoutingType: DialCode
      TranscriptionMode: Inherit
      CompilationSucceeded: true
      InvalidScript: false
      Groups: [{GroupId: 2, Name: DEFAULT, Rights: {RoleName: users}}]
      Trunk: null
"""

from ansible_collections.threecx.xapi.plugins.module_utils import odata
from ansible_collections.threecx.xapi.plugins.module_utils.entities.callflow_app import CALLFLOW_APP, IDENTITY
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run

SCHEMA = CALLFLOW_APP


def list_apps(module):
    params = module.params
    select, expand = SCHEMA.projection(with_select_only=params["include_script"])
    clauses = [odata.eq(api, params[option]) for api, option in IDENTITY if params[option] is not None]
    query_filter = odata.all_of(params["filter"], *clauses)
    return list(odata.iterate(module.client, SCHEMA.entity_set, select=select, expand=expand, filter=query_filter))


def main():
    module = XapiModule(
        dict(
            id=dict(type="int"),
            number=dict(type="str"),
            name=dict(type="str"),
            filter=dict(type="str"),
            include_script=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    run(module, lambda: module.exit_json(changed=False, callflow_apps=list_apps(module)))


if __name__ == "__main__":
    main()
