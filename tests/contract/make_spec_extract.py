"""Write tests/contract/xapi-extract.yaml: the part of the official XAPI OpenAPI document
that the simulator implements, as a standalone and stricter OpenAPI 3.0 document.

Usage (from the repository root)::

    python tests/contract/make_spec_extract.py [--source PATH] [--output PATH] [--check]

``--source`` defaults to ``../shared/3cx/swagger.yaml`` beside the repository.  ``--check``
writes nothing and exits 1 when the checked-in extract differs from a fresh one.
Needs PyYAML.
"""

import argparse
import copy
import hashlib
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SOURCE = os.path.join(os.path.dirname(REPO_ROOT), "shared", "3cx", "swagger.yaml")
DEFAULT_OUTPUT = os.path.join(HERE, "xapi-extract.yaml")

# The operations the simulator serves (path -> methods), from the simulator's own route
# table: every entity set and singleton of the registry and the bound operations it
# implements.  /connect/token is not in the source document and stays out.
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "simulator"))
from xapisim.server import served_operations  # noqa: E402  pylint: disable=wrong-import-position

OPERATIONS = served_operations()

# Where the known copy of the source comes from (see shared/3cx/SOURCE.md).
KNOWN_SOURCES = {
    "dd51daeab64db64cc3ad1e9c74cd5d65099aa073": {
        "repository": "3cx/xapi-tutorial",
        "path": "swagger.yaml",
        "commit": "ceb6d0de3cc4f828e5afc24f8aa415073dffc483",
        "build": "3CX V20 Update 10 (20.0.10)",
    },
}

# OData control information the server adds to answers but the source does not declare.
CONTEXT = {"type": "string", "description": "OData context URL (added by the extract)"}
NEXT_LINK = {"type": "string", "description": "OData next page link (added by the extract)"}
NULL_ONLY = {"nullable": True, "enum": [None]}
REF_PREFIX = "#/components/"


def walk_refs(node):
    """Yield every ``$ref`` string found anywhere in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from walk_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_refs(item)


def split_ref(ref):
    """``#/components/schemas/X`` -> ("schemas", "X")."""
    if not ref.startswith(REF_PREFIX):
        raise ValueError("unsupported reference %s" % ref)
    section, _slash, name = ref[len(REF_PREFIX):].partition("/")
    return section, name


def select_paths(source):
    """Copy the selected operations (and their path-level fields) out of the source."""
    paths = {}
    for path, methods in OPERATIONS.items():
        item = source["paths"][path]
        kept = {key: copy.deepcopy(value) for key, value in item.items() if key not in
                ("get", "put", "post", "patch", "delete", "head", "options", "trace")}
        for method in methods:
            kept[method] = copy.deepcopy(item[method])
        paths[path] = kept
    return paths


def closure(roots, components):
    """Every component reachable from ``roots``, as {section: {name: definition}}."""
    found = {}
    pending = list(walk_refs(roots))
    while pending:
        section, name = split_ref(pending.pop())
        if name in found.setdefault(section, {}):
            continue
        definition = components[section][name]
        found[section][name] = definition
        pending.extend(walk_refs(definition))
    return found


def is_nullable_ref(schema):
    """The Microsoft.OpenApi.OData idiom for a nullable reference: ``allOf: [$ref], nullable``."""
    return (isinstance(schema, dict) and schema.get("nullable") is True and isinstance(schema.get("allOf"), list)
            and len(schema["allOf"]) == 1 and set(schema["allOf"][0]) == {"$ref"} and "type" not in schema)


def flatten(schema, schemas):
    """Merge an ``allOf`` of object schemas (references included) into one object schema."""
    if not isinstance(schema, dict) or "allOf" not in schema or is_nullable_ref(schema):
        return schema
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    merged["type"] = "object"
    properties, required, inherited = {}, [], {}
    for part in schema["allOf"]:
        if "$ref" in part:
            part = flatten(schemas[split_ref(part["$ref"])[1]], schemas)
        else:
            part = flatten(part, schemas)
        if part.get("type", "object") != "object":
            raise ValueError("allOf of a non-object schema is not supported: %r" % part)
        properties.update(part.get("properties", {}))
        required.extend(r for r in part.get("required", []) if r not in required)
        # The most derived part names the type, unless the composition names itself.
        inherited.update({key: part[key] for key in ("title", "description") if key in part})
    for key, value in inherited.items():
        merged.setdefault(key, value)
    merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def transform(node, schemas):
    """Flatten compositions, rewrite nullable references, make object schemas strict."""
    if isinstance(node, list):
        return [transform(item, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    if is_nullable_ref(node):
        rest = {key: value for key, value in node.items() if key not in ("allOf", "nullable")}
        rest["anyOf"] = [node["allOf"][0], dict(NULL_ONLY)]
        return rest
    node = flatten(node, schemas)
    result = {key: transform(value, schemas) for key, value in node.items()}
    if result.get("type") == "object" and result.get("properties") and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


def add_control_information(doc):
    """Declare the OData annotations the server sends with entities and collections."""
    schemas = doc["components"]["schemas"]
    for name in list(schemas):
        if name.endswith("CollectionResponse"):
            schemas[name]["properties"]["@odata.context"] = dict(CONTEXT)
            schemas[name]["properties"]["@odata.nextLink"] = dict(NEXT_LINK)
    for item in doc["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                if status not in ("200", "201"):
                    continue
                media = response.get("content", {}).get("application/json")
                if not media:
                    continue
                schema = media["schema"]
                if "$ref" in schema:
                    entity = split_ref(schema["$ref"])[1]
                    wrapper = entity + "EntityResponse"
                    if wrapper not in schemas:
                        schemas[wrapper] = copy.deepcopy(schemas[entity])
                        schemas[wrapper]["properties"] = {"@odata.context": dict(CONTEXT), **schemas[wrapper]["properties"]}
                    media["schema"] = {"$ref": REF_PREFIX + "schemas/" + wrapper}
                elif schema.get("type") == "object" and "properties" in schema:
                    schema["properties"]["@odata.context"] = dict(CONTEXT)


def build_extract(source):
    """The extract as a Python structure."""
    components = source["components"]
    paths = select_paths(source)
    roots = {"paths": paths, "security": source.get("security", [])}
    first = closure(roots, components)
    schemas = dict(first.get("schemas", {}))
    paths = transform(paths, schemas)
    picked = {section: {name: transform(definition, schemas) for name, definition in items.items()}
              for section, items in first.items()}
    doc = {
        "openapi": source["openapi"],
        "info": dict(source["info"], title=source["info"]["title"] + " (extract for the simulator's contract test)"),
        "servers": copy.deepcopy(source["servers"]),
        "paths": paths,
        "components": picked,
        "security": copy.deepcopy(source.get("security", [])),
    }
    doc["components"]["securitySchemes"] = copy.deepcopy(components.get("securitySchemes", {}))
    # Flattening leaves base schemas (Pbx.DN, Pbx.ClickToCall, ...) unreferenced: keep only
    # what the transformed paths still reach.
    reached = closure({"paths": doc["paths"]}, doc["components"])
    for section in ("schemas", "responses", "parameters", "requestBodies", "examples"):
        if section in doc["components"]:
            doc["components"][section] = {name: doc["components"][section][name]
                                          for name in sorted(reached.get(section, {}))}
            if not doc["components"][section]:
                del doc["components"][section]
    add_control_information(doc)
    doc["components"]["schemas"] = dict(sorted(doc["components"]["schemas"].items()))
    return doc


def header(sha1, source_path):
    """The comment block on top of the extract."""
    known = KNOWN_SOURCES.get(sha1)
    if known:
        origin = ["# Source: %s, file %s at commit %s" % (known["repository"], known["path"], known["commit"]),
                  "#   (%s); sha1 of the source file %s." % (known["build"], sha1)]
    else:
        origin = ["# Source: %s (not the known copy; its origin is unknown); sha1 %s." % (os.path.basename(source_path), sha1)]
    return "\n".join([
        "# Extract of the 3CX V20 Configuration API (XAPI) OpenAPI document, made for the contract test.",
        "# It holds only the operations the simulator implements and every component they reference.",
    ] + origin + [
        "# Built by: python tests/contract/make_spec_extract.py --source ../shared/3cx/swagger.yaml",
        "# Do not edit by hand; run the command again. Changes made on the way, everything else is copied:",
        "#   - allOf compositions of object schemas are flattened into one object schema;",
        "#   - every object schema that declares properties gets additionalProperties: false, so an unknown",
        "#     property is a contract violation (the source allows any property);",
        "#   - a nullable reference (allOf: [$ref], nullable: true) becomes anyOf: [$ref, null-only schema]",
        "#     so that null validates, as the source intends (OpenAPI 3.0.3 would refuse null there);",
        "#   - OData control information the source does not declare is added to answers: @odata.context",
        "#     (entities, collections) and @odata.nextLink (collections); entity answers use *EntityResponse schemas;",
        "#   - an alternate-key path (/Users(Number={Number})) is listed before the key path (/Users({Id})) so that",
        "#     a matcher trying templates in order picks the alternate key for Users(Number='...').",
        "",
    ])


class _IndentedDumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
    """Indent block sequences under their key (what yamllint's default rules expect)."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        """Write shared values out in full: anchors would make the extract hard to read."""
        return True


def render(doc, sha1, source_path):
    """The extract as YAML text, header included."""
    body = yaml.dump(doc, Dumper=_IndentedDumper, sort_keys=False, explicit_start=True, width=120,
                     allow_unicode=True, default_flow_style=False)
    return header(sha1, source_path) + "\n" + body


class _SourceLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # pylint: disable=too-many-ancestors
    """YAML 1.2 booleans only: YAML 1.1 would read the enum member ``No`` as false."""


_SourceLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_SourceLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def load_source(path):
    """Read the source document; answers (document, sha1 of the file)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    return yaml.load(raw, Loader=_SourceLoader), hashlib.sha1(raw).hexdigest()


def make(source_path):
    """The extract text for a source file."""
    source, sha1 = load_source(source_path)
    return render(build_extract(source), sha1, source_path)


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="the official swagger.yaml (default: %(default)s)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args(argv)
    text = make(args.source)
    if args.check:
        with open(args.output, encoding="utf-8") as handle:
            same = handle.read() == text
        print("%s is %s" % (args.output, "up to date" if same else "OUT OF DATE"))
        return 0 if same else 1
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
