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
from .odata import SelectExpand, context_clause, parse_params, parse_query, project, split_top_level
from .recorder import (REDACTED, Recorder, RequestLog, monotonic_ms, query_dict, redact_token_request, redact_token_response,
                       utc_now_iso)
from .registry import SETS, SINGLETONS
from .store import Store

API_PREFIX = "/xapi/v1"
TOKEN_PATH = "/connect/token"
CONTROL_PREFIX = "/_sim"
# What live PBXs send for every JSON answer (API, token endpoint) and the simulator for /_sim too.
JSON_TYPE = "application/json; charset=utf-8"
METADATA_PATH = API_PREFIX + "/$metadata"

# A path under /xapi/v1: a set or singleton name, an optional key in parentheses (quotes
# may hold parentheses), and an optional rest (a bound operation).
_PATH = re.compile(r"^/(\w+)(?:\(((?:[^()']|'(?:[^']|'')*')*)\))?(?:/(.+))?$")
_KEY = re.compile(r"^(?:(\w+)=)?(-?\d+|'(?:[^']|'')*'|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})$")
_OPERATION = re.compile(r"^(Pbx\.\w+)(\((.*)\))?$")
_ARGUMENT = re.compile(r"^(\w+)='((?:[^']|'')*)'$")
_VERB_METHODS = {"collection": (("list", "GET"), ("create", "POST")),
                 "entity": (("read", "GET"), ("update", "PATCH"), ("delete", "DELETE")),
                 "singleton": (("read", "GET"), ("update", "PATCH"))}

# Bound operations the simulator implements (the others of the document answer 501).
FIRST_AVAILABLE = {"Users": "Pbx.GetFirstAvailableExtensionNumber", "Queues": "Pbx.GetFirstAvailableQueueNumber",
                   "RingGroups": "Pbx.GetFirstAvailableRingGroupNumber", "Trunks": "Pbx.GetFirstAvailableTrunkNumber",
                   "Receptionists": "Pbx.GetFirstAvailableReceptionistNumber"}
IMPLEMENTED = {("CallFlowApps", "Pbx.GetFiles"): "get_files", ("CallFlowApps", "Pbx.DeleteFile"): "delete_file",
               ("Trunks", "Pbx.InitTrunk"): "init_trunk", ("Fax", "Pbx.InitFax"): "init_fax",
               ("Parameters", "Pbx.GetParameterByName"): "parameter_by_name",
               ("OutboundRules", "Pbx.GetEmergencyOutboundRules"): "emergency_rules"}
IMPLEMENTED.update({(set_name, op): "first_available" for set_name, op in FIRST_AVAILABLE.items()})


def _allowed(verbs, kind):
    return tuple(method for verb, method in _VERB_METHODS[kind] if verb in verbs)


def _unquote(literal):
    return literal[1:-1].replace("''", "'")


def served_operations():
    """Every operation the simulator serves, as document path templates -> lower-case methods.

    An alternate key comes before the key: a matcher trying templates in order would take
    ``Number='...'`` for an ``{Id}``.
    """
    operations = {}
    for name, info in SETS.items():
        verbs = info["verbs"]
        methods = _allowed(verbs, "collection")
        if methods:
            operations["/" + name] = methods
        for alt in info.get("alt_keys", ()):
            operations["/%s(%s={%s})" % (name, alt, alt)] = ("GET",)
        methods = _allowed(verbs, "entity")
        if methods and info.get("key"):
            operations["/%s({%s})" % (name, info["key"])] = methods
    for name, info in SINGLETONS.items():
        operations["/" + name] = _allowed(info["verbs"], "singleton")
    for (set_name, op_name) in sorted(IMPLEMENTED):
        op = SETS[set_name]["operations"][op_name]
        head = "/%s({%s})" % (set_name, SETS[set_name]["key"]) if op["on"] == "entity" else "/" + set_name
        call = ""
        if op["method"] == "GET":
            call = "(%s)" % ",".join("%s={%s}" % (p, p) for p in op.get("params", ()))
        operations["%s/%s%s" % (head, op_name, call)] = (op["method"],)
    return {path: tuple(m.lower() for m in methods) for path, methods in operations.items()}


_METADATA = csdl_document()


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
        match = _PATH.match(sub_path)
        name = match.group(1) if match else None
        if name in self.store.singletons and match.group(2) is None and match.group(3) is None:
            rules = self.store.singletons[name]
            self._check_method(request, _allowed(rules.verbs, "singleton"))
            return self._api_singleton(request, rules)
        if name not in self.store.sets:
            raise self._no_resource(request)
        rules = self.store.sets[name]
        key = None
        if match.group(2) is not None:
            key = self._parse_key(rules, match.group(2))
            if key is None:
                raise self._no_resource(request)
        if match.group(3) is not None:
            return self._api_operation(request, rules, key, match.group(3))
        if key is None:
            methods = _allowed(rules.verbs, "collection")
        elif isinstance(key, tuple):
            methods = ("GET",)
        else:
            methods = _allowed(rules.verbs, "entity")
        if not methods:
            raise self._no_resource(request)
        self._check_method(request, methods)
        if key is None:
            return self._api_collection(request, rules)
        return self._api_entity(request, rules, key)

    @staticmethod
    def _no_resource(request):
        return odata_error(404, "No HTTP resource was found that matches the request URI '%s%s'." % (request.base, request.path))

    @staticmethod
    def _check_method(request, allowed):
        if request.method not in allowed:
            raise odata_error(405, "The requested resource does not support http method '%s'." % request.method,
                              headers={"Allow": ", ".join(allowed)})

    @staticmethod
    def _parse_key(rules, text):
        """An entity key (int or string, bare or ``Key=``), ``("Number", n)`` for an alternate key, or None."""
        match = _KEY.match(text.strip())
        if not match:
            return None
        name, literal = match.groups()
        quoted = literal.startswith("'")
        if name in rules.alt_keys and quoted:
            return (name, _unquote(literal))
        if rules.key is None or name not in (None, rules.key):
            return None
        if rules.key_type == "int":
            return None if quoted or not literal.lstrip("-").isdigit() else int(literal)
        if rules.key_kind == "guid":  # an Edm.Guid key is written bare
            return None if quoted else literal.lower()
        return _unquote(literal) if quoted else None

    def _context(self, request, tail):
        return "%s%s/$metadata#%s" % (request.base, API_PREFIX, tail)

    def _api_collection(self, request, rules):
        if request.method == "POST":
            entity = self.store.create(rules.name, request.json())
            key = entity.get(rules.key) if rules.key else None
            headers = {}
            if key is not None:
                literal = key if rules.key_type == "int" or rules.key_kind == "guid" else "'%s'" % key.replace("'", "''")
                headers["Location"] = "%s%s/%s(%s)" % (request.base, API_PREFIX, rules.name, literal)
            body = {"@odata.context": self._context(request, rules.name + "/$entity")}
            body.update((name, entity[name]) for name in rules.etype.structural if name in entity)
            return Answer(201, body, headers)
        return self._list(request, rules, rules.name)

    def _list(self, request, rules, context_name, rows=None):
        etype = rules.etype
        opts = parse_query(request.params, etype)
        views, count, next_skip = self.store.list_entities(rules.name, opts, self.config.server_page_size, rows)
        body = {"@odata.context": self._context(request, context_name + context_clause(opts.shape))}
        if opts.count:
            body["@odata.count"] = count
        body["value"] = [project(etype, v, opts.shape) for v in views]
        if next_skip is not None:
            params = [(k, v) for k, v in request.params if k != "$skip"] + [("$skip", str(next_skip))]
            body["@odata.nextLink"] = "%s%s?%s" % (request.base, request.path, urlencode(params, quote_via=quote, safe="$,'()"))
        return Answer(200, body)

    def _api_entity(self, request, rules, key):
        if request.method == "PATCH":
            self.store.update(rules.name, key, request.json())
            return Answer(204)
        if request.method == "DELETE":
            self.store.delete(rules.name, key)
            return Answer(204)
        opts = parse_query(request.params, rules.etype, collection=False)
        view = self.store.read_entity(rules.name, key, opts.shape.expand)
        return self._entity_answer(request, rules, view, opts.shape, rules.name)

    def _entity_answer(self, request, rules, view, shape, context_name):
        body = {"@odata.context": self._context(request, "%s%s/$entity" % (context_name, context_clause(shape)))}
        body.update(project(rules.etype, view, shape))
        return Answer(200, body)

    def _api_singleton(self, request, rules):
        if request.method == "PATCH":
            self.store.update_single(rules.name, request.json())
            return Answer(204)
        opts = parse_query(request.params, rules.etype, collection=False)
        view = self.store.read_single(rules.name, opts.shape.expand)
        body = {"@odata.context": self._context(request, rules.name + context_clause(opts.shape))}
        body.update(project(rules.etype, view, opts.shape))
        return Answer(200, body)

    # -- bound operations ---------------------------------------------------------------

    def _api_operation(self, request, rules, key, text):
        match = _OPERATION.match(text)
        op = rules.operations.get(match.group(1)) if match else None
        if op is None or isinstance(key, tuple) or (op["on"] == "entity") != (key is not None) \
                or (op["method"] == "GET") != (match.group(2) is not None):
            raise self._no_resource(request)
        self._check_method(request, (op["method"],))
        handler = IMPLEMENTED.get((rules.name, match.group(1)))
        if handler is None:
            raise odata_error(501, "The simulator does not implement %s of %s." % (match.group(1), rules.name))
        args = self._arguments(request, match.group(3), op.get("params", ()))
        return getattr(self, "_op_" + handler)(request, rules, key, args)

    def _arguments(self, request, text, names):
        args = {}
        for part in split_top_level(text or "", ",") if text else ():
            found = _ARGUMENT.match(part)
            if not found or found.group(1) not in names:
                raise self._no_resource(request)
            args[found.group(1)] = _unquote("'%s'" % found.group(2))
        if set(args) != set(names):
            raise self._no_resource(request)
        return args

    @staticmethod
    def _no_query_options(request, allowed=()):
        for name, _value in request.params:
            if name.startswith("$") and name not in allowed:
                raise odata_error(400, "The query specified in the URI is not valid. The simulator supports %s on this "
                                       "operation." % (", ".join(allowed) or "no query option"))

    def _op_get_files(self, request, _rules, key, _args):
        self._no_query_options(request, ("$top", "$skip", "$count"))
        files = self.store.app_files(key)
        params = dict(request.params)
        top = int(params["$top"]) if params.get("$top", "").isdigit() else None
        skip = int(params["$skip"]) if params.get("$skip", "").isdigit() else 0
        body = {"@odata.context": self._context(request, "Collection(Edm.String)")}
        if params.get("$count", "").lower() == "true":
            body["@odata.count"] = len(files)
        body["value"] = files[skip:None if top is None else skip + top]
        return Answer(200, body)

    def _op_delete_file(self, request, _rules, key, _args):
        self.store.delete_file(key, request.json(allow_bad=True))
        return Answer(204)

    def _op_first_available(self, request, rules, _key, _args):
        self._no_query_options(request)
        body = {"@odata.context": self._context(request, "Pbx.FirstAvailableNumber"),
                "Number": self.store.first_available(rules.name)}
        return Answer(200, body)

    def _op_init_trunk(self, request, rules, _key, args):
        self._no_query_options(request)
        return self._init_answer(request, rules, self.store.init_trunk(args["template"]))

    def _op_init_fax(self, request, rules, _key, _args):
        self._no_query_options(request)
        return self._init_answer(request, rules, self.store.init_fax())

    def _init_answer(self, request, rules, view):
        body = {"@odata.context": self._context(request, rules.etype.name)}
        body.update(project(rules.etype, view, SelectExpand()))
        return Answer(200, body)

    def _op_parameter_by_name(self, request, rules, _key, args):
        opts = parse_query(request.params, rules.etype, collection=False)
        view = self.store.parameter_by_name(args["name"])
        return self._entity_answer(request, rules, view, opts.shape, rules.name)

    def _op_emergency_rules(self, request, rules, _key, _args):
        return self._list(request, rules, rules.name, rows=lambda store: rules.rows(store, emergency=True))

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
