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
  contains:
    Id:
      description: Id the PBX assigned to the app.
      type: int
      sample: 17
    Number:
      description: DN number of the app.
      type: str
      sample: "8100"
    Name:
      description: Name of the app.
      type: str
    RoutingType:
      description: How calls reach the app.
      type: str
      sample: DialCode
    TranscriptionMode:
      description: Transcription of the app's calls.
      type: str
    ScriptCode:
      description: C# source of the app, only with O(include_script=true).
      type: str
    Groups:
      description: Department memberships of the app (C(Pbx.UserGroup) objects).
      type: list
      elements: dict
      contains:
        GroupId:
          description: Id of the department.
          type: int
        Name:
          description: Name of the department.
          type: str
        Rights:
          description: The app's role in the department (C(Pbx.Rights)); besides C(RoleName) it holds the role's flags.
          type: dict
          contains:
            RoleName:
              description: Name of the role.
              type: str
    Trunk:
      description: Trunk of the app (C(Pbx.Trunk)), V(null) without one; C(AuthPassword) is masked.
      type: dict
      contains:
        Number:
          description: Number of the trunk.
          type: str
    CompilationSucceeded:
      description: Whether the last compilation of the script succeeded.
      type: bool
    CompilationLastSuccess:
      description: When the script last compiled successfully (ISO 8601).
      type: str
    CompilationResult:
      description: Output of the last compilation; error lines start with C(E:).
      type: str
    InvalidScript:
      description: Whether the PBX holds the script as invalid.
      type: bool
    IsRegistered:
      description: Whether the app is registered on the PBX.
      type: bool
    RejectedCode:
      description: Code of the PBX's last refusal of the app, if any.
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
