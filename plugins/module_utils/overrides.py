# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the official document does not state, curated with evidence.

The document marks no property read-only and no schema lists required
properties, so the write rules come from here. Every rule carries a short
evidence note: the fact and its source.

Sources: [spec] the official OpenAPI document (3CX 20.0.10); [TUT] 3CX's own
xapi-tutorial tests; [live] answers recorded from live PBXs by third-party
clients; [console] what the Admin Console shows; [inference] a conclusion no
source states, kept until a live PBX says otherwise.

SCHEMAS: rules per schema of the document, inherited by the schemas built on it
(every DN type inherits Pbx.DN's). Each rule maps property -> evidence, except
"keys" (property -> (element key, evidence)), "compare" (property -> (rule,
evidence), see schema.py) and "min_items" (property -> (count, evidence)).
  computed     set by the PBX: never sent, never compared, refused as input
  runtime      live state the PBX keeps (presence, queue login): treated like computed
  create_only  sent when the entity is created; a different value later is refused
  secret       masked everywhere; compared only when the PBX shows it in clear
  select_only  left out of answers unless named in $select
  text_diff    long text: compared normalised, shown line by line in the diff
SETS / SINGLETONS: per entity set or singleton: "title" (what an administrator calls
it), "identity" (natural key properties, in the order a lookup tries them),
"required_on_create", "create" (how the entity is created).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Types whose every property holding them is a secret.
SECRET_TYPES = {
    "Pbx.ConcealedPassword": "[spec] the type conceals a password; [TUT] trunks.spec.ts writes AuthPassword as {Value}",
}

_DN_SERVER_STATE = "[inference] registration state the PBX reports; no source writes it"
_MEMBER_ECHO = "[live] the PBX fills it from the member's number; clients write only Number"

SCHEMAS = {
    "Pbx.DN": {
        "computed": {"Id": "[spec] the key of every DN type; the PBX assigns it on create"},
        "create_only": {"Number": "[TUT] every *.spec.ts: 'Should not allow to change number'"},
        "keys": {"Groups": ("GroupId", "[TUT] memberships are written as [{GroupId, Rights}] and replaced whole")},
        "min_items": {"Groups": (1, "[live] every DN belongs to a department; an empty list is refused")},
    },
    "Pbx.UserGroup": {
        "computed": dict((name, "[TUT] writes only GroupId and Rights; the PBX fills the rest of a membership")
                         for name in ("CanDelete", "GroupRights", "Id", "MemberName", "Name", "Number", "Tags",
                                      "TranscriptionMode", "Type")),
    },
    "Pbx.Rights": {
        "computed": dict((name, "[TUT] writes only RoleName; the rights follow the role [console]")
                         for name in ("AllowIVR", "AllowParking", "AllowToChangePresence", "AllowToManageCompanyBook",
                                      "AssignClearOperations", "CanBargeIn", "CanIntercom", "CanSeeGroupCalls",
                                      "CanSeeGroupMembers", "CanSeeGroupRecordings", "Invalid", "PerformOperations",
                                      "ShowMyCalls", "ShowMyPresence", "ShowMyPresenceOutside")),
    },
    "Pbx.CallFlowApp": {
        "computed": dict([(name, "[live] compile status the PBX sets after each script change")
                          for name in ("CompilationLastSuccess", "CompilationResult", "CompilationSucceeded",
                                       "InvalidScript", "RejectedCode")]
                         + [("IsRegistered", _DN_SERVER_STATE)]),
        "select_only": {"ScriptCode": "[live] left out of answers unless named in $select"},
        "text_diff": {"ScriptCode": "[live] the PBX rewrites line endings and trailing blanks of scripts"},
    },
    "Pbx.User": {
        "computed": {"IsRegistered": _DN_SERVER_STATE,
                     "Tags": "[spec] Pbx.UserTag flags (WeakID, WeakPass, MS, Teams...) the PBX derives"},
        "runtime": {"CurrentProfileName": "[live] the presence profile switch users flip during the day",
                    "QueueStatus": "[spec] LoggedIn/LoggedOut: an agent's queue login",
                    "HotdeskingAssignment": "[live] cleared to log a hot-desk user out"},
        "secret": {"AuthPassword": "SIP password", "AccessPassword": "web client password",
                   "DeskphonePassword": "desk phone admin password", "VMPIN": "voicemail PIN"},
        "keys": {"Phones": ("MacAddress", "[live] phones are provisioned per MAC address"),
                 "ForwardingProfiles": ("Name", "[live] Available, Away, Out of office, Custom 1, Custom 2"),
                 "Greetings": ("Type", "[spec] one greeting per Pbx.ProfileType")},
    },
    "Pbx.Group": {
        "computed": {"HasMembers": "[spec] derived from Members", "IsDefault": "[inference] the PBX's default department",
                     "LastLoginTime": "[inference] activity the PBX records",
                     "Props": "[inference] licence and multi-company limits (Pbx.GroupProps) set by the licence",
                     "Rights": "[inference] the department's role matrix; no source writes it"},
        "runtime": {"CurrentGroupHours": "[spec] Pbx.GroupHoursMode: the 'open/closed now' override",
                    "OverrideExpiresAt": "[inference] when that override ends"},
        "keys": {"Members": ("Number", "[TUT] groups.spec.ts writes Members as [{Number, Rights}]"),
                 "OfficeHolidays": ("Id", "[live] holidays are attached by reference, written whole")},
    },
    "Pbx.Queue": {
        "computed": {"IsRegistered": _DN_SERVER_STATE},
        "keys": {"Agents": ("Number", "[live] agents are written as [{Number}]"),
                 "Managers": ("Number", "[live] managers are written as [{Number}]")},
    },
    "Pbx.QueueAgent": {"computed": {"Id": _MEMBER_ECHO, "Name": _MEMBER_ECHO, "Tags": _MEMBER_ECHO}},
    "Pbx.QueueManager": {"computed": {"Id": _MEMBER_ECHO, "Name": _MEMBER_ECHO, "Tags": _MEMBER_ECHO}},
    "Pbx.RingGroup": {
        "computed": {"IsRegistered": _DN_SERVER_STATE},
        "keys": {"Members": ("Number", "[inference] written like queue agents, by Number")},
    },
    "Pbx.RingGroupMember": {"computed": {"Id": _MEMBER_ECHO, "Name": _MEMBER_ECHO, "Tags": _MEMBER_ECHO}},
    "Pbx.Receptionist": {
        "computed": {"IsRegistered": _DN_SERVER_STATE},
        "keys": {"Forwards": ("Input", "[spec] one forward per DTMF input key")},
    },
    "Pbx.ReceptionistForward": {"computed": {"Id": "[inference] the PBX numbers the forwards"}},
    "Pbx.Destination": {
        "computed": {"Name": "[live] filled in from the destination's number", "Type": "[live] the peer type of Number",
                     "Tags": "[live] the peer's tags"},
    },
    "Pbx.Peer": {
        "computed": {"Hidden": "[spec] a read-only directory entry", "MemberOf": "[spec] read-only",
                     "Name": "[spec] the peer's name", "Tags": "[spec] read-only", "Type": "[spec] read-only"},
    },
    "Pbx.InboundRule": {"computed": {"Id": "[spec] the key; the PBX assigns it"}},
    "Pbx.OutboundRule": {
        "computed": {"Id": "[spec] the key; the PBX assigns it",
                     "GroupNames": "[live] mirror of GroupIds the PBX fills in"},
    },
    "Pbx.OutboundRoute": {"computed": {"TrunkName": "[live] mirror of TrunkId the PBX fills in"}},
    "Pbx.Parameter": {"computed": {"Id": "[spec] the key; the PBX assigns it"}},
    "Pbx.Holiday": {"computed": {"Id": "[spec] the key; the PBX assigns it"}},
    "Pbx.OfficeHours": {
        "keys": {"OfficeHolidays": ("Id", "[live] holidays are attached by reference, written whole")},
    },
    "Pbx.Trunk": {
        "computed": {"IsOnline": "[inference] registration state", "ConfigurationIssue": "[inference] a diagnosis",
                     "CertificateExpirationDate": "[inference] read from the certificate",
                     "TrunkRegTimes": "[inference] registration timestamps", "Tags": "[spec] flags the PBX derives",
                     "RoutingRules": "[spec] the trunk's inbound rules: managed as InboundRules",
                     "ReceiveExtensions": "[inference] a read-only view", "EmergencyGeoLocations": "[inference] read-only"},
    },
    "Pbx.ConcealedPassword": {"computed": {"Concealed": "[spec] the PBX says whether Value is hidden"}},
    "Pbx.Fax": {"secret": {"AuthPassword": "SIP password of the fax DN"}},
    "Pbx.Fxs": {"secret": {"Password": "gateway admin password", "Secret": "provisioning secret"}},
    "Pbx.PhoneSettings": {"secret": {"Secret": "phone provisioning secret"}},
    "Pbx.ConferenceSettings": {"secret": {"PinNumber": "conference PIN"}},
    "Pbx.Sbc": {"secret": {"Password": "SBC password"}},
    "Pbx.SipDevice": {"secret": {"PhoneWebPassword": "phone web interface password"}},
    "Pbx.RefreshToken": {"secret": {"Token": "an OAuth refresh token"}},
    "Pbx.LicenseStatus": {"secret": {"LicenseKey": "the PBX licence key"}},
    "Pbx.SystemStatus": {"secret": {"LicenseKey": "the PBX licence key"}},
    "Pbx.LocationSettings": {"secret": {"SftpPrivateKey": "an SSH private key (Pbx.ConcealedDataFile)"}},
    "Pbx.Microsoft365TeamsIntegration": {"secret": {"SbcPrivateKey": "a TLS private key (Pbx.ConcealedDataFile)"}},
    "Pbx.RemotePostgreConfig": {"secret": {"ClientPrivateKey": "a TLS private key (Pbx.ConcealedDataFile)"}},
    "Pbx.SecureSipSettings": {"secret": {"PrivateKey": "a TLS private key (Pbx.ConcealedDataFile)"}},
    "Pbx.SyslogCustomRelayConfig": {"secret": {"ClientPrivateKey": "a TLS private key (Pbx.ConcealedDataFile)"}},
}

_DN_NUMBER = "[TUT] DN numbers are unique across all DN types and identify the DN"
_BASICS = "[live] POST /Users refuses voicemail, transcription and membership properties; the basics only, the rest by PATCH"

SETS = {
    "CallFlowApps": {"title": "Call Flow App", "identity": (("Number", "Name"), _DN_NUMBER + "; Name as a fallback"),
                     "required_on_create": (("Number", "Name"), "[live] a Call Flow App needs a number and a name")},
    "Users": {"title": "user", "identity": (("Number",), _DN_NUMBER),
              "create": ({"strategy": "post_then_patch",
                          "post": ("Number", "FirstName", "LastName", "EmailAddress", "DisplayName", "Mobile")}, _BASICS)},
    "Groups": {"title": "department", "identity": (("Name",), "[TUT] 3CX's guide finds a department by $filter=Name eq"),
               "required_on_create": (("Name",), "[TUT] groups.spec.ts creates with Name only")},
    "Queues": {"title": "queue", "identity": (("Number",), _DN_NUMBER)},
    "RingGroups": {"title": "ring group", "identity": (("Number",), _DN_NUMBER),
                   "required_on_create": (("Name",), "[TUT] ring-groups.spec.ts creates with Name")},
    "Receptionists": {"title": "digital receptionist", "identity": (("Number",), _DN_NUMBER),
                      "required_on_create": (("Name",), "[TUT] ivr.spec.ts creates with Name")},
    "Parkings": {"title": "parking", "identity": (("Number",), _DN_NUMBER),
                 "required_on_create": (("Number",), "[TUT] parkings.spec.ts creates with Number")},
    "Fax": {"title": "fax", "identity": (("Number",), _DN_NUMBER)},
    "Trunks": {"title": "trunk", "identity": (("Number",), _DN_NUMBER),
               "create": ({"strategy": "template", "function": "Pbx.InitTrunk", "param": "template"},
                          "[TUT] trunks.spec.ts: GET /Trunks/Pbx.InitTrunk(template=...), then POST the body it answers")},
    "InboundRules": {"title": "inbound rule", "identity": (("RuleName",), "[inference] the rule's label; the only name it has")},
    "OutboundRules": {"title": "outbound rule", "identity": (("Name",), "[live] rules are matched by Name by every known client")},
    "Parameters": {"title": "parameter", "identity": (("Name",), "[spec] Pbx.GetParameterByName(name)"),
                   "required_on_create": (("Name",), "[inference] a parameter without a name cannot be found again")},
    "Holidays": {"title": "holiday", "identity": (("Name",), "[live] holidays are matched by Name"),
                 "required_on_create": (("Name", "Day", "Month", "DayEnd", "MonthEnd", "Year", "YearEnd",
                                         "TimeOfStartDate", "TimeOfEndDate"),
                                        "[spec] not nullable; [live] the start and end times are mandatory")},
    "Contacts": {"title": "contact"},
    "ServicePrincipals": {"title": "service principal", "identity": (("Number",), _DN_NUMBER)},
}

SINGLETONS = {
    "OfficeHours": {"title": "office hours"},
}
