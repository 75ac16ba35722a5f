"""The docsite: guides rendered from docs/*.md into docs/docsite/rst, its index and links files.

Fails when a guide changed without ``make docs``, when extra-docs.yml and the rendered guides
disagree, when a link of the README or of a guide leads nowhere, and on Markdown the renderer
would get wrong.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

import renderers

ROOT = renderers.ROOT
DOCSITE = os.path.join(ROOT, "docs", "docsite")
RENDERER = renderers.load("render_docsite")
RENDERED = RENDERER.rendered_files()


def _yaml(*path):
    with open(os.path.join(*path), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_guide_is_up_to_date(name):
    path = os.path.join(DOCSITE, "rst", name)
    assert os.path.exists(path), "docs/docsite/rst/%s is missing: run `make docs`" % name
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == RENDERED[name], "docs/docsite/rst/%s is stale: run `make docs`" % name


def test_extra_docs_lists_every_guide_once():
    sections = _yaml(DOCSITE, "extra-docs.yml")["sections"]
    listed = [ref for section in sections for ref in section["toctree"]]
    on_disk = sorted(name[:-4] for name in os.listdir(os.path.join(DOCSITE, "rst")) if name.endswith(".rst"))
    assert listed == [RENDERER.doc_name(guide) for guide in RENDERER.GUIDES]
    assert sorted(listed) == on_disk


def test_links_file_points_at_the_repository_of_galaxy_yml():
    links = _yaml(DOCSITE, "links.yml")
    repository = _yaml(ROOT, "galaxy.yml")["repository"]
    assert repository.endswith("/" + links["edit_on_github"]["repository"])
    for link in links["extra_links"]:
        assert link["url"].startswith(repository + "/")


def test_every_reference_of_a_guide_has_its_label():
    labels = set()
    for text in RENDERED.values():
        labels.update(re.findall(r"(?m)^\.\. _([^:]+):$", text))
    assert all(label.startswith(RENDERER.LABEL_PREFIX) for label in labels)
    for name, text in RENDERED.items():
        for target in re.findall(r":ref:`(?:[^`<]*<)?([^`>]+)>?`", text):
            assert target in labels, "%s refers to %s, which no guide defines" % (name, target)


@pytest.mark.parametrize("document", ["README.md"] + ["docs/%s.md" % guide for guide in RENDERER.GUIDES])
def test_relative_links_lead_to_files(document):
    with open(os.path.join(ROOT, document), encoding="utf-8") as handle:
        text = handle.read()
    text = re.sub(r"(?ms)^```.*?^```", "", text)
    for url in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+://", url) or url.startswith("#"):
            continue
        target = os.path.join(os.path.dirname(os.path.join(ROOT, document)), url.split("#")[0])
        assert os.path.exists(target), "%s links to %s, which does not exist" % (document, url)


# -- the Markdown converter ---------------------------------------------------

def _inline(text, guide="getting-started"):
    anchors = dict((name, {"401-unauthorized"}) for name in RENDERER.GUIDES)
    return RENDERER.Inline(guide, anchors).convert(text)


@pytest.mark.parametrize("markdown, rst", [
    ("plain *stress* and **bold**", "plain *stress* and **bold**"),
    ("`base_url`s and `x`", "``base_url``\\ s and ``x``"),
    ("**`number` is the identity.**", "``number`` **is the identity.**"),
    ("a * b | c_ \\d", "a \\* b \\| c\\_ \\\\d"),
    ("[Troubleshooting](troubleshooting.md#401-unauthorized)",
     ":ref:`Troubleshooting <ansible_collections.threecx.xapi.docsite.troubleshooting.401-unauthorized>`"),
    ("[troubleshooting.md](troubleshooting.md)", ":ref:`ansible_collections.threecx.xapi.docsite.troubleshooting`"),
    ("[threecx.xapi.token](modules/token.md)", ":ansplugin:`threecx.xapi.token <threecx.xapi.token#module>`"),
    ("[modules/](modules/)", ":anscollection:`modules/ <threecx.xapi#plugins-module>`"),
    ("[playbooks/](../playbooks)", "`playbooks/ <https://github.com/threecx-xapi/threecx.xapi/tree/main/playbooks>`__"),
    ("[the EE file](../meta/execution-environment.yml)",
     "`the EE file <https://github.com/threecx-xapi/threecx.xapi/blob/main/meta/execution-environment.yml>`__"),
    ("[3CX](https://www.3cx.com)", "`3CX <https://www.3cx.com>`__"),
])
def test_inline_markdown_becomes_rst(markdown, rst):
    assert _inline(markdown) == rst


@pytest.mark.parametrize("markdown, error", [
    ("[gone](troubleshooting.md#no-such-heading)", "no heading"),
    ("[gone](nothing-here.md)", "names no file"),
    ("[out](../../elsewhere.md)", "leaves the repository"),
])
def test_a_link_that_leads_nowhere_is_refused(markdown, error):
    with pytest.raises(RENDERER.MarkdownError, match=error):
        _inline(markdown)


def test_blocks_keep_lists_code_and_headings_apart():
    lines = ["# Title", "", "Some text", "over two lines.", "", "1. First", "   step.", "",
             "- item", "", "  ```yaml", "  - name: x", "  ```", "", "## 2. Next"]
    rst = RENDERER.render("getting-started", lines, dict((name, set()) for name in RENDERER.GUIDES))
    assert "Some text over two lines." in rst
    assert "\n1. First step.\n" in rst
    assert "\n  .. code-block:: yaml+jinja\n\n     - name: x\n" in rst
    assert "\n2\\. Next\n--------\n" in rst


@pytest.mark.parametrize("line", ["| a | b |", "<div>", "> quoted", "---"])
def test_markdown_the_renderer_does_not_know_is_refused(line):
    with pytest.raises(RENDERER.MarkdownError, match="not rendered"):
        RENDERER.blocks(["text", "", line], "getting-started")
