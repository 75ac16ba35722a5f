# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import reconcile, waiter
from ansible_collections.threecx.xapi.plugins.module_utils.entities.callflow_app import CALLFLOW_APP
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import Clock, FakeXapi, make_client

SCHEMA = CALLFLOW_APP
COMPILED = dict(CompilationLastSuccess="2026-11-24T09:00:00Z", CompilationResult="", CompilationSucceeded=True, InvalidScript=False)
SUCCESS = dict(CompilationLastSuccess="2026-11-24T10:00:00Z", CompilationResult="W: (line 1) unused using directive",
               CompilationSucceeded=True, InvalidScript=False)
FAILURE = dict(CompilationResult="W: (line 1) unused using directive\nE: (line 7) ; expected\n  E: (line 9) } expected",
               CompilationSucceeded=False, InvalidScript=True)


@pytest.fixture
def fake():
    return FakeXapi(apps=[dict(Number="8100", Name="Night", ScriptCode="old", **COMPILED)])


def wait(fake, clock, before=None, timeout=60):
    before = waiter.status(COMPILED) if before is None else before
    return waiter.wait(make_client(fake), SCHEMA, 1, before, timeout, sleep=clock.sleep, clock=clock)


def test_settles_on_a_new_successful_compile(fake):
    fake.apps[1].update(SUCCESS)
    clock = Clock()
    entity, outcome = wait(fake, clock)
    assert outcome == waiter.COMPILED and entity["CompilationLastSuccess"] == SUCCESS["CompilationLastSuccess"]
    assert clock.sleeps == []
    assert waiter.compiler_errors(entity) == []  # a W: line is no error
    call = fake.api_calls()[0]
    assert call.path == "/xapi/v1/CallFlowApps(1)" and "CompilationResult" in call.query["$select"]


def test_unchanged_status_keeps_polling_until_the_compile_shows(fake):
    clock = Clock(on_sleep=lambda n: n == 3 and fake.apps[1].update(SUCCESS))
    entity, outcome = wait(fake, clock)
    assert outcome == waiter.COMPILED
    assert len(clock.sleeps) == 3 and len(fake.api_calls()) == 4
    assert clock.sleeps == sorted(clock.sleeps)  # backing off, not hammering


def test_settles_on_compiler_errors(fake):
    clock = Clock(on_sleep=lambda n: fake.apps[1].update(FAILURE))
    entity, outcome = wait(fake, clock)
    assert outcome == waiter.COMPILED
    assert waiter.compiler_errors(entity) == ["E: (line 7) ; expected", "E: (line 9) } expected"]


def test_a_new_app_before_its_first_compile_is_not_settled():
    fake = FakeXapi(apps=[dict(Number="8100", CompilationLastSuccess=None, CompilationResult=None,
                               CompilationSucceeded=False, InvalidScript=True)])
    clock = Clock(on_sleep=lambda n: n == 2 and fake.apps[1].update(SUCCESS))
    entity, outcome = wait(fake, clock, before=waiter.status(None))
    assert outcome == waiter.COMPILED and len(clock.sleeps) == 2


def test_timeout_answers_not_finished_without_sleeping_past_it(fake):
    clock = Clock()
    entity, outcome = wait(fake, clock, timeout=10)
    assert outcome == waiter.TIMEOUT
    assert entity["CompilationLastSuccess"] == COMPILED["CompilationLastSuccess"]
    assert sum(clock.sleeps) == pytest.approx(10)
    assert max(clock.sleeps) <= 5.0


def test_compiler_errors_leave_warnings_and_hidden_diagnostics_out_and_keep_each_error_whole():
    text = ("H: (line 1) CS8019: Unnecessary using directive\r\nW: warning one\r\nE: error one\r\n"
            "  on two lines\r\n   E: error two   \r\nW: E: not an error line")
    assert waiter.compiler_errors({"CompilationResult": text}) == ["E: error one\non two lines", "E: error two"]
    assert waiter.one_line(["E: error one\non two lines", "E: x"]) == "E: error one on two lines | E: x"
    assert waiter.compiler_errors({"CompilationResult": None}) == []
    assert waiter.compiler_errors(None) == []


def test_only_a_create_or_a_script_change_compiles():
    current = dict(Id=1, Number="8100", Name="Night", ScriptCode="old")
    assert waiter.compiles(reconcile.plan(SCHEMA, None, {"Number": "8200", "Name": "New"}))
    assert waiter.compiles(reconcile.plan(SCHEMA, current, {"ScriptCode": "new"}))
    assert not waiter.compiles(reconcile.plan(SCHEMA, current, {"Name": "Day"}))
    assert not waiter.compiles(reconcile.plan(SCHEMA, current, {"ScriptCode": "old\n"}))


def test_settle_answers_the_whole_entity_and_the_errors(fake):
    client = make_client(fake)
    current = reconcile.find(client, SCHEMA, reconcile.Lookup(SCHEMA, key=1))
    plan = reconcile.plan(SCHEMA, current, {"ScriptCode": "BROKEN"})
    entity = reconcile.execute(client, SCHEMA, plan)
    clock = Clock()
    entity, errors, outcome = waiter.settle(client, SCHEMA, plan, entity, 30, sleep=clock.sleep, clock=clock)
    assert outcome == waiter.COMPILED and errors == ["E: (line 3) ; expected"]
    assert entity["ScriptCode"] == "BROKEN" and "Groups" in entity


def test_a_successful_compile_with_hidden_diagnostics_is_settled():
    entity = {"CompilationSucceeded": True, "InvalidScript": False,
              "CompilationResult": "H: (line 2) CS8019: Unnecessary using directive"}
    assert waiter.settled(entity) and waiter.compiler_errors(entity) == []
