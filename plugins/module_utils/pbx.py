# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole phone system as code: export a PBX as typed-module options, apply such a config in one task.

Export reads each kind once (paged) and converts every entity through its
Kind, so the config is exactly what the typed modules take. Apply validates
the whole config first, reads each kind once, plans every item against those
reads (references resolve to the PBX or to items the config creates), and then
writes in dependency order: what is missing is created (kinds in order, the
items of one kind side by side), properties that refer to objects created later
in the same run are set afterwards, and purged items are deleted last, in
reverse order. A failure stops the run; the result says what was written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import functools
import threading

from ansible_collections.threecx.xapi.plugins.module_utils import kinds as kinds_module
from ansible_collections.threecx.xapi.plugins.module_utils import odata, reconcile
from ansible_collections.threecx.xapi.plugins.module_utils.references import (
    NEW, PEER_TYPES, SOURCES, UNIQUE_NUMBERS, Directory, number_taken)
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError, check_identity_text, texts_in, unknown_name_message
from ansible_collections.threecx.xapi.plugins.module_utils.typed import Context
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import secret_values

# How many writes run side by side: items of one kind do not depend on each other.
WORKERS = 8
NO_LOCK = contextlib.nullcontext()
# The entity set a reference names each kind by (the peer types of numbers are in references.PEER_TYPES).
DIRECTORY_SETS = {"departments": "Groups", "trunks": "Trunks", "holidays": "Holidays"}


def kind_names():
    return [kind.name for kind in kinds_module.all_kinds()]


# -- export --------------------------------------------------------------------------------

def read_kind(client, kind, directory=None, projection=None):
    """Every entity of a kind (one paged read); a singleton as a one-item list.

    projection: ($select, $expand) of the properties wanted; every property when None.
    """
    if kind.identity is None:
        return [reconcile.read(client, kind.schema)]
    select, expand = projection or kind.schema.projection(computed_navigation=False)
    entities = read_collection(client, kind.schema.entity_set, select=select, expand=expand, orderby=kind.schema.key)
    if directory is not None:
        learn(directory, kind, entities)
    return entities


def read_collection(client, path, select=None, expand=None, orderby=None):
    """Every entity of a collection, in pages: the first page also counts them, and the pages after it are read
    side by side (a PBX of 1,000 users answers in two round trips instead of ten).

    A server that pages itself (@odata.nextLink) or does not count is read page after page. When the last page
    comes back full, more pages follow one by one, so items added since the count are not missed.
    """
    size = odata.MAX_PAGE_SIZE
    query = functools.partial(odata.build_query, select=select, expand=expand, orderby=orderby, top=size)
    first = client.get(path, query=query(count=True)) or {}
    total = first.get("@odata.count")
    if first.get("@odata.nextLink") or not isinstance(total, int) or isinstance(total, bool):
        return list(odata.iterate(client, path, select=select, expand=expand, orderby=orderby))
    pages = [first.get("value") or []]
    if len(pages[0]) == size:
        pages += side_by_side([functools.partial(_page, client, path, query(skip=skip))
                               for skip in range(size, total, size)])
        seen = set()
        for number, page in enumerate(pages):
            odata.check_page(path, size * number, page, seen, orderby)
        while len(pages[-1]) == size:
            pages.append(_page(client, path, query(skip=size * len(pages))))
            odata.check_page(path, size * (len(pages) - 1), pages[-1], seen, orderby)
    return [odata.entity(item) for page in pages for item in page]


def _page(client, path, query):
    return (client.get(path, query=query) or {}).get("value") or []


def read_kinds(client, kinds, directory=None, projections=None):
    """{kind name: entities}: the kinds read side by side, each in one paged read."""
    projections = projections or {}
    calls = [functools.partial(read_kind, client, kind, directory, projections.get(kind.name)) for kind in kinds]
    return dict(zip([kind.name for kind in kinds], side_by_side(calls)))


def side_by_side(calls):
    """The answers of calls (functions of no argument), WORKERS of them at a time, in the order given.

    Requests to a PBX across a WAN mostly wait, so threads overlap them. The first failure stops
    calls not yet started (those running finish what they started) and is raised here.
    """
    answers, errors, lock = [None] * len(calls), [], threading.Lock()
    pending = list(enumerate(calls))

    def worker():
        while True:
            with lock:
                if errors or not pending:
                    return
                index, call = pending.pop(0)
            try:
                answers[index] = call()
            except Exception as exc:  # pylint: disable=broad-except  # raised again in the calling thread
                with lock:
                    errors.append(exc)
    threads = [threading.Thread(target=worker) for _n in range(min(WORKERS, len(calls)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return answers


def learn(directory, kind, entities):
    """What one kind's read tells the directory: names and numbers of what exists."""
    if kind.name in DIRECTORY_SETS:
        directory.know_all(DIRECTORY_SETS[kind.name], entities)
    if kind.name in PEER_TYPES:
        for entity in entities:
            directory.learn("Peers", dict(entity, Type=PEER_TYPES[kind.name]))


def export(client, names, warnings=None):
    """{kind: [items as options, sorted by identity]}; office_hours as a dict."""
    directory = Directory(client)
    config = {}
    kinds = [kind for kind in kinds_module.all_kinds() if kind.name in names]
    read = read_kinds(client, kinds, directory)
    for kind in kinds:
        entities = read[kind.name]
        ctx = Context(directory, warnings)
        items = []
        for entity in entities:
            ctx.item = "%s %s" % (kind.name, kind.identity_value(entity)) if kind.identity else kind.name
            items.append(kind.export(entity, ctx))
        if kind.identity is None:
            config[kind.name] = items[0] if items else {}
        else:
            config[kind.name] = sorted(items, key=lambda item: str(item.get(kind.identity[0])))
    return config


# -- apply: validation ---------------------------------------------------------------------

def given_items(config):
    """(kind, options) of every item of config as given, whatever else is wrong with it (nothing is checked)."""
    for kind in kinds_module.all_kinds():
        value = config.get(kind.name) if isinstance(config, dict) else None
        for values in (value if isinstance(value, list) else [value]):
            if isinstance(values, dict):
                yield kind, values


def hidden_texts(config):
    """The long texts (scripts) that items of config ask to keep out of the output, found before config is checked."""
    return [text for kind, values in given_items(config) for text in kind.hidden_texts(values)]


def secret_texts(config):
    """Every secret value config gives (passwords, PINs), found before config is checked.

    A task refused for its input echoes its arguments, and an item refused is never converted; so the options of
    an item that cannot be converted are converted one by one, and one that cannot be is taken whole where it is,
    or may hold, a secret.
    """
    texts = []
    for kind, values in given_items(config):
        try:
            texts.extend(secret_values(kind.schema, kind.to_api(values, Context(warnings=[]))))
            continue
        except SchemaError:
            pass
        for option, value in values.items():
            try:
                texts.extend(secret_values(kind.schema, kind.to_api({option: value}, Context(warnings=[]))))
            except SchemaError:
                texts.extend(texts_in(value) if kind.may_hold_secret(option) else [])
    return texts


class Item:
    """One item of the config: its options, what it asks of the PBX, and what became of it."""

    def __init__(self, kind, index, values):
        self.kind = kind
        self.index = index
        self.values = values
        self.identity = values.get(kind.identity[0]) if kind.identity else None
        self.current = None
        self.plan = None
        self.entity = None
        self.operation = None
        self.deferred = None

    @property
    def label(self):
        if self.index is None:  # office_hours, or an item found only on the PBX (purged)
            return "%s %s" % (self.kind.name, self.identity) if self.kind.identity else self.kind.name
        return "%s[%d]" % (self.kind.name, self.index)

    @property
    def header(self):
        return "%s %s" % (self.kind.name, self.identity) if self.kind.identity else self.kind.name


def validate(config, purge):
    """Every item checked before any request; errors name kind[index].option."""
    if not isinstance(config, dict):
        raise SchemaError("config", "must be a dict keyed by kind (%s)." % ", ".join(kind_names()))
    for name in config:
        if name not in kind_names():
            raise SchemaError("config.%s" % name, unknown_name_message(name, kind_names(), "a kind of configuration"))
    for name in purge or ():
        if name not in config:
            raise SchemaError("purge", "%r is not in config: purging a kind the config does not list would delete "
                                       "every item of it. Accepted: %s." % (name, ", ".join(sorted(config))))
    items = []
    for kind in kinds_module.all_kinds():
        if kind.name not in config or config[kind.name] is None:
            continue
        items.extend(_validate_kind(kind, config[kind.name]))
    _check_numbers_once(items)
    return items


def _check_numbers_once(items):
    """One number, one DN: a user and a queue with the same number cannot both exist."""
    seen = {}
    for item in items:
        if item.kind.name not in PEER_TYPES:
            continue
        where = "%s.%s" % (item.label, item.kind.identity[0])
        number = str(item.identity)
        if number in seen:
            raise SchemaError(where, "%r is also %s; %s." % (number, seen[number], UNIQUE_NUMBERS))
        seen[number] = where


def _validate_kind(kind, value):
    if kind.identity is None:
        if not isinstance(value, dict):
            raise SchemaError(kind.name, "must be a dict of %s options." % kind.module)
        kind.to_api(value, Context(warnings=[]), kind.name)
        return [Item(kind, None, value)]
    if not isinstance(value, list):
        raise SchemaError(kind.name, "must be a list of %s items." % kind.module)
    items, seen = [], {}
    for index, values in enumerate(value):
        where = "%s[%d]" % (kind.name, index)
        if not isinstance(values, dict):
            raise SchemaError(where, "must be a dict of %s options, got %s." % (kind.module, type(values).__name__))
        option = kind.identity[0]
        if values.get(option) is None:
            raise SchemaError("%s.%s" % (where, option), "is required: it names the %s." % kind.title)
        check_identity_text(values[option], "%s.%s" % (where, option))
        kind.to_api(values, Context(warnings=[]), where)
        key = str(values[option])
        if key in seen:
            raise SchemaError("%s.%s" % (where, option), "%r is also %s[%d]; each %s is listed once." % (
                key, kind.name, seen[key], kind.title))
        seen[key] = index
        items.append(Item(kind, index, values))
    return items


# -- apply: plan and write -------------------------------------------------------------------

class Run:
    """One apply: the reads, the plans, the writes, and the report."""

    def __init__(self, client, config, purge=(), update_secrets="on_create", warnings=None):
        self.client = client
        self.items = validate(config, purge)
        self.purge = list(purge or ())
        self.update_secrets = update_secrets
        self.warnings = warnings if warnings is not None else []
        self.directory = Directory(client)
        self.kinds = [kind for kind in kinds_module.all_kinds() if kind.name in config]
        self.projections = dict((kind.name, self._projection(kind)) for kind in self.kinds if kind.identity)
        self.purged = []
        self.failed = None
        self.numbering = threading.Lock()
        self.stopped = threading.Event()  # a write failed: the writes not yet sent are not sent

    # -- plan

    def _projection(self, kind):
        """What is read of a kind: the properties its items manage, with what finding them needs.

        Only those are compared and reported, and a PBX of hundreds of users answers a fraction of
        its data. A purged kind is read whole, so that the diff of a delete shows all that goes.
        """
        if kind.name in self.purge:
            return None
        names = kind.managed_properties([item.values for item in self.items if item.kind is kind])
        # what the directory learns of a department, trunk or holiday (of a DN it learns only the key and
        # number, which are read anyway)
        if kind.name in DIRECTORY_SETS:
            names.update(SOURCES[DIRECTORY_SETS[kind.name]][0])
        return kind.schema.projection_of(names)

    def plan(self):
        """Read each kind once, then plan every item; a reference nothing provides fails here."""
        found = {}
        read = read_kinds(self.client, self.kinds, self.directory, self.projections)
        for kind in self.kinds:
            entities = read[kind.name]
            found[kind.name] = dict((str(kind.identity_value(e)), e) for e in entities) if kind.identity else entities
        for item in self.items:
            if item.kind.identity is None:
                item.current = found[item.kind.name][0]
            else:
                item.current = found[item.kind.name].get(str(item.identity))
                if item.current is None:
                    self._check_number_free(item)
                    self._announce(item)
        for item in self.items:
            item.plan = self._plan(item, item.current)
            try:
                reconcile.check_create(self.client, item.kind.schema, item.plan)  # a template, before any write
            except reconcile.XapiError as exc:
                exc.message = "%s: %s" % (item.label, exc.message)
                raise
        named = dict((kind.name, set(str(i.identity) for i in self.items if i.kind is kind)) for kind in self.kinds)
        for kind in self.kinds:
            if kind.name in self.purge:
                for key, entity in sorted(found[kind.name].items()):
                    if key not in named[kind.name]:
                        purged = Item(kind, None, dict(self._hiding(kind), **{kind.identity[0]: key}))
                        purged.current = entity
                        purged.plan = reconcile.plan(kind.schema, entity, {}, "absent")
                        self.purged.append(purged)

    def _hiding(self, kind):
        """The options of a purged item: its long texts hidden when an item of its kind hides its own.

        A purged item has no options to ask for it, and the script of an app that goes (renamed, renumbered) often
        holds the same token as the script that stays.
        """
        if any(item.kind is kind and kind.hides_texts(item.values) for item in self.items):
            return {kind.hide_texts_option: False}
        return {}

    def _check_number_free(self, item):
        """A new extension, queue, ... cannot take a number another kind holds on the PBX (ALREADY_IN_USE)."""
        if item.kind.name not in PEER_TYPES:
            return
        peer = self.directory.find("Peers", item.identity)
        if peer is not None and not peer.get(NEW):
            raise SchemaError("%s.%s" % (item.label, item.kind.identity[0]), number_taken(item.identity, peer))

    def _announce(self, item):
        kind = item.kind
        if kind.name in DIRECTORY_SETS:
            self.directory.plan(DIRECTORY_SETS[kind.name], item.identity)
        if kind.name in PEER_TYPES:
            self.directory.plan("Peers", item.identity, {"Number": item.identity, "Type": PEER_TYPES[kind.name]})

    def _plan(self, item, current):
        kind = item.kind
        desired = kind.to_api(item.values, Context(self.directory, self.warnings), item.label)
        if current is None:
            desired = kind.for_create(desired)
            kind.check_create(desired, item.values, item.label)
        lookup = reconcile.Lookup(kind.schema, match={kind.identity[1]: str(item.identity)}) if kind.identity else None
        try:
            return reconcile.plan(kind.schema, current, desired, "present", lookup, self.update_secrets,
                                  rules=kind.compare_rules(desired, current),
                                  create_args=dict((o, item.values.get(o)) for o in kind.extra_create_only))
        except reconcile.PlanError as exc:
            raise exc.within(item.label)

    # -- write

    def _numbering(self, kind):
        """A lock held from a template read to the POST it builds, for kinds created from a template.

        The PBX numbers what Pbx.InitTrunk builds with the first free number, so two trunks built side
        by side would both be given it and the second POST refused with ALREADY_IN_USE.
        """
        return self.numbering if _from_template(kind) else NO_LOCK

    def write(self):
        """Creates and updates kind by kind, then the deferred references, then the deletes in reverse."""
        try:
            for kind in self.kinds:
                for items in self._write_batches(kind):
                    self._side_by_side(items, self._write_item)
            self._side_by_side([i for i in self.items if i.deferred], self._write_deferred)
            for kind in reversed(self.kinds):
                self._side_by_side([i for i in self.purged if i.kind is kind], self._delete)
        except Exception as exc:  # pylint: disable=broad-except  # reported with what was written before it
            self.failed = exc
        return self.failed

    def _write_batches(self, kind):
        """The items of a kind to write, in batches written one after the other.

        Of a kind created from a template, the items that set their number come first: the PBX numbers a template
        build with the first free number, which may be the number another item of the run gives (refused then).
        """
        items = [i for i in self.items if i.kind is kind and i.plan.changed]
        if not _from_template(kind):
            return [items]
        numbered = [i for i in items if any(api in i.plan.changes for api in kind.schema.identity_apis)]
        return [numbered, [i for i in items if i not in numbered]]

    def _write_item(self, item):
        """Create or update one item; references to what this run creates later are set afterwards."""
        plan = self._plan(item, item.current)  # now with the real ids of everything created before
        unresolved = [api for api, value in plan.changes.items() if _has_placeholder(value)]
        if unresolved:
            item.deferred = unresolved
            plan.changes = dict((api, v) for api, v in plan.changes.items() if api not in unresolved)
        if plan.action == reconcile.CREATE:
            try:
                with self._numbering(item.kind):
                    if self.stopped.is_set():  # a write failed while this one waited for its turn: not sent
                        return
                    key = self._create(item.kind, plan)
            except reconcile.XapiError as exc:
                if getattr(exc, "created", None) is not None:  # it exists, with its basic properties only
                    item.entity, item.operation = exc.created, "created"
                raise
            item.entity = dict(plan.predicted, **{item.kind.schema.key: key})
            item.operation = "created"
            self._learn_created(item)
        elif plan.changes:
            reconcile.update(self.client, item.kind.schema, plan.current, plan.changes)
            item.operation = "updated"

    def _create(self, kind, plan):
        """POST what plan creates; a failure stops the run before the numbering lock is let go."""
        try:
            return reconcile.create(self.client, kind.schema, plan.changes, plan.create_args)
        except Exception:
            self.stopped.set()
            raise

    def _learn_created(self, item):
        kind = item.kind
        if kind.name in DIRECTORY_SETS:
            self.directory.learn(DIRECTORY_SETS[kind.name], item.entity)
        if kind.name in PEER_TYPES:
            self.directory.learn("Peers", dict(item.entity, Type=PEER_TYPES[kind.name]))

    def _write_deferred(self, item):
        current = item.entity if item.operation == "created" else item.current
        plan = self._plan(item, current)
        changes = dict((api, value) for api, value in plan.changes.items() if api in item.deferred)
        if changes:
            reconcile.update(self.client, item.kind.schema, current, changes)
        item.operation = item.operation or "updated"

    def _delete(self, item):
        reconcile.execute(self.client, item.kind.schema, item.plan)
        item.operation = "deleted"

    def _side_by_side(self, items, action):
        """Run action on items in parallel; stop at the first failure, named by its item."""
        side_by_side([functools.partial(self._attempt, action, item) for item in items])

    def _attempt(self, action, item):
        try:
            _labelled(action, item)
        except Exception:
            self.stopped.set()
            raise

    # -- report

    def reread(self):
        """The entities as the PBX holds them now: one paged read per kind that changed."""
        changed = set(i.kind.name for i in self.items + self.purged if i.operation in ("created", "updated"))
        for kind in self.kinds:
            if kind.name not in changed:
                continue
            entities = read_kind(self.client, kind, projection=self.projections.get(kind.name))
            by_identity = dict((str(kind.identity_value(e)), e) for e in entities) if kind.identity else {None: entities[0]}
            for item in self.items:
                if item.kind is kind and item.operation in ("created", "updated"):
                    item.entity = by_identity.get(str(item.identity) if kind.identity else None, item.entity)

    def report(self, check_mode, diff_mode):
        summary = dict((kind.name, dict(created=0, updated=0, deleted=0, unchanged=0)) for kind in self.kinds)
        results = dict((kind.name, []) for kind in self.kinds)
        diffs = []
        for item in self.items + self.purged:
            if check_mode:
                operation, entity = item.plan.operation, item.plan.predicted
            else:
                operation = item.operation or ("unchanged" if not item.plan.changed else None)
                entity = item.entity if item.entity is not None else (item.current if operation == "unchanged" else None)
            if operation is None:
                continue  # not reached: the run stopped before this item
            if operation == "deleted":
                entity = {}
            summary[item.kind.name][operation] += 1
            entry = {"operation": operation, item.kind.module: item.kind.shown(item.values, entity) or {}}
            if item.kind.identity:
                entry[item.kind.identity[0]] = item.identity
            results[item.kind.name].append(entry)
            if diff_mode and item.plan.changed and (check_mode or operation != "unchanged"):
                diffs.append(item.plan.diff(header=item.header, text=not item.kind.hides_texts(item.values)))
        result = dict(changed=any(i.plan.changed for i in self.items + self.purged if check_mode or i.operation
                                  in ("created", "updated", "deleted")), summary=summary, results=results)
        if diff_mode:
            result["diff"] = [entry for diff in diffs for entry in (diff if isinstance(diff, list) else [diff])]
        return result


def _from_template(kind):
    return kind.schema.create.get("strategy") == "template"


def _labelled(action, item):
    try:
        action(item)
    except reconcile.XapiError as exc:
        exc.message = "%s: %s" % (item.label, exc.message)
        raise


def _has_placeholder(value):
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return isinstance(value, str) and value.startswith("<new ")
