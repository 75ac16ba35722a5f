"""The XAPI registry the simulator serves: entity sets, singletons, schemas and enums.

It is read from ``plugins/module_utils/registry_data.py``, which ``scripts/gen_registry.py``
generates from the official OpenAPI document.  Only the document's facts come from there
(types, keys, verbs, bound operations); what the PBX does with them is the simulator's own
model (``xapisim.rules``).  The file is parsed, never imported, so the simulator needs
nothing from the collection's code.
"""

import ast
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REGISTRY_PATH = os.path.normpath(os.path.join(HERE, "..", "..", "..", "plugins", "module_utils", "registry_data.py"))


def load_registry(path=REGISTRY_PATH):
    """``(source, data)``: the SOURCE dict and the parsed DATA of a registry file."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("SOURCE", "DATA"):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    if set(found) != {"SOURCE", "DATA"}:
        raise ValueError("%s does not define SOURCE and DATA" % path)
    return found["SOURCE"], json.loads(found["DATA"])


SOURCE, DATA = load_registry()
SETS = DATA["sets"]
SINGLETONS = DATA["singletons"]
SCHEMAS = DATA["schemas"]
ENUMS = DATA["enums"]
