"""Body binding: the type checks a request body must pass before anything else happens.

The PBX binds a body to its EDM type first; a body that does not fit (unknown property,
wrong JSON type, bad enum member, integer out of its format's range, null where the type
is not nullable) fails as a whole with the bind error, whatever the rest says.
"""

import re

from .model import EDM_NAMES, TYPES

_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,7})?)?(?:Z|[+-]\d\d:\d\d)$")
_DURATION = re.compile(r"^-?P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$")
_TIME = re.compile(r"^\d\d:\d\d(?::\d\d(?:\.\d{1,7})?)?$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_PATTERNS = {"datetime": _DATETIME, "duration": _DURATION, "time": _TIME, "date": _DATE, "guid": _GUID}
_SPECIAL_NUMBERS = ("INF", "-INF", "NaN")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _convert_error(value, prop):
    return "Cannot convert the literal '%s' to the expected type '%s'." % (value, EDM_NAMES[prop.kind])


def flag_members(text):
    """The members of a flags enum value written as a comma-separated list."""
    return [part.strip() for part in text.split(",")]


def _enum_error(value, prop):
    if isinstance(value, str):
        members = flag_members(value) if prop.flags else [value]
        if all(member in prop.values for member in members):
            return None
    return "The value '%s' is not a valid member of the enumeration %s (%s)." % (value, prop.ref, ", ".join(prop.values))


def kind_error(value, prop):
    """Why one value (an element, for a collection) does not fit ``prop``; None when it fits."""
    if value is None:
        return None if prop.nullable else "A null value was found for a property that is not nullable."
    kind = prop.kind
    if kind == "string":
        return None if isinstance(value, str) else _convert_error(value, prop)
    if kind == "int":
        return None if _is_int(value) and prop.low <= value <= prop.high else _convert_error(value, prop)
    if kind == "number":
        ok = (_is_int(value) or isinstance(value, float)) or value in _SPECIAL_NUMBERS
        return None if ok else _convert_error(value, prop)
    if kind == "bool":
        return None if isinstance(value, bool) else _convert_error(value, prop)
    if kind in _PATTERNS:
        return None if isinstance(value, str) and _PATTERNS[kind].match(value) else _convert_error(value, prop)
    if kind == "enum":
        return _enum_error(value, prop)
    if kind == "object" and not isinstance(value, dict):
        return "A value of an object type was expected, found '%s'." % (value,)
    return None


def check_value(value, prop, target):
    """``(reason, target)`` for the first problem of a property value, or None."""
    if prop.many:
        if not isinstance(value, list):
            return "A collection was expected for property '%s'." % prop.name, target
        items = value
    else:
        items = (value,)
    for item in items:
        if prop.many and item is None:
            return "A collection element of property '%s' is null." % prop.name, target
        reason = kind_error(item, prop)
        if reason:
            return reason, target
        if prop.kind == "object" and item is not None:
            problem = check_body(item, TYPES[prop.ref], target + "/")
            if problem:
                return problem
    return None


def check_body(body, etype, path=""):
    """``(reason, target)`` for the first binding problem of ``body``, or None."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object of type '%s'." % etype.name, path or etype.name
    props = etype.props
    for name, value in body.items():
        prop = props.get(name)
        if prop is None:
            return ("The property '%s' does not exist on type '%s'. Make sure to only use property names that are "
                    "defined by the type." % (name, etype.name)), path + name
        problem = check_value(value, prop, path + name)
        if problem:
            return problem
    return None


def normalise_flags(value, prop):
    """A flags value as the server writes it: members in declaration order, ", "-separated."""
    members = set(flag_members(value))
    return ", ".join(v for v in prop.values if v in members)
