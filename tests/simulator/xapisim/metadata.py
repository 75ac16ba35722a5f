"""``GET /xapi/v1/$metadata``: a CSDL (EDM) document of the types the simulator serves.

Live PBXs answer it without a token.  The real document declares the whole API; this one
declares only the entity sets served here, their types and enums, written from the model.
"""

from xml.sax.saxutils import quoteattr

from .model import (AUTHENTICATION_TYPES, CFA_ROUTING_TYPES, DIRECTION_TYPES, IP_RESTRICTIONS, PEER_TYPES,
                    TRANSCRIPTION_TYPES, TRANSPORT_RESTRICTIONS, TYPES, USER_TAGS)

METADATA_TYPE = "application/xml; charset=utf-8"

# The official document's names for the enums of the model.
_ENUM_NAMES = {
    AUTHENTICATION_TYPES: "Pbx.Authentication",
    CFA_ROUTING_TYPES: "Pbx.CfaRoutingType",
    DIRECTION_TYPES: "Pbx.DirectionType",
    IP_RESTRICTIONS: "Pbx.TypeOfIPRestriction",
    PEER_TYPES: "Pbx.PeerType",
    TRANSCRIPTION_TYPES: "Pbx.TranscriptionType",
    TRANSPORT_RESTRICTIONS: "Pbx.TypeOfTransportRestriction",
    USER_TAGS: "Pbx.UserTag",
}
_EDM = {"string": "Edm.String", "int": "Edm.Int32", "bool": "Edm.Boolean", "datetime": "Edm.DateTimeOffset",
        "any_object": "Edm.Untyped"}


def _type_of(prop):
    if prop.kind == "enum":
        name = _ENUM_NAMES[prop.values]
    elif prop.kind == "object":
        name = prop.ref
    else:
        name = _EDM[prop.kind]
    return "Collection(%s)" % name if prop.many else name


def _type_lines(etype):
    keyed = "Id" in etype.props
    tag = "EntityType" if keyed else "ComplexType"
    lines = ["<%s Name=%s>" % (tag, quoteattr(etype.name[len("Pbx."):]))]
    if keyed:
        lines.append('<Key><PropertyRef Name="Id"/></Key>')
    for name, prop in etype.props.items():
        element = "NavigationProperty" if prop.nav else "Property"
        nullable = "" if prop.nullable or prop.many else ' Nullable="false"'
        lines.append("<%s Name=%s Type=%s%s/>" % (element, quoteattr(name), quoteattr(_type_of(prop)), nullable))
    lines.append("</%s>" % tag)
    return lines


def _enum_lines(values, name):
    members = ['<Member Name=%s Value="%d"/>' % (quoteattr(value), index) for index, value in enumerate(values)]
    return ["<EnumType Name=%s>" % quoteattr(name[len("Pbx."):])] + members + ["</EnumType>"]


def csdl_document(entity_sets):
    """The document as bytes; ``entity_sets`` maps each served set to its EntityType."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
             "<edmx:DataServices>",
             '<Schema Namespace="Pbx" xmlns="http://docs.oasis-open.org/odata/ns/edm">']
    for etype in TYPES.values():
        lines.extend(_type_lines(etype))
    for values, name in _ENUM_NAMES.items():
        lines.extend(_enum_lines(values, name))
    lines.append('<EntityContainer Name="Container">')
    lines.extend('<EntitySet Name=%s EntityType=%s/>' % (quoteattr(name), quoteattr(etype.name))
                 for name, etype in entity_sets.items())
    lines.extend(["</EntityContainer>", "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"])
    return "\n".join(lines).encode("utf-8")
