"""The PBX state: every entity set and singleton, and the engine that reads and writes them.

One re-entrant lock guards everything; every public method takes it, so handler threads
see each request as atomic.  What each set does beyond the generic rules lives in
``xapisim.rules``.  Compilation of call flow apps is settled lazily: a script change
records a deadline and the next access after that deadline applies the result, stamped
with the deadline time, which keeps tests deterministic without a timer thread.
"""

import copy
import threading
import time
from datetime import datetime, timezone

from . import errors
from .binding import normalise_flags
from .compiler import compile_script, normalise_script
from .defaults import default_object
from .errors import ApiError, warning_error
from .model import TYPES, rights_for
from .navs import NOT_FOUND
from .odata import sort_entities
from .rules import ALREADY_IN_USE, CONCEALED, PLAIN_SECRETS, SEARCH_FIELDS, build_rules
from .seed import LEGACY_KEYS, SEED_ORDER, builtin_seed

FIRST_DN_ID = 100
FIRST_MEMBERSHIP_ID = 1000
FIRST_IDS = {"DN": FIRST_DN_ID, "membership": FIRST_MEMBERSHIP_ID}

# Where an internal destination's number must be, by ``To`` (``Pbx.DestinationType``).
DESTINATION_SETS = {"Extension": ("Users",), "VoiceMail": ("Users",), "Queue": ("Queues",), "RingGroup": ("RingGroups",),
                    "IVR": ("Receptionists",), "Fax": ("Fax",), "RoutePoint": ("CallFlowApps", "ServicePrincipals")}
# DN sets in the order /Peers and lookups walk them; departments are DNs too but hold no memberships.
DN_SETS = ("Groups", "Users", "Queues", "RingGroups", "Receptionists", "Trunks", "Parkings", "Fax", "CallFlowApps",
           "ServicePrincipals")
MEMBER_SETS = DN_SETS[1:]


def iso_utc(timestamp):
    """ISO 8601 UTC with microseconds and a Z, as the PBX writes date-times."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Record:
    """A stored entity: structural properties, navigation data, and what links it to others."""

    __slots__ = ("key", "props", "links", "memberships", "files", "compile_due", "last_success")

    def __init__(self, key, props):
        self.key = key
        self.props = props
        self.links = {}
        self.memberships = []   # [(membership_id, group_id, role_name)] of a DN
        self.files = []         # audio files of a call flow app
        self.compile_due = None
        self.last_success = 0.0


class Db:
    """Everything mutable, in one object so that a refused seed can restore it whole."""

    def __init__(self, set_names, singletons):
        self.tables = {name: {} for name in set_names}
        self.singles = singletons
        self.numbers = {}    # DN number -> (set name, key); ("", None) for numbers of DNs not modelled
        self.members = {}    # department id -> {(set name, key): True}
        self.counters = dict(FIRST_IDS)
        self.pending = {}    # call flow app id -> Record whose compilation is due


class Write:
    """One POST, PATCH or seed item on its way: what it will store, checked first."""

    def __init__(self, store, rules, body, rec, seeding):
        self.store = store
        self.rules = rules
        self.body = body
        self.rec = rec
        self.seeding = seeding
        self.key = None
        self.props = {}
        self.appliers = []
        self.memberships = None
        self.script_changed = False
        self.files = None

    @property
    def creating(self):
        """True for a POST (or a seed item)."""
        return self.rec is None

    def old(self, name):
        """The stored value of a property (None on create)."""
        return self.rec.props.get(name) if self.rec is not None else None


class Store:
    """Everything the PBX knows, behind one lock."""

    def __init__(self, config, extra_seed=None, clock=time.time):
        self.config = config
        self.extra_seed = extra_seed
        self.clock = clock
        self.lock = threading.RLock()
        self.sets, self.singletons = build_rules()
        self.dn_sets = DN_SETS
        self.member_sets = MEMBER_SETS
        self.db = None
        self.reset()

    # -- seeding ----------------------------------------------------------------------

    def reset(self):
        """Back to the built-in data plus the ``--seed`` file."""
        with self.lock:
            singles = {name: Record(name, default_object(rules.etype.name)) for name, rules in self.singletons.items()}
            self.db = Db(self.sets, singles)
            self.seed(builtin_seed())
            if self.extra_seed:
                self.seed(self.extra_seed)

    def seed(self, data):
        """Add entities directly (``POST /_sim/seed``); answers the new keys per set.

        Every item is checked like a POST; one bad item restores the state from before.
        """
        if not isinstance(data, dict):
            raise ApiError(400, {"error": "the seed must be a JSON object"})
        unknown = set(data) - set(LEGACY_KEYS) - set(self.sets) - set(self.singletons)
        if unknown:
            raise ApiError(400, {"error": "unknown seed keys: %s" % ", ".join(sorted(unknown))})
        with self.lock:
            saved = copy.deepcopy(self.db)
            try:
                return self._seed_all(data)
            except ApiError as exc:
                self.db = saved
                raise _control_error(exc) from exc

    def _seed_all(self, data):
        result = {"groups": [], "trunks": [], "callflow_apps": []}
        for label in SEED_ORDER + sorted(set(self.sets) - set(SEED_ORDER)) + sorted(self.singletons):
            if label not in data:
                continue
            if label == "other_numbers":
                self._seed_numbers(data[label])
            elif label in self.singletons:
                self._labelled(label, None, self._seed_singleton, label, data[label])
                result.setdefault("singletons", []).append(label)
            else:
                set_name = LEGACY_KEYS.get(label, label)
                rules = self.sets[set_name]
                if rules.live:
                    raise ApiError(400, {"error": "%s is computed from the other sets and cannot be seeded" % label})
                keys = result.setdefault(label, [])
                for index, item in enumerate(_seed_list(data, label)):
                    keys.append(self._labelled(label, index, self._seed_item, rules, item))
        return result

    def _seed_numbers(self, numbers):
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise ApiError(400, {"error": "other_numbers must be a list of strings"})
        for number in numbers:
            if number in self.db.numbers:
                raise ApiError(400, {"error": "number %s is already in use" % number})
            self.db.numbers[number] = ("", None)

    @staticmethod
    def _labelled(label, index, func, *args):
        try:
            return func(*args)
        except ApiError as exc:
            where = label if index is None else "%s[%d]" % (label, index)
            raise ApiError(400, {"error": "%s: %s" % (where, _message_of(exc))}) from exc

    def _seed_item(self, rules, item):
        if not isinstance(item, dict):
            raise ApiError(400, {"error": "an item must be an object"})
        return self._create(rules, dict(item), seeding=True).key

    def _seed_singleton(self, name, value):
        self._update_single(self.singletons[name], value, seeding=True)

    # -- lookups ----------------------------------------------------------------------

    def table(self, set_name):
        """The stored records of a set, by key."""
        return self.db.tables[set_name]

    def rules_of(self, set_name):
        """The rules object of a set."""
        return self.sets[set_name]

    def find_dn(self, number, sets):
        """``(set name, key)`` of the DN with this number when it is in one of ``sets``."""
        owner = self.db.numbers.get(number) if isinstance(number, str) else None
        return owner if owner is not None and owner[0] in sets else None

    def default_group_id(self):
        """Id of the department flagged IsDefault (the first one if none is)."""
        groups = self.table("Groups")
        for group_id, group in groups.items():
            if group.props.get("IsDefault"):
                return group_id
        return next(iter(groups))

    def members_of(self, group_id):
        """``[(set name, key)]`` of every DN in a department."""
        return list(self.db.members.get(group_id, ()))

    # -- numbers and ids ------------------------------------------------------------------

    def check_number_free(self, number):
        """ALREADY_IN_USE when any DN has this number."""
        if number in self.db.numbers:
            raise warning_error("Number", ALREADY_IN_USE)

    def claim_number(self, number, set_name, key):
        """Record that a DN holds a number."""
        self.db.numbers[number] = (set_name, key)

    def free_number(self, number):
        """A deleted DN's number is free again."""
        self.db.numbers.pop(number, None)

    def next_number(self, series):
        """The first number of a series that no DN holds (``(start, format)``)."""
        value, pattern = series
        while pattern % value in self.db.numbers:
            value += 1
        return pattern % value

    def take_id(self, rules, wanted):
        """An explicit Id (when free; seeds only) or the next one of the set's counter."""
        counter = rules.counter
        taken = self._ids_of(counter)
        if wanted is None:
            wanted = self.db.counters.get(counter, 1)
            while wanted in taken:
                wanted += 1
        elif wanted in taken:
            raise ApiError(400, {"error": "Id %s is already used" % wanted})
        self.db.counters[counter] = max(self.db.counters.get(counter, 1), wanted + 1)
        return wanted

    def _ids_of(self, counter):
        if counter != "DN":
            return self.table(counter)
        return _KeyUnion([self.table(s) for s in self.dn_sets if self.sets[s].counter == "DN"])

    def next_element_id(self):
        """Ids of elements inside collections (forwards, profiles, phones...)."""
        value = self.db.counters.get("element", 1)
        self.db.counters["element"] = value + 1
        return value

    def number_elements(self, elements, type_name):
        """Give collection elements whose type has an ``Id`` one when the client sent none."""
        prop = TYPES[type_name].props.get("Id")
        if prop is None or prop.kind != "int":
            return
        for element in elements:
            if not element.get("Id"):
                element["Id"] = self.next_element_id()

    # -- memberships ------------------------------------------------------------------

    def set_memberships(self, set_name, rec, memberships):
        """Replace a DN's memberships (new ones get an Id) and keep the department index."""
        index = self.db.members
        for _mid, group_id, _role in rec.memberships:
            index.get(group_id, {}).pop((set_name, rec.key), None)
        numbered = []
        for mid, group_id, role in memberships:
            if mid is None:
                mid = self.db.counters["membership"]
                self.db.counters["membership"] += 1
            numbered.append((mid, group_id, role))
            index.setdefault(group_id, {})[(set_name, rec.key)] = True
        rec.memberships = numbered
        self.sets[set_name].memberships_changed(self, rec)

    def replace_group_members(self, group_id, wanted):
        """A department's ``Members`` written whole: add, re-role and remove memberships."""
        default = self.default_group_id()
        roles = dict(wanted)
        for owner in self.members_of(group_id):
            if owner not in roles:
                rec = self.table(owner[0])[owner[1]]
                kept = [m for m in rec.memberships if m[1] != group_id]
                if not kept and self.sets[owner[0]].default_department:
                    kept = [(None, default, "users")]
                self.set_memberships(owner[0], rec, kept)
        for owner, role in wanted:
            rec = self.table(owner[0])[owner[1]]
            kept = [m if m[1] != group_id else (m[0], group_id, role) for m in rec.memberships]
            if all(m[1] != group_id for m in kept):
                kept.append((None, group_id, role))
            self.set_memberships(owner[0], rec, kept)

    def membership_view(self, rules, rec, membership, member_side):
        """A ``Pbx.UserGroup``: from the DN's side the department's name and number, from
        the department's side (``Members``) the member's."""
        mid, group_id, role = membership
        group = self.table("Groups")[group_id].props
        rights = rights_for(role)
        name = rules.peer_name(rec)
        return {
            "CanDelete": True, "GroupId": group_id, "GroupRights": rights, "Id": mid, "MemberName": name,
            "Name": name if member_side else group["Name"],
            "Number": rec.props["Number"] if member_side else group["Number"],
            "Rights": dict(rights), "Tags": [], "TranscriptionMode": rec.props.get("TranscriptionMode"),
            "Type": rules.peer_type,
        }

    # -- peers ------------------------------------------------------------------------

    def peer_view(self, rules, rec):
        """A ``Pbx.Peer`` of a DN (``MemberOf`` included; projection drops it unless expanded)."""
        return {"Hidden": False, "Id": rec.key, "MemberOf": self.member_of((rules.name, rec.key)),
                "Name": rules.peer_name(rec), "Number": rec.props["Number"], "Tags": [], "Type": rules.peer_type}

    def peer_record(self, set_name, rec):
        """A /Peers row for a DN."""
        rules = self.sets[set_name]
        peer = Record(rec.props["Number"], {"Hidden": False, "Id": rec.key, "Name": rules.peer_name(rec),
                                            "Number": rec.props["Number"], "Tags": [], "Type": rules.peer_type})
        peer.links["dn"] = (set_name, rec.key)
        return peer

    def member_of(self, owner):
        """``Pbx.PeerGroup`` elements: the departments of a DN and its role in each."""
        set_name, key = owner
        rec = self.table(set_name).get(key)
        if rec is None:
            return []
        primary = self.sets[set_name].primary_group(rec)
        groups = self.table("Groups")
        return [{"GroupID": gid, "IsPrimary": gid == primary, "Name": groups[gid].props["Name"],
                 "Number": groups[gid].props["Number"], "RoleName": role} for _mid, gid, role in rec.memberships]

    def did_record(self, trunk, number):
        """A /DidNumbers row."""
        did = Record(number, {"Number": number, "TemplateFileName": (trunk.props.get("Gateway") or {}).get(
            "TemplateFilename"), "TrunkId": trunk.key})
        did.links["trunk"] = trunk.key
        return did

    def did_rule(self, did, shape):
        """The inbound rule of a DID: a rule on its trunk whose ``Data`` is the number."""
        rules = self.sets["InboundRules"]
        for rule in rules.rows(self):
            if rule.links.get("TrunkDN") == ("Trunks", did.links["trunk"]) and rule.props.get("Data") == did.key:
                return self.entity_view(rules, rule, shape.expand)
        return None

    # -- writing values ---------------------------------------------------------------

    def normalise(self, value, prop, old, write, target):
        """A written value as stored: complex values completed with defaults (what was not
        sent takes its default: a complex value sent replaces the stored one), destinations
        filled from their DN, flags in declaration order, concealed passwords kept when
        written back concealed.  ``target`` names the property in warnings."""
        if value is None:
            return None
        if prop.many:
            return [self._normalise_one(v, prop, None, write, target) for v in value]
        return self._normalise_one(value, prop, old, write, target)

    def _normalise_one(self, value, prop, old, write, target):
        kind = prop.kind
        if kind == "enum" and prop.flags:
            return normalise_flags(value, prop)
        if kind == "string" and prop.max_length and len(value) > prop.max_length:
            raise warning_error(target, "WARNINGS.STRING_TOO_LONG")
        if kind != "object":
            return value
        if prop.ref == CONCEALED:
            if value.get("Concealed") is True:
                return old if old is not None else {"Concealed": False, "Value": None}
            return {"Concealed": False, "Value": value.get("Value")}
        etype = TYPES[prop.ref]
        result = default_object(prop.ref)
        old = old if isinstance(old, dict) else {}
        for name, sub_value in value.items():
            sub_prop = etype.props[name]
            if not sub_prop.nav:  # navigation properties inside complex values are not stored
                result[name] = self.normalise(sub_value, sub_prop, old.get(name), write, target)
        if prop.ref == "Pbx.Destination":
            self._fill_destination(result, target)
        return result

    def _fill_destination(self, dest, target):
        """An internal destination must name a DN of its kind; the server fills Name/Type/Tags."""
        sets = DESTINATION_SETS.get(dest.get("To"))
        if not sets:
            dest.update(Name=None, Type="None", Tags=[])
            return
        owner = self.find_dn(dest.get("Number"), sets)
        if owner is None:
            raise warning_error(target, NOT_FOUND)
        rules = self.sets[owner[0]]
        dest.update(Name=rules.peer_name(self.table(owner[0])[owner[1]]), Type=rules.peer_type, Tags=[])

    def stored_script(self, script, seeding):
        """``ScriptCode`` as stored (the ``--rewrite-scripts`` quirk; seeds are stored as given)."""
        if script is not None and self.config.rewrite_scripts and not seeding:
            return normalise_script(script)
        return script

    def gateway_from_template(self, template_id):
        """A ``Pbx.Gateway`` for a trunk template of /TrunkTemplates."""
        template = self.table("TrunkTemplates").get(template_id)
        gateway = default_object("Pbx.Gateway")
        gateway.update(Codecs=["G711A", "G711U", "G729"], DestNumberInRequestLineURI=True, IPInRegistrationContact="External",
                       Lines=10, MatchingStrategy="MatchAnyFields", RequireRegistrationFor="InOutCalls",
                       SRTPMode="SRTPDisabled", SupportReinvite=True, SupportReplaces=True, TemplateFilename=template_id,
                       TimeBetweenReg=120, Type="Provider", Id=None)
        if template is not None:
            props = template.props
            gateway.update(Name=props["Name"], Port=props.get("DefaultRegistrarPort") or 5060,
                           ProxyPort=props.get("DefaultProxyPort") or 5060, IsCustom=bool(props.get("IsCustom")))
        return gateway

    # -- entity sets: writes ----------------------------------------------------------

    def create(self, set_name, body):
        """POST: check everything, then store; answers the structural view."""
        rules = self.sets[set_name]
        with self.lock:
            self.settle()
            rec = self._create(rules, body, seeding=False)
            return self.entity_view(rules, rec, {})

    def _create(self, rules, body, seeding):
        rules.bind(body, True, seeding)
        write = Write(self, rules, body, None, seeding)
        rules.prepare(write)
        key = write.key
        if rules.key_type == "int":
            key = self.take_id(rules, body.get(rules.key) if seeding else None)
        elif rules.key is None:
            key = self.db.counters.get(rules.name, 1)
            self.db.counters[rules.name] = key + 1
        props = rules.template(self, key)
        props.update(write.props)
        if rules.key is not None:
            props[rules.key] = key
        rec = Record(key, props)
        self.table(rules.name)[key] = rec
        for apply in write.appliers:
            apply(rec)
        rules.created(write, rec)
        return rec

    def update(self, set_name, key, body):
        """PATCH: check everything, then merge the properties sent."""
        rules = self.sets[set_name]
        rules.bind(body, False, False)
        with self.lock:
            self.settle()
            rec = self._record(rules, key)
            self._apply(rules, rec, body, seeding=False)

    def _apply(self, rules, rec, body, seeding):
        write = Write(self, rules, body, rec, seeding)
        rules.prepare(write)
        rec.props.update(write.props)
        for apply in write.appliers:
            apply(rec)
        rules.updated(write, rec)

    def delete(self, set_name, key):
        """DELETE: refused by the set's rules, or the entity is forgotten."""
        rules = self.sets[set_name]
        with self.lock:
            rec = self._record(rules, key)
            rules.before_delete(self, rec)
            del self.table(set_name)[rec.key]
            rules.deleted(self, rec)

    # -- singletons -------------------------------------------------------------------

    def read_single(self, name, expand):
        """The view of a singleton."""
        with self.lock:
            rules = self.singletons[name]
            return self.entity_view(rules, self.db.singles[name], expand)

    def update_single(self, name, body):
        """PATCH of a singleton: the properties sent are merged."""
        with self.lock:
            self._update_single(self.singletons[name], body, seeding=False)

    def _update_single(self, rules, body, seeding):
        rules.bind(body, False, seeding)
        self._apply(rules, self.db.singles[rules.name], body, seeding)

    # -- reads ------------------------------------------------------------------------

    def _record(self, rules, key):
        """The record for a key: an Id/key, or ``("Number", n)`` for an alternate key."""
        if isinstance(key, tuple):
            rows = rules.rows(self) if rules.live else self.table(rules.name).values()
            found = next((r for r in rows if r.props.get(key[0]) == key[1]), None)
        else:
            found = self.table(rules.name).get(key)
        if found is None:
            raise errors.not_found("No %s entity with key %s was found." % (rules.etype.short_name, _key_text(key)))
        return found

    def read_entity(self, set_name, key, expand):
        """The view of one entity with the navigation properties named in ``expand``."""
        rules = self.sets[set_name]
        with self.lock:
            self.settle()
            return self.entity_view(rules, self._record(rules, key), expand)

    def entity_view(self, rules, rec, expand, base=None):
        """Structural properties (secrets concealed) plus the navigation properties expanded."""
        view = conceal(rules.structural(self, rec) if base is None else base, rules.etype.name,
                       self.config.secrets_in_clear)
        if expand:
            if view is rec.props:
                view = dict(view)
            for nav, sub in expand.items():
                view[nav] = rules.navs[nav].view(self, rules, rec, nav, sub)
        return view

    def list_entities(self, set_name, opts, page_size, rows=None):
        """Filter, count, order, page; answers (views, count, next_skip or None)."""
        rules = self.sets[set_name]
        with self.lock:
            self.settle()
            records = rules.rows(self) if rows is None else rows(self)
            pairs = [(rec, rules.structural(self, rec)) for rec in records]
            if opts.filter is not None:
                predicate = opts.filter
                pairs = [p for p in pairs if predicate(p[1])]
            if opts.search:
                pairs = [p for p in pairs if _search_hit(p[1], opts.search)]
            count = len(pairs)
            if rules.key is not None:
                pairs.sort(key=lambda p: p[0].key)
            sort_entities(pairs, opts.orderby, lambda p: p[1])
            limit, next_skip = opts.top, None
            if limit is None and page_size:
                limit = page_size
                if opts.skip + limit < count:
                    next_skip = opts.skip + limit
            end = None if limit is None else opts.skip + limit
            expand = opts.shape.expand
            views = [self.entity_view(rules, rec, expand, base) for rec, base in pairs[opts.skip:end]]
            return views, count, next_skip

    # -- bound functions --------------------------------------------------------------

    def first_available(self, set_name):
        """``Pbx.GetFirstAvailable*Number()``."""
        with self.lock:
            return self.next_number(self.sets[set_name].number_series)

    def init_trunk(self, template_id):
        """``Pbx.InitTrunk(template=…)``: a complete trunk body built from a template."""
        with self.lock:
            if template_id not in self.table("TrunkTemplates"):
                raise warning_error("template", NOT_FOUND)
            rules = self.sets["Trunks"]
            body = rules.template(self, 0)
            body.update(Id=0, Number=self.next_number(rules.number_series), Gateway=self.gateway_from_template(template_id))
            return conceal(body, rules.etype.name, self.config.secrets_in_clear)

    def init_fax(self):
        """``Pbx.InitFax()``: a fax extension body with its number and credentials."""
        with self.lock:
            rules = self.sets["Fax"]
            number = self.next_number(rules.number_series)
            body = rules.template(self, number)
            body.update(Id=0, Number=number)
            return conceal(body, rules.etype.name, self.config.secrets_in_clear)

    def parameter_by_name(self, name):
        """``Pbx.GetParameterByName(name=…)``."""
        with self.lock:
            rules = self.sets["Parameters"]
            return self.entity_view(rules, self._record(rules, ("Name", name)), {})

    # -- call flow apps ---------------------------------------------------------------

    def app_created(self, write, rec):
        """A new app: seeded ones are compiled OK unless they say otherwise; others compile."""
        if not write.seeding:
            self.schedule_compile(rec)
            return
        rec.files = list(write.files or ())
        props, body, now = rec.props, write.body, self.clock()
        succeeded = body.get("CompilationSucceeded", True)
        props.update(CompilationSucceeded=succeeded, InvalidScript=body.get("InvalidScript", not succeeded),
                     CompilationResult=body.get("CompilationResult", "" if succeeded else None),
                     CompilationLastSuccess=body.get("CompilationLastSuccess", iso_utc(now) if succeeded else None),
                     IsRegistered=body.get("IsRegistered", False), RejectedCode=body.get("RejectedCode"))
        rec.last_success = now if succeeded else 0.0

    def schedule_compile(self, rec):
        """A script change compiles ``compile_delay`` seconds later."""
        delay = self.config.compile_delay
        rec.compile_due = self.clock() + delay
        if delay <= 0:
            self._compile(rec)
        else:
            self.db.pending[rec.key] = rec

    def _compile(self, rec):
        """Apply the compiler's verdict, stamped with the time the compile was due."""
        due = rec.compile_due
        rec.compile_due = None
        succeeded, output = compile_script(rec.props.get("ScriptCode"))
        rec.props.update(CompilationSucceeded=succeeded, InvalidScript=not succeeded, CompilationResult=output)
        if succeeded:
            # Strictly increasing so that a client waiting for a change always sees one.
            stamp = max(due, rec.last_success + 1e-6)
            rec.last_success = stamp
            rec.props["CompilationLastSuccess"] = iso_utc(stamp)

    def settle(self):
        """Finish every compilation whose deadline has passed."""
        with self.lock:
            pending = self.db.pending
            if not pending:
                return
            now = self.clock()
            for key, rec in list(pending.items()):
                if rec.compile_due is not None and rec.compile_due <= now:
                    self._compile(rec)
                    del pending[key]

    def app_files(self, key):
        """The audio file names of an app."""
        with self.lock:
            return list(self._record(self.sets["CallFlowApps"], key).files)

    def delete_file(self, key, body):
        """``Pbx.DeleteFile``: remove one audio file name from an app."""
        if not isinstance(body, dict) or set(body) - {"filename"} or not isinstance(body.get("filename", ""), str):
            raise ApiError(400, errors.odata_body("The parameters field is required."))
        with self.lock:
            rec = self._record(self.sets["CallFlowApps"], key)
            if not body.get("filename"):
                raise warning_error("filename", "WARNINGS.XAPI.REQUIRED")
            if body["filename"] not in rec.files:
                raise warning_error("filename", "WARNINGS.XAPI.FILE_NOT_FOUND")
            rec.files.remove(body["filename"])

    # -- everything -------------------------------------------------------------------

    def state(self):
        """Everything with every property, secrets in clear (``GET /_sim/state``)."""
        with self.lock:
            self.settle()
            state = {}
            for name, rules in self.sets.items():
                expand = {nav: _ALL for nav in rules.etype.navigation}
                rows = rules.rows(self) if rules.live else self.table(name).values()  # emergency rules too
                state[name] = [self._full_view(rules, rec, expand) for rec in sorted(rows, key=_row_key)]
            for name, rules in self.singletons.items():
                state[name] = self._full_view(rules, self.db.singles[name], {n: _ALL for n in rules.etype.navigation})
            for app in state["CallFlowApps"]:
                rec = self.table("CallFlowApps")[app["Id"]]
                app.update(Files=list(rec.files), CompilePending=rec.compile_due is not None)
            state.update(callflow_apps=state["CallFlowApps"], groups=state["Groups"], trunks=state["Trunks"],
                         other_numbers=sorted(n for n, owner in self.db.numbers.items() if owner[0] == ""))
            return state

    def _full_view(self, rules, rec, expand):
        view = dict(rules.structural(self, rec))
        for nav, sub in expand.items():
            view[nav] = rules.navs[nav].view(self, rules, rec, nav, sub)
        return view


class _KeyUnion:
    """``in`` over the keys of several tables."""

    def __init__(self, tables):
        self.tables = tables

    def __contains__(self, key):
        return any(key in t for t in self.tables)


class _Everything:
    """A shape that expands nothing further (``/_sim/state`` shows one level)."""

    expand = {}
    select = None


_ALL = _Everything()


def _row_key(rec):
    key = rec.key
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def _key_text(key):
    return "%s='%s'" % key if isinstance(key, tuple) else key


# -- secrets ------------------------------------------------------------------------------

_SECRET_PLANS = {}


def _secret_plan(type_name, stack=()):
    """``(plain names, [(name, prop)] holding concealed passwords)`` of a type, or None."""
    if type_name in _SECRET_PLANS:
        return _SECRET_PLANS[type_name]
    etype = TYPES[type_name]
    nested = []
    for name in etype.complex_structural:
        prop = etype.props[name]
        if prop.ref == CONCEALED or (prop.ref not in stack and _secret_plan(prop.ref, stack + (type_name,))):
            nested.append((name, prop))
    plain = PLAIN_SECRETS.get(type_name, ())
    plan = (plain, nested) if plain or nested else None
    _SECRET_PLANS[type_name] = plan
    return plan


def conceal(view, type_name, in_clear=False):
    """A view with its secrets hidden: plain-string secrets null, concealed passwords
    ``{"Concealed": true, "Value": null}``; in clear, concealed passwords read
    ``{"Concealed": false, "Value": …}``."""
    plan = _secret_plan(type_name)
    if plan is None or in_clear:
        return view
    plain, nested = plan
    out = dict(view)
    for name in plain:
        if out.get(name) is not None:
            out[name] = None
    for name, prop in nested:
        value = out.get(name)
        if value is None:
            continue
        if prop.ref == CONCEALED:
            hidden = {"Concealed": True, "Value": None}
            out[name] = [dict(hidden) for _v in value] if prop.many else hidden
        else:
            out[name] = [conceal(v, prop.ref) for v in value] if prop.many else conceal(value, prop.ref)
    return out


# -- helpers ------------------------------------------------------------------------------

def _search_hit(props, term):
    for name in SEARCH_FIELDS:
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
