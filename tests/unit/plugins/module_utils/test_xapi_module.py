# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module shares: the connection options, their checks, and what is kept out of the output."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import warnings

import pytest
import urllib3

from ansible_collections.threecx.xapi.plugins.module_utils import xapi_module
from ansible_collections.threecx.xapi.plugins.modules import callflow_app_info
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import patch_module_args, run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import BASE_URL, CLIENT_ID, CLIENT_SECRET, FakeXapi

MISSING_CA = "/nonexistent/pbx-ca.pem"


@pytest.fixture
def fake():
    return FakeXapi(apps=[dict(Number="8100", Name="Night")])


def run(fake, credentials=True, base_url=BASE_URL, **args):
    return run_module(callflow_app_info.main, fake, args, credentials=credentials, base_url=base_url)


def module_with(**args):
    """An XapiModule built from these arguments (and a PBX address and credentials)."""
    params = dict(base_url=BASE_URL, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    params.update(args)
    with patch_module_args(params):
        return xapi_module.XapiModule(argument_spec={})


# -- the connection options ------------------------------------------------------------------

def test_the_pbx_address_and_an_access_token_fall_back_to_the_environment(fake, monkeypatch):
    token = fake.issue_token()
    monkeypatch.setenv("THREECX_BASE_URL", BASE_URL)
    monkeypatch.setenv("THREECX_ACCESS_TOKEN", token)
    result = run(fake, credentials=False, base_url=None)
    assert result.rc == 0, result.stdout
    assert result["invocation"]["module_args"]["base_url"] == BASE_URL
    assert fake.api_calls() and fake.token_calls() == []  # the token was used, no login
    assert token not in result.stdout


def test_ca_path_falls_back_to_the_environment(fake, monkeypatch):
    monkeypatch.setenv("THREECX_CA_PATH", MISSING_CA)
    result = run(fake)
    assert (result.rc, result["msg"]) == (1, "ca_path: %s does not exist; give the PEM CA bundle (or a directory of hashed "
                                             "CA certificates) that signed the PBX certificate." % MISSING_CA)
    assert fake.calls == []


def test_a_given_access_token_never_shows_even_when_the_task_fails_before_connecting(fake):
    result = run(fake, credentials=False, access_token="given-token-4711", timeout=0)
    assert result.rc == 1 and "given-token-4711" not in result.stdout


def test_a_token_the_module_obtains_is_masked_where_the_pbx_echoes_it():
    fake = FakeXapi(apps=[dict(Number="8100", Name="issued-token-1-abcdef")])  # the token the login will answer
    result = run(fake)
    assert result.rc == 0, result.stdout
    assert fake.active_token == "issued-token-1-abcdef" and fake.active_token not in result.stdout


def test_a_client_id_without_its_secret_is_refused_before_any_request(fake):
    result = run(fake, credentials=False, client_id=CLIENT_ID)
    assert result.rc == 1 and "required together: client_id, client_secret" in result["msg"]
    assert fake.calls == []


def test_a_base_url_with_a_path_is_refused_naming_the_accepted_shape(fake):
    result = run(fake, base_url=BASE_URL + "/admin")
    assert (result.rc, result["msg"]) == (1, "base_url: expected the PBX root as http(s)://host[:port], e.g. "
                                             "https://pbx.example.com:5001 (a trailing / or /xapi/v1 is accepted); "
                                             "got '%s/admin'." % BASE_URL)
    assert fake.calls == []


def test_a_plain_http_base_url_is_accepted(fake):
    assert run(fake, base_url="http://pbx.example.com:5000").rc == 0


@pytest.mark.parametrize("name, what", [("client_id", "id"), ("client_secret", "secret")])
def test_an_empty_credential_is_refused_naming_where_to_find_it(fake, name, what):
    result = run(fake, **{name: " "})  # a no_log value of one blank must not blank out the message
    assert (result.rc, result["msg"]) == (1, "%s: is empty; give the API client's %s (Admin Console > Integrations > "
                                             "API), or leave it out and give access_token." % (name, what))
    assert fake.calls == []


# -- what is kept out of the output ----------------------------------------------------------------

def test_conceal_hides_a_text_but_never_nothing_or_blanks():
    module = module_with()
    before = set(module.no_log_values)
    module.conceal(None)  # a module with diff_script=false and no script
    module.conceal(" \n")
    assert module.no_log_values == before
    module.conceal("class Night { }")
    assert module.no_log_values == before | {"class Night { }"}


def test_unverified_tls_warnings_are_silenced():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        xapi_module._quiet_insecure_warnings()
        warnings.warn("Unverified HTTPS request", urllib3.exceptions.InsecureRequestWarning)
        warnings.warn("another warning", UserWarning)
    assert [str(w.message) for w in shown] == ["another warning"]
