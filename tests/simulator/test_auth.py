"""Token endpoint and bearer authentication."""


from simclient import Client


def test_token_answer_has_the_oauth_shape(sim):
    answer = Client(sim).token()
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"token_type", "expires_in", "access_token", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] is None
    assert body["access_token"].count(".") == 2


def test_bad_secret_gives_401_oauth_body(sim):
    answer = Client(sim).token(client_secret="wrong")
    assert answer.status_code == 401
    body = answer.json()
    assert body["error"] == "unauthorized"
    assert body["error_description"]


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
