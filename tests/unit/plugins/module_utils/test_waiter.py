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


def write_and_settle(fake, script, timeout):
    """Write a new script to app 1 and wait for its compile: (entity, errors, outcome)."""
    client = make_client(fake)
    current = reconcile.find(client, SCHEMA, reconcile.Lookup(SCHEMA, key=1))
    plan = reconcile.plan(SCHEMA, current, {"ScriptCode": script})
    entity = reconcile.execute(client, SCHEMA, plan)
    clock = Clock()
    return waiter.settle(client, SCHEMA, plan, entity, timeout, sleep=clock.sleep, clock=clock)


def test_settle_answers_the_whole_entity_and_the_errors(fake):
    entity, errors, outcome = write_and_settle(fake, "BROKEN", 30)
    assert outcome == waiter.COMPILED and errors == ["E: (line 3) ; expected"]
    assert entity["ScriptCode"] == "BROKEN" and "Groups" in entity


def test_a_successful_compile_with_hidden_diagnostics_is_settled():
    entity = {"CompilationSucceeded": True, "InvalidScript": False,
              "CompilationResult": "H: (line 2) CS8019: Unnecessary using directive"}
    assert waiter.settled(entity) and waiter.compiler_errors(entity) == []


def test_errors_that_do_not_move_are_reported_after_the_grace_period(fake):
    fake.apps[1].update(FAILURE)  # the errors of the previous script, and the new one fails the same way
    before = waiter.status(fake.apps[1])
    clock = Clock()
    entity, outcome = wait(fake, clock, before=before, timeout=60)
    assert outcome == waiter.UNCHANGED_ERRORS
    assert waiter.ERRORS_GRACE <= sum(clock.sleeps) < waiter.ERRORS_GRACE + 5
    assert waiter.compiler_errors(entity) == ["E: (line 7) ; expected", "E: (line 9) } expected"]


def test_errors_on_record_within_a_timeout_shorter_than_the_grace_period_are_a_timeout(fake):
    """A slow compile: the errors of the previous script are still on record when the task stops waiting."""
    fake.apps[1].update(FAILURE)
    clock = Clock()
    entity, outcome = wait(fake, clock, before=waiter.status(fake.apps[1]), timeout=3)
    assert outcome == waiter.TIMEOUT and sum(clock.sleeps) == pytest.approx(3)


def test_settle_of_a_slow_compile_blames_no_stale_errors_on_the_new_script(fake):
    fake.apps[1].update(FAILURE)
    fake.compiler = lambda script: None
    entity, errors, outcome = write_and_settle(fake, "fixed", 1)
    assert (outcome, errors) == (waiter.TIMEOUT, [])
    assert waiter.failure_message(SCHEMA, entity, errors, outcome, 1) == (
        "compilation_timeout: the PBX did not finish compiling Call Flow App 8100 within 1 seconds.")


def test_the_poll_interval_grows_by_half_up_to_five_seconds(fake):
    clock = Clock()
    wait(fake, clock, timeout=30)
    assert clock.sleeps[:4] == [0.5, 0.75, 1.125, 1.6875]
    assert max(clock.sleeps) == 5.0 and clock.sleeps.count(5.0) >= 2
    assert sum(clock.sleeps) == pytest.approx(30)


@pytest.mark.parametrize("entity, done", [
    (dict(CompilationSucceeded=True, InvalidScript=False), True),
    (dict(CompilationSucceeded=True, InvalidScript=None), True),
    (dict(CompilationSucceeded=True, InvalidScript=True), False),
    (dict(CompilationSucceeded=False, InvalidScript=False), False),
    (dict(CompilationSucceeded=None, InvalidScript=False), False),
    (dict(CompilationSucceeded="true", InvalidScript=False), False),
    (dict(CompilationSucceeded=False, InvalidScript=True, CompilationResult="E: x"), True),
    (dict(CompilationSucceeded=False, InvalidScript=True, CompilationResult="W: x"), False),
])
def test_settled(entity, done):
    assert waiter.settled(entity) is done


def test_status_and_diagnostics_of_nothing():
    assert waiter.status(None) == (None, None, None, None)
    assert waiter.status(COMPILED) == ("2026-11-24T09:00:00Z", "", True, False)
    assert waiter.diagnostics({"CompilationResult": "\n  \ncontinued first\nE: second"}) == ["continued first", "E: second"]


def test_a_delete_or_nothing_to_do_compiles_nothing():
    current = dict(Id=1, Number="8100", Name="Night", ScriptCode="old")
    assert not waiter.compiles(reconcile.plan(SCHEMA, current, {}, "absent"))
    assert not waiter.compiles(reconcile.plan(SCHEMA, current, {"Name": "Night"}))


def test_failure_message_for_each_outcome():
    entity = {"Number": "8100"}
    errors = ["E: one", "E: two\nlines"]
    assert waiter.failure_message(SCHEMA, entity, errors, waiter.UNCHANGED_ERRORS, 60) == (
        "The PBX still reports these compiler errors for Call Flow App 8100, unchanged 10 seconds after the script was "
        "saved (the PBX has not compiled the new script, or it fails the same way as the one before): E: one | E: two lines")
    assert "unchanged 10 seconds after" in waiter.failure_message(SCHEMA, entity, errors, waiter.UNCHANGED_ERRORS, 3)
    assert waiter.failure_message(SCHEMA, entity, errors, waiter.COMPILED, 60) == (
        "The PBX could not compile the script of Call Flow App 8100: E: one | E: two lines")
    assert waiter.failure_message(SCHEMA, entity, [], waiter.TIMEOUT, 45) == (
        "compilation_timeout: the PBX did not finish compiling Call Flow App 8100 within 45 seconds.")
    assert waiter.failure_message(SCHEMA, entity, [], waiter.COMPILED, 45) is None
    assert waiter.failure_message(SCHEMA, entity, [], waiter.UNCHANGED_ERRORS, 45) is None


def test_settle_reports_errors_on_record_that_do_not_move(fake):
    fake.apps[1].update(FAILURE)  # errors on record from before; the new script never compiles
    fake.compiler = lambda script: None
    entity, errors, outcome = write_and_settle(fake, "new", 20)
    assert outcome == waiter.UNCHANGED_ERRORS and errors == ["E: (line 7) ; expected", "E: (line 9) } expected"]


def test_settle_after_a_timeout_without_errors_reports_none(fake):
    fake.compiler = lambda script: None
    route, polls = fake.route, []

    def errors_after_the_last_poll(call):
        if call.method == "GET" and "$expand" not in call.query:
            polls.append(call)  # a status poll of the wait
        elif polls:  # the full re-read after the wait
            fake.apps[1].update(FAILURE)
        return route(call)

    fake.route = errors_after_the_last_poll
    entity, errors, outcome = write_and_settle(fake, "new", 5)
    assert (outcome, errors) == (waiter.TIMEOUT, [])
    assert entity["ScriptCode"] == "new" and "Groups" in entity


def test_unchanged_errors_are_reported_at_the_end_of_the_grace_period_exactly(fake):
    fake.apps[1].update(FAILURE)
    clock = Clock()
    entity, outcome = waiter.wait(make_client(fake), SCHEMA, 1, waiter.status(fake.apps[1]), 60,
                                  sleep=clock.sleep, clock=clock, interval=5.0)
    assert outcome == waiter.UNCHANGED_ERRORS and clock.sleeps == [5.0, 5.0]


def test_settle_answers_the_status_the_compile_left(fake):
    fake.compiler = lambda script: None
    client = make_client(fake)
    plan = reconcile.plan(SCHEMA, reconcile.find(client, SCHEMA, reconcile.Lookup(SCHEMA, key=1)), {"ScriptCode": "new"})
    entity = reconcile.execute(client, SCHEMA, plan)
    clock = Clock(on_sleep=lambda n: fake.apps[1].update(SUCCESS))
    entity, errors, outcome = waiter.settle(client, SCHEMA, plan, entity, 30, sleep=clock.sleep, clock=clock)
    assert outcome == waiter.COMPILED and entity["CompilationLastSuccess"] == SUCCESS["CompilationLastSuccess"]


def test_no_compile_result_has_no_diagnostics():
    assert waiter.diagnostics({}) == [] and waiter.diagnostics({"CompilationResult": None}) == []
