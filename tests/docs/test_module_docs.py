"""docs/modules/*.md must match what scripts/render_module_docs.py renders from the modules.

Fails when a module's documentation changed without ``make docs``, when a module has no
page, or when a page is left over from a module that no longer exists.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs", "modules")


def _load_renderer():
    spec = importlib.util.spec_from_file_location("render_module_docs", os.path.join(ROOT, "scripts", "render_module_docs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDERER = _load_renderer()
MODULES = RENDERER.module_names()


@pytest.fixture(scope="module")
def rendered():
    if not (shutil.which("ansible-doc") or os.path.exists(os.path.join(os.path.dirname(sys.executable), "ansible-doc"))):
        pytest.skip("ansible-doc is not installed (run the tests through make)")
    return RENDERER.rendered_files(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_page_is_up_to_date(rendered, module):
    page = os.path.join(DOCS, module + ".md")
    assert os.path.exists(page), "docs/modules/%s.md is missing: run `make docs`" % module
    with open(page, encoding="utf-8") as handle:
        current = handle.read()
    assert current == rendered[module + ".md"], "docs/modules/%s.md is stale: run `make docs`" % module


def test_no_page_without_a_module():
    pages = sorted(name[:-3] for name in os.listdir(DOCS) if name.endswith(".md") and name != "README.md")
    assert pages == MODULES, "pages without a module: %s" % sorted(set(pages) - set(MODULES))


def test_markup_is_converted():
    markup = RENDERER.markup
    assert markup("O(state=absent) and V(a\\)b) and C(x)") == "`state=absent` and `a)b` and `x`"
    assert markup("M(threecx.xapi.token) or M(ansible.builtin.uri)") == "[threecx.xapi.token](token.md) or `ansible.builtin.uri`"
    assert markup("I(one) B(two) U(https://example.com) L(three,https://example.org)") == (
        "*one* **two** <https://example.com> [three](https://example.org)")
