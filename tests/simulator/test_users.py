"""Users (extensions): what a POST takes, departments, the primary department, secrets."""

import pytest

SECRETS = ("AuthPassword", "AccessPassword", "DeskphonePassword", "VMPIN")
BIND_FAILED = "The input was not valid.\n\ndelta:\nThe delta field is required."


def assert_warning(answer, target, token):
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"] == [{"code": "", "message": token, "target": target}]


def groups_of(client, user_id):
    params = {"$expand": "Groups($expand=Rights)"}
    return [(g["GroupId"], g["Rights"]["RoleName"]) for g in client.get("Users(%d)" % user_id, params=params).json()["Groups"]]


def test_seeded_extensions_100_and_101_are_users(client):
    users = client.get("Users", params={"$select": "Id,Number,FirstName,EmailAddress"}).json()["value"]
    assert users == [{"Id": 102, "Number": "100", "FirstName": "Ada", "EmailAddress": "ada@example.net"},
                     {"Id": 103, "Number": "101", "FirstName": "Ben", "EmailAddress": "ben@example.net"}]


def test_post_with_basics_only(client):
    answer = client.post("Users", json={"Number": "200", "FirstName": "Cleo", "LastName": "Example",
                                        "EmailAddress": "cleo@example.net"})
    assert answer.status_code == 201
    user = answer.json()
    assert user["PrimaryGroupId"] == 1
    assert groups_of(client, user["Id"]) == [(1, "users")]


@pytest.mark.parametrize("extra", [{"VMEnabled": False}, {"VMPIN": "1234"}, {"VMEmailOptions": "Attachment"},
                                   {"TranscriptionMode": "Voicemail"}, {"Groups": [{"GroupId": 2}]}])
def test_post_with_voicemail_transcription_or_groups_is_the_bind_error(client, extra):
    answer = client.post("Users", json=dict(extra, FirstName="Dan"))
    assert answer.status_code == 400
    assert answer.json() == {"error": {"code": "", "message": BIND_FAILED}}
    assert len(client.get("Users").json()["value"]) == 2
    assert client.post("Users", json={"FirstName": "Dan"}).status_code == 201


def test_the_same_properties_are_set_by_a_patch(client):
    user = client.post("Users", json={"FirstName": "Eve"}).json()
    answer = client.patch("Users(%d)" % user["Id"], json={
        "VMEnabled": False, "VMEmailOptions": "Attachment", "TranscriptionMode": "Voicemail, Recordings",
        "Groups": [{"GroupId": 2, "Rights": {"RoleName": "managers"}}]})
    assert answer.status_code == 204
    after = client.get("Users(%d)" % user["Id"]).json()
    assert (after["VMEnabled"], after["VMEmailOptions"], after["TranscriptionMode"]) == (
        False, "Attachment", "Voicemail, Recordings")
    assert groups_of(client, user["Id"]) == [(2, "managers")]
    assert after["PrimaryGroupId"] == 2  # the only department left


def test_primary_group_must_be_a_department_of_the_user_after_the_write(client):
    user = client.post("Users", json={"FirstName": "Fay"}).json()
    path = "Users(%d)" % user["Id"]
    assert_warning(client.patch(path, json={"PrimaryGroupId": 2}), "PrimaryGroupId", "WARNINGS.XAPI.NOT_FOUND")
    assert_warning(client.post("Users", json={"PrimaryGroupId": 3}), "PrimaryGroupId", "WARNINGS.XAPI.NOT_FOUND")
    assert client.patch(path, json={"Groups": [{"GroupId": 1}, {"GroupId": 2}], "PrimaryGroupId": 2}).status_code == 204
    assert client.get(path).json()["PrimaryGroupId"] == 2
    assert_warning(client.patch(path, json={"PrimaryGroupId": 99}), "PrimaryGroupId", "WARNINGS.XAPI.NOT_FOUND")


def test_user_created_without_groups_is_in_the_default_department(client):
    user = client.post("Users", json={}).json()
    assert groups_of(client, user["Id"]) == [(1, "users")]
    assert user["Number"] == "102"


def test_groups_written_by_patch_replace_the_list_and_keep_role_model(client):
    user = client.post("Users", json={}).json()
    path = "Users(%d)" % user["Id"]
    client.patch(path, json={"Groups": [{"GroupId": 2}, {"GroupId": 3, "Rights": {"RoleName": "group_admins"}}]})
    assert groups_of(client, user["Id"]) == [(2, "users"), (3, "group_admins")]
    client.patch(path, json={"Groups": [{"GroupId": 3, "Rights": {"RoleName": "users"}}]})
    assert groups_of(client, user["Id"]) == [(3, "users")]
    group = client.get(path, params={"$expand": "Groups($expand=GroupRights)"}).json()["Groups"][0]
    assert (group["Name"], group["Number"], group["MemberName"], group["Type"]) == ("Support", "GRP0002", "102", "Extension")


@pytest.mark.parametrize("groups, token", [([{"GroupId": 99}], "WARNINGS.XAPI.NOT_FOUND"),
                                           ([{"GroupId": 2}, {"GroupId": 2}], "WARNINGS.XAPI.DUPLICATE"),
                                           ([{"GroupId": 2, "Rights": {"RoleName": "kings"}}], "WARNINGS.XAPI.NOT_FOUND")])
def test_bad_department_references(client, groups, token):
    assert_warning(client.patch("Users(102)", json={"Groups": groups}), "Groups", token)


# -- secrets ------------------------------------------------------------------------------

def test_secrets_are_not_returned_in_clear_by_default(client):
    user = client.get("Users(102)").json()
    for name in SECRETS:
        assert user[name] is None
    assert user["AuthID"]  # a credential, not a secret
    state = client.control("GET", "state")["Users"][0]
    assert all(state[name] for name in SECRETS)  # the server has them


def test_secrets_in_clear_switch(client):
    client.patch("Users(102)", json={"AuthPassword": "sip-pass", "VMPIN": "4321"})
    client.control("POST", "config", json={"secrets_in_clear": True})
    user = client.get("Users(102)").json()
    assert (user["AuthPassword"], user["VMPIN"]) == ("sip-pass", "4321")
    trunk = client.get("Trunks(100)").json()
    assert trunk["AuthPassword"] == {"Concealed": False, "Value": "example-carrier-secret"}
    client.control("POST", "config", json={"secrets_in_clear": False})
    assert client.get("Users(102)").json()["AuthPassword"] is None


def test_a_secret_written_back_concealed_is_kept_and_an_empty_one_clears(make_sim, make_client):
    api = make_client(make_sim(secrets_in_clear=True))
    api.patch("Users(102)", json={"AccessPassword": "web-pass"})
    api.patch("Users(102)", json={"AccessPassword": None, "FirstName": "Ada"})
    assert api.get("Users(102)").json()["AccessPassword"] == "web-pass"
    api.patch("Users(102)", json={"AccessPassword": ""})
    assert api.get("Users(102)").json()["AccessPassword"] is None


def test_secrets_are_concealed_in_the_post_answer_and_in_lists(client):
    user = client.post("Users", json={"FirstName": "Gil", "AuthPassword": "chosen"}).json()
    assert user["AuthPassword"] is None
    listed = client.get("Users", params={"$filter": "FirstName eq 'Gil'", "$select": "AuthPassword,AuthID"}).json()
    assert listed["value"][0]["AuthPassword"] is None
    assert client.control("GET", "state")["Users"][-1]["AuthPassword"] == "chosen"


def test_forwarding_profiles_are_created_with_the_user(client):
    user = client.post("Users", json={}).json()
    profiles = client.get("Users(%d)" % user["Id"], params={"$expand": "ForwardingProfiles"}).json()["ForwardingProfiles"]
    assert [p["Name"] for p in profiles] == ["Available", "Away", "Out of office", "Custom 1", "Custom 2"]
    voicemail = profiles[0]["AvailableRoute"]["NoAnswerInternal"]
    assert (voicemail["To"], voicemail["Number"], voicemail["Type"]) == ("VoiceMail", user["Number"], "Extension")
    # what a client read it can write back: the defaults obey the simulator's own rules
    assert client.patch("Users(%d)" % user["Id"], json={"ForwardingProfiles": profiles}).status_code == 204
