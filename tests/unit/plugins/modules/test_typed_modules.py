# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The typed modules (holiday, department, user, ...) run end to end over a fake PBX."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import json

import pytest

from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import typed_pbx as fake_pbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import odata_error


def module_main(name):
    return importlib.import_module("ansible_collections.threecx.xapi.plugins.modules." + name).main


def run(module_name, pbx, check_mode=False, diff=False, **args):
    return run_module(module_main(module_name), pbx, args, check_mode=check_mode, diff=diff)


def writes(pbx):
    return [(c.method, c.path.replace("/xapi/v1", ""), c.json) for c in pbx.writes()]


# module, its options, the write it sends to the PBX above
CREATES = [
    ("holiday", dict(name="Easter", day=5, month=4), ("POST", "/Holidays", dict(
        Name="Easter", Day=5, Month=4, DayEnd=5, MonthEnd=4, Year=0, YearEnd=0, TimeOfStartDate="PT0S",
        TimeOfEndDate="PT23H59M59S"))),
    ("department", dict(name="Support", office_holidays=["New Year"]),
     ("POST", "/Groups", dict(Name="Support", OfficeHolidays=[{"Id": 5}]))),
    ("user", dict(number="102", first_name="Bo"), ("POST", "/Users", dict(Number="102", FirstName="Bo"))),
    ("queue", dict(number="800", name="Q", agents=["101"]),
     ("POST", "/Queues", dict(Number="800", Name="Q", Agents=[{"Number": "101"}]))),
    ("ring_group", dict(number="700", name="R", members=["101"]),
     ("POST", "/RingGroups", dict(Number="700", Name="R", Members=[{"Number": "101"}]))),
    ("receptionist", dict(number="600", name="IVR", menu_timeout=9),
     ("POST", "/Receptionists", dict(Number="600", Name="IVR", Timeout=9))),
    ("inbound_rule", dict(rule_name="Main", trunk="Provider A"),
     ("POST", "/InboundRules", dict(RuleName="Main", TrunkDN={"Id": 100}))),
    ("outbound_rule", dict(name="Out", departments=["Sales"]), ("POST", "/OutboundRules", dict(Name="Out", GroupIds=[2]))),
    ("parameter", dict(name="CUSTOM", value="1"), ("POST", "/Parameters", dict(Name="CUSTOM", Value="1"))),
    ("office_hours", dict(office_holidays=["New Year"]), ("PATCH", "/OfficeHours", dict(OfficeHolidays=[{"Id": 5}]))),
]


@pytest.mark.parametrize("module, options, write", CREATES, ids=[c[0] for c in CREATES])
def test_each_typed_module_writes_its_own_set_once_and_then_changes_nothing(module, options, write):
    pbx = fake_pbx()
    first = run(module, pbx, **options)
    assert first.rc == 0, first.stdout
    assert first["changed"] is True and writes(pbx) == [write]
    assert first[module]  # the entity, under the module's name
    second = run(module, pbx, **options)
    assert second.rc == 0, second.stdout
    assert (second["changed"], second["operation"]) == (False, "unchanged")
    assert len(writes(pbx)) == 1


def test_a_trunk_is_found_by_its_gateway_name():
    pbx = fake_pbx()
    result = run("trunk", pbx, name="Provider A", number="10000")
    assert result.rc == 0, result.stdout
    assert (result["changed"], result["trunk"]["Id"]) == (False, 100) and writes(pbx) == []


def test_check_mode_sends_no_write_and_returns_the_predicted_entity():
    pbx = fake_pbx()
    result = run("department", pbx, check_mode=True, name="Support")
    assert (result.rc, result["changed"], result["operation"]) == (0, True, "created")
    assert result["department"]["Name"] == "Support"
    assert writes(pbx) == []


def test_the_diff_is_headed_by_the_module_and_the_identity():
    pbx = fake_pbx()
    result = run("department", pbx, diff=True, name="Sales", office_holidays=["New Year"])
    assert result["diff"]["before_header"].startswith("department Sales")
    assert result["diff"]["after"]["OfficeHolidays"] == [{"Id": 5}]


def test_the_diff_of_a_singleton_is_headed_by_the_module():
    pbx = fake_pbx()
    result = run("office_hours", pbx, diff=True, office_holidays=["New Year"])
    assert result["diff"]["before_header"].startswith("office_hours")
    assert "diff" not in run("office_hours", pbx, office_holidays=["New Year"]).json


def test_state_absent_deletes_the_entity_found_by_its_identity():
    pbx = fake_pbx()
    result = run("department", pbx, name="Sales", state="absent")
    assert (result.rc, result["changed"], result["operation"]) == (0, True, "deleted")
    assert writes(pbx) == [("DELETE", "/Groups(2)", None)]


def test_a_bad_option_is_refused_before_any_request():
    pbx = fake_pbx()
    result = run("user", pbx, number="102", departments=[])
    assert result.failed and "departments" in result["msg"] and "at least one department" in result["msg"]
    assert pbx.api_calls() == []


def test_a_department_that_does_not_exist_is_refused_naming_the_option():
    pbx = fake_pbx()
    result = run("user", pbx, number="102", departments=["Salse"])
    assert result.failed and "no department named 'Salse' (have: Sales)" in result["msg"]
    assert writes(pbx) == []


def test_an_unquoted_number_reaches_the_schema_and_warns():
    pbx = fake_pbx()
    result = run("user", pbx, number=102, first_name="Bo")
    assert result.rc == 0, result.stdout
    assert len(result["warnings"]) == 1 and "number: 102 was given as a number" in json.dumps(result["warnings"])
    assert writes(pbx)[0][2]["Number"] == "102"


def test_suboptions_not_given_are_left_out_of_the_body():
    pbx = fake_pbx()
    run("user", pbx, number="102", first_name="Bo",
        forwarding_profiles=[{"name": "Available", "custom_message": "hello"}])
    body = writes(pbx)[-1][2]
    profile = body["ForwardingProfiles"][0]
    assert profile == {"Name": "Available", "CustomMessage": "hello"}


def test_a_concealed_secret_is_sent_on_create_only_unless_update_secrets_is_always():
    pbx = fake_pbx(Users=[dict(Id=10, Number="101", FirstName="Ada", VMPIN="****")])
    kept = run("user", pbx, number="101", vm_pin="4711")
    assert (kept.rc, kept["changed"]) == (0, False) and writes(pbx) == []
    sent = run("user", pbx, number="101", vm_pin="4711", update_secrets="always")
    assert (sent.rc, sent["changed"]) == (0, True)
    assert writes(pbx) == [("PATCH", "/Users(10)", {"VMPIN": "4711"})]
    assert "4711" not in sent.stdout


def test_a_secret_the_server_echoes_in_an_error_is_hidden():
    pbx = fake_pbx()
    pbx.fail(odata_error(400, "VMPIN:\nthe pin 97531 is too simple"), method="POST", path="/Users")
    result = run("user", pbx, number="102", vm_pin="97531")
    assert result.failed and "too simple" in result["msg"]
    assert "97531" not in result.stdout


def test_an_update_gets_no_create_defaults():
    pbx = fake_pbx()
    result = run("holiday", pbx, name="New Year", day=2)
    assert writes(pbx) == [("PATCH", "/Holidays(5)", {"Day": 2})] and result["changed"] is True


def test_a_hunting_queue_compares_its_agents_in_order():
    pbx = fake_pbx(Queues=[dict(Id=1, Number="800", PollingStrategy="Hunt", Agents=[{"Number": "101"}, {"Number": "102"}])])
    pbx.put("Peers", dict(Id=11, Number="102", Type="Extension"))
    result = run("queue", pbx, diff=True, number="800", agents=["102", "101"])
    assert result["changed"] is True
    assert writes(pbx) == [("PATCH", "/Queues(1)", {"Agents": [{"Number": "102"}, {"Number": "101"}]})]
    # the diff shows each order as it is (sorted, the two would look the same)
    assert result["diff"]["before"]["Agents"] == [{"Number": "101"}, {"Number": "102"}]
    assert result["diff"]["after"]["Agents"] == [{"Number": "102"}, {"Number": "101"}]


# -- a trunk, created from the template the PBX builds -------------------------------------------

NEW_TRUNK = dict(name="Provider B", template="generic.pv.xml", gateway={"host": "sip.example"})
INIT_TRUNK = ("GET", "/Trunks/Pbx.InitTrunk(template='generic.pv.xml')")


def test_a_new_trunk_starts_from_its_template_and_a_second_run_changes_nothing():
    pbx = fake_pbx()
    first = run("trunk", pbx, auth_password={"value": "s3cret"}, **NEW_TRUNK)
    assert (first.rc, first["changed"], first["operation"]) == (0, True, "created"), first.stdout
    assert [(c.method, c.path.replace("/xapi/v1", "")) for c in pbx.api_calls()][-3:] == [
        INIT_TRUNK, ("POST", "/Trunks"), ("GET", "/Trunks(101)")]
    # the template's body, with the name and the options of the task in place of the template's
    assert writes(pbx) == [("POST", "/Trunks", {
        "Number": "10001", "Direction": "Both", "AuthPassword": {"Value": "s3cret"},
        "Gateway": {"Name": "Provider B", "TemplateFilename": "generic.pv.xml", "Host": "sip.example", "Port": 5060}})]
    assert first["trunk"]["Id"] == 101 and first["trunk"]["Gateway"]["Name"] == "Provider B"
    assert "s3cret" not in first.stdout
    second = run("trunk", pbx, **NEW_TRUNK)
    assert (second.rc, second["changed"], second["operation"]) == (0, False, "unchanged"), second.stdout
    assert second["trunk"]["Id"] == 101 and len(writes(pbx)) == 1
    assert len([c for c in pbx.api_calls() if "InitTrunk" in c.path]) == 1  # the second run did not ask again


def test_a_new_trunk_in_check_mode_reads_its_template_and_writes_nothing():
    pbx = fake_pbx()
    result = run("trunk", pbx, check_mode=True, diff=True, **NEW_TRUNK)
    assert (result.rc, result["changed"], result["operation"]) == (0, True, "created"), result.stdout
    assert INIT_TRUNK in [(c.method, c.path.replace("/xapi/v1", "")) for c in pbx.api_calls()]
    assert writes(pbx) == []
    assert result["trunk"]["Gateway"] == {"Name": "Provider B", "Host": "sip.example"}
    assert result["diff"]["before_header"] == "trunk Provider B"
    assert result["diff"]["after"]["Gateway"] == {"Name": "Provider B", "Host": "sip.example"}


def test_an_unknown_template_is_refused_in_check_mode_too_and_nothing_is_written():
    for check_mode in (True, False):
        pbx = fake_pbx()
        result = run("trunk", pbx, check_mode=check_mode, name="Provider B", template="nope.xml")
        assert result.failed and "Pbx.InitTrunk(template='nope.xml')" in result["msg"]
        assert "template: WARNINGS.XAPI.NOT_FOUND" in result["msg"]
        assert writes(pbx) == []


def test_a_new_trunk_without_a_template_is_refused_before_any_write():
    pbx = fake_pbx()
    result = run("trunk", pbx, name="Provider B", gateway={"host": "sip.example"})
    assert result.failed and result["msg"].startswith("template: the trunk 'Provider B' does not exist yet")
    assert [c.path for c in pbx.api_calls() if "InitTrunk" in c.path] == [] and writes(pbx) == []


def test_the_template_of_an_existing_trunk_is_not_asked_for():
    pbx = fake_pbx()
    result = run("trunk", pbx, name="Provider A", template="nope.xml", gateway={"host": "sip.example"})
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    assert writes(pbx) == [("PATCH", "/Trunks(100)", {"Gateway": {"Name": "Provider A", "Host": "sip.example"}})]
