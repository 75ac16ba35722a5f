# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every unit test sees no THREECX_* variable: the modules fall back to them, so a shell that
set them (a run under with_simulator.py, a developer's PBX credentials) would change the results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest


@pytest.fixture(autouse=True)
def no_threecx_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("THREECX_"):
            monkeypatch.delenv(name)
