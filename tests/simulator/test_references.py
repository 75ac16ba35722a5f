"""References between entities: they must exist, and the server fills in what they name."""

import pytest


def destination(to, number, name=None, peer="None", external=None):
    """A ``Pbx.Destination`` as the server answers it."""
    return {"External": external, "Name": name, "Number": number, "Tags": [], "To": to, "Type": peer}


def assert_warning(answer, target, token="WARNINGS.XAPI.NOT_FOUND"):
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"] == [{"code": "", "message": token, "target": target}]


# -- queues and ring groups ---------------------------------------------------------------

def test_queue_agents_and_managers_are_users_in_order(client):
    queue = client.post("Queues", json={"Name": "Help", "Agents": [{"Number": "101", "SkillGroup": "2"}, {"Number": "100"}],
                                        "Managers": [{"Number": "100"}]}).json()
    body = client.get("Queues(%d)" % queue["Id"], params={"$expand": "Agents,Managers"}).json()
    assert body["Agents"] == [{"Id": 103, "Name": "Ben Example", "Number": "101", "SkillGroup": "2", "Tags": []},
                              {"Id": 102, "Name": "Ada Example", "Number": "100", "SkillGroup": None, "Tags": []}]
    assert body["Managers"] == [{"Id": 102, "Name": "Ada Example", "Number": "100", "Tags": []}]
    client.patch("Queues(%d)" % queue["Id"], json={"Agents": [{"Number": "100"}]})
    agents = client.get("Queues(%d)" % queue["Id"], params={"$expand": "Agents"}).json()["Agents"]
    assert [a["Number"] for a in agents] == ["100"]


@pytest.mark.parametrize("nav", ["Agents", "Managers"])
@pytest.mark.parametrize("number", ["555", "10000", "GRP0001"])
def test_queue_agents_and_managers_must_be_extensions(client, nav, number):
    assert_warning(client.post("Queues", json={nav: [{"Number": number}]}), nav)
    queue = client.post("Queues", json={}).json()
    assert_warning(client.patch("Queues(%d)" % queue["Id"], json={nav: [{"Number": number}]}), nav)


def test_ring_group_members_are_users(client):
    group = client.post("RingGroups", json={"Name": "Front", "Members": [{"Number": "100"}, {"Number": "101"}]}).json()
    members = client.get("RingGroups(%d)" % group["Id"], params={"$expand": "Members"}).json()["Members"]
    assert [(m["Id"], m["Number"], m["Name"]) for m in members] == [(102, "100", "Ada Example"), (103, "101", "Ben Example")]
    assert_warning(client.patch("RingGroups(%d)" % group["Id"], json={"Members": [{"Number": "10000"}]}), "Members")
    assert_warning(client.patch("RingGroups(%d)" % group["Id"], json={"Members": [{"Number": "100"}, {"Number": "100"}]}),
                   "Members", "WARNINGS.XAPI.DUPLICATE")


def test_a_deleted_user_leaves_queues_and_ring_groups(client):
    user = client.post("Users", json={"FirstName": "Temp"}).json()
    queue = client.post("Queues", json={"Agents": [{"Number": user["Number"]}, {"Number": "100"}]}).json()
    client.delete("Users(%d)" % user["Id"])
    agents = client.get("Queues(%d)" % queue["Id"], params={"$expand": "Agents"}).json()["Agents"]
    assert [a["Number"] for a in agents] == ["100"]


# -- destinations -------------------------------------------------------------------------

def test_internal_destination_is_filled_from_the_peer(client):
    queue = client.post("Queues", json={"Name": "Help", "ForwardNoAnswer": {"To": "Extension", "Number": "100",
                                                                            "Name": "wrong", "Type": "Fax"}}).json()
    assert queue["ForwardNoAnswer"] == destination("Extension", "100", name="Ada Example", peer="Extension")
    group = client.post("Groups", json={"Name": "Lab", "OfficeRoute": {"Route": {"To": "Queue", "Number": queue["Number"]}}}).json()
    assert group["OfficeRoute"]["Route"] == destination("Queue", queue["Number"], name="Help", peer="Queue")
    assert group["OfficeRoute"]["IsPromptEnabled"] is False  # the rest of the object takes its defaults


@pytest.mark.parametrize("route", [{"To": "Extension", "Number": "555"}, {"To": "Queue", "Number": "100"},
                                   {"To": "RingGroup"}, {"To": "IVR", "Number": "10000"}])
def test_internal_destination_must_name_a_dn_of_its_kind(client, route):
    assert_warning(client.post("RingGroups", json={"ForwardNoAnswer": route}), "ForwardNoAnswer")
    assert_warning(client.patch("Groups(2)", json={"BreakRoute": {"Route": route}}), "BreakRoute")


def test_external_and_empty_destinations_need_no_dn(client):
    group = client.post("RingGroups", json={"ForwardNoAnswer": {"To": "External", "External": "+4930123"}}).json()
    assert group["ForwardNoAnswer"] == destination("External", None, external="+4930123")


def test_destinations_inside_a_users_forwarding_profiles(client):
    route = {"NoAnswerAllCalls": True, "NoAnswerInternal": {"To": "Extension", "Number": "101"}}
    profile = {"Name": "Available", "AvailableRoute": route}
    assert client.patch("Users(102)", json={"ForwardingProfiles": [profile]}).status_code == 204
    stored = client.get("Users(102)", params={"$expand": "ForwardingProfiles"}).json()["ForwardingProfiles"]
    assert len(stored) == 1 and stored[0]["Id"]
    assert stored[0]["AvailableRoute"]["NoAnswerInternal"]["Name"] == "Ben Example"
    profile["AvailableRoute"]["NoAnswerInternal"]["Number"] = "555"
    assert_warning(client.patch("Users(102)", json={"ForwardingProfiles": [profile]}), "ForwardingProfiles")


# -- receptionists ------------------------------------------------------------------------

def test_receptionist_forwards_keyed_by_input(client):
    queue = client.post("Queues", json={"Name": "Help"}).json()
    ivr = client.post("Receptionists", json={"Name": "Main", "Forwards": [
        {"Input": "1", "ForwardType": "Queue", "ForwardDN": queue["Number"]},
        {"Input": "2", "ForwardType": "Extension", "ForwardDN": "100"},
        {"Input": "9", "ForwardType": "EndCall"}]}).json()
    forwards = client.get("Receptionists(%d)" % ivr["Id"], params={"$expand": "Forwards"}).json()["Forwards"]
    assert [(f["Input"], f["ForwardType"], f["ForwardDN"], f["PeerType"]) for f in forwards] == [
        ("1", "Queue", queue["Number"], "Queue"), ("2", "Extension", "100", "Extension"), ("9", "EndCall", None, "None")]
    assert all(isinstance(f["Id"], int) and f["Id"] > 0 for f in forwards)
    client.patch("Receptionists(%d)" % ivr["Id"], json={"Forwards": [{"Input": "0", "ForwardType": "RepeatPrompt"}]})
    forwards = client.get("Receptionists(%d)" % ivr["Id"], params={"$expand": "Forwards"}).json()["Forwards"]
    assert [f["Input"] for f in forwards] == ["0"]


@pytest.mark.parametrize("forwards, token", [
    ([{"Input": "1", "ForwardType": "Queue", "ForwardDN": "100"}], "WARNINGS.XAPI.NOT_FOUND"),
    ([{"Input": "1", "ForwardType": "Extension", "ForwardDN": "555"}], "WARNINGS.XAPI.NOT_FOUND"),
    ([{"Input": "1", "ForwardType": "EndCall"}, {"Input": "1", "ForwardType": "RepeatPrompt"}], "WARNINGS.XAPI.DUPLICATE"),
    ([{"ForwardType": "EndCall"}], "WARNINGS.XAPI.REQUIRED"),
])
def test_receptionist_forwards_refused(client, forwards, token):
    assert_warning(client.post("Receptionists", json={"Forwards": forwards}), "Forwards", token)


# -- inbound rules ------------------------------------------------------------------------

@pytest.mark.parametrize("trunk", [{"Id": 100}, {"Number": "10000"}])
def test_inbound_rule_names_its_trunk_by_id_or_number(client, trunk):
    rule = client.post("InboundRules", json={"RuleName": "Main DID", "TrunkDN": trunk, "Data": "+4930555000",
                                             "OfficeHoursDestination": {"To": "Extension", "Number": "100"}}).json()
    body = client.get("InboundRules(%d)" % rule["Id"], params={"$expand": "TrunkDN"}).json()
    assert body["TrunkDN"] == {"Hidden": False, "Id": 100, "Name": "Example Carrier", "Number": "10000", "Tags": [],
                               "Type": "ExternalLine"}
    assert body["OfficeHoursDestination"]["Name"] == "Ada Example"
    routing = client.get("Trunks(100)", params={"$expand": "RoutingRules"}).json()["RoutingRules"]
    assert [r["Id"] for r in routing] == [rule["Id"]]
    did = client.get("DidNumbers", params={"$filter": "Number eq '+4930555000'", "$expand": "RoutingRule"}).json()
    assert did["value"][0]["RoutingRule"]["Id"] == rule["Id"]


@pytest.mark.parametrize("body, target, token", [
    ({"TrunkDN": {"Id": 102}}, "TrunkDN", "WARNINGS.XAPI.NOT_FOUND"),  # a user, not a trunk
    ({"TrunkDN": {"Number": "99999"}}, "TrunkDN", "WARNINGS.XAPI.NOT_FOUND"),
    ({"Data": "+4930555000"}, "TrunkDN", "WARNINGS.XAPI.REQUIRED"),
    ({"TrunkDN": {"Id": 100}, "OutOfOfficeHoursDestination": {"To": "Queue", "Number": "555"}},
     "OutOfOfficeHoursDestination", "WARNINGS.XAPI.NOT_FOUND"),
])
def test_inbound_rule_references_must_exist(client, body, target, token):
    assert_warning(client.post("InboundRules", json=body), target, token)


# -- outbound rules -----------------------------------------------------------------------

def test_outbound_rule_references_and_the_names_the_server_fills(client):
    rule = client.post("OutboundRules", json={"Name": "National", "Prefix": "0", "GroupIds": [2, 3],
                                              "GroupNames": ["ignored"],
                                              "Routes": [{"TrunkId": 100, "StripDigits": 1, "TrunkName": "ignored"},
                                                         {"TrunkId": -1}, {"Prepend": "0"}]}).json()
    assert rule["GroupNames"] == ["Sales", "Support"]
    assert [(r["TrunkId"], r["TrunkName"]) for r in rule["Routes"]] == [(100, "Example Carrier"), (-1, None), (0, None)]
    assert rule["Priority"] == 1
    assert client.post("OutboundRules", json={"Name": "Second"}).json()["Priority"] == 2


@pytest.mark.parametrize("body, target", [({"GroupIds": [2, 99]}, "GroupIds"), ({"Routes": [{"TrunkId": 555}]}, "Routes"),
                                          ({"Routes": [{"TrunkId": 102}]}, "Routes")])
def test_outbound_rule_references_must_exist(client, body, target):
    assert_warning(client.post("OutboundRules", json=dict(body, Name="Bad")), target)


def test_outbound_rule_prefixes_and_single_dn_ranges_are_rewritten(client):
    rule = client.post("OutboundRules", json={"Name": "Specials", "Prefix": "118,119,120,0800",
                                              "DNRanges": [{"From": "100", "To": "100"}, {"From": "200"},
                                                           {"From": "300", "To": "399"}]}).json()
    assert rule["Prefix"] == "118-120,0800"
    assert rule["DNRanges"] == [{"From": "100"}, {"From": "200"}, {"From": "300", "To": "399"}]
    client.patch("OutboundRules(%d)" % rule["Id"], json={"Prefix": "118,119"})
    assert client.get("OutboundRules(%d)" % rule["Id"]).json()["Prefix"] == "118-119"


def test_outbound_rule_rewrites_can_be_switched_off(make_sim, make_client):
    api = make_client(make_sim(rewrite_outbound_rules=False))
    rule = api.post("OutboundRules", json={"Name": "Specials", "Prefix": "118,119",
                                           "DNRanges": [{"From": "100", "To": "100"}]}).json()
    assert rule["Prefix"] == "118,119"
    assert rule["DNRanges"] == [{"From": "100", "To": "100"}]


def test_emergency_rules_only_through_their_function(client):
    client.post("OutboundRules", json={"Name": "Normal", "Prefix": "0"})
    emergency = client.post("OutboundRules", json={"Name": "Emergency", "Prefix": "112", "EmergencyRule": True}).json()
    assert [r["Name"] for r in client.get("OutboundRules").json()["value"]] == ["Normal"]
    listed = client.get("OutboundRules/Pbx.GetEmergencyOutboundRules()", params={"$count": "true"}).json()
    assert [r["Name"] for r in listed["value"]] == ["Emergency"] and listed["@odata.count"] == 1
    assert client.get("OutboundRules(%d)" % emergency["Id"]).json()["EmergencyRule"] is True
    assert [r["Name"] for r in client.control("GET", "state")["OutboundRules"]] == ["Normal", "Emergency"]


# -- holidays in the office hours -----------------------------------------------------------

def test_office_hours_holidays_are_references(client):
    holiday = client.post("Holidays", json={"Name": "May Day", "Day": 1, "Month": 5, "DayEnd": 1, "MonthEnd": 5,
                                            "Year": 0, "YearEnd": 0, "TimeOfStartDate": "PT0S",
                                            "TimeOfEndDate": "PT23H59M59S"}).json()
    assert client.patch("OfficeHours", json={"OfficeHolidays": [{"Id": holiday["Id"], "Name": "ignored"}]}).status_code == 204
    body = client.get("OfficeHours", params={"$expand": "OfficeHolidays"}).json()
    assert [h["Name"] for h in body["OfficeHolidays"]] == ["May Day"]
    assert_warning(client.patch("OfficeHours", json={"OfficeHolidays": [{"Id": 4242}]}), "OfficeHolidays")
    assert_warning(client.patch("OfficeHours", json={"OfficeHolidays": [{"Name": "x"}]}), "OfficeHolidays",
                   "WARNINGS.XAPI.REQUIRED")
