# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The typed modules (holiday, user, ...) over a fake PBX."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.modules import holiday, queue
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module


def test_a_new_holiday_asks_only_for_what_has_no_default():
    fake = FakePbx(sets={"Holidays": []})
    for check_mode in (True, False):
        result = run_module(holiday.main, fake, dict(name="Xmas", month=12), check_mode=check_mode)
        assert result.failed and result["msg"] == (
            "day: the holiday 'Xmas' does not exist yet; creating it needs day and month."), result["msg"]
    assert fake.writes() == []


def test_a_new_queue_cannot_take_the_number_of_an_extension_in_check_mode_either():
    fake = FakePbx(sets={"Queues": [], "Peers": [dict(Id=7, Number="800", Name="Ann", Type="Extension")]})
    for check_mode in (True, False):
        result = run_module(queue.main, fake, dict(number="800", name="Support"), check_mode=check_mode)
        assert result.failed and result["msg"] == (
            "number: 800 is already the number of an extension on this PBX; numbers are unique across the extensions, "
            "queues, ring groups, digital receptionists, Call Flow Apps and trunks of a PBX."), result["msg"]
    assert fake.writes() == []


def test_a_new_queue_with_a_free_number_is_created_after_one_read_of_that_number():
    fake = FakePbx(sets={"Queues": [], "Peers": [dict(Id=7, Number="801", Name="Ann", Type="Extension")]})
    result = run_module(queue.main, fake, dict(number="800", name="Support"))
    assert not result.failed, result["msg"]
    assert result["operation"] == "created"
    peer_reads = [c for c in fake.calls if c.path.endswith("/Peers")]
    assert [c.query.get("$filter") for c in peer_reads] == ["Number eq '800'"]
