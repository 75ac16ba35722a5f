"""The committed registry: consistent, and exactly what the generator makes from the document."""

import json
import os
import sys
import warnings

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "scripts"))

import gen_registry  # noqa: E402  pylint: disable=wrong-import-position

SOURCE_PRESENT = os.path.isfile(gen_registry.DEFAULT_SOURCE)


@pytest.fixture(scope="module")
def committed():
    return gen_registry.load_committed(gen_registry.DEFAULT_OUTPUT)


def test_committed_registry_is_consistent(committed):
    assert gen_registry.check_consistency(committed[1]) == []


def test_committed_registry_matches_the_generator(capsys):
    status = gen_registry.main(["--check"])
    out = capsys.readouterr().out
    if not SOURCE_PRESENT:
        # Not a skip: the registry's own consistency was checked; say loudly what was not compared.
        warnings.warn("%s is missing: the registry was checked for consistency, not compared with the document"
                      % gen_registry.DEFAULT_SOURCE)
        assert "consistency only" in out
    assert status == 0, "the registry is stale: run python scripts/gen_registry.py"


def test_check_fails_on_a_stale_or_broken_registry(tmp_path):
    with open(gen_registry.DEFAULT_OUTPUT, encoding="utf-8") as handle:
        text = handle.read()
    stale = tmp_path / "registry_data.py"
    if SOURCE_PRESENT:
        stale.write_text(text.replace('"Pbx.CallFlowApp"', '"Pbx.CallFlowAppX"', 1), encoding="utf-8")
        assert gen_registry.main(["--check", "--output", str(stale)]) == 1
    # without the document, a dangling reference is what the consistency check must catch
    stale.write_text(text.replace('"r":"Pbx.UserGroup"', '"r":"Pbx.NoSuchGroup"', 1), encoding="utf-8")
    assert gen_registry.main(["--check", "--output", str(stale), "--source", str(tmp_path / "absent.yaml")]) == 1


def test_registry_covers_the_documented_api_surface(committed):
    source, data = committed
    assert source["build"] == "20.0.10"
    sets, singletons = data["sets"], data["singletons"]
    assert len(sets) >= 50 and len(singletons) >= 40
    users = sets["Users"]
    assert users["key"] == "Id" and users["key_type"] == "int" and users["alt_keys"] == ["Number"]
    assert users["verbs"] == ["list", "create", "read", "update", "delete"]
    assert sets["Peers"]["verbs"] == ["list"]
    assert sets["Fxs"]["key"] == "MacAddress" and sets["Fxs"]["key_type"] == "string"
    assert sets["Trunks"]["operations"]["Pbx.InitTrunk"] == {
        "on": "collection", "method": "GET", "params": ["template"], "returns": "Pbx.Trunk"}
    assert singletons["OfficeHours"] == {"path": "/OfficeHours", "schema": "Pbx.OfficeHours", "verbs": ["read", "update"]}
    assert singletons["Defs"]["verbs"] == ["read"]
    user = data["schemas"]["Pbx.User"]
    assert user["base"] == "Pbx.ClickToCall"
    assert user["props"]["Phones"] == {"m": True, "r": "Pbx.Phone", "t": "object", "v": True}
    assert data["schemas"]["Pbx.DN"]["props"]["Groups"]["v"] is True
    assert data["enums"]["Pbx.TranscriptionType"]["flags"] is True
    assert "flags" not in data["enums"]["Pbx.SRTPModeType"]
    holiday = data["schemas"]["Pbx.Holiday"]["props"]
    assert holiday["Name"] == {"n": False, "t": "string"} and holiday["Day"]["f"] == "uint8"
    assert holiday["TimeOfStartDate"]["t"] == "duration"


def test_data_lines_fit_the_sanity_line_length():
    """Entries are broken over lines only where they exceed the width, so a new document diffs readably."""
    with open(gen_registry.DEFAULT_OUTPUT, encoding="utf-8") as handle:
        text = handle.read()
    assert max(len(line) for line in text.splitlines()) <= 160
    body = text.split('DATA = r"""', 1)[1].rsplit('"""', 1)[0]
    assert json.loads(body) == gen_registry.load_committed(gen_registry.DEFAULT_OUTPUT)[1]
    assert ' "Pbx.Holiday":{' in body
