"""The part of the XAPI data model that the simulator serves.

Property names, kinds, enum members and navigation markers follow the official OpenAPI
document (``Pbx.CallFlowApp``, ``Pbx.UserGroup``, ``Pbx.Rights``, ``Pbx.Trunk``,
``Pbx.Group``).  A property marked ``nav`` is an OData navigation property: the server
leaves it out of an answer unless the client names it in ``$expand``.
"""

INT32_MIN = -2147483648
INT32_MAX = 2147483647


class Prop:
    """How one property is typed.

    ``kind`` is one of string, int, bool, datetime, enum, object, any_object.  ``many``
    makes it a collection of that kind.  ``ref`` names the entity type of an object or a
    navigation property so that projections can recurse into it.
    """

    __slots__ = ("kind", "nullable", "values", "ref", "many", "nav")

    def __init__(self, kind, nullable=True, values=None, ref=None, many=False, nav=False):
        self.kind = kind
        self.nullable = nullable and not many
        self.values = values
        self.ref = ref
        self.many = many
        self.nav = nav


class EntityType:
    """An entity or complex type: ordered properties and which ones are hidden by default."""

    def __init__(self, name, props, hidden=()):
        self.name = name
        self.props = props
        self.hidden = frozenset(hidden)
        self.structural = [n for n, p in props.items() if not p.nav]
        self.navigation = [n for n, p in props.items() if p.nav]
        self.default_select = [n for n in self.structural if n not in self.hidden]

    def is_nav(self, name):
        """True when ``name`` is a navigation property of this type."""
        prop = self.props.get(name)
        return prop is not None and prop.nav


TRANSCRIPTION_TYPES = ("Nothing", "Voicemail", "Recordings", "Both", "Inherit")
CFA_ROUTING_TYPES = ("DialCode", "Forward", "Trunk")
PEER_TYPES = ("None", "Extension", "Queue", "RingGroup", "IVR", "Fax", "Conference", "SpecialMenu",
              "Parking", "ExternalLine", "Group", "RoutePoint")
DIRECTION_TYPES = ("None", "Inbound", "Outbound", "Both")
IP_RESTRICTIONS = ("Any", "IPV4", "IPV6")
TRANSPORT_RESTRICTIONS = ("Any", "UDP", "TCP", "TLS")
USER_TAGS = ("MS", "Teams", "Google", "WakeUp", "FaxServer", "Principal", "WeakID", "WeakPass", "WM", "AI")
AUTHENTICATION_TYPES = ("Both", "Name", "Email", "None")


def _s():
    return Prop("string")


def _b():
    return Prop("bool")


def _i(nullable=True):
    return Prop("int", nullable=nullable)


def _enum(values):
    return Prop("enum", values=values)


RIGHTS_FLAGS = (
    "AllowIVR", "AllowParking", "AllowToChangePresence", "AllowToManageCompanyBook", "AssignClearOperations",
    "CanBargeIn", "CanIntercom", "CanSeeGroupCalls", "CanSeeGroupMembers", "CanSeeGroupRecordings", "Invalid",
    "PerformOperations", "ShowMyCalls", "ShowMyPresence", "ShowMyPresenceOutside",
)

RIGHTS = EntityType("Pbx.Rights", dict(
    [(flag, _b()) for flag in RIGHTS_FLAGS[:12]]
    + [("RoleName", Prop("string", nullable=False))]
    + [(flag, _b()) for flag in RIGHTS_FLAGS[12:]]
))

USER_GROUP = EntityType("Pbx.UserGroup", {
    "CanDelete": _b(),
    "GroupId": _i(),
    "GroupRights": Prop("object", ref="Pbx.Rights", nav=True),
    "Id": _i(),
    "MemberName": _s(),
    "Name": _s(),
    "Number": _s(),
    "Rights": Prop("object", ref="Pbx.Rights", nav=True),
    "Tags": Prop("enum", values=USER_TAGS, many=True),
    "TranscriptionMode": _enum(TRANSCRIPTION_TYPES),
    "Type": _enum(PEER_TYPES),
})

_TRUNK_PROPS = {
    "Id": _i(nullable=False),
    "Number": _s(),
    "TranscriptionMode": _enum(TRANSCRIPTION_TYPES),
    "Groups": Prop("object", ref="Pbx.UserGroup", many=True, nav=True),
    "AuthID": _s(),
    "AuthPassword": Prop("any_object"),
    "Certificate": _s(),
    "CertificateExpirationDate": _s(),
    "CertificateName": _s(),
    "ConfigurationIssue": _s(),
    "DidNumbers": Prop("string", many=True),
    "Direction": _enum(DIRECTION_TYPES),
    "DisableCallTransfer": _b(),
    "DisableVideo": _b(),
    "DiversionHeader": _b(),
    "E164CountryCode": _s(),
    "E164ProcessIncomingNumber": _b(),
    "EmergencyGeoLocations": Prop("object", ref="Pbx.EmergencyGeoTrunkLocation", many=True, nav=True),
    "EnableInboundCalls": _b(),
    "EnableOutboundCalls": _b(),
    "ExternalNumber": _s(),
    "Gateway": Prop("any_object"),
    "InCIDFormatting": Prop("any_object", many=True),
    "IPRestriction": _enum(IP_RESTRICTIONS),
    "IsOnline": _b(),
    "Messaging": Prop("any_object"),
    "OutboundCallerID": _s(),
    "OutCIDFormatting": Prop("any_object", many=True),
    "PublicInfoGroups": Prop("string", many=True),
    "PublicIPinSIP": _s(),
    "PublishInfo": _b(),
    "ReceiveExtensions": Prop("object", ref="Pbx.Peer", many=True, nav=True),
    "ReceiveInfo": _b(),
    "RemoteMyPhoneUriHost": _s(),
    "RemotePBXPreffix": _s(),
    "RoutingRules": Prop("object", ref="Pbx.InboundRule", many=True, nav=True),
    "ScriptName": _s(),
    "SecondaryRegistrar": _s(),
    "SeparateAuthId": _s(),
    "SimultaneousCalls": _i(),
    "Tags": Prop("enum", values=USER_TAGS, many=True),
    "TransportRestriction": _enum(TRANSPORT_RESTRICTIONS),
    "TrunkRegTimes": Prop("any_object", many=True),
    "TunnelEnabled": _b(),
    "TunnelRemoteAddr": _s(),
    "TunnelRemotePort": _i(),
    "UseSeparateAuthId": _b(),
}
TRUNK = EntityType("Pbx.Trunk", _TRUNK_PROPS)

GROUP = EntityType("Pbx.Group", {
    "Id": _i(nullable=False),
    "Number": _s(),
    "Name": _s(),
    "TranscriptionMode": _enum(TRANSCRIPTION_TYPES),
    "Groups": Prop("object", ref="Pbx.UserGroup", many=True, nav=True),
    "CallUsEnableChat": _b(),
    "CallUsEnablePhone": _b(),
    "CallUsEnableVideo": _b(),
    "CallUsRequirement": _enum(AUTHENTICATION_TYPES),
    "ClickToCallId": _s(),
    "AllowCallService": _b(),
    "AnswerAfter": _i(),
    "BreakRoute": Prop("any_object"),
    "BreakTime": Prop("any_object"),
    "CallHandlingMode": Prop("string", many=True),
    "CurrentGroupHours": _s(),
    "CustomOperator": Prop("any_object"),
    "CustomPrompt": _s(),
    "DisableCustomPrompt": _b(),
    "GloballyVisible": _b(),
    "HasMembers": _b(),
    "HolidaysRoute": Prop("any_object"),
    "Hours": Prop("any_object"),
    "IsDefault": _b(),
    "Language": _s(),
    "LastLoginTime": Prop("datetime"),
    "Members": Prop("object", ref="Pbx.UserGroup", many=True, nav=True),
    "MusicOnHold": _s(),
    "OfficeHolidays": Prop("object", ref="Pbx.Holiday", many=True, nav=True),
    "OfficeRoute": Prop("any_object"),
    "OutOfOfficeRoute": Prop("any_object"),
    "OverrideExpiresAt": Prop("datetime"),
    "OverrideHolidays": _b(),
    "PromptSet": _s(),
    "Props": Prop("any_object"),
    "Rights": Prop("object", ref="Pbx.Rights", many=True, nav=True),
    "TimeZoneId": _s(),
})

CALLFLOW_APP = EntityType("Pbx.CallFlowApp", {
    "Id": _i(nullable=False),
    "Number": _s(),
    "Name": _s(),
    "TranscriptionMode": _enum(TRANSCRIPTION_TYPES),
    "RoutingType": _enum(CFA_ROUTING_TYPES),
    "ScriptCode": _s(),
    "CompilationLastSuccess": Prop("datetime"),
    "CompilationResult": _s(),
    "CompilationSucceeded": _b(),
    "InvalidScript": _b(),
    "IsRegistered": _b(),
    "RejectedCode": _s(),
    "Groups": Prop("object", ref="Pbx.UserGroup", many=True, nav=True),
    "Trunk": Prop("object", ref="Pbx.Trunk", nav=True),
}, hidden=("ScriptCode",))

# Targets of navigation properties that the simulator always answers empty: they only
# need to exist so that ``$expand`` on them is accepted.
_EMPTY_TYPES = ("Pbx.EmergencyGeoTrunkLocation", "Pbx.Peer", "Pbx.InboundRule", "Pbx.Holiday")

TYPES = {t.name: t for t in (RIGHTS, USER_GROUP, TRUNK, GROUP, CALLFLOW_APP)}
TYPES.update({name: EntityType(name, {}) for name in _EMPTY_TYPES})

# Properties of a call flow app that only the server sets.  A client may send them (a
# body copied from a GET does); they are type-checked like every property and then ignored.
CFA_COMPUTED = ("Id", "CompilationLastSuccess", "CompilationResult", "CompilationSucceeded", "InvalidScript",
                "IsRegistered", "RejectedCode")

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


def rights_for(role_name):
    """Return the full ``Pbx.Rights`` object for a role, or None for an unknown role."""
    grants = _ROLE_GRANTS.get(role_name)
    if grants is None:
        return None
    rights = {}
    for name in RIGHTS.props:
        rights[name] = role_name if name == "RoleName" else name in grants
    return rights
