"""One call flow app: create, read, update, delete, validation, groups, trunk, files."""

import pytest

ALL_STRUCTURAL = {"Id", "Number", "Name", "RoutingType", "ScriptCode", "TranscriptionMode", "CompilationLastSuccess",
                  "CompilationResult", "CompilationSucceeded", "InvalidScript", "IsRegistered", "RejectedCode"}
ALREADY_IN_USE = {"error": {"code": "", "message": "Number:\nWARNINGS.XAPI.ALREADY_IN_USE",
                            "details": [{"code": "", "message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Number"}]}}


def assert_warning(answer, target, token):
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["message"] == "%s:\n%s" % (target, token)
    assert error["details"] == [{"code": "", "message": token, "target": target}]


BIND_ERROR = {"error": {"code": "", "message": "The input was not valid.\n\ndelta:\nThe delta field is required."}}


def assert_bind_error(answer):
    """What live PBXs answer for POST and PATCH alike: no details, no target."""
    assert answer.status_code == 400, answer.text
    assert answer.json() == BIND_ERROR


# -- create -----------------------------------------------------------------------------

def test_post_answers_201_with_the_full_entity(client):
    answer = client.post("CallFlowApps", json={"Name": "Main", "Number": "8000", "ScriptCode": "x { }"})
    assert answer.status_code == 201
    body = answer.json()
    assert body["@odata.context"].endswith("$metadata#CallFlowApps/$entity")
    assert set(body) - {"@odata.context"} == ALL_STRUCTURAL
    assert body["ScriptCode"] == "x { }"
    assert isinstance(body["Id"], int)
    assert answer.headers["Location"].endswith("/xapi/v1/CallFlowApps(%d)" % body["Id"])


def test_post_defaults(make_sim, make_client):
    api = make_client(make_sim(compile_delay=3600))  # still compiling whatever the machine's speed
    body = api.create()
    assert body["RoutingType"] == "DialCode"
    assert body["TranscriptionMode"] == "Inherit"
    assert body["IsRegistered"] is False
    assert body["RejectedCode"] is None
    assert body["InvalidScript"] is True
    assert body["CompilationSucceeded"] is False
    assert body["CompilationLastSuccess"] is None
    groups = api.get("CallFlowApps(%d)" % body["Id"], params={"$expand": "Groups"}).json()["Groups"]
    assert [(g["GroupId"], g["Name"]) for g in groups] == [(1, "DEFAULT")]


def test_server_assigns_increasing_ids(client):
    first, second = client.create(number="8001"), client.create(number="8002")
    assert second["Id"] > first["Id"]


def test_post_ignores_server_computed_properties(client):
    body = client.create(Id=999999, CompilationSucceeded=True, InvalidScript=False, IsRegistered=True,
                         RejectedCode="nope", CompilationResult="fake", CompilationLastSuccess="2020-01-01T00:00:00Z",
                         script="")
    assert body["Id"] != 999999
    assert body["IsRegistered"] is False
    assert body["RejectedCode"] is None
    assert body["CompilationSucceeded"] is False  # blank script: the compile failed


@pytest.mark.parametrize("missing", ["Number", "Name"])
def test_post_without_number_or_name_is_required(client, missing):
    body = {"Name": "A", "Number": "8000"}
    del body[missing]
    assert_warning(client.post("CallFlowApps", json=body), missing, "WARNINGS.XAPI.REQUIRED")
    assert client.get("CallFlowApps").json()["value"] == []


def test_post_with_empty_name_is_refused(client):
    assert_warning(client.post("CallFlowApps", json={"Name": " ", "Number": "8000"}), "Name",
                   "WARNINGS.XAPI.CAN_NOT_BE_EMPTY_STRING")


@pytest.mark.parametrize("body", [
    {"Name": "A", "Number": "8000", "Bogus": 1},
    {"Name": 5, "Number": "8000"},
    {"Name": "A", "Number": 8000},
    {"Name": "A", "Number": "8000", "Groups": {"GroupId": 2}},
    {"Name": "A", "Number": "8000", "Groups": [{"GroupId": "2"}]},
    {"Name": "A", "Number": "8000", "Groups": [{"GroupId": 2, "Extra": True}]},
    {"Name": "A", "Number": "8000", "RoutingType": "Bogus"},
    {"Name": "A", "Number": "8000", "TranscriptionMode": "Sometimes"},
    {"Name": "A", "Number": "8000", "Trunk": "10000"},
    {"Name": "A", "Number": "8000", "Trunk": {"Id": 100, "Nope": 1}},
    {"Name": "A", "Number": "8000", "InvalidScript": "yes"},
    ["not", "an", "object"],
])
def test_post_that_does_not_bind_is_400_and_creates_nothing(client, body):
    assert_bind_error(client.post("CallFlowApps", json=body))
    assert client.get("CallFlowApps").json()["value"] == []


def test_post_with_body_that_is_not_json(client):
    answer = client.post("CallFlowApps", data="{nope", headers={"Content-Type": "application/json"})
    assert_bind_error(answer)


# -- duplicates -------------------------------------------------------------------------

def test_duplicate_number_of_another_app(client):
    client.create(number="8000")
    answer = client.post("CallFlowApps", json={"Name": "Other", "Number": "8000"})
    assert answer.status_code == 400
    assert answer.json() == ALREADY_IN_USE


@pytest.mark.parametrize("number", ["10000", "100", "GRP0001"])
def test_duplicate_number_of_a_trunk_an_extension_or_a_group(client, number):
    answer = client.post("CallFlowApps", json={"Name": "Other", "Number": number})
    assert answer.json() == ALREADY_IN_USE


def test_number_is_free_again_after_delete(client):
    app = client.create(number="8000")
    assert client.delete("CallFlowApps(%d)" % app["Id"]).status_code == 204
    client.create(number="8000")


# -- read -------------------------------------------------------------------------------

def test_get_by_key(client):
    app = client.create(name="Main")
    answer = client.get("CallFlowApps(%d)" % app["Id"])
    assert answer.status_code == 200
    body = answer.json()
    assert body["@odata.context"].endswith("$metadata#CallFlowApps/$entity")
    assert body["Name"] == "Main"
    assert "ScriptCode" not in body and "Groups" not in body and "Trunk" not in body


def test_get_by_key_with_select_and_expand(client):
    app = client.create(script="s { }")
    body = client.get("CallFlowApps(%d)" % app["Id"], params={"$select": "Name,ScriptCode,Trunk", "$expand": "Trunk"}).json()
    assert body["ScriptCode"] == "s { }"
    assert body["Trunk"] is None
    assert set(body) == {"@odata.context", "Name", "ScriptCode", "Trunk"}
    assert "(Name,ScriptCode,Trunk())/$entity" in body["@odata.context"]


def test_get_by_key_accepts_the_named_key_form(client):
    app = client.create()
    assert client.get("CallFlowApps(Id=%d)" % app["Id"]).json()["Id"] == app["Id"]


def test_get_unknown_id_is_404_odata_error(client):
    answer = client.get("CallFlowApps(424242)")
    assert answer.status_code == 404
    assert "message" in answer.json()["error"]


def test_get_by_key_refuses_collection_options(client):
    app = client.create()
    assert client.get("CallFlowApps(%d)" % app["Id"], params={"$top": "1"}).status_code == 400


# -- update -----------------------------------------------------------------------------

def test_patch_is_204_without_body_and_changes_only_what_was_sent(client):
    app = client.create(name="Before", RoutingType="Forward")
    answer = client.patch("CallFlowApps(%d)" % app["Id"], json={"Name": "After"})
    assert answer.status_code == 204
    assert answer.content == b""
    assert "Content-Length" not in answer.headers
    body = client.get("CallFlowApps(%d)" % app["Id"]).json()
    assert body["Name"] == "After"
    assert body["RoutingType"] == "Forward"


def test_patch_empty_body_changes_nothing(client):
    app = client.create()
    assert client.patch("CallFlowApps(%d)" % app["Id"], json={}).status_code == 204
    assert client.state_app(app["Id"])["Name"] == app["Name"]


def test_patch_unknown_id_is_404(client):
    assert client.patch("CallFlowApps(424242)", json={"Name": "x"}).status_code == 404


@pytest.mark.parametrize("body", [
    {"Name": "New", "Bogus": True},
    {"Name": 5},
    {"Groups": "Sales"},
    {"RoutingType": "Bogus"},
    {"TranscriptionMode": 3},
    {"ScriptCode": ["a"]},
])
def test_patch_that_does_not_bind_is_delta_required_and_changes_nothing(client, body):
    app = client.create(name="Keep", script="keep { }")
    before = client.state_app(app["Id"])
    assert_bind_error(client.patch("CallFlowApps(%d)" % app["Id"], json=body))
    assert client.state_app(app["Id"]) == before


def test_patch_ignores_server_computed_properties(client):
    app = client.create()
    assert client.patch("CallFlowApps(%d)" % app["Id"], json={"IsRegistered": True, "CompilationResult": "x",
                                                              "Id": 5}).status_code == 204
    state = client.state_app(app["Id"])
    assert state["IsRegistered"] is False and state["CompilationResult"] == ""


def test_patch_changing_number_is_refused(client):
    app = client.create(number="8000")
    assert_warning(client.patch("CallFlowApps(%d)" % app["Id"], json={"Number": "8001", "Name": "X"}), "Number",
                   "WARNINGS.XAPI.FORBIDDEN_CHANGE")
    state = client.state_app(app["Id"])
    assert state["Number"] == "8000" and state["Name"] == app["Name"]


def test_patch_with_the_same_number_is_fine(client):
    app = client.create(number="8000")
    assert client.patch("CallFlowApps(%d)" % app["Id"], json={"Number": "8000", "Name": "X"}).status_code == 204


def test_patch_name_to_null_is_required(client):
    app = client.create()
    assert_warning(client.patch("CallFlowApps(%d)" % app["Id"], json={"Name": None}), "Name", "WARNINGS.XAPI.REQUIRED")


# -- delete -----------------------------------------------------------------------------

def test_delete_is_204_and_removes(client):
    app = client.create()
    answer = client.delete("CallFlowApps(%d)" % app["Id"])
    assert answer.status_code == 204 and answer.content == b""
    assert client.get("CallFlowApps(%d)" % app["Id"]).status_code == 404


def test_delete_accepts_if_match(client):
    app = client.create()
    assert client.delete("CallFlowApps(%d)" % app["Id"], headers={"If-Match": "*"}).status_code == 204


def test_delete_unknown_id_is_404(client):
    assert client.delete("CallFlowApps(424242)").status_code == 404


# -- groups -----------------------------------------------------------------------------

def expanded_groups(client, app_id):
    params = {"$expand": "Groups($expand=Rights,GroupRights)"}
    return client.get("CallFlowApps(%d)" % app_id, params=params).json()["Groups"]


def test_groups_written_on_create_are_completed_by_the_server(client):
    app = client.create(name="Router", Groups=[{"GroupId": 2, "Rights": {"RoleName": "managers"}}])
    (member,) = expanded_groups(client, app["Id"])
    assert member["GroupId"] == 2
    assert member["Name"] == "Sales"
    assert member["Number"] == "GRP0001"
    assert member["MemberName"] == "Router"
    assert member["Type"] == "RoutePoint"
    assert isinstance(member["Id"], int)
    assert member["CanDelete"] is True
    assert member["Rights"]["RoleName"] == "managers"
    assert member["Rights"]["CanSeeGroupMembers"] is True
    assert member["GroupRights"]["RoleName"] == "managers"


def test_groups_array_is_replaced_whole(client):
    app = client.create(Groups=[{"GroupId": 2}, {"GroupId": 3}])
    assert [g["GroupId"] for g in expanded_groups(client, app["Id"])] == [2, 3]
    answer = client.patch("CallFlowApps(%d)" % app["Id"], json={"Groups": [{"GroupId": 3, "Rights": {"RoleName": "users"}}]})
    assert answer.status_code == 204
    assert [(g["GroupId"], g["Rights"]["RoleName"]) for g in expanded_groups(client, app["Id"])] == [(3, "users")]


def test_membership_id_is_kept_for_a_group_that_stays(client):
    app = client.create(Groups=[{"GroupId": 2}])
    before = expanded_groups(client, app["Id"])[0]["Id"]
    client.patch("CallFlowApps(%d)" % app["Id"], json={"Groups": [{"GroupId": 2, "Rights": {"RoleName": "managers"}}]})
    assert expanded_groups(client, app["Id"])[0]["Id"] == before


def test_member_name_follows_a_rename(client):
    app = client.create(name="Old")
    client.patch("CallFlowApps(%d)" % app["Id"], json={"Name": "New"})
    assert expanded_groups(client, app["Id"])[0]["MemberName"] == "New"


def test_empty_groups_fall_back_to_default(client):
    app = client.create(Groups=[{"GroupId": 2}])
    client.patch("CallFlowApps(%d)" % app["Id"], json={"Groups": []})
    assert [g["GroupId"] for g in expanded_groups(client, app["Id"])] == [1]


@pytest.mark.parametrize("groups, token", [
    ([{"GroupId": 99}], "WARNINGS.XAPI.NOT_FOUND"),
    ([{"GroupId": 2, "Rights": {"RoleName": "emperors"}}], "WARNINGS.XAPI.NOT_FOUND"),
    ([{"GroupId": 2}, {"GroupId": 2}], "WARNINGS.XAPI.DUPLICATE"),
    ([{"Rights": {"RoleName": "users"}}], "WARNINGS.XAPI.REQUIRED"),
])
def test_bad_group_reference_is_refused(client, groups, token):
    assert_warning(client.post("CallFlowApps", json={"Name": "A", "Number": "8000", "Groups": groups}), "Groups", token)
    app = client.create(number="8001", Groups=[{"GroupId": 3}])
    assert_warning(client.patch("CallFlowApps(%d)" % app["Id"], json={"Groups": groups}), "Groups", token)
    assert [g["GroupId"] for g in expanded_groups(client, app["Id"])] == [3]


# -- trunk ------------------------------------------------------------------------------

def test_trunk_linked_by_id_and_expanded_as_the_trunk_entity(client):
    app = client.create(Trunk={"Id": 100}, RoutingType="Trunk")
    trunk = client.get("CallFlowApps(%d)" % app["Id"], params={"$expand": "Trunk"}).json()["Trunk"]
    direct = client.get("Trunks(100)").json()
    del direct["@odata.context"]
    assert trunk == direct
    assert trunk["Number"] == "10000" and "Gateway" in trunk


def test_trunk_linked_by_number(client):
    app = client.create(Trunk={"Number": "10001"})
    assert client.get("CallFlowApps(%d)" % app["Id"], params={"$expand": "Trunk"}).json()["Trunk"]["Id"] == 101


def test_trunk_unlinked_with_null(client):
    app = client.create(Trunk={"Id": 100})
    assert client.patch("CallFlowApps(%d)" % app["Id"], json={"Trunk": None}).status_code == 204
    assert client.get("CallFlowApps(%d)" % app["Id"], params={"$expand": "Trunk"}).json()["Trunk"] is None


@pytest.mark.parametrize("trunk", [{"Id": 4242}, {"Number": "77777"}, {}])
def test_unknown_trunk_is_not_found(client, trunk):
    assert_warning(client.post("CallFlowApps", json={"Name": "A", "Number": "8000", "Trunk": trunk}), "Trunk",
                   "WARNINGS.XAPI.NOT_FOUND")


# -- audio files ------------------------------------------------------------------------

def test_get_files_and_delete_file(client):
    (app_id,) = client.control("POST", "seed", json={"callflow_apps": [
        {"Name": "F", "Number": "8100", "Files": ["hello.wav", "bye.wav"]}]})["callflow_apps"]
    body = client.get("CallFlowApps(%d)/Pbx.GetFiles()" % app_id).json()
    assert body["value"] == ["hello.wav", "bye.wav"]
    assert client.post("CallFlowApps(%d)/Pbx.DeleteFile" % app_id, json={"filename": "hello.wav"}).status_code == 204
    assert client.get("CallFlowApps(%d)/Pbx.GetFiles()" % app_id).json()["value"] == ["bye.wav"]
    assert_warning(client.post("CallFlowApps(%d)/Pbx.DeleteFile" % app_id, json={"filename": "nope.wav"}), "filename",
                   "WARNINGS.XAPI.FILE_NOT_FOUND")
    assert client.get("CallFlowApps(4242)/Pbx.GetFiles()").status_code == 404
