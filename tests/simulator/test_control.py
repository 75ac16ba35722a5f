"""The /_sim control API: health, logs, stats, reset, seed, state, faults, config, revocation."""

import http.client
import time

import pytest
import requests


def test_health(client):
    assert client.control("GET", "health")["ok"] is True


def test_control_needs_no_token(sim):
    assert requests.get(sim.url + "/_sim/health", timeout=5).status_code == 200


def test_unknown_control_path_is_404(client):
    assert client.session.get(client.base + "/_sim/nothing").status_code == 404
    assert client.session.put(client.base + "/_sim/health").status_code == 405


# -- request log and stats --------------------------------------------------------------

def test_request_log_lists_api_and_token_requests_without_secrets(client):
    client.get("CallFlowApps", params={"$filter": "Name eq 'x'", "$top": "5"})
    entries = client.control("GET", "requests")["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/connect/token", 200), ("GET", "/xapi/v1/CallFlowApps", 200)]
    assert entries[1]["query"] == {"$filter": "Name eq 'x'", "$top": "5"}
    assert set(entries[0]) == {"seq", "time", "method", "path", "query", "status"}
    assert entries[0]["seq"] < entries[1]["seq"]
    assert "sim-secret" not in str(entries)


def test_control_requests_are_not_logged(client):
    client.control("GET", "health")
    client.control("GET", "state")
    assert [e["path"] for e in client.control("GET", "requests")["requests"]] == ["/connect/token"]


def test_clear_request_log(client):
    client.get("Groups")
    client.control("DELETE", "requests")
    assert client.control("GET", "requests")["requests"] == []


def test_stats(client):
    app = client.create()
    client.get("CallFlowApps")
    client.patch("CallFlowApps(%d)" % app["Id"], json={"Name": "x"})
    client.delete("CallFlowApps(%d)" % app["Id"])
    client.login()
    stats = client.control("GET", "stats")
    assert stats["writes"] == 3
    assert stats["token_requests"] == 2
    assert stats["total"] == 6
    assert stats["methods"] == {"POST": 1, "GET": 1, "PATCH": 1, "DELETE": 1}
    assert stats["statuses"]["204"] == 2


# -- reset, seed, state -----------------------------------------------------------------

def test_reset_restores_everything(make_sim, make_client):
    sim = make_sim(latency_ms=0)
    api = make_client(sim)
    api.create()
    api.control("POST", "faults", json={"status": 503, "count": 5, "path": "Trunks"})
    api.control("POST", "config", json={"rewrite_scripts": True})
    assert api.control("POST", "reset") == {"ok": True}
    assert api.control("GET", "requests")["requests"] == []
    state = api.control("GET", "state")
    assert state["callflow_apps"] == [] and len(state["groups"]) == 3 and len(state["trunks"]) == 2
    assert state["faults"] == [] and state["config"]["rewrite_scripts"] is False
    assert api.get("Groups").status_code == 401  # tokens revoked
    api.login()
    assert api.get("Trunks").status_code == 200  # fault gone
    assert api.create()["Id"] == 104  # ids start over: trunks 100-101 and users 100-101 (Ids 102-103) are seeded


def test_seed_adds_compiled_apps_and_answers_ids(client):
    answer = client.control("POST", "seed", json={
        "groups": [{"Name": "Lab"}],
        "trunks": [{"Number": "10005", "Direction": "Outbound"}],
        "callflow_apps": [{"Name": "S1", "Number": "8500", "ScriptCode": "x", "Groups": [{"GroupId": 2}],
                           "Trunk": {"Number": "10005"}}],
    })
    (group_id,), (trunk_id,), (app_id,) = answer["groups"], answer["trunks"], answer["callflow_apps"]
    app = client.get("CallFlowApps(%d)" % app_id, params={"$expand": "Groups,Trunk"}).json()
    assert app["CompilationSucceeded"] is True and app["InvalidScript"] is False
    assert app["CompilationLastSuccess"] and app["CompilationResult"] == ""
    assert app["Trunk"]["Id"] == trunk_id
    assert app["Groups"][0]["GroupId"] == 2
    assert client.get("Groups(%d)" % group_id).json()["Name"] == "Lab"


def test_seed_can_say_an_app_did_not_compile(client):
    (app_id,) = client.control("POST", "seed", json={"callflow_apps": [
        {"Name": "Bad", "Number": "8501", "CompilationSucceeded": False, "CompilationResult": "E: (line 1) nope"}]})[
        "callflow_apps"]
    app = client.get("CallFlowApps(%d)" % app_id).json()
    assert app["InvalidScript"] is True and app["CompilationLastSuccess"] is None
    assert app["CompilationResult"] == "E: (line 1) nope"


def test_seed_with_explicit_id(client):
    (app_id,) = client.control("POST", "seed", json={"callflow_apps": [{"Id": 5000, "Name": "X", "Number": "8502"}]})[
        "callflow_apps"]
    assert app_id == 5000
    assert client.create(number="8503")["Id"] == 5001


@pytest.mark.parametrize("seed", [
    {"callflow_apps": [{"Name": "A", "Number": "8600"}, {"Name": "B", "Number": "8600"}]},
    {"callflow_apps": [{"Name": "A", "Number": "8600"}, {"Name": "B"}]},
    {"callflow_apps": [{"Name": "A", "Number": "8600"}, {"Name": "B", "Number": "8601", "Bogus": 1}]},
    {"groups": [{"Name": "G"}], "callflow_apps": [{"Name": "B", "Number": "8601", "Groups": [{"GroupId": 77}]}]},
    {"trunks": [{"Number": "10000"}]},
    {"unknown": []},
    {"Users": [{"Number": "150"}], "Queues": [{"Agents": [{"Number": "555"}]}]},
    {"Users": [{"Number": "150"}, {"Number": "150"}]},
    {"OfficeHours": {"TimeZoneId": 5}},
    {"Groups": [{"Name": "Lab"}], "Holidays": [{"Name": "Incomplete"}]},
    {"Users": {"Number": "150"}},
    {"Peers": []},
])
def test_bad_seed_changes_nothing(client, seed):
    before = client.control("GET", "state")
    answer = client.session.post(client.base + "/_sim/seed", json=seed)
    assert answer.status_code == 400
    assert isinstance(answer.json()["error"], str)
    assert client.control("GET", "state") == before


def test_a_seed_item_that_does_not_bind_is_named_with_the_reason(client):
    seed = {"callflow_apps": [{"Name": "B", "Number": "8601", "Bogus": 1}]}
    answer = client.session.post(client.base + "/_sim/seed", json=seed)
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert message.startswith("callflow_apps[0]: ") and "'Bogus' does not exist" in message and "(Bogus)" in message


def test_state_shows_every_property(client):
    app = client.create(script="secret { }", Trunk={"Id": 100}, Groups=[{"GroupId": 3}])
    state = client.state_app(app["Id"])
    assert state["ScriptCode"] == "secret { }"
    assert state["Trunk"]["Number"] == "10000"
    assert state["Groups"][0]["Rights"]["RoleName"] == "users"
    assert state["Files"] == []


# -- faults -----------------------------------------------------------------------------

def test_status_fault_with_retry_after_and_count(client):
    client.control("POST", "faults", json={"status": 503, "count": 2, "method": "GET", "path": "CallFlowApps",
                                           "retry_after": 1})
    for _round in range(2):
        answer = client.get("CallFlowApps")
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "1"
        assert "error" in answer.json()
    assert client.get("CallFlowApps").status_code == 200


def test_fault_matches_method_and_path(client):
    client.control("POST", "faults", json={"status": 429, "method": "POST", "path": "CallFlowApps"})
    assert client.get("CallFlowApps").status_code == 200
    assert client.get("Groups").status_code == 200
    assert client.post("CallFlowApps", json={"Name": "A", "Number": "8000"}).status_code == 429
    assert client.get("CallFlowApps").json()["value"] == []


def test_faults_queue_in_order(client):
    client.control("POST", "faults", json=[{"status": 500}, {"status": 502}])
    assert [client.get("Groups").status_code for _round in range(3)] == [500, 502, 200]


def test_latency_fault(client):
    client.control("POST", "faults", json={"latency_ms": 150, "path": "Groups"})
    started = time.perf_counter()
    assert client.get("Groups").status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_drop_before_processing(client):
    client.control("POST", "faults", json={"drop": True, "method": "POST"})
    with pytest.raises(requests.ConnectionError):
        client.post("CallFlowApps", json={"Name": "A", "Number": "8000"})
    assert client.get("CallFlowApps").json()["value"] == []
    assert client.control("GET", "requests")["requests"][-2]["status"] is None


def test_drop_after_processing_leaves_an_unknown_outcome(client):
    client.control("POST", "faults", json={"drop": True, "method": "POST", "phase": "after"})
    with pytest.raises(requests.ConnectionError):
        client.post("CallFlowApps", json={"Name": "A", "Number": "8000"})
    assert [a["Number"] for a in client.get("CallFlowApps").json()["value"]] == ["8000"]


def test_status_after_processing(client):
    client.control("POST", "faults", json={"status": 504, "method": "POST", "phase": "after"})
    assert client.post("CallFlowApps", json={"Name": "A", "Number": "8000"}).status_code == 504
    assert len(client.get("CallFlowApps").json()["value"]) == 1


def test_token_endpoint_can_be_faulted(client):
    client.control("POST", "faults", json={"status": 503, "path": "connect/token"})
    answer = client.token()
    assert answer.status_code == 503
    assert answer.json()["error"] == "temporarily_unavailable"
    assert client.token().status_code == 200


def test_control_api_is_never_faulted_or_delayed(make_sim, make_client, sleeps):
    api = make_client(make_sim(latency_ms=300, sleep=sleeps))
    del sleeps.slept[:]  # the login's
    api.control("POST", "faults", json={"status": 500, "count": 3})
    api.control("GET", "health")
    api.control("GET", "faults")
    assert sleeps.slept == []
    assert len(api.control("GET", "faults")["faults"]) == 1
    assert api.get("Groups").status_code == 500
    assert sleeps.slept == [0.3]


def test_clear_faults(client):
    client.control("POST", "faults", json={"status": 500, "count": 9})
    assert client.control("DELETE", "faults") == {"faults": []}
    assert client.get("Groups").status_code == 200


def test_trickle_fault_sends_the_body_slowly_so_no_read_timeout_fires(client):
    client.control("POST", "faults", json={"trickle_ms": 40, "path": "Groups"})
    started = time.perf_counter()
    answer = client.get("Groups", params={"$select": "Id"}, timeout=0.5)  # per read, as requests counts it
    elapsed = time.perf_counter() - started
    assert answer.status_code == 200
    assert [g["Id"] for g in answer.json()["value"]] == [1, 2, 3]
    assert elapsed >= 0.04 * len(answer.content) > 0.5


def test_trickle_fault_slows_a_status_fault_too(client):
    client.control("POST", "faults", json={"status": 503, "trickle_ms": 1, "path": "Groups"})
    answer = client.get("Groups")
    assert answer.status_code == 503
    assert answer.json()["error"]["message"] == "Injected fault: HTTP 503."


def test_a_client_that_gives_up_during_a_trickle_ends_it_quietly(client, capfd):
    client.control("POST", "faults", json={"trickle_ms": 100, "path": "Groups"})
    conn = http.client.HTTPConnection("127.0.0.1", client.sim.port, timeout=5)
    conn.request("GET", "/xapi/v1/Groups", headers={"Authorization": client.session.headers["Authorization"]})
    answer = conn.getresponse()
    assert answer.status == 200 and answer.read(2) == b'{"'
    conn.close()
    time.sleep(0.5)  # the simulator writes into the closed connection and stops
    assert client.get("Trunks").status_code == 200
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("status", [301, 302, 307])
def test_redirect_fault_answers_the_status_with_a_location(client, status):
    target = "https://pbx.example.com:5001/xapi/v1/Groups"
    client.control("POST", "faults", json={"status": status, "location": target, "path": "Groups"})
    answer = client.get("Groups", allow_redirects=False)
    assert answer.status_code == status
    assert answer.headers["Location"] == target
    assert answer.headers["Content-Type"].startswith("text/html")
    assert client.get("Groups").status_code == 200


def test_redirect_fault_on_the_token_endpoint(client):
    client.control("POST", "faults", json={"status": 301, "location": "https://pbx.example.com/connect/token",
                                           "path": "connect/token"})
    answer = client.session.post(client.base + "/connect/token", data={"client_id": "ansible"}, allow_redirects=False)
    assert (answer.status_code, answer.headers["Location"]) == (301, "https://pbx.example.com/connect/token")


@pytest.mark.parametrize("fault", [{"status": 42}, {"count": 0, "status": 500}, {"phase": "during", "status": 500},
                                   {"nothing": 1}, {}, "503", {"trickle_ms": -1}, {"trickle_ms": "slow"},
                                   {"status": 302}, {"status": 500, "location": "http://x"},
                                   {"location": "http://x"}, {"status": 307, "location": 5}])
def test_bad_fault_is_400(client, fault):
    assert client.session.post(client.base + "/_sim/faults", json=fault).status_code == 400


# -- config and revocation --------------------------------------------------------------

def test_config_changes_settings_at_run_time(client):
    view = client.control("POST", "config", json={"latency_ms": 0, "rewrite_scripts": True, "compile_delay": 0,
                                                  "expires_in_unit": "minutes", "token_lifetime": 120,
                                                  "server_page_size": 1, "secrets_in_clear": True,
                                                  "rewrite_outbound_rules": False})
    assert view == {"latency_ms": 0, "rewrite_scripts": True, "compile_delay": 0, "expires_in_unit": "minutes",
                    "token_lifetime": 120, "server_page_size": 1, "secrets_in_clear": True,
                    "rewrite_outbound_rules": False}
    assert client.control("GET", "config") == view
    assert client.token().json()["expires_in"] == 2
    client.login()
    assert client.create(script="a \n")["ScriptCode"] == "a\r\n"
    client.create(number="8001")
    assert "@odata.nextLink" in client.get("CallFlowApps").json()


def test_config_latency(client):
    client.control("POST", "config", json={"latency_ms": 120})
    started = time.perf_counter()
    client.get("Groups")
    assert time.perf_counter() - started >= 0.12


@pytest.mark.parametrize("change", [{"latency_ms": -1}, {"bogus": 1}, {"expires_in_unit": "hours"},
                                    {"server_page_size": 1.5}, {"token_lifetime": 0}, ["latency_ms"],
                                    {"secrets_in_clear": "yes"}, {"rewrite_outbound_rules": 1}])
def test_bad_config_is_400_and_changes_nothing(client, change):
    before = client.control("GET", "config")
    assert client.session.post(client.base + "/_sim/config", json=change).status_code == 400
    assert client.control("GET", "config") == before


def test_revoke_tokens(client):
    assert client.get("Groups").status_code == 200
    assert client.control("POST", "revoke-tokens") == {"revoked": 1}
    assert client.get("Groups").status_code == 401
    client.login()
    assert client.get("Groups").status_code == 200
