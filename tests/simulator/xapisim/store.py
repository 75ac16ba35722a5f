"""The PBX state: departments, trunks, call flow apps, and the rules that guard them.

One re-entrant lock guards everything; every public method takes it, so handler threads
see each request as atomic.  Compilation is settled lazily: a script change records a
deadline and the next access after that deadline applies the result, stamped with the
deadline time.  That keeps tests deterministic without a timer thread.
"""

import threading
import time
from datetime import datetime, timezone

from . import errors
from .compiler import compile_script, normalise_script
from .errors import ApiError, bind_error, warning_error
from .model import CALLFLOW_APP, GROUP, INT32_MAX, INT32_MIN, TRUNK, TYPES, ROLE_NAMES, rights_for
from .odata import sort_entities
from .seed import builtin_seed, group_template, trunk_template

DEFAULT_ROLE = "users"
DEFAULT_ROUTING_TYPE = "DialCode"
DEFAULT_TRANSCRIPTION_MODE = "Inherit"
FIRST_DN_ID = 100
FIRST_GROUP_ID = 1
FIRST_MEMBERSHIP_ID = 1000

_DATETIME_CHARS = set("0123456789-:.TZ+")


def iso_utc(timestamp):
    """ISO 8601 UTC with microseconds and a Z, as the PBX writes date-times."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AppRecord:
    """A stored call flow app: its structural properties plus what links it to others."""

    __slots__ = ("props", "memberships", "trunk_id", "files", "compile_due", "last_success")

    def __init__(self, props):
        self.props = props
        self.memberships = []   # [(membership_id, group_id, role_name)]
        self.trunk_id = None
        self.files = []
        self.compile_due = None
        self.last_success = 0.0


# ---------------------------------------------------------------------------------------
# Body binding: the checks a body must pass before anything else happens.
# ---------------------------------------------------------------------------------------

def _kind_error(value, prop):
    """Why ``value`` does not fit ``prop`` (None when it fits); not recursive into objects."""
    if value is None:
        return None if prop.nullable else "A null value was found for a property that is not nullable."
    if prop.kind == "string" and not isinstance(value, str):
        return "Cannot convert the literal '%s' to the expected type 'Edm.String'." % (value,)
    if prop.kind == "int" and (not isinstance(value, int) or isinstance(value, bool) or not INT32_MIN <= value <= INT32_MAX):
        return "Cannot convert the literal '%s' to the expected type 'Edm.Int32'." % (value,)
    if prop.kind == "bool" and not isinstance(value, bool):
        return "Cannot convert the literal '%s' to the expected type 'Edm.Boolean'." % (value,)
    if prop.kind == "datetime" and (not isinstance(value, str) or len(value) < 10 or not set(value) <= _DATETIME_CHARS):
        return "Cannot convert the literal '%s' to the expected type 'Edm.DateTimeOffset'." % (value,)
    if prop.kind == "enum" and (not isinstance(value, str) or value not in prop.values):
        return "The value '%s' is not a valid member of the enumeration (%s)." % (value, ", ".join(prop.values))
    if prop.kind in ("object", "any_object") and not isinstance(value, dict):
        return "A value of an object type was expected, found '%s'." % (value,)
    return None


def check_body(body, etype, path=""):
    """Return ``(reason, target)`` for the first binding problem of ``body``, or None."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object of type '%s'." % etype.name, path or etype.name
    for name, value in body.items():
        target = path + name
        prop = etype.props.get(name)
        if prop is None:
            return ("The property '%s' does not exist on type '%s'. Make sure to only use property names that are "
                    "defined by the type." % (name, etype.name)), target
        values = value if prop.many else [value]
        if prop.many and not isinstance(value, list):
            return "A collection was expected for property '%s'." % name, target
        for item in values:
            if prop.many and item is None:
                return "A collection element of property '%s' is null." % name, target
            reason = _kind_error(item, prop)
            if reason:
                return reason, target
            if prop.kind == "object" and item is not None:
                problem = check_body(item, TYPES[prop.ref], target + "/")
                if problem:
                    return problem
    return None


def bind(body):
    """Raise the server's bind-failure 400 when ``body`` does not fit a Pbx.CallFlowApp."""
    if check_body(body, CALLFLOW_APP):
        raise bind_error()


def _check_seed_item(item, etype):
    """Unlike the API's bind error, a refused seed item says what is wrong with it."""
    problem = check_body(item, etype)
    if problem:
        raise ApiError(400, {"error": "%s (%s)" % problem})


def _require_text(body, name, present_required=True):
    """REQUIRED when missing/null, CAN_NOT_BE_EMPTY_STRING when blank."""
    if name not in body and not present_required:
        return
    value = body.get(name)
    if value is None:
        raise warning_error(name, "WARNINGS.XAPI.REQUIRED")
    if not value.strip():
        raise warning_error(name, "WARNINGS.XAPI.CAN_NOT_BE_EMPTY_STRING")


class Store:
    """Everything the PBX knows, behind one lock."""

    def __init__(self, config, extra_seed=None, clock=time.time):
        self.lock = threading.RLock()
        self.config = config
        self.clock = clock
        self.extra_seed = extra_seed
        self.apps = {}
        self.groups = {}
        self.trunks = {}
        self.numbers = {}
        self.pending = {}
        self.next_dn_id = FIRST_DN_ID
        self.next_group_id = FIRST_GROUP_ID
        self.next_membership_id = FIRST_MEMBERSHIP_ID
        self.reset()

    # -- seeding ----------------------------------------------------------------------

    def reset(self):
        """Back to the built-in data plus the ``--seed`` file."""
        with self.lock:
            self.apps, self.groups, self.trunks, self.numbers, self.pending = {}, {}, {}, {}, {}
            self.next_dn_id = FIRST_DN_ID
            self.next_group_id = FIRST_GROUP_ID
            self.next_membership_id = FIRST_MEMBERSHIP_ID
            self.seed(builtin_seed())
            if self.extra_seed:
                self.seed(self.extra_seed)

    def seed(self, data):
        """Add entities directly (``POST /_sim/seed``); answers the new ids per kind.

        Every item is checked before anything is stored, so a bad item changes nothing.
        """
        if not isinstance(data, dict):
            raise ApiError(400, {"error": "the seed must be a JSON object"})
        unknown = set(data) - {"groups", "trunks", "callflow_apps", "other_numbers"}
        if unknown:
            raise ApiError(400, {"error": "unknown seed keys: %s" % ", ".join(sorted(unknown))})
        with self.lock:
            saved = self._snapshot()
            try:
                return self._seed_all(data)
            except ApiError as exc:
                self._restore(saved)
                raise _control_error(exc) from exc

    def _snapshot(self):
        return (dict(self.apps), dict(self.groups), dict(self.trunks), dict(self.numbers), dict(self.pending),
                self.next_dn_id, self.next_group_id, self.next_membership_id)

    def _restore(self, saved):
        (self.apps, self.groups, self.trunks, self.numbers, self.pending,
         self.next_dn_id, self.next_group_id, self.next_membership_id) = saved

    def _seed_all(self, data):
        for number in _seed_list(data, "other_numbers"):
            if not isinstance(number, str):
                raise ApiError(400, {"error": "other_numbers must hold strings"})
            self._claim_number(number, "other", None)
        result = {"groups": [], "trunks": [], "callflow_apps": []}
        for index, item in enumerate(_seed_list(data, "groups")):
            result["groups"].append(self._labelled("groups", index, self._seed_group, item))
        for index, item in enumerate(_seed_list(data, "trunks")):
            result["trunks"].append(self._labelled("trunks", index, self._seed_trunk, item))
        for index, item in enumerate(_seed_list(data, "callflow_apps")):
            result["callflow_apps"].append(self._labelled("callflow_apps", index, self._seed_app, item))
        return result

    @staticmethod
    def _labelled(kind, index, func, item):
        try:
            return func(item)
        except ApiError as exc:
            raise ApiError(400, {"error": "%s[%d]: %s" % (kind, index, _message_of(exc))}) from exc

    def _seed_group(self, item):
        if not isinstance(item, dict):
            raise ApiError(400, {"error": "a group must be an object"})
        _check_seed_item(item, GROUP)
        if not item.get("Name"):
            raise ApiError(400, {"error": "a group needs a Name"})
        group_id = self._take_id(item.get("Id"), self.groups, "next_group_id")
        number = item.get("Number") or "GRP%04d" % group_id
        group = group_template(item["Name"], number)
        group.update({k: v for k, v in item.items() if not GROUP.is_nav(k)})
        group["Id"], group["Number"] = group_id, number
        self._claim_number(number, "group", group_id)
        self.groups[group_id] = group
        return group_id

    def _seed_trunk(self, item):
        if not isinstance(item, dict):
            raise ApiError(400, {"error": "a trunk must be an object"})
        _check_seed_item(item, TRUNK)
        trunk_id = self._take_id(item.get("Id"), self._dn_ids(), "next_dn_id")
        number = item.get("Number") or str(10000 + len(self.trunks))
        trunk = trunk_template(number)
        trunk.update({k: v for k, v in item.items() if not TRUNK.is_nav(k)})
        trunk["Id"], trunk["Number"] = trunk_id, number
        self._claim_number(number, "trunk", trunk_id)
        self.trunks[trunk_id] = trunk
        return trunk_id

    def _seed_app(self, item):
        if not isinstance(item, dict):
            raise ApiError(400, {"error": "an app must be an object"})
        files = item.get("Files", [])
        body = {k: v for k, v in item.items() if k != "Files"}
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise ApiError(400, {"error": "Files must be a list of strings"})
        _check_seed_item(body, CALLFLOW_APP)
        _require_text(body, "Number")
        _require_text(body, "Name")
        self._check_number_free(body["Number"])
        memberships = self._resolve_groups(body.get("Groups"), None)
        trunk_id = self._resolve_trunk(body["Trunk"]) if "Trunk" in body else None
        app_id = self._take_id(body.get("Id"), self._dn_ids(), "next_dn_id")
        now = self.clock()
        succeeded = body.get("CompilationSucceeded", True)
        props = self._new_props(app_id, body)
        props.update({
            "CompilationSucceeded": succeeded,
            "InvalidScript": body.get("InvalidScript", not succeeded),
            "CompilationResult": body.get("CompilationResult", "" if succeeded else None),
            "CompilationLastSuccess": body.get("CompilationLastSuccess", iso_utc(now) if succeeded else None),
            "IsRegistered": body.get("IsRegistered", False),
            "RejectedCode": body.get("RejectedCode"),
        })
        record = AppRecord(props)
        record.memberships, record.trunk_id, record.files = self._number_memberships(memberships), trunk_id, list(files)
        record.last_success = now if succeeded else 0.0
        self._claim_number(props["Number"], "callflow_app", app_id)
        self.apps[app_id] = record
        return app_id

    def _dn_ids(self):
        ids = set(self.apps)
        ids.update(self.trunks)
        return ids

    def _take_id(self, wanted, taken, counter):
        """Use an explicit Id (when free) or the next one of ``counter``; keep the counter ahead."""
        if wanted is None:
            wanted = getattr(self, counter)
            while wanted in taken:
                wanted += 1
        elif wanted in taken:
            raise ApiError(400, {"error": "Id %s is already used" % wanted})
        setattr(self, counter, max(getattr(self, counter), wanted + 1))
        return wanted

    # -- numbers ----------------------------------------------------------------------

    def _check_number_free(self, number):
        if number in self.numbers:
            raise warning_error("Number", "WARNINGS.XAPI.ALREADY_IN_USE")

    def _claim_number(self, number, kind, entity_id):
        if number in self.numbers:
            raise ApiError(400, {"error": "number %s is already in use" % number})
        self.numbers[number] = (kind, entity_id)

    # -- references -------------------------------------------------------------------

    def default_group_id(self):
        """Id of the department flagged IsDefault (the first one if several are)."""
        for group_id, group in self.groups.items():
            if group.get("IsDefault"):
                return group_id
        return next(iter(self.groups))

    def _resolve_groups(self, value, record):
        """Turn a written ``Groups`` array into memberships; an empty one means DEFAULT."""
        if not value:
            value = [{"GroupId": self.default_group_id()}]
        existing = {m[1]: m[0] for m in record.memberships} if record else {}
        seen, result = set(), []
        for item in value:
            group_id = item.get("GroupId")
            if group_id is None:
                raise warning_error("Groups", "WARNINGS.XAPI.REQUIRED")
            if group_id not in self.groups:
                raise warning_error("Groups", "WARNINGS.XAPI.NOT_FOUND")
            if group_id in seen:
                raise warning_error("Groups", "WARNINGS.XAPI.DUPLICATE")
            seen.add(group_id)
            role = (item.get("Rights") or {}).get("RoleName") or DEFAULT_ROLE
            if role not in ROLE_NAMES:
                raise warning_error("Groups", "WARNINGS.XAPI.NOT_FOUND")
            result.append((existing.get(group_id), group_id, role))
        return result

    def _number_memberships(self, memberships):
        """Give new memberships an Id (done only once a write is sure to succeed)."""
        numbered = []
        for mid, gid, role in memberships:
            if mid is None:
                mid = self.next_membership_id
                self.next_membership_id += 1
            numbered.append((mid, gid, role))
        return numbered

    def _resolve_trunk(self, value):
        """A ``Trunk`` reference by Id or Number to a trunk Id; null unlinks."""
        if value is None:
            return None
        if value.get("Id") is not None:
            if value["Id"] in self.trunks:
                return value["Id"]
        elif value.get("Number") is not None:
            for trunk_id, trunk in self.trunks.items():
                if trunk["Number"] == value["Number"]:
                    return trunk_id
        raise warning_error("Trunk", "WARNINGS.XAPI.NOT_FOUND")

    # -- compilation ------------------------------------------------------------------

    def _schedule_compile(self, record, now):
        delay = self.config.compile_delay
        record.compile_due = now + delay
        if delay <= 0:
            self._compile(record)
        else:
            self.pending[record.props["Id"]] = record

    def _compile(self, record):
        """Apply the compiler's verdict, stamped with the time the compile was due."""
        due = record.compile_due
        record.compile_due = None
        succeeded, output = compile_script(record.props.get("ScriptCode"))
        record.props["CompilationSucceeded"] = succeeded
        record.props["InvalidScript"] = not succeeded
        record.props["CompilationResult"] = output
        if succeeded:
            # Strictly increasing so that a client waiting for a change always sees one.
            stamp = max(due, record.last_success + 1e-6)
            record.last_success = stamp
            record.props["CompilationLastSuccess"] = iso_utc(stamp)

    def settle(self):
        """Finish every compilation whose deadline has passed."""
        with self.lock:
            if not self.pending:
                return
            now = self.clock()
            for app_id, record in list(self.pending.items()):
                if record.compile_due is not None and record.compile_due <= now:
                    self._compile(record)
                    del self.pending[app_id]

    # -- call flow apps: writes ----------------------------------------------------------

    def _new_props(self, app_id, body):
        script = body.get("ScriptCode")
        if script is not None and self.config.rewrite_scripts:
            script = normalise_script(script)
        return {
            "Id": app_id,
            "Number": body["Number"],
            "Name": body["Name"],
            "TranscriptionMode": body.get("TranscriptionMode") or DEFAULT_TRANSCRIPTION_MODE,
            "RoutingType": body.get("RoutingType") or DEFAULT_ROUTING_TYPE,
            "ScriptCode": script,
            "CompilationLastSuccess": None,
            "CompilationResult": None,
            "CompilationSucceeded": False,
            "InvalidScript": True,
            "IsRegistered": False,
            "RejectedCode": None,
        }

    def create_app(self, body):
        """POST: validate, store, schedule the first compile; answers the full entity."""
        bind(body)
        with self.lock:
            self.settle()
            _require_text(body, "Number")
            _require_text(body, "Name")
            self._check_number_free(body["Number"])
            memberships = self._resolve_groups(body.get("Groups"), None)
            trunk_id = self._resolve_trunk(body["Trunk"]) if "Trunk" in body else None
            app_id = self._take_id(None, self._dn_ids(), "next_dn_id")
            record = AppRecord(self._new_props(app_id, body))
            record.memberships = self._number_memberships(memberships)
            record.trunk_id = trunk_id
            self._claim_number(body["Number"], "callflow_app", app_id)
            self.apps[app_id] = record
            self._schedule_compile(record, self.clock())
            return dict(record.props)

    def patch_app(self, app_id, body):
        """PATCH: validate everything first, then apply; a changed script is recompiled."""
        bind(body)
        with self.lock:
            self.settle()
            record = self._app(app_id)
            props = record.props
            if "Number" in body and body["Number"] != props["Number"]:
                raise warning_error("Number", "WARNINGS.XAPI.FORBIDDEN_CHANGE")
            _require_text(body, "Name", present_required=False)
            memberships = self._resolve_groups(body["Groups"], record) if "Groups" in body else None
            trunk_id = self._resolve_trunk(body["Trunk"]) if "Trunk" in body else record.trunk_id
            for name in ("Name", "TranscriptionMode", "RoutingType"):
                if name in body:
                    props[name] = body[name]
            if memberships is not None:
                record.memberships = self._number_memberships(memberships)
            record.trunk_id = trunk_id
            if "ScriptCode" in body:
                script = body["ScriptCode"]
                if script is not None and self.config.rewrite_scripts:
                    script = normalise_script(script)
                if script != props["ScriptCode"]:
                    props["ScriptCode"] = script
                    self._schedule_compile(record, self.clock())

    def delete_app(self, app_id):
        """DELETE: forget the app and free its number."""
        with self.lock:
            record = self._app(app_id)
            del self.apps[app_id]
            self.pending.pop(app_id, None)
            self.numbers.pop(record.props["Number"], None)

    def delete_file(self, app_id, body):
        """``Pbx.DeleteFile``: remove one audio file name from an app."""
        if not isinstance(body, dict) or set(body) - {"filename"} or not isinstance(body.get("filename", ""), str):
            raise ApiError(400, errors.odata_body("The parameters field is required."))
        with self.lock:
            record = self._app(app_id)
            if not body.get("filename"):
                raise warning_error("filename", "WARNINGS.XAPI.REQUIRED")
            if body["filename"] not in record.files:
                raise warning_error("filename", "WARNINGS.XAPI.FILE_NOT_FOUND")
            record.files.remove(body["filename"])

    # -- reads ------------------------------------------------------------------------

    def _app(self, app_id):
        record = self.apps.get(app_id)
        if record is None:
            raise errors.not_found("No CallFlowApp with Id %s was found." % app_id)
        return record

    def app_files(self, app_id):
        """The audio file names of an app."""
        with self.lock:
            return list(self._app(app_id).files)

    def _membership_view(self, record, membership):
        mid, gid, role = membership
        group = self.groups[gid]
        rights = rights_for(role)
        return {
            "CanDelete": True,
            "GroupId": gid,
            "GroupRights": rights,
            "Id": mid,
            "MemberName": record.props["Name"],
            "Name": group["Name"],
            "Number": group["Number"],
            "Rights": dict(rights),
            "Tags": [],
            "TranscriptionMode": record.props.get("TranscriptionMode"),
            "Type": "RoutePoint",
        }

    def app_view(self, record, navs):
        """Structural properties plus the navigation properties named in ``navs``."""
        if not navs:
            return record.props
        view = dict(record.props)
        if "Groups" in navs:
            view["Groups"] = [self._membership_view(record, m) for m in record.memberships]
        if "Trunk" in navs:
            view["Trunk"] = self.trunk_view(self.trunks[record.trunk_id], ()) if record.trunk_id in self.trunks else None
        return view

    def group_view(self, group, navs):
        """A department with HasMembers computed and expandable Members/Rights."""
        group_id = group["Id"]
        members = [(r, m) for r in self.apps.values() for m in r.memberships if m[1] == group_id]
        view = dict(group, HasMembers=bool(members))
        if "Members" in navs:
            view["Members"] = [self._membership_view(r, m) for r, m in members]
        if "Rights" in navs:
            view["Rights"] = [rights_for(role) for role in ROLE_NAMES]
        for name in ("Groups", "OfficeHolidays"):
            if name in navs:
                view[name] = []
        return view

    @staticmethod
    def trunk_view(trunk, navs):
        """A trunk; its navigation collections are always empty in the simulator."""
        view = dict(trunk)
        for name in navs:
            view[name] = []
        return view

    def get_entity(self, kind, key):
        """The view of one entity (``key`` is an Id, or ``("Number", n)`` for trunks)."""
        with self.lock:
            self.settle()
            if kind == "CallFlowApps":
                return self._app(key), self.app_view
            table = self.groups if kind == "Groups" else self.trunks
            if isinstance(key, tuple):
                found = [t for t in table.values() if t.get("Number") == key[1]]
                entity = found[0] if found else None
            else:
                entity = table.get(key)
            if entity is None:
                raise errors.not_found("No %s entity with key %s was found." % (kind[:-1], key))
            return entity, (self.group_view if kind == "Groups" else self.trunk_view)

    def read_entity(self, kind, key, navs):
        """The view of one entity with the navigation properties named in ``navs``."""
        with self.lock:
            entity, view = self.get_entity(kind, key)
            return view(entity, navs)

    def list_entities(self, kind, opts, page_size):
        """Filter, count, order, page; answers (views, count, next_skip or None)."""
        with self.lock:
            self.settle()
            if kind == "CallFlowApps":
                rows, props, view = list(self.apps.values()), _record_props, self.app_view
            elif kind == "Groups":
                rows, props, view = list(self.groups.values()), _same, self.group_view
            else:
                rows, props, view = list(self.trunks.values()), _same, self.trunk_view
            if opts.filter is not None:
                predicate = opts.filter
                rows = [r for r in rows if predicate(props(r))]
            if opts.search:
                rows = [r for r in rows if _search_hit(props(r), opts.search)]
            count = len(rows)
            rows.sort(key=lambda r: props(r)["Id"])
            sort_entities(rows, opts.orderby, props)
            limit = opts.top
            next_skip = None
            if limit is None and page_size:
                limit = page_size
                if opts.skip + limit < count:
                    next_skip = opts.skip + limit
            end = None if limit is None else opts.skip + limit
            navs = tuple(opts.shape.expand)
            return [view(r, navs) for r in rows[opts.skip:end]], count, next_skip

    def state(self):
        """Everything, with every property (``GET /_sim/state``)."""
        with self.lock:
            self.settle()
            apps = []
            for record in self.apps.values():
                view = dict(self.app_view(record, ("Groups", "Trunk")))
                view["Files"] = list(record.files)
                view["CompilePending"] = record.compile_due is not None
                apps.append(view)
            return {
                "callflow_apps": apps,
                "groups": [self.group_view(g, ()) for g in self.groups.values()],
                "trunks": [dict(t) for t in self.trunks.values()],
                "other_numbers": sorted(n for n, owner in self.numbers.items() if owner[0] == "other"),
            }


def _record_props(record):
    return record.props


def _same(entity):
    return entity


def _search_hit(props, term):
    for name in ("Name", "Number"):
        value = props.get(name)
        if isinstance(value, str) and term in value.lower():
            return True
    return False


def _seed_list(data, key):
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ApiError(400, {"error": "%s must be a list" % key})
    return value


def _message_of(exc):
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            details = error.get("details") or []
            extra = "; ".join("%s (%s)" % (d.get("message"), d.get("target")) for d in details)
            return error.get("message", "") + (" - " + extra if extra else "")
        if isinstance(error, str):
            return error
    return str(body)


def _control_error(exc):
    """Control API errors are plain ``{"error": "..."}``."""
    if isinstance(exc.body, dict) and isinstance(exc.body.get("error"), str):
        return exc
    return ApiError(400, {"error": _message_of(exc)})
