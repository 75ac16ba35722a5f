"""Files generated from the registry (the typed modules, docs/entities.md) must match their generators."""

from __future__ import annotations

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load(script):
    spec = importlib.util.spec_from_file_location(script, os.path.join(ROOT, "scripts", script + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["gen_modules", "gen_entity_docs"])
def test_generated_files_are_up_to_date(script, capsys):
    assert _load(script).main(["--check"]) == 0, capsys.readouterr().err


def test_a_stale_module_is_detected(tmp_path, monkeypatch):
    generator = _load("gen_modules")
    files = generator.generated()
    path = sorted(files)[0]
    copy = tmp_path / os.path.basename(path)
    copy.write_text(files[path].replace("Manage", "Handle", 1), encoding="utf-8")
    monkeypatch.setattr(generator, "generated", lambda: {str(copy): files[path]})
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0 and copy.read_text(encoding="utf-8") == files[path]


def test_every_kind_has_a_module_and_every_generated_module_a_kind():
    generator = _load("gen_modules")
    from ansible_collections.threecx.xapi.plugins.module_utils import kinds
    expected = set(kind.module for kind in kinds.all_kinds()) - set(generator.HANDWRITTEN)
    assert set(os.path.basename(p)[:-3] for p in generator.generated()) == expected
    for module in expected:
        assert os.path.exists(os.path.join(ROOT, "plugins", "modules", module + ".py"))
