"""Contract test: simulator traffic (and recorded integration traffic) against the extract.

Every request and answer of a scenario driven here is recorded by the simulator and then
validated with openapi-core.  Files named by XAPI_CONTRACT_RECORDS (blank- or
colon-separated; integration runs write them with ``--record``) are checked the same way.
Token, /_sim and $metadata records are not in the document: they are counted apart, never
dropped silently.
"""

import copy
import json
import os
import sys

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "simulator"))

from xapisim.config import Config  # noqa: E402  pylint: disable=wrong-import-position
from xapisim.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position

from make_spec_extract import OPERATIONS  # noqa: E402  pylint: disable=wrong-import-position
from xapi_contract import (ContractChecker, Report, read_records,  # noqa: E402  pylint: disable=wrong-import-position
                           record_files_from_env)

ENV_VAR = "XAPI_CONTRACT_RECORDS"


@pytest.fixture(scope="module")
def checker():
    return ContractChecker()


class Session:
    """A logged-in session against a recording simulator."""

    def __init__(self, sim):
        self.sim = sim
        self.http = requests.Session()
        form = {"client_id": "ansible", "client_secret": "sim-secret", "grant_type": "client_credentials"}
        answer = self.http.post(sim.url + "/connect/token", data=form)
        self.http.headers["Authorization"] = "Bearer " + answer.json()["access_token"]

    def call(self, method, path, **kwargs):
        return self.http.request(method, "%s/xapi/v1/%s" % (self.sim.url, path), **kwargs)

    def control(self, method, path, **kwargs):
        return self.http.request(method, "%s/_sim/%s" % (self.sim.url, path), **kwargs)


@pytest.fixture
def recording(tmp_path):
    """A simulator recording to a file; yields (session, function returning the records)."""
    path = tmp_path / "records.jsonl"
    sim = Simulator(Config(compile_delay=0, record=str(path))).start_in_thread()
    try:
        yield Session(sim), lambda: read_records(str(path))
    finally:
        sim.shutdown()


def drive_scenario(api):
    """Everything a client of the collection does, plus the errors it must survive."""
    created = api.call("POST", "CallFlowApps", json={
        "Name": "Main menu", "Number": "8000", "RoutingType": "Trunk", "TranscriptionMode": "Nothing",
        "ScriptCode": "#warning demo\nclass Main { }\n",
        "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}], "Trunk": {"Id": 100}})
    assert created.status_code == 201
    app_id = created.json()["Id"]
    api.call("POST", "CallFlowApps", json={"Name": "Second", "Number": "8001", "ScriptCode": "broken {"})
    api.call("GET", "CallFlowApps", params={"$filter": "Name eq 'Main menu' and Number eq '8000'",
                                            "$select": "Id,Name,Number,ScriptCode,Groups,Trunk",
                                            "$expand": "Groups($expand=Rights,GroupRights),Trunk",
                                            "$top": "100", "$skip": "0", "$count": "true", "$orderby": "Name desc,Id"})
    api.call("GET", "CallFlowApps", params={"$top": "1", "$skip": "1"})
    api.call("GET", "CallFlowApps", params={"$filter": "contains(Name,'O''Brien') or startswith(Number,'80')"})
    api.call("GET", "CallFlowApps", params={"$top": "101"})
    api.call("GET", "CallFlowApps", params={"$filter": "Bogus eq 1"})
    api.call("GET", "CallFlowApps(%d)" % app_id)
    api.call("GET", "CallFlowApps(%d)" % app_id, params={"$select": "ScriptCode", "$expand": "Groups,Trunk"})
    api.call("PATCH", "CallFlowApps(%d)" % app_id, json={"Name": "Main", "ScriptCode": "class Main { void M() { } }",
                                                         "Groups": [{"GroupId": 3, "Rights": {"RoleName": "managers"}}],
                                                         "Trunk": None})
    api.call("PATCH", "CallFlowApps(%d)" % app_id, json={"Number": "8009"})
    api.call("POST", "CallFlowApps", json={"Name": "Dup", "Number": "8000"})
    api.call("POST", "CallFlowApps", json={"Name": "No number"})
    api.call("POST", "CallFlowApps", json={"Name": "Bad group", "Number": "8002", "Groups": [{"GroupId": 99}]})
    api.call("GET", "CallFlowApps(424242)")
    api.call("PATCH", "CallFlowApps(424242)", json={"Name": "x"})
    api.call("GET", "CallFlowApps(%d)/Pbx.GetFiles()" % app_id, params={"$top": "10", "$count": "true"})
    api.call("POST", "CallFlowApps(%d)/Pbx.DeleteFile" % app_id, json={"filename": "missing.wav"})
    api.call("GET", "Groups", params={"$filter": "Name eq 'Sales'", "$select": "Id,Name,Number", "$top": "10"})
    api.call("GET", "Groups", params={"$expand": "Members($expand=Rights),Rights", "$count": "true"})
    api.call("GET", "Groups(1)")
    api.call("GET", "Trunks", params={"$orderby": "Number desc"})
    api.call("GET", "Trunks(100)", params={"$expand": "Groups"})
    api.call("GET", "Trunks(Number='10001')")
    api.control("POST", "faults", json={"status": 503, "retry_after": 1, "path": "Trunks"})
    api.call("GET", "Trunks")
    api.control("POST", "faults", json={"drop": True, "phase": "after", "method": "DELETE"})
    with pytest.raises(requests.ConnectionError):
        api.call("DELETE", "CallFlowApps(%d)" % app_id)
    api.control("POST", "seed", json={"callflow_apps": [{"Name": "Again", "Number": "8003"}]})
    again = api.call("GET", "CallFlowApps", params={"$filter": "Number eq '8003'", "$select": "Id"}).json()["value"][0]
    api.call("DELETE", "CallFlowApps(%d)" % again["Id"], headers={"If-Match": "*"})
    api.call("GET", "CallFlowApps", headers={"Authorization": "Bearer revoked"})
    api.call("GET", "$metadata")
    api.control("POST", "faults", json={"status": 307, "location": "https://pbx.example.com:5001/xapi/v1/Groups",
                                        "path": "Groups"})
    api.call("GET", "Groups", allow_redirects=False)


def test_scenario_traffic_follows_the_contract(recording, checker):
    api, records = recording
    drive_scenario(api)
    recorded = records()
    report = checker.check_records(recorded, "scenario")
    assert report.violations == [], report.details()
    assert report.checked == len([r for r in recorded if r["path"].startswith("/xapi/v1/")]) - 1 >= 25
    assert report.not_in_spec == 2  # the token request and $metadata; /_sim calls are not recorded
    assert report.no_response == 1  # the dropped DELETE: its request was still checked
    assert report.redirects == 1  # the injected 307: an HTML page that is not XAPI's, its request still checked


def _operation(record):
    path = record["path"][len("/xapi/v1"):]
    for template in OPERATIONS:
        head, _brace, tail = template.partition("{")
        tail = tail.partition("}")[2]
        if template == path or ("{" in template and path.startswith(head) and path.endswith(tail)
                                and "/" not in path[len(head):len(path) - len(tail)]):
            if template == "/Trunks({Id})" and "Number=" in path:
                continue
            return template, record["method"].lower()
    return None


def test_scenario_exercises_every_operation_of_the_extract(recording):
    api, records = recording
    drive_scenario(api)
    seen = {_operation(r) for r in records() if r["path"].startswith("/xapi/v1")}
    wanted = {(path, method) for path, methods in OPERATIONS.items() for method in methods}
    assert wanted <= seen, wanted - seen


# -- the check bites --------------------------------------------------------------------

def _only_violation(checker, record, side):
    found = checker.check_record(record)
    assert [s for s, _reason in found] == [side], found
    return found[0][1]


@pytest.mark.parametrize("body, fragment", [
    ({"Name": "A", "Number": "8000", "Colour": "blue"}, "Colour"),
    ({"Name": "A", "Number": "8000", "RoutingType": "Bogus"}, "Bogus"),
    ({"Name": 5, "Number": "8000"}, "Name"),
    ({"Name": "A", "Number": "8000", "Groups": [{"GroupId": "two"}]}, "GroupId"),
])
def test_bad_request_bodies_are_violations(recording, checker, body, fragment):
    api, records = recording
    answer = api.call("POST", "CallFlowApps", json=body)
    assert answer.status_code == 400  # the simulator refuses them as the PBX does...
    record = records()[-1]
    reason = _only_violation(checker, record, "request")  # ...and the contract test flags them
    assert fragment in reason


def _answer_record(recording, path, params=None):
    api, records = recording
    assert api.call("POST", "CallFlowApps", json={"Name": "A", "Number": "8000"}).status_code == 201
    api.call("GET", path, params=params)
    record = records()[-1]
    assert record["status"] == 200
    return record


def test_answer_with_a_bad_enum_is_a_violation(recording, checker):
    record = _answer_record(recording, "CallFlowApps")
    broken = copy.deepcopy(record)
    broken["response_body"]["value"][0]["RoutingType"] = "Bogus"
    assert checker.check_record(record) == []
    assert "Bogus" in _only_violation(checker, broken, "response")


def test_answer_with_an_unknown_property_is_a_violation(recording, checker):
    record = _answer_record(recording, "Trunks(100)")
    broken = copy.deepcopy(record)
    broken["response_body"]["Gateway"]["Colour"] = "blue"
    assert "Colour" in _only_violation(checker, broken, "response")


def test_answer_with_a_wrong_type_is_a_violation(recording, checker):
    record = _answer_record(recording, "CallFlowApps", {"$expand": "Groups($expand=Rights)"})
    broken = copy.deepcopy(record)
    broken["response_body"]["value"][0]["Groups"][0]["Rights"]["CanBargeIn"] = "yes"
    assert "CanBargeIn" in _only_violation(checker, broken, "response")


def test_a_path_outside_the_extract_is_a_violation_not_a_skip(recording, checker):
    api, records = recording
    api.call("GET", "Users")
    report = checker.check_records(records()[-1:], "one")
    assert report.checked == 1
    assert [v[1] for v in report.violations] == ["request", "response"]
    assert all("Path not found" in v[2] for v in report.violations)


def test_only_an_injected_redirect_is_spared_the_answer_check(recording, checker):
    api, records = recording
    api.control("POST", "faults", json={"status": 302, "location": "https://pbx.example.com/xapi/v1/Groups"})
    api.call("GET", "Groups", allow_redirects=False)
    record = records()[-1]
    assert (record["status"], record["fault"], checker.check_record(record)) == (302, True, [])
    record["fault"] = False  # the same answer from the simulated XAPI itself would break the contract
    assert [side for side, _reason in checker.check_record(record)] == ["response"]


def test_token_control_and_metadata_paths_are_counted_apart(checker):
    records = [{"method": "POST", "path": "/connect/token", "status": 200},
               {"method": "GET", "path": "/_sim/health", "status": 200},
               {"method": "GET", "path": "/xapi/v1/$metadata", "status": 200}]
    report = checker.check_records(records, "synthetic")
    assert (report.checked, report.not_in_spec, report.violations) == (0, 3, [])


# -- recorded integration traffic -------------------------------------------------------

def test_record_files_named_by_the_environment_follow_the_contract(recording, checker, tmp_path, capsys):
    paths = record_files_from_env(os.environ.get(ENV_VAR))
    if not paths:
        # Nothing recorded elsewhere: run the same file-based path on this module's own
        # scenario so that the machinery is exercised, and say so.
        api, records = recording
        drive_scenario(api)
        own = tmp_path / "own.jsonl"
        own.write_text("".join(json.dumps(r) + "\n" for r in records()), encoding="utf-8")
        paths = [str(own)]
        with capsys.disabled():
            print("\n%s is not set: checked this test's own recording instead" % ENV_VAR)
    report = Report()
    for path in paths:
        checker.check_file(path, report)  # a missing or empty file raises: the test fails
    with capsys.disabled():
        print("\ncontract: " + report.summary())
    assert report.checked > 0
    assert report.violations == [], report.details()


def test_missing_or_empty_record_files_fail(tmp_path, checker):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    for path in (str(tmp_path / "absent.jsonl"), str(empty)):
        with pytest.raises(ValueError):
            checker.check_file(path)


def test_env_value_is_split_on_blanks_and_colons():
    assert record_files_from_env(" a.jsonl:b.jsonl  c.jsonl\n") == ["a.jsonl", "b.jsonl", "c.jsonl"]
    assert record_files_from_env(None) == []
