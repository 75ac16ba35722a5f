# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake of the XAPI HTTP layer for unit tests (modules run over it with module_runner.run_module).

FakeXapi stands in for a requests.Session: it keeps call flow apps in a dict,
answers the requests the collection sends, records every request, and plays
scripted failures (fail()) before the normal routing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

try:
    from urllib.parse import parse_qsl, urlsplit
except ImportError:  # pragma: no cover
    from urlparse import parse_qsl, urlsplit  # type: ignore

from requests.structures import CaseInsensitiveDict

from ansible_collections.threecx.xapi.plugins.module_utils import client as client_module

BASE_URL = "https://pbx.example.com:5001"
CLIENT_ID = "ansible-client"
CLIENT_SECRET = "s3cr3t-Client-Secret-value"
WRITES = ("POST", "PATCH", "DELETE")
CONTEXT = BASE_URL + "/xapi/v1/$metadata#CallFlowApps"
# Properties returned without $select; ScriptCode only when selected, Groups/Trunk only when expanded.
PLAIN = ("Id", "Number", "Name", "RoutingType", "TranscriptionMode", "CompilationLastSuccess",
         "CompilationResult", "CompilationSucceeded", "InvalidScript", "IsRegistered", "RejectedCode")
NAVIGATION = ("Groups", "Trunk")
WRITABLE = ("Number", "Name", "RoutingType", "ScriptCode", "TranscriptionMode", "Groups", "Trunk")
CLAUSE = r"\(?(\w+) eq ('(?:[^']|'')*'|-?\d+)\)?"
# What live PBXs answer for a body they cannot bind, POST and PATCH alike: no details, no target.
BIND_ERROR = {"error": {"code": "", "message": "The input was not valid.\n\ndelta:\nThe delta field is required."}}
ODATA_DUPLICATE = {"error": {"code": "", "message": "Number:\nWARNINGS.XAPI.ALREADY_IN_USE",
                             "details": [{"code": "", "message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Number"}]}}


class FakeResponse:
    def __init__(self, status_code=200, body=None, headers=None, text=None):
        self.status_code = status_code
        self.headers = CaseInsensitiveDict(headers or {})
        if text is not None:
            self.content = text.encode("utf-8")
        else:
            self.content = b"" if body is None else json.dumps(body).encode("utf-8")

    def json(self):
        return json.loads(self.content.decode("utf-8"))  # ValueError when not JSON, as requests does


def odata_error(status, message, details=()):
    return FakeResponse(status, {"error": {"code": "", "message": message, "details": list(details)}})


class Call:
    """One recorded request."""

    def __init__(self, method, url, headers, json_body, data):
        parts = urlsplit(url)
        self.method, self.url, self.host = method, url, parts.netloc
        self.path = parts.path
        self.raw_query = parts.query
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.headers, self.json, self.data = dict(headers or {}), json_body, data

    def __repr__(self):
        return "<%s %s>" % (self.method, self.url)


def compile_script(script):
    """The fake PBX's compiler: a script holding BROKEN fails with an E: line (and a harmless W: line)."""
    if "BROKEN" in (script or ""):
        return dict(CompilationSucceeded=False, InvalidScript=True,
                    CompilationResult="W: (line 2) variable x is unused\nE: (line 3) ; expected")
    return dict(CompilationSucceeded=True, InvalidScript=False, CompilationResult="")


class Clock:
    """A fake monotonic clock for compile waits; sleeping advances it and may run on_sleep(number_of_sleeps)."""

    def __init__(self, on_sleep=None):
        self.now = 1000.0
        self.sleeps = []
        self.on_sleep = on_sleep

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep(len(self.sleeps))


class FakeXapi:
    """A requests.Session-like fake PBX holding call flow apps."""

    def __init__(self, apps=(), client_id=CLIENT_ID, client_secret=CLIENT_SECRET):
        self.client_id, self.client_secret = client_id, client_secret
        self.apps = {}
        self.calls = []
        self.sleeps = []  # the client's retry delays
        self.clock = Clock()  # the fake time of compile waits
        self.scripted = []
        self.compiler = compile_script
        self.compiles = 0
        self.tokens_issued = 0
        self.active_token = None
        self.groups, self.trunks = [], []  # read-only lists other sets answer (departments, trunks)
        for app in apps:
            self.add(**app)

    # -- test set-up ------------------------------------------------------

    def add(self, **props):
        app = dict((name, None) for name in PLAIN + ("ScriptCode", "Trunk"))
        app.update(Id=max(self.apps or [0]) + 1, Groups=[], CompilationSucceeded=True, InvalidScript=False,
                   CompilationResult="", IsRegistered=True)
        app.update(copy.deepcopy(props))
        self.apps[app["Id"]] = app
        return app

    def issue_token(self):
        """Log in as another worker would: a new token, which revokes the previous one."""
        self.tokens_issued += 1
        self.active_token = "issued-token-%d-abcdef" % self.tokens_issued
        return self.active_token

    def fail(self, answer, method=None, path=None, times=1):
        """Answer the next matching request(s) with a FakeResponse, or raise an exception instance.

        Matches API requests by method and a part of the path; the login only with path="/connect/token".
        """
        self.scripted.extend([(method, path, answer)] * times)

    # -- what was sent ----------------------------------------------------

    def api_calls(self):
        return [c for c in self.calls if c.path.startswith("/xapi/")]

    def token_calls(self):
        return [c for c in self.calls if c.path == "/connect/token"]

    def writes(self):
        return [c for c in self.api_calls() if c.method in WRITES]

    # -- requests.Session interface ---------------------------------------

    def request(self, method, url, headers=None, json=None, data=None, **_kwargs):
        call = Call(method, url, headers, json, data)
        self.calls.append(call)
        for index, (want_method, want_path, answer) in enumerate(self.scripted):
            if want_method in (None, method) and (want_path in call.path if want_path else call.path.startswith("/xapi/")):
                del self.scripted[index]
                if isinstance(answer, BaseException):
                    raise answer
                return answer
        if call.path == "/connect/token":
            return self._token(data or {})
        if call.headers.get("Authorization") != "Bearer %s" % self.active_token or not self.active_token:
            return FakeResponse(401)
        return self.route(call)

    def route(self, call):
        """Answer an authenticated API request."""
        method = call.method
        others = {"/xapi/v1/Groups": self.groups, "/xapi/v1/Trunks": self.trunks}
        if call.path in others and method == "GET":
            skip, top = int(call.query.get("$skip", 0)), int(call.query.get("$top", 100))
            return FakeResponse(200, {"value": copy.deepcopy(others[call.path][skip:skip + top])})
        match = re.match(r"^/xapi/v1/CallFlowApps(?:\((\d+)\))?$", call.path)
        if not match:
            return odata_error(404, "No route for %s" % call.path)
        if match.group(1) is None:
            return self._collection(call) if method == "GET" else self._create(call) if method == "POST" else FakeResponse(405)
        app = self.apps.get(int(match.group(1)))
        if app is None:
            return odata_error(404, "Not found")
        if method == "GET":
            return FakeResponse(200, dict(self._shape(app, call.query), **{"@odata.context": CONTEXT + "/$entity"}))
        if method == "PATCH":
            return self._write(app, call.json) or FakeResponse(204)
        if method == "DELETE":
            del self.apps[app["Id"]]
            return FakeResponse(204)
        return FakeResponse(405)

    def close(self):
        pass

    # -- routes -----------------------------------------------------------

    def _token(self, form):
        if form.get("grant_type") != "client_credentials" or (form.get("client_id"), form.get("client_secret")) != (
                self.client_id, self.client_secret):
            return FakeResponse(401, {"error": "unauthorized", "error_description": "Invalid client credentials."})
        return FakeResponse(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": self.issue_token(),
                                  "refresh_token": None})

    def _collection(self, call):
        top, skip = int(call.query.get("$top", 100)), int(call.query.get("$skip", 0))
        if top > 100:
            return odata_error(400, "The limit of '100' for Top query has been exceeded.")
        apps = sorted(self.apps.values(), key=lambda a: a["Id"])
        if "$filter" in call.query:
            text = call.query["$filter"]
            if not re.match(r"^%s( and %s)*$" % (CLAUSE, CLAUSE), text):
                return odata_error(400, "The fake cannot parse $filter %r" % text)
            for field, value in re.findall(CLAUSE, text):
                value = value[1:-1].replace("''", "'") if value.startswith("'") else int(value)
                apps = [a for a in apps if a.get(field) == value]
        page = [self._shape(a, call.query) for a in apps[skip:skip + top]]
        return FakeResponse(200, {"@odata.context": CONTEXT, "value": page})

    def _create(self, call):
        body = call.json or {}
        if any(a["Number"] == body.get("Number") for a in self.apps.values()):
            return FakeResponse(400, ODATA_DUPLICATE)
        app = self.add(InvalidScript=True, CompilationSucceeded=False, IsRegistered=False)
        return self._write(app, body) or FakeResponse(201, dict(self._shape(app, {}), **{"@odata.context": CONTEXT + "/$entity"}))

    def _write(self, app, body):
        """Apply a POST/PATCH body the way the PBX does; answer an error response or None."""
        if set(body) - set(WRITABLE):
            return FakeResponse(400, BIND_ERROR)
        if "Number" in body and app["Number"] not in (None, body["Number"]):
            return odata_error(400, "Number:\nWARNINGS.XAPI.CANNOT_CHANGE", [{"message": "WARNINGS.XAPI.CANNOT_CHANGE", "target": "Number"}])
        for name, value in copy.deepcopy(body).items():
            if name == "ScriptCode" and value is not None:
                value = "\r\n".join(value.replace("\r\n", "\n").split("\n"))  # the PBX stores CRLF
            if name == "Groups":  # the PBX fills in the department's own properties
                value = [dict(g, Name="Group %s" % g["GroupId"], Id=100 + g["GroupId"]) for g in value]
            app[name] = value
        if "ScriptCode" in body:
            outcome = self.compiler(body["ScriptCode"])
            if outcome is not None:
                self.compiles += 1
                app.update(outcome)
                if outcome.get("CompilationSucceeded"):
                    app["CompilationLastSuccess"] = "2026-11-24T10:00:%02dZ" % self.compiles
        return None

    @staticmethod
    def _shape(app, query):
        """The app as a read returns it: $select picks properties, $expand brings navigation properties,
        and Rights/GroupRights of a group only with a nested Groups($expand=Rights,GroupRights)."""
        select = [s for s in query.get("$select", "").split(",") if s]
        expand_text = query.get("$expand", "")
        expand = re.sub(r"\([^)]*\)", "", expand_text).split(",")
        group_nav = dict(re.findall(r"(\w+)\(\$expand=([^)]*)\)", expand_text)).get("Groups", "").split(",")
        names = [n for n in (select or PLAIN) if n not in NAVIGATION] + [n for n in NAVIGATION if n in expand]
        shaped = dict((name, copy.deepcopy(app.get(name))) for name in names)
        if shaped.get("Groups"):
            shaped["Groups"] = [dict((k, v) for k, v in g.items() if k not in ("Rights", "GroupRights") or k in group_nav)
                                for g in shaped["Groups"]]
        return shaped


def make_client(fake, **kwargs):
    """An XapiClient over the fake, logging in with the client credentials; sleeps are recorded in fake.sleeps."""
    kwargs.setdefault("client_id", CLIENT_ID)
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    return client_module.XapiClient(kwargs.pop("base_url", BASE_URL), session=fake, sleep=fake.sleeps.append, **kwargs)
