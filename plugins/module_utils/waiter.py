# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for the PBX to compile a call flow script.

The PBX compiles in the background after a script is saved. A compile has
finished when the compile status differs from the one seen before the write
and has settled: either it succeeded (CompilationSucceeded true, InvalidScript
false) or it left compiler errors ("E:" entries) in CompilationResult.

A broken script replaced by another one that fails the same way leaves the
status as it was: nothing moves. When the errors on record have not changed
for ERRORS_GRACE seconds after the write, they are reported instead of
waiting for the whole timeout.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.threecx.xapi.plugins.module_utils import odata

STATUS_FIELDS = ("CompilationLastSuccess", "CompilationResult", "CompilationSucceeded", "InvalidScript")
# A compile takes about a second on a PBX; unchanged errors after this long are this script's.
ERRORS_GRACE = 10.0
ENTRY = re.compile(r"^\s*([A-Z]):")
COMPILED, UNCHANGED_ERRORS, TIMEOUT = "compiled", "unchanged errors", "timeout"


def status(entity):
    entity = entity or {}
    return tuple(entity.get(name) for name in STATUS_FIELDS)


def diagnostics(entity):
    """CompilationResult split into entries ("E: ...", "W: ...", "H: ..."); a line without a prefix
    continues the entry before it (an error may span two lines)."""
    text = (entity or {}).get("CompilationResult") or ""
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if ENTRY.match(line) or not entries:
            entries.append(line.strip())
        else:
            entries[-1] += "\n" + line.strip()
    return entries


def compiler_errors(entity):
    """The compiler's errors, each whole; warnings and hidden diagnostics ("W:", "H:") are left out."""
    return [entry for entry in diagnostics(entity) if entry.startswith("E:")]


def one_line(errors):
    return " | ".join(error.replace("\n", " ") for error in errors)


def settled(entity):
    if compiler_errors(entity):
        return True
    return entity.get("CompilationSucceeded") is True and not entity.get("InvalidScript")


def wait(client, schema, entity_id, before, timeout, sleep=time.sleep, clock=time.monotonic, interval=0.5):
    """Poll the compile status until it settles or the timeout passes.

    Answers (status_entity, outcome): COMPILED, UNCHANGED_ERRORS (the errors on record did not
    move within ERRORS_GRACE) or TIMEOUT.
    """
    path = schema.path(entity_id)
    query = odata.build_query(select=[schema.key] + list(STATUS_FIELDS))
    started = clock()
    deadline = started + timeout
    while True:
        current = client.get(path, query=query) or {}
        if status(current) != before and settled(current):
            return current, COMPILED
        if compiler_errors(current) and clock() - started >= ERRORS_GRACE:
            return current, UNCHANGED_ERRORS
        remaining = deadline - clock()
        if remaining <= 0:
            return current, TIMEOUT
        sleep(min(interval, remaining))
        interval = min(interval * 1.5, 5.0)


def compiles(plan):
    """A create or a script change makes the PBX compile."""
    return plan.action == "create" or (plan.action == "update" and "ScriptCode" in plan.changes)


def settle(client, schema, plan, entity, timeout, sleep=time.sleep, clock=time.monotonic):
    """Wait for the compile a write started; answer (entity re-read in full, errors, outcome)."""
    entity_id = entity[schema.key]
    _status, outcome = wait(client, schema, entity_id, status(plan.current), timeout, sleep=sleep, clock=clock)
    select, expand = schema.projection()
    entity = odata.entity(client.get(schema.path(entity_id), query=odata.build_query(select=select, expand=expand))) or entity
    # on a timeout the errors on record belong to the previous script, not this one
    return entity, (compiler_errors(entity) if outcome != TIMEOUT else []), outcome


def failure_message(schema, entity, errors, outcome, timeout):
    """Why a wait for compilation failed, or None when the script compiled."""
    number = entity.get("Number")
    if errors and outcome == UNCHANGED_ERRORS:
        return ("The PBX still reports these compiler errors for %s %s, unchanged %d seconds after the script was "
                "saved (the PBX has not compiled the new script, or it fails the same way as the one before): %s" % (
                    schema.title, number, ERRORS_GRACE, one_line(errors)))
    if errors:
        return "The PBX could not compile the script of %s %s: %s" % (schema.title, number, one_line(errors))
    if outcome == TIMEOUT:
        return "compilation_timeout: the PBX did not finish compiling %s %s within %d seconds." % (
            schema.title, number, timeout)
    return None
