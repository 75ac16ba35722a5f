# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import time

import pytest
import requests

from ansible_collections.threecx.xapi.plugins.module_utils.client import (
    XapiClient, XapiError, XapiOutcomeUnknown, normalize_base_url, parse_retry_after)
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import (
    BASE_URL, CLIENT_ID, CLIENT_SECRET, ODATA_DUPLICATE, FakeResponse, FakeXapi, make_client, odata_error)


def dropped():
    """The connection died after the request went out (no answer)."""
    return requests.exceptions.ConnectionError(
        "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")


def refused():
    """The connection could not be made: the request never left."""
    return requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='pbx.example.com', port=5001): Max retries exceeded with url: /xapi/v1/CallFlowApps "
        "(Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object>: Failed to establish a new connection: "
        "[Errno 111] Connection refused'))")


@pytest.fixture
def fake():
    return FakeXapi(apps=[dict(Number="8100", Name="Night")])


# -- tokens -----------------------------------------------------------------

def test_login_posts_client_credentials_as_form_fields(fake):
    make_client(fake).get("/CallFlowApps")
    login = fake.token_calls()
    assert len(login) == 1
    assert login[0].method == "POST" and login[0].url == BASE_URL + "/connect/token"
    assert login[0].data == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"}
    assert "Authorization" not in login[0].headers
    assert fake.api_calls()[0].headers["Authorization"] == "Bearer " + fake.active_token


def test_pre_issued_token_is_sent_as_bearer_without_login(fake):
    token = fake.issue_token()
    client = XapiClient(BASE_URL, access_token=token, session=fake, sleep=fake.sleeps.append)
    client.get("/CallFlowApps")
    assert fake.token_calls() == []
    assert [c.headers["Authorization"] for c in fake.calls] == ["Bearer " + token]


def test_401_logs_in_once_more_and_retries_once(fake):
    client = make_client(fake)
    client.get("/CallFlowApps")
    fake.issue_token()  # another worker logged in with the same client id: our token is revoked
    body = client.get("/CallFlowApps")
    assert body["value"][0]["Number"] == "8100"
    assert len(fake.token_calls()) == 2
    assert [c.method for c in fake.api_calls()] == ["GET", "GET", "GET"]
    assert fake.api_calls()[-1].headers["Authorization"] == "Bearer " + fake.active_token


def test_second_401_after_new_login_fails(fake):
    fake.fail(FakeResponse(401), method="GET", times=2)
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.status == 401
    assert len(fake.token_calls()) == 2
    assert len(fake.api_calls()) == 2


def test_401_with_only_an_access_token_fails_with_the_one_token_hint(fake):
    client = XapiClient(BASE_URL, access_token="revoked-token-xyz", session=fake, sleep=fake.sleeps.append)
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")
    assert err.value.status == 401
    assert "one active token per client" in str(err.value)
    assert "client_id and client_secret" in str(err.value)
    assert fake.token_calls() == []
    assert len(fake.api_calls()) == 1


def test_login_failure_renders_the_oauth_error_body():
    fake = FakeXapi(client_secret="another-secret")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    message = str(err.value)
    assert "Login to the PBX failed" in message
    assert "POST /connect/token failed with HTTP 401" in message
    assert "unauthorized: Invalid client credentials." in message
    assert "client_id and client_secret" in message  # the hint
    assert fake.api_calls() == []


def test_login_answer_without_access_token_fails(fake):
    fake.fail(FakeResponse(200, {"token_type": "Bearer"}), path="/connect/token")
    with pytest.raises(XapiError, match="no access_token"):
        make_client(fake).get("/CallFlowApps")


def test_no_token_and_no_credentials_fails_without_a_request(fake):
    with pytest.raises(XapiError, match="client_id and client_secret, or access_token"):
        XapiClient(BASE_URL, session=fake).get("/CallFlowApps")
    assert fake.calls == []


# -- retries ----------------------------------------------------------------

def test_503_is_retried_honouring_retry_after_seconds(fake):
    fake.fail(FakeResponse(503, headers={"Retry-After": "7"}), method="GET")
    assert make_client(fake).get("/CallFlowApps")["value"]
    assert fake.sleeps == [7.0]
    assert len(fake.api_calls()) == 2


def test_429_is_retried_honouring_retry_after_seconds(fake):
    fake.fail(FakeResponse(429, headers={"Retry-After": "2"}), method="GET")
    fake.fail(FakeResponse(429, headers={"Retry-After": "3"}), method="GET")
    assert make_client(fake).get("/CallFlowApps")["value"]
    assert fake.sleeps == [2.0, 3.0]


def test_429_honours_retry_after_given_as_http_date(fake, monkeypatch):
    now = 1_800_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)  # the date is read against the clock, which stands still here
    fake.fail(FakeResponse(429, headers={"Retry-After": email.utils.formatdate(now + 120, usegmt=True)}))
    make_client(fake).get("/CallFlowApps")
    assert fake.sleeps == [120.0]


def test_retry_after_parsing():
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 42, usegmt=True)
    assert parse_retry_after(date, now=now) == 42
    assert parse_retry_after(email.utils.formatdate(now - 10, usegmt=True), now=now) == 0
    assert parse_retry_after("10") == 10
    assert parse_retry_after("86400") == 300  # capped
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_is_exponential_without_retry_after(fake):
    fake.fail(FakeResponse(503), method="GET", times=3)
    make_client(fake, backoff=0.5, retries=3).get("/CallFlowApps")
    assert fake.sleeps == [0.5, 1.0, 2.0]
    assert len(fake.api_calls()) == 4


def test_exhausted_retries_raise_the_last_error(fake):
    fake.fail(FakeResponse(503), method="GET", times=3)
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=2).get("/CallFlowApps")
    assert err.value.status == 503
    assert "GET /xapi/v1/CallFlowApps failed with HTTP 503" in str(err.value)
    assert len(fake.api_calls()) == 3
    assert len(fake.sleeps) == 2


def test_connection_error_on_get_is_retried(fake):
    fake.fail(dropped(), method="GET")
    fake.fail(refused(), method="GET")
    assert make_client(fake).get("/CallFlowApps")["value"]
    assert len(fake.api_calls()) == 3
    assert fake.sleeps == [0.5, 1.0]


def test_connection_errors_exhausting_retries_fail_with_reachability_hint(fake):
    fake.fail(refused(), method="GET", times=4)
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=3).get("/CallFlowApps")
    assert "failed after 4 attempt(s): the connection was refused" in str(err.value)
    assert "base_url is reachable" in str(err.value)


def test_post_whose_connection_dropped_after_sending_is_outcome_unknown_and_not_retried(fake):
    fake.fail(dropped(), method="POST", path="/CallFlowApps")
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert "outcome is unknown" in str(err.value)
    assert len(fake.writes()) == 1
    assert fake.sleeps == []


def test_post_read_timeout_is_outcome_unknown(fake):
    fake.fail(requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)"), method="POST")
    with pytest.raises(XapiOutcomeUnknown):
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert len(fake.writes()) == 1


def test_post_that_never_connected_is_retried(fake):
    fake.fail(refused(), method="POST", path="/CallFlowApps")
    created = make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert created["Number"] == "8200"
    assert len(fake.writes()) == 2
    assert len(fake.apps) == 2


def test_502_on_post_is_outcome_unknown(fake):
    fake.fail(FakeResponse(502), method="POST", path="/CallFlowApps")
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert err.value.status == 502
    assert len(fake.writes()) == 1


def test_503_on_post_is_retried_because_the_server_refused_it(fake):
    fake.fail(FakeResponse(503), method="POST", path="/CallFlowApps")
    make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert len(fake.writes()) == 2
    assert len(fake.apps) == 2


def test_body_broken_off_while_reading_a_get_is_retried(fake):
    fake.fail(requests.exceptions.ChunkedEncodingError(
        "('Connection broken: IncompleteRead(10 bytes read, 90 more expected)', IncompleteRead(10 bytes read))"), method="GET")
    assert make_client(fake).get("/CallFlowApps")["value"]
    assert len(fake.api_calls()) == 2


def test_body_broken_off_while_reading_a_post_answer_is_outcome_unknown(fake):
    fake.fail(requests.exceptions.ChunkedEncodingError("('Connection broken: IncompleteRead(0 bytes read)')"), method="POST")
    with pytest.raises(XapiOutcomeUnknown):
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert len(fake.writes()) == 1


# -- errors -----------------------------------------------------------------

def test_odata_error_names_status_method_path_and_each_detail(fake):
    fake.fail(FakeResponse(400, ODATA_DUPLICATE), method="POST", path="/CallFlowApps")
    with pytest.raises(XapiError) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8100", "Name": "Again"})
    assert str(err.value) == "POST /xapi/v1/CallFlowApps failed with HTTP 400: Number: WARNINGS.XAPI.ALREADY_IN_USE"
    assert err.value.as_dict() == {"status": 400, "method": "POST", "path": "/xapi/v1/CallFlowApps",
                                   "reasons": ["Number: WARNINGS.XAPI.ALREADY_IN_USE"], "hint": None}


def test_odata_error_without_details_renders_its_message_on_one_line(fake):
    fake.fail(odata_error(400, "Number:\nWARNINGS.XAPI.ALREADY_IN_USE"), method="POST", path="/CallFlowApps")
    with pytest.raises(XapiError) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8100"})
    assert str(err.value).endswith("HTTP 400: Number: WARNINGS.XAPI.ALREADY_IN_USE")


def test_odata_error_renders_message_and_every_detail(fake):
    fake.fail(odata_error(400, "The request is invalid.", [
        {"code": "", "message": "WARNINGS.XAPI.TOO_LONG", "target": "Name"},
        {"code": "", "message": "WARNINGS.XAPI.INVALID", "target": "RoutingType"}]), method="PATCH")
    with pytest.raises(XapiError) as err:
        make_client(fake).patch("/CallFlowApps(1)", {"Name": "x" * 300, "RoutingType": "Bogus"})
    message = str(err.value)
    assert "PATCH /xapi/v1/CallFlowApps(1) failed with HTTP 400" in message
    assert "Name: WARNINGS.XAPI.TOO_LONG" in message
    assert "RoutingType: WARNINGS.XAPI.INVALID" in message
    assert "The request is invalid." in message


def test_403_hints_at_system_owner_role_and_enterprise_licence(fake):
    fake.fail(FakeResponse(403), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.status == 403
    assert "System Owner" in str(err.value) and "Enterprise" in str(err.value)
    assert "System Owner" in err.value.as_dict()["hint"]


def test_tls_error_hints_at_ca_path_and_validate_certs(fake):
    fake.fail(requests.exceptions.SSLError("certificate verify failed: self-signed certificate"))
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert "ca_path" in str(err.value) and "validate_certs" in str(err.value)
    assert len(fake.api_calls()) == 1  # a TLS failure is not retried


def test_answer_that_is_not_json_is_an_error(fake):
    fake.fail(FakeResponse(200, text="<html>Login</html>"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert "GET /xapi/v1/CallFlowApps answered HTTP 200 with a body that is not JSON" in str(err.value)


def test_error_answer_that_is_not_json_still_names_status_and_path(fake):
    fake.fail(FakeResponse(500, text="<html>Internal error</html>"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert str(err.value) == "GET /xapi/v1/CallFlowApps failed with HTTP 500."


def test_204_answers_none(fake):
    assert make_client(fake).patch("/CallFlowApps(1)", {"Name": "Day"}) is None
    assert fake.apps[1]["Name"] == "Day"


# -- URLs -------------------------------------------------------------------

@pytest.mark.parametrize("given", [
    "https://pbx.example.com:5001", "https://pbx.example.com:5001/", "https://pbx.example.com:5001/xapi/v1",
    "https://pbx.example.com:5001/xapi/v1/", " https://pbx.example.com:5001/XAPI/V1 "])
def test_base_url_is_normalised_to_the_pbx_root(fake, given):
    assert normalize_base_url(given) == BASE_URL
    make_client(fake, base_url=given).get("/CallFlowApps")
    assert [c.url for c in fake.calls] == [BASE_URL + "/connect/token", BASE_URL + "/xapi/v1/CallFlowApps"]


def test_next_link_on_a_foreign_host_is_read_from_base_url(fake):
    client = make_client(fake)
    client.get_url("https://attacker.example.net:8443/xapi/v1/CallFlowApps?$top=100&$skip=100")
    call = fake.api_calls()[-1]
    assert call.url == BASE_URL + "/xapi/v1/CallFlowApps?$top=100&$skip=100"
    assert all(c.host == "pbx.example.com:5001" for c in fake.calls)


def test_tls_settings_reach_the_session():
    seen = {}

    class Session(FakeXapi):
        def request(self, method, url, **kwargs):
            seen.setdefault("verify", []).append(kwargs.get("verify"))
            seen.setdefault("timeout", []).append(kwargs.get("timeout"))
            return super(Session, self).request(method, url, **kwargs)

    XapiClient(BASE_URL, CLIENT_ID, CLIENT_SECRET, ca_path="/etc/pbx-ca.pem", timeout=12, session=Session()).get("/CallFlowApps")
    XapiClient(BASE_URL, CLIENT_ID, CLIENT_SECRET, validate_certs=False, session=Session()).get("/CallFlowApps")
    assert seen["verify"] == ["/etc/pbx-ca.pem", "/etc/pbx-ca.pem", False, False]
    assert seen["timeout"][:2] == [12, 12]


# -- secrets ----------------------------------------------------------------

def _secret_free(error, *secrets):
    shown = str(error) + " " + json.dumps(error.as_dict())
    return not any(secret in shown for secret in secrets)


@pytest.mark.parametrize("scenario", ["bad_login", "token_refused_twice", "connection", "tls", "forbidden", "not_json"])
def test_secrets_never_appear_in_errors(fake, scenario):
    client = make_client(fake)
    client.token()
    first_token = fake.active_token
    leaky = "client_secret=%s token=%s" % (CLIENT_SECRET, first_token)
    if scenario == "bad_login":
        fake.client_secret = "rotated"
        fake.issue_token()
    elif scenario == "token_refused_twice":
        fake.fail(FakeResponse(401), method="GET", times=2)
    elif scenario == "connection":
        fake.fail(requests.exceptions.ConnectionError(leaky), method="GET", times=4)
    elif scenario == "tls":
        fake.fail(requests.exceptions.SSLError(leaky))
    elif scenario == "forbidden":
        fake.fail(FakeResponse(403), method="GET")
    else:
        fake.fail(FakeResponse(200, text=leaky), method="GET")
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")
    assert _secret_free(err.value, CLIENT_SECRET, first_token, fake.active_token)


def test_post_outcome_unknown_hides_secrets(fake):
    client = make_client(fake)
    fake.fail(requests.exceptions.ConnectionError("Connection aborted. " + CLIENT_SECRET), method="POST", path="/CallFlowApps")
    with pytest.raises(XapiOutcomeUnknown) as err:
        client.post("/CallFlowApps", {"Number": "1"})
    assert _secret_free(err.value, CLIENT_SECRET, fake.active_token)


def test_relative_next_link_is_read_below_the_api_root(fake):
    client = make_client(fake)
    client.get_url("CallFlowApps?$top=100&$skip=100")
    assert fake.api_calls()[-1].url == BASE_URL + "/xapi/v1/CallFlowApps?$top=100&$skip=100"


def test_401_after_a_fresh_login_hints_at_the_api_client_not_at_credentials(fake):
    fake.fail(FakeResponse(401), method="GET", times=2)
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert "obtained just now" in err.value.hint and "no longer enabled" in err.value.hint
    assert "Give client_id" not in err.value.hint


def test_top_level_message_that_differs_from_the_details_is_kept(fake):
    fake.fail(odata_error(400, "The request is invalid.", [{"code": "", "message": "WARNINGS.XAPI.INVALID", "target": "Name"}]),
              method="PATCH")
    with pytest.raises(XapiError) as err:
        make_client(fake).patch("/CallFlowApps(1)", {"Name": ""})
    assert err.value.reasons == ["The request is invalid.", "Name: WARNINGS.XAPI.INVALID"]
