# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from ansible_collections.threecx.xapi.plugins.module_utils.client import (
    XapiClient, XapiError, XapiOutcomeUnknown, normalize_base_url, parse_retry_after)
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import (
    BASE_URL, BIND_ERROR, CLIENT_ID, CLIENT_SECRET, ODATA_DUPLICATE, FakeResponse, FakeXapi, make_client, odata_error)


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
    fake.fail(FakeResponse(429, headers={"Retry-After": email.utils.formatdate(now + 45, usegmt=True)}))
    make_client(fake).get("/CallFlowApps")
    assert fake.sleeps == [45.0]


def test_retry_after_parsing():
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 42, usegmt=True)
    assert parse_retry_after(date, now=now) == 42
    assert parse_retry_after(email.utils.formatdate(now - 10, usegmt=True), now=now) == 0
    assert parse_retry_after("10") == 10
    assert parse_retry_after("86400") == 60  # capped
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


def test_html_error_page_is_named_by_its_title_with_the_proxy_hint(fake):
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
    fake.fail(FakeResponse(502, text=page, headers={"Content-Type": "text/html"}), method="GET", times=4)
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == ("GET /xapi/v1/CallFlowApps failed with HTTP 502: the answer is an HTML page, not JSON: "
                                 "502 Bad Gateway")
    assert err.value.reasons == ["502 Bad Gateway"]
    assert "proxy" in err.value.hint and "base_url" in err.value.hint


def test_html_page_without_title_shows_its_text_on_one_line(fake):
    fake.fail(FakeResponse(500, text="<html><body><p>Internal\n   error</p></body></html>"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert str(err.value).startswith("GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is an HTML page, "
                                     "not JSON: Internal error. Hint: A web server or proxy")


def test_plain_text_error_body_is_shown_shortened(fake):
    fake.fail(FakeResponse(500, text="Server error: " + "x" * 400), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    message = err.value.message
    assert message.startswith("GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is text, not JSON: Server error: xxx")
    assert message.endswith("...") and len(err.value.reasons[0]) == 160


def test_html_login_answer_is_named_as_such():
    fake = FakeXapi()
    fake.fail(FakeResponse(404, text="<title>Not Found</title>", headers={"Content-Type": "text/html"}), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == ("Login to the PBX failed: POST /connect/token failed with HTTP 404: the answer is an HTML "
                                 "page, not JSON: Not Found")
    assert "proxy" in err.value.hint


def test_an_answer_echoing_the_secret_or_the_token_is_shown_without_them(fake):
    client = make_client(fake)
    client.token()
    token = fake.active_token
    echo = "<html><title>Bad request %s %s</title></html>" % (CLIENT_SECRET, token)
    fake.fail(FakeResponse(400, text=echo), method="GET")
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")
    assert "Bad request (hidden) (hidden)" in err.value.message
    assert _secret_free(err.value, CLIENT_SECRET, token)
    fake.fail(odata_error(400, "Name:\n%s" % CLIENT_SECRET), method="GET")
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")
    assert err.value.reasons == ["Name: (hidden)"]


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


def test_a_secret_echoed_where_the_excerpt_is_cut_is_still_blanked(fake):
    fake.fail(FakeResponse(500, text="x" * 150 + CLIENT_SECRET), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert CLIENT_SECRET[:5] not in err.value.message
    assert err.value.reasons == ["x" * 150 + "(hidden)"]


def test_a_login_answered_404_points_at_base_url(fake):
    fake.fail(odata_error(404, "Not Found"), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert "Check base_url" in err.value.hint


# -- what live PBXs answer --------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_bind_error_without_details_says_the_pbx_could_not_read_the_body(fake, method):
    fake.fail(FakeResponse(400, BIND_ERROR), method=method)
    with pytest.raises(XapiError) as err:
        make_client(fake).request(method, "/CallFlowApps" if method == "POST" else "/CallFlowApps(1)", body={"Name": "x"})
    assert err.value.message.endswith("failed with HTTP 400: The input was not valid. delta: The delta field is required.")
    assert "could not read the request body" in err.value.hint
    assert "checks its input before sending" in err.value.hint and "PBX version" in err.value.hint


@pytest.mark.parametrize("status, body, words", [
    (401, {"error": "unauthorized", "error_description": "The request requires valid user authentication."},
     "Check client_id and client_secret"),
    (401, {"error": "invalid_client", "error_description": "The specified client credentials are invalid."},
     "cannot be empty"),
    (400, {"error": "invalid_client"}, "cannot be empty"),
    (400, {"error": "invalid_request", "error_description": "The mandatory 'client_id' parameter is missing."},
     "found no client credentials in the login request"),
    (400, None, "Check client_id and client_secret"),
])
def test_each_refused_login_gets_its_own_hint(status, body, words):
    fake = FakeXapi()
    fake.fail(FakeResponse(status, body), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message.startswith("Login to the PBX failed: POST /connect/token failed with HTTP %d" % status)
    if body and body.get("error_description"):
        assert "%s: %s" % (body["error"], body["error_description"]) in err.value.message
    assert words in err.value.hint
    assert _secret_free(err.value, CLIENT_SECRET)


# -- redirects --------------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_api_request_fails_naming_the_new_address(fake, status):
    client = make_client(fake)
    client.token()
    fake.fail(FakeResponse(status, text="<html>Moved</html>",
                           headers={"Location": "https://new.example.com:5001/xapi/v1/CallFlowApps"}), method="GET")
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")
    assert err.value.message == (
        "GET /xapi/v1/CallFlowApps answered HTTP %d: the PBX redirected to https://new.example.com:5001/xapi/v1/CallFlowApps;"
        " set base_url to that address (https://new.example.com:5001)." % status)
    assert len(fake.api_calls()) == 1 and len(fake.token_calls()) == 1  # not followed, no new login


def test_a_redirected_login_fails_instead_of_turning_into_a_get():
    fake = FakeXapi()
    fake.fail(FakeResponse(301, headers={"Location": "https://pbx.example.com/connect/token"}), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert "POST /connect/token answered HTTP 301: the PBX redirected to https://pbx.example.com/connect/token" in str(err.value)
    assert [c.method for c in fake.calls] == ["POST"]


def test_a_relative_location_is_shown_as_an_address(fake):
    fake.fail(FakeResponse(302, headers={"Location": "/login?next=/xapi"}), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert "redirected to %s/login?next=/xapi; set base_url to that address (%s)" % (BASE_URL, BASE_URL) in str(err.value)


def test_a_redirect_without_location_fails_too(fake):
    fake.fail(FakeResponse(302), path="/connect/token")
    with pytest.raises(XapiError, match="a redirect without a Location"):
        make_client(fake).get("/CallFlowApps")


def test_requests_is_told_not_to_follow_redirects():
    seen = []

    class Session(FakeXapi):
        def request(self, method, url, **kwargs):
            seen.append(kwargs.get("allow_redirects"))
            return super(Session, self).request(method, url, **kwargs)

    make_client(Session()).get("/CallFlowApps")
    assert seen == [False, False]


# -- TLS --------------------------------------------------------------------

def _ssl_error(reason):
    return requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='pbx.example.com', port=5001): Max retries exceeded with url: /connect/token "
        "(Caused by SSLError(SSLError(1, '%s (_ssl.c:1020)')))" % reason)


@pytest.mark.parametrize("reason, shown, words, not_words", [
    ("[SSL: WRONG_VERSION_NUMBER] wrong version number", "wrong version number", "plain HTTP", "Certificate"),
    ("[SSL: RECORD_LAYER_FAILURE] record layer failure", "record layer failure", "plain HTTP", "Certificate"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for "
     "'pbx.example.com'.", "certificate verify failed: Hostname mismatch, certificate is not valid for 'pbx.example.com'.",
     "not issued for the host", "plain HTTP"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
     "certificate verify failed: self-signed certificate", "Certificate verification failed", "plain HTTP"),
    ("[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version", "tlsv1 alert protocol version",
     "handshake failed", "Certificate"),
])
def test_tls_hint_follows_the_ssl_error(fake, reason, shown, words, not_words):
    fake.fail(_ssl_error(reason), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == "TLS error on POST /connect/token: %s." % shown
    assert words in err.value.hint and not_words not in err.value.hint


# -- how long a request may take ----------------------------------------------

def test_backoff_waits_are_capped(fake):
    fake.fail(FakeResponse(503), method="GET", times=12)
    make_client(fake, retries=12).get("/CallFlowApps")
    assert fake.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0, 60.0]


def test_retry_after_is_capped_like_the_backoff(fake):
    fake.fail(FakeResponse(429, headers={"Retry-After": "600"}), method="GET")
    make_client(fake).get("/CallFlowApps")
    assert fake.sleeps == [60.0]


class Stalling(FakeXapi):
    """A PBX whose first answer to an API request takes longer than any test waits for it."""

    def __init__(self, **kwargs):
        super(Stalling, self).__init__(**kwargs)
        self.stalls = 1
        self.release = threading.Event()

    def request(self, method, url, **kwargs):
        if "/xapi/" in url and self.stalls:
            self.stalls -= 1
            self.release.wait(5)
        return super(Stalling, self).request(method, url, **kwargs)


@pytest.fixture
def stalling():
    pbx = Stalling(apps=[dict(Number="8100", Name="Night")])
    yield pbx
    pbx.release.set()


def test_a_read_over_the_deadline_is_retried(stalling):
    assert make_client(stalling, timeout=0.2).get("/CallFlowApps")["value"][0]["Number"] == "8100"
    assert stalling.sleeps == [0.5]


def test_a_read_over_the_deadline_fails_naming_timeout_when_retries_run_out(stalling):
    with pytest.raises(XapiError) as err:
        make_client(stalling, timeout=0.2, retries=0).get("/CallFlowApps")
    assert err.value.message == ("GET /xapi/v1/CallFlowApps failed after 1 attempt(s): the whole answer did not arrive "
                                 "within timeout (0.2 s).")
    assert "Raise timeout" in err.value.hint


def test_a_create_over_the_deadline_is_outcome_unknown(stalling):
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(stalling, timeout=0.2).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert "the whole answer did not arrive within timeout (0.2 s) after the request was sent" in err.value.message
    assert stalling.sleeps == []


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose handler is the test's function (for what the fakes cannot show)."""

    def __init__(self, handle):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # pylint: disable=invalid-name
                handle(self)

            do_POST = do_GET

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server():
    servers = []
    yield lambda handle: servers.append(LocalServer(handle)) or servers[-1]
    for server in servers:
        server.close()


def _answer_slowly(handler, body=b'{"value": []}' * 20, pause=0.05):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        for index in range(len(body)):
            handler.wfile.write(body[index:index + 1])
            handler.wfile.flush()
            time.sleep(pause)
    except OSError:
        pass


def test_a_real_answer_trickled_byte_by_byte_is_cut_off_at_the_deadline(local_server):
    server = local_server(_answer_slowly)
    client = XapiClient(server.url, access_token="given-token-abcdef", timeout=0.5, retries=0)
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")  # each byte comes within 0.5 s; the whole body would take 13 s
    assert "did not arrive within timeout (0.5 s)" in err.value.message


def test_a_real_redirect_is_not_followed(local_server):
    paths = []

    def redirect(handler):
        paths.append(handler.path)
        handler.send_response(307)
        handler.send_header("Location", "/xapi/v1/Elsewhere")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server = local_server(redirect)
    with pytest.raises(XapiError) as err:
        XapiClient(server.url, access_token="given-token-abcdef").get("/CallFlowApps")
    assert paths == ["/xapi/v1/CallFlowApps"]
    assert "the PBX redirected to %s/xapi/v1/Elsewhere" % server.url in err.value.message


def test_https_to_a_plain_http_port_says_so_even_without_certificate_checks(local_server):
    server = local_server(_answer_slowly)
    client = XapiClient(server.url.replace("http://", "https://"), access_token="given-token-abcdef", validate_certs=False,
                        retries=0, timeout=5)
    with pytest.raises(XapiError) as err:
        client.get("/CallFlowApps")
    assert err.value.message.startswith("TLS error on GET /xapi/v1/CallFlowApps")
    assert "plain HTTP" in err.value.hint and "Certificate" not in err.value.hint


def test_threads_whose_token_is_refused_together_log_in_once():
    """3CX keeps one token per client: a second login would revoke the first thread's new token."""
    fake = FakeXapi(apps=[dict(Number="8100", Name="Night")])
    client = make_client(fake)
    client.get("/CallFlowApps")
    fake.issue_token()  # another worker's login revokes the client's token
    barrier = threading.Barrier(4)
    errors = []

    def read():
        try:
            barrier.wait()
            client.get("/CallFlowApps")
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)

    threads = [threading.Thread(target=read) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fake.token_calls()) == 2  # the first login and one renewal, not one per thread


def test_each_thread_gets_a_session_of_its_own_unless_one_is_given():
    client = XapiClient(BASE_URL, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(client.session))
    thread.start()
    thread.join()
    assert seen[0] is not client.session and client.session is client.session
    given = requests.Session()
    shared = XapiClient(BASE_URL, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, session=given)
    assert shared.session is given
