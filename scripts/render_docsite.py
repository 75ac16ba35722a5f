#!/usr/bin/env python
"""Render the user guides in docs/*.md as reStructuredText for the collection docsite.

antsibull-docs builds a collection's docsite from its module documentation and from the
extra documents in docs/docsite/rst (listed in docs/docsite/extra-docs.yml); it takes RST
only. The guides are written and read as Markdown in docs/ (the README links there), so
docs/docsite/rst/<guide>.rst is rendered from them: ``make docs`` runs this script, and the
test in tests/docs fails when a rendered file is out of date.

The Markdown the guides use is converted: headings, paragraphs, bullet and numbered lists,
fenced code blocks, tables, inline code, bold, italics and links; comments are dropped. A
link to another guide becomes a reference into the docsite, a link to a module page a
reference to the module's documentation, and a link to any other file of the repository a
link to it on GitHub. Anything else (HTML, quotes, rules) is refused with the file and line,
rather than rendered wrong.

Usage:
    render_docsite.py [--check]

With --check nothing is written; the exit code is 1 when a file is missing, stale or left over.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
OUTPUT = os.path.join(DOCS, "docsite", "rst")
# the guides of the docsite, in the order of docs/docsite/extra-docs.yml
GUIDES = ["getting-started", "provision-a-pbx", "pbx-as-code", "check-and-diff", "iac-guide", "troubleshooting"]
HEADER = (".. Rendered by scripts/render_docsite.py from docs/%s.md. Do not edit: change the Markdown "
          "and run `make docs`.")
UNDERLINES = {1: "=", 2: "-", 3: "^"}
# Playbook snippets hold Jinja, vault tags and elisions ("..."): highlighted as Ansible's docs do,
# not parsed as YAML
LANGUAGES = {"yaml": "yaml+jinja", "": "text"}


class MarkdownError(Exception):
    """Markdown this renderer does not know; names the file and line."""


def _galaxy(key):
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"^%s:\s*['\"]?([^'\"\s]+)" % key, line)
            if match:
                return match.group(1)
    raise SystemExit("galaxy.yml has no %s" % key)


FQCN = "%s.%s" % (_galaxy("namespace"), _galaxy("name"))
REPOSITORY = _galaxy("repository").rstrip("/")
LABEL_PREFIX = "ansible_collections.%s.docsite." % FQCN


def doc_name(guide):
    return guide.replace("-", "_")


def slug(title):
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", re.sub(r"`", "", title).strip().lower())
    return text.replace(" ", "-")


def label(guide, anchor=None):
    return LABEL_PREFIX + doc_name(guide) + ("." + anchor if anchor else "")


# ------------------------------------------------------------------ inline markup

_BEFORE_OK = set(" \t\n-:/'\"<([{")
_AFTER_OK = set(" \t\n-.,:;!?\\/'\")]}>")


def _fits(char, allowed, categories):
    return char == "" or char in allowed or unicodedata.category(char) in categories


def _escape(text):
    """Plain text: characters RST would read as markup are escaped."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*`|])", r"\\\1", text)
    return re.sub(r"(?<=\w)_(?=\W|$)", r"\\_", text)


def _literal(code):
    return "``%s``" % code.strip()


class Inline:
    """Converts the inline Markdown of one block; links are resolved relative to the guide."""

    TOKEN = re.compile(r"`(?P<code>[^`]+)`|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)"
                       r"|\*\*(?P<bold>.+?)\*\*|\*(?P<em>[^*\s][^*]*?)\*")

    def __init__(self, guide, anchors):
        self.guide = guide
        self.anchors = anchors

    def convert(self, text):
        parts, pos = [], 0
        for match in self.TOKEN.finditer(text):
            parts.append(("text", text[pos:match.start()]))
            parts.append(("markup", self._markup(match)))
            pos = match.end()
        parts.append(("text", text[pos:]))
        out = ""
        for index, (kind, value) in enumerate(parts):
            if kind == "text":
                out += _escape(value)
                continue
            if not _fits(out[-1:], _BEFORE_OK, ("Pd", "Ps", "Pi", "Pf", "Po")):
                out += "\\ "
            out += value
            following = parts[index + 1][1][:1] if index + 1 < len(parts) else ""
            if not _fits(following, _AFTER_OK, ("Pd", "Pe", "Pi", "Pf", "Po")):
                out += "\\ "
        return out

    def _markup(self, match):
        if match.group("code") is not None:
            return _literal(match.group("code"))
        if match.group("url") is not None:
            return self._link(match.group("text").replace("`", ""), match.group("url"))
        if match.group("bold") is not None:
            return self._emphasis(match.group("bold"), "**")
        return self._emphasis(match.group("em"), "*")

    def _emphasis(self, text, mark):
        # RST cannot nest inline markup: code inside bold stays code, the words around it bold
        pieces = re.split(r"(`[^`]+`)", text)
        out = []
        for piece in pieces:
            if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
                out.append(_literal(piece[1:-1]))
            elif piece.strip():
                lead, core, tail = re.match(r"^(\s*)(.*?)(\s*)$", piece, re.S).groups()
                out.append(lead + mark + _escape(core) + mark + tail)
            else:
                out.append(piece)
        return "".join(out)

    def _link(self, text, url):
        if re.match(r"^[a-z]+://", url):
            return "`%s <%s>`__" % (_escape(text), url)
        path, anchor = (url.split("#", 1) + [""])[:2]
        target = os.path.normpath(os.path.join(DOCS, path)) if path else os.path.join(DOCS, self.guide + ".md")
        relative = os.path.relpath(target, DOCS)
        guide = relative[:-3] if relative.endswith(".md") else None
        if guide in GUIDES:
            if anchor and anchor not in self.anchors[guide]:
                raise MarkdownError("docs/%s.md: no heading %r in docs/%s.md" % (self.guide, anchor, guide))
            if text.endswith(".md"):  # a file name as the text: the docsite shows the title of the section
                return ":ref:`%s`" % label(guide, anchor or None)
            return ":ref:`%s <%s>`" % (_escape(text), label(guide, anchor or None))
        module = re.match(r"^modules/(\w+)\.md$", relative)
        if module:
            return ":ansplugin:`%s <%s.%s#module>`" % (text, FQCN, module.group(1))
        if relative.rstrip("/") == "modules":
            return ":anscollection:`%s <%s#plugins-module>`" % (text, FQCN)
        in_repo = os.path.relpath(target, ROOT)
        if in_repo.startswith(".."):
            raise MarkdownError("docs/%s.md: link %r leaves the repository" % (self.guide, url))
        if not os.path.exists(target):
            raise MarkdownError("docs/%s.md: link %r names no file" % (self.guide, url))
        kind = "tree" if os.path.isdir(target) else "blob"
        return "`%s <%s/%s/main/%s%s>`__" % (_escape(text), REPOSITORY, kind, in_repo,
                                             "#" + anchor if anchor else "")


# ------------------------------------------------------------------ blocks

COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
TABLE_ROW = re.compile(r"^ *\|.*\|\s*$")
TABLE_RULE = re.compile(r"^ *\|(\s*:?-{3,}:?\s*\|)+\s*$")
FENCE = re.compile(r"^( *)```(\w*)\s*$")
HEADING = re.compile(r"^(#{1,3}) (.+)$")
ITEM = re.compile(r"^( *)([-*]|\d+\.) (.*)$")


def _cells(row):
    """The cells of a Markdown table row (an escaped pipe stays in its cell)."""
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def blocks(lines, guide):
    """(kind, indent, payload) for each block: heading, paragraph, item, code."""
    found, index = [], 0
    while index < len(lines):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            indent, end = len(fence.group(1)), index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise MarkdownError("docs/%s.md:%d: code block without its end" % (guide, index + 1))
            code = [text[indent:] if text.startswith(" " * indent) else text.lstrip() for text in lines[index + 1:end]]
            found.append(("code", indent, (LANGUAGES.get(fence.group(2), fence.group(2)), code)))
            index = end + 1
            continue
        if not line.strip() or COMMENT.match(line):  # a comment is invisible in Markdown too
            index += 1
            continue
        if TABLE_ROW.match(line) and index + 1 < len(lines) and TABLE_RULE.match(lines[index + 1]):
            end = index + 2
            while end < len(lines) and TABLE_ROW.match(lines[end]):
                end += 1
            rows = [_cells(text) for text in [line] + lines[index + 2:end]]
            if any(len(row) != len(rows[0]) for row in rows):
                raise MarkdownError("docs/%s.md:%d: a table whose rows differ in length" % (guide, index + 1))
            found.append(("table", len(line) - len(line.lstrip()), rows))
            index = end
            continue
        if line.lstrip().startswith(("|", "<", ">")) or re.match(r"^ {0,3}(-{3,}|={3,})\s*$", line):
            raise MarkdownError("docs/%s.md:%d: tables, HTML, quotes and rules are not rendered: %s"
                                % (guide, index + 1, line.strip()))
        heading = HEADING.match(line)
        if heading:
            found.append(("heading", len(heading.group(1)), heading.group(2).strip()))
            index += 1
            continue
        item = ITEM.match(line)
        kind, indent, text = ("item", len(item.group(1)), (item.group(2), item.group(3))) if item \
            else ("paragraph", len(line) - len(line.lstrip()), line.strip())
        index += 1
        while index < len(lines) and lines[index].strip() and not (
                FENCE.match(lines[index]) or HEADING.match(lines[index]) or ITEM.match(lines[index])):
            continuation = lines[index].strip()
            text = (text[0], text[1] + " " + continuation) if kind == "item" else text + " " + continuation
            index += 1
        found.append((kind, indent, text))
    return found


def anchors_of(lines):
    anchors, seen = set(), {}
    for kind, unused_level, payload in blocks(lines, "?"):
        if kind == "heading":
            base = slug(payload)
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchors.add(base if not count else "%s-%d" % (base, count))
    return anchors


def _not_a_list(text):
    """A title or paragraph that starts like "1. " would be read as a numbered list."""
    return re.sub(r"^(\d+)\. ", r"\1\\. ", text)


def render(guide, lines, anchors):
    inline = Inline(guide, anchors)
    out = [HEADER % guide, "", ".. _%s:" % label(guide), ""]
    seen = {}
    for kind, indent, payload in blocks(lines, guide):
        pad = " " * indent
        if kind == "heading":
            base = slug(payload)
            count = seen.get(base, 0)
            seen[base] = count + 1
            title = _not_a_list(inline.convert(payload))
            if indent > 1:  # the page title carries the guide's own label
                out += [".. _%s:" % label(guide, base if not count else "%s-%d" % (base, count)), ""]
            out += [title, UNDERLINES[indent] * len(title), ""]
        elif kind == "paragraph":
            out += [pad + _not_a_list(inline.convert(payload)), ""]
        elif kind == "item":
            marker, text = payload
            out += ["%s%s %s" % (pad, "-" if marker in "-*" else marker, inline.convert(text)), ""]
        elif kind == "table":
            out += ["%s.. list-table::" % pad, "%s   :header-rows: 1" % pad, ""]
            for row in payload:
                cells = [inline.convert(cell) or "\\ " for cell in row]
                out += ["%s   * - %s" % (pad, cells[0])] + ["%s     - %s" % (pad, cell) for cell in cells[1:]]
            out += [""]
        else:
            language, code = payload
            out += ["%s.. code-block:: %s" % (pad, language), ""]
            out += [(pad + "   " + text).rstrip() for text in code] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def rendered_files():
    sources = {}
    for guide in GUIDES:
        with open(os.path.join(DOCS, guide + ".md"), encoding="utf-8") as handle:
            sources[guide] = handle.read().split("\n")
    anchors = dict((guide, anchors_of(lines)) for guide, lines in sources.items())
    return dict((doc_name(guide) + ".rst", render(guide, lines, anchors)) for guide, lines in sources.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is stale")
    args = parser.parse_args(argv)
    try:
        files = rendered_files()
    except MarkdownError as exc:
        sys.stderr.write("%s\n" % exc)
        return 1
    stale = []
    for name, text in sorted(files.items()):
        path = os.path.join(OUTPUT, name)
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        if current != text:
            stale.append(name)
            if not args.check:
                os.makedirs(OUTPUT, exist_ok=True)
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    leftovers = sorted(n for n in os.listdir(OUTPUT) if n.endswith(".rst") and n not in files) \
        if os.path.isdir(OUTPUT) else []
    if args.check:
        for name in stale:
            print("stale: docs/docsite/rst/%s" % name)
        for name in leftovers:
            print("no such guide: docs/docsite/rst/%s" % name)
        return 1 if stale or leftovers else 0
    for name in leftovers:
        os.unlink(os.path.join(OUTPUT, name))
        print("removed docs/docsite/rst/%s (no such guide)" % name)
    print("%d guides in docs/docsite/rst, %d rewritten" % (len(files), len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
