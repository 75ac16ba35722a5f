"""docs/modules/*.md must match what scripts/render_module_docs.py renders from the modules.

Fails when a module's documentation changed without ``make docs``, when a module has no
page, or when a page is left over from a module that no longer exists.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

import renderers

DOCS = os.path.join(renderers.ROOT, "docs", "modules")
RENDERER = renderers.load("render_module_docs")
MODULES = RENDERER.module_names()


@pytest.fixture(scope="module")
def docs():
    if not (shutil.which("ansible-doc") or os.path.exists(os.path.join(os.path.dirname(sys.executable), "ansible-doc"))):
        pytest.skip("ansible-doc is not installed (run the tests through make)")
    return RENDERER.read_docs(MODULES)


@pytest.fixture(scope="module")
def rendered(docs):
    return dict(("%s.md" % m, RENDERER.render("%s.%s" % (RENDERER.FQCN, m), docs["%s.%s" % (RENDERER.FQCN, m)]))
                for m in MODULES)


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
    assert markup("O(threecx.xapi.callflow_app#module:groups) or RV(ansible.builtin.uri#module:status)") == (
        "`groups` of [threecx.xapi.callflow_app](callflow_app.md) or `status` of `ansible.builtin.uri`")
    assert markup("M(threecx.xapi.token) or M(ansible.builtin.uri)") == "[threecx.xapi.token](token.md) or `ansible.builtin.uri`"
    assert markup("I(one) B(two) U(https://example.com) L(three,https://example.org)") == (
        "*one* **two** <https://example.com> [three](https://example.org)")


# -- completeness of the module documentation ------------------------------

# Return values that are dictionaries with free-form keys, so without "contains": a diff's before and
# after hold the properties the task manages, which are those the task sets; an entity is returned as the
# PBX holds it, with the properties of its entity set (docs/entities.md lists them); pbx and pbx_export
# key their results by kind.
TYPED_MODULES = ("department", "user", "queue", "ring_group", "receptionist", "trunk", "inbound_rule",
                 "outbound_rule", "holiday", "parameter", "office_hours")
FREE_FORM_RETURNS = dict(
    {"callflow_app": {"diff.before", "diff.after"},
     "callflow_apps": {"results.diff.before", "results.diff.after", "diff.before", "diff.after"},
     "entity": {"entity", "diff.before", "diff.after"},
     "entity_info": {"entity", "entities"},
     "pbx": {"summary", "results", "diff.before", "diff.after"},
     "pbx_export": {"config"}},
    **dict((module, {module, "diff.before", "diff.after"}) for module in TYPED_MODULES))
# Options of type raw (or lists of raw elements) of the hand-written modules, each with the reason its
# description must give.
RAW_OPTIONS = {
    "callflow_app": {"groups": "JSON string", "trunk": "JSON string", "departments": "or of dicts",
                     "number": "accepted with a warning"},
    "callflow_apps": {"apps": "index", "apps.groups": "JSON string", "apps.trunk": "JSON string",
                      "apps.departments": "or of dicts", "apps.number": "accepted with a warning"},
    "entity": {"id": "a text key"},
    "entity_info": {"id": "a text key"},
}
# The typed modules take raw values where a value has more than one shape; the generated description says which.
RAW_SHAPES = ("or a dict", "or dicts", "or of dicts", "accepted with a warning", "(a list of Pbx.", "a list of dicts")


def _text(description):
    return " ".join(description) if isinstance(description, list) else description or ""


def _walk(entries, prefix=""):
    for name, spec in sorted((entries or {}).items()):
        yield prefix + name, spec
        yield from _walk(spec.get("contains") or spec.get("suboptions"), prefix + name + ".")


def _docs_of(docs, module):
    return docs["%s.%s" % (RENDERER.FQCN, module)]


@pytest.mark.parametrize("module", MODULES)
def test_every_dict_return_value_says_what_it_contains(docs, module):
    bare = set(path for path, spec in _walk(_docs_of(docs, module)["return"])
               if "dict" in (spec.get("type"), spec.get("elements")) and not spec.get("contains"))
    assert bare == FREE_FORM_RETURNS.get(module, set())


@pytest.mark.parametrize("module", MODULES)
def test_raw_options_are_the_known_ones_and_say_why(docs, module):
    raw = dict((path, spec) for path, spec in _walk(_docs_of(docs, module)["doc"]["options"])
               if "raw" in (spec.get("type"), spec.get("elements")))
    if module in TYPED_MODULES:
        for path, spec in raw.items():
            text = _text(spec.get("description"))
            assert any(shape in text for shape in RAW_SHAPES), "%s: the description must say which shapes it takes" % path
        return
    expected = RAW_OPTIONS.get(module, {})
    assert sorted(raw) == sorted(expected), "a new raw option: give it suboptions, or its reason here"
    for path, reason in expected.items():
        assert reason in _text(raw[path].get("description")), "%s: the description must say why it is raw" % path


def _shape(spec):
    return dict((key, spec.get(key)) for key in ("type", "elements", "choices", "default"))


def test_the_items_of_callflow_apps_are_documented_as_the_module_checks_them(docs):
    from ansible_collections.threecx.xapi.plugins.module_utils.entities.callflow_app import argument_spec
    from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import connection_argument_spec

    items = _docs_of(docs, "callflow_apps")["doc"]["options"]["apps"]["suboptions"]
    single = _docs_of(docs, "callflow_app")["doc"]["options"]
    checked = argument_spec()
    assert sorted(items) == sorted(checked) == sorted(set(single) - set(connection_argument_spec()))
    for name, spec in checked.items():
        documented = _shape(items[name])
        assert documented == _shape(single[name]), name
        assert documented == dict(_shape(spec), type=spec.get("type", "str")), name
