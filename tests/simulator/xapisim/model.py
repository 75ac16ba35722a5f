"""The XAPI data model the simulator serves, built from the registry.

Every schema an entity set or singleton reaches becomes an ``EntityType``: its properties
in order (those of the base schema first), each one typed as the official document says.
A property marked ``nav`` is an OData navigation property: the server leaves it out of an
answer unless the client names it in ``$expand``.
"""

from .registry import ENUMS, SCHEMAS

# Ranges of the integer formats the document uses; an integer without a format is Int64.
INT_RANGES = {
    "int8": (-128, 127),
    "int16": (-32768, 32767),
    "int32": (-2147483648, 2147483647),
    "int64": (-9223372036854775808, 9223372036854775807),
    "uint8": (0, 255),
}
INT32_MIN, INT32_MAX = INT_RANGES["int32"]

# EDM names of the kinds, for messages.
EDM_NAMES = {
    "string": "Edm.String", "int": "Edm.Int32", "number": "Edm.Double", "bool": "Edm.Boolean",
    "datetime": "Edm.DateTimeOffset", "duration": "Edm.Duration", "time": "Edm.TimeOfDay", "date": "Edm.Date",
    "guid": "Edm.Guid", "enum": "Edm.Enum", "object": "Edm.ComplexType", "any": "Edm.Untyped",
}

# Properties an answer leaves out unless ``$select`` names them (reported from live PBXs).
HIDDEN = {"Pbx.CallFlowApp": ("ScriptCode",)}


def enum_member(value):
    """An enum member as the wire spells it.  A YAML 1.1 reader of the document turns the
    member ``No`` (``Pbx.AuthenticationType``) into false; the document means the word."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


class Prop:
    """How one property is typed.

    ``kind`` is a registry type (string, int, number, bool, datetime, duration, time, date,
    guid, enum, object, any); ``many`` makes it a collection of that kind; ``ref`` names
    the schema of an object or the enum of an enum; ``values``/``flags`` describe an enum.
    """

    __slots__ = ("name", "kind", "nullable", "values", "flags", "ref", "many", "nav", "fmt", "max_length", "low", "high")

    def __init__(self, name, kind, nullable=True, ref=None, many=False, nav=False, fmt=None, max_length=None):
        self.name = name
        self.kind = kind
        self.nullable = nullable and not many
        self.ref = ref
        self.many = many
        self.nav = nav
        self.fmt = fmt
        self.max_length = max_length
        enum = ENUMS.get(ref) if kind == "enum" else None
        self.values = tuple(enum_member(v) for v in enum["values"]) if enum else None
        self.flags = bool(enum and enum.get("flags"))
        self.low, self.high = INT_RANGES.get(fmt or "int64") if kind == "int" else (None, None)

    @classmethod
    def from_registry(cls, name, desc):
        """A Prop from the registry's compact description."""
        return cls(name, desc["t"], nullable=desc.get("n", True), ref=desc.get("r"), many=desc.get("m", False),
                   nav=desc.get("v", False), fmt=desc.get("f"), max_length=desc.get("l"))

    @property
    def complex(self):
        """True for a structural property holding objects of a schema."""
        return self.kind == "object" and not self.nav


class EntityType:
    """An entity or complex type: ordered properties and which ones are hidden by default."""

    def __init__(self, name, props, hidden=()):
        self.name = name
        self.props = props
        self.hidden = frozenset(hidden)
        self.structural = [n for n, p in props.items() if not p.nav]
        self.navigation = [n for n, p in props.items() if p.nav]
        self.default_select = [n for n in self.structural if n not in self.hidden]
        self.complex_structural = [n for n in self.structural if props[n].complex]

    def is_nav(self, name):
        """True when ``name`` is a navigation property of this type."""
        prop = self.props.get(name)
        return prop is not None and prop.nav

    @property
    def short_name(self):
        """``Pbx.RingGroup`` -> ``RingGroup``."""
        return self.name.rsplit(".", 1)[-1]


def _flat_props(name):
    entry = SCHEMAS[name]
    props = _flat_props(entry["base"]) if entry.get("base") else {}
    for prop_name, desc in entry["props"].items():
        props[prop_name] = Prop.from_registry(prop_name, desc)
    return props


TYPES = {name: EntityType(name, _flat_props(name), HIDDEN.get(name, ())) for name in SCHEMAS}

CALLFLOW_APP = TYPES["Pbx.CallFlowApp"]
GROUP = TYPES["Pbx.Group"]
TRUNK = TYPES["Pbx.Trunk"]
USER = TYPES["Pbx.User"]
RIGHTS = TYPES["Pbx.Rights"]
USER_GROUP = TYPES["Pbx.UserGroup"]

PEER_TYPES = tuple(ENUMS["Pbx.PeerType"]["values"])
RIGHTS_FLAGS = tuple(n for n in RIGHTS.props if n != "RoleName")

# Role names known to the simulator and the rights each one grants.  3CX does not publish
# the table; the booleans here only have to be plausible and stable.
_ROLE_GRANTS = {
    "users": (),
    "receptionists": ("AllowParking", "CanSeeGroupMembers", "CanSeeGroupCalls", "PerformOperations", "ShowMyCalls"),
    "group_admins": ("AllowIVR", "AllowParking", "CanSeeGroupMembers", "CanSeeGroupCalls", "PerformOperations",
                     "AllowToManageCompanyBook", "ShowMyCalls", "ShowMyPresence"),
    "managers": ("AllowIVR", "AllowParking", "CanSeeGroupMembers", "CanSeeGroupCalls", "CanSeeGroupRecordings",
                 "PerformOperations", "AllowToManageCompanyBook", "CanBargeIn", "CanIntercom", "ShowMyCalls",
                 "ShowMyPresence"),
}
_ALL_GRANTS = tuple(f for f in RIGHTS_FLAGS if f != "Invalid")
_ROLE_GRANTS.update({"group_owners": _ALL_GRANTS, "system_admins": _ALL_GRANTS, "system_owners": _ALL_GRANTS})
ROLE_NAMES = tuple(sorted(_ROLE_GRANTS))
_RIGHTS_BY_ROLE = {role: {name: (role if name == "RoleName" else name in grants) for name in RIGHTS.props}
                   for role, grants in _ROLE_GRANTS.items()}


def rights_for(role_name):
    """Return the full ``Pbx.Rights`` object for a role, or None for an unknown role."""
    rights = _RIGHTS_BY_ROLE.get(role_name)
    return dict(rights) if rights is not None else None
