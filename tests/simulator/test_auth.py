"""Token endpoint and bearer authentication."""

import json
from xml.etree import ElementTree

import pytest
from simclient import Client
from xapisim.registry import SETS, SINGLETONS


def test_token_answer_has_the_oauth_shape(sim):
    answer = Client(sim).token()
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"token_type", "expires_in", "access_token", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] is None
    assert body["access_token"].count(".") == 2


def test_bad_secret_gives_401_with_the_official_oauth_body(sim):
    answer = Client(sim).token(client_secret="wrong")
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized",
                             "error_description": "The request requires valid user authentication."}
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("form", [
    {"client_secret": "sim-secret", "grant_type": "client_credentials"},
    {"client_id": "ansible", "grant_type": "client_credentials"},
    {"client_id": "", "client_secret": "sim-secret", "grant_type": "client_credentials"},
    {},
])
def test_missing_credentials_give_400_invalid_request(sim, form):
    answer = Client(sim).session.post(sim.url + "/connect/token", data=form)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_request"
    assert "parameter is missing" in body["error_description"]


def test_empty_secret_gives_invalid_client(sim):
    answer = Client(sim).token(client_secret="")
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_multipart_form_data_is_accepted_like_a_urlencoded_form(sim):
    # files= makes requests send multipart/form-data, as 3CX's own tutorial client does
    fields = {"client_id": (None, "ansible"), "client_secret": (None, "sim-secret"),
              "grant_type": (None, "client_credentials")}
    answer = Client(sim).session.post(sim.url + "/connect/token", files=fields)
    assert answer.request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert answer.status_code == 200
    assert answer.json()["token_type"] == "Bearer"


def test_multipart_with_a_wrong_secret_is_refused(sim):
    fields = {"client_id": (None, "ansible"), "client_secret": (None, "nope"), "grant_type": (None, "client_credentials")}
    assert Client(sim).session.post(sim.url + "/connect/token", files=fields).status_code == 401


def test_bad_client_id_gives_401(sim):
    assert Client(sim).token(client_id="someone").status_code == 401


def test_bad_grant_gives_401(sim):
    answer = Client(sim).token(grant_type="password")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"


def test_non_form_body_gives_400_invalid_request(sim):
    answer = Client(sim).session.post(sim.url + "/connect/token",
                                      json={"client_id": "ansible", "client_secret": "sim-secret",
                                            "grant_type": "client_credentials"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_token_endpoint_wants_post(sim):
    answer = Client(sim).session.get(sim.url + "/connect/token")
    assert answer.status_code == 405


def test_custom_credentials(make_sim):
    sim = make_sim(client_id="other", client_secret="s3")
    assert Client(sim).token().status_code == 401
    assert Client(sim).token(client_id="other", client_secret="s3").status_code == 200


def test_api_without_token_is_401_with_challenge(sim):
    answer = Client(sim).get("CallFlowApps")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "error" in answer.json()


def test_metadata_answers_without_a_token(sim):
    answer = Client(sim).get("$metadata")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(answer.content)
    edm = "{http://docs.oasis-open.org/odata/ns/edm}"
    sets = {e.get("Name"): e.get("EntityType") for e in root.iter(edm + "EntitySet")}
    assert sets == {name: info["schema"] for name, info in SETS.items()}  # every set of the registry
    singletons = {e.get("Name"): e.get("Type") for e in root.iter(edm + "Singleton")}
    assert singletons["OfficeHours"] == "Pbx.OfficeHours" and len(singletons) == len(SINGLETONS)
    app = next(e for e in root.iter(edm + "EntityType") if e.get("Name") == "CallFlowApp")
    types = {p.get("Name"): p.get("Type") for p in app.iter(edm + "Property")}
    assert types["RoutingType"] == "Pbx.CfaRoutingType" and types["Id"] == "Edm.Int32"
    assert {p.get("Name") for p in app.iter(edm + "NavigationProperty")} == {"Groups", "Trunk"}


def test_metadata_is_open_to_reading_only(sim):
    assert Client(sim).post("$metadata", json={}).status_code == 401


def test_multipart_token_request_is_recorded_without_its_secret(make_sim, tmp_path):
    path = tmp_path / "exchanges.jsonl"
    sim = make_sim(record=str(path))
    fields = {"client_id": (None, "ansible"), "client_secret": (None, "sim-secret"),
              "grant_type": (None, "client_credentials")}
    Client(sim).session.post(sim.url + "/connect/token", files=fields)
    sim.shutdown()
    text = path.read_text(encoding="utf-8")
    assert "sim-secret" not in text
    assert json.loads(text)["request_body"] == {"client_id": "ansible", "client_secret": "REDACTED",
                                                "grant_type": "client_credentials"}


def test_api_with_unknown_token_is_401(sim):
    answer = Client(sim).get("CallFlowApps", headers={"Authorization": "Bearer nonsense"})
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_valid_token_opens_the_api(client):
    assert client.get("CallFlowApps").status_code == 200


def test_a_new_token_revokes_the_previous_one(sim):
    first, second = Client(sim), Client(sim)
    first.login()
    assert first.get("CallFlowApps").status_code == 200
    second.login()
    assert second.get("CallFlowApps").status_code == 200
    assert first.get("CallFlowApps").status_code == 401


def test_token_expires_after_its_lifetime(make_sim, clock):
    sim = make_sim(token_lifetime=60, clock=clock)
    api = Client(sim)
    api.login()
    clock.advance(59)
    assert api.get("Groups").status_code == 200
    clock.advance(1)
    assert api.get("Groups").status_code == 401


def test_expires_in_in_minutes_like_old_builds(make_sim):
    sim = make_sim(expires_in_unit="minutes")
    assert Client(sim).token().json()["expires_in"] == 60


def test_expires_in_follows_token_lifetime(make_sim):
    sim = make_sim(token_lifetime=120)
    assert Client(sim).token().json()["expires_in"] == 120
