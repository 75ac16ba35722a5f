"""Seeding every set and singleton by its entity-set name, and /_sim/state showing everything."""

from xapisim.registry import SETS, SINGLETONS


def test_seed_by_entity_set_names(client):
    answer = client.control("POST", "seed", json={
        "Queues": [{"Name": "Help", "Agents": [{"Number": "150"}]}],
        "Users": [{"Number": "150", "FirstName": "Seeded", "VMEnabled": False,
                   "Groups": [{"GroupId": 2, "Rights": {"RoleName": "managers"}}], "IsRegistered": True}],
        "Contacts": [{"FirstName": "Zoe", "PhoneNumber": "+4930123"}],
        "OfficeHours": {"TimeZoneId": "35"},
        "BlackListNumbers": [{"Id": "spam", "CallerId": "+4990000"}],
    })
    assert answer["Users"] == [104] and answer["Queues"] == [105] and answer["Contacts"] == [1]
    assert answer["BlackListNumbers"] == ["spam"] and answer["singletons"] == ["OfficeHours"]
    assert answer["groups"] == [] and answer["callflow_apps"] == []  # the keys of older seeds are always there
    user = client.get("Users(104)", params={"$expand": "Groups"}).json()
    assert (user["VMEnabled"], user["IsRegistered"], user["Groups"][0]["GroupId"]) == (False, True, 2)
    agents = client.get("Queues(105)", params={"$expand": "Agents"}).json()["Agents"]
    assert [a["Number"] for a in agents] == ["150"]  # users are seeded before the queues that name them
    assert client.get("OfficeHours").json()["TimeZoneId"] == "35"


def test_seed_accepts_read_only_sets_and_singletons(client):
    client.control("POST", "seed", json={"ActiveCalls": [{"Caller": "100", "Callee": "+4930123", "Status": "Talking"}],
                                         "SystemStatus": {"CallsActive": 1}})
    assert client.get("ActiveCalls").json()["value"][0]["Caller"] == "100"
    assert client.get("SystemStatus").json()["CallsActive"] == 1


def test_seed_error_names_the_item(client):
    answer = client.session.post(client.base + "/_sim/seed", json={"Users": [{"Number": "150"}, {"Number": "100"}]})
    assert answer.json()["error"].startswith("Users[1]: Number:\nWARNINGS.XAPI.ALREADY_IN_USE")


def test_state_shows_every_set_and_singleton_with_everything(client):
    client.patch("Users(102)", json={"VMPIN": "9876"})
    state = client.control("GET", "state")
    for name in list(SETS) + list(SINGLETONS):
        assert name in state, name
    ada = state["Users"][0]
    assert ada["VMPIN"] == "9876"  # in clear
    assert ada["Groups"][0]["Rights"]["RoleName"] == "users"  # navigation properties expanded
    assert [g["Name"] for g in state["groups"]] == ["DEFAULT", "Sales", "Support"]
    assert state["callflow_apps"] == state["CallFlowApps"] == []
    assert state["other_numbers"] == []
    assert len(state["Peers"]) == 7


def test_reset_restores_every_set(client):
    client.post("Users", json={})
    client.patch("OfficeHours", json={"TimeZoneId": "35"})
    client.control("POST", "reset")
    client.login()
    assert len(client.get("Users").json()["value"]) == 2
    assert client.get("OfficeHours").json()["TimeZoneId"] == "51"
