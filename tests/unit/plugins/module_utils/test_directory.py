# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory of referenced entities: one read per set, both ways, and what a miss says."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.module_utils.references import Directory
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import make_client


def directory_over(**sets):
    fake = FakePbx(sets=sets)
    return Directory(make_client(fake)), fake


def reads_of(fake):
    return [c for c in fake.api_calls() if c.method == "GET"]


def test_a_set_is_read_once_with_its_few_properties_in_id_order():
    known, fake = directory_over(Groups=[dict(Id=2, Name="Sales", Number="GRP2", Language="EN")])
    assert known.find("Groups", "Sales")["Id"] == 2
    assert known.by_id("Groups", 2)["Name"] == "Sales"
    assert known.find("Groups", "Nope") is None and known.by_id("Groups", 9) is None
    assert known.names("Groups") == ["Sales"]
    (call,) = reads_of(fake)
    assert (call.query["$select"], call.query["$orderby"]) == ("Id,Name,Number", "Id")
    assert known.reads == 1


def test_an_id_is_found_by_a_lazy_read():
    known, fake = directory_over(Holidays=[dict(Id=5, Name="New Year"), dict(Id=6, Name="Easter")])
    assert known.by_id("Holidays", 6) == {"Id": 6, "Name": "Easter"}
    assert len(reads_of(fake)) == 1 and known.names("Holidays") == ["Easter", "New Year"]


def test_what_the_task_read_or_learned_needs_no_read():
    known, fake = directory_over(Groups=[dict(Id=2, Name="Sales")])
    known.learn("Groups", {"Id": 3, "Name": "Support"})
    assert known.find("Groups", "Support")["Id"] == 3 and known.by_id("Groups", 3)["Name"] == "Support"
    known.know_all("Trunks", [{"Id": 100, "Gateway": {"Name": "Provider A"}}])
    assert known.find("Trunks", "Provider B") is None and known.by_id("Trunks", 101) is None
    assert known.names("Trunks") == ["Provider A"]
    assert reads_of(fake) == [] and known.reads == 0


def test_an_announced_entity_is_found_before_it_exists_and_marked_new():
    known, _fake = directory_over(Groups=[])
    known.plan("Groups", "Support")
    assert known.find("Groups", "Support") == {"new": True}
    known.plan("Peers", "800", {"Number": "800", "Type": "Queue"})
    assert known.find("Peers", "800") == {"Number": "800", "Type": "Queue", "new": True}


def test_a_miss_lists_up_to_twenty_names():
    known = Directory(None)
    known.know_all("Groups", [{"Id": n, "Name": "G%02d" % n} for n in range(1, 21)])
    assert known.missing("Groups", "X") == "no department named 'X' (have: %s)" % ", ".join("G%02d" % n for n in range(1, 21))
    known.learn("Groups", {"Id": 21, "Name": "G21"})
    assert known.missing("Groups", "X").endswith("G20, ...)")
    assert Directory(None).missing("Holidays", "Easter") == "no holiday named 'Easter' (have: none)"
