"""Default values: what a property holds when nobody set it.

Every type gets a complete default object (every structural property present) built from
the registry: false, 0, null for nullable text, the first enum member, an empty list, a
default object for a complex property.  Entity sets and singletons then override the
properties where a plausible PBX value matters; those tables are below and in seed.py.
"""

import copy

from .model import TYPES

EPOCH = "2025-01-01T00:00:00Z"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
_NON_NULL_TEXT = {"string": "", "datetime": EPOCH, "duration": "PT0S", "time": "00:00:00", "date": "2025-01-01",
                  "guid": ZERO_GUID}
_cache = {}


def default_value(prop, stack=()):
    """The value a property has when nothing set it."""
    if prop.many:
        return []
    if prop.nav:
        return None
    kind = prop.kind
    if kind == "bool":
        return False
    if kind == "int":
        return min(max(0, prop.low), prop.high)
    if kind == "number":
        return 0
    if kind == "enum":
        return prop.values[0]
    if kind == "object":
        if prop.ref in stack:  # a schema that contains itself
            return None if prop.nullable else {}
        return _build_object(prop.ref, stack)
    if kind == "any":
        return None
    return None if prop.nullable else _NON_NULL_TEXT[kind]


def _build_object(type_name, stack=()):
    etype = TYPES[type_name]
    stack = stack + (type_name,)
    return {name: default_value(etype.props[name], stack) for name in etype.structural}


def default_object(type_name):
    """A fresh complete default object of a type (every structural property present)."""
    cached = _cache.get(type_name)
    if cached is None:
        cached = _cache[type_name] = _build_object(type_name)
    return copy.deepcopy(cached)


def destination(to="None", number=None):
    """A ``Pbx.Destination`` as the server completes it."""
    return dict(default_object("Pbx.Destination"), To=to, Number=number)


def schedule(kind="AllHours", periods=()):
    """A ``Pbx.Schedule``."""
    return {"IgnoreHolidays": False, "Periods": list(periods), "Type": kind}


def office_week():
    """Monday to Friday, 09:00 to 17:00."""
    return [{"DayOfWeek": day, "Start": "09:00:00", "Stop": "17:00:00"}
            for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]


def forwarding_profiles(number, user_name):
    """The five profiles every user has (names as the PBX's clients show them), each
    forwarding to the user's own voicemail."""
    profiles = []
    for index, profile_name in enumerate(("Available", "Away", "Out of office", "Custom 1", "Custom 2"), 1):
        profile = default_object("Pbx.ForwardingProfile")
        profile.update(Id=index, Name=profile_name, NoAnswerTimeout=20, AcceptMultipleCalls=True)
        for route in ("AvailableRoute", "AwayRoute"):
            for key, value in profile[route].items():
                if isinstance(value, dict):
                    profile[route][key] = dict(destination("VoiceMail", number), Name=user_name, Type="Extension")
        profiles.append(profile)
    return profiles


# -- entity sets: properties whose type default is not what a new entity of the PBX shows --

DN_VALUES = {"TranscriptionMode": "Inherit"}
CLICK_TO_CALL_VALUES = {"CallUsRequirement": "Both"}

SET_VALUES = {
    "Users": {
        "Enabled": True, "Language": "EN", "SRTPMode": "SRTPDisabled", "VMEnabled": True, "VMEmailOptions": "Notification",
        "VMPlayCallerID": True, "VMPlayMsgDateTime": "None", "QueueStatus": "LoggedOut", "CurrentProfileName": "Available",
        "PinProtectTimeout": 0, "SendEmailMissedCalls": True, "AllowOwnRecordings": True, "PbxDeliversAudio": False,
        "Hours": schedule("OfficeHours"), "BreakTime": schedule("BreakTime"), "OfficeHoursProps": ["GlobalSchedule"],
        "PromptSet": "1e6ed594-af95-4bb4-af56-b957ac87d6d7",
    },
    "Groups": {
        "TranscriptionMode": "Nothing", "AllowCallService": True, "AnswerAfter": 1, "DisableCustomPrompt": True,
        "Language": "EN", "TimeZoneId": "51", "PromptSet": "1e6ed594-af95-4bb4-af56-b957ac87d6d7",
        "Hours": schedule("SpecificHours", office_week()), "BreakTime": schedule("SpecificHours"),
        "CurrentGroupHours": "Default", "CallHandlingMode": [],
    },
    "Queues": {
        "PollingStrategy": "Hunt", "RingTimeout": 20, "MasterTimeout": 300, "MaxCallersInQueue": 10, "WrapUpTime": 0,
        "AnnouncementInterval": 60, "Recording": "Disabled", "SLATime": 60, "VMEmailOptions": "None",
        "TypeOfChatOwnershipType": "TakeManually", "PromptSet": "1e6ed594-af95-4bb4-af56-b957ac87d6d7",
    },
    "RingGroups": {"RingStrategy": "RingAll", "RingTime": 20, "VMEmailOptions": "None", "MulticastPacketTime": 20},
    "Receptionists": {"IVRType": "Default", "Timeout": 10, "TimeoutForwardType": "EndCall",
                      "PromptSet": "1e6ed594-af95-4bb4-af56-b957ac87d6d7"},
    "Trunks": {"Direction": "Both", "EnableInboundCalls": True, "EnableOutboundCalls": True, "SimultaneousCalls": 10,
               "IPRestriction": "Any", "TransportRestriction": "Any", "TranscriptionMode": "Nothing"},
    "Fax": {"FaxServer": False},
    "ServicePrincipals": {"XAPIEnabled": True},
    "InboundRules": {"Condition": "BasedOnDID", "CallType": "AllCalls", "Hours": schedule("OfficeHours")},
    "OutboundRules": {"NumberLengthRanges": None},
    "Holidays": {"IsRecurrent": False, "TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT23H59M59S"},
}

# The routes every department, queue and ring group has (all ending the call until set).
_ROUTE_PROPS = ("OfficeRoute", "OutOfOfficeRoute", "BreakRoute", "HolidaysRoute")
_DESTINATION_PROPS = ("ForwardNoAnswer", "CustomOperator")


def set_template(set_name, type_name):
    """A complete new entity of a set before the client's properties are applied."""
    values = default_object(type_name)
    etype = TYPES[type_name]
    for table in (DN_VALUES, CLICK_TO_CALL_VALUES, SET_VALUES.get(set_name, {})):
        values.update((k, copy.deepcopy(v)) for k, v in table.items() if k in etype.props)
    for name in _ROUTE_PROPS:
        if name in values and isinstance(values[name], dict):
            values[name]["Route"] = destination()
    for name in _DESTINATION_PROPS:
        if name in values:
            values[name] = destination()
    return values
