# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every unit test sees no THREECX_* variable: the modules fall back to them, so a shell that
set them (a run under with_simulator.py, a developer's PBX credentials) would change the results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import kinds


@pytest.fixture(autouse=True)
def no_threecx_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("THREECX_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def fresh_kinds(monkeypatch):
    """Every test builds the kinds of kinds.py itself instead of taking those an earlier test cached.

    Mutation testing runs each mutant in a process forked after the tests were collected; with the
    cache kept, a mutant of kinds.py would meet kinds built before it existed."""
    monkeypatch.setattr(kinds, "_cache", {})
