# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which requests the client repeats, and how long it waits before it does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import time

import pytest
import requests

from ansible_collections.threecx.xapi.plugins.module_utils import client as client_module
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError, XapiOutcomeUnknown, parse_retry_after
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import BASE_URL, FakeResponse, FakeXapi, make_client

NOW = 1800000000.0


def dropped():
    """The connection died after the request went out: the PBX may have applied it."""
    return requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed connection'))")


@pytest.fixture
def fake():
    return FakeXapi(apps=[dict(Number="8100", Name="Night")])


def http_date(seconds_from_now, now=None):
    return email.utils.formatdate((time.time() if now is None else now) + seconds_from_now, usegmt=True)


# -- which requests are repeated ----------------------------------------------------------------

@pytest.mark.parametrize("method, send", [
    ("PATCH", lambda client: client.patch("/CallFlowApps(1)", {"Name": "Day"})),
    ("DELETE", lambda client: client.delete("/CallFlowApps(1)")),
    ("GET", lambda client: client.get("/CallFlowApps(1)")),
])
def test_an_idempotent_request_whose_connection_dropped_is_sent_again(fake, method, send):
    fake.fail(dropped(), method=method)
    send(make_client(fake))
    assert [c.method for c in fake.api_calls()] == [method, method]
    assert fake.sleeps == [0.5]


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_error_on_an_idempotent_write_is_retried(fake, status):
    fake.fail(FakeResponse(status), method="PATCH")
    make_client(fake).patch("/CallFlowApps(1)", {"Name": "Day"})
    assert [c.method for c in fake.writes()] == ["PATCH", "PATCH"]
    assert fake.apps[1]["Name"] == "Day"


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_error_on_a_post_is_outcome_unknown(fake, status):
    fake.fail(FakeResponse(status), method="POST")
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert str(err.value) == "POST /xapi/v1/CallFlowApps answered HTTP %d from a gateway; the outcome is unknown." % status
    assert (err.value.status, err.value.method, err.value.path) == (status, "POST", "/xapi/v1/CallFlowApps")
    assert fake.sleeps == []


def test_a_dropped_post_says_its_outcome_is_unknown(fake):
    fake.fail(dropped(), method="POST")
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert str(err.value) == ("POST /xapi/v1/CallFlowApps: the connection was dropped after the request was sent; "
                              "its outcome is unknown.")
    assert (err.value.method, err.value.path) == ("POST", "/xapi/v1/CallFlowApps")


def test_a_post_that_could_not_connect_is_sent_again(fake):
    fake.fail(requests.exceptions.ConnectTimeout("connect timeout"), method="POST")
    make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert [c.method for c in fake.writes()] == ["POST", "POST"]


def test_a_login_whose_connection_dropped_is_sent_again(fake):
    fake.fail(dropped(), path="/connect/token")
    make_client(fake).get("/CallFlowApps")
    assert len(fake.token_calls()) == 2


def test_retries_zero_sends_once(fake):
    fake.fail(FakeResponse(503), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=0).get("/CallFlowApps")
    assert err.value.status == 503 and len(fake.api_calls()) == 1 and fake.sleeps == []


def test_a_negative_retries_count_means_none(fake):
    fake.fail(dropped(), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=-2).get("/CallFlowApps")
    assert "failed after 1 attempt(s): the connection was dropped." in str(err.value)


def test_a_request_error_that_is_not_a_connection_error_is_not_retried(fake):
    fake.fail(requests.exceptions.InvalidURL("bad url"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert str(err.value) == "GET /xapi/v1/CallFlowApps failed: InvalidURL."
    assert len(fake.api_calls()) == 1


def test_a_status_that_is_not_retryable_is_answered_at_once(fake):
    fake.fail(FakeResponse(500), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.status == 500 and len(fake.api_calls()) == 1 and fake.sleeps == []


# -- how long it waits ------------------------------------------------------------------------------

def test_an_http_date_far_in_the_future_is_capped(fake):
    fake.fail(FakeResponse(503, headers={"Retry-After": http_date(7 * 24 * 3600)}), method="GET")
    make_client(fake).get("/CallFlowApps")
    assert fake.sleeps == [client_module.MAX_RETRY_WAIT] and client_module.MAX_RETRY_WAIT == 60.0


def test_seconds_far_in_the_future_are_capped(fake):
    fake.fail(FakeResponse(429, headers={"Retry-After": "99999"}), method="GET")
    make_client(fake).get("/CallFlowApps")
    assert fake.sleeps == [60.0]


@pytest.mark.parametrize("value, seconds", [
    ("0", 0.0), ("1.5", 1.5), (" 12 ", 12.0), ("-5", 0.0), ("60", 60.0), ("61", 60.0), ("1e9", 60.0),
    (http_date(59, NOW), 59.0), (http_date(60, NOW), 60.0), (http_date(61, NOW), 60.0),
    (http_date(10 * 365 * 24 * 3600, NOW), 60.0), (http_date(-3600, NOW), 0.0), (http_date(0, NOW), 0.0),
    ("", None), (None, None), ("soon", None), ("Mon, 99 Foo 2026 25:61:00 GMT", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


def test_an_http_date_is_measured_from_the_current_time():
    assert 55 <= parse_retry_after(http_date(60)) <= 60


def test_a_retry_after_of_a_date_without_a_zone_is_capped_too():
    assert parse_retry_after("Wed, 01 Jan 2098 00:00:00", now=NOW) == 60.0


def test_backoff_doubles_from_its_base(fake):
    fake.fail(FakeResponse(503), method="GET", times=4)
    make_client(fake, backoff=0.25, retries=4).get("/CallFlowApps")
    assert fake.sleeps == [0.25, 0.5, 1.0, 2.0]


def test_an_unparsable_retry_after_falls_back_to_the_backoff(fake):
    fake.fail(FakeResponse(503, headers={"Retry-After": "later"}), method="GET")
    fake.fail(FakeResponse(503, headers={"Retry-After": "4"}), method="GET")
    make_client(fake, backoff=1.0).get("/CallFlowApps")
    assert fake.sleeps == [1.0, 4.0]


# -- what mutation testing showed untested ---------------------------------------------------

class SessionSpy(FakeXapi):
    """A FakeXapi that also records the keyword arguments each request was sent with."""

    def __init__(self, **kwargs):
        super(SessionSpy, self).__init__(**kwargs)
        self.sent = []

    def request(self, method, url, **kwargs):
        self.sent.append(kwargs)
        return super(SessionSpy, self).request(method, url, **kwargs)


@pytest.mark.parametrize("text, reason", [
    ("HTTPSConnectionPool: Max retries exceeded (Caused by NameResolutionError('pbx'))", "the host name was not found"),
    ("[Errno -2] Name or service not known", "the host name was not found"),
    ("('Connection aborted.', ConnectionResetError(104))", "the connection was dropped"),
    ("RemoteDisconnected('Remote end closed connection without response')", "the connection was dropped"),
    ("Read timed out. (read timeout=30)", "no answer within timeout (30 s)"),
    ("Caused by NewConnectionError('Failed to establish a new connection')", "no connection could be made"),
    ("something else entirely", "ConnectionError"),
])
def test_a_connection_failure_is_described_in_plain_words(fake, text, reason):
    fake.fail(requests.exceptions.ConnectionError(text), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=0).get("/CallFlowApps")
    assert err.value.message == "GET /xapi/v1/CallFlowApps failed after 1 attempt(s): %s." % reason
    assert (err.value.method, err.value.path) == ("GET", "/xapi/v1/CallFlowApps")
    assert err.value.hint == "Check that base_url is reachable from the Ansible host and the port is right."


@pytest.mark.parametrize("text, resent", [
    ("Caused by NewConnectionError('Failed to establish a new connection')", True),
    ("[Errno 111] Connection refused", True),
    ("Caused by NameResolutionError('pbx')", True),
    ("('Connection aborted.', RemoteDisconnected('closed'))", False),
])
def test_a_post_is_sent_again_only_when_it_never_left(fake, text, resent):
    fake.fail(requests.exceptions.ConnectionError(text), method="POST")
    client = make_client(fake)
    if resent:
        client.post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    else:
        with pytest.raises(XapiOutcomeUnknown):
            client.post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert len(fake.writes()) == (2 if resent else 1)


def test_a_request_error_names_the_request():
    fake = FakeXapi()
    fake.fail(requests.exceptions.SSLError("certificate verify failed"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert (err.value.message, err.value.method, err.value.path) == (
        "TLS error on GET /xapi/v1/CallFlowApps.", "GET", "/xapi/v1/CallFlowApps")
    fake.fail(requests.exceptions.InvalidURL("bad"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert (err.value.method, err.value.path) == ("GET", "/xapi/v1/CallFlowApps")


def test_xapi_error_renders_its_hint():
    assert str(XapiError("It failed.", hint="Do this.")) == "It failed. Hint: Do this."
    assert XapiError("It failed.").args == ("It failed.",)


@pytest.mark.parametrize("given, root", [
    ("https://pbx.example.box/", "https://pbx.example.box"),
    ("https://pbx.example.box//xapi/v1", "https://pbx.example.box"),
    (" https://pbx.example.box/xapi/v1/ ", "https://pbx.example.box"),
    (None, ""),
])
def test_normalize_base_url(given, root):
    assert client_module.normalize_base_url(given) == root


def test_odata_reasons_of_other_shapes():
    assert client_module.odata_reasons({"error": "unauthorized"}) == ["unauthorized"]
    assert client_module.odata_reasons({"error": "unauthorized", "error_description": "No."}) == ["unauthorized: No."]
    assert client_module.odata_reasons({"error": {"message": "Top", "details": [{"target": "Name"}]}}) == ["Top"]


def test_the_session_gets_the_timeout_and_tls_settings():
    spy = SessionSpy()
    make_client(spy).get("/CallFlowApps")
    assert [(s["timeout"], s["verify"]) for s in spy.sent] == [(30, True), (30, True)]
    assert spy.sent[1]["headers"]["Accept"] == "application/json"
    spy = SessionSpy()
    make_client(spy, ca_path="/etc/ca.pem", timeout=7).get("/CallFlowApps")
    assert spy.sent[-1]["verify"] == "/etc/ca.pem" and spy.sent[-1]["timeout"] == 7
    spy = SessionSpy()
    make_client(spy, validate_certs=False).get("/CallFlowApps")
    assert spy.sent[-1]["verify"] is False


def test_the_client_counts_its_requests_and_reports_a_given_token():
    fake = FakeXapi()
    client = make_client(fake)
    assert (client.request_count, client.token_expires_in) == (0, None)
    client.get("/CallFlowApps")
    assert client.request_count == 2 and client.token_expires_in == 3600
    seen = []
    client_module.XapiClient(BASE_URL, access_token="given-token", session=fake, on_token=seen.append)
    assert seen == ["given-token"]


def test_a_next_link_below_the_host_root_is_read_below_the_api_root(fake):
    make_client(fake).get_url("https://pbx.example.com:5001/CallFlowApps?$skip=1")
    make_client(fake).get_url("CallFlowApps?$skip=2")
    assert [c.path for c in fake.api_calls()] == ["/xapi/v1/CallFlowApps", "/xapi/v1/CallFlowApps"]


@pytest.mark.parametrize("status, hint", [
    (400, "Check client_id and client_secret (Admin Console > Integrations > API; the key is shown once)."),
    (401, "Check client_id and client_secret (Admin Console > Integrations > API; the key is shown once)."),
    (403, client_module.HINTS[403]),
    (500, None),
])
def test_a_failed_login_names_its_reasons_and_the_hint_that_fits(status, hint):
    fake = FakeXapi()
    fake.fail(FakeResponse(status, {"error": "unauthorized", "error_description": "Bad"}), path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == "Login to the PBX failed: POST /connect/token failed with HTTP %d: unauthorized: Bad" % status
    assert err.value.hint == hint


@pytest.mark.parametrize("answer, message", [
    (FakeResponse(200, ["not", "a", "dict"]), "Login to the PBX failed: the answer of POST /connect/token held no access_token."),
    (FakeResponse(200, {"token_type": "Bearer"}), "Login to the PBX failed: the answer of POST /connect/token held no access_token."),
    (FakeResponse(200, text="<html>"), "POST /connect/token answered HTTP 200 with a body that is not JSON."),
])
def test_a_login_answer_without_a_token_fails_naming_the_request(answer, message):
    fake = FakeXapi()
    fake.fail(answer, path="/connect/token")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert (err.value.message, err.value.status, err.value.method, err.value.path) == (message, 200, "POST", "/connect/token")


def test_a_login_that_cannot_connect_names_the_token_request():
    fake = FakeXapi()
    fake.fail(dropped(), path="/connect/token", times=2)
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=1).get("/CallFlowApps")
    assert err.value.message == "POST /connect/token failed after 2 attempt(s): the connection was dropped."


def test_no_token_and_no_credentials_fails_with_what_to_give():
    with pytest.raises(XapiError) as err:
        client_module.XapiClient(BASE_URL, session=FakeXapi()).login()
    assert err.value.message == ("No access token and no client credentials: give client_id and client_secret, "
                                 "or access_token.")


def test_the_retry_after_a_fresh_login_names_the_request(fake):
    fake.fail(FakeResponse(401), method="GET")
    fake.fail(dropped(), method="GET", times=2)
    with pytest.raises(XapiError) as err:
        make_client(fake, retries=1).get("/CallFlowApps")
    assert err.value.message == "GET /xapi/v1/CallFlowApps failed after 2 attempt(s): the connection was dropped."


@pytest.mark.parametrize("answer", [FakeResponse(200, text=""), FakeResponse(204, {"unexpected": True})])
def test_an_answer_without_a_body_or_a_204_is_none(fake, answer):
    fake.fail(answer, method="GET")
    assert make_client(fake).get("/CallFlowApps") is None


def test_an_answer_that_is_not_json_names_status_method_and_path(fake):
    fake.fail(FakeResponse(200, text="<html>"), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert (err.value.message, err.value.status, err.value.method, err.value.path) == (
        "GET /xapi/v1/CallFlowApps answered HTTP 200 with a body that is not JSON.", 200, "GET", "/xapi/v1/CallFlowApps")


def test_an_error_lists_each_reason_once(fake):
    details = [{"message": "A", "target": "X"}, {"message": "B", "target": "Y"}]
    fake.fail(FakeResponse(400, {"error": {"message": "Top", "details": details}}), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == "GET /xapi/v1/CallFlowApps failed with HTTP 400: Top; X: A; Y: B"


@pytest.mark.parametrize("given, root", [("https://PBX/", "https://PBX"), ("https://PBX/xapi/v1", "https://PBX")])
def test_normalize_base_url_keeps_the_host_whole(given, root):
    assert client_module.normalize_base_url(given) == root


# -- redirects, HTML answers and timeouts (survivors of mutation testing) -----------------------

@pytest.mark.parametrize("status", [300, 301, 399])
def test_a_redirect_is_refused_with_its_fields_and_hint(fake, status):
    fake.fail(FakeResponse(status, headers={"Location": "https://other.example.net:5001/xapi/v1/CallFlowApps"}), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == ("GET /xapi/v1/CallFlowApps answered HTTP %d: the PBX redirected to "
                                 "https://other.example.net:5001/xapi/v1/CallFlowApps; set base_url to that address "
                                 "(https://other.example.net:5001)." % status)
    assert (err.value.status, err.value.method, err.value.path) == (status, "GET", "/xapi/v1/CallFlowApps")
    assert err.value.hint == "Redirects are not followed: base_url must be the address the PBX answers on itself."


def test_a_redirect_without_a_location_names_its_fields(fake):
    fake.fail(FakeResponse(302), method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert (err.value.message, err.value.status, err.value.method, err.value.path) == (
        "GET /xapi/v1/CallFlowApps answered HTTP 302, a redirect without a Location.", 302, "GET", "/xapi/v1/CallFlowApps")


@pytest.mark.parametrize("answer, hinted", [
    (FakeResponse(200, text="<!DOCTYPE html><html><title>Login</title></html>"), True),
    (FakeResponse(200, text="  <html><body>proxy</body></html>"), True),
    (FakeResponse(200, text="not json", headers={"Content-Type": "text/html; charset=utf-8"}), True),
    (FakeResponse(200, text="not json", headers={"Content-Type": "text/plain"}), False),
])
def test_an_html_answer_hints_at_a_proxy(fake, answer, hinted):
    fake.fail(answer, method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.hint == (client_module.HTML_HINT if hinted else None)


def test_a_dropped_post_that_timed_out_hints_at_the_timeout(fake):
    fake.fail(requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)"), method="POST")
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert err.value.hint == client_module.TIMEOUT_HINT
    fake.fail(dropped(), method="POST")
    with pytest.raises(XapiOutcomeUnknown) as err:
        make_client(fake).post("/CallFlowApps", {"Number": "8200", "Name": "New"})
    assert err.value.hint is None


def test_every_token_the_client_gets_is_reported():
    seen = []
    client = make_client(FakeXapi(), on_token=seen.append)
    client.get("/CallFlowApps")
    assert seen == [client.token()] and seen[0].startswith("issued-token-")


@pytest.mark.parametrize("answer, message", [
    (FakeResponse(500, text="x" * 160), "GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is text, not JSON: " + "x" * 160),
    (FakeResponse(500, text="x" * 161), "GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is text, not JSON: " + "x" * 157 + "..."),
    (FakeResponse(500, text="<html><TITLE>Bad\n Gateway</TITLE><body>x</body></html>"),
     "GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is an HTML page, not JSON: Bad Gateway"),
    (FakeResponse(500, text="   "), "GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is text, not JSON."),
    (FakeResponse(500), "GET /xapi/v1/CallFlowApps failed with HTTP 500."),
])
def test_an_error_answer_that_is_not_json_is_quoted_on_one_line(fake, answer, message):
    fake.fail(answer, method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == message


def test_an_error_answer_that_is_not_utf8_is_still_quoted(fake):
    answer = FakeResponse(500)
    answer.content = b"caf\xe9 down"
    fake.fail(answer, method="GET")
    with pytest.raises(XapiError) as err:
        make_client(fake).get("/CallFlowApps")
    assert err.value.message == "GET /xapi/v1/CallFlowApps failed with HTTP 500: the answer is text, not JSON: caf\ufffd down"
