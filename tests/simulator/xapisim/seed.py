"""The data every simulator starts with, and the templates that complete seeded entities.

Domains are from the documentation ranges (example.net); numbers look like a small PBX:
three departments, two SIP trunks and two user extensions (100 and 101) whose numbers are
therefore taken.
"""

import copy


def group_template(name, number):
    """Every structural ``Pbx.Group`` property the simulator returns, with plausible values."""
    return {
        "Number": number,
        "Name": name,
        "TranscriptionMode": "Nothing",
        "CallUsEnableChat": False,
        "CallUsEnablePhone": False,
        "CallUsEnableVideo": False,
        "CallUsRequirement": "Both",
        "ClickToCallId": name.lower().replace(" ", ""),
        "AllowCallService": True,
        "AnswerAfter": 1,
        "CallHandlingMode": [],
        "CustomPrompt": None,
        "DisableCustomPrompt": True,
        "GloballyVisible": False,
        "IsDefault": False,
        "Language": "EN",
        "LastLoginTime": None,
        "MusicOnHold": None,
        "OverrideExpiresAt": None,
        "OverrideHolidays": False,
        "PromptSet": "1e6ed594-af95-4bb4-af56-b957ac87d6d7",
        "TimeZoneId": "51",
    }


def gateway_template(name, host, port=5060):
    """A ``Pbx.Gateway`` (the SIP provider side of a trunk)."""
    return {
        "Codecs": ["G711A", "G711U", "G729"],
        "DeliverAudio": False,
        "DestNumberInRemotePartyIDCalled": False,
        "DestNumberInRequestLineURI": True,
        "DestNumberInTo": False,
        "Host": host,
        "Id": None,
        "InboundParams": [],
        "Internal": False,
        "IPInRegistrationContact": "External",
        "IsCustom": False,
        "Lines": 10,
        "MatchingStrategy": "MatchAnyFields",
        "Name": name,
        "OutboundCallerID": None,
        "OutboundParams": [],
        "Port": port,
        "ProxyHost": host,
        "ProxyPort": port,
        "RequireRegistrationFor": "InOutCalls",
        "SourceIdentification": [],
        "SpecifiedIPForRegistrationContact": None,
        "SRTPMode": "SRTPDisabled",
        "SupportReinvite": True,
        "SupportReplaces": True,
        "TemplateFilename": "generic.pv.xml",
        "TimeBetweenReg": 120,
        "Type": "Provider",
        "UseIPInContact": False,
        "VariableChoices": [],
    }


def trunk_template(number):
    """Every structural ``Pbx.Trunk`` property, with plausible values for a SIP trunk."""
    return {
        "Number": number,
        "TranscriptionMode": "Nothing",
        "AuthID": None,
        "AuthPassword": {"Concealed": True, "Value": None},
        "Certificate": None,
        "CertificateExpirationDate": None,
        "CertificateName": None,
        "ConfigurationIssue": None,
        "DidNumbers": [],
        "Direction": "Both",
        "DisableCallTransfer": False,
        "DisableVideo": False,
        "DiversionHeader": False,
        "E164CountryCode": None,
        "E164ProcessIncomingNumber": False,
        "EnableInboundCalls": True,
        "EnableOutboundCalls": True,
        "ExternalNumber": None,
        "Gateway": gateway_template("Generic SIP Trunk", "sip.example.net"),
        "InCIDFormatting": [],
        "IPRestriction": "Any",
        "IsOnline": True,
        "Messaging": {"Enabled": False, "NumberLength": 0, "NumberLengthEnabled": False, "Provider": None, "Webhook": None},
        "OutboundCallerID": None,
        "OutCIDFormatting": [],
        "PublicInfoGroups": [],
        "PublicIPinSIP": None,
        "PublishInfo": False,
        "ReceiveInfo": False,
        "RemoteMyPhoneUriHost": None,
        "RemotePBXPreffix": None,
        "ScriptName": None,
        "SecondaryRegistrar": None,
        "SeparateAuthId": None,
        "SimultaneousCalls": 10,
        "Tags": [],
        "TransportRestriction": "Any",
        "TrunkRegTimes": [],
        "TunnelEnabled": False,
        "TunnelRemoteAddr": None,
        "TunnelRemotePort": None,
        "UseSeparateAuthId": False,
    }


_BUILTIN = {
    "groups": [
        {"Id": 1, "Name": "DEFAULT", "Number": "GRP0000", "IsDefault": True},
        {"Id": 2, "Name": "Sales", "Number": "GRP0001"},
        {"Id": 3, "Name": "Support", "Number": "GRP0002"},
    ],
    "trunks": [
        {
            "Number": "10000",
            "AuthID": "4930555000",
            "DidNumbers": ["+4930555000", "+4930555001"],
            "E164CountryCode": "49",
            "E164ProcessIncomingNumber": True,
            "ExternalNumber": "+4930555000",
            "OutboundCallerID": "+4930555000",
            "Gateway": gateway_template("Example Carrier", "sip.example.net"),
        },
        {
            "Number": "10001",
            "Direction": "Inbound",
            "EnableOutboundCalls": False,
            "DidNumbers": ["+4940555100"],
            "ExternalNumber": "+4940555100",
            "SimultaneousCalls": 4,
            "TransportRestriction": "TLS",
            "Gateway": gateway_template("Example Backup Carrier", "sip2.example.net", 5061),
        },
    ],
    "other_numbers": ["100", "101"],
    "callflow_apps": [],
}


def builtin_seed():
    """A fresh copy of the built-in data."""
    return copy.deepcopy(_BUILTIN)
