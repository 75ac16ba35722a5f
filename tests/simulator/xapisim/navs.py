"""Navigation properties: how each one is written inside its parent and read with ``$expand``.

The document gives navigation collections only a GET path: they are written inside the
parent's POST/PATCH, and the list sent replaces the stored one whole.  A handler checks the
list first (every reference must exist) and answers a function that applies it once the
whole write is known to succeed; ``view`` builds what ``$expand`` shows.
"""

from .errors import warning_error
from .model import ROLE_NAMES, TYPES, Prop, rights_for

DEFAULT_ROLE = "users"
NOT_FOUND = "WARNINGS.XAPI.NOT_FOUND"
REQUIRED = "WARNINGS.XAPI.REQUIRED"
DUPLICATE = "WARNINGS.XAPI.DUPLICATE"

# The DN sets, and those whose members are users (extensions).
USER_SETS = ("Users",)


class Nav:
    """A navigation property stored as written (elements completed with their defaults)."""

    def prepare(self, write, name, value):
        """Check ``value``; answer ``apply(record)`` (or None when the value is ignored)."""
        prop = write.rules.etype.props[name]
        stored = write.store.normalise(value, _plain(prop), None, write, name)
        if prop.many and stored:
            write.store.number_elements(stored, prop.ref)
        return store_link(name, stored)

    def view(self, store, rules, rec, name, shape):
        """The value ``$expand`` shows."""
        prop = rules.etype.props[name]
        value = rec.links.get(name)
        if value is None and prop.many:
            return []
        return value


def store_link(name, value):
    """The applier that stores a checked navigation value on the record."""
    def apply(rec):
        rec.links[name] = value
    return apply


def _plain(prop):
    """The structural twin of a navigation property (normalise walks structural values)."""
    return Prop(prop.name, prop.kind, nullable=prop.nullable, ref=prop.ref, many=prop.many)


class Computed(Nav):
    """A navigation property the server computes: writes are type-checked and ignored."""

    def __init__(self, build):
        self.build = build

    def prepare(self, write, name, value):
        return None

    def view(self, store, rules, rec, name, shape):
        return self.build(store, rules, rec, shape)


def _role_of(item, target):
    role = (item.get("Rights") or {}).get("RoleName") or DEFAULT_ROLE
    if role not in ROLE_NAMES:
        raise warning_error(target, NOT_FOUND)
    return role


class Memberships(Nav):
    """``Groups`` of a DN: its departments and its role in each (``Pbx.UserGroup``).

    Only ``GroupId`` and ``Rights.RoleName`` are read; an empty list means the default
    department, since every DN belongs to one (but a trunk, which serves the whole PBX).
    """

    def prepare(self, write, name, value):
        store = write.store
        items = value
        if not items and write.rules.default_department:
            items = [{"GroupId": store.default_group_id()}]
        existing = {gid: mid for mid, gid, _role in write.rec.memberships} if write.rec else {}
        seen, result = set(), []
        for item in items or ():
            group_id = item.get("GroupId")
            if group_id is None:
                raise warning_error(name, REQUIRED)
            if group_id not in store.table("Groups"):
                raise warning_error(name, NOT_FOUND)
            if group_id in seen:
                raise warning_error(name, DUPLICATE)
            seen.add(group_id)
            result.append((existing.get(group_id), group_id, _role_of(item, name)))
        write.memberships = result
        set_name = write.rules.name
        return lambda rec: store.set_memberships(set_name, rec, result)

    def view(self, store, rules, rec, name, shape):
        return [store.membership_view(rules, rec, m, member_side=False) for m in rec.memberships]


class GroupMembers(Nav):
    """``Members`` of a department: every DN in it, written as ``[{Number, Rights}]``."""

    def prepare(self, write, name, value):
        store = write.store
        seen, wanted = set(), []
        for item in value or ():
            if item.get("Number") is None:
                raise warning_error(name, REQUIRED)
            owner = store.find_dn(item["Number"], store.member_sets)
            if owner is None:
                raise warning_error(name, NOT_FOUND)
            if owner in seen:
                raise warning_error(name, DUPLICATE)
            seen.add(owner)
            wanted.append((owner, _role_of(item, name)))
        return lambda rec: store.replace_group_members(rec.key, wanted)

    def view(self, store, rules, rec, name, shape):
        views = []
        for set_name, key in store.members_of(rec.key):
            member_rules = store.rules_of(set_name)
            member = store.table(set_name)[key]
            for membership in member.memberships:
                if membership[1] == rec.key:
                    views.append(store.membership_view(member_rules, member, membership, member_side=True))
        return views


class UserRefs(Nav):
    """Queue agents and managers, ring group members: users named by ``Number``, in order.

    ``Id``, ``Name`` and ``Tags`` come from the user; other element properties (a queue
    agent's ``SkillGroup``) are kept as written.
    """

    def __init__(self, element_type):
        self.element_type = element_type
        self.extra = [n for n in TYPES[element_type].structural if n not in ("Id", "Name", "Number", "Tags")]

    def prepare(self, write, name, value):
        store = write.store
        seen, stored = set(), []
        for item in value or ():
            owner = store.find_dn(item.get("Number"), USER_SETS)
            if owner is None:
                raise warning_error(name, NOT_FOUND)
            if owner in seen:
                raise warning_error(name, DUPLICATE)
            seen.add(owner)
            stored.append((owner[1], {k: item.get(k) for k in self.extra}))
        return store_link(name, stored)

    def view(self, store, rules, rec, name, shape):
        users = store.table("Users")
        user_rules = store.rules_of("Users")
        views = []
        for key, extra in rec.links.get(name) or ():
            user = users.get(key)
            if user is not None:
                item = {"Id": key, "Name": user_rules.peer_name(user), "Number": user.props["Number"], "Tags": []}
                item.update(extra)
                views.append(item)
        return views


# IVR key actions that send the caller to a DN, and the sets that DN may be in.
FORWARD_SETS = {"Extension": ("Users",), "VoiceMail": ("Users",), "RingGroup": ("RingGroups",), "Queue": ("Queues",),
                "IVR": ("Receptionists",)}


class Forwards(Nav):
    """``Receptionist.Forwards``: one element per key (``Input``); the DN must exist."""

    def prepare(self, write, name, value):
        store = write.store
        inputs, stored = set(), []
        for item in value or ():
            if not item.get("Input"):
                raise warning_error(name, REQUIRED)
            if item["Input"] in inputs:
                raise warning_error(name, DUPLICATE)
            inputs.add(item["Input"])
            forward = store.normalise(item, _element("Pbx.ReceptionistForward"), None, write, name)
            sets = FORWARD_SETS.get(forward["ForwardType"])
            if sets:
                owner = store.find_dn(forward.get("ForwardDN"), sets)
                if owner is None:
                    raise warning_error(name, NOT_FOUND)
                forward["PeerType"] = store.rules_of(owner[0]).peer_type
            else:
                forward["PeerType"] = "None"
            stored.append(forward)
        store.number_elements(stored, "Pbx.ReceptionistForward")
        return store_link(name, stored)


def _element(type_name):
    return Prop("element", "object", ref=type_name)


class HolidayRefs(Nav):
    """``OfficeHolidays``: holidays of ``/Holidays`` named by ``Id``."""

    def prepare(self, write, name, value):
        holidays = write.store.table("Holidays")
        ids = []
        for item in value or ():
            holiday_id = item.get("Id")
            if holiday_id is None:
                raise warning_error(name, REQUIRED)
            if holiday_id not in holidays:
                raise warning_error(name, NOT_FOUND)
            if holiday_id in ids:
                raise warning_error(name, DUPLICATE)
            ids.append(holiday_id)
        return store_link(name, ids)

    def view(self, store, rules, rec, name, shape):
        holidays = store.table("Holidays")
        holiday_rules = store.rules_of("Holidays")
        return [store.entity_view(holiday_rules, holidays[i], shape.expand)
                for i in rec.links.get(name) or () if i in holidays]


class Reference(Nav):
    """A single DN named by ``Id`` or ``Number`` (``Id`` wins); null unlinks.

    ``sets`` limits the DN kinds it may name (a call flow app's ``Trunk``, an inbound
    rule's ``TrunkDN``); an expanded ``Pbx.Peer`` shows the peer, anything else the entity.
    """

    def __init__(self, sets=None):
        self.sets = sets

    def prepare(self, write, name, value):
        store = write.store
        owner = None
        if value is not None:
            sets = self.sets or store.dn_sets
            if value.get("Id") is not None:
                owner = next(((s, value["Id"]) for s in sets if value["Id"] in store.table(s)), None)
            elif value.get("Number") is not None:
                owner = store.find_dn(value["Number"], sets)
            if owner is None:
                raise warning_error(name, NOT_FOUND)
        return store_link(name, owner)

    def view(self, store, rules, rec, name, shape):
        owner = rec.links.get(name)
        target = owner and store.table(owner[0]).get(owner[1])
        if target is None:
            return None
        owner_rules = store.rules_of(owner[0])
        if rules.etype.props[name].ref == "Pbx.Peer":
            return store.peer_view(owner_rules, target)
        return store.entity_view(owner_rules, target, shape.expand)


def empty(_store, _rules, _rec, _shape):
    """A navigation collection the simulator always answers empty."""
    return []


def every_role(_store, _rules, _rec, _shape):
    """A department's role matrix: the rights of every known role."""
    return [rights_for(role) for role in ROLE_NAMES]
