# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP client for the 3CX Configuration API (XAPI).

Knows HTTP, tokens, retries and the OData error shape; knows nothing about
Ansible results. Every failure is raised as XapiError with a message that is
safe to show: it never contains the client secret or a token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import random
import re
from html import unescape as html_unescape
import threading
import time
import traceback

try:
    from urllib.parse import urljoin, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not a target
    from urlparse import urljoin, urlsplit  # type: ignore

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the sanity import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

API_PREFIX = "/xapi/v1"
TOKEN_PATH = "/connect/token"
RETRY_STATUSES = (429, 502, 503, 504)
# A 429 or 503 is the server refusing the request: nothing was applied.
# 502 and 504 come from proxies and may hide a request that did reach the PBX.
REFUSED_STATUSES = (429, 503)
IDEMPOTENT_METHODS = ("GET", "PATCH", "DELETE")
# No wait between two attempts is longer, whether the backoff or a Retry-After asks for more.
MAX_RETRY_WAIT = 60.0

HINTS = {
    401: "The token was refused: it expired, or another client login with the same client id revoked it "
         "(3CX keeps one active token per client). Give client_id and client_secret so the module can log in again.",
    403: "The API client lacks the rights for this call: give its role System Owner in Admin Console > "
         "Integrations > API, and check that the PBX has an Enterprise licence (XAPI needs 8SC+).",
    404: "Check base_url (the PBX root, e.g. https://pbx.example.com:5001) and that the entity still exists.",
}
LOGIN_HINTS = {
    "unauthorized": "Check client_id and client_secret (Admin Console > Integrations > API; the key is shown once).",
    "invalid_client": "The PBX refused the client credentials as invalid: client_secret must be the API key shown "
                      "when the API client was created (it cannot be empty), client_id the client's id.",
    "invalid_request": "The PBX found no client credentials in the login request: check that client_id and "
                       "client_secret are set and not empty, and that no proxy between Ansible and the PBX changes "
                       "the request.",
}
BIND_FAILED = "The delta field is required."
BIND_HINT = ("The PBX could not read the request body: a property it does not know, a value of the wrong type or an "
             "enum value it does not accept (it does not say which). The module checks its input before sending, "
             "so this points at a PBX build whose API differs from the one this collection knows: report it with "
             "the PBX version.")
HTML_HINT = ("A web server or proxy answered instead of the PBX's API: check that base_url is the PBX root "
             "(e.g. https://pbx.example.com:5001) and that a proxy in between forwards /xapi and /connect/token.")
TIMEOUT_HINT = "Raise timeout if the PBX is slow to answer, or check the network between the Ansible host and base_url."
FRESH_TOKEN_REFUSED_HINT = ("A token obtained just now was refused too: another login with the same client id may have "
                            "revoked it at once (3CX keeps one active token per client; give each job its own API "
                            "client), or the API client is no longer enabled in Admin Console > Integrations > API.")
TLS_HINT = ("Certificate verification failed. Set ca_path to the CA bundle that signed the PBX certificate, "
            "or validate_certs: false for a test PBX with a self-signed certificate.")
# The first hint whose marker the SSL error holds; OpenSSL words a plain-HTTP answer differently by version.
TLS_HINTS = (
    (("WRONG_VERSION_NUMBER", "wrong version number", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE"),
     "The port speaks plain HTTP, not HTTPS: use http:// in base_url, or the PBX's HTTPS port (often 5001 or 443)."),
    (("Hostname mismatch", "IP address mismatch", "doesn't match"),
     "The certificate was not issued for the host in base_url: use the name the certificate holds (the PBX's "
     "FQDN) rather than an IP address or another alias."),
    (("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"), TLS_HINT),
)
TLS_OTHER_HINT = "The TLS handshake failed: check that base_url names the PBX's HTTPS port."


class XapiError(Exception):
    """A failed XAPI call, rendered once into a message fit for users."""

    def __init__(self, message, status=None, method=None, path=None, reasons=None, hint=None):
        super(XapiError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.reasons = reasons or []
        self.hint = hint

    def __str__(self):
        if not self.hint:
            return self.message
        # a message that ends in the server's own reason gets a full stop before the hint
        return "%s%s Hint: %s" % (self.message, "" if self.message.endswith(".") else ".", self.hint)

    def as_dict(self):
        """Structured fields for a task result."""
        return {"status": self.status, "method": self.method, "path": self.path,
                "reasons": self.reasons, "hint": self.hint}


class XapiOutcomeUnknown(XapiError):
    """A write whose request was sent but whose answer never came.

    The caller must re-read before deciding whether to send it again.
    """


class DeadlineExceeded(Exception):
    """A request whose whole answer did not arrive within the client's timeout."""


def normalize_base_url(base_url):
    """Accept the PBX root with or without a trailing slash or /xapi/v1."""
    url = (base_url or "").strip().rstrip("/")
    if url.lower().endswith(API_PREFIX):
        url = url[:-len(API_PREFIX)].rstrip("/")
    return url


def odata_reasons(body):
    """Turn an OData (or OAuth) error body into a list of readable reasons."""
    if not isinstance(body, dict):
        return []
    error = body.get("error")
    if isinstance(error, str):  # OAuth shape from /connect/token
        description = body.get("error_description")
        return ["%s: %s" % (error, description) if description else error]
    if not isinstance(error, dict):
        return []
    details = [detail for detail in error.get("details") or [] if isinstance(detail, dict)]
    reasons = [reason for reason in map(_reason, details) if reason]
    top = _reason(error)
    # 3CX usually repeats the first detail as the top-level message (with or without its target): show it once
    if top and top not in reasons and top not in map(_message, details):
        reasons.insert(0, top)
    return reasons


def _message(item):
    return " ".join(str(item.get("message") or "").split())


def _reason(item):
    message, target = _message(item), item.get("target")
    if not message:
        return None
    return "%s: %s" % (target, message) if target else message


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, min(float(value), MAX_RETRY_WAIT))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, min(when.timestamp() - now, MAX_RETRY_WAIT))


class XapiClient:
    """A session against one PBX.

    Tokens come from client credentials or are given. A 401 triggers one new
    login (client credentials needed) and one retry. Connection errors, 429
    and 502/503/504 are retried with exponential backoff, honouring
    Retry-After, except a POST whose outcome is unknown: that one raises
    XapiOutcomeUnknown so that the caller re-reads first. Each attempt must
    deliver its whole answer within timeout seconds; no wait between attempts
    is longer than MAX_RETRY_WAIT. Redirects are never followed.
    """

    def __init__(self, base_url, client_id=None, client_secret=None, access_token=None,
                 validate_certs=True, ca_path=None, timeout=30, retries=3,
                 backoff=0.5, session=None, sleep=time.sleep, on_token=None):
        self.base_url = normalize_base_url(base_url)
        self.client_id = client_id
        self._client_secret = client_secret
        self._token = access_token
        # every value that must never show, even when the server echoes it
        self._secrets = set(value for value in (client_secret, access_token) if value)
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self._sleep = sleep
        self._on_token = on_token
        self.verify = (ca_path or True) if validate_certs else False
        # One connection pool per thread (a whole-PBX apply writes side by side); a given session is shared.
        self._given_session = session
        self._local = threading.local()
        self._lock = threading.RLock()
        self.request_count = 0
        self.token_expires_in = None
        if self._token and on_token:
            on_token(self._token)

    @property
    def can_login(self):
        return bool(self.client_id and self._client_secret)

    # -- public verbs -----------------------------------------------------

    def get(self, path, query=None):
        return self.request("GET", path, query=query)

    def post(self, path, body):
        return self.request("POST", path, body=body)

    def patch(self, path, body):
        return self.request("PATCH", path, body=body)

    def delete(self, path):
        return self.request("DELETE", path)

    def get_url(self, link):
        """GET a link the server handed out (an @odata.nextLink).

        Only its path and query are used: the token is never sent to another host.
        """
        parts = urlsplit(link)
        path = parts.path
        if path.startswith(API_PREFIX):
            path = path[len(API_PREFIX):]
        elif not path.startswith("/"):  # relative to the service root, as OData allows
            path = "/" + path
        return self.request("GET", path, query=parts.query or None)

    @property
    def session(self):
        if self._given_session is not None:
            return self._given_session
        if getattr(self._local, "session", None) is None:
            self._local.session = requests.Session()
        return self._local.session

    def token(self):
        """The bearer token, logging in first when none is held yet."""
        with self._lock:
            if not self._token:
                self.login()
            return self._token

    def _renew(self, refused):
        """Log in again after a 401, unless another thread already replaced the refused token.

        3CX keeps one token per client: threads that each logged in would revoke each other's.
        """
        with self._lock:
            if self._token == refused:
                self.login()

    def login(self):
        """Ask /connect/token for a new token (this revokes the previous one)."""
        if not self.can_login:
            raise XapiError("No access token and no client credentials: give client_id and client_secret, or access_token.")
        form = {"client_id": self.client_id, "client_secret": self._client_secret, "grant_type": "client_credentials"}
        response = self._send_with_retries("POST", self.base_url + TOKEN_PATH, TOKEN_PATH, data=form, authenticated=False)
        if response.status_code != 200:
            raise self._error(response, "POST", TOKEN_PATH, prefix="Login to the PBX failed")
        body = self._json(response, "POST", TOKEN_PATH)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise XapiError("Login to the PBX failed: the answer of POST %s held no access_token." % TOKEN_PATH,
                            status=response.status_code, method="POST", path=TOKEN_PATH)
        self._token = token
        self._secrets.add(token)
        self.token_expires_in = body.get("expires_in")
        if self._on_token:
            self._on_token(token)
        return token

    # -- core -------------------------------------------------------------

    def request(self, method, path, query=None, body=None):
        """Send an API request; answer the decoded JSON body or None (204)."""
        url, shown = self.base_url + API_PREFIX + path, API_PREFIX + path
        if query:
            url = "%s?%s" % (url, query)
        used = self.token()
        response = self._send_with_retries(method, url, shown, json=body)
        if response.status_code == 401 and self.can_login:
            self._renew(used)
            response = self._send_with_retries(method, url, shown, json=body)
        if response.status_code >= 400:
            hint = FRESH_TOKEN_REFUSED_HINT if response.status_code == 401 and self.can_login else None
            raise self._error(response, method, shown, hint=hint)
        if response.status_code == 204 or not response.content:
            return None
        return self._json(response, method, shown)

    def _send_with_retries(self, method, url, shown, authenticated=True, **kwargs):
        # A token request may be repeated freely: a second login only revokes the first token.
        repeatable = method in IDEMPOTENT_METHODS or not authenticated
        attempt = 0
        while True:
            try:
                response = self._send(method, url, authenticated, **kwargs)
            except requests.exceptions.SSLError as exc:
                raise self._tls_error(exc, method, shown)
            except (DeadlineExceeded, requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                timed_out = isinstance(exc, (DeadlineExceeded, requests.exceptions.Timeout))
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and not _never_connected(exc)
                if sent and not repeatable:
                    raise XapiOutcomeUnknown("%s %s: %s after the request was sent; its outcome is unknown."
                                             % (method, shown, self._describe(exc)), method=method, path=shown,
                                             hint=TIMEOUT_HINT if timed_out else None)
                if attempt >= self.retries:
                    raise XapiError("%s %s failed after %d attempt(s): %s." % (method, shown, attempt + 1, self._describe(exc)),
                                    method=method, path=shown,
                                    hint=TIMEOUT_HINT if timed_out else
                                    "Check that base_url is reachable from the Ansible host and the port is right.")
                self._sleep(self._backoff(attempt))
                attempt += 1
                continue
            except requests.exceptions.RequestException as exc:
                raise XapiError("%s %s failed: %s." % (method, shown, self._describe(exc)), method=method, path=shown)
            self._refuse_redirect(response, method, url, shown)
            status = response.status_code
            if status not in RETRY_STATUSES or attempt >= self.retries:
                return response
            if status not in REFUSED_STATUSES and not repeatable:
                raise XapiOutcomeUnknown("%s %s answered HTTP %d from a gateway; the outcome is unknown." % (method, shown, status),
                                         status=status, method=method, path=shown)
            delay = parse_retry_after(response.headers.get("Retry-After"))
            self._sleep(self._backoff(attempt) if delay is None else delay)
            attempt += 1

    def _send(self, method, url, authenticated, **kwargs):
        headers = {"Accept": "application/json"}
        if authenticated:
            headers["Authorization"] = "Bearer %s" % self._token
        with self._lock:
            self.request_count += 1
        # requests' own timeout bounds each socket read, not the answer: the deadline bounds the whole exchange.
        return within_deadline(self.timeout, self.session.request, method, url, headers=headers, timeout=self.timeout,
                               verify=self.verify, allow_redirects=False, **kwargs)

    def _backoff(self, attempt):
        return min(self.backoff * 2 ** min(attempt, 32), MAX_RETRY_WAIT)

    def wait_to_retry(self, attempt):
        """Wait before doing again what collided with another client's work (attempt: 0 for the first retry).

        The backoff with jitter: two tasks that collided once do not keep colliding in step.
        """
        self._sleep(random.uniform(0.5, 1.0) * self._backoff(attempt))

    def _refuse_redirect(self, response, method, url, shown):
        """A redirect is never followed: requests would drop the token, or turn the login POST into a GET."""
        status = response.status_code
        if not 300 <= status < 400:
            return
        location = response.headers.get("Location")
        if not location:
            raise XapiError("%s %s answered HTTP %d, a redirect without a Location." % (method, shown, status),
                            status=status, method=method, path=shown)
        target = self._scrub(urljoin(url, location))
        parts = urlsplit(target)
        root = "%s://%s" % (parts.scheme, parts.netloc) if parts.scheme and parts.netloc else target
        raise XapiError("%s %s answered HTTP %d: the PBX redirected to %s; set base_url to that address (%s)."
                        % (method, shown, status, target, root), status=status, method=method, path=shown,
                        hint="Redirects are not followed: base_url must be the address the PBX answers on itself.")

    def _tls_error(self, exc, method, shown):
        text = str(exc)
        hint = next((hint for markers, hint in TLS_HINTS if any(m in text for m in markers)), TLS_OTHER_HINT)
        reason = _ssl_reason(text)
        return XapiError("TLS error on %s %s%s." % (method, shown, ": " + self._scrub(reason) if reason else ""),
                         method=method, path=shown, hint=hint)

    def _describe(self, exc):
        if isinstance(exc, DeadlineExceeded):
            return "the whole answer did not arrive within timeout (%s s)" % self.timeout
        return _describe(exc, self.timeout)

    def _scrub(self, text):
        """Server text with every secret this client knows blanked out (servers may echo them)."""
        for secret in self._secrets:
            text = text.replace(secret, "(hidden)")
        return text

    def _json(self, response, method, shown):
        try:
            return response.json()
        except ValueError:
            raise XapiError("%s %s answered HTTP %d with a body that is not JSON." % (method, shown, response.status_code),
                            status=response.status_code, method=method, path=shown,
                            hint=HTML_HINT if _is_html(response) else None)

    def _error(self, response, method, shown, prefix=None, hint=None):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        reasons = [self._scrub(reason) for reason in odata_reasons(body)]
        head = "%s: " % prefix if prefix else ""
        message = "%s%s %s failed with HTTP %d" % (head, method, shown, status)
        if body is None and response.content:
            html = _is_html(response)
            # blanked before it is shortened: a secret cut in half would no longer be found
            excerpt = _text_excerpt(self._scrub(response.content.decode("utf-8", "replace")), html)
            reasons = [excerpt] if excerpt else []
            message += ": the answer is %s, not JSON" % ("an HTML page" if html else "text")
        if reasons:
            message += ": " + "; ".join(reasons)
        else:
            message += "."
        return XapiError(message, status=status, method=method, path=shown, reasons=reasons,
                         hint=hint or _hint_for(status, body, reasons, prefix is not None, _is_html(response)))


def within_deadline(seconds, func, *args, **kwargs):
    """func(*args, **kwargs), or DeadlineExceeded once it has run for seconds.

    requests can only bound each socket operation: a server that sends its answer a
    byte at a time never trips that. The call runs in a worker thread, which is left
    behind when the deadline passes (a module process ends right after the failure).
    """
    outcome = {}

    def work():
        try:
            outcome["value"] = func(*args, **kwargs)
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the caller as it is
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="xapi-request")
    worker.daemon = True
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise DeadlineExceeded()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _hint_for(status, body, reasons, login, html):
    if html:
        return HTML_HINT
    if login and status in (400, 401):
        code = body.get("error") if isinstance(body, dict) else None
        return LOGIN_HINTS.get(code if isinstance(code, str) else None, LOGIN_HINTS["unauthorized"])
    if status == 400 and any(BIND_FAILED in reason for reason in reasons):
        return BIND_HINT
    return HINTS.get(status)


def _is_html(response):
    content_type = (response.headers.get("Content-Type") or "").lower()
    start = response.content.lstrip()[:14].lower()
    return "html" in content_type or start.startswith(b"<html") or start.startswith(b"<!doctype html")


def _text_excerpt(text, html, limit=160):
    """The title of an HTML page, or the start of a text body, on one line."""
    if html:
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        text = html_unescape(title.group(1) if title else re.sub(r"<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _ssl_reason(text):
    """OpenSSL's reason from an SSLError's text, e.g. 'wrong version number'."""
    match = re.search(r"\[[A-Z0-9]+: [A-Z0-9_]+\] (.+?)\s*(?:\(_ssl\.c:\d+\)|'\)|$)", text)
    return match.group(1) if match else None


def _never_connected(exc):
    """True when the request cannot have reached the server."""
    text = repr(exc)
    return "NewConnectionError" in text or "Connection refused" in text or "NameResolutionError" in text


def _describe(exc, timeout):
    """A short reason without URLs (they are shown elsewhere) or secrets."""
    text = str(exc)
    for marker, reason in (("NameResolutionError", "the host name was not found"),
                           ("Name or service not known", "the host name was not found"),
                           ("Connection refused", "the connection was refused"),
                           ("NewConnectionError", "no connection could be made"),
                           ("timed out", "no answer within timeout (%s s)" % timeout),
                           ("Connection aborted", "the connection was dropped"),
                           ("RemoteDisconnected", "the connection was dropped")):
        if marker in text:
            return reason
    return type(exc).__name__
