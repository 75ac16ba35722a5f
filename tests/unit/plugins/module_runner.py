# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a threecx.xapi module's main() in-process over a FakeXapi and capture its JSON result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import functools
import io
import json

from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.threecx.xapi.plugins.module_utils import client as client_module
from ansible_collections.threecx.xapi.plugins.module_utils import waiter, xapi_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import BASE_URL, CLIENT_ID, CLIENT_SECRET


try:
    from ansible.module_utils import _internal as ansible_internal
except ImportError:  # older ansible-core releases have no controller/target switch
    ansible_internal = None
try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 reads the arguments of an in-process module from basic._ANSIBLE_ARGS
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


class ModuleResult:
    def __init__(self, rc, stdout):
        self.rc, self.stdout = rc, stdout
        self.json = json.loads(stdout) if stdout.strip() else {}

    def __getitem__(self, key):
        return self.json[key]

    def get(self, key, default=None):
        return self.json.get(key, default)

    @property
    def failed(self):
        return bool(self.json.get("failed"))


def run_module(main, fake, args, check_mode=False, diff=False, credentials=True, base_url=BASE_URL):
    """Run a module's main() in-process over the fake; answer its exit code and parsed JSON.

    base_url=None leaves the option out (to test its fallback to the environment)."""
    params = dict(base_url=base_url) if base_url else {}
    if credentials:
        params.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    params.update(args)
    if check_mode:
        params["_ansible_check_mode"] = True
    if diff:
        params["_ansible_diff"] = True
    if "inject_invocation" in PASS_VARS:
        # ansible-core 2.21+ echoes the module arguments (the invocation key) only when asked to;
        # older releases always do: every test sees them, whichever ansible-core runs it
        params["_ansible_inject_invocation"] = True
    # XapiClient and waiter.settle bind time.sleep as a default argument when they are defined, so patching
    # time.sleep would not reach them: inject the fake's recorders instead (no test ever really sleeps).
    client_class = functools.partial(client_module.XapiClient, sleep=fake.sleeps.append)
    settle = functools.partial(waiter.settle, sleep=fake.clock.sleep, clock=fake.clock)
    stdout = io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_module_args(params))
        # a module runs on a target: its warnings go to its result, not to a controller's display (once a
        # test imported controller code, ansible thinks it runs on one); and each run reports its own only
        if hasattr(ansible_internal, "is_controller"):
            stack.enter_context(mock.patch.object(ansible_internal, "is_controller", False))
        for name in ("_global_warnings", "_global_deprecations"):
            stack.enter_context(mock.patch.object(ansible_warnings, name, type(getattr(ansible_warnings, name))()))
        stack.enter_context(mock.patch.object(client_module.requests, "Session", return_value=fake))
        stack.enter_context(mock.patch.object(xapi_module, "XapiClient", client_class))
        stack.enter_context(mock.patch.object(waiter, "settle", settle))
        stack.enter_context(contextlib.redirect_stdout(stdout))
        try:
            main()
            rc = None  # a module must always exit through exit_json or fail_json
        except SystemExit as exc:
            rc = exc.code
    return ModuleResult(rc, stdout.getvalue())
