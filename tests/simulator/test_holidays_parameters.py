"""Holidays (required properties) and system parameters (unique names, lookup by name)."""

import pytest

HOLIDAY = {"Name": "Christmas", "Day": 24, "Month": 12, "DayEnd": 26, "MonthEnd": 12, "Year": 0, "YearEnd": 0,
           "TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT23H59M59S", "IsRecurrent": True}


def assert_warning(answer, target, token):
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"] == [{"code": "", "message": token, "target": target}]


def test_holiday_with_every_required_property(client):
    holiday = client.post("Holidays", json=HOLIDAY).json()
    assert {k: holiday[k] for k in HOLIDAY} == HOLIDAY
    assert holiday["Id"] == 1


@pytest.mark.parametrize("missing", ["Name", "Day", "Month", "DayEnd", "MonthEnd", "Year", "YearEnd", "TimeOfStartDate",
                                     "TimeOfEndDate"])
def test_each_non_nullable_holiday_property_is_required_on_create(client, missing):
    body = {k: v for k, v in HOLIDAY.items() if k != missing}
    assert_warning(client.post("Holidays", json=body), missing, "WARNINGS.XAPI.REQUIRED")
    created = client.post("Holidays", json=HOLIDAY).json()
    assert client.patch("Holidays(%d)" % created["Id"], json={"Name": "Xmas"}).status_code == 204  # a PATCH needs none


def test_parameter_lookup_by_name(client):
    body = client.get("Parameters/Pbx.GetParameterByName(name='MS_EXTERNAL_CODEC_LIST')").json()
    assert body["@odata.context"].endswith("$metadata#Parameters/$entity")
    assert body["Value"] == "PCMA PCMU G729 GSM"
    created = client.post("Parameters", json={"Name": "O'HARA", "Value": "1"}).json()
    assert client.get("Parameters/Pbx.GetParameterByName(name='O''HARA')").json()["Id"] == created["Id"]
    assert client.get("Parameters/Pbx.GetParameterByName(name='NOPE')").status_code == 404


def test_parameter_name_is_unique_and_required(client):
    assert_warning(client.post("Parameters", json={"Name": "MS_LOCAL_CODEC_LIST", "Value": "x"}), "Name",
                   "WARNINGS.XAPI.ALREADY_IN_USE")
    assert_warning(client.post("Parameters", json={"Value": "x"}), "Name", "WARNINGS.XAPI.REQUIRED")
    created = client.post("Parameters", json={"Name": "MINE", "Value": "1"}).json()
    assert_warning(client.patch("Parameters(%d)" % created["Id"], json={"Name": "MS_LOCAL_CODEC_LIST"}), "Name",
                   "WARNINGS.XAPI.ALREADY_IN_USE")
    assert client.patch("Parameters(%d)" % created["Id"], json={"Name": "MINE", "Value": "2"}).status_code == 204
