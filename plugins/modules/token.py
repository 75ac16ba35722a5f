#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: token
short_description: Log in to a 3CX PBX once and share the token with later tasks
version_added: 1.0.0
description:
  - Asks the PBX for an access token with the client credentials, so that every later task of the play can use it
    through O(access_token) in C(module_defaults) instead of logging in itself.
  - 3CX keeps one active token per client; each login revokes the previous token. Sharing one token per PBX avoids
    tasks revoking each other's tokens and saves a round trip per task.
  - A successful task's result is hidden from output at any verbosity (as with C(no_log)); the registered variable
    holds the token. A failed login holds no token and is shown like any other failure, with its reason, hint and
    C(error) fields.
  - Logs in in check mode too, because the tasks after it need the token to read.
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Logs in in check mode as well; nothing on the PBX changes apart from the previous token being revoked.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
notes:
  - Keep O(client_id) and O(client_secret) in C(module_defaults) beside the shared token, so that a task whose
    token was refused (for example after another play logged in with the same client) can log in again.
  - O(access_token) is ignored by this module; it always logs in.
seealso:
  - module: threecx.xapi.callflow_apps
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: Provision every PBX with one login each
  hosts: threecx_pbx
  gather_facts: false
  vars_files:
    - vars/callflow_apps.yml  # threecx_callflow_apps: [{number: "8101", name: Status toggle, ...}, ...]
  module_defaults:
    group/threecx.xapi.xapi:
      base_url: "{{ threecx_base_url }}"
      client_id: "{{ threecx_client_id }}"
      client_secret: "{{ threecx_client_secret }}"
      access_token: "{{ xapi_login.access_token | default(omit) }}"
  tasks:
    - name: Log in once
      threecx.xapi.token:
      register: xapi_login

    - name: Every later task reuses the token
      threecx.xapi.callflow_app:
        number: "{{ item.number }}"
        name: "{{ item.name }}"
      loop: "{{ threecx_callflow_apps }}"
"""

RETURN = r"""
access_token:
  description: The bearer token. Hidden from output; use it through the registered variable.
  returned: success
  type: str
token_type:
  description: The token type the PBX gave, C(Bearer).
  returned: success
  type: str
  sample: Bearer
expires_in:
  description:
    - The lifetime the PBX announced, as given. PBX builds up to 20.0.8 count it in minutes, later ones in seconds,
      so treat it as a hint; the modules log in again when a token is refused.
  returned: success
  type: int
  sample: 3600
error:
  description: Details of a failed login (HTTP status, method, path, the PBX's reasons and a hint). Shown in output.
  returned: on an XAPI failure
  type: dict
  sample:
    status: 401
    method: POST
    path: /connect/token
    reasons: ["unauthorized: The request requires valid user authentication."]
    hint: Check client_id and client_secret (Admin Console > Integrations > API; the key is shown once).
  contains:
    status:
      description: HTTP status of the answer; V(null) when no answer came (connection or TLS error).
      type: int
      sample: 401
    method:
      description: HTTP method of the request.
      type: str
      sample: POST
    path:
      description: Path of the request below the PBX root.
      type: str
      sample: /connect/token
    reasons:
      description: The API's own reasons, C(WARNINGS.XAPI.*) tokens with the property they concern.
      type: list
      elements: str
    hint:
      description: What usually causes the error and how to fix it, when known.
      type: str
"""

# First, so that on a Python older than the collection supports the task fails with a clear message
from ansible_collections.threecx.xapi.plugins.module_utils import python_version  # noqa: F401 pylint: disable=unused-import
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run


def main():
    # The token is this module's result, so it is not masked here; the action plugin hides the whole result.
    module = XapiModule({}, supports_check_mode=True, mask_tokens=False)
    if not module.client.can_login:
        module.fail_json(msg="client_id, client_secret: both are needed to log in.")

    def login():
        client = module.client
        token = client.login()
        module.exit_json(changed=False, access_token=token, token_type="Bearer", expires_in=client.token_expires_in)

    run(module, login)


if __name__ == "__main__":
    main()
