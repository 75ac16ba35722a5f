# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pbx module over a fake PBX, what it refuses and reports: errors name the item, secrets stay hidden, failures report what was written."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.modules import pbx as pbx_module, pbx_export
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import odata_error

DEFAULT = dict(Id=1, Name="DEFAULT", Number="GRP0000")


@pytest.fixture
def fake():
    return FakePbx(sets={"Groups": [DEFAULT], "Users": [dict(Id=10, Number="100", FirstName="Ada",
                                                             Groups=[{"GroupId": 1, "Rights": {"RoleName": "users"}}])],
                         "Peers": [dict(Id=10, Number="100", Name="Ada", Type="Extension")],
                         "Queues": [], "Holidays": [], "Trunks": []},
                   singletons={"OfficeHours": dict(TimeZoneId="51", OfficeHolidays=[])})


def run(fake, config, check_mode=False, diff=False, **args):
    """The pbx module; its per-kind results as the task sees them (the pbx action moves them to results)."""
    result = run_module(pbx_module.main, fake, dict(config=config, **args), check_mode=check_mode, diff=diff)
    result.json["results"] = result.json.pop(pbx_module.RESULTS_KEY, None)
    return result


def test_a_secret_given_as_a_number_is_not_shown_in_the_warning(fake):
    result = run(fake, {"users": [{"number": "201", "departments": ["DEFAULT"], "vm_pin": 98765,
                                   "auth_password": 12345678}]})
    assert result.rc == 0, result.stdout
    assert "users[0].vm_pin" in str(result.get("warnings"))
    assert "98765" not in result.stdout and "12345678" not in result.stdout


def test_an_office_hours_error_names_the_option_under_office_hours(fake):
    result = run(fake, {"office_hours": {"office_holidays": ["Nope"]}})
    assert result.failed and result["msg"].startswith("office_hours.office_holidays[0]: no holiday named 'Nope'")
    assert fake.writes() == []


@pytest.mark.parametrize("config, words", [
    ({"holidays": [{"name": "Xmas", "day": 25, "month": 12}, {"name": "H"}]},
     "holidays[1].day: the holiday 'H' does not exist yet; creating it needs day and month."),
    ({"trunks": [{"name": "T", "gateway": {"host": "sip.example"}}]},
     "trunks[0].template: the trunk 'T' does not exist yet; creating it needs template."),
    ({"ring_groups": [{"number": "700"}]},
     "ring_groups[0].name: the ring group '700' does not exist yet; creating it needs name."),
])
def test_an_item_that_cannot_be_created_is_named_before_any_write(fake, config, words):
    fake.sets.update(RingGroups={})
    for check_mode in (True, False):
        result = run(fake, config, check_mode=check_mode)
        assert result.failed and result["msg"].startswith(words), result["msg"]
    assert fake.writes() == []


def test_a_property_that_cannot_change_is_refused_naming_the_item(fake):
    result = run(fake, {"departments": [{"name": "DEFAULT", "number": "GRP0009"}]})
    assert result.failed and result["msg"].startswith("departments[0].number: the department with Id 1 has Number"), \
        result["msg"]
    assert fake.writes() == []


def test_a_number_listed_under_two_kinds_is_refused_before_any_request(fake):
    # departments come first: kinds without numbers do not end the check
    result = run(fake, {"departments": [{"name": "DEFAULT"}], "users": [{"number": "880", "departments": ["DEFAULT"]}],
                        "queues": [{"number": "880"}]})
    assert result.failed and result["msg"].startswith("queues[0].number: '880' is also users[0].number;"), result["msg"]
    assert fake.api_calls() == []


def test_a_number_another_kind_holds_on_the_pbx_is_refused_in_check_mode_too(fake):
    for check_mode in (True, False):
        result = run(fake, {"queues": [{"number": "100", "name": "Q"}]}, check_mode=check_mode)
        assert result.failed and result["msg"].startswith(
            "queues[0].number: 100 is already the number of an extension on this PBX"), result["msg"]
    assert fake.writes() == []


def test_a_failed_write_reports_what_was_written_with_the_hint_a_single_module_gives(fake):
    fake.fail(odata_error(400, "Number:\nWARNINGS.XAPI.ALREADY_IN_USE",
                          [{"message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": "Number"}]), method="POST", path="Users")
    result = run(fake, {"departments": [{"name": "Lab"}], "users": [{"number": "201", "departments": ["Lab"]}]})
    assert result.failed and result["msg"].startswith("users[0]: POST /xapi/v1/Users failed with HTTP 400")
    assert "DN numbers are unique" in result["error"]["hint"] and "DN numbers are unique" in result["msg"]
    assert result["summary"]["departments"]["created"] == 1 and result["summary"]["users"]["created"] == 0
    assert [entry["name"] for entry in result["results"]["departments"]] == ["Lab"]


def test_a_value_a_newer_pbx_holds_is_left_out_of_the_export_with_a_warning_and_the_export_applies(fake):
    fake.put("Queues", dict(Id=20, Number="800", Name="Q", PollingStrategy="FutureStrategy", Agents=[]))
    fake.put("Peers", dict(Id=20, Number="800", Name="Q", Type="Queue"))
    exported = run_module(pbx_export.main, fake, dict(kinds=["queues"]))
    assert exported.rc == 0, exported.stdout
    assert exported["config"]["queues"] == [{"number": "800", "name": "Q"}]
    assert "queues 800: polling_strategy 'FutureStrategy'" in str(exported.get("warnings"))
    applied = run(fake, exported["config"])
    assert applied.rc == 0 and not applied["changed"] and fake.writes() == [], applied.stdout


def test_an_export_skips_null_elements_a_server_puts_in_its_lists(fake):
    fake.put("Users", dict(Id=12, Number="102", Groups=[None, {"GroupId": 1, "Rights": {"RoleName": "users"}}]))
    fake.put("Queues", dict(Id=20, Number="800", Name="Q", Agents=[None, {"Number": "100"}], Managers=None))
    fake.put("OutboundRules", dict(Id=41, Name="O", Routes=[None], GroupIds=[None, 1]))
    fake.sets.update(Holidays={})
    fake.singletons["OfficeHours"]["OfficeHolidays"] = [None]
    exported = run_module(pbx_export.main, fake, dict(kinds=["users", "queues", "outbound_rules", "office_hours"]))
    assert exported.rc == 0, exported.stdout
    config = exported["config"]
    assert config["users"][1]["departments"] == [{"name": "DEFAULT", "role": "users"}]
    assert config["queues"][0]["agents"] == ["100"] and config["outbound_rules"][0]["departments"] == ["DEFAULT"]


def test_a_user_created_before_its_second_write_failed_is_reported_as_created(fake):
    fake.fail(odata_error(400, "boom"), method="PATCH", path="Users")
    result = run(fake, {"users": [{"number": "201", "first_name": "Ada", "departments": ["DEFAULT"]}]})
    assert result.failed and "The user was created" in result["msg"], result.stdout
    assert result["changed"] and result["summary"]["users"]["created"] == 1
    [entry] = result["results"]["users"]
    assert entry["operation"] == "created" and entry["user"]["Number"] == "201" and entry["user"]["Id"] == 11
