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
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import FakeResponse, FakeXapi, make_client

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
    assert str(err.value) == ("POST /xapi/v1/CallFlowApps: the connection failed after the request was sent "
                              "(ConnectionError); its outcome is unknown.")
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
    assert fake.sleeps == [client_module.MAX_RETRY_AFTER] and client_module.MAX_RETRY_AFTER == 300.0


def test_seconds_far_in_the_future_are_capped(fake):
    fake.fail(FakeResponse(429, headers={"Retry-After": "99999"}), method="GET")
    make_client(fake).get("/CallFlowApps")
    assert fake.sleeps == [300.0]


@pytest.mark.parametrize("value, seconds", [
    ("0", 0.0), ("1.5", 1.5), (" 12 ", 12.0), ("-5", 0.0), ("300", 300.0), ("301", 300.0), ("1e9", 300.0),
    (http_date(299, NOW), 299.0), (http_date(300, NOW), 300.0), (http_date(301, NOW), 300.0),
    (http_date(10 * 365 * 24 * 3600, NOW), 300.0), (http_date(-3600, NOW), 0.0), (http_date(0, NOW), 0.0),
    ("", None), (None, None), ("soon", None), ("Mon, 99 Foo 2026 25:61:00 GMT", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


def test_an_http_date_is_measured_from_the_current_time():
    assert 55 <= parse_retry_after(http_date(60)) <= 60


def test_a_retry_after_of_a_date_without_a_zone_is_capped_too():
    assert parse_retry_after("Wed, 01 Jan 2098 00:00:00", now=NOW) == 300.0


def test_backoff_doubles_from_its_base(fake):
    fake.fail(FakeResponse(503), method="GET", times=4)
    make_client(fake, backoff=0.25, retries=4).get("/CallFlowApps")
    assert fake.sleeps == [0.25, 0.5, 1.0, 2.0]


def test_an_unparsable_retry_after_falls_back_to_the_backoff(fake):
    fake.fail(FakeResponse(503, headers={"Retry-After": "later"}), method="GET")
    fake.fail(FakeResponse(503, headers={"Retry-After": "4"}), method="GET")
    make_client(fake, backoff=1.0).get("/CallFlowApps")
    assert fake.sleeps == [1.0, 4.0]
