"""Fixtures for the simulator's own tests: an in-process simulator per test."""

import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from xapisim.config import Config  # noqa: E402  pylint: disable=wrong-import-position
from xapisim.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from simclient import Client  # noqa: E402  pylint: disable=wrong-import-position


class FakeClock:
    """Wall-clock time that moves only when a test says so (token expiry, compile deadlines)."""

    def __init__(self):
        self.now = float(int(time.time()))  # whole seconds: advancing by whole seconds stays exact

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


class SleepRecorder:
    """Stands in for time.sleep in the simulator: records each added latency, in seconds."""

    def __init__(self):
        self.slept = []

    def __call__(self, seconds):
        self.slept.append(seconds)


@pytest.fixture
def clock():
    """A FakeClock; pass it to make_sim(clock=clock) and advance it instead of sleeping."""
    return FakeClock()


@pytest.fixture
def sleeps():
    """A SleepRecorder; pass it to make_sim(sleep=sleeps) to see latency without waiting for it."""
    return SleepRecorder()


@pytest.fixture
def make_sim():
    """Factory: start simulators with given settings; all are stopped after the test."""
    started = []

    def factory(extra_seed=None, clock=time.time, sleep=time.sleep, **settings):
        settings.setdefault("compile_delay", 0)
        sim = Simulator(Config(**settings), extra_seed=extra_seed, clock=clock, sleep=sleep).start_in_thread()
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
