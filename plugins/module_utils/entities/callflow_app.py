# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Call Flow App (Pbx.CallFlowApp, entity set /CallFlowApps).

Property names, types and enum values follow the official XAPI OpenAPI
document (3CX 20.0.10). The spec marks nothing read-only; the fields flagged
computed below are the ones the PBX sets itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.module_utils.schema import (
    EntitySchema, Field, SET_BY_KEY, SUBSET, TEXT)

ROUTING_TYPES = ("DialCode", "Forward", "Trunk")
TRANSCRIPTION_MODES = ("Nothing", "Voicemail", "Recordings", "Both", "Inherit")

# Pbx.DN properties, shared by every DN type (a trunk is one too).
DN_KEYS = ("Groups", "Id", "Number", "TranscriptionMode")
USER_GROUP_KEYS = ("CanDelete", "GroupId", "GroupRights", "Id", "MemberName", "Name", "Number", "Rights",
                   "Tags", "TranscriptionMode", "Type")
RIGHTS_KEYS = ("AllowIVR", "AllowParking", "AllowToChangePresence", "AllowToManageCompanyBook",
               "AssignClearOperations", "CanBargeIn", "CanIntercom", "CanSeeGroupCalls", "CanSeeGroupMembers",
               "CanSeeGroupRecordings", "Invalid", "PerformOperations", "RoleName", "ShowMyCalls", "ShowMyPresence",
               "ShowMyPresenceOutside")
TRUNK_KEYS = DN_KEYS + (
    "AuthID", "AuthPassword", "Certificate", "CertificateExpirationDate", "CertificateName", "ConfigurationIssue",
    "DidNumbers", "Direction", "DisableCallTransfer", "DisableVideo", "DiversionHeader", "E164CountryCode",
    "E164ProcessIncomingNumber", "EmergencyGeoLocations", "EnableInboundCalls", "EnableOutboundCalls",
    "ExternalNumber", "Gateway", "IPRestriction", "InCIDFormatting", "IsOnline", "Messaging", "OutCIDFormatting",
    "OutboundCallerID", "PublicIPinSIP", "PublicInfoGroups", "PublishInfo", "ReceiveExtensions", "ReceiveInfo",
    "RemoteMyPhoneUriHost", "RemotePBXPreffix", "RoutingRules", "ScriptName", "SecondaryRegistrar",
    "SeparateAuthId", "SimultaneousCalls", "Tags", "TransportRestriction", "TrunkRegTimes", "TunnelEnabled",
    "TunnelRemoteAddr", "TunnelRemotePort", "UseSeparateAuthId")

CALLFLOW_APP = EntitySchema(
    name="callflow_app",
    title="Call Flow App",
    entity_set="/CallFlowApps",
    fields=[
        Field("id", "Id", type="int", identity=True, computed=True,
              description="Id the PBX assigned to the app."),
        Field("number", "Number", identity=True, create_only=True, required_on_create=True,
              description="DN number of the app. Set when the app is created; it cannot change afterwards."),
        Field("name", "Name", identity=True, required_on_create=True, description="Name of the app."),
        Field("routing_type", "RoutingType", choices=ROUTING_TYPES,
              description="How calls reach the app."),
        Field("script_code", "ScriptCode", compare=TEXT, select_only=True, digest_in_diff=True,
              description="C# source of the app. Compared after normalising line endings and trailing blanks."),
        Field("transcription_mode", "TranscriptionMode", choices=TRANSCRIPTION_MODES,
              description="Transcription of the app's calls."),
        # Rights and GroupRights are navigation properties of Pbx.UserGroup: expanded so they can be compared.
        Field("groups", "Groups", type="list", compare=SET_BY_KEY, key="GroupId", navigation=True,
              expand="Groups($expand=Rights,GroupRights)", min_items=1,
              element_keys=USER_GROUP_KEYS, nested_keys={"Rights": RIGHTS_KEYS, "GroupRights": RIGHTS_KEYS},
              example='[{"GroupId": 2, "Rights": {"RoleName": "users"}}]',
              description="Department memberships (Pbx.UserGroup). The list replaces the app's memberships whole; "
                          "every DN belongs to at least one department, so an empty list is refused."),
        Field("trunk", "Trunk", type="dict", compare=SUBSET, navigation=True, element_keys=TRUNK_KEYS,
              secret_keys=("AuthPassword",),
              example='{"Number": "10000"}', description="Trunk of the app (Pbx.Trunk)."),
        Field("compilation_last_success", "CompilationLastSuccess", computed=True),
        Field("compilation_result", "CompilationResult", computed=True),
        Field("compilation_succeeded", "CompilationSucceeded", computed=True),
        Field("invalid_script", "InvalidScript", computed=True),
        Field("is_registered", "IsRegistered", computed=True),
        Field("rejected_code", "RejectedCode", computed=True),
    ],
)

# Options of a callflow_app task besides the entity's own properties.
TASK_OPTIONS = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    wait_for_compilation=dict(type="bool", default=False),
    compilation_timeout=dict(type="int", default=60),
    diff_script=dict(type="bool", default=True),
)
REQUIRED_ONE_OF = [["id", "number", "name"]]


def argument_spec():
    """Options of one app: its properties plus how the task treats it."""
    spec = CALLFLOW_APP.argument_spec()
    spec.update((name, dict(option)) for name, option in TASK_OPTIONS.items())
    return spec
