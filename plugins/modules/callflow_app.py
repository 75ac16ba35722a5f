#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: callflow_app
short_description: Manage a 3CX Call Flow App idempotently
version_added: 1.0.0
description:
  - Creates, updates or deletes a Call Flow App (a C# call-processing script bound to a DN number) on a 3CX V20 PBX
    through the Configuration API (XAPI).
  - The app is read, compared with the options given, and only the properties that differ are sent (PATCH).
    A second run with the same options changes nothing and sends no write.
  - Only the options you set are compared. O(script_code) is compared after normalising line endings and trailing
    blanks; O(groups) as a set keyed by C(GroupId), each element as a subset; O(trunk) as a subset.
  - The app is found by O(id) if given, else by O(number), else by O(name). More than one match is an error that
    lists the matching ids.
  - The properties the PBX computes (C(CompilationLastSuccess), C(CompilationResult), C(CompilationSucceeded),
    C(InvalidScript), C(IsRegistered), C(RejectedCode)) are not options; they are returned in RV(callflow_app).
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Runs the same lookup and compare, sends no POST, PATCH or DELETE, and returns the predicted entity.
    support: full
  diff_mode:
    description: Shows before and after of the managed properties; the same in check mode and in a real run.
    support: full
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
options:
  id:
    description:
      - Id of the app, assigned by the PBX. Finds the app by id; an app cannot be created with a chosen id.
    type: int
  number:
    description:
      - DN number of the app. Finds the app when O(id) is not given. Needed to create an app.
      - Set at creation only; a different number for an existing app is refused before any write, in check mode too.
      - Give it quoted in YAML (V("8100")); an unquoted number is accepted with a warning, because YAML reads V(0100)
        as 64. Blanks around it are refused.
    type: raw
  name:
    description:
      - Name of the app. Finds the app when neither O(id) nor O(number) is given. Needed to create an app.
      - Names are not unique on the PBX; when two apps share a name, give O(id) or O(number).
    type: str
  state:
    description:
      - V(present) creates or updates the app, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  routing_type:
    description:
      - How calls reach the app, spelt as the API spells it.
    type: str
    choices: [DialCode, Forward, Trunk]
  script_code:
    description:
      - C# source of the app, typically read with the C(file) or C(template) lookup.
      - Compared after normalising line endings and trailing blanks, which the PBX may rewrite.
    type: str
  transcription_mode:
    description:
      - Transcription of the app's calls, spelt as the API spells it.
    type: str
    choices: [Nothing, Voicemail, Recordings, Both, Inherit]
  groups:
    description:
      - "Department memberships, as a list of C(Pbx.UserGroup) objects spelt as the API spells them,
        for example C([{GroupId: 2, Rights: {RoleName: users}}]), or the same list as a JSON string."
      - Every element needs C(GroupId). The list replaces the app's memberships whole.
      - Every DN belongs to at least one department, so an empty list is refused.
      - Compared as a set keyed by C(GroupId); within an element only the keys you give are compared.
      - The option is of type C(raw) because it takes the list or its JSON string; the module checks the shape
        and the property names before any request.
    type: raw
  departments:
    description:
      - Department memberships by department name, as a list of names or of dicts with C(name) and C(role)
        (default V(users)); the same as O(groups) without ids, as M(threecx.xapi.pbx_export) writes them.
      - Compared as a set by department; the list replaces the app's memberships whole. A department the PBX does not
        have is refused before any write. Mutually exclusive with O(groups).
    type: list
    elements: raw
  trunk:
    description:
      - "Trunk of the app: its name (the name of its gateway, as M(threecx.xapi.trunk) calls it), or a C(Pbx.Trunk)
        object spelt as the API spells it, for example C({Number: '10000'}), or the same object as a JSON string.
        Compared as a subset."
      - The option is of type C(raw) because it takes a name, the object or its JSON string; the module checks the
        property names before any request. A C(AuthPassword) in it is never shown.
    type: raw
  wait_for_compilation:
    description:
      - After a create or a script change, wait until the PBX has compiled the script.
      - If compilation fails, the task fails with the compiler's error lines (C(E:)) and returns the app.
    type: bool
    default: false
  compilation_timeout:
    description:
      - Seconds to wait for compilation when O(wait_for_compilation=true).
    type: int
    default: 60
  diff_script:
    description:
      - Show script bodies in the diff. V(false) shows only their size and a hash, for scripts that hold secrets.
    type: bool
    default: true
seealso:
  - module: threecx.xapi.callflow_app_info
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: Share connection options through the action group
  module_defaults:
    group/threecx.xapi.xapi:
      base_url: "{{ threecx_base_url }}"
      client_id: "{{ threecx_client_id }}"
      client_secret: "{{ threecx_client_secret }}"
  block:
    - name: Ensure the night-service toggle exists
      threecx.xapi.callflow_app:
        number: "8100"
        name: Night service toggle
        routing_type: DialCode
        script_code: "{{ lookup('ansible.builtin.file', 'files/status_toggle.cs') }}"
        groups:
          - GroupId: 2
            Rights:
              RoleName: users
        wait_for_compilation: true

    - name: Rename an app found by its number
      threecx.xapi.callflow_app:
        number: "8100"
        name: Night service

    - name: Keep a script that embeds a token out of the diff
      threecx.xapi.callflow_app:
        number: "8200"
        name: CRM lookup
        script_code: "{{ lookup('ansible.builtin.template', 'templates/crm_lookup.cs.j2') }}"
        diff_script: false
      vars:
        crm_api_token: "{{ lookup('ansible.builtin.env', 'CRM_API_TOKEN') }}"

    - name: Remove an app
      threecx.xapi.callflow_app:
        number: "8100"
        state: absent
"""

RETURN = r"""
callflow_app:
  description:
    - The app as the PBX returns it after the task, with C(ScriptCode), C(Groups) and C(Trunk).
    - In check mode, the predicted app. V({}) after a delete or when the app is absent.
  returned: always
  type: dict
  sample:
    Id: 17
    Number: "8100"
    Name: Night service toggle
    RoutingType: DialCode
    TranscriptionMode: Inherit
    ScriptCode: "using System; ..."
    CompilationSucceeded: true
    CompilationLastSuccess: "2026-11-24T09:12:44Z"
    CompilationResult: ""
    InvalidScript: false
    IsRegistered: true
    RejectedCode: null
    Groups:
      - GroupId: 2
        Name: DEFAULT
        Rights:
          RoleName: users
    Trunk: null
  contains:
    Id:
      description: Id the PBX assigned to the app; V(null) for an app that a check run would create.
      type: int
      sample: 17
    Number:
      description: DN number of the app.
      type: str
      sample: "8100"
    Name:
      description: Name of the app.
      type: str
      sample: Night service toggle
    RoutingType:
      description: How calls reach the app.
      type: str
      sample: DialCode
    TranscriptionMode:
      description: Transcription of the app's calls.
      type: str
      sample: Inherit
    ScriptCode:
      description: C# source of the app as the PBX stores it (it may rewrite line endings).
      type: str
    Groups:
      description: Department memberships of the app (C(Pbx.UserGroup) objects).
      type: list
      elements: dict
      contains:
        GroupId:
          description: Id of the department.
          type: int
          sample: 2
        Name:
          description: Name of the department.
          type: str
          sample: DEFAULT
        Rights:
          description: The app's role in the department (C(Pbx.Rights)); besides C(RoleName) it holds the role's flags.
          type: dict
          contains:
            RoleName:
              description: Name of the role.
              type: str
              sample: users
    Trunk:
      description:
        - Trunk of the app (C(Pbx.Trunk)), V(null) without one. Of its many properties, C(Number) identifies it.
        - C(AuthPassword) is masked.
      type: dict
      contains:
        Number:
          description: Number of the trunk.
          type: str
          sample: "10000"
        AuthPassword:
          description: Always masked as V(********) when set.
          type: str
    CompilationSucceeded:
      description: Whether the last compilation of the script succeeded.
      type: bool
    CompilationLastSuccess:
      description: When the script last compiled successfully (ISO 8601).
      type: str
      sample: "2026-11-24T09:12:44Z"
    CompilationResult:
      description: Output of the last compilation; error lines start with C(E:).
      type: str
    InvalidScript:
      description: Whether the PBX holds the script as invalid (also for a new app before its first compilation).
      type: bool
    IsRegistered:
      description: Whether the app is registered on the PBX.
      type: bool
    RejectedCode:
      description: Code of the PBX's last refusal of the app, if any.
      type: str
operation:
  description: What the task did (or would do in check mode).
  returned: always
  type: str
  choices: [created, updated, deleted, unchanged]
  sample: updated
compiler_errors:
  description: The compiler's error lines when O(wait_for_compilation=true) and compilation failed.
  returned: when compilation failed
  type: list
  elements: str
  sample: ["E: (line 12) ; expected"]
diff:
  description: Before and after of the properties the task manages.
  returned: in diff mode
  type: dict
  sample:
    before:
      Name: Night toggle
    after:
      Name: Night service toggle
  contains:
    before:
      description: The managed properties before the task, V({}) for a create. A script is a size and hash with O(diff_script=false).
      type: dict
    after:
      description: The managed properties after the task, V({}) for a delete.
      type: dict
    before_header:
      description: Names the app, for example C(callflow_app 8100).
      type: str
    after_header:
      description: The same as RV(diff.before_header).
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
from ansible_collections.threecx.xapi.plugins.module_utils import reconcile, waiter
from ansible_collections.threecx.xapi.plugins.module_utils.entities import callflow_app as app
from ansible_collections.threecx.xapi.plugins.module_utils.references import Directory
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run

SCHEMA = app.CALLFLOW_APP


def ensure(module):
    params = module.params
    app.desired(params)  # bad input fails here, before any request
    lookup = app.lookup(params)
    desired = app.desired(params, module.warnings_sink, Directory(module.client))
    module.protect(SCHEMA, desired)
    if not params["diff_script"]:
        module.conceal(params["script_code"])

    current = reconcile.find(module.client, SCHEMA, lookup)
    plan = reconcile.plan(SCHEMA, current, desired, params["state"], lookup, identity=app.identity_given(params))
    result = dict(changed=plan.changed, operation=plan.operation)
    shown = app.shown_entity(params)
    if module._diff:
        result["diff"] = plan.diff(text=params["diff_script"], header="%s %s" % (SCHEMA.label, lookup.value()))
    if module.check_mode:
        module.exit_json(callflow_app=shown(plan.predicted), **result)

    entity = reconcile.execute(module.client, SCHEMA, plan)
    if params["wait_for_compilation"] and waiter.compiles(plan):
        entity, errors, outcome = waiter.settle(module.client, SCHEMA, plan, entity, params["compilation_timeout"])
        failure = waiter.failure_message(SCHEMA, entity, errors, outcome, params["compilation_timeout"])
        if failure:
            if errors:
                result["compiler_errors"] = errors
            module.fail_json(msg=failure, callflow_app=shown(entity), **result)
    module.exit_json(callflow_app=shown(entity), **result)


def main():
    module = XapiModule(app.argument_spec(), required_one_of=app.REQUIRED_ONE_OF,
                        mutually_exclusive=app.MUTUALLY_EXCLUSIVE, supports_check_mode=True)
    run(module, lambda: ensure(module))


if __name__ == "__main__":
    main()
