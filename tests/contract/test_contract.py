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
import re
import sys

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "simulator"))

from xapisim.config import Config  # noqa: E402  pylint: disable=wrong-import-position
from xapisim.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position

from make_spec_extract import OPERATIONS  # noqa: E402  pylint: disable=wrong-import-position
from samples import (CREATABLE, SINGLETON_NAMES, absent_key, key_path,  # noqa: E402  pylint: disable=wrong-import-position
                     new_body, patch_property)
from xapisim.registry import SETS, SINGLETONS  # noqa: E402  pylint: disable=wrong-import-position
from xapisim.server import IMPLEMENTED  # noqa: E402  pylint: disable=wrong-import-position
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

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

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
    # nested lists may repeat between items: OData items are separated at the top level only
    api.call("GET", "Users", params={"$expand": "Groups($expand=GroupRights,Rights),Phones($expand=Settings,Rights)",
                                     "$select": "Id,Number"})
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
    drive_every_set(api)
    drive_every_singleton(api)
    drive_bound_operations(api)
    drive_refusals(api)


def _list_params(etype, key):
    """Every collection query option, on a primitive property of the type."""
    first = next(n for n in etype.structural if not etype.props[n].many and etype.props[n].kind not in ("object", "any"))
    return {"$top": "2", "$skip": "0", "$count": "true", "$orderby": "%s desc" % (key or first),
            "$filter": "%s ne null or %s eq null" % (first, first), "$select": ",".join(dict.fromkeys(filter(None, (key, first)))),
            "$expand": "*", "$search": "a"}


def drive_every_set(api):
    """List, create, read (also by alternate key), update and delete on every entity set, as the verbs allow."""
    for name, info in sorted(SETS.items()):
        rules_key, verbs = info.get("key"), info["verbs"]
        etype_name = info["schema"]
        if "list" in verbs:
            from xapisim.model import TYPES  # pylint: disable=import-outside-toplevel
            assert api.call("GET", name, params=_list_params(TYPES[etype_name], rules_key)).status_code == 200, name
        key = None
        if name in CREATABLE:
            created = api.call("POST", name, json=new_body(api, name))
            assert created.status_code == 201, (name, created.text)
            key = created.json()[rules_key]
        elif rules_key and "list" in verbs:
            rows = api.call("GET", name, params={"$select": rules_key}).json()["value"]
            key = rows[0][rules_key] if rows else None
        if key is None and rules_key:
            key = absent_key(name)  # a 404 is an answer of the document too
        for alt in info.get("alt_keys", ()):
            rows = api.call("GET", name, params={"$select": alt, "$top": "1"}).json()["value"]
            api.call("GET", "%s(%s='%s')" % (name, alt, rows[0][alt] if rows else "none"), params={"$expand": "*"})
        if not rules_key:
            continue
        path = key_path(name, key)
        if "read" in verbs:
            api.call("GET", path, params={"$expand": "*"})
        if "update" in verbs:
            current = api.call("GET", path).json() if "read" in verbs else {}
            prop, value = patch_property(name, current)
            api.call("PATCH", path, json={prop: value})
        if "delete" in verbs:
            api.call("DELETE", path)


def drive_every_singleton(api):
    for name in SINGLETON_NAMES:
        current = api.call("GET", name, params={"$expand": "*"}).json()
        api.call("GET", name, params={"$select": next(iter(k for k in current if not k.startswith("@")))})
        if "update" in SINGLETONS[name]["verbs"]:
            prop, value = patch_property(name, current)
            assert api.call("PATCH", name, json={prop: value}).status_code == 204, name


def drive_bound_operations(api):
    for set_name, op_name in sorted(IMPLEMENTED):
        if SETS[set_name]["operations"][op_name].get("params") or SETS[set_name]["operations"][op_name]["on"] != "collection":
            continue
        if op_name != "Pbx.InitTrunk":
            api.call("GET", "%s/%s()" % (set_name, op_name))
    api.call("GET", "Trunks/Pbx.InitTrunk(template='nope.xml')")
    api.call("GET", "Parameters/Pbx.GetParameterByName(name='MS_LOCAL_CODEC_LIST')")
    api.call("GET", "OutboundRules/Pbx.GetEmergencyOutboundRules()", params={"$count": "true", "$top": "5"})


def drive_refusals(api):
    """Answers the collection must survive: references that do not exist, required properties, guards."""
    api.call("POST", "Users", json={"FirstName": "Vic", "VMEnabled": True})
    api.call("PATCH", "Users(102)", json={"PrimaryGroupId": 3})
    api.call("POST", "Queues", json={"Agents": [{"Number": "10000"}]})
    api.call("POST", "RingGroups", json={"ForwardNoAnswer": {"To": "Queue", "Number": "555"}})
    api.call("POST", "Receptionists", json={"Forwards": [{"Input": "1", "ForwardType": "Queue", "ForwardDN": "100"}]})
    api.call("POST", "InboundRules", json={"TrunkDN": {"Number": "99999"}})
    api.call("POST", "OutboundRules", json={"Name": "Bad", "GroupIds": [99], "Routes": [{"TrunkId": 555}]})
    api.call("POST", "Groups", json={"Name": " "})
    api.call("DELETE", "Groups(1)")
    api.call("POST", "Holidays", json={"Name": "Incomplete"})
    api.call("POST", "Parameters", json={"Name": "MS_LOCAL_CODEC_LIST", "Value": "x"})
    api.call("PATCH", "OfficeHours", json={"OfficeHolidays": [{"Id": 4242}]})


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


def _template_pattern(template):
    parts = re.split(r"(\{\w+\})", template)
    return re.compile("^" + "".join("[^/]*" if p.startswith("{") else re.escape(p) for p in parts) + "$")


_PATTERNS = [(template, _template_pattern(template)) for template in OPERATIONS]


def _operation(record):
    """The extract's (template, method) of a record; alternate keys are tried before keys."""
    path = record["path"][len("/xapi/v1"):]
    for template, pattern in _PATTERNS:
        if pattern.match(path):
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


@pytest.mark.parametrize("path, params, breaks, fragment", [
    ("Users", {"$top": "1"}, lambda body: body["value"][0].update(SRTPMode="Sometimes"), "Sometimes"),
    ("OfficeHours", None, lambda body: body.update(Colour="blue"), "Colour"),
    ("Queues(Number='800')", None, lambda body: body.update(RingTimeout="20"), "RingTimeout"),
    ("Peers", None, lambda body: body["value"][0].update(Type="Robot"), "Robot"),
])
def test_answers_of_the_new_sets_are_held_to_the_document(recording, checker, path, params, breaks, fragment):
    api, records = recording
    assert api.call("POST", "Queues", json={"Name": "Help"}).status_code == 201
    assert api.call("GET", path, params=params).status_code == 200
    record = records()[-1]
    assert checker.check_record(record) == []
    broken = copy.deepcopy(record)
    breaks(broken["response_body"])
    assert fragment in _only_violation(checker, broken, "response")


@pytest.mark.parametrize("path, body, fragment", [("Users", {"FirstName": "A", "Colour": "blue"}, "Colour"),
                                                  ("Groups", {"Name": "A", "CallUsRequirement": "Nobody"}, "Nobody"),
                                                  ("Holidays", {"Name": "A", "Day": "24"}, "Day")])
def test_bad_request_bodies_of_the_new_sets_are_violations(recording, checker, path, body, fragment):
    api, records = recording
    assert api.call("POST", path, json=body).status_code == 400
    assert fragment in _only_violation(checker, records()[-1], "request")


def test_a_path_outside_the_extract_is_a_violation_not_a_skip(recording, checker):
    api, records = recording
    assert api.call("GET", "Users/Pbx.ExportExtensions()").status_code == 501  # documented, not simulated
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
