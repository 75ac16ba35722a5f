"""The simulator must stay out of the way of benchmarks: bounds are generous, regressions are not."""

import time

SCRIPT = ("// a line of a realistic call flow script, padded to about eighty characters...\n" * 64)[:5000]


def test_seed_2000_apps_and_list_them_in_pages_of_100(client):
    apps = [{"Name": "App %04d" % i, "Number": "7%04d" % i, "ScriptCode": SCRIPT + str(i), "Groups": [{"GroupId": 2}]}
            for i in range(2000)]
    started = time.perf_counter()
    assert len(client.control("POST", "seed", json={"callflow_apps": apps})["callflow_apps"]) == 2000
    assert time.perf_counter() - started < 5.0

    started = time.perf_counter()
    seen = []
    for skip in range(0, 2000, 100):
        params = {"$select": "Id,Name,ScriptCode", "$expand": "Groups", "$top": "100", "$skip": str(skip)}
        body = client.get("CallFlowApps", params=params).json()
        seen.extend(item["Name"] for item in body["value"])
    assert seen == ["App %04d" % i for i in range(2000)]
    assert time.perf_counter() - started < 3.0


def test_per_request_overhead_is_about_a_millisecond(client):
    app = client.create()
    client.get("CallFlowApps(%d)" % app["Id"])  # warm the connection
    rounds = 200
    started = time.perf_counter()
    for _round in range(rounds):
        assert client.get("CallFlowApps(%d)" % app["Id"], params={"$select": "Id,Name"}).status_code == 200
    average_ms = (time.perf_counter() - started) / rounds * 1000
    # About 1 ms here; the bound leaves room for a slow CI machine.
    assert average_ms < 10, average_ms
