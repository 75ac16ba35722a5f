"""Rules of every DN type: one number space, numbers set once, numbers assigned, /Peers."""

import pytest

from samples import key_path, new_body

ALREADY_IN_USE = {"error": {"code": "", "message": "Number:\nWARNINGS.XAPI.ALREADY_IN_USE",
                            "details": [{"code": "", "message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Number"}]}}
DN_SETS = ("Users", "Groups", "Queues", "RingGroups", "Receptionists", "Trunks", "Parkings", "Fax", "CallFlowApps",
           "ServicePrincipals")
PEER_TYPES = {"Users": "Extension", "Groups": "Group", "Queues": "Queue", "RingGroups": "RingGroup",
              "Receptionists": "IVR", "Trunks": "ExternalLine", "Parkings": "Parking", "Fax": "Fax",
              "CallFlowApps": "RoutePoint", "ServicePrincipals": "RoutePoint"}


def assert_warning(answer, target, token):
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"] == [{"code": "", "message": token, "target": target}]


def create(client, set_name, **props):
    body = dict(new_body(client, set_name), **props)
    answer = client.post(set_name, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.mark.parametrize("set_name", DN_SETS)
@pytest.mark.parametrize("taken", ["100", "10000", "GRP0001"])
def test_number_is_unique_across_every_dn_type(client, set_name, taken):
    answer = client.post(set_name, json=dict(new_body(client, set_name), Number=taken))
    assert answer.status_code == 400
    assert answer.json() == ALREADY_IN_USE


@pytest.mark.parametrize("set_name", DN_SETS)
def test_number_of_one_dn_type_is_taken_for_all_others(client, set_name):
    created = create(client, set_name, Number="7777")
    for other in DN_SETS:
        assert client.post(other, json=dict(new_body(client, other), Number="7777")).json() == ALREADY_IN_USE
    assert client.delete(key_path(set_name, created["Id"])).status_code == 204
    create(client, "Parkings", Number="7777")  # free again after the delete


@pytest.mark.parametrize("set_name", DN_SETS)
def test_number_is_create_only(client, set_name):
    created = create(client, set_name)
    path = key_path(set_name, created["Id"])
    assert_warning(client.patch(path, json={"Number": "7778"}), "Number", "WARNINGS.XAPI.FORBIDDEN_CHANGE")
    assert client.patch(path, json={"Number": created["Number"]}).status_code == 204
    assert client.get(path).json()["Number"] == created["Number"]


@pytest.mark.parametrize("set_name, first", [("Users", "102"), ("Groups", "GRP0003"), ("Queues", "800"),
                                             ("RingGroups", "700"), ("Receptionists", "900")])
def test_number_assigned_when_a_post_gives_none(client, set_name, first):
    body = {"Name": "No number"} if set_name != "Users" else {"FirstName": "No number"}
    numbers = [client.post(set_name, json=body).json()["Number"] for _round in range(2)]
    assert numbers[0] == first
    assert numbers[1] == str(int(first) + 1) if first.isdigit() else "GRP0004"


def test_assigned_numbers_skip_used_ones_and_reuse_freed_ones(client):
    create(client, "Parkings", Number="102")
    assert client.post("Users", json={}).json()["Number"] == "103"
    assert client.get("Users/Pbx.GetFirstAvailableExtensionNumber()").json()["Number"] == "104"
    created = client.post("Users", json={}).json()
    assert created["Number"] == "104"
    client.delete("Users(%d)" % created["Id"])
    assert client.get("Users/Pbx.GetFirstAvailableExtensionNumber()").json()["Number"] == "104"


@pytest.mark.parametrize("set_name, function, first", [
    ("Queues", "GetFirstAvailableQueueNumber", "800"), ("RingGroups", "GetFirstAvailableRingGroupNumber", "700"),
    ("Receptionists", "GetFirstAvailableReceptionistNumber", "900"), ("Trunks", "GetFirstAvailableTrunkNumber", "10002"),
])
def test_first_available_number_functions(client, set_name, function, first):
    body = client.get("%s/Pbx.%s()" % (set_name, function)).json()
    assert body["Number"] == first
    assert body["@odata.context"].endswith("$metadata#Pbx.FirstAvailableNumber")


@pytest.mark.parametrize("set_name", ["Parkings", "ServicePrincipals", "CallFlowApps", "Trunks", "Fax"])
def test_number_required_where_the_server_assigns_none(client, set_name):
    body = new_body(client, set_name)
    body.pop("Number")
    assert_warning(client.post(set_name, json=body), "Number", "WARNINGS.XAPI.REQUIRED")


# -- /Peers -------------------------------------------------------------------------------

def test_peers_list_every_dn_with_its_type(client):
    created = {s: create(client, s) for s in DN_SETS}
    peers = {p["Number"]: p for p in client.get("Peers", params={"$top": "100"}).json()["value"]}
    for set_name, entity in created.items():
        peer = peers[entity["Number"]]
        assert peer["Id"] == entity["Id"]
        assert peer["Type"] == PEER_TYPES[set_name]
        assert set(peer) == {"Hidden", "Id", "Name", "Number", "Tags", "Type"}
    assert peers["100"]["Name"] == "Ada Example" and peers["100"]["Type"] == "Extension"
    assert peers["10000"]["Name"] == "Example Carrier"


def test_peers_are_a_live_view(client):
    user = client.post("Users", json={"FirstName": "Live", "LastName": "View"}).json()
    assert client.get("Peers(Number='%s')" % user["Number"]).json()["Name"] == "Live View"
    client.patch("Users(%d)" % user["Id"], json={"LastName": "Renamed"})
    assert client.get("Peers(Number='%s')" % user["Number"]).json()["Name"] == "Live Renamed"
    client.delete("Users(%d)" % user["Id"])
    assert client.get("Peers(Number='%s')" % user["Number"]).status_code == 404


def test_peers_filter_and_member_of(client):
    client.patch("Users(102)", json={"Groups": [{"GroupId": 2, "Rights": {"RoleName": "managers"}}, {"GroupId": 3}],
                                     "PrimaryGroupId": 3})
    body = client.get("Peers", params={"$filter": "Type eq 'Extension'", "$expand": "MemberOf",
                                       "$select": "Number,MemberOf"}).json()
    ada = next(p for p in body["value"] if p["Number"] == "100")
    assert ada["MemberOf"] == [
        {"GroupID": 2, "IsPrimary": False, "Name": "Sales", "Number": "GRP0001", "RoleName": "managers"},
        {"GroupID": 3, "IsPrimary": True, "Name": "Support", "Number": "GRP0002", "RoleName": "users"}]
    assert {p["Number"] for p in body["value"]} == {"100", "101"}


def test_peers_are_read_only(client):
    assert client.post("Peers", json={}).status_code == 405
    assert client.control("GET", "state")["Peers"]
    answer = client.session.post(client.base + "/_sim/seed", json={"Peers": [{"Number": "1"}]})
    assert answer.status_code == 400 and "computed" in answer.json()["error"]


def test_deleting_a_dn_removes_its_memberships(client):
    queue = create(client, "Queues", Groups=[{"GroupId": 2}])
    assert client.get("Groups(2)").json()["HasMembers"] is True
    client.delete("Queues(%d)" % queue["Id"])
    assert client.get("Groups(2)").json()["HasMembers"] is False
    assert client.get("Groups(2)", params={"$expand": "Members"}).json()["Members"] == []


def test_dns_other_than_trunks_join_the_default_department(client):
    for set_name in DN_SETS:
        if set_name in ("Groups", "Trunks"):
            continue
        entity = create(client, set_name)
        groups = client.get(key_path(set_name, entity["Id"]), params={"$expand": "Groups"}).json()["Groups"]
        assert [(g["GroupId"], g["Name"], g["Type"]) for g in groups] == [(1, "DEFAULT", PEER_TYPES[set_name])]
    trunk = create(client, "Trunks")
    assert client.get("Trunks(%d)" % trunk["Id"], params={"$expand": "Groups"}).json()["Groups"] == []
