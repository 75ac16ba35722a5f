"""HTTP behaviour: keep-alive, lengths, latency, and the --record file."""

import http.client
import json
import threading
import time

import requests

from simclient import Client


def raw_connection(sim):
    return http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)


def test_keep_alive_serves_many_requests_on_one_connection(sim):
    token = Client(sim).login()
    conn = raw_connection(sim)
    headers = {"Authorization": "Bearer " + token}
    conn.request("GET", "/xapi/v1/Groups", headers=headers)
    conn.getresponse().read()
    sock = conn.sock
    for _round in range(5):
        conn.request("GET", "/xapi/v1/Trunks?$select=Id", headers=headers)
        answer = conn.getresponse()
        assert answer.status == 200
        assert answer.version == 11
        assert int(answer.getheader("Content-Length")) == len(answer.read())
    assert conn.sock is sock  # never reconnected
    conn.close()


def test_errors_and_204_keep_the_connection_too(sim):
    api = Client(sim)
    token = api.login()
    app = api.create()
    conn = raw_connection(sim)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    conn.request("GET", "/xapi/v1/CallFlowApps(999)", headers=headers)
    assert conn.getresponse().read()
    sock = conn.sock
    conn.request("PATCH", "/xapi/v1/CallFlowApps(%d)" % app["Id"], body=json.dumps({"Name": "k"}), headers=headers)
    answer = conn.getresponse()
    assert answer.status == 204 and answer.read() == b""
    conn.request("GET", "/_sim/health")
    assert conn.getresponse().read()
    assert conn.sock is sock
    conn.close()


def test_latency_option_delays_api_requests(make_sim):
    sim = make_sim(latency_ms=100)
    api = Client(sim)
    started = time.perf_counter()
    api.token()
    assert time.perf_counter() - started >= 0.1


def test_record_file_holds_every_exchange_without_secrets(make_sim, tmp_path):
    path = tmp_path / "exchanges.jsonl"
    sim = make_sim(record=str(path))
    api = Client(sim)
    token = api.login()
    app = api.create(name="Rec", script="top secret script { }")
    api.get("CallFlowApps", params={"$filter": "Name eq 'Rec'", "$select": "Id,Name"})
    api.patch("CallFlowApps(%d)" % app["Id"], json={"Name": "Rec2"})
    api.get("CallFlowApps(4242)")
    api.control("GET", "health")
    sim.shutdown()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["method"], r["path"], r["status"]) for r in records] == [
        ("POST", "/connect/token", 200),
        ("POST", "/xapi/v1/CallFlowApps", 201),
        ("GET", "/xapi/v1/CallFlowApps", 200),
        ("PATCH", "/xapi/v1/CallFlowApps(%d)" % app["Id"], 204),
        ("GET", "/xapi/v1/CallFlowApps(4242)", 404),
    ]
    text = path.read_text(encoding="utf-8")
    assert "sim-secret" not in text and token not in text
    assert records[0]["request_body"]["client_secret"] == "REDACTED"
    assert records[0]["response_body"]["access_token"] == "REDACTED"
    assert records[1]["request_body"]["ScriptCode"] == "top secret script { }"
    assert records[2]["query"] == {"$filter": "Name eq 'Rec'", "$select": "Id,Name"}
    assert records[2]["response_body"]["value"] == [{"Id": app["Id"], "Name": "Rec"}]
    assert records[3]["response_body"] is None and records[3]["response_content_type"] is None
    assert records[4]["response_body"]["error"]["message"]


def test_record_appends_to_an_existing_file(make_sim, tmp_path):
    path = tmp_path / "exchanges.jsonl"
    path.write_text('{"seq": 0}\n', encoding="utf-8")
    sim = make_sim(record=str(path))
    Client(sim).token()
    sim.shutdown()
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_concurrent_writes_are_atomic(client):
    """Eight threads race for the same numbers: each number is taken exactly once."""
    token = client.session.headers["Authorization"]
    results = []

    def worker(index):
        session = requests.Session()
        session.headers["Authorization"] = token
        for number in range(20):
            answer = session.post(client.url("CallFlowApps"), json={"Name": "T%d" % index, "Number": "9%03d" % number})
            results.append(answer.status_code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(results)) == [201, 400]
    assert results.count(201) == 20
    numbers = [a["Number"] for a in client.control("GET", "state")["callflow_apps"]]
    assert sorted(numbers) == ["9%03d" % n for n in range(20)]
    ids = [a["Id"] for a in client.control("GET", "state")["callflow_apps"]]
    assert len(set(ids)) == 20


def test_json_answers_carry_the_official_content_type(client):
    answers = [client.get("CallFlowApps"), client.post("CallFlowApps", json={"Name": "A", "Number": "8000"}),
               client.post("CallFlowApps", json={"Name": "A", "Number": "8000"}), client.get("CallFlowApps(4242)")]
    assert [a.status_code for a in answers] == [200, 201, 400, 404]
    for answer in answers:
        assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
        assert answer.headers["OData-Version"] == "4.0"


def test_token_and_control_answers_are_json_without_odata_version(client):
    for answer in (client.token(), client.session.get(client.base + "/_sim/health")):
        assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
        assert "OData-Version" not in answer.headers
