# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every threecx.xapi module shares: connection options, the client, errors.

This is the one place that knows both the XAPI client and Ansible's result
format. Input is validated completely before the first request is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib, remove_values

from ansible_collections.threecx.xapi.plugins.module_utils.client import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, XapiClient, XapiError, normalize_base_url)
from ansible_collections.threecx.xapi.plugins.module_utils import registry
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import PlanError
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError, mask_secrets, secret_values_under, texts_in


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

    def __init__(self, argument_spec, required_one_of=None, required_together=None, mask_tokens=True, **kwargs):
        """mask_tokens: hide every token the client obtains from this module's output (all but the token module).

        Every property that holds a secret in some schema of the API (a trunk's AuthPassword, a user's
        VMPIN, ...) is masked wherever it occurs in a result. Set before AnsibleModule runs: bad input
        already fails through it.
        """
        self._secret_keys = registry.secret_names()
        self.warnings_sink = []
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
        for name in ("client_id", "client_secret"):
            if self.params[name] is not None and not self.params[name].strip():
                self.fail_json(msg="%s: is empty; give the API client's %s (Admin Console > Integrations > API), "
                                   "or leave it out and give access_token." % (name, name.replace("client_", "")))
        if self.params["validate_certs"] and self.params["ca_path"]:
            self._check_ca_path(self.params["ca_path"])

    def _check_ca_path(self, path):
        """requests would fail on a bad path with an exception of its own, after the first connect."""
        if not os.path.exists(path):
            self.fail_json(msg="ca_path: %s does not exist; give the PEM CA bundle (or a directory of hashed CA "
                               "certificates) that signed the PBX certificate." % path)
        if not (os.path.isfile(path) or os.path.isdir(path)) or not os.access(path, os.R_OK):
            self.fail_json(msg="ca_path: %s is not a readable file or directory." % path)

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

    def protect(self, schema, desired):
        """Hide the secret values a task gives in every string of its output, even where the PBX echoes them."""
        for value in secret_values(schema, desired):
            self.no_log_values.add(value)

    def conceal(self, text):
        """Hide a text the task was given (a script with diff_script=false) in every string of its output, the module
        arguments that Ansible echoes back included."""
        if isinstance(text, str) and text.strip():
            self.no_log_values.add(text)

    def exit_json(self, **result):
        self._forget_blank_secrets()
        self._flush_warnings()
        super(XapiModule, self).exit_json(**self._masked(result))

    def fail_json(self, msg, **result):
        self._forget_blank_secrets()
        self._flush_warnings()
        super(XapiModule, self).fail_json(msg=msg, **self._masked(result))

    def _forget_blank_secrets(self):
        """A blank value given for a no_log option (client_secret=" ") hides nothing; kept, Ansible would mask every
        blank of the output with it, the message that names the option included."""
        blanks = [value for value in getattr(self, "no_log_values", ()) if not str(value).strip()]
        if blanks:
            self.no_log_values.difference_update(blanks)

    def _flush_warnings(self):
        """Ansible hides no_log values in the result, not in warnings: a secret given as a number is named there."""
        while self.warnings_sink:
            self.warn(remove_values(self.warnings_sink.pop(0), self.no_log_values))

    def _masked(self, result):
        if not self._secret_keys:
            return result
        # Secret values nested in the options (a trunk's AuthPassword) become no_log values, which Ansible
        # masks wherever they occur: also in the module arguments it echoes back (the invocation key).
        # Done on the way out, so that it covers a failure of the argument validation as well.
        params = getattr(self, "params", None)
        if params and hasattr(self, "no_log_values"):
            self.no_log_values.update(secret_values_under(self._secret_keys, params))
        return mask_secrets(result, self._secret_keys)

    def fail_on(self, exc, **result):
        """Fail the task from an error, with structured fields for XAPI errors (an unexpected one is named by its type)."""
        if isinstance(exc, XapiError):
            exc.hint = exc.hint or reason_hint(exc.reasons)
            result["error"] = exc.as_dict()
        known = isinstance(exc, (XapiError, PlanError, SchemaError))  # else a defect, or an answer nothing expected
        self.fail_json(msg=str(exc) if known else "unexpected %s: %s" % (type(exc).__name__, exc), **result)


# What to do about the reasons the PBX gives (WARNINGS.XAPI.*), where the reason alone does not say.
REASON_HINTS = {
    "WARNINGS.XAPI.GROUP_WITH_MEMBERS_CANNOT_BE_DELETED":
        "The department still has members: move them to another department (a user's departments option) "
        "or delete them first, then delete the department.",
    "WARNINGS.XAPI.ALREADY_IN_USE":
        "The number is taken by another extension, queue, ring group, trunk or other DN of this PBX: DN numbers "
        "are unique across all of them.",
    "WARNINGS.XAPI.NOT_FOUND":
        "Something the request refers to does not exist on this PBX (ids differ between PBXs: refer to "
        "departments, trunks and holidays by name with the typed modules).",
}


def reason_hint(reasons):
    for reason in reasons or ():
        for token, hint in REASON_HINTS.items():
            if token in reason:
                return hint
    return None


def run(module, action):
    """Run action(); turn the errors this collection raises into task failures."""
    try:
        action()
    except (XapiError, PlanError, SchemaError) as exc:
        module.fail_on(exc)


def secret_values(schema, value):
    """Every text under a secret property of value (a dict in API spelling), at any depth."""
    if isinstance(value, list):
        for item in value:
            yield from secret_values(schema, item)
        return
    if schema is None or not isinstance(value, dict):
        return
    for api, item in value.items():
        field = schema.field(api)
        if field is None:
            continue
        if field.secret:
            yield from texts_in(item)
        elif field.kind == "object":
            yield from secret_values(field.schema, item)


def _quiet_insecure_warnings():
    try:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    except (ImportError, AttributeError):
        pass
