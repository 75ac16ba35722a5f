# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Connection options shared by every threecx.xapi module."""

    DOCUMENTATION = r"""
options:
  base_url:
    description:
      - Root URL of the PBX, for example V(https://pbx.example.com:5001) (hosted PBXs often use port 5001).
      - A trailing V(/) or V(/xapi/v1) is accepted and ignored.
      - Redirects (HTTP 3xx) are never followed, so this must be the address the PBX answers on; a redirect fails
        the task naming the address it pointed to.
      - If not set, the value of the E(THREECX_BASE_URL) environment variable is used.
    type: str
    required: true
  client_id:
    description:
      - Client id of the API client (Admin Console > Integrations > API).
      - With O(client_secret), the module logs in at V(/connect/token) and logs in again once when a token is refused.
      - One of O(client_id) or O(access_token) is required.
      - If not set, the value of the E(THREECX_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - Secret of the API client. The modules keep it out of their results, diffs and error messages; see the notes
        for two Ansible debugging settings that do not.
      - May not be empty.
      - If not set, the value of the E(THREECX_CLIENT_SECRET) environment variable is used.
    type: str
  access_token:
    description:
      - A token issued before, for example by M(threecx.xapi.token), so that many tasks share one login.
      - 3CX keeps one active token per client; every new login revokes the previous token.
      - When O(client_id) and O(client_secret) are given too, a refused token is replaced by a new login.
      - If not set, the value of the E(THREECX_ACCESS_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the PBX's TLS certificate. Turn off only for a test PBX with a self-signed certificate; prefer O(ca_path).
      - If not set, the value of the E(THREECX_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM CA bundle (or of a directory of hashed CA certificates) to verify the PBX's certificate with.
      - Checked before any request when O(validate_certs) is on; a path that does not exist or cannot be read fails
        the task.
      - If not set, the value of the E(THREECX_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds one HTTP request may take as a whole, from connecting to the last byte of the answer. A PBX that
        answers slowly, even a byte at a time, is cut off after this time; the request then counts as failed and is
        retried like a connection error (see O(retries)).
      - If not set, the value of the E(THREECX_TIMEOUT) environment variable is used.
    type: int
    default: 30
  retries:
    description:
      - How often a request is retried after a connection error, a timeout or an HTTP 429, 502, 503 or 504.
      - The wait before each retry doubles from 0.5 seconds; a C(Retry-After) of the PBX replaces it. No single wait
        is longer than 60 seconds.
      - So one request gives up after at most O(retries) + 1 attempts of O(timeout) seconds each plus O(retries)
        waits of 60 seconds; with the defaults that is 4 x 30 + 3 x 60 = 300 seconds (123.5 seconds when the PBX
        sends no C(Retry-After)). A request whose token is refused logs in and is sent once more, each with the same
        bound. A task's worst case is that bound times the requests it sends (see the troubleshooting guide).
      - A create whose outcome is unknown is never sent again before the module has looked whether it took effect.
      - If not set, the value of the E(THREECX_RETRIES) environment variable is used.
    type: int
    default: 3
notes:
  - Explicit options take precedence over environment variables, and C(module_defaults) for the action group
    C(group/threecx.xapi.xapi) are explicit options.
  - >-
    O(client_secret) and tokens stay out of the modules' results, diffs and error messages, but Ansible's own
    debugging settings bypass that, with or without C(no_log) on the task. C(ANSIBLE_DEBUG=1) prints every module's
    arguments and raw output, and C(ANSIBLE_KEEP_REMOTE_FILES=1) leaves each module's arguments in files on the
    host that runs it. Leave both off where real credentials are used; C(no_log: true) on a task hides its
    arguments and result from callbacks and from C(-vvv) output only.
requirements:
  - requests
"""
