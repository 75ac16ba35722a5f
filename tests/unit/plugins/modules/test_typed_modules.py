# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The typed modules (holiday, user, ...) over a fake PBX."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.modules import holiday
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module


def test_a_new_holiday_asks_only_for_what_has_no_default():
    fake = FakePbx(sets={"Holidays": []})
    for check_mode in (True, False):
        result = run_module(holiday.main, fake, dict(name="Xmas", month=12), check_mode=check_mode)
        assert result.failed and result["msg"] == (
            "day: the holiday 'Xmas' does not exist yet; creating it needs day and month."), result["msg"]
    assert fake.writes() == []
