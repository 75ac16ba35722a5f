"""Fixtures for the simulator's own tests: an in-process simulator per test."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from xapisim.config import Config  # noqa: E402  pylint: disable=wrong-import-position
from xapisim.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from simclient import Client  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def make_sim():
    """Factory: start simulators with given settings; all are stopped after the test."""
    started = []

    def factory(extra_seed=None, **settings):
        settings.setdefault("compile_delay", 0)
        sim = Simulator(Config(**settings), extra_seed=extra_seed).start_in_thread()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        sim.shutdown()


@pytest.fixture
def sim(make_sim):
    """A simulator with immediate compilation and default settings otherwise."""
    return make_sim()


@pytest.fixture
def client(sim):
    """A logged-in client of ``sim``."""
    api = Client(sim)
    api.login()
    return api


@pytest.fixture
def make_client():
    """Factory for clients of other simulators (logged in)."""
    def factory(simulator, login=True):
        api = Client(simulator)
        if login:
            api.login()
        return api
    return factory
