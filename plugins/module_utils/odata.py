# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OData query building and paging for XAPI collections."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not a target, kept for the compile test
    from urllib import quote  # type: ignore

from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError

# XAPI refuses $top above 100.
MAX_PAGE_SIZE = 100
# Keep OData syntax readable in the query string; everything else is encoded.
_SAFE = "',()$=/"


def literal(value):
    """An OData literal: numbers bare, strings single-quoted with ' doubled."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'%s'" % str(value).replace("'", "''")


def eq(field, value):
    return "%s eq %s" % (field, literal(value))


def all_of(*clauses):
    """Join filter clauses with 'and', wrapping each so raw filters keep their meaning."""
    parts = [c for c in clauses if c]
    if len(parts) == 1:
        return parts[0]
    return " and ".join("(%s)" % c for c in parts)


def build_query(select=None, expand=None, filter=None, top=None, skip=None, count=None, orderby=None):
    """The query string (without '?'), with '$' kept literal in the option names."""
    pairs = []
    if filter:
        pairs.append(("$filter", filter))
    if select:
        pairs.append(("$select", ",".join(select)))
    if expand:
        pairs.append(("$expand", ",".join(expand)))
    if orderby:
        pairs.append(("$orderby", orderby))
    if top is not None:
        pairs.append(("$top", str(top)))
    if skip:
        pairs.append(("$skip", str(skip)))
    if count:
        pairs.append(("$count", "true"))
    return "&".join("%s=%s" % (name, quote(value, safe=_SAFE)) for name, value in pairs)


def check_page(path, skip, items, seen, key):
    """Refuse a page that holds only entities of the pages before it: a server (or a proxy) that drops $skip,
    always or now and then, answers the first page again, and a read that went on would never end (or would
    hold some entities twice and miss others). seen: the keys of the pages before, to which this page's are added.

    Pages are checked only when each item holds key (the property they are ordered by, unique): pages of a
    projection without it (Enabled only) may be equal and still differ. A page that repeats a few entities
    (one was added before them while the pages were read) is not refused.
    """
    keys = [item.get(key) if isinstance(item, dict) else None for item in items or []]
    if not keys or not all(isinstance(k, (str, int)) for k in keys):
        return
    if skip and seen.issuperset(keys):
        raise XapiError("GET %s: the page at $skip=%d holds only entities of the pages before it, so the server "
                        "ignores $skip and the collection cannot be read in pages." % (path, skip),
                        method="GET", path=path,
                        hint="a proxy between here and the PBX must pass the query string on unchanged.")
    seen.update(keys)


def entity(body):
    """An entity without its OData annotations (@odata.context and the like)."""
    if not isinstance(body, dict):
        return body
    return dict((key, value) for key, value in body.items() if not key.startswith("@odata."))


def iterate(client, path, select=None, expand=None, filter=None, orderby="Id", page_size=MAX_PAGE_SIZE):
    """Yield every entity of a collection, one page in memory at a time.

    Reads with $top/$skip in a stable order; follows @odata.nextLink when the
    server hands one out (the spec declares none, but a server may page itself).
    """
    page_size = min(page_size, MAX_PAGE_SIZE)
    skip, seen = 0, set()
    while True:
        query = build_query(select=select, expand=expand, filter=filter, orderby=orderby, top=page_size, skip=skip)
        page = client.get(path, query=query) or {}
        check_page(path, skip, page.get("value"), seen, orderby)
        received = 0
        while True:
            items = page.get("value") or []
            received += len(items)
            for item in items:
                yield entity(item)
            if not page.get("@odata.nextLink"):
                break
            page = client.get_url(page["@odata.nextLink"]) or {}
        if received != page_size:  # a short page ends it; more than asked for: the links held the rest
            return
        skip += page_size
