"""Departments (/Groups): writes, members from both sides, and the delete guard."""

import pytest


def assert_warning(answer, target, token):
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"] == [{"code": "", "message": token, "target": target}]


def members(client, group_id):
    params = {"$expand": "Members($expand=Rights)"}
    return [(m["Number"], m["Name"], m["Type"], m["Rights"]["RoleName"])
            for m in client.get("Groups(%d)" % group_id, params=params).json()["Members"]]


def test_create_update_delete(client):
    created = client.post("Groups", json={"Name": "Lab", "Language": "DE"})
    assert created.status_code == 201
    group = created.json()
    assert (group["Id"], group["Number"], group["HasMembers"], group["IsDefault"]) == (4, "GRP0003", False, False)
    assert client.patch("Groups(4)", json={"Name": "Laboratory"}).status_code == 204
    assert client.get("Groups(4)").json()["Name"] == "Laboratory"
    assert client.delete("Groups(4)").status_code == 204
    assert client.get("Groups(4)").status_code == 404
    assert client.post("Parkings", json={"Number": "GRP0003"}).status_code == 201  # its number is free again


@pytest.mark.parametrize("body, token", [({}, "WARNINGS.XAPI.REQUIRED"), ({"Name": None}, "WARNINGS.XAPI.REQUIRED"),
                                         ({"Name": "  "}, "WARNINGS.XAPI.CAN_NOT_BE_EMPTY_STRING")])
def test_name_is_required(client, body, token):
    assert_warning(client.post("Groups", json=body), "Name", token)
    if body:
        assert_warning(client.patch("Groups(2)", json=body), "Name", token)


def test_computed_properties_are_ignored(client):
    group = client.post("Groups", json={"Name": "Lab", "HasMembers": True, "IsDefault": True}).json()
    assert (group["HasMembers"], group["IsDefault"]) == (False, False)


def test_delete_with_members_is_refused(client):
    answer = client.delete("Groups(1)")  # the default department, with the two seeded users
    assert answer.status_code == 400
    client.patch("Users(102)", json={"Groups": [{"GroupId": 2}]})
    assert_warning(client.delete("Groups(2)"), "Members", "WARNINGS.XAPI.GROUP_WITH_MEMBERS_CANNOT_BE_DELETED")
    assert client.get("Groups(2)").status_code == 200
    client.patch("Users(102)", json={"Groups": [{"GroupId": 1}]})
    assert client.delete("Groups(2)").status_code == 204


def test_the_default_department_cannot_be_deleted(client):
    client.patch("Groups(1)", json={"Members": []})
    assert client.get("Groups(1)").json()["HasMembers"] is True  # a DN never leaves its last department
    client.patch("Users(102)", json={"Groups": [{"GroupId": 2}]})
    client.patch("Users(103)", json={"Groups": [{"GroupId": 2}]})
    assert client.get("Groups(1)").json()["HasMembers"] is False
    assert_warning(client.delete("Groups(1)"), "Id", "WARNINGS.GROUP_CANNOT_BE_DELETED")


def test_members_expand_lists_every_dn_of_the_department(client):
    queue = client.post("Queues", json={"Name": "Help", "Groups": [{"GroupId": 3, "Rights": {"RoleName": "users"}}]}).json()
    client.patch("Users(103)", json={"Groups": [{"GroupId": 3, "Rights": {"RoleName": "managers"}}]})
    assert members(client, 3) == [(queue["Number"], "Help", "Queue", "users"), ("101", "Ben Example", "Extension", "managers")]
    assert client.get("Groups(3)").json()["HasMembers"] is True


def test_members_written_by_number_replace_the_list(client):
    answer = client.patch("Groups(2)", json={"Members": [{"Number": "100", "Rights": {"RoleName": "group_owners"}},
                                                         {"Number": "101"}]})
    assert answer.status_code == 204
    assert members(client, 2) == [("100", "Ada Example", "Extension", "group_owners"),
                                  ("101", "Ben Example", "Extension", "users")]
    ada = client.get("Users(102)", params={"$expand": "Groups"}).json()["Groups"]
    assert sorted(g["GroupId"] for g in ada) == [1, 2]
    client.patch("Groups(2)", json={"Members": [{"Number": "101"}]})
    assert members(client, 2) == [("101", "Ben Example", "Extension", "users")]
    assert [g["GroupId"] for g in client.get("Users(102)", params={"$expand": "Groups"}).json()["Groups"]] == [1]


def test_a_dn_removed_from_its_only_department_goes_to_the_default_one(client):
    client.patch("Users(102)", json={"Groups": [{"GroupId": 2}]})
    client.patch("Groups(2)", json={"Members": []})
    assert [g["GroupId"] for g in client.get("Users(102)", params={"$expand": "Groups"}).json()["Groups"]] == [1]
    assert client.get("Users(102)").json()["PrimaryGroupId"] == 1


def test_members_written_on_create(client):
    group = client.post("Groups", json={"Name": "Lab", "Members": [{"Number": "100"}]}).json()
    assert members(client, group["Id"]) == [("100", "Ada Example", "Extension", "users")]


@pytest.mark.parametrize("items, token", [([{"Number": "555"}], "WARNINGS.XAPI.NOT_FOUND"),
                                          ([{"Number": "GRP0002"}], "WARNINGS.XAPI.NOT_FOUND"),
                                          ([{"Rights": {"RoleName": "users"}}], "WARNINGS.XAPI.REQUIRED"),
                                          ([{"Number": "100"}, {"Number": "100"}], "WARNINGS.XAPI.DUPLICATE")])
def test_members_must_be_existing_dns(client, items, token):
    assert_warning(client.patch("Groups(2)", json={"Members": items}), "Members", token)
    assert members(client, 2) == []


def test_department_rights_expand_every_role(client):
    rights = client.get("Groups(2)", params={"$expand": "Rights"}).json()["Rights"]
    assert {r["RoleName"] for r in rights} >= {"users", "managers", "system_owners"}


def test_office_holidays_are_holiday_references(client):
    holiday = client.post("Holidays", json={"Name": "New Year", "Day": 1, "Month": 1, "DayEnd": 1, "MonthEnd": 1,
                                            "Year": 0, "YearEnd": 0, "TimeOfStartDate": "PT0S",
                                            "TimeOfEndDate": "PT23H59M59S", "IsRecurrent": True}).json()
    assert client.patch("Groups(2)", json={"OfficeHolidays": [{"Id": holiday["Id"]}]}).status_code == 204
    expanded = client.get("Groups(2)", params={"$expand": "OfficeHolidays"}).json()["OfficeHolidays"]
    assert [(h["Id"], h["Name"]) for h in expanded] == [(holiday["Id"], "New Year")]
    assert_warning(client.patch("Groups(2)", json={"OfficeHolidays": [{"Id": 999}]}), "OfficeHolidays",
                   "WARNINGS.XAPI.NOT_FOUND")


def test_a_trunk_removed_from_a_department_belongs_to_none(client):
    client.patch("Trunks(100)", json={"Groups": [{"GroupId": 2}]})
    assert [m[0] for m in members(client, 2)] == ["10000"]
    client.patch("Groups(2)", json={"Members": []})
    assert client.get("Trunks(100)", params={"$expand": "Groups"}).json()["Groups"] == []
    client.patch("Trunks(100)", json={"Groups": []})
    assert client.get("Trunks(100)", params={"$expand": "Groups"}).json()["Groups"] == []
