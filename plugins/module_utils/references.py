# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""References by natural key: department names, extension numbers, trunk and holiday names.

Administrators name things; the API wants per-PBX ids. A Directory reads each
referenced entity set once per task (one paged read, a few properties) and
answers both ways: name -> id when a task is applied, id -> name when a PBX is
exported. Entities a run is about to create can be announced with plan(), so
that a whole-PBX apply can refer to them before they exist.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.threecx.xapi.plugins.module_utils import odata
from ansible_collections.threecx.xapi.plugins.module_utils.reconcile import natural_key

# What each referenced set is read with, and the property a reference names it by.
SOURCES = {
    "Groups": (("Id", "Name", "Number"), "Name"),
    "Peers": (("Id", "Number", "Name", "Type"), "Number"),
    "Trunks": (("Id", "Number", "Gateway"), "Gateway.Name"),
    "Holidays": (("Id", "Name"), "Name"),
}
TITLES = {"Groups": "department", "Peers": "number", "Trunks": "trunk", "Holidays": "holiday"}
NEW = "new"


class Directory:
    """What a task refers to: filled from reads the task makes anyway, else read lazily, once per set."""

    def __init__(self, client):
        self.client = client
        self._by_name = {}
        self._by_id = {}
        self._complete = set()   # sets whose every entity is known
        self.reads = 0
        self._lock = threading.RLock()  # a whole-PBX apply resolves and learns from several threads

    def _ensure(self, set_name):
        self._by_name.setdefault(set_name, {})
        self._by_id.setdefault(set_name, {})

    def _fetch(self, set_name):
        """Read a whole set from the PBX (one paged read), keeping what this run announced or learned."""
        with self._lock:
            if set_name not in self._complete:
                self._fetch_now(set_name)

    def _fetch_now(self, set_name):
        self._ensure(set_name)
        self._complete.add(set_name)
        if self.client is None:
            return
        select, natural = SOURCES[set_name]
        self.reads += 1
        for entity in odata.iterate(self.client, "/" + set_name, select=list(select), orderby="Id"):
            name = natural_key(entity, natural)
            if name is not None:
                self._by_name[set_name].setdefault(str(name), entity)
            if entity.get("Id") is not None:
                self._by_id[set_name].setdefault(entity["Id"], entity)

    def know_all(self, set_name, entities):
        """Every entity of a set, from a read the task made anyway."""
        for entity in entities:
            self.learn(set_name, entity)
        self._complete.add(set_name)

    def learn(self, set_name, entity):
        """Record an entity this run read or created."""
        with self._lock:
            self._ensure(set_name)
            name = natural_key(entity, SOURCES[set_name][1])
            if name is not None:
                self._by_name[set_name][str(name)] = entity
            if entity.get("Id") is not None:
                self._by_id[set_name][entity["Id"]] = entity

    def plan(self, set_name, name, entity=None):
        """Announce an entity this run creates (its id is not known before it exists)."""
        self._ensure(set_name)
        self._by_name[set_name].setdefault(str(name), dict(entity or {}, **{NEW: True}))

    def find(self, set_name, name):
        """The entity named name, or None."""
        self._ensure(set_name)
        found = self._by_name[set_name].get(str(name))
        if found is None and set_name not in self._complete:
            self._fetch(set_name)
            found = self._by_name[set_name].get(str(name))
        return found

    def by_id(self, set_name, entity_id):
        self._ensure(set_name)
        found = self._by_id[set_name].get(entity_id)
        if found is None and set_name not in self._complete:
            self._fetch(set_name)
            found = self._by_id[set_name].get(entity_id)
        return found

    def names(self, set_name):
        if set_name not in self._complete:
            self._fetch(set_name)
        return sorted(self._by_name[set_name])

    def missing(self, set_name, name):
        """The message for a name this directory does not know."""
        known = self.names(set_name)
        shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
        if set_name == "Peers":
            return "no extension, queue, ring group or other DN has the number %r on this PBX" % name
        return "no %s named %r (have: %s)" % (TITLES[set_name], name, shown or "none")


def placeholder(set_name, name):
    """The stand-in id of an entity that does not exist yet (check mode of a whole-PBX apply)."""
    return "<new %s %r>" % (TITLES[set_name], name)


# The kinds whose entities are DNs with a number of the PBX's one number space, with their type in /Peers.
PEER_TYPES = {"users": "Extension", "queues": "Queue", "ring_groups": "RingGroup", "receptionists": "IVR",
              "callflow_apps": "RoutePoint"}
# What a number of the PBX is, in words, by its peer type.
PEER_WORDS = {"Extension": "an extension", "Queue": "a queue", "RingGroup": "a ring group",
              "IVR": "a digital receptionist", "RoutePoint": "a Call Flow App", "Trunk": "a trunk"}
UNIQUE_NUMBERS = ("numbers are unique across the extensions, queues, ring groups, digital receptionists, Call Flow "
                  "Apps and trunks of a PBX")


def number_taken(number, peer):
    """Why a new DN cannot have number: peer (from /Peers) holds it (the PBX would answer ALREADY_IN_USE)."""
    what = PEER_WORDS.get(peer.get("Type"), "a %s" % peer.get("Type"))
    return "%s is already the number of %s on this PBX; %s." % (number, what, UNIQUE_NUMBERS)


def number_holder(client, number):
    """The DN that holds number on the PBX (its /Peers entry), or None: one filtered read."""
    for peer in odata.iterate(client, "/Peers", select=list(SOURCES["Peers"][0]), filter=odata.eq("Number", number)):
        return peer
    return None
