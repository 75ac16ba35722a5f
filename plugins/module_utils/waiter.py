# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for the PBX to compile a call flow script.

The PBX compiles in the background after a script is saved. A compile has
finished when the compile status differs from the one seen before the write
and has settled: either it succeeded (CompilationSucceeded true, InvalidScript
false) or it left compiler errors ("E:" lines) in CompilationResult.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.threecx.xapi.plugins.module_utils import odata

STATUS_FIELDS = ("CompilationLastSuccess", "CompilationResult", "CompilationSucceeded", "InvalidScript")


def status(entity):
    entity = entity or {}
    return tuple(entity.get(name) for name in STATUS_FIELDS)


def compiler_errors(entity):
    """The compiler's error lines; warnings ("W:" and others) are left out."""
    text = (entity or {}).get("CompilationResult") or ""
    return [line.strip() for line in text.splitlines() if line.strip().startswith("E:")]


def settled(entity):
    if compiler_errors(entity):
        return True
    return entity.get("CompilationSucceeded") is True and not entity.get("InvalidScript")


def wait(client, schema, entity_id, before, timeout, sleep=time.sleep, clock=time.monotonic, interval=0.5):
    """Poll the compile status until it settles or the timeout passes.

    Answers (status_entity, finished): finished is False on timeout.
    """
    path = schema.path(entity_id)
    query = odata.build_query(select=[schema.key] + list(STATUS_FIELDS))
    deadline = clock() + timeout
    while True:
        current = client.get(path, query=query) or {}
        if status(current) != before and settled(current):
            return current, True
        remaining = deadline - clock()
        if remaining <= 0:
            return current, False
        sleep(min(interval, remaining))
        interval = min(interval * 1.5, 5.0)


def compiles(plan):
    """A create or a script change makes the PBX compile."""
    return plan.action == "create" or (plan.action == "update" and "ScriptCode" in plan.changes)


def settle(client, schema, plan, entity, timeout, sleep=time.sleep, clock=time.monotonic):
    """Wait for the compile a write started; answer (entity re-read in full, errors, finished)."""
    entity_id = entity[schema.key]
    _status, finished = wait(client, schema, entity_id, status(plan.current), timeout, sleep=sleep, clock=clock)
    select, expand = schema.projection()
    entity = odata.entity(client.get(schema.path(entity_id), query=odata.build_query(select=select, expand=expand))) or entity
    # on a timeout the errors on record belong to the previous script, not this one
    return entity, (compiler_errors(entity) if finished else []), finished
