"""Binding a body to its type (from the registry), and what happens to what was sent."""

import pytest

from xapisim.binding import check_body, kind_error
from xapisim.model import TYPES, Prop

BIND_ERROR = {"error": {"code": "", "message": "The input was not valid.\n\ndelta:\nThe delta field is required."}}


def assert_bind_error(answer):
    """What live PBXs answer for POST and PATCH alike: no details, no target."""
    assert answer.status_code == 400, answer.text
    assert answer.json() == BIND_ERROR


def seed_error(client, set_name, item):
    """A refused seed item names the property at fault (the API's bind error does not)."""
    answer = client.session.post(client.base + "/_sim/seed", json={set_name: [item]})
    assert answer.status_code == 400
    return answer.json()["error"]


@pytest.mark.parametrize("body, target", [
    ({"FirstName": 5}, "FirstName"),                                 # wrong JSON type
    ({"Enabled": "yes"}, "Enabled"),
    ({"PinProtectTimeout": 2147483648}, "PinProtectTimeout"),        # int32 out of range
    ({"PinProtectTimeout": 1.5}, "PinProtectTimeout"),
    ({"SRTPMode": "Sometimes"}, "SRTPMode"),                         # bad enum
    ({"TranscriptionMode": "Voicemail, Loud"}, "TranscriptionMode"),  # bad member of a flags enum
    ({"OfficeHoursProps": "GlobalSchedule"}, "OfficeHoursProps"),    # a collection expected
    ({"OfficeHoursProps": ["Sometimes"]}, "OfficeHoursProps"),
    ({"Hours": {"Type": None}}, "Hours/Type"),                       # null where not nullable
    ({"Hours": {"Periods": [{"Start": "9 o'clock"}]}}, "Hours/Periods/Start"),
    ({"Hours": {"Colour": "blue"}}, "Hours/Colour"),                 # unknown property, nested
    ({"Groups": [None]}, "Groups"),
    ({"Id": "5"}, "Id"),                                             # computed, still type-checked
])
def test_patch_that_does_not_bind_changes_nothing(client, body, target):
    before = client.control("GET", "state")["Users"][0]
    assert_bind_error(client.patch("Users(102)", json=body))
    assert client.control("GET", "state")["Users"][0] == before
    assert seed_error(client, "Users", dict(body, Number="150")).endswith("(%s)" % target)


def test_int_ranges_follow_the_format(client):
    holiday = {"Name": "H", "Day": 256, "Month": 1, "DayEnd": 1, "MonthEnd": 1, "Year": 0, "YearEnd": 0,
               "TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT1H"}
    assert_bind_error(client.post("Holidays", json=holiday))
    assert seed_error(client, "Holidays", holiday).endswith("(Day)")
    holiday.update(Day=255, TimeOfEndDate="one hour")
    assert seed_error(client, "Holidays", holiday).endswith("(TimeOfEndDate)")
    holiday.update(TimeOfEndDate="PT1H")
    assert client.post("Holidays", json=holiday).status_code == 201


@pytest.mark.parametrize("prop, value, fits", [
    (Prop("x", "int", fmt="uint8"), -1, False), (Prop("x", "int", fmt="uint8"), 255, True),
    (Prop("x", "int", fmt="int16"), 32768, False), (Prop("x", "int", fmt="int64"), 2 ** 40, True),
    (Prop("x", "int"), True, False), (Prop("x", "number"), 1.5, True), (Prop("x", "number"), "1.5", False),
    (Prop("x", "guid"), "1e6ed594-af95-4bb4-af56-b957ac87d6d7", True), (Prop("x", "guid"), "1e6ed594", False),
    (Prop("x", "date"), "2025-12-24", True), (Prop("x", "time"), "09:00:00", True), (Prop("x", "time"), "9:00", False),
    (Prop("x", "duration"), "PT23H59M59S", True), (Prop("x", "duration"), "P", False),
    (Prop("x", "datetime"), "2025-01-01T00:00:00Z", True), (Prop("x", "datetime"), "yesterday", False),
    (Prop("x", "string", nullable=False), None, False), (Prop("x", "string"), None, True),
    (Prop("x", "enum", ref="Pbx.TranscriptionType"), "Recordings,Voicemail", True),
    (Prop("x", "enum", ref="Pbx.PeerType"), "Extension,Queue", False),  # not a flags enum
    (Prop("x", "any"), {"free": ["form"]}, True),
])
def test_kind_rules(prop, value, fits):
    assert (kind_error(value, prop) is None) is fits


def test_check_body_names_the_path_of_the_problem():
    problem = check_body({"Gateway": {"InboundParams": [{"Bogus": 1}]}}, TYPES["Pbx.Trunk"])
    assert problem[1] == "Gateway/InboundParams/Bogus"
    assert check_body({"Gateway": {"InboundParams": []}}, TYPES["Pbx.Trunk"]) is None


def test_flags_are_stored_in_declaration_order(client):
    client.patch("Users(102)", json={"TranscriptionMode": "Recordings,Voicemail"})
    assert client.get("Users(102)").json()["TranscriptionMode"] == "Voicemail, Recordings"


def test_server_computed_properties_are_type_checked_then_ignored(client):
    assert client.patch("Users(102)", json={"IsRegistered": False, "Tags": ["WeakPass"], "Id": 7}).status_code == 204
    user = client.get("Users(102)").json()
    assert (user["IsRegistered"], user["Tags"], user["Id"]) == (True, [], 102)


def test_nested_collections_replace_the_stored_list_whole(client):
    client.patch("Users(102)", json={"Phones": [{"MacAddress": "001122334455", "TemplateName": "yealink"},
                                                {"MacAddress": "001122334466"}]})
    client.patch("Users(102)", json={"Phones": [{"MacAddress": "001122334477"}]})
    phones = client.get("Users(102)", params={"$expand": "Phones"}).json()["Phones"]
    assert [p["MacAddress"] for p in phones] == ["001122334477"]
    assert phones[0]["Id"] and phones[0]["Settings"] is not None  # completed by the server


def test_a_complex_property_sent_replaces_the_stored_value(client):
    client.patch("Users(102)", json={"Hours": {"Type": "SpecificHours", "IgnoreHolidays": True,
                                               "Periods": [{"DayOfWeek": "Monday", "Start": "08:00:00", "Stop": "12:00:00"}]}})
    client.patch("Users(102)", json={"Hours": {"Type": "AllHours"}})
    assert client.get("Users(102)").json()["Hours"] == {"Type": "AllHours", "IgnoreHolidays": False, "Periods": []}


def test_structural_collections_replace_whole_too(client):
    client.patch("Trunks(100)", json={"OutCIDFormatting": [{"SourcePattern": "0*", "ReplacePattern": "+49*"}]})
    client.patch("Trunks(100)", json={"OutCIDFormatting": []})
    assert client.get("Trunks(100)").json()["OutCIDFormatting"] == []


def test_too_long_text_is_refused(client):
    answer = client.patch("Users(102)", json={"Blfs": "x" * 20481})
    assert answer.json()["error"]["details"] == [{"code": "", "message": "WARNINGS.STRING_TOO_LONG", "target": "Blfs"}]


def test_navigation_inside_a_complex_value_is_not_stored(client):
    client.patch("Users(102)", json={"AgentSettings": {"Voice": "alloy", "PhonebookOverride": {"Number": "100"}}})
    settings = client.get("Users(102)").json()["AgentSettings"]
    assert settings["Voice"] == "alloy" and "PhonebookOverride" not in settings


def test_filter_and_orderby_through_complex_properties(client):
    body = client.get("Trunks", params={"$filter": "Gateway/Name eq 'Example Backup Carrier'", "$select": "Id"}).json()
    assert body["value"] == [{"Id": 101}]
    ordered = client.get("Trunks", params={"$orderby": "Gateway/Host desc", "$select": "Id"}).json()["value"]
    assert [t["Id"] for t in ordered] == [101, 100]
    assert client.get("Users", params={"$filter": "Groups/GroupId eq 1"}).status_code == 400
