"""/Groups (departments) and /Trunks as seeded, paths that are not there, methods that are not allowed."""

import pytest

from xapisim.model import GROUP, TRUNK


def test_groups_are_seeded_with_default_sales_support(client):
    body = client.get("Groups").json()
    assert body["@odata.context"].endswith("$metadata#Groups")
    assert [(g["Id"], g["Name"], g["IsDefault"]) for g in body["value"]] == [
        (1, "DEFAULT", True), (2, "Sales", False), (3, "Support", False)]


def test_groups_filter_by_name(client):
    body = client.get("Groups", params={"$filter": "Name eq 'Sales'", "$select": "Id,Name"}).json()
    assert body["value"] == [{"Id": 2, "Name": "Sales"}]


def test_groups_top_skip_count(client):
    body = client.get("Groups", params={"$top": "1", "$skip": "1", "$count": "true"}).json()
    assert body["@odata.count"] == 3
    assert [g["Name"] for g in body["value"]] == ["Sales"]


def test_group_by_key(client):
    body = client.get("Groups(3)", params={"$select": "Name,Number"}).json()
    assert body == {"@odata.context": body["@odata.context"], "Name": "Support", "Number": "GRP0002"}
    assert client.get("Groups(99)").status_code == 404


def test_group_properties_are_declared_ones(client):
    group = client.get("Groups(1)").json()
    del group["@odata.context"]
    assert set(group) <= set(GROUP.structural)


def test_group_members_expand_and_has_members(client):
    app = client.create(name="Member", Groups=[{"GroupId": 2}])
    sales = client.get("Groups(2)", params={"$expand": "Members"}).json()
    assert sales["HasMembers"] is True
    assert [(m["MemberName"], m["GroupId"]) for m in sales["Members"]] == [("Member", 2)]
    assert client.get("Groups(3)").json()["HasMembers"] is False
    assert app["Id"]


def test_group_rights_expand(client):
    rights = client.get("Groups(1)", params={"$expand": "Rights"}).json()["Rights"]
    assert "users" in [r["RoleName"] for r in rights]


def test_trunks_list_and_filter(client):
    body = client.get("Trunks").json()
    assert [t["Number"] for t in body["value"]] == ["10000", "10001"]
    body = client.get("Trunks", params={"$filter": "Direction eq 'Inbound'", "$select": "Id,Number"}).json()
    assert body["value"] == [{"Id": 101, "Number": "10001"}]


def test_trunk_by_key_and_alternate_key(client):
    by_id = client.get("Trunks(100)").json()
    by_number = client.get("Trunks(Number='10000')").json()
    assert by_id["Gateway"]["Host"] == "sip.example.net"
    del by_id["@odata.context"], by_number["@odata.context"]
    assert by_id == by_number
    assert client.get("Trunks(Number='nope')").status_code == 404
    assert client.get("Trunks(9999)").status_code == 404


def test_trunk_properties_are_declared_ones(client):
    trunk = client.get("Trunks(100)").json()
    del trunk["@odata.context"]
    assert set(trunk) == set(TRUNK.structural)


def test_trunk_navigation_is_hidden_until_expanded(client):
    trunk = client.get("Trunks(100)", params={"$expand": "Groups,RoutingRules"}).json()
    assert trunk["Groups"] == [] and trunk["RoutingRules"] == []  # trunks serve the whole PBX, no department
    assert "ReceiveExtensions" not in trunk


@pytest.mark.parametrize("path", ["Bogus", "CallFlowApps/extra", "Trunks(abc)", "", "Receptionists('x')",
                                  "Users(Name='x')", "Peers(5)", "OfficeHours(1)", "Users/Pbx.Nothing()"])
def test_anything_else_under_xapi_is_404(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert "No HTTP resource" in answer.json()["error"]["message"]


def test_outside_xapi_is_404_too(client):
    assert client.session.get(client.base + "/other").status_code == 404


@pytest.mark.parametrize("method, path, allow", [
    ("PUT", "CallFlowApps(1)", "GET, PATCH, DELETE"), ("DELETE", "CallFlowApps", "GET, POST"),
    ("PATCH", "CallFlowApps", "GET, POST"), ("POST", "Peers", "GET"), ("PATCH", "Defs", "GET"),
    ("DELETE", "OfficeHours", "GET, PATCH"), ("POST", "Users(Number='100')", "GET"),
    ("GET", "Backups('x.zip')", "DELETE"), ("POST", "Users/Pbx.GetFirstAvailableExtensionNumber()", "GET"),
])
def test_wrong_method_is_405_with_allow(client, method, path, allow):
    answer = client.session.request(method, client.url(path), json={})
    assert answer.status_code == 405
    assert answer.headers["Allow"] == allow
    assert answer.json()["error"]["message"].startswith("The requested resource does not support http method")
