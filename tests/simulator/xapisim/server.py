"""HTTP front of the simulator: XAPI under /xapi/v1, the token endpoint, and /_sim control.

HTTP/1.1 with keep-alive: every answer carries Content-Length (a 204 has no body and no
length, as RFC 9110 wants), responses go out in one write and Nagle is off, so a client
that reuses its connection pays about a millisecond per request.
"""

import hmac
import html
import json
import re
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlencode, urlsplit

from . import VERSION
from .auth import TokenStore, parse_token_form
from .config import apply_runtime_settings
from .errors import ApiError, odata_body, odata_error, oauth_error
from .faults import FaultQueue, parse_fault
from .metadata import METADATA_TYPE, csdl_document
from .model import CALLFLOW_APP, GROUP, TRUNK
from .odata import context_clause, parse_params, parse_query, project
from .recorder import (REDACTED, Recorder, RequestLog, monotonic_ms, query_dict, redact_token_request, redact_token_response,
                       utc_now_iso)
from .store import Store

API_PREFIX = "/xapi/v1"
TOKEN_PATH = "/connect/token"
CONTROL_PREFIX = "/_sim"
# What live PBXs send for every JSON answer (API, token endpoint) and the simulator for /_sim too.
JSON_TYPE = "application/json; charset=utf-8"
METADATA_PATH = API_PREFIX + "/$metadata"

_ENTITY_SETS = {"CallFlowApps": CALLFLOW_APP, "Groups": GROUP, "Trunks": TRUNK}
_METADATA = csdl_document(_ENTITY_SETS)
_KEY = r"\((?:Id=)?(-?\d+)\)"
_ROUTES = [
    # (pattern, route name, allowed methods)
    (re.compile(r"^/(CallFlowApps|Groups|Trunks)$"), "collection", {"CallFlowApps": ("GET", "POST")}),
    (re.compile(r"^/(CallFlowApps|Groups|Trunks)" + _KEY + "$"), "entity", {"CallFlowApps": ("GET", "PATCH", "DELETE")}),
    (re.compile(r"^/(Trunks)\(Number='((?:[^']|'')*)'\)$"), "entity_by_number", {}),
    (re.compile(r"^/(CallFlowApps)" + _KEY + r"/Pbx\.GetFiles\(\)$"), "get_files", {"CallFlowApps": ("GET",)}),
    (re.compile(r"^/(CallFlowApps)" + _KEY + r"/Pbx\.DeleteFile$"), "delete_file", {"CallFlowApps": ("POST",)}),
]


class Answer:
    """What a handler returns: status, body (JSON value, bytes sent as they are, or None) and extra headers."""

    __slots__ = ("status", "body", "headers", "content_type")

    def __init__(self, status, body=None, headers=None, content_type=JSON_TYPE):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


class Simulator:
    """One simulator instance: state, tokens, faults, logs, and its HTTP server."""

    def __init__(self, config, extra_seed=None, clock=time.time, sleep=time.sleep):
        # clock (token expiry, compile deadlines) and sleep (added latency) can be replaced
        # by in-process tests, so that what they check does not depend on the machine's speed
        self.sleep = sleep
        self.cli_config = config.copy()
        self.config = config.copy()
        if extra_seed is None and config.seed:
            with open(config.seed, encoding="utf-8") as handle:
                extra_seed = json.load(handle)
        self.store = Store(self.config, extra_seed, clock=clock)
        self.tokens = TokenStore(clock=clock)
        self.faults = FaultQueue()
        self.log = RequestLog()
        self.recorder = Recorder(config.record) if config.record else None
        self.httpd = None

    # -- lifecycle --------------------------------------------------------------------

    def bind(self):
        """Open the listening socket (port 0 picks a free port)."""
        handler = type("BoundHandler", (Handler,), {"sim": self})
        self.httpd = _Server((self.config.host, self.config.port), handler)
        return self.port

    @property
    def port(self):
        """The port actually bound."""
        return self.httpd.server_address[1]

    @property
    def url(self):
        """Base URL of the simulator."""
        return "http://%s:%d" % (self.config.host, self.port)

    def serve_forever(self, poll_interval=0.1):
        """Serve until ``shutdown`` (which may wait up to ``poll_interval`` seconds)."""
        self.httpd.serve_forever(poll_interval=poll_interval)

    def start_in_thread(self):
        """Bind and serve from a daemon thread (for in-process tests); returns self."""
        if self.httpd is None:
            self.bind()
        threading.Thread(target=self.serve_forever, args=(0.01,), name="xapi-simulator", daemon=True).start()
        return self

    def shutdown(self):
        """Stop serving and release the socket and the record file."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self.recorder is not None:
            self.recorder.close()

    def reset(self):
        """Seed state, empty log, no faults, no tokens, settings as on the command line."""
        for name in vars(self.cli_config):
            setattr(self.config, name, getattr(self.cli_config, name))
        self.store.reset()
        self.tokens.revoke_all()
        self.faults.clear()
        self.log.clear()

    # -- token endpoint ---------------------------------------------------------------

    def token(self, method, headers, raw_body):
        """``POST /connect/token`` with client credentials (OAuth error shape)."""
        if method != "POST":
            raise ApiError(405, {"error": "invalid_request", "error_description": "Use POST."}, {"Allow": "POST"})
        form = parse_token_form(headers.get("Content-Type"), raw_body)
        if form is None:
            raise oauth_error(400, "invalid_request", "The request body must be application/x-www-form-urlencoded "
                                                      "or multipart/form-data.")
        for name in ("client_id", "client_secret"):
            if name not in form or (name == "client_id" and not form[name]):
                raise oauth_error(400, "invalid_request", "The mandatory '%s' parameter is missing." % name)
        if form.get("grant_type") != "client_credentials":
            raise oauth_error(401, "unauthorized", "The grant type is not supported; use client_credentials.")
        if not form["client_secret"]:
            raise oauth_error(401, "invalid_client", "The specified client credentials are invalid.")
        id_ok = hmac.compare_digest(form["client_id"].encode(), self.config.client_id.encode())
        secret_ok = hmac.compare_digest(form["client_secret"].encode(), self.config.client_secret.encode())
        if not (id_ok and secret_ok):
            raise oauth_error(401, "unauthorized", "The request requires valid user authentication.")
        lifetime = self.config.token_lifetime
        token = self.tokens.issue(form["client_id"], lifetime)
        expires_in = int(lifetime) if self.config.expires_in_unit == "seconds" else int(lifetime // 60)
        body = {"token_type": "Bearer", "expires_in": expires_in, "access_token": token, "refresh_token": None}
        return Answer(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def authorize(self, headers):
        """Raise 401 unless the request carries a valid bearer token."""
        value = headers.get("Authorization") or ""
        scheme, _space, token = value.partition(" ")
        problem = self.tokens.check(token.strip() if scheme.lower() == "bearer" else "")
        if problem:
            challenge = "Bearer" if problem == "missing" else 'Bearer error="invalid_token"'
            raise odata_error(401, "Unauthorized: the access token is %s." % problem, headers={"WWW-Authenticate": challenge})

    # -- XAPI -------------------------------------------------------------------------

    def api(self, request):
        """Route a request under /xapi/v1."""
        if request.path == METADATA_PATH and request.method in ("GET", "HEAD"):
            # Live PBXs serve the service's EDM without a token.
            return Answer(200, _METADATA, content_type=METADATA_TYPE)
        self.authorize(request.headers)
        sub_path = request.path[len(API_PREFIX):]
        for pattern, name, methods in _ROUTES:
            match = pattern.match(sub_path)
            if not match:
                continue
            entity_set = match.group(1)
            allowed = methods.get(entity_set, ("GET",))
            if request.method not in allowed:
                raise odata_error(405, "The requested resource does not support http method '%s'." % request.method,
                                  headers={"Allow": ", ".join(allowed)})
            return getattr(self, "_api_" + name)(request, entity_set, *match.groups()[1:])
        raise odata_error(404, "No HTTP resource was found that matches the request URI '%s%s'." % (request.base, request.path))

    def _api_collection(self, request, entity_set):
        etype = _ENTITY_SETS[entity_set]
        if request.method == "POST":
            entity = self.store.create_app(request.json())
            location = "%s%s/CallFlowApps(%d)" % (request.base, API_PREFIX, entity["Id"])
            body = {"@odata.context": "%s%s/$metadata#CallFlowApps/$entity" % (request.base, API_PREFIX)}
            body.update(entity)
            return Answer(201, body, {"Location": location})
        opts = parse_query(request.params, etype)
        views, count, next_skip = self.store.list_entities(entity_set, opts, self.config.server_page_size)
        body = {"@odata.context": "%s%s/$metadata#%s%s" % (request.base, API_PREFIX, entity_set, context_clause(opts.shape))}
        if opts.count:
            body["@odata.count"] = count
        body["value"] = [project(etype, v, opts.shape) for v in views]
        if next_skip is not None:
            params = [(k, v) for k, v in request.params if k != "$skip"] + [("$skip", str(next_skip))]
            body["@odata.nextLink"] = "%s%s?%s" % (request.base, request.path, urlencode(params, quote_via=quote, safe="$,'()"))
        return Answer(200, body)

    def _api_entity(self, request, entity_set, key):
        key = int(key)
        if request.method == "PATCH":
            self.store.patch_app(key, request.json())
            return Answer(204)
        if request.method == "DELETE":
            self.store.delete_app(key)
            return Answer(204)
        return self._read_one(request, entity_set, key)

    def _api_entity_by_number(self, request, entity_set, number):
        return self._read_one(request, entity_set, ("Number", number.replace("''", "'")))

    def _read_one(self, request, entity_set, key):
        etype = _ENTITY_SETS[entity_set]
        opts = parse_query(request.params, etype, collection=False)
        view = self.store.read_entity(entity_set, key, tuple(opts.shape.expand))
        context = "%s%s/$metadata#%s%s/$entity" % (request.base, API_PREFIX, entity_set, context_clause(opts.shape))
        body = {"@odata.context": context}
        body.update(project(etype, view, opts.shape))
        return Answer(200, body)

    def _api_get_files(self, request, _entity_set, key):
        for name, _value in request.params:
            if name.startswith("$") and name not in ("$top", "$skip", "$count"):
                raise odata_error(400, "The query specified in the URI is not valid. The simulator supports only "
                                       "$top, $skip and $count on Pbx.GetFiles().")
        files = self.store.app_files(int(key))
        params = dict(request.params)
        top = int(params["$top"]) if params.get("$top", "").isdigit() else None
        skip = int(params["$skip"]) if params.get("$skip", "").isdigit() else 0
        body = {"@odata.context": "%s%s/$metadata#Collection(Edm.String)" % (request.base, API_PREFIX)}
        if params.get("$count", "").lower() == "true":
            body["@odata.count"] = len(files)
        body["value"] = files[skip:None if top is None else skip + top]
        return Answer(200, body)

    def _api_delete_file(self, request, _entity_set, key):
        self.store.delete_file(int(key), request.json(allow_bad=True))
        return Answer(204)

    # -- control API ------------------------------------------------------------------

    def control(self, request):
        """``/_sim/*``: never authenticated, delayed, faulted or logged."""
        route = (request.method, request.path[len(CONTROL_PREFIX):])
        handler = _CONTROL.get(route)
        if handler is None:
            known = [route[1] for route in _CONTROL]
            if route[1] in known:
                raise ApiError(405, {"error": "method %s not allowed here" % request.method})
            raise ApiError(404, {"error": "unknown control path %s" % request.path})
        return Answer(200, handler(self, request))

    def _c_health(self, _request):
        return {"ok": True, "version": VERSION}

    def _c_requests(self, _request):
        return {"requests": self.log.entries()}

    def _c_clear_requests(self, _request):
        self.log.clear()
        return {"ok": True}

    def _c_stats(self, _request):
        return self.log.stats()

    def _c_reset(self, _request):
        self.reset()
        return {"ok": True}

    def _c_seed(self, request):
        return self.store.seed(request.json(control=True))

    def _c_state(self, _request):
        state = self.store.state()
        state["config"] = self.config.runtime_view()
        state["active_tokens"] = self.tokens.active_count()
        state["faults"] = self.faults.pending()
        return state

    def _c_add_faults(self, request):
        body = request.json(control=True)
        specs = body if isinstance(body, list) else [body]
        faults = [parse_fault(spec) for spec in specs]
        for fault in faults:
            self.faults.add(fault)
        return {"faults": self.faults.pending()}

    def _c_list_faults(self, _request):
        return {"faults": self.faults.pending()}

    def _c_clear_faults(self, _request):
        self.faults.clear()
        return {"faults": []}

    def _c_get_config(self, _request):
        return self.config.runtime_view()

    def _c_set_config(self, request):
        apply_runtime_settings(self.config, request.json(control=True))
        return self.config.runtime_view()

    def _c_revoke(self, _request):
        return {"revoked": self.tokens.revoke_all()}


_CONTROL = {
    ("GET", "/health"): Simulator._c_health,
    ("GET", "/requests"): Simulator._c_requests,
    ("DELETE", "/requests"): Simulator._c_clear_requests,
    ("GET", "/stats"): Simulator._c_stats,
    ("POST", "/reset"): Simulator._c_reset,
    ("POST", "/seed"): Simulator._c_seed,
    ("GET", "/state"): Simulator._c_state,
    ("GET", "/faults"): Simulator._c_list_faults,
    ("POST", "/faults"): Simulator._c_add_faults,
    ("DELETE", "/faults"): Simulator._c_clear_faults,
    ("GET", "/config"): Simulator._c_get_config,
    ("POST", "/config"): Simulator._c_set_config,
    ("POST", "/revoke-tokens"): Simulator._c_revoke,
}


class Request:
    """The parts of an HTTP request the handlers need."""

    def __init__(self, method, path, raw_query, headers, body, base):
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.params = parse_params(raw_query)
        self.headers = headers
        self.body = body
        self.base = base

    def json(self, control=False, allow_bad=False):
        """The body as JSON; a body that is not JSON fails like a failed bind."""
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (ValueError, UnicodeDecodeError) as exc:
            if control:
                raise ApiError(400, {"error": "the body is not valid JSON: %s" % exc}) from exc
            if allow_bad:
                return None
            return _NotJson(str(exc))

    def record_body(self):
        """The request body for the record file: JSON when it parses, else text."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return self.body.decode("utf-8", "replace")


class _NotJson(str):
    """A body that did not parse; the binder rejects it because it is not a JSON object."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into ``Simulator`` calls and answers into bytes."""

    sim = None  # set on the subclass created by Simulator.bind
    protocol_version = "HTTP/1.1"
    server_version = "xapi-simulator/" + VERSION
    wbufsize = 65536  # headers and body leave in one write; flushed after each request
    timeout = 300

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        """The Server header: the simulator's name and version, nothing about Python."""
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silent unless --verbose: the request log is the place to look."""
        if self.sim.config.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):  # pylint: disable=invalid-name
        """Every method goes through ``_handle``."""
        self._handle()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        sim = self.sim
        started = time.perf_counter()
        split = urlsplit(self.path)
        path = unquote(split.path)
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        try:
            request = Request(self.command, path, split.query, self.headers, self._read_body(), "http://" + host)
        except ApiError as exc:
            self._send(Answer(exc.status, exc.body, exc.headers))
            return
        except ValueError:
            self._send(Answer(400, odata_body("The request could not be read.")))
            return
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self._send(self._run(sim.control, request))
            return
        self._api_exchange(request, started)

    def _api_exchange(self, request, started):
        """An API or token request: fault, latency, answer, then log and record."""
        sim = self.sim
        kind = "token" if request.path == TOKEN_PATH else "api"
        seq = sim.log.next_seq()
        stamp = utc_now_iso()
        fault = sim.faults.take(request.method, request.path)
        delay = sim.config.latency_ms + (fault.latency_ms if fault else 0)
        if delay > 0:
            sim.sleep(delay / 1000.0)
        if fault and fault.phase == "before" and (fault.drop or fault.status):
            answer = None if fault.drop else _fault_answer(fault, kind)
        else:
            answer = self._run(lambda r: self._dispatch(kind, r), request)
            if fault and fault.phase == "after" and (fault.drop or fault.status):
                answer = None if fault.drop else _fault_answer(fault, kind)
        # Logged before answering: a client that reads /_sim/requests or the record file
        # right after its answer, even over another connection, must find the exchange.
        self._remember(seq, stamp, kind, request, answer, fault, started)
        if answer is None:
            self.close_connection = True
        else:
            self._send(answer, odata=kind == "api", trickle_ms=fault.trickle_ms if fault else 0)

    def _dispatch(self, kind, request):
        if kind == "token":
            return self.sim.token(request.method, request.headers, request.body)
        if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
            return self.sim.api(request)
        raise odata_error(404, "No HTTP resource was found that matches the request URI '%s%s'." % (request.base, request.path))

    @staticmethod
    def _run(func, request):
        try:
            return func(request)
        except ApiError as exc:
            return Answer(exc.status, exc.body, exc.headers)
        except Exception:  # pylint: disable=broad-except
            # A bug in the simulator must still answer, like a server's 500, and say where.
            traceback.print_exc()
            return Answer(500, odata_body("Internal error in the simulator."))

    def _send(self, answer, odata=False, trickle_ms=0):
        """Write the answer; with ``trickle_ms`` its body goes out one byte at a time."""
        data = b""
        if isinstance(answer.body, bytes):
            data = answer.body
        elif answer.body is not None and answer.status != 204:
            data = json.dumps(answer.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        self.send_response(answer.status)
        if answer.status != 204:
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
        if odata:
            self.send_header("OData-Version", "4.0")
        for name, value in answer.headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        if not data or self.command == "HEAD":
            return
        if trickle_ms:
            self._trickle(data, trickle_ms / 1000.0)
        else:
            self.wfile.write(data)

    def _trickle(self, data, pause):
        """Each byte arrives well within any per-read timeout, the whole body late."""
        try:
            self.wfile.flush()
            for index in range(len(data)):
                time.sleep(pause)
                # Past the buffered writer: nothing is left in it to fail again when the handler ends.
                self.connection.sendall(data[index:index + 1])
        except OSError:  # the client gave up and closed the connection
            self.close_connection = True

    def _remember(self, seq, stamp, kind, request, answer, fault, started):
        status = answer.status if answer is not None else None
        sim = self.sim
        sim.log.add({"seq": seq, "time": stamp, "method": request.method, "path": request.path,
                     "query": query_dict(request.params), "status": status, "kind": kind})
        if sim.recorder is None:
            return
        request_body = request.record_body()
        response_body = answer.body if answer is not None else None
        if isinstance(response_body, bytes):
            response_body = response_body.decode("utf-8", "replace")
        if kind == "token":
            form = parse_token_form(request.headers.get("Content-Type"), request.body)
            # Whatever shape the body had, no secret leaves in the record.
            request_body = redact_token_request(form) if form is not None else (REDACTED if request_body else None)
            response_body = redact_token_response(response_body)
        sim.recorder.write({
            "seq": seq, "time": stamp, "method": request.method, "path": request.path,
            "query": query_dict(request.params), "query_string": request.raw_query,
            "request_content_type": request.headers.get("Content-Type"), "request_body": request_body,
            "status": status, "response_content_type": answer.content_type if answer and answer.status != 204 else None,
            "response_body": response_body, "dropped": answer is None, "fault": fault is not None,
            "duration_ms": monotonic_ms(started),
        })


def _fault_answer(fault, kind):
    """The answer of an injected status fault: an error body, or a web server's redirect."""
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = fault.retry_after
    if fault.location is not None:
        headers["Location"] = fault.location
        link = html.escape(fault.location)
        page = '<html><body>Moved to <a href="%s">%s</a></body></html>' % (link, link)
        return Answer(fault.status, page.encode("utf-8"), headers, "text/html; charset=utf-8")
    if kind == "token":
        return Answer(fault.status, {"error": "temporarily_unavailable", "error_description": "Injected fault."}, headers)
    return Answer(fault.status, odata_body("Injected fault: HTTP %d." % fault.status), headers)
