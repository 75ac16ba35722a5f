#!/usr/bin/env python
"""Write plugins/module_utils/registry_data.py from the official XAPI OpenAPI document.

The registry holds what the document states and nothing else: every entity set (path,
key, alternate keys, verbs, bound operations, schema), every singleton (path, verbs,
schema), every schema an entity set or singleton reaches (each property's type, format,
nullability, enum or flags enum, collection or not, navigation or structural) and every
enum those schemas use. What the document does not state (identities, create-only and
server-computed properties, secrets, element keys) is curated in overrides.py.

Usage (from the repository root)::

    python scripts/gen_registry.py [--source PATH] [--output PATH] [--check]

--source defaults to ../shared/3cx/swagger.yaml beside the repository. --check writes
nothing: it regenerates and exits 1 when the committed registry differs; when the
document is absent it checks the committed registry's own consistency instead and says so.
Needs PyYAML.
"""

import argparse
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
DEFAULT_SOURCE = os.path.join(os.path.dirname(REPO_ROOT), "shared", "3cx", "swagger.yaml")
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "plugins", "module_utils", "registry_data.py")

# Builds of the document seen so far, by sha1 (see SOURCE.md beside the document).
KNOWN_BUILDS = {"dd51daeab64db64cc3ad1e9c74cd5d65099aa073": "20.0.10"}

SCHEMA_PREFIX = "#/components/schemas/"
COLLECTION_OF = re.compile(r"Provides operations to manage the collection of (\w+) entities")
SINGLETON = re.compile(r"Provides operations to manage the (\w+) singleton")
SEGMENT = re.compile(r"^/(\w+)(?:\(([^)]*)\))?(?:/(.*))?$")
OPERATION = re.compile(r"^(Pbx\.\w+)(\((.*)\))?$")
SECTIONS = ("sets", "singletons", "schemas", "enums")
LINE_WIDTH = 150  # ansible-test pep8 allows 160 columns
HTTP_METHODS = ("get", "post", "patch", "put", "delete")
INT_FORMATS = ("int8", "int16", "int32", "int64", "uint8")
STRING_FORMATS = {"date-time": "datetime", "duration": "duration", "time": "time", "date": "date", "uuid": "guid"}


class SpecError(Exception):
    """The document has a shape this generator does not know; nothing is written."""


def ref_name(ref):
    if not ref.startswith(SCHEMA_PREFIX):
        raise SpecError("unsupported reference %s" % ref)
    return ref[len(SCHEMA_PREFIX):]


# -- properties ------------------------------------------------------------------------

def describe_property(prop, schemas):
    """The registry's compact description of one property (see registry.py for the keys)."""
    desc = {}
    if prop.get("x-ms-navigationProperty"):
        desc["v"] = True
    if prop.get("type") == "array":
        desc["m"] = True
        desc.update(describe_value(prop["items"], schemas))
        desc.pop("n", None)  # an element of a collection is never null in this document
        return desc
    desc.update(describe_value(prop, schemas))
    return desc


def describe_value(node, schemas):
    if "$ref" in node:
        return typed_ref(ref_name(node["$ref"]), schemas, nullable=False)
    if "allOf" in node:
        if len(node["allOf"]) != 1 or "$ref" not in node["allOf"][0]:
            raise SpecError("unsupported allOf property: %s" % json.dumps(node)[:120])
        return typed_ref(ref_name(node["allOf"][0]["$ref"]), schemas, nullable=node.get("nullable", False))
    if "oneOf" in node:
        # Microsoft.OpenApi.OData writes floating point numbers as number | string | ReferenceNumeric
        numbers = [n for n in node["oneOf"] if n.get("type") == "number"]
        if not numbers:
            raise SpecError("unsupported oneOf property: %s" % json.dumps(node)[:120])
        return scalar("number", numbers[0].get("format"), numbers[0].get("nullable", False), None)
    kind, fmt = node.get("type"), node.get("format")
    if kind == "integer":
        if fmt not in INT_FORMATS:
            return scalar("number", fmt, node.get("nullable", False), None)  # format decimal
        return scalar("int", fmt, node.get("nullable", False), None)
    if kind == "number":
        return scalar("number", fmt, node.get("nullable", False), None)
    if kind == "boolean":
        return scalar("bool", None, node.get("nullable", False), None)
    if kind == "string":
        return scalar(STRING_FORMATS.get(fmt, "string"), None, node.get("nullable", False), node.get("maxLength"))
    if kind == "object" and not node.get("properties"):
        return scalar("any", None, node.get("nullable", False), None)
    raise SpecError("unsupported property: %s" % json.dumps(node)[:120])


def typed_ref(name, schemas, nullable):
    target = schemas.get(name)
    if target is None:
        raise SpecError("reference to an unknown schema %s" % name)
    kind = "enum" if "enum" in target else "object"
    desc = {"t": kind, "r": name}
    if not nullable:
        desc["n"] = False
    return desc


def scalar(kind, fmt, nullable, max_length):
    desc = {"t": kind}
    if fmt and kind in ("int", "number"):
        desc["f"] = fmt
    if not nullable:
        desc["n"] = False
    if max_length:
        desc["l"] = max_length
    return desc


# -- schemas and enums -----------------------------------------------------------------

def describe_schema(name, schemas):
    """(base, own properties) of an object schema; allOf [base, {...}] keeps the base."""
    node = schemas[name]
    base, parts = None, [node]
    if "allOf" in node:
        parts = []
        for part in node["allOf"]:
            if "$ref" in part:
                if base is not None:
                    raise SpecError("%s has two bases" % name)
                base = ref_name(part["$ref"])
            else:
                parts.append(part)
    props = {}
    for part in parts:
        for prop_name, prop in sorted((part.get("properties") or {}).items()):
            props[prop_name] = describe_property(prop, schemas)
    entry = {"props": props}
    if base:
        entry["base"] = base
    return entry


def describe_enum(name, schemas):
    node = schemas[name]
    entry = {"values": list(node["enum"])}
    if (node.get("x-ms-enum-flags") or {}).get("isFlags"):
        entry["flags"] = True
    return entry


def reachable(roots, schemas):
    """Every schema the roots reach through bases and properties, split into objects and enums."""
    objects, enums, todo = {}, {}, list(roots)
    while todo:
        name = todo.pop()
        if name in objects or name in enums:
            continue
        if "enum" in schemas[name]:
            enums[name] = describe_enum(name, schemas)
            continue
        entry = describe_schema(name, schemas)
        objects[name] = entry
        if "base" in entry:
            todo.append(entry["base"])
        todo.extend(p["r"] for p in entry["props"].values() if "r" in p)
    return objects, enums


# -- paths -----------------------------------------------------------------------------

def response_schema(operation):
    """The schema name a GET answers (the entity of an entity path, the item of a list)."""
    content = operation.get("responses", {}).get("200", {})
    if "$ref" in content:  # a shared collection response
        return None
    schema = (content.get("content") or {}).get("application/json", {}).get("schema", {})
    return ref_name(schema["$ref"]) if "$ref" in schema else None


def key_parameter(operation):
    for param in operation.get("parameters") or []:
        if param.get("in") == "path":
            schema = param.get("schema") or {}
            return param["name"], "int" if schema.get("type") == "integer" else "string"
    raise SpecError("no key parameter in %s" % operation.get("operationId"))


def body_schema(operation):
    content = ((operation.get("requestBody") or {}).get("content") or {}).get("application/json", {})
    schema = content.get("schema") or {}
    return ref_name(schema["$ref"]) if "$ref" in schema else None


def collect_sets(paths):
    """Entity sets and singletons, from the paths' own descriptions."""
    sets, singletons, operations = {}, {}, []
    for path, item in paths.items():
        description = item.get("description", "")
        match = SEGMENT.match(path)
        if not match:
            continue
        name, key, rest = match.groups()
        verbs = dict((m, item[m]) for m in HTTP_METHODS if m in item)
        if SINGLETON.match(description) and key is None and rest is None:
            singletons[name] = {"path": path, "verbs": verbs}
        elif COLLECTION_OF.match(description) and rest is None:
            entry = sets.setdefault(name, {"path": "/" + name, "verbs": {}})
            if key is None:
                entry["list"] = verbs
            elif "=" in key:
                entry.setdefault("alt_keys", []).append(key.split("=")[0])
            else:
                entry["entity"] = verbs
        elif rest is not None and rest.startswith("Pbx."):
            operations.append((name, key, rest, verbs))
    return sets, singletons, operations


def finish_set(name, raw):
    entry = {"path": raw["path"]}
    verbs, schema = [], None
    listing = raw.get("list", {})
    if "get" in listing:
        verbs.append("list")
    if "post" in listing:
        verbs.append("create")
        schema = body_schema(listing["post"])
    entity = raw.get("entity", {})
    for verb, method in (("read", "get"), ("update", "patch"), ("delete", "delete")):
        if method in entity:
            verbs.append(verb)
            schema = schema or (response_schema(entity[method]) if method == "get" else body_schema(entity[method]))
    if entity:
        entry["key"], entry["key_type"] = key_parameter(next(iter(entity.values())))
    if schema is None and "get" in listing:
        schema = list_item_schema(listing["get"])
    if schema is None:
        raise SpecError("no schema found for entity set %s" % name)
    entry["schema"] = schema
    if raw.get("alt_keys"):
        entry["alt_keys"] = sorted(raw["alt_keys"])
    entry["verbs"] = verbs
    return entry


def list_item_schema(operation):
    ref = operation.get("responses", {}).get("200", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    return name[:-len("CollectionResponse")] if name.endswith("CollectionResponse") else None


def describe_operation(key, rest, verbs):
    match = OPERATION.match(rest)
    if not match:
        raise SpecError("unsupported operation path segment %s" % rest)
    name, _call, args = match.groups()
    method, operation = next(iter(verbs.items()))
    params = [a.split("=")[0] for a in args.split(",")] if args else []
    body = body_schema(operation) if method == "post" else None
    entry = {"on": "entity" if key else "collection", "method": method.upper()}
    if params:
        entry["params"] = params
    if body:
        entry["body"] = body
    returns = response_schema(operation) if method == "get" else None
    if returns:
        entry["returns"] = returns
    return name, entry


# -- the whole registry ----------------------------------------------------------------

def build(doc):
    schemas = doc["components"]["schemas"]
    raw_sets, raw_singletons, operations = collect_sets(doc["paths"])
    sets = dict((name, finish_set(name, raw)) for name, raw in sorted(raw_sets.items()))
    singletons = {}
    for name, raw in sorted(raw_singletons.items()):
        verbs = raw["verbs"]
        schema = response_schema(verbs["get"]) if "get" in verbs else body_schema(verbs["patch"])
        singletons[name] = {"path": raw["path"], "schema": schema,
                            "verbs": [v for v, m in (("read", "get"), ("update", "patch")) if m in verbs]}
    for set_name, key, rest, verbs in sorted(operations, key=lambda o: (o[0], o[2])):
        if set_name in sets:
            op_name, entry = describe_operation(key, rest, verbs)
            sets[set_name].setdefault("operations", {})[op_name] = entry
    roots = [e["schema"] for e in sets.values()] + [e["schema"] for e in singletons.values()]
    objects, enums = reachable(roots, schemas)
    return {"sets": sets, "singletons": singletons,
            "schemas": dict(sorted(objects.items())), "enums": dict(sorted(enums.items()))}


def render(registry, source_sha1):
    """registry_data.py: one JSON line per entry, so that a new document shows as a small diff."""
    build_name = KNOWN_BUILDS.get(source_sha1, "unknown build")
    lines = [
        "# -*- coding: utf-8 -*-",
        "# Copyright: threecx.xapi contributors",
        "# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)",
        "# Generated by scripts/gen_registry.py from the official XAPI OpenAPI document; do not edit.",
        '"""The XAPI registry as the official document states it (read it through registry.py)."""',
        "",
        "from __future__ import absolute_import, division, print_function",
        "",
        "__metaclass__ = type",
        "",
        "SOURCE = %s" % json.dumps({"sha1": source_sha1, "build": build_name}, sort_keys=True),
        "",
        'DATA = r"""{',
    ]
    lines.append(",\n".join('"%s":%s' % (section, compact(registry[section], 0, len(section) + 3)) for section in SECTIONS))
    lines.append('}"""')
    return "\n".join(lines) + "\n"


def compact(value, depth, used=0):
    """JSON that keeps a value on one line while the line fits LINE_WIDTH, else one entry per line."""
    flat = json.dumps(value, sort_keys=True, separators=(",", ":"))
    if used + len(flat) <= LINE_WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (depth + 1)
    if isinstance(value, list):
        items = [pad + compact(item, depth + 1, len(pad)) for item in value]
        return "[\n%s\n%s]" % (",\n".join(items), " " * depth)
    items = []
    for key, item in sorted(value.items()):
        head = "%s%s:" % (pad, json.dumps(key))
        items.append(head + compact(item, depth + 1, len(head)))
    return "{\n%s\n%s}" % (",\n".join(items), " " * depth)


def check_consistency(registry):
    """Problems of a registry on its own: dangling references, unknown kinds, missing schemas."""
    problems = []
    schemas, enums = registry["schemas"], registry["enums"]
    for section in ("sets", "singletons"):
        for name, entry in registry[section].items():
            if entry["schema"] not in schemas:
                problems.append("%s %s: schema %s is missing" % (section, name, entry["schema"]))
            if not entry.get("verbs"):
                problems.append("%s %s: no verbs" % (section, name))
    for name, entry in schemas.items():
        if entry.get("base") and entry["base"] not in schemas:
            problems.append("schema %s: base %s is missing" % (name, entry["base"]))
        for prop_name, prop in entry["props"].items():
            where = "%s.%s" % (name, prop_name)
            kind = prop.get("t")
            if kind not in ("string", "int", "number", "bool", "datetime", "duration", "time", "date", "guid",
                            "enum", "object", "any"):
                problems.append("%s: unknown type %r" % (where, kind))
            if kind == "enum" and prop.get("r") not in enums:
                problems.append("%s: enum %s is missing" % (where, prop.get("r")))
            if kind == "object" and prop.get("r") not in schemas:
                problems.append("%s: schema %s is missing" % (where, prop.get("r")))
    for name, entry in enums.items():
        if not entry.get("values"):
            problems.append("enum %s has no values" % name)
    return problems


def load_committed(path):
    namespace = {}
    with open(path, encoding="utf-8") as handle:
        exec(compile(handle.read(), path, "exec"), namespace)  # pylint: disable=exec-used
    return namespace["SOURCE"], json.loads(namespace["DATA"])


def generate(source):
    import yaml  # only the generator needs PyYAML
    with open(source, "rb") as handle:
        raw = handle.read()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return render(build(yaml.load(raw, Loader=loader)), hashlib.sha1(raw).hexdigest())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE)
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed registry, write nothing")
    args = parser.parse_args(argv)
    if args.check and not os.path.isfile(args.source):
        problems = check_consistency(load_committed(args.output)[1])
        for problem in problems:
            print("registry: %s" % problem, file=sys.stderr)
        print("registry: the official document is not at %s: checked the committed registry's own consistency "
              "only (%s)." % (args.source, "%d problem(s)" % len(problems) if problems else "consistent"))
        return 1 if problems else 0
    text = generate(args.source)
    if args.check:
        with open(args.output, encoding="utf-8") as handle:
            if handle.read() != text:
                print("registry: %s is stale; run python scripts/gen_registry.py" % args.output, file=sys.stderr)
                return 1
        print("registry: up to date with %s" % args.source)
        return 0
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("registry: wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
