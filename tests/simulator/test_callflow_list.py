"""Listing /CallFlowApps: $filter, $select, $expand, $top, $skip, $count, $orderby, paging."""

import pytest


@pytest.fixture
def apps(client):
    """Five apps with distinct names, numbers and routing types."""
    seeded = client.control("POST", "seed", json={"callflow_apps": [
        {"Name": "Alpha", "Number": "8001", "RoutingType": "DialCode", "ScriptCode": "a"},
        {"Name": "Bravo", "Number": "8002", "RoutingType": "Forward", "ScriptCode": "b"},
        {"Name": "O'Brien", "Number": "8003", "RoutingType": "Trunk", "ScriptCode": "c"},
        {"Name": "alpha two", "Number": "8004", "RoutingType": "DialCode", "ScriptCode": "d"},
        {"Name": "Charlie", "Number": "8005", "RoutingType": "Forward", "ScriptCode": "e"},
    ]})
    return seeded["callflow_apps"]


def names(answer):
    assert answer.status_code == 200, answer.text
    return [item["Name"] for item in answer.json()["value"]]


def assert_query_error(answer, fragment):
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == ""
    assert fragment in error["message"]


def test_list_shape_and_context(client, apps):
    answer = client.get("CallFlowApps")
    body = answer.json()
    assert body["@odata.context"].endswith("/xapi/v1/$metadata#CallFlowApps")
    assert "@odata.count" not in body and "@odata.nextLink" not in body
    assert [item["Id"] for item in body["value"]] == apps
    assert answer.headers["OData-Version"] == "4.0"
    assert answer.headers["Content-Type"].startswith("application/json")


def test_default_projection_hides_script_and_navigation(client, apps):
    item = client.get("CallFlowApps").json()["value"][0]
    assert set(item) == {"Id", "Number", "Name", "RoutingType", "TranscriptionMode", "CompilationLastSuccess",
                         "CompilationResult", "CompilationSucceeded", "InvalidScript", "IsRegistered", "RejectedCode"}


def test_select_names_script_code(client, apps):
    item = client.get("CallFlowApps", params={"$select": "Id,ScriptCode"}).json()["value"][0]
    assert item == {"Id": apps[0], "ScriptCode": "a"}


def test_select_navigation_without_expand_leaves_it_out(client, apps):
    item = client.get("CallFlowApps", params={"$select": "Id,Groups,Trunk"}).json()["value"][0]
    assert item == {"Id": apps[0]}


def test_select_star_keeps_script_hidden(client, apps):
    item = client.get("CallFlowApps", params={"$select": "*"}).json()["value"][0]
    assert "ScriptCode" not in item and "Name" in item


def test_expand_groups_and_trunk(client, apps):
    body = client.get("CallFlowApps", params={"$select": "Id", "$expand": "Groups,Trunk"}).json()
    item = body["value"][0]
    assert set(item) == {"Id", "Groups", "Trunk"}
    assert item["Trunk"] is None
    assert item["Groups"][0]["Name"] == "DEFAULT"
    assert "Rights" not in item["Groups"][0]
    assert "Groups()" in body["@odata.context"]


def test_nested_expand_of_rights(client, apps):
    item = client.get("CallFlowApps", params={"$expand": "Groups($select=GroupId;$expand=Rights)"}).json()["value"][0]
    assert item["Groups"] == [{"GroupId": 1, "Rights": item["Groups"][0]["Rights"]}]
    assert item["Groups"][0]["Rights"]["RoleName"] == "users"


@pytest.mark.parametrize("flt, expected", [
    ("Name eq 'Alpha'", ["Alpha"]),
    ("Number eq '8002'", ["Bravo"]),
    ("Name eq 'Alpha' and Number eq '8001'", ["Alpha"]),
    ("Name eq 'Alpha' and Number eq '8002'", []),
    ("Name eq 'Alpha' or Name eq 'Bravo'", ["Alpha", "Bravo"]),
    ("Name ne 'Alpha'", ["Bravo", "O'Brien", "alpha two", "Charlie"]),
    ("(Name eq 'Alpha' or Name eq 'Bravo') and RoutingType eq 'Forward'", ["Bravo"]),
    ("contains(Name,'ph')", ["Alpha", "alpha two"]),
    ("startswith(Name, 'Ch')", ["Charlie"]),
    ("endswith(Name,'two')", ["alpha two"]),
    ("Name eq 'O''Brien'", ["O'Brien"]),
    ("tolower(Name) eq 'alpha'", ["Alpha"]),
    ("not contains(Name,'a')", ["O'Brien"]),
    ("Number in ('8001','8005')", ["Alpha", "Charlie"]),
    ("RoutingType eq Pbx.CfaRoutingType'Trunk'", ["O'Brien"]),
    ("CompilationSucceeded eq true and InvalidScript eq false", ["Alpha", "Bravo", "O'Brien", "alpha two", "Charlie"]),
    ("RejectedCode eq null and Number gt '8003'", ["alpha two", "Charlie"]),
    ("Id eq %s", ["Alpha"]),
])
def test_filter(client, apps, flt, expected):
    if "%s" in flt:
        flt = flt % apps[0]
    assert names(client.get("CallFlowApps", params={"$filter": flt})) == expected


def test_filter_is_url_decoded(client, apps):
    url = client.url("CallFlowApps") + "?%24filter=Name%20eq%20%27O%27%27Brien%27"
    assert names(client.session.get(url)) == ["O'Brien"]


@pytest.mark.parametrize("flt, fragment", [
    ("Nmae eq 'x'", "Could not find a property named 'Nmae'"),
    ("Name eq", "Unexpected end"),
    ("Name eq 'x' and", "Unexpected end"),
    ("RoutingType eq 'Bogus'", "not a valid enumeration"),
    ("Name eq 5", "incompatible types"),
    ("Name", "boolean"),
    ("Groups/any(g: g/GroupId eq 1)", "does not support"),
    ("frobnicate(Name)", "Could not find a property named 'frobnicate'"),
    ("Name eq 'x' )", "unexpected"),
])
def test_bad_filter_is_400(client, apps, flt, fragment):
    assert_query_error(client.get("CallFlowApps", params={"$filter": flt}), fragment)


def test_unknown_select_property_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params={"$select": "Id,Bogus"}), "Could not find a property named 'Bogus'")


def test_unknown_expand_property_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params={"$expand": "Bogus"}), "Could not find a property named 'Bogus'")


def test_expand_of_structural_property_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params={"$expand": "Name"}), "not a navigation property")


def test_unknown_orderby_property_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params={"$orderby": "Bogus desc"}), "Could not find a property named 'Bogus'")


def test_unknown_dollar_option_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params={"$frob": "1"}), "not supported")


def test_repeated_option_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params=[("$top", "1"), ("$top", "2")]), "more than once")


def test_top_and_skip(client, apps):
    assert names(client.get("CallFlowApps", params={"$top": "2"})) == ["Alpha", "Bravo"]
    assert names(client.get("CallFlowApps", params={"$top": "2", "$skip": "2"})) == ["O'Brien", "alpha two"]
    assert names(client.get("CallFlowApps", params={"$skip": "4"})) == ["Charlie"]
    assert names(client.get("CallFlowApps", params={"$top": "0"})) == []


def test_top_100_is_allowed(client, apps):
    assert client.get("CallFlowApps", params={"$top": "100"}).status_code == 200


def test_top_above_100_is_400(client, apps):
    assert_query_error(client.get("CallFlowApps", params={"$top": "101"}), "The limit of '100' for Top query has been exceeded")


@pytest.mark.parametrize("option, value", [("$top", "-1"), ("$top", "x"), ("$skip", "1.5"), ("$count", "yes")])
def test_malformed_paging_values_are_400(client, apps, option, value):
    assert client.get("CallFlowApps", params={option: value}).status_code == 400


def test_count_is_the_filtered_total_before_paging(client, apps):
    body = client.get("CallFlowApps", params={"$count": "true", "$top": "1", "$filter": "RoutingType eq 'Forward'"}).json()
    assert body["@odata.count"] == 2
    assert len(body["value"]) == 1


def test_count_false_leaves_the_count_out(client, apps):
    assert "@odata.count" not in client.get("CallFlowApps", params={"$count": "false"}).json()


def test_orderby(client, apps):
    expected = ["alpha two", "O'Brien", "Charlie", "Bravo", "Alpha"]
    assert names(client.get("CallFlowApps", params={"$orderby": "Name desc"})) == expected
    assert names(client.get("CallFlowApps", params={"$orderby": "RoutingType,Number desc"})) == [
        "alpha two", "Alpha", "Charlie", "Bravo", "O'Brien"]


def test_orderby_navigation_is_400(client, apps):
    assert client.get("CallFlowApps", params={"$orderby": "Groups"}).status_code == 400


def test_search_matches_name_or_number(client, apps):
    assert names(client.get("CallFlowApps", params={"$search": "ALPHA"})) == ["Alpha", "alpha two"]
    assert names(client.get("CallFlowApps", params={"$search": "8005"})) == ["Charlie"]


def test_no_next_link_without_server_paging(client, apps):
    assert "@odata.nextLink" not in client.get("CallFlowApps").json()


def test_server_page_size_adds_next_link(make_sim, make_client):
    sim = make_sim(server_page_size=2)
    api = make_client(sim)
    api.control("POST", "seed", json={"callflow_apps": [{"Name": "N%d" % i, "Number": "90%02d" % i} for i in range(5)]})
    seen, url, pages = [], api.url("CallFlowApps") + "?$filter=startswith(Name,'N')", 0
    while url:
        body = api.session.get(url).json()
        seen.extend(item["Name"] for item in body["value"])
        assert len(body["value"]) <= 2
        url = body.get("@odata.nextLink")
        pages += 1
    assert seen == ["N0", "N1", "N2", "N3", "N4"]
    assert pages == 3


def test_server_page_size_does_not_cut_an_explicit_top(make_sim, make_client):
    sim = make_sim(server_page_size=2)
    api = make_client(sim)
    api.control("POST", "seed", json={"callflow_apps": [{"Name": "N%d" % i, "Number": "90%02d" % i} for i in range(5)]})
    body = api.get("CallFlowApps", params={"$top": "4"}).json()
    assert len(body["value"]) == 4 and "@odata.nextLink" not in body
