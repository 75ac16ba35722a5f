"""The collection's engine reads every entity set and singleton the simulator serves.

What entity_info sends for a list and entity for a read (the registry's projection, nested expands
included, paged) must be a query the server answers; a projection the server refuses
would make the generic modules fail on that set.
"""

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import odata, reconcile, registry
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiClient
from xapisim.config import Config
from xapisim.server import Simulator

LISTABLE = [name for name in registry.set_names() if registry.entity_set(name).can("list")]
READABLE_SINGLETONS = [name for name in registry.singleton_names() if registry.singleton(name).can("read")]


@pytest.fixture(scope="module")
def engine_client():
    sim = Simulator(Config(compile_delay=0)).start_in_thread()
    yield XapiClient(sim.url, client_id="ansible", client_secret="sim-secret")
    sim.shutdown()


@pytest.mark.parametrize("set_name", LISTABLE)
def test_the_engine_lists_every_set_with_its_projection(engine_client, set_name):
    schema = registry.entity_set(set_name)
    select, expand = schema.projection()
    rows = list(odata.iterate(engine_client, schema.entity_set, select=select, expand=expand, orderby=schema.key))
    assert all(isinstance(row, dict) for row in rows)


@pytest.mark.parametrize("name", READABLE_SINGLETONS)
def test_the_engine_reads_every_singleton_with_its_projection(engine_client, name):
    assert isinstance(reconcile.read(engine_client, registry.singleton(name)), dict)
