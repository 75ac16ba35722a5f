#!/usr/bin/env python
"""Render docs/modules/<module>.md from the modules' own documentation.

The source of truth is each module's DOCUMENTATION, EXAMPLES and RETURN (with the doc
fragments merged in), read through ``ansible-doc --json``, so the Markdown reference can
never say something the module does not. ``make docs`` runs this script; the test in
tests/docs fails when a rendered file is out of date.

Usage:
    render_module_docs.py [--output DIR] [--check] [MODULE ...]

Without MODULE, every module in plugins/modules is rendered. With --check nothing is
written; the exit code is 1 when a file is missing, stale or left over.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(ROOT, "docs", "modules")
HEADER = ("<!-- Rendered by scripts/render_module_docs.py from the module's documentation. "
          "Do not edit: change the module and run `make docs`. -->")


def collection_name():
    """namespace.name from galaxy.yml (read without a YAML library)."""
    values = {}
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"^(namespace|name):\s*['\"]?([A-Za-z0-9_]+)", line)
            if match:
                values[match.group(1)] = match.group(2)
    return "%s.%s" % (values["namespace"], values["name"])


FQCN = collection_name()


def module_names():
    folder = os.path.join(ROOT, "plugins", "modules")
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py")


def read_docs(modules):
    """ansible-doc --json for the modules of this source tree (not an installed copy)."""
    namespace, name = FQCN.split(".")
    farm = tempfile.mkdtemp(prefix="render-docs-")
    try:
        os.makedirs(os.path.join(farm, "ansible_collections", namespace))
        os.symlink(ROOT, os.path.join(farm, "ansible_collections", namespace, name))
        env = dict(os.environ)
        env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(p for p in (farm, env.get("ANSIBLE_COLLECTIONS_PATH")) if p)
        env["ANSIBLE_NOCOLOR"] = "1"
        ansible_doc = shutil.which("ansible-doc") or os.path.join(os.path.dirname(sys.executable), "ansible-doc")
        out = subprocess.run([ansible_doc, "--json", "--type", "module"] + ["%s.%s" % (FQCN, m) for m in modules],
                             check=True, capture_output=True, text=True, env=env).stdout
    finally:
        shutil.rmtree(farm, ignore_errors=True)
    docs = json.loads(out)
    missing = [m for m in modules if "%s.%s" % (FQCN, m) not in docs]
    if missing:
        raise SystemExit("ansible-doc found no documentation for %s" % ", ".join(missing))
    return docs


# ------------------------------------------------------------------ Ansible doc markup -> Markdown

def _code(text):
    text = text.replace("`", "'")
    return "`%s`" % text if text else ""


def _module_link(fqcn):
    if fqcn.startswith(FQCN + "."):
        short = fqcn[len(FQCN) + 1:]
        return "[%s](%s.md)" % (fqcn, short)
    return _code(fqcn)


def _option(text):
    # O(name=value) -> `name=value`; O(ns.coll.module#module:name=value) -> `name=value` of a link to the module
    if "#" in text and ":" in text.split("#", 1)[1]:
        plugin, rest = text.split("#", 1)
        return "%s of %s" % (_code(rest.split(":", 1)[1]), _module_link(plugin))
    return _code(text)


_ESCAPING = {"O": _option, "V": _code, "RV": _option, "E": _code, "P": lambda t: _code(t.split("#")[0])}
_PLAIN = {
    "C": _code,
    "I": lambda t: "*%s*" % t,
    "B": lambda t: "**%s**" % t,
    "U": lambda t: "<%s>" % t,
    "M": _module_link,
    "L": lambda t: "[%s](%s)" % tuple(part.strip() for part in t.rsplit(",", 1)) if "," in t else t,
    "R": lambda t: t.rsplit(",", 1)[0].strip(),
}
_MARKUP = re.compile(r"\b(RV|[OVEPCIBUMLR])\(")


def markup(text):
    """Convert Ansible's doc markup (classic and semantic) to Markdown."""
    if text is None:
        return ""
    text = str(text).replace("HORIZONTALLINE", "\n\n---\n\n")
    out, pos = [], 0
    for match in _MARKUP.finditer(text):
        if match.start() < pos:
            continue
        kind, start = match.group(1), match.end()
        if kind in _ESCAPING:
            # semantic markup: backslash escapes, ends at the first unescaped ")"
            value, index = [], start
            while index < len(text) and text[index] != ")":
                if text[index] == "\\" and index + 1 < len(text):
                    index += 1
                value.append(text[index])
                index += 1
            render, content = _ESCAPING[kind], "".join(value)
        else:
            index = text.find(")", start)
            index = len(text) if index < 0 else index
            render, content = _PLAIN[kind], text[start:index]
        out.append(text[pos:match.start()])
        out.append(render(content))
        pos = index + 1
    out.append(text[pos:])
    return "".join(out)


def paragraphs(value):
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [markup(item) for item in items]


def cell(value):
    """Text for one Markdown table cell."""
    text = "<br>".join(p.strip() for p in paragraphs(value) if p.strip()) if not isinstance(value, str) else markup(value)
    return text.replace("|", "\\|").replace("\n", " ")


def literal(value):
    if isinstance(value, (dict, list, bool)) or value is None:
        return _code(json.dumps(value, sort_keys=True))
    return _code(str(value))


# ------------------------------------------------------------------ sections

def _type_text(spec):
    kind = spec.get("type", "str")
    if spec.get("elements"):
        kind = "%s / elements=%s" % (kind, spec["elements"])
    return kind


def option_rows(options, prefix=""):
    rows = []
    for name in sorted(options):
        spec = options[name]
        label = "%s%s" % (prefix, name)
        title = "**%s**" % label if spec.get("required") else label
        notes = []
        if spec.get("required"):
            notes.append("required")
        if spec.get("aliases"):
            notes.append("aliases: %s" % ", ".join(spec["aliases"]))
        if spec.get("no_log"):
            notes.append("secret")
        default = literal(spec["default"]) if "default" in spec and spec["default"] is not None else ""
        choices = ", ".join(literal(c) for c in spec.get("choices", []))
        description = cell(spec.get("description"))
        if notes:
            description = "%s<br>*%s*" % (description, "; ".join(notes)) if description else "*%s*" % "; ".join(notes)
        rows.append("| %s | %s | %s | %s | %s |" % (title, _type_text(spec), default, choices, description))
        if spec.get("suboptions"):
            rows.extend(option_rows(spec["suboptions"], prefix=label + "."))
    return rows


def return_rows(values, prefix=""):
    rows = []
    for name in sorted(values):
        spec = values[name]
        label = "%s%s" % (prefix, name)
        description = cell(spec.get("description"))
        if "sample" in spec:
            sample = json.dumps(spec["sample"], sort_keys=True)
            if len(sample) <= 120:
                description = "%s<br>Sample: %s" % (description, _code(sample).replace("|", "\\|"))
        rows.append("| %s | %s | %s | %s |" % (label, _type_text(spec), cell(spec.get("returned", "")), description))
        if spec.get("contains"):
            rows.extend(return_rows(spec["contains"], prefix=label + "."))
    return rows


def seealso_lines(entries):
    lines = []
    for entry in entries or []:
        if "module" in entry:
            text = _module_link(entry["module"])
        elif "link" in entry:
            text = "[%s](%s)" % (entry.get("name", entry["link"]), entry["link"])
        elif "plugin" in entry:
            text = _code(entry["plugin"])
        else:
            text = entry.get("name", "")
        if entry.get("description"):
            text += ": " + markup(entry["description"])
        lines.append("- " + text)
    return lines


def render(fqcn, data):
    doc = data["doc"]
    short = fqcn.split(".")[-1]
    out = ["# %s" % fqcn, "", HEADER, "", markup(doc.get("short_description", "")).rstrip(".") + ".", ""]
    if doc.get("version_added"):
        out += ["Added in version %s of %s." % (doc["version_added"], doc.get("version_added_collection", FQCN)), ""]

    out += ["## Synopsis", ""]
    out += ["- " + p for p in paragraphs(doc.get("description"))] + [""]

    if doc.get("requirements"):
        out += ["## Requirements", "", "The host that runs the module needs:", ""]
        out += ["- " + markup(r) for r in doc["requirements"]] + [""]

    out += ["## Parameters", "", "| Parameter | Type | Default | Choices | Description |", "|---|---|---|---|---|"]
    out += option_rows(doc.get("options") or {}) + [""]

    if doc.get("attributes"):
        out += ["## Attributes", "", "| Attribute | Support | Description |", "|---|---|---|"]
        for name in sorted(doc["attributes"]):
            attribute = doc["attributes"][name]
            support = attribute.get("support", "")
            if attribute.get("membership"):
                support = "%s (%s)" % (support, ", ".join(attribute["membership"]))
            out.append("| %s | %s | %s |" % (name, support, cell(attribute.get("description"))))
        out.append("")

    if doc.get("notes"):
        out += ["## Notes", ""] + ["- " + p for p in paragraphs(doc["notes"])] + [""]

    if doc.get("seealso"):
        out += ["## See also", ""] + seealso_lines(doc["seealso"]) + [""]

    examples = (data.get("examples") or "").strip("\n")
    if examples:
        out += ["## Examples", "", "```yaml", examples, "```", ""]

    if data.get("return"):
        out += ["## Return values", "", "| Key | Type | Returned | Description |", "|---|---|---|---|"]
        out += return_rows(data["return"]) + [""]

    authors = doc.get("author") or []
    if authors:
        authors = authors if isinstance(authors, list) else [authors]
        out += ["## Authors", ""] + ["- " + a for a in authors] + [""]
    out += ["---", "", "Source: [plugins/modules/%s.py](../../plugins/modules/%s.py)" % (short, short), ""]
    return "\n".join(line.rstrip() for line in out)


def rendered_files(modules):
    docs = read_docs(modules)
    return dict(("%s.md" % m, render("%s.%s" % (FQCN, m), docs["%s.%s" % (FQCN, m)])) for m in modules)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="folder for the Markdown files (default docs/modules)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is stale")
    parser.add_argument("modules", nargs="*", help="module names without the collection prefix (default: all)")
    args = parser.parse_args(argv)
    everything = not args.modules
    modules = args.modules or module_names()
    files = rendered_files(modules)
    stale = []
    for name, text in sorted(files.items()):
        path = os.path.join(args.output, name)
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            os.makedirs(args.output, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
    leftovers = []
    if everything and os.path.isdir(args.output):
        leftovers = sorted(n for n in os.listdir(args.output) if n.endswith(".md") and n not in files and n != "README.md")
    if args.check:
        for name in stale:
            print("stale: %s" % os.path.join(args.output, name))
        for name in leftovers:
            print("no such module: %s" % os.path.join(args.output, name))
        return 1 if stale or leftovers else 0
    for name in leftovers:
        os.unlink(os.path.join(args.output, name))
        print("removed %s (no such module)" % name)
    print("%d module pages in %s, %d rewritten" % (len(files), os.path.relpath(args.output), len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
