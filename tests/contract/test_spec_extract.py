"""The checked-in OpenAPI extract: valid, strict, and exactly what the generator makes."""

import copy
import functools
import os
import shutil
import warnings

import pytest
import yaml
from openapi_spec_validator import validate

import make_spec_extract
from xapi_contract import EXTRACT, load_openapi

SOURCE_PRESENT = os.path.isfile(make_spec_extract.DEFAULT_SOURCE)


@functools.lru_cache(maxsize=1)
def _parsed_extract():
    with open(EXTRACT, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_extract():
    """A private copy of the parsed extract."""
    return copy.deepcopy(_parsed_extract())


@pytest.fixture(scope="module")
def fresh_text():
    """What the generator makes from the source now (None when the source is absent)."""
    return make_spec_extract.make(make_spec_extract.DEFAULT_SOURCE) if SOURCE_PRESENT else None


def test_extract_is_a_valid_standalone_openapi_document():
    doc = load_extract()
    validate(doc)
    assert doc["openapi"].startswith("3.0")
    load_openapi()  # openapi-core accepts it too


def test_extract_matches_the_generator_output(fresh_text):
    with open(EXTRACT, encoding="utf-8") as handle:
        checked_in = handle.read()
    if fresh_text is None:
        # Not a skip: the extract was still validated above; say loudly what was not compared.
        warnings.warn("%s is missing: the extract was validated but not compared with the source"
                      % make_spec_extract.DEFAULT_SOURCE)
        assert "sha1 of the source file" in checked_in
        return
    assert checked_in == fresh_text, (
        "tests/contract/xapi-extract.yaml is out of date: run python tests/contract/make_spec_extract.py")


def test_check_mode_detects_a_stale_extract(tmp_path, monkeypatch, fresh_text):
    stale = tmp_path / "extract.yaml"
    shutil.copy(EXTRACT, stale)
    # --check compares what make() answers with the file; without the source, the checked-in
    # extract stands in for the generator's output, so the comparison itself is still exercised
    expected = fresh_text if fresh_text is not None else stale.read_text(encoding="utf-8")
    monkeypatch.setattr(make_spec_extract, "make", lambda _source: expected)
    assert make_spec_extract.main(["--output", str(stale), "--check"]) == 0
    stale.write_text(stale.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert make_spec_extract.main(["--output", str(stale), "--check"]) == 1


def test_header_names_source_commit_sha1_and_command():
    with open(EXTRACT, encoding="utf-8") as handle:
        head = handle.read().split("---", 1)[0]
    assert "3cx/xapi-tutorial" in head
    assert "ceb6d0de3cc4f828e5afc24f8aa415073dffc483" in head
    assert "dd51daeab64db64cc3ad1e9c74cd5d65099aa073" in head
    assert "python tests/contract/make_spec_extract.py" in head
    assert "additionalProperties: false" in head


def test_extract_holds_exactly_the_simulated_operations():
    doc = load_extract()
    methods = {path: tuple(m for m in item if m in ("get", "post", "patch", "delete", "put")) for path, item in doc["paths"].items()}
    assert methods == {path: tuple(ms) for path, ms in make_spec_extract.OPERATIONS.items()}
    assert "/connect/token" not in doc["paths"]


def _object_schemas(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and node.get("properties"):
            yield node
        for value in node.values():
            yield from _object_schemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from _object_schemas(item)


def test_every_object_schema_with_properties_is_strict():
    schemas = list(_object_schemas(load_extract()))
    assert len(schemas) > 20
    assert all(schema.get("additionalProperties") is False for schema in schemas)


def test_no_composition_or_dangling_reference_is_left():
    doc = load_extract()
    text = yaml.safe_dump(doc)
    assert "allOf" not in text
    for ref in make_spec_extract.walk_refs(doc):
        section, name = make_spec_extract.split_ref(ref)
        assert name in doc["components"][section], ref


def test_callflow_app_schema_keeps_every_property_of_the_source():
    app = load_extract()["components"]["schemas"]["Pbx.CallFlowApp"]["properties"]
    assert set(app) == {"Groups", "Id", "Number", "TranscriptionMode", "CompilationLastSuccess", "CompilationResult",
                        "CompilationSucceeded", "InvalidScript", "IsRegistered", "Name", "RejectedCode", "RoutingType",
                        "ScriptCode", "Trunk"}


def test_generator_works_on_a_minimal_source(tmp_path):
    """The flattening, strictness and null rules on a tiny hand-made document."""
    source = {
        "openapi": "3.0.4", "info": {"title": "T", "version": "1"}, "servers": [{"url": "/x"}],
        "paths": {path: {m: {"responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/D"}}}}}} for m in methods}
            for path, methods in make_spec_extract.OPERATIONS.items()},
        "components": {"schemas": {
            "B": {"type": "object", "properties": {"Id": {"type": "integer"}}},
            "D": {"allOf": [{"$ref": "#/components/schemas/B"},
                            {"title": "D", "type": "object", "properties": {
                                "E": {"allOf": [{"$ref": "#/components/schemas/E"}], "nullable": True}}}]},
            "E": {"type": "string", "enum": ["A"]},
            "Unused": {"type": "object", "properties": {"X": {"type": "string"}}},
        }},
    }
    path = tmp_path / "source.yaml"
    path.write_text(yaml.safe_dump(source), encoding="utf-8")
    text = make_spec_extract.make(str(path))
    doc = yaml.safe_load(text.split("---", 1)[1])
    schemas = doc["components"]["schemas"]
    assert set(schemas) == {"D", "DEntityResponse", "E"}
    assert schemas["D"] == {"title": "D", "type": "object", "additionalProperties": False, "properties": {
        "Id": {"type": "integer"}, "E": {"anyOf": [{"$ref": "#/components/schemas/E"}, {"nullable": True, "enum": [None]}]}}}
    assert "@odata.context" in schemas["DEntityResponse"]["properties"]
    assert "origin is unknown" in text
