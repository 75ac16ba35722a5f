# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole PBX as code: pbx_export and pbx over a fake PBX."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import threading
import time

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import kinds, pbx as pbx_utils, reconcile, schema
from ansible_collections.threecx.xapi.plugins.modules import pbx as pbx_module, pbx_export
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import TRUNK_TEMPLATE, typed_pbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import FakeResponse, make_client, odata_error

# A department whose operator is a queue, which forwards to a ring group: three kinds, each created once.
CONFIG = {"departments": [{"name": "Support", "custom_operator": "800"}],
          "queues": [{"number": "800", "name": "Q", "forward_no_answer": "700"}],
          "ring_groups": [{"number": "700", "name": "R", "members": ["101"]}]}
ZERO = dict(created=0, updated=0, deleted=0, unchanged=0)


def apply(fake, check_mode=False, diff=False, **args):
    """The pbx module; its per-kind results as the task sees them (the pbx action moves them to results)."""
    result = run_module(pbx_module.main, fake, args, check_mode=check_mode, diff=diff)
    result.json["results"] = result.json.pop(pbx_module.RESULTS_KEY, None)
    return result


def writes(fake):
    return [(c.method, c.path.replace("/xapi/v1", ""), c.json) for c in fake.writes()]


def counts(**given):
    return dict(ZERO, **given)


# -- export --------------------------------------------------------------------------------------

def test_export_gives_every_kind_as_options_with_references_by_name():
    fake = typed_pbx(Users=[dict(Id=10, Number="101", FirstName="Ada", Groups=[{"GroupId": 2, "Rights": {"RoleName": "users"}}])],
                     Queues=[dict(Id=1, Number="900", Name="B"), dict(Id=2, Number="800", Name="A")])
    result = run_module(pbx_export.main, fake, {})
    assert (result.rc, result["changed"]) == (0, False), result.stdout
    config = result["config"]
    assert sorted(config) == sorted(pbx_utils.kind_names())
    assert config["users"] == [{"number": "101", "first_name": "Ada", "departments": [{"name": "Sales", "role": "users"}]}]
    assert [q["number"] for q in config["queues"]] == ["800", "900"]  # sorted by identity
    assert config["office_hours"] == {"time_zone_id": "51"}
    assert writes(fake) == []


def test_export_reads_only_the_kinds_asked_for():
    fake = typed_pbx()
    result = run_module(pbx_export.main, fake, {"kinds": ["holidays", "office_hours"]})
    assert result["config"] == {"holidays": [{"name": "New Year", "day": 1, "month": 1}], "office_hours": {"time_zone_id": "51"}}
    assert sorted(set(c.path for c in fake.api_calls())) == ["/xapi/v1/Holidays", "/xapi/v1/OfficeHours"]


def test_an_export_applied_to_the_same_pbx_changes_nothing():
    fake = typed_pbx(Queues=[dict(Id=1, Number="800", Name="Q", Agents=[{"Number": "101"}])])
    config = run_module(pbx_export.main, fake, {})["config"]
    result = apply(fake, config=config)
    assert (result.rc, result["changed"]) == (0, False), result.stdout
    assert writes(fake) == []
    assert result["summary"]["queues"] == counts(unchanged=1)


# -- apply -----------------------------------------------------------------------------------------

def test_apply_creates_kind_by_kind_and_a_second_run_changes_nothing():
    fake = typed_pbx()
    result = apply(fake, config=CONFIG)
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    # created bare first, kind by kind; then the references to DNs that did not exist yet are set, side by side
    sent = [(method, path) for method, path, _body in writes(fake)]
    assert sent[:3] == [("POST", "/Groups"), ("POST", "/Queues"), ("POST", "/RingGroups")]
    assert sorted(sent[3:]) == [("PATCH", "/Groups(3)"), ("PATCH", "/Queues(1)")]
    assert result["summary"] == {"departments": counts(created=1), "queues": counts(created=1),
                                 "ring_groups": counts(created=1)}
    entry = result["results"]["queues"][0]
    assert (entry["operation"], entry["number"], entry["queue"]["Id"]) == ("created", "800", 1)
    assert entry["queue"]["ForwardNoAnswer"] == {"Number": "700", "To": "RingGroup"}
    again = apply(fake, config=CONFIG)
    assert (again.rc, again["changed"]) == (0, False) and len(writes(fake)) == 5
    assert again["results"]["departments"][0]["department"]["Id"] == 3


def test_check_mode_predicts_every_item_and_writes_nothing():
    fake = typed_pbx()
    result = apply(fake, check_mode=True, diff=True, config=CONFIG)
    assert (result.rc, result["changed"]) == (0, True) and writes(fake) == []
    assert result["summary"]["ring_groups"] == counts(created=1)
    assert result["results"]["ring_groups"][0]["ring_group"]["Members"] == [{"Number": "101"}]
    assert [d["after_header"] for d in result["diff"]] == ["departments Support", "queues 800", "ring_groups 700"]


def test_an_update_reports_the_entity_read_back_and_its_diff():
    fake = typed_pbx()
    config = {"departments": [{"name": "Sales", "office_holidays": ["New Year"]}, {"name": "Support"}]}
    result = apply(fake, diff=True, config=config)
    sent = writes(fake)  # the items of one kind are written side by side, in any order
    assert sorted(sent, key=repr) == [("PATCH", "/Groups(2)", {"OfficeHolidays": [{"Id": 5}]}), ("POST", "/Groups", {"Name": "Support"})]
    assert result["summary"]["departments"] == counts(updated=1, created=1)
    sales = result["results"]["departments"][0]
    assert (sales["operation"], sales["department"]) == ("updated", {"Id": 2, "Name": "Sales", "OfficeHolidays": [{"Id": 5}]})
    assert [d["after_header"] for d in result["diff"]] == ["departments Sales", "departments Support"]


def test_the_diff_leaves_out_what_did_not_change():
    fake = typed_pbx()
    result = apply(fake, diff=True, config={"departments": [{"name": "Sales"}, {"name": "Support"}]})
    assert [d["after_header"] for d in result["diff"]] == ["departments Support"]
    assert result["results"]["departments"][0] == {"operation": "unchanged", "name": "Sales",
                                                   "department": {"Id": 2, "Name": "Sales"}}


def test_the_singleton_is_reported_without_an_identity():
    fake = typed_pbx()
    result = apply(fake, diff=True, config={"office_hours": {"office_holidays": ["New Year"]}})
    assert writes(fake) == [("PATCH", "/OfficeHours", {"OfficeHolidays": [{"Id": 5}]})]
    assert result["results"]["office_hours"] == [{"operation": "updated", "office_hours": {
        "OfficeHolidays": [{"Id": 5}], "TimeZoneId": "51"}}]
    assert result["diff"][0]["after_header"] == "office_hours"


def test_references_to_items_the_same_config_creates_resolve_to_their_new_ids():
    fake = typed_pbx()
    result = apply(fake, config={"departments": [{"name": "Support"}],
                                 "users": [{"number": "102", "departments": ["Support"], "primary_department": "Support"}],
                                 "holidays": [{"name": "Easter", "day": 5, "month": 4}],
                                 "office_hours": {"office_holidays": ["New Year", "Easter"]}})
    assert result.rc == 0, result.stdout
    sent = writes(fake)
    assert ("PATCH", "/Users(11)", {"Groups": [{"GroupId": 3, "Rights": {"RoleName": "users"}}], "PrimaryGroupId": 3}) in sent
    assert sent[-1] == ("PATCH", "/OfficeHours", {"OfficeHolidays": [{"Id": 5}, {"Id": 6}]})


def test_check_mode_names_an_entity_still_to_be_created_by_a_placeholder():
    fake = typed_pbx()
    result = apply(fake, check_mode=True, config={"departments": [{"name": "Support"}],
                                                  "users": [{"number": "102", "departments": ["Support"]}]})
    assert result["results"]["users"][0]["user"]["Groups"] == [{"GroupId": "<new department 'Support'>",
                                                                "Rights": {"RoleName": "users"}}]


def test_a_reference_nothing_provides_fails_before_any_write():
    fake = typed_pbx()
    result = apply(fake, config={"users": [{"number": "102", "departments": ["Support"]}]})
    assert result.failed and "users[0].departments[0].name: no department named 'Support'" in result["msg"]
    assert writes(fake) == []


def test_purge_deletes_what_the_config_does_not_list_last_and_in_reverse_order():
    fake = typed_pbx(Groups=[dict(Id=2, Name="Sales"), dict(Id=3, Name="Old")],
                     Queues=[dict(Id=1, Number="800", Name="Q"), dict(Id=2, Number="801", Name="Gone")])
    result = apply(fake, diff=True, config={"departments": [{"name": "Sales"}], "queues": [{"number": "800", "name": "Q2"}]},
                   purge=["departments", "queues"])
    assert result.rc == 0, result.stdout
    assert writes(fake) == [("PATCH", "/Queues(1)", {"Name": "Q2"}), ("DELETE", "/Queues(2)", None),
                            ("DELETE", "/Groups(3)", None)]
    assert result["summary"] == {"departments": counts(unchanged=1, deleted=1), "queues": counts(updated=1, deleted=1)}
    assert {"operation": "deleted", "number": "801", "queue": {}} in result["results"]["queues"]
    assert len(result["diff"]) == 3


def test_purge_in_check_mode_predicts_the_deletes():
    fake = typed_pbx(Groups=[dict(Id=2, Name="Sales"), dict(Id=3, Name="Old")])
    result = apply(fake, check_mode=True, config={"departments": [{"name": "Sales"}]}, purge=["departments"])
    assert (result["changed"], result["summary"]["departments"]) == (True, counts(unchanged=1, deleted=1))
    assert writes(fake) == []


def test_a_failed_write_stops_the_run_and_reports_what_was_written():
    fake = typed_pbx()
    fake.fail(odata_error(400, "Number:\nWARNINGS.XAPI.ALREADY_IN_USE",
                          [{"message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Number"}]), method="POST", path="/Queues")
    result = apply(fake, config=CONFIG)
    assert result.failed and result["changed"] is True
    assert result["msg"].startswith("queues[0]: POST /xapi/v1/Queues failed with HTTP 400")
    assert result["error"]["reasons"] == ["Number: WARNINGS.XAPI.ALREADY_IN_USE"]
    assert result["summary"] == {"departments": counts(created=1), "queues": ZERO, "ring_groups": ZERO}
    assert result["results"]["queues"] == [] and result["results"]["departments"][0]["operation"] == "created"
    assert [path for _method, path, _body in writes(fake)] == ["/Groups", "/Queues"]


def test_a_failed_first_write_reports_no_change():
    fake = typed_pbx()
    fake.fail(odata_error(500, "boom"), method="POST", path="/Groups")
    result = apply(fake, config=CONFIG)
    assert result.failed and result["changed"] is False
    assert result["summary"]["departments"] == ZERO


def test_secrets_given_in_the_config_are_hidden_in_the_output():
    fake = typed_pbx()
    result = apply(fake, diff=True, config={"users": [{"number": "102", "vm_pin": "97531"}]})
    assert result.rc == 0, result.stdout
    assert any(body.get("VMPIN") == "97531" for _method, _path, body in writes(fake)), writes(fake)
    assert "97531" not in result.stdout


def test_update_secrets_always_sends_a_concealed_secret_again():
    fake = typed_pbx(Users=[dict(Id=10, Number="101", VMPIN="****")])
    assert apply(fake, config={"users": [{"number": "101", "vm_pin": "97531"}]})["changed"] is False
    result = apply(fake, config={"users": [{"number": "101", "vm_pin": "97531"}]}, update_secrets="always")
    assert result["changed"] is True and writes(fake) == [("PATCH", "/Users(10)", {"VMPIN": "97531"})]


def test_unquoted_numbers_in_the_config_warn():
    fake = typed_pbx()
    result = apply(fake, config={"users": [{"number": "102", "first_name": 42}]})
    assert result.rc == 0, result.stdout
    assert "users[0].first_name: 42 was given as a number" in json.dumps(result["warnings"])


def test_a_purge_of_the_singleton_is_not_offered():
    result = apply(typed_pbx(), config={"office_hours": {}}, purge=["office_hours"])
    assert result.failed and "purge" in result["msg"] and "office_hours" in result["msg"]


# -- references to kinds applied later -------------------------------------------------------------

def run_holidays_after_departments(monkeypatch, fake, department):
    """Apply a department naming a holiday the same config creates, with holidays applied after departments."""
    reordered = [kinds.kind("departments"), kinds.kind("holidays")]
    monkeypatch.setattr(pbx_utils.kinds_module, "all_kinds", lambda: reordered)
    run = pbx_utils.Run(make_client(fake), {"departments": [dict(department, office_holidays=["Easter"])],
                                            "holidays": [{"name": "Easter", "day": 5, "month": 4}]})
    run.plan()
    assert run.write() is None
    return run


def test_a_reference_to_an_entity_created_later_is_set_once_it_exists(monkeypatch):
    """No kind of kinds.py refers by id to a kind applied after it; the write order still copes if one does."""
    fake = typed_pbx()
    run = run_holidays_after_departments(monkeypatch, fake, {"name": "Support"})
    sent = writes(fake)
    assert sent[0] == ("POST", "/Groups", {"Name": "Support"})
    assert sent[1][:2] == ("POST", "/Holidays")
    assert sent[2] == ("PATCH", "/Groups(3)", {"OfficeHolidays": [{"Id": 6}]})
    run.reread()
    report = run.report(False, False)
    assert report["summary"]["departments"] == counts(created=1)
    assert report["results"]["departments"][0]["department"] == {"Id": 3, "Name": "Support", "OfficeHolidays": [{"Id": 6}]}


def test_a_deferred_reference_of_an_existing_entity_updates_it(monkeypatch):
    fake = typed_pbx()
    run = run_holidays_after_departments(monkeypatch, fake, {"name": "Sales"})
    assert writes(fake)[-1] == ("PATCH", "/Groups(2)", {"OfficeHolidays": [{"Id": 6}]})
    assert run.report(False, False)["summary"]["departments"] == counts(updated=1)


# -- what the reads ask for, and the report in detail ------------------------------------------------

def test_export_reads_each_set_once_with_a_projection_in_key_order():
    fake = typed_pbx(Users=[dict(Id=10, Number="101", Groups=[{"GroupId": 2}])])
    run_module(pbx_export.main, fake, {})
    users = [c for c in fake.api_calls() if c.path == "/xapi/v1/Users"]
    assert len(users) == 1 and users[0].query["$orderby"] == "Id" and "Groups" in users[0].query["$expand"]
    (groups,) = [c for c in fake.api_calls() if c.path == "/xapi/v1/Groups"]
    assert "Rights" not in groups.query["$expand"].split(",")  # computed navigation is left out
    (apps,) = [c for c in fake.api_calls() if c.path == "/xapi/v1/CallFlowApps"]
    assert "ScriptCode" in apps.query["$select"].split(",")


def test_an_export_of_users_alone_still_names_their_departments():
    fake = typed_pbx(Users=[dict(Id=10, Number="101", Groups=[{"GroupId": 2}])])
    config = run_module(pbx_export.main, fake, {"kinds": ["users"]})["config"]
    assert config == {"users": [{"number": "101", "departments": [{"name": "Sales", "role": "users"}]}]}


def test_a_config_that_is_not_a_dict_or_purges_an_unlisted_kind_is_refused():
    fake = typed_pbx()
    result = apply(fake, config={"users": [], "departments": []}, purge=["queues"])
    assert result.failed and result["msg"] == (
        "purge: 'queues' is not in config: purging a kind the config does not list would delete every item of it. "
        "Accepted: departments, users."), result["msg"]
    bad = apply(fake, config={"office_hours": {"time_zone": "51"}})
    assert bad.failed and bad["msg"].startswith("office_hours.time_zone:")
    assert fake.api_calls() == []


def test_a_hunting_queue_compares_its_agents_in_order():
    fake = typed_pbx(Users=[dict(Id=10, Number="101"), dict(Id=11, Number="102")],
                     Queues=[dict(Id=1, Number="800", PollingStrategy="Hunt", Agents=[{"Number": "101"}, {"Number": "102"}])])
    fake.put("Peers", dict(Id=11, Number="102", Type="Extension"))
    result = apply(fake, config={"queues": [{"number": "800", "agents": ["102", "101"]}]})
    assert result["changed"] is True
    assert writes(fake) == [("PATCH", "/Queues(1)", {"Agents": [{"Number": "102"}, {"Number": "101"}]})]


def test_counts_add_up_and_a_later_kind_is_read_back_after_an_unchanged_one():
    fake = typed_pbx()
    result = apply(fake, config={"holidays": [{"name": "New Year", "day": 1, "month": 1}],
                                 "departments": [{"name": "Sales", "office_holidays": ["New Year"]}, {"name": "A"}, {"name": "B"}]})
    assert result["summary"]["departments"] == counts(created=2, updated=1)
    assert result["results"]["departments"][0]["department"] == {"Id": 2, "Name": "Sales", "OfficeHolidays": [{"Id": 5}]}


def test_a_purge_alone_is_a_change():
    fake = typed_pbx(Groups=[dict(Id=2, Name="Sales"), dict(Id=3, Name="Old")])
    result = apply(fake, config={"departments": [{"name": "Sales"}]}, purge=["departments"])
    assert (result.rc, result["changed"]) == (0, True)
    assert writes(fake) == [("DELETE", "/Groups(3)", None)]


def test_the_check_mode_diff_leaves_out_what_would_not_change():
    fake = typed_pbx()
    result = apply(fake, check_mode=True, diff=True, config={"departments": [{"name": "Sales"}, {"name": "New"}]})
    assert [d["after_header"] for d in result["diff"]] == ["departments New"]


def test_a_secret_the_server_echoes_in_an_error_is_hidden():
    fake = typed_pbx()
    fake.fail(odata_error(400, "VMPIN:\nthe pin 97531 is too simple"), method="POST", path="/Users")
    result = apply(fake, config={"users": [{"number": "102", "vm_pin": "97531"}]})
    assert result.failed and "too simple" in result["msg"]
    assert "97531" not in result.stdout


def test_warnings_of_a_run_go_to_the_list_it_was_given():
    warnings = []
    run = pbx_utils.Run(make_client(typed_pbx()), {"users": [{"number": "102", "first_name": 42}]}, warnings=warnings)
    run.plan()
    assert warnings and "users[0].first_name: 42 was given as a number" in warnings[0]


# -- the results key -------------------------------------------------------------------------------

def test_the_module_answers_its_results_under_a_key_no_ansible_core_renames():
    # ansible-core up to 2.20 renames a module's "results" that is not a list (it is the key of loop items)
    fake = typed_pbx()
    result = run_module(pbx_module.main, fake, dict(config=CONFIG))
    assert "results" not in result.json and pbx_module.RESULTS_KEY == "pbx_results"
    assert sorted(result["pbx_results"]) == ["departments", "queues", "ring_groups"]


# -- a trunk, created from the template the PBX builds -------------------------------------------

TRUNKS = {"trunks": [{"name": "Provider B", "template": "generic.pv.xml", "gateway": {"host": "sip.example"}},
                     {"name": "Provider A"}]}


def init_trunk_calls(fake):
    return [c.path for c in fake.api_calls() if "Pbx.InitTrunk" in c.path]


def test_apply_creates_a_trunk_from_its_template_and_a_second_run_changes_nothing():
    fake = typed_pbx()
    result = apply(fake, config=TRUNKS)
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    # asked once before any item is written (an unknown template fails the run before it starts), once to create
    paths = [c.path for c in fake.api_calls()]
    assert init_trunk_calls(fake) == ["/xapi/v1/Trunks/Pbx.InitTrunk(template='generic.pv.xml')"] * 2
    assert paths.index(init_trunk_calls(fake)[0]) < [c.method for c in fake.api_calls()].index("POST")
    assert writes(fake) == [("POST", "/Trunks", {
        "Number": "10001", "Direction": "Both", "AuthPassword": {"Value": None},
        "Gateway": {"Name": "Provider B", "TemplateFilename": "generic.pv.xml", "Host": "sip.example", "Port": 5060}})]
    assert result["summary"]["trunks"] == counts(created=1, unchanged=1)
    entry = result["results"]["trunks"][0]
    assert (entry["operation"], entry["name"], entry["trunk"]["Id"]) == ("created", "Provider B", 101)
    again = apply(fake, config=TRUNKS)
    assert (again.rc, again["changed"]) == (0, False), again.stdout
    assert again["summary"]["trunks"] == counts(unchanged=2) and len(writes(fake)) == 1 and len(init_trunk_calls(fake)) == 2


def numbering_pbx():
    """A fake that numbers each template it builds with the first free number, as the PBX does, and refuses a POST
    of a number in use."""
    fake = typed_pbx()
    fake.unique_on_post["Trunks"] = "Number"

    def init_trunk(pbx):
        taken = set(trunk["Number"] for trunk in pbx.sets["Trunks"].values())
        number = next(str(n) for n in range(10000, 10100) if str(n) not in taken)
        time.sleep(0.1)  # long enough for trunks built side by side to be handed the same number
        return dict(TRUNK_TEMPLATE, Number=number)
    fake.functions[("Trunks", "Pbx.InitTrunk", "generic.pv.xml")] = init_trunk
    return fake


def test_trunks_built_from_templates_get_a_number_each():
    fake = numbering_pbx()
    config = {"trunks": [{"name": "Provider %s" % name, "template": "generic.pv.xml"} for name in "BCD"]}
    result = apply(fake, config=config)
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    assert sorted(body["Number"] for _method, _path, body in writes(fake)) == ["10001", "10002", "10003"]
    assert result["summary"]["trunks"] == counts(created=3)


def test_a_trunk_that_gives_its_number_is_created_before_those_the_pbx_numbers():
    # 10001 is the first free number: built first, a trunk without a number would take it from the one that gives it
    fake = numbering_pbx()
    config = {"trunks": [{"name": "Provider %s" % name, "template": "generic.pv.xml"} for name in "BC"]
              + [{"name": "Provider D", "template": "generic.pv.xml", "number": "10001"}]}
    result = apply(fake, config=config)
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    numbers = dict((body["Gateway"]["Name"], body["Number"]) for _method, _path, body in writes(fake))
    assert numbers["Provider D"] == "10001" and sorted(numbers.values()) == ["10001", "10002", "10003"]


def test_a_failed_trunk_stops_the_trunks_waiting_for_their_number():
    fake = numbering_pbx()
    fake.fail(odata_error(400, "Gateway.Host:\nWARNINGS.XAPI.INVALID", [{"message": "WARNINGS.XAPI.INVALID",
                                                                        "target": "Gateway.Host"}]),
              method="POST", path="/Trunks")
    config = {"trunks": [{"name": "Provider %s" % name, "template": "generic.pv.xml"} for name in "BCD"]}
    result = apply(fake, config=config)
    assert result.failed and "WARNINGS.XAPI.INVALID" in result["msg"]
    # the other two were already waiting for the lock when the first POST failed: neither is built nor sent
    assert [c.method for c in fake.api_calls() if c.method != "GET"] == ["POST"]
    assert len(init_trunk_calls(fake)) == 3 + 1  # the check of each before any write, and the failed build
    assert result["summary"]["trunks"] == counts() and result["results"]["trunks"] == []


def test_a_failed_update_stops_the_trunks_waiting_for_their_number():
    fake = numbering_pbx()
    fake.fail(odata_error(400, "Gateway.Host:\nWARNINGS.XAPI.INVALID", [{"message": "WARNINGS.XAPI.INVALID",
                                                                        "target": "Gateway.Host"}]),
              method="PATCH", path="/Trunks")
    config = {"trunks": [{"name": "Provider A", "direction": "Inbound"}]  # its Gateway untouched: written with the others
              + [{"name": "Provider %s" % name, "template": "generic.pv.xml"} for name in "BCD"]}
    result = apply(fake, config=config)
    assert result.failed and result["msg"].startswith("trunks[0]: PATCH") and "WARNINGS.XAPI.INVALID" in result["msg"]
    posts = [c.json["Gateway"]["Name"] for c in fake.api_calls() if c.method == "POST"]
    assert len(posts) <= 1  # only a POST already sent when the PATCH failed; none of those waiting for the lock
    assert sorted(e["name"] for e in result["results"]["trunks"]) == sorted(posts)


def test_an_unexpected_failure_still_reports_what_was_written():
    fake = numbering_pbx()
    builds, init_trunk = [], fake.functions[("Trunks", "Pbx.InitTrunk", "generic.pv.xml")]

    def template_then_nonsense(pbx):  # the checks before any write get the template, the build does not
        builds.append(1)
        return init_trunk(pbx) if len(builds) <= 3 else ["not", "a", "trunk"]
    fake.functions[("Trunks", "Pbx.InitTrunk", "generic.pv.xml")] = template_then_nonsense
    config = {"departments": [{"name": "Marketing"}],
              "trunks": [{"name": "Provider %s" % name, "template": "generic.pv.xml"} for name in "BCD"]}
    result = apply(fake, config=config)
    assert result.failed and result["msg"].startswith("unexpected TypeError: ")
    assert [e["name"] for e in result["results"]["departments"]] == ["Marketing"]
    assert result["results"]["trunks"] == [] and [c.method for c in fake.writes()] == ["POST"]


def stale_numbers(stale_builds):
    """A PBX whose first template builds offer a number another task took meanwhile (Provider A's 10000)."""
    fake = typed_pbx()
    fake.unique_on_post["Trunks"] = "Number"
    builds = []

    def init_trunk(pbx):
        builds.append(1)
        taken = set(trunk["Number"] for trunk in pbx.sets["Trunks"].values())
        number = "10000" if len(builds) <= stale_builds else next(str(n) for n in range(10000, 10100) if str(n) not in taken)
        return dict(TRUNK_TEMPLATE, Number=number)
    fake.functions[("Trunks", "Pbx.InitTrunk", "generic.pv.xml")] = init_trunk
    return fake


def test_a_number_taken_between_the_build_and_the_post_is_built_again():
    fake = stale_numbers(stale_builds=2)  # the check before any write, then the first build for the POST
    result = apply(fake, config={"trunks": [{"name": "Provider B", "template": "generic.pv.xml"}]})
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    assert [c.json["Number"] for c in fake.api_calls() if c.method == "POST"] == ["10000", "10001"]
    assert len(init_trunk_calls(fake)) == 3


def test_a_number_still_taken_after_four_builds_or_given_by_the_task_fails_with_the_reason():
    fake = stale_numbers(stale_builds=10)
    result = apply(fake, config={"trunks": [{"name": "Provider B", "template": "generic.pv.xml"}]})
    assert result.failed and "Number: WARNINGS.XAPI.ALREADY_IN_USE" in result["msg"]
    assert len([c for c in fake.api_calls() if c.method == "POST"]) == reconcile.TEMPLATE_BUILDS
    assert len(fake.sleeps) == reconcile.TEMPLATE_BUILDS - 1  # a pause before each new build: the backoff, with jitter
    assert all(0.25 * 2 ** n <= pause <= 0.5 * 2 ** n for n, pause in enumerate(fake.sleeps))
    fake = stale_numbers(stale_builds=0)
    result = apply(fake, config={"trunks": [{"name": "Provider B", "template": "generic.pv.xml", "number": "10000"}]})
    assert result.failed and "ALREADY_IN_USE" in result["msg"]
    assert len([c for c in fake.api_calls() if c.method == "POST"]) == 1  # the task's own number: not built again


def test_check_mode_reads_the_template_of_a_new_trunk_and_writes_nothing():
    fake = typed_pbx()
    result = apply(fake, check_mode=True, diff=True, config=TRUNKS)
    assert (result.rc, result["changed"]) == (0, True), result.stdout
    assert len(init_trunk_calls(fake)) == 1 and writes(fake) == []
    assert result["results"]["trunks"][0]["trunk"]["Gateway"] == {"Name": "Provider B", "Host": "sip.example"}
    assert [d["after_header"] for d in result["diff"]] == ["trunks Provider B"]


def test_an_unknown_template_fails_the_apply_before_any_write_in_check_mode_too():
    config = {"departments": [{"name": "Support"}], "trunks": [{"name": "Provider B", "template": "nope.xml"}]}
    for check_mode in (True, False):
        fake = typed_pbx()
        result = apply(fake, check_mode=check_mode, config=config)
        assert result.failed and result["msg"].startswith("trunks[0]: GET /xapi/v1/Trunks/Pbx.InitTrunk(template='nope.xml')")
        assert "template: WARNINGS.XAPI.NOT_FOUND" in result["msg"]
        assert writes(fake) == []


# -- what an apply reads: the properties the config manages ------------------------------------------

def test_an_apply_reads_and_reports_only_the_properties_the_config_manages():
    membership = {"GroupId": 2, "Id": 7, "Name": "Sales", "Number": "GRP0002", "CanDelete": True, "Type": "Extension",
                  "Rights": {"RoleName": "users", "CanBargeIn": False, "ShowMyCalls": True}}
    fake = typed_pbx(Users=[dict(Id=10, Number="101", FirstName="Ada", LastName="Lovelace", Mobile="555",
                                 Groups=[membership])])
    result = apply(fake, diff=True, config={"users": [{"number": "101", "first_name": "Ada", "departments": ["Sales"]}]})
    assert (result.rc, result["changed"]) == (0, False) and writes(fake) == []
    assert result["results"]["users"][0]["user"] == {"Id": 10, "Number": "101", "FirstName": "Ada",
                                                     "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}]}
    (users,) = [c for c in fake.api_calls() if c.path == "/xapi/v1/Users"]
    assert users.query["$select"].split(",") == ["FirstName", "Id", "Number"]
    # what the PBX computes of a membership (its department's name, the rights a role grants) is not read
    assert users.query["$expand"] == "Groups($select=GroupId;$expand=Rights($select=RoleName))"


def test_a_role_change_read_from_the_trimmed_membership_is_written_and_shown():
    fake = typed_pbx(Users=[dict(Id=10, Number="101", FirstName="Ada",
                                 Groups=[{"GroupId": 2, "Name": "Sales", "Rights": {"RoleName": "users", "CanBargeIn": True}}])])
    result = apply(fake, diff=True, config={"users": [{"number": "101", "departments": [{"name": "Sales", "role": "managers"}]}]})
    assert writes(fake) == [("PATCH", "/Users(10)", {"Groups": [{"GroupId": 2, "Rights": {"RoleName": "managers"}}]})]
    (diff,) = result["diff"]
    assert diff["before"]["Groups"] == [{"GroupId": 2, "Rights": {"RoleName": "users"}}]
    assert diff["after"]["Groups"] == [{"GroupId": 2, "Rights": {"RoleName": "managers"}}]


def test_an_updated_item_is_read_back_with_the_same_properties():
    fake = typed_pbx(Users=[dict(Id=10, Number="101", FirstName="Ada", LastName="Lovelace", Mobile="555")])
    result = apply(fake, config={"users": [{"number": "101", "first_name": "Grace"}]})
    assert writes(fake) == [("PATCH", "/Users(10)", {"FirstName": "Grace"})]
    assert result["results"]["users"][0] == {"operation": "updated", "number": "101",
                                             "user": {"Id": 10, "Number": "101", "FirstName": "Grace"}}


def test_a_trunk_is_read_with_its_whole_gateway_and_a_purged_kind_whole():
    fake = typed_pbx(Queues=[dict(Id=1, Number="800", Name="Q", Recording="Off"), dict(Id=2, Number="801", Name="Gone")])
    result = apply(fake, diff=True, config={"trunks": [{"name": "Provider A"}], "queues": [{"number": "800"}]},
                   purge=["queues"])
    assert result["results"]["trunks"][0]["trunk"] == {"Id": 100, "Number": "10000", "Gateway": {"Name": "Provider A"}}
    queues = [c for c in fake.api_calls() if c.path == "/xapi/v1/Queues" and c.method == "GET"]
    assert "$select" not in queues[0].query
    assert result["results"]["queues"][0]["queue"]["Recording"] == "Off"
    (deleted,) = [d for d in result["diff"] if d["before_header"] == "queues 801"]
    assert deleted["before"]["Name"] == "Gone"


def test_kinds_are_read_side_by_side_and_answered_in_order():
    started, release = [], threading.Event()

    def call(n):
        started.append(n)
        if n == 0:  # the first read answers only once every other read has started
            assert release.wait(10)
        elif len(started) == 3:
            release.set()
        return n
    assert pbx_utils.side_by_side([functools.partial(call, n) for n in range(3)]) == [0, 1, 2]


def test_the_first_failure_stops_reads_not_yet_started(monkeypatch):
    monkeypatch.setattr(pbx_utils, "WORKERS", 1)
    ran = []

    def call(n):
        ran.append(n)
        if n == 1:
            raise ValueError("read %d failed" % n)
        return n
    try:
        pbx_utils.side_by_side([functools.partial(call, n) for n in range(4)])
    except ValueError as exc:
        assert str(exc) == "read 1 failed"
    else:
        raise AssertionError("the failure was not raised")
    assert ran == [0, 1]


# -- a large kind: the first page counts, the others are read side by side ---------------------------------

def many_users(count):
    return typed_pbx(Users=[dict(Id=n, Number=str(1000 + n)) for n in range(1, count + 1)])


def user_pages(fake):
    """(skip, count) of each read of the users, each of a page of 100 with the projection asked for."""
    calls = [c for c in fake.api_calls() if c.path == "/xapi/v1/Users"]
    assert all((c.query["$top"], c.query["$select"], c.query["$expand"], c.query["$orderby"]) ==
               ("100", "Id,Number", "Groups", "Number") for c in calls)
    return sorted((int(c.query.get("$skip", 0)), c.query.get("$count", "")) for c in calls)


def read_users(fake):
    return pbx_utils.read_collection(make_client(fake), "/Users", select=["Id", "Number"], expand=["Groups"], orderby="Number")


def test_the_pages_after_the_first_are_read_by_its_count():
    fake = many_users(250)
    assert [u["Id"] for u in read_users(fake)] == list(range(1, 251))
    assert user_pages(fake) == [(0, "true"), (100, ""), (200, "")]


def test_the_pages_after_the_first_are_read_at_the_same_time(monkeypatch):
    fake = many_users(300)
    answer, third_page_asked, overlapped = fake._list, threading.Event(), []

    def pages_that_wait_for_each_other(call, name):
        if call.query.get("$skip") == "100":  # answers only once the third page is asked for too
            overlapped.append(third_page_asked.wait(10))
        elif call.query.get("$skip") == "200":
            third_page_asked.set()
        return answer(call, name)
    monkeypatch.setattr(fake, "_list", pages_that_wait_for_each_other)
    assert len(read_users(fake)) == 300 and overlapped == [True]


def test_a_full_last_page_is_followed_by_another():
    fake = many_users(100)
    assert len(read_users(fake)) == 100
    assert user_pages(fake) == [(0, "true"), (100, "")]


def test_items_added_after_the_count_are_not_missed(monkeypatch):
    fake = many_users(250)
    answer = fake._list

    def counted_before_a_hundred_more(call, name):  # the count was taken before 100 users were added
        body = answer(call, name).json()
        if "@odata.count" in body:
            body["@odata.count"] = 150
        return FakeResponse(200, body)
    monkeypatch.setattr(fake, "_list", counted_before_a_hundred_more)
    assert [u["Id"] for u in read_users(fake)] == list(range(1, 251))
    assert user_pages(fake) == [(0, "true"), (100, ""), (200, "")]


def test_a_server_that_pages_itself_is_read_page_after_page(monkeypatch):
    fake = many_users(150)
    answer = fake._list

    def paged_by_the_server(call, name):  # a server that hands out its own next page
        body = answer(call, name).json()
        if call.query.get("$count"):
            body["@odata.nextLink"] = "https://pbx.example.com:5001/xapi/v1/Users?$skip=100"
        return FakeResponse(200, body)
    monkeypatch.setattr(fake, "_list", paged_by_the_server)
    assert [u["Id"] for u in read_users(fake)] == list(range(1, 151))
    assert user_pages(fake) == [(0, ""), (0, "true"), (100, "")]


def test_a_server_that_does_not_count_is_read_page_after_page():
    fake = many_users(150)
    fake.counts = False
    assert [u["Id"] for u in read_users(fake)] == list(range(1, 151))
    assert user_pages(fake) == [(0, ""), (0, "true"), (100, "")]


def serve_pages(monkeypatch, fake, skip=None, edit=None, counted=None):
    """The fake as a server that answers a page read at $skip=asked with its page at skip(asked) (None: the first),
    then lets edit(asked, body) change the answer; counted overrides the count it gives."""
    answer = fake._list

    def pages(call, name):
        asked = call.query.pop("$skip", None)
        served = skip(asked) if skip else asked
        if served is not None:
            call.query["$skip"] = served
        body = answer(call, name).json()
        if edit:
            edit(asked, body)
        if counted is not None and "@odata.count" in body:
            body["@odata.count"] = counted
        return FakeResponse(200, body)
    monkeypatch.setattr(fake, "_list", pages)


def skip_ignored(monkeypatch, fake, counted=None):
    """A server (or a proxy) that drops $skip: every page is the first. After ten pages it answers an empty one,
    so that a read that does not notice ends (and its test fails)."""
    pages = []

    def empty_after_ten(_asked, body):
        pages.append(1)
        if len(pages) > 10:
            body["value"] = []
    serve_pages(monkeypatch, fake, skip=lambda asked: None, edit=empty_after_ten, counted=counted)


@pytest.mark.parametrize("counts, counted", [(True, None), (True, 100), (False, None)],
                         ids=["counted", "counted-before-more-were-added", "not-counted"])
def test_a_server_that_ignores_skip_fails_the_read_instead_of_reading_forever(monkeypatch, counts, counted):
    fake = many_users(250)
    fake.counts = counts
    skip_ignored(monkeypatch, fake, counted)
    with pytest.raises(reconcile.XapiError) as caught:
        read_users(fake)
    assert "$skip=100 holds only entities of the pages before it" in caught.value.message
    assert "query string" in caught.value.hint and caught.value.path == "/Users"
    # the first page and the pages its count names; with a count too low, the next page; without one, the first
    # page (counted) and then page after page
    assert len(fake.api_calls()) == {(True, None): 3, (True, 100): 2, (False, None): 3}[(counts, counted)]


@pytest.mark.parametrize("counts", [True, False], ids=["counted", "not-counted"])
def test_a_server_that_drops_skip_now_and_then_fails_the_read_at_that_page(monkeypatch, counts):
    fake = many_users(350)
    fake.counts = counts

    def reversed_at_200(asked, body):  # the same entities, however ordered
        if asked == "200":
            body["value"].reverse()
    serve_pages(monkeypatch, fake, skip=lambda asked: None if asked == "200" else asked, edit=reversed_at_200)
    with pytest.raises(reconcile.XapiError) as caught:
        read_users(fake)
    assert "the page at $skip=200 holds only entities of the pages before it" in caught.value.message


def test_a_page_that_repeats_a_few_entities_is_read_on(monkeypatch):
    fake = many_users(250)

    def one_added_before_the_second_page(asked, body):  # the second page starts with the first page's last user
        if asked == "100":
            body["value"] = [fake.entity("Users", 100)] + body["value"][:-1]
    serve_pages(monkeypatch, fake, edit=one_added_before_the_second_page)
    assert len(read_users(fake)) == 250


@pytest.mark.parametrize("counted", [None, 100], ids=["counted", "counted-before-more-were-added"])
def test_a_server_that_repeats_a_later_page_fails_the_read_at_that_page(monkeypatch, counted):
    fake = many_users(300)
    serve_pages(monkeypatch, fake, skip=lambda asked: "100" if asked == "200" else asked, counted=counted)
    with pytest.raises(reconcile.XapiError) as caught:
        read_users(fake)
    assert "the page at $skip=200 holds only entities of the pages before it" in caught.value.message
    assert len(fake.api_calls()) == 3


def test_a_pbx_task_on_a_server_that_ignores_skip_fails_before_any_write(monkeypatch):
    fake = many_users(150)
    skip_ignored(monkeypatch, fake)
    result = apply(fake, config={"users": [{"number": "1001", "first_name": "Changed"}]})
    assert result.failed and "ignores $skip" in result["msg"] and writes(fake) == []


# -- a script that embeds a secret: diff_script=false --------------------------------------------------

OLD_SCRIPT = "class App {\n  const string Token = \"TOKEN-old-777\";\n}\n"
NEW_SCRIPT = "class App {\n  const string Token = \"TOKEN-new-123\";\n}\n"


def app_config(**extra):
    return {"callflow_apps": [dict({"number": "8100", "name": "CRM", "script_code": NEW_SCRIPT}, **extra)]}


def test_a_script_with_diff_script_false_shows_only_as_a_digest_in_check_mode_and_in_a_real_run():
    for check_mode in (True, False):
        fake = typed_pbx(CallFlowApps=[dict(Id=40, Number="8100", Name="CRM", ScriptCode=OLD_SCRIPT)])
        result = apply(fake, check_mode=check_mode, diff=True, config=app_config(diff_script=False))
        assert (result.rc, result["changed"]) == (0, True), result.stdout
        assert "TOKEN-" not in result.stdout
        (diff,) = result["diff"]  # no line-by-line diff of the script follows the properties
        assert diff["before"]["ScriptCode"] == schema.text_digest(OLD_SCRIPT)
        assert diff["after"]["ScriptCode"] == schema.text_digest(NEW_SCRIPT)
        app = result["results"]["callflow_apps"][0]["callflow_app"]
        assert app["ScriptCode"] == schema.text_digest(NEW_SCRIPT)
        assert (app["Id"], app["Number"], app["Name"]) == (40, "8100", "CRM")  # only the script is hidden
        assert writes(fake) == ([] if check_mode else [("PATCH", "/CallFlowApps(40)", {"ScriptCode": NEW_SCRIPT})])


def test_a_script_shows_line_by_line_by_default_and_diff_script_must_be_a_boolean():
    fake = typed_pbx(CallFlowApps=[dict(Id=40, Number="8100", Name="CRM", ScriptCode=OLD_SCRIPT)])
    result = apply(fake, check_mode=True, diff=True, config=app_config())
    assert "TOKEN-new-123" in result["diff"][1]["after"] and "TOKEN-old-777" in result["diff"][1]["before"]
    assert result["results"]["callflow_apps"][0]["callflow_app"]["ScriptCode"] == NEW_SCRIPT
    refused = apply(fake, config=app_config(diff_script="maybe"))
    assert refused.failed and refused["msg"].startswith("callflow_apps[0].diff_script: must be true or false")
    assert writes(fake) == []


def test_a_config_refused_before_any_request_does_not_echo_a_hidden_script():
    # the task's arguments come back with the failure: the script of an item that asks to hide it is masked there too
    fake = typed_pbx()
    for config in (dict(app_config(diff_script=False), users=[{"number": "101", "no_such_option": 1}]),
                   app_config(diff_script="maybe")):
        refused = apply(fake, config=config)
        assert refused.failed and refused["invocation"]["module_args"]["config"], refused.stdout
        assert "TOKEN-new-123" not in refused.stdout
    assert writes(fake) == []


def test_diff_script_takes_false_as_the_other_booleans_of_a_config_do():
    # as callflow_app takes it, and as an item's other true/false options are taken (Ansible's spellings)
    for hide in ("no", "false", "False", 0, "off"):
        fake = typed_pbx(CallFlowApps=[dict(Id=40, Number="8100", Name="CRM", ScriptCode=OLD_SCRIPT)])
        result = apply(fake, diff=True, config=app_config(diff_script=hide))
        assert (result.rc, result["changed"]) == (0, True), result.stdout
        assert "TOKEN-" not in result.stdout, hide
        app = result["results"]["callflow_apps"][0]["callflow_app"]
        assert app["ScriptCode"] == schema.text_digest(NEW_SCRIPT)
        assert (app["Id"], app["Number"], app["Name"]) == (40, "8100", "CRM")  # only the script is hidden
    fake = typed_pbx(CallFlowApps=[dict(Id=40, Number="8100", Name="CRM", ScriptCode=OLD_SCRIPT)])
    shown = apply(fake, check_mode=True, diff=True, config=app_config(diff_script="yes"))
    assert "TOKEN-new-123" in shown["diff"][1]["after"]


def test_a_purged_app_hides_its_script_when_the_apps_kept_hide_theirs():
    # an app renumbered: the one that goes holds the same token as the one that stays
    for hide, shown in ((False, False), (True, True)):
        fake = typed_pbx(CallFlowApps=[dict(Id=41, Number="8101", Name="CRM", ScriptCode=OLD_SCRIPT)])
        result = apply(fake, check_mode=True, diff=True, config=app_config(diff_script=hide), purge=["callflow_apps"])
        assert result["summary"]["callflow_apps"] == counts(created=1, deleted=1), result.stdout
        assert ("TOKEN-old-777" in result.stdout) is shown
        (gone,) = [d for d in result["diff"] if d["before_header"] == "callflow_apps 8101"]
        assert gone["before"]["ScriptCode"] == schema.text_digest(OLD_SCRIPT)


# -- a refused config echoes its arguments: the secrets it gives are masked there too --------------------

def test_a_refused_config_does_not_echo_the_passwords_and_pins_it_gives():
    fake = typed_pbx()
    config = {"trunks": [{"name": "Provider B", "template": "generic.pv.xml", "auth_password": {"value": "Sekr1t-Trunk-Pw"}}],
              "users": [{"number": "101", "vm_pin": 918273, "bogus": 1},
                        {"number": "102", "auth_passwd": "Typo-Secret-77", "phones": "not a list Phone-Pw-55"}]}
    result = apply(fake, config=config)
    assert result.failed and result["msg"].startswith("users[0].bogus")
    assert "module_args" in result.stdout  # the arguments are echoed, masked
    for secret in ("Sekr1t-Trunk-Pw", "918273", "Typo-Secret-77"):
        assert secret not in result.stdout
    assert writes(fake) == []


def test_the_secrets_of_a_config_are_found_option_by_option():
    config = {"users": [{"number": "101", "vm_pin": "4711", "first_name": "Ada", "unknown": "plain"},
                        {"number": "102", "auth_password": {"value": "Pw-1"}, "auth_passwd": "Pw-typo",
                         "departments": 5}],
              "trunks": [{"name": "T", "auth_password": "not an object Pw-2"}],
              "office_hours": {"time_zone_id": "51"}}
    assert sorted(pbx_utils.secret_texts(config)) == ["4711", "Pw-1", "Pw-typo", "not an object Pw-2"]
    # a phone's settings hold a secret: the phones that cannot be read are taken whole, blanks and flags left out
    phones = [{"mac_address": "001122334455", "settings": {"secret": "Phone-Pw-9", "on": True, "none": ""}}, "broken", 0]
    assert sorted(pbx_utils.secret_texts({"users": [{"number": "103", "phones": phones}]})) == [
        "0", "001122334455", "Phone-Pw-9", "broken"]
    assert pbx_utils.secret_texts("not a dict") == [] and pbx_utils.secret_texts({"users": "x"}) == []
