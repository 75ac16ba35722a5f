"""What the PBX does with each entity set and singleton: the simulator's own model.

``SetRules`` holds the generic rules every set follows (from the registry: key, verbs,
types); its subclasses add what is known of one entity (docs/simulator.md gives the
evidence for each rule, or says it is an assumption).  The store runs a write as:
bind the body, ``prepare`` (every check; nothing changes yet), then commit and the
``created``/``updated`` hooks.  A refused write therefore changes nothing.
"""

import random
import re
import string

from .binding import check_body
from .defaults import default_object, forwarding_profiles, set_template
from .errors import ApiError, bind_error, warning_error
from .model import TYPES
from .navs import (NOT_FOUND, REQUIRED, Computed, Forwards, GroupMembers, HolidayRefs, Memberships, Nav, Reference,
                   UserRefs, empty, every_role)
from .registry import SETS, SINGLETONS

ALREADY_IN_USE = "WARNINGS.XAPI.ALREADY_IN_USE"
FORBIDDEN_CHANGE = "WARNINGS.XAPI.FORBIDDEN_CHANGE"
EMPTY_STRING = "WARNINGS.XAPI.CAN_NOT_BE_EMPTY_STRING"
CONCEALED = "Pbx.ConcealedPassword"

# Plain-string properties that hold secrets (read back concealed, see store.conceal).
PLAIN_SECRETS = {
    "Pbx.User": ("AuthPassword", "AccessPassword", "DeskphonePassword", "VMPIN"),
    "Pbx.Fax": ("AuthPassword",),
}
SEARCH_FIELDS = ("Name", "Number", "FirstName", "LastName", "DisplayName", "EmailAddress")


def require_text(body, name):
    """REQUIRED when missing or null, CAN_NOT_BE_EMPTY_STRING when blank."""
    value = body.get(name)
    if value is None:
        raise warning_error(name, REQUIRED)
    if isinstance(value, str) and not value.strip():
        raise warning_error(name, EMPTY_STRING)


class SetRules:
    """The generic rules of an entity set: registry key, verbs and types, nothing else."""

    peer_type = None        # DN sets: the Pbx.PeerType the DN has in /Peers and destinations
    computed = ()           # set by the server: type-checked, then ignored when a client sends them
    required = ()           # REQUIRED on create, and when written as null
    number_series = None    # DN sets: (first number, format) used when a POST gives no Number
    assign_on_post = True   # False: a POST must give the Number (the series serves seeds and Init* functions)
    live = False            # rows computed from other sets: never stored, never seeded
    NAVS = {}

    def __init__(self, name, info):
        self.name = name
        self.info = info
        self.etype = TYPES[info["schema"]]
        self.key = info.get("key")
        self.key_type = info.get("key_type")
        self.key_kind = self.etype.props[self.key].kind if self.key else None  # "guid" keys are written bare
        self.alt_keys = tuple(info.get("alt_keys", ()))
        self.verbs = tuple(info["verbs"])
        self.operations = info.get("operations", {})
        self.ignored = frozenset(self.computed) | frozenset([self.key] if self.key_type == "int" else [])
        self.navs = {n: self._nav(n) for n in self.etype.navigation}
        self.secrets = PLAIN_SECRETS.get(self.etype.name, ())

    def _nav(self, name):
        handler = self.NAVS.get(name)
        if handler is not None:
            return handler
        prop = self.etype.props[name]
        return Reference() if prop.ref == "Pbx.Peer" and not prop.many else Nav()

    @property
    def is_dn(self):
        """True for the sets whose entities are DNs (numbers of the PBX)."""
        return self.peer_type is not None

    @property
    def counter(self):
        """The id counter of the set: DNs share one, every other set has its own."""
        return "DN" if self.is_dn else self.name

    # -- writes -----------------------------------------------------------------------

    def bind(self, body, creating, seeding):
        """Raise the bind error when ``body`` does not fit the set's type (a seed item says why)."""
        problem = check_body(body, self.etype)
        if problem:
            if seeding:
                raise ApiError(400, {"error": "%s (%s)" % problem})
            raise bind_error()

    def template(self, store, key):
        """A complete new entity before the client's properties are applied."""
        return set_template(self.name, self.etype.name)

    def prepare(self, write):
        """Every check of a write, and the values it will store; changes nothing."""
        self.prepare_key(write)
        for name in self.required:
            if write.creating or name in write.body:
                require_text(write.body, name)
        store = write.store
        for name, value in write.body.items():
            if name in self.ignored and not write.seeding:
                continue
            prop = self.etype.props[name]
            if prop.nav:
                apply = self.navs[name].prepare(write, name, value)
                if apply is not None:
                    write.appliers.append(apply)
            elif name in self.secrets:
                if value is not None:  # a secret read back concealed (null) and written again stays
                    write.props[name] = value or None
            else:
                write.props[name] = store.normalise(value, prop, write.old(name), write, name)
        self.check(write)

    def prepare_key(self, write):
        """A string key comes from the body, is unique and cannot change."""
        if self.key_type != "string":
            return
        key = write.body.get(self.key)
        if write.creating:
            require_text(write.body, self.key)
            if key in write.store.table(self.name):
                raise warning_error(self.key, ALREADY_IN_USE)
            write.key = key
        elif self.key in write.body and key != write.rec.key:
            raise warning_error(self.key, FORBIDDEN_CHANGE)

    def check(self, write):
        """Checks across properties (after each one was checked on its own)."""

    def created(self, write, rec):
        """After a new entity is stored and its navigation properties applied."""

    def updated(self, write, rec):
        """After a PATCH is applied."""

    def before_delete(self, store, rec):
        """Raise to refuse a DELETE."""

    def deleted(self, store, rec):
        """After an entity is removed."""

    # -- reads ------------------------------------------------------------------------

    def rows(self, store):
        """The records a list answers, in stored order."""
        return list(store.table(self.name).values())

    def structural(self, store, rec):
        """The structural properties as read (computed ones filled in); filters see these."""
        return rec.props


class DnRules(SetRules):
    """A DN: a number unique across every DN type, set once, and department memberships."""

    computed = ("IsRegistered",)
    default_department = True   # a DN created without Groups joins the default department
    NAVS = {"Groups": Memberships()}

    def prepare_key(self, write):
        store, body = write.store, write.body
        if write.creating:
            if body.get("Number") is None and self.number_series and (self.assign_on_post or write.seeding):
                write.props["Number"] = store.next_number(self.number_series)
                return
            require_text(body, "Number")
            store.check_number_free(body["Number"])
        elif "Number" in body and body["Number"] != write.rec.props["Number"]:
            raise warning_error("Number", FORBIDDEN_CHANGE)

    def created(self, write, rec):
        store = write.store
        store.claim_number(rec.props["Number"], self.name, rec.key)
        if not rec.memberships and self.default_department:
            store.set_memberships(self.name, rec, [(None, store.default_group_id(), "users")])

    def deleted(self, store, rec):
        store.free_number(rec.props["Number"])
        store.set_memberships(self.name, rec, [])

    def memberships_changed(self, store, rec):
        """Called when a DN's departments changed (from either side)."""

    def peer_name(self, rec):
        """The name /Peers, memberships and destinations show for this DN."""
        return rec.props.get("Name") or rec.props["Number"]

    def primary_group(self, rec):
        """The department /Peers marks as primary."""
        return rec.memberships[0][1] if rec.memberships else None


def _credential(rng, length, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _round in range(length))


class UsersRules(DnRules):
    """Extensions.  POST takes only the basics; voicemail, transcription and departments
    refused there (recorded live) are set by a PATCH; ``PrimaryGroupId`` must name one of
    the user's departments after the same write (recorded live)."""

    peer_type = "Extension"
    number_series = (100, "%d")
    computed = ("IsRegistered", "Tags")
    post_refused = ("TranscriptionMode", "Groups")

    def bind(self, body, creating, seeding):
        super().bind(body, creating, seeding)
        if creating and not seeding and any(n.startswith("VM") or n in self.post_refused for n in body):
            raise bind_error()

    def template(self, store, key):
        values = super().template(store, key)
        rng = random.Random("user-%s" % key)
        values.update(AuthID=_credential(rng, 10), AuthPassword=_credential(rng, 10), AccessPassword=_credential(rng, 12),
                      DeskphonePassword=_credential(rng, 8), VMPIN=_credential(rng, 4, string.digits))
        return values

    def check(self, write):
        primary = write.body.get("PrimaryGroupId")
        if primary is not None and primary not in self._groups_after(write):
            raise warning_error("PrimaryGroupId", NOT_FOUND)

    @staticmethod
    def _groups_after(write):
        if write.memberships is not None:
            return [m[1] for m in write.memberships]
        if write.rec is not None:
            return [m[1] for m in write.rec.memberships]
        return [write.store.default_group_id()]

    def created(self, write, rec):
        super().created(write, rec)
        rec.links.setdefault("ForwardingProfiles", forwarding_profiles(rec.props["Number"], self.peer_name(rec)))
        self.memberships_changed(write.store, rec)

    def updated(self, write, rec):
        self.memberships_changed(write.store, rec)

    def memberships_changed(self, store, rec):
        groups = [m[1] for m in rec.memberships]
        if rec.props.get("PrimaryGroupId") not in groups:
            rec.props["PrimaryGroupId"] = groups[0] if groups else None

    def peer_name(self, rec):
        props = rec.props
        return " ".join(p for p in (props.get("FirstName"), props.get("LastName")) if p) or props["Number"]

    def primary_group(self, rec):
        return rec.props.get("PrimaryGroupId")


class GroupsRules(DnRules):
    """Departments: ``Name`` required, numbers ``GRP0000`` upwards, members on both sides."""

    peer_type = "Group"
    number_series = (0, "GRP%04d")
    required = ("Name",)
    computed = ("HasMembers", "IsDefault")
    NAVS = {"Groups": Computed(empty), "Members": GroupMembers(), "OfficeHolidays": HolidayRefs(),
            "Rights": Computed(every_role)}

    @property
    def counter(self):
        return "Groups"

    def created(self, write, rec):
        write.store.claim_number(rec.props["Number"], self.name, rec.key)

    def structural(self, store, rec):
        return dict(rec.props, HasMembers=bool(store.members_of(rec.key)))

    def before_delete(self, store, rec):
        if rec.props.get("IsDefault"):
            raise warning_error("Id", "WARNINGS.GROUP_CANNOT_BE_DELETED")
        if store.members_of(rec.key):
            raise warning_error("Members", "WARNINGS.XAPI.GROUP_WITH_MEMBERS_CANNOT_BE_DELETED")

    def deleted(self, store, rec):
        store.free_number(rec.props["Number"])


class QueuesRules(DnRules):
    """Call queues: agents and managers are users named by number, kept in order."""

    peer_type = "Queue"
    number_series = (800, "%d")
    NAVS = {"Groups": Memberships(), "Agents": UserRefs("Pbx.QueueAgent"), "Managers": UserRefs("Pbx.QueueManager")}


class RingGroupsRules(DnRules):
    """Ring groups: members are users named by number, kept in order."""

    peer_type = "RingGroup"
    number_series = (700, "%d")
    NAVS = {"Groups": Memberships(), "Members": UserRefs("Pbx.RingGroupMember")}


class ReceptionistsRules(DnRules):
    """Digital receptionists (IVR): one forward per key."""

    peer_type = "IVR"
    number_series = (900, "%d")
    NAVS = {"Groups": Memberships(), "Forwards": Forwards()}


def _trunk_rules(store, _rules, rec, shape):
    rules = store.rules_of("InboundRules")
    return [store.entity_view(rules, r, shape.expand) for r in rules.rows(store)
            if r.links.get("TrunkDN") == ("Trunks", rec.key)]


class TrunksRules(DnRules):
    """SIP trunks, created from a template (``Pbx.InitTrunk``); named by ``Gateway.Name``."""

    peer_type = "ExternalLine"
    number_series = (10000, "%d")
    assign_on_post = False
    default_department = False  # trunks serve the whole PBX
    computed = ("IsRegistered", "IsOnline", "ConfigurationIssue", "CertificateExpirationDate", "TrunkRegTimes", "Tags")
    NAVS = {"Groups": Memberships(), "RoutingRules": Computed(_trunk_rules), "ReceiveExtensions": Computed(empty),
            "EmergencyGeoLocations": Computed(empty)}

    def template(self, store, key):
        values = super().template(store, key)
        values["Gateway"] = store.gateway_from_template("generic.pv.xml")
        values["Messaging"] = default_object("Pbx.TrunkMessaging")
        values["AuthPassword"] = {"Concealed": False, "Value": None}
        return values

    def check(self, write):
        if not write.creating or write.seeding:
            return
        gateway = write.body.get("Gateway")
        if gateway is None:
            raise warning_error("Gateway", REQUIRED)
        if gateway.get("TemplateFilename") not in write.store.table("TrunkTemplates"):
            raise warning_error("Gateway", NOT_FOUND)

    def peer_name(self, rec):
        return (rec.props.get("Gateway") or {}).get("Name") or rec.props["Number"]


class FaxRules(DnRules):
    """Fax extensions, created from ``Pbx.InitFax()``; numbered like users."""

    peer_type = "Fax"
    number_series = (100, "%d")
    assign_on_post = False

    def template(self, store, key):
        values = super().template(store, key)
        rng = random.Random("fax-%s" % key)
        values.update(AuthID=_credential(rng, 10), AuthPassword=_credential(rng, 10))
        return values


class ParkingsRules(DnRules):
    """Shared parking places: ``Number`` required."""

    peer_type = "Parking"


class ServicePrincipalsRules(DnRules):
    """API clients (service principals): ``Number`` required."""

    peer_type = "RoutePoint"
    computed = ("IsRegistered", "LastUsed", "IsSystem")
    NAVS = {"Groups": Memberships(), "Peers": Computed(empty)}


class CallFlowAppsRules(DnRules):
    """Call flow apps: compiled in the background after every script change."""

    peer_type = "RoutePoint"
    required = ("Name",)
    computed = ("IsRegistered", "CompilationLastSuccess", "CompilationResult", "CompilationSucceeded", "InvalidScript",
                "RejectedCode")
    NAVS = {"Groups": Memberships(), "Trunk": Reference(("Trunks",))}

    def bind(self, body, creating, seeding):
        if seeding and isinstance(body, dict):
            files = body.get("Files", [])
            if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                raise ApiError(400, {"error": "Files must be a list of strings"})
            body = {k: v for k, v in body.items() if k != "Files"}
        super().bind(body, creating, seeding)

    def prepare(self, write):
        write.files = write.body.pop("Files", None) if write.seeding else None
        super().prepare(write)
        if "ScriptCode" in write.body:
            script = write.store.stored_script(write.body["ScriptCode"], write.seeding)
            write.props["ScriptCode"] = script
            write.script_changed = write.creating or script != write.rec.props["ScriptCode"]

    def template(self, store, key):
        values = super().template(store, key)
        values.update(RoutingType="DialCode", InvalidScript=True)
        return values

    def created(self, write, rec):
        super().created(write, rec)
        write.store.app_created(write, rec)

    def updated(self, write, rec):
        if write.script_changed:
            write.store.schedule_compile(rec)

    def deleted(self, store, rec):
        super().deleted(store, rec)
        store.db.pending.pop(rec.key, None)


class InboundRulesRules(SetRules):
    """DID routing: ``TrunkDN`` names a trunk (by Id or Number) and is required."""

    NAVS = {"TrunkDN": Reference(("Trunks",))}

    def check(self, write):
        if write.creating and write.body.get("TrunkDN") is None:
            raise warning_error("TrunkDN", REQUIRED)


_NUMBER_LIST = re.compile(r"^\d+(?:,\d+)*$")


def compress_prefixes(text):
    """``118,119,120,200`` -> ``118-120,200``: consecutive numbers of one length become a range."""
    if not isinstance(text, str) or not _NUMBER_LIST.match(text.replace(" ", "")):
        return text
    parts, run = [], []
    for item in text.replace(" ", "").split(","):
        if run and len(item) == len(run[-1]) and int(item) == int(run[-1]) + 1:
            run.append(item)
            continue
        if run:
            parts.append(run[0] if len(run) == 1 else "%s-%s" % (run[0], run[-1]))
        run = [item]
    parts.append(run[0] if len(run) == 1 else "%s-%s" % (run[0], run[-1]))
    return ",".join(parts)


class OutboundRulesRules(SetRules):
    """The dial plan: department and trunk references checked; names filled by the server;
    emergency rules only through ``Pbx.GetEmergencyOutboundRules()``."""

    computed = ("GroupNames",)

    def check(self, write):
        store, props = write.store, write.props
        for group_id in props.get("GroupIds") or ():
            if group_id not in store.table("Groups"):
                raise warning_error("GroupIds", NOT_FOUND)
        for route in props.get("Routes") or ():
            trunk_id = route.get("TrunkId")
            if trunk_id not in (None, -1, 0) and trunk_id not in store.table("Trunks"):  # an empty slot
                raise warning_error("Routes", NOT_FOUND)
        if store.config.rewrite_outbound_rules:
            if "Prefix" in props:
                props["Prefix"] = compress_prefixes(props["Prefix"])
            for dn_range in props.get("DNRanges") or ():
                if dn_range.get("To") in (None, dn_range.get("From")):
                    dn_range.pop("To")
        if write.creating and props.get("Priority") is None and not write.seeding:
            taken = [r.props.get("Priority") or 0 for r in store.table(self.name).values()]
            props["Priority"] = max(taken, default=0) + 1

    def rows(self, store, emergency=False):
        return [r for r in store.table(self.name).values() if bool(r.props.get("EmergencyRule")) == emergency]

    def structural(self, store, rec):
        groups, trunks = store.table("Groups"), store.table("Trunks")
        trunk_rules = store.rules_of("Trunks")
        view = dict(rec.props)
        view["GroupNames"] = [groups[g].props["Name"] for g in rec.props.get("GroupIds") or () if g in groups]
        view["Routes"] = [dict(r, TrunkName=trunk_rules.peer_name(trunks[r["TrunkId"]]) if r.get("TrunkId") in trunks
                               else None) for r in rec.props.get("Routes") or ()]
        return view


class HolidaysRules(SetRules):
    """Holidays: every property the document declares non-nullable is required on create."""

    def __init__(self, name, info):
        super().__init__(name, info)
        self.required = tuple(n for n in self.etype.structural if not self.etype.props[n].nullable and n != self.key)

    def prepare(self, write):
        for name in self.required:
            if write.creating and name not in write.body:
                raise warning_error(name, REQUIRED)
        super().prepare(write)


class ParametersRules(SetRules):
    """System parameters: ``Name`` required and unique; found with ``Pbx.GetParameterByName``."""

    required = ("Name",)

    def check(self, write):
        name = write.props.get("Name")
        if name is None:
            return
        for rec in write.store.table(self.name).values():
            if rec.props["Name"] == name and rec is not write.rec:
                raise warning_error("Name", ALREADY_IN_USE)


class LiveRules(SetRules):
    """A read-only set computed from others at every read."""

    live = True

    def rows(self, store):
        raise NotImplementedError


class PeersRules(LiveRules):
    """``/Peers``: every DN of the PBX, as it is now."""

    NAVS = {"MemberOf": Computed(lambda store, _rules, rec, _shape: store.member_of(rec.links["dn"]))}

    def rows(self, store):
        peers = [store.peer_record(s, r) for s in store.dn_sets for r in store.table(s).values()]
        peers.sort(key=lambda p: p.props["Id"])
        return peers


class DidNumbersRules(LiveRules):
    """``/DidNumbers``: the DID numbers of every trunk."""

    NAVS = {"RoutingRule": Computed(lambda store, _rules, rec, shape: store.did_rule(rec, shape))}

    def rows(self, store):
        return [store.did_record(trunk, number) for trunk in store.table("Trunks").values()
                for number in trunk.props.get("DidNumbers") or ()]


class SingletonRules(SetRules):
    """A singleton: GET, and PATCH merging the properties sent (when the registry has it)."""

    computed_by_name = {"VoicemailSettings": ("UsedSpace", "Id"), "ConsoleRestrictions": ("MyIpAddress", "Id")}

    def __init__(self, name, info):
        self.computed = self.computed_by_name.get(name, ())
        super().__init__(name, info)

    def _nav(self, name):
        if name == "OfficeHolidays":
            return HolidayRefs()
        return super()._nav(name)


class SystemStatusRules(SingletonRules):
    """``/SystemStatus``: counts follow the PBX's content."""

    def structural(self, store, rec):
        users, trunks = store.table("Users"), store.table("Trunks")
        return dict(rec.props, ExtensionsTotal=len(users), UserExtensions=len(users), TrunksTotal=len(trunks),
                    OutboundRules=len(store.table("OutboundRules")))


SET_RULES = {
    "Users": UsersRules, "Groups": GroupsRules, "Queues": QueuesRules, "RingGroups": RingGroupsRules,
    "Receptionists": ReceptionistsRules, "Trunks": TrunksRules, "Fax": FaxRules, "Parkings": ParkingsRules,
    "ServicePrincipals": ServicePrincipalsRules, "CallFlowApps": CallFlowAppsRules, "InboundRules": InboundRulesRules,
    "OutboundRules": OutboundRulesRules, "Holidays": HolidaysRules, "Parameters": ParametersRules,
    "Peers": PeersRules, "DidNumbers": DidNumbersRules,
}
SINGLETON_RULES = {"SystemStatus": SystemStatusRules}


def build_rules():
    """``(sets, singletons)``: the rules object of every entity set and singleton."""
    sets = {name: SET_RULES.get(name, SetRules)(name, info) for name, info in SETS.items()}
    singletons = {name: SINGLETON_RULES.get(name, SingletonRules)(name, info) for name, info in SINGLETONS.items()}
    return sets, singletons
