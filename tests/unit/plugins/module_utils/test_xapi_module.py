# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module shares: the connection options, their checks, and what is kept out of the output."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.modules import callflow_app_info
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import FakeXapi


@pytest.fixture
def fake():
    return FakeXapi(apps=[dict(Number="8100", Name="Night")])


def run(fake, credentials=True, **args):
    return run_module(callflow_app_info.main, fake, args, credentials=credentials)


@pytest.mark.parametrize("name, what", [("client_id", "id"), ("client_secret", "secret")])
def test_an_empty_credential_is_refused_naming_where_to_find_it(fake, name, what):
    result = run(fake, **{name: " "})  # a no_log value of one blank must not blank out the message
    assert (result.rc, result["msg"]) == (1, "%s: is empty; give the API client's %s (Admin Console > Integrations > "
                                             "API), or leave it out and give access_token." % (name, what))
    assert fake.calls == []
