"""``GET /xapi/v1/$metadata``: a CSDL (EDM) document of what the simulator serves.

Live PBXs answer it without a token.  This one is written from the registry: every entity
set and singleton, their types (an entity type when a set has a key, a complex type
otherwise) and the enums they use.  Alternate keys and bound operations are left out.
"""

from xml.sax.saxutils import quoteattr

from .model import TYPES, enum_member
from .registry import ENUMS, SETS, SINGLETONS

METADATA_TYPE = "application/xml; charset=utf-8"

_INT_TYPES = {"int8": "Edm.SByte", "int16": "Edm.Int16", "int32": "Edm.Int32", "int64": "Edm.Int64", "uint8": "Edm.Byte"}
_NUMBER_TYPES = {"float": "Edm.Single", "double": "Edm.Double", "decimal": "Edm.Decimal"}
_EDM = {"string": "Edm.String", "bool": "Edm.Boolean", "datetime": "Edm.DateTimeOffset", "duration": "Edm.Duration",
        "time": "Edm.TimeOfDay", "date": "Edm.Date", "guid": "Edm.Guid", "any": "Edm.Untyped"}


def _type_of(prop):
    if prop.kind in ("enum", "object"):
        name = prop.ref
    elif prop.kind == "int":
        name = _INT_TYPES.get(prop.fmt or "int64")
    elif prop.kind == "number":
        name = _NUMBER_TYPES.get(prop.fmt, "Edm.Double")
    else:
        name = _EDM[prop.kind]
    return "Collection(%s)" % name if prop.many else name


def _type_lines(etype, key):
    tag = "EntityType" if key else "ComplexType"
    lines = ["<%s Name=%s>" % (tag, quoteattr(etype.short_name))]
    if key:
        lines.append("<Key><PropertyRef Name=%s/></Key>" % quoteattr(key))
    for name, prop in etype.props.items():
        element = "NavigationProperty" if prop.nav else "Property"
        nullable = "" if prop.nullable or prop.many else ' Nullable="false"'
        lines.append("<%s Name=%s Type=%s%s/>" % (element, quoteattr(name), quoteattr(_type_of(prop)), nullable))
    lines.append("</%s>" % tag)
    return lines


def _enum_lines(name, enum):
    flags = ' IsFlags="true"' if enum.get("flags") else ""
    values = [1 << i if flags else i for i in range(len(enum["values"]))]
    members = ['<Member Name=%s Value="%d"/>' % (quoteattr(enum_member(member)), value)
               for member, value in zip(enum["values"], values)]
    return ["<EnumType Name=%s%s>" % (quoteattr(name[len("Pbx."):]), flags)] + members + ["</EnumType>"]


def csdl_document():
    """The document as bytes."""
    keys = {info["schema"]: info["key"] for info in SETS.values() if info.get("key")}
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
             "<edmx:DataServices>",
             '<Schema Namespace="Pbx" xmlns="http://docs.oasis-open.org/odata/ns/edm">']
    for name, etype in TYPES.items():
        lines.extend(_type_lines(etype, keys.get(name)))
    for name, enum in ENUMS.items():
        lines.extend(_enum_lines(name, enum))
    lines.append('<EntityContainer Name="Container">')
    lines.extend("<EntitySet Name=%s EntityType=%s/>" % (quoteattr(name), quoteattr(info["schema"]))
                 for name, info in SETS.items())
    lines.extend("<Singleton Name=%s Type=%s/>" % (quoteattr(name), quoteattr(info["schema"]))
                 for name, info in SINGLETONS.items())
    lines.extend(["</EntityContainer>", "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"])
    return "\n".join(lines).encode("utf-8")
