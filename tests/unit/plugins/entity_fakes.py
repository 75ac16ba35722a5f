# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake PBX holding any entity set or singleton, for the engine and the generic modules.

FakePbx answers like FakeXapi (login, 401, scripted failures) but keeps entities of any set in
dicts: GET of a collection ($filter with eq clauses, $select, $top, $skip), GET/PATCH/DELETE by key (an
int, a quoted string, or an alternate key such as Users(Number='101')), POST, and GET/PATCH of
singletons. A PATCH replaces each property it names, as the PBX does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import CLAUSE, FakeResponse, FakeXapi, odata_error

ROUTE = re.compile(r"^/xapi/v1/(\w+)(?:\((?:(\w+)=)?('(?:[^']|'')*'|-?\d+)\))?$")
FUNCTION = re.compile(r"^/xapi/v1/(\w+)/(Pbx\.\w+)\((\w+)=('(?:[^']|'')*')\)$")


def _literal(text):
    return text[1:-1].replace("''", "'") if text.startswith("'") else int(text)


def _top_level(text, separator):
    """text split at each separator outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    return [part for part in parts + [text[start:]] if part]


def _expanded(text):
    """{property: its nested query options} of an $expand clause."""
    nested = {}
    for item in _top_level(text or "", ","):
        name, _paren, options = item.partition("(")
        nested[name] = dict(option.split("=", 1) for option in _top_level(options[:-1], ";"))
    return nested


def _projected(entity, query):
    """The entity as a read with $select answers it: the selected and the expanded properties only.

    The same holds inside each expanded property (Groups($select=GroupId;$expand=Rights)).
    """
    if not isinstance(entity, dict):
        return entity
    expand = _expanded(query.get("$expand"))
    if query.get("$select"):
        names = set(query["$select"].split(",")) | set(expand)
        entity = dict((name, value) for name, value in entity.items() if name in names)
    else:
        entity = dict(entity)
    for name, options in expand.items():
        value = entity.get(name)
        if isinstance(value, list):
            entity[name] = [_projected(element, options) for element in value]
        elif value is not None:
            entity[name] = _projected(value, options)
    return entity


class FakePbx(FakeXapi):
    """sets: {set name: [entity, ...]}; singletons: {name: entity}. Ids are given or assigned from 1."""

    def __init__(self, sets=None, singletons=None, keys=None, post_answers_entity=True, **kwargs):
        super(FakePbx, self).__init__(**kwargs)
        self.keys = dict(keys or {})   # set name -> key property (Id when not named)
        self.sets = {}
        for name, entities in (sets or {}).items():
            self.sets.setdefault(name, {})  # a set given empty exists
            for entity in entities:
                self.put(name, entity)
        self.singletons = copy.deepcopy(singletons or {})
        self.post_answers_entity = post_answers_entity
        self.refused_on_post = {}      # set name -> properties a POST refuses (as POST /Users does)
        self.functions = {}            # (set name, function, argument) -> what it answers, or a function that does
        self.unique_on_post = {}       # set name -> a property no two entities may share (a trunk's Number)
        self.counts = True             # answers @odata.count to $count=true (False: a server that does not)

    def key_of(self, set_name):
        return self.keys.get(set_name, "Id")

    def put(self, set_name, entity):
        entities = self.sets.setdefault(set_name, {})
        entity = copy.deepcopy(entity)
        key = self.key_of(set_name)
        if entity.get(key) is None:
            number = max([k for k in entities if isinstance(k, int)] or [0]) + 1
            # a set keyed by text (as its first entity shows) gets a text key
            entity[key] = "k%d" % (len(entities) + 1) if any(isinstance(k, str) for k in entities) else number
        entities[entity[key]] = entity
        return entity

    def entity(self, set_name, key):
        return self.sets.get(set_name, {}).get(key)

    def route(self, call):
        function = FUNCTION.match(call.path)
        if function and call.method == "GET":
            name, operation, value = function.group(1), function.group(2), _literal(function.group(4))
            answer = self.functions.get((name, operation, value))
            if answer is None:  # an unknown template: a warning on the parameter, as the simulator answers
                return odata_error(400, "%s:\nWARNINGS.XAPI.NOT_FOUND" % function.group(3),
                                   [{"message": "WARNINGS.XAPI.NOT_FOUND", "target": function.group(3)}])
            return FakeResponse(200, copy.deepcopy(answer(self) if callable(answer) else answer))
        match = ROUTE.match(call.path)
        if not match:
            return odata_error(404, "No route for %s" % call.path)
        name, alt_key, key = match.group(1), match.group(2), match.group(3)
        if name in self.singletons:
            return self._singleton(call, name)
        if name not in self.sets:
            return odata_error(404, "No entity set %s" % name)
        if key is None:
            if call.method == "GET":
                return self._list(call, name)
            if call.method == "POST":
                return self._post(call, name)
            return FakeResponse(405)
        entity = self._find(name, alt_key, _literal(key))
        if entity is None:
            return odata_error(404, "Not found")
        if call.method == "GET":
            return FakeResponse(200, dict(copy.deepcopy(entity), **{"@odata.context": "$metadata#%s/$entity" % name}))
        if call.method == "PATCH":
            entity.update(copy.deepcopy(call.json))
            return FakeResponse(204)
        if call.method == "DELETE":
            del self.sets[name][entity[self.key_of(name)]]
            return FakeResponse(204)
        return FakeResponse(405)

    def _find(self, name, alt_key, key):
        if alt_key is None:
            return self.sets[name].get(key)
        found = [e for e in self.sets[name].values() if e.get(alt_key) == key]
        return found[0] if found else None

    def _list(self, call, name):
        top, skip = int(call.query.get("$top", 100)), int(call.query.get("$skip", 0))
        if top > 100:
            return odata_error(400, "The limit of '100' for Top query has been exceeded.")
        key = self.key_of(name)
        entities = sorted(self.sets[name].values(), key=lambda e: e[key])
        text = call.query.get("$filter")
        if text:
            if not re.match(r"^%s( and %s)*$" % (CLAUSE, CLAUSE), text):
                return odata_error(400, "The fake cannot parse $filter %r" % text)
            for prop, value in re.findall(CLAUSE, text):
                entities = [e for e in entities if e.get(prop) == _literal(value)]
        page = [_projected(entity, call.query) for entity in entities[skip:skip + top]]
        answer = {"@odata.context": "$metadata#%s" % name, "value": copy.deepcopy(page)}
        if call.query.get("$count") == "true" and self.counts:
            answer["@odata.count"] = len(entities)
        return FakeResponse(200, answer)

    def _post(self, call, name):
        body = call.json or {}
        refused = sorted(set(body) & set(self.refused_on_post.get(name, ())))
        if refused:
            return odata_error(400, "%s:\nWARNINGS.XAPI.INVALID" % refused[0],
                               [{"message": "WARNINGS.XAPI.INVALID", "target": refused[0]}])
        unique = self.unique_on_post.get(name)
        if unique and any(other.get(unique) == body.get(unique) for other in self.sets.get(name, {}).values()):
            return odata_error(400, "%s:\nWARNINGS.XAPI.ALREADY_IN_USE" % unique,
                               [{"message": "WARNINGS.XAPI.ALREADY_IN_USE", "target": unique}])
        entity = self.put(name, body)
        return FakeResponse(201, copy.deepcopy(entity)) if self.post_answers_entity else FakeResponse(204)

    def _singleton(self, call, name):
        if call.method == "GET":
            return FakeResponse(200, dict(copy.deepcopy(self.singletons[name]), **{"@odata.context": "$metadata#%s" % name}))
        if call.method == "PATCH":
            self.singletons[name].update(copy.deepcopy(call.json))
            return FakeResponse(204)
        return FakeResponse(405)


TYPED_SETS = ("Holidays", "Groups", "Peers", "Users", "Queues", "RingGroups", "Receptionists", "Trunks", "CallFlowApps",
              "InboundRules", "OutboundRules", "Parameters")


# What Pbx.InitTrunk(template='generic.pv.xml') answers: a whole trunk, numbered, named after its template.
TRUNK_TEMPLATE = {"Id": 0, "Number": "10001", "Direction": "Both", "AuthPassword": {"Concealed": True, "Value": None},
                  "Gateway": {"Name": "Generic SIP Trunk", "TemplateFilename": "generic.pv.xml", "Host": "", "Port": 5060},
                  "@odata.context": "$metadata#Pbx.Trunk"}


def typed_pbx(**sets):
    """A FakePbx for the typed modules: a department, an extension, a trunk and a holiday; the other sets empty.
    Trunks can be created from the template generic.pv.xml."""
    given = dict(Holidays=[dict(Id=5, Name="New Year", Day=1, Month=1)], Groups=[dict(Id=2, Name="Sales")],
                 Peers=[dict(Id=10, Number="101", Type="Extension")], Users=[dict(Id=10, Number="101", FirstName="Ada")],
                 Trunks=[dict(Id=100, Number="10000", Gateway={"Name": "Provider A"})])
    given.update(sets)
    pbx = FakePbx(sets=given, singletons={"OfficeHours": dict(OfficeHolidays=[], TimeZoneId="51")})
    pbx.functions[("Trunks", "Pbx.InitTrunk", "generic.pv.xml")] = TRUNK_TEMPLATE
    for name in TYPED_SETS:
        pbx.sets.setdefault(name, {})
    return pbx
