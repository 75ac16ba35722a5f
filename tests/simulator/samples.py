"""Sample bodies for every entity set: the least a POST needs, and a property a PATCH can change.

Shared by the simulator's tests and the contract scenario.  The bodies follow the
simulator's rules (docs/simulator.md): DN numbers, references to seeded entities, string
keys, the trunk and fax bodies built by the server's own Init functions.
"""

import itertools

from xapisim.model import TYPES
from xapisim.registry import SETS, SINGLETONS
from xapisim.rules import PLAIN_SECRETS, build_rules

CREATABLE = sorted(n for n, info in SETS.items() if "create" in info["verbs"])
LISTABLE = sorted(n for n, info in SETS.items() if "list" in info["verbs"])
READABLE = sorted(n for n, info in SETS.items() if "read" in info["verbs"])
UPDATABLE = sorted(n for n, info in SETS.items() if "update" in info["verbs"])
DELETABLE = sorted(n for n, info in SETS.items() if "delete" in info["verbs"])
WITH_ALT_KEY = sorted(n for n, info in SETS.items() if info.get("alt_keys"))
SINGLETON_NAMES = sorted(SINGLETONS)
WRITABLE_SINGLETONS = sorted(n for n, info in SINGLETONS.items() if "update" in info["verbs"])
READ_ONLY_SINGLETONS = sorted(n for n, info in SINGLETONS.items() if "update" not in info["verbs"])

_serial = itertools.count(1)
_SET_RULES, _SINGLETON_RULES = build_rules()

# What a POST needs beyond the generic rules, per set (a function of a unique serial number).
_EXTRA = {
    "BlackListNumbers": lambda n: {"CallerId": "+49305550%03d" % n},
    "CallFlowApps": lambda n: {"Name": "Sample app %d" % n, "Number": "86%02d" % n},
    "Contacts": lambda n: {"FirstName": "Sample", "LastName": "Contact %d" % n, "PhoneNumber": "+4930555%04d" % n},
    "Fxs": lambda n: {"MacAddress": "0011223344%02x" % n},
    "Groups": lambda n: {"Name": "Sample department %d" % n},
    "Holidays": lambda n: {"Name": "Sample holiday %d" % n, "Day": 24, "Month": 12, "DayEnd": 26, "MonthEnd": 12,
                           "Year": 0, "YearEnd": 0, "TimeOfStartDate": "PT0S", "TimeOfEndDate": "PT23H59M59S",
                           "IsRecurrent": True},
    "InboundRules": lambda n: {"RuleName": "Sample DID %d" % n, "TrunkDN": {"Id": 100}, "Data": "+4930555%04d" % n},
    "OutboundRules": lambda n: {"Name": "Sample rule %d" % n, "Prefix": "0"},
    "Parameters": lambda n: {"Name": "SAMPLE_PARAMETER_%d" % n, "Value": "1"},
    "Parkings": lambda n: {"Number": "SP%d" % n},
    "Sbcs": lambda n: {"Name": "sbc%d" % n, "DisplayName": "Sample SBC %d" % n, "Password": "sbc-secret"},
    "ServicePrincipals": lambda n: {"Number": "95%02d" % n},
    "TrunkTemplates": lambda n: {"Name": "Sample template %d" % n, "TemplateType": "Supported"},
}
# Preferred properties for a PATCH sample, in order; otherwise the first plain text property.
_PATCHABLE = ("Name", "Description", "FirstName", "RuleName", "DisplayName", "CompanyName", "Value")


def new_body(client, set_name):
    """A POST body for ``set_name`` that the simulator accepts (``client`` reads Init bodies)."""
    serial = next(_serial)
    if set_name == "Trunks":
        body = client.get("Trunks/Pbx.InitTrunk(template='generic.pv.xml')").json()
        del body["@odata.context"]
        body["Gateway"]["Name"] = "Sample carrier %d" % serial
        body["AuthPassword"] = {"Value": "sample-secret"}
        return body
    if set_name == "Fax":
        body = client.get("Fax/Pbx.InitFax()").json()
        del body["@odata.context"]
        return body
    info = SETS[set_name]
    body = {}
    if info.get("key_type") == "string":
        body[info["key"]] = "sample-%s-%d" % (set_name.lower(), serial)
    body.update(_EXTRA.get(set_name, lambda n: {})(serial))
    return body


def patch_property(name, current=None):
    """``(property, value)`` a PATCH of a set or singleton may change: a plain text property
    when there is one, else the first simple property, given a value unlike ``current``."""
    rules = _SET_RULES.get(name) or _SINGLETON_RULES[name]
    etype = rules.etype
    skip = {rules.key, "Number", "Id"} | set(PLAIN_SECRETS.get(etype.name, ())) | rules.ignored
    names = [n for n in etype.structural if n not in skip]
    texts = [n for n in names if _is_text(etype.props[n])]
    for prop_name in [n for n in _PATCHABLE if n in texts] + texts:
        return prop_name, "Changed by a test"
    current = current or {}
    for prop_name in names:
        value = _other_value(etype.props[prop_name], current.get(prop_name))
        if value is not None:
            return prop_name, value
    raise AssertionError("%s has no simple property to change" % name)


def _is_text(prop):
    return prop.kind == "string" and not prop.many and prop.max_length is None


def _other_value(prop, current):
    if prop.many:
        return ["changed"] if prop.kind == "string" else None
    if prop.kind == "string":
        return "changed" if prop.max_length is None or prop.max_length >= 7 else None
    if prop.kind == "bool":
        return not current
    if prop.kind == "int":
        return current + 1 if (current or 0) < prop.high else current - 1
    if prop.kind == "enum" and len(prop.values) > 1:
        return next(v for v in prop.values if v != current)
    if prop.kind == "object" and isinstance(current, dict):
        etype = TYPES[prop.ref]
        for name in etype.structural:  # the same object with its first simple property changed
            value = _other_value(etype.props[name], current.get(name))
            if value is not None:
                return dict(current, **{name: value})
    return None


def key_path(set_name, key):
    """``Set(5)`` or ``Set('x')`` for a key value."""
    info = SETS[set_name]
    if info.get("key_type") == "int":
        return "%s(%d)" % (set_name, key)
    if TYPES[info["schema"]].props[info["key"]].kind == "guid":
        return "%s(%s)" % (set_name, key)
    return "%s('%s')" % (set_name, str(key).replace("'", "''"))


def absent_key(set_name):
    """A key no entity of the set has."""
    info = SETS[set_name]
    if info.get("key_type") == "int":
        return 424242
    return "00000000-0000-0000-0000-000000000000" if TYPES[info["schema"]].props[info["key"]].kind == "guid" else "absent"
