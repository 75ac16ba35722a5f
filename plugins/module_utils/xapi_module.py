# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every threecx.xapi module shares: connection options, the client, errors.

This is the one place that knows both the XAPI client and Ansible's result
format. Input is validated completely before the first request is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.threecx.xapi.plugins.module_utils.client import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, XapiClient, XapiError, normalize_base_url)
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import PlanError
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError, mask_secrets, secret_values


def connection_argument_spec():
    """The connection options of every module (documented in the connection doc fragment)."""
    return dict(
        base_url=dict(type="str", required=True, fallback=(env_fallback, ["THREECX_BASE_URL"])),
        client_id=dict(type="str", fallback=(env_fallback, ["THREECX_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["THREECX_CLIENT_SECRET"])),
        access_token=dict(type="str", no_log=True, fallback=(env_fallback, ["THREECX_ACCESS_TOKEN"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["THREECX_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["THREECX_CA_PATH"])),
        timeout=dict(type="int", default=30, fallback=(env_fallback, ["THREECX_TIMEOUT"])),
        retries=dict(type="int", default=3, fallback=(env_fallback, ["THREECX_RETRIES"])),
    )


class XapiModule(AnsibleModule):
    """An AnsibleModule with the connection options and a lazily built client."""

    def __init__(self, argument_spec, required_one_of=None, required_together=None, mask_tokens=True,
                 schema=None, **kwargs):
        """mask_tokens: hide every token the client obtains from this module's output (all but the token module).

        schema: the entity the module returns; its secret keys (e.g. a trunk's AuthPassword) are masked
        wherever they occur in the result. Set before AnsibleModule runs: bad input already fails through it.
        """
        self._secret_keys = schema.secret_keys if schema is not None else frozenset()
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super(XapiModule, self).__init__(
            argument_spec=spec,
            required_one_of=[["client_id", "access_token"]] + list(required_one_of or []),
            required_together=[["client_id", "client_secret"]] + list(required_together or []),
            **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._check_connection_values()
        self._mask_tokens = mask_tokens
        self._client = None

    def _check_connection_values(self):
        url = normalize_base_url(self.params["base_url"])
        scheme, sep, host = url.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or not host or "/" in host:
            self.fail_json(msg="base_url: expected the PBX root as http(s)://host[:port], e.g. "
                               "https://pbx.example.com:5001 (a trailing / or /xapi/v1 is accepted); got %r."
                               % self.params["base_url"])
        if self.params["timeout"] <= 0:
            self.fail_json(msg="timeout: expected a number of seconds above 0, got %d." % self.params["timeout"])
        if self.params["retries"] < 0:
            self.fail_json(msg="retries: expected 0 or more, got %d." % self.params["retries"])

    @property
    def client(self):
        if self._client is None:
            p = self.params
            if not p["validate_certs"]:
                _quiet_insecure_warnings()
            self._client = XapiClient(
                p["base_url"], client_id=p["client_id"], client_secret=p["client_secret"],
                access_token=p["access_token"], validate_certs=p["validate_certs"], ca_path=p["ca_path"],
                timeout=p["timeout"], retries=p["retries"], on_token=self.no_log_values.add if self._mask_tokens else None)
        return self._client

    def exit_json(self, **result):
        super(XapiModule, self).exit_json(**self._masked(result))

    def fail_json(self, msg, **result):
        super(XapiModule, self).fail_json(msg=msg, **self._masked(result))

    def _masked(self, result):
        if not self._secret_keys:
            return result
        # Secret values nested in the options (a trunk's AuthPassword) become no_log values, which Ansible
        # masks wherever they occur: also in the module arguments it echoes back (the invocation key).
        # Done on the way out, so that it covers a failure of the argument validation as well.
        params = getattr(self, "params", None)
        if params and hasattr(self, "no_log_values"):
            self.no_log_values.update(secret_values(params, self._secret_keys))
        return mask_secrets(result, self._secret_keys)

    def fail_on(self, exc, **result):
        """Fail the task from a known error type, with structured fields for XAPI errors."""
        if isinstance(exc, XapiError):
            result["error"] = exc.as_dict()
        self.fail_json(msg=str(exc), **result)


def run(module, action):
    """Run action(); turn the errors this collection raises into task failures."""
    try:
        action()
    except (XapiError, PlanError, SchemaError) as exc:
        module.fail_on(exc)


def _quiet_insecure_warnings():
    try:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    except (ImportError, AttributeError):
        pass
