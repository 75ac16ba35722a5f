"""OData query options: parsing, ``$filter`` evaluation and response projection.

The parser turns ``$filter`` into a tree of small closures once per request, so that
filtering thousands of entities costs one Python call per node and entity.  Everything
that the simulator does not model answers 400 instead of being silently ignored.
"""

import re
from urllib.parse import parse_qsl

from .errors import query_error
from .model import EDM_NAMES, TYPES

MAX_TOP = 100

_COLLECTION_OPTIONS = ("$filter", "$select", "$expand", "$top", "$skip", "$count", "$orderby", "$search")
_ENTITY_OPTIONS = ("$select", "$expand")


class SelectExpand:
    """What to return of an entity: selected names (None = default) and expanded navigations."""

    __slots__ = ("select", "expand")

    def __init__(self, select=None, expand=None):
        self.select = select
        self.expand = expand or {}


class QueryOptions:
    """Every query option of one request, already validated."""

    def __init__(self):
        self.shape = SelectExpand()
        self.filter = None
        self.orderby = []
        self.top = None
        self.skip = 0
        self.count = False
        self.search = None


def parse_params(raw_query):
    """Split a raw query string into (name, value) pairs, URL-decoded."""
    try:
        return parse_qsl(raw_query or "", keep_blank_values=True, strict_parsing=False)
    except ValueError as exc:
        raise query_error("Malformed query string: %s" % exc) from exc


def parse_query(pairs, etype, collection=True):
    """Validate and parse the ``$`` options of a request for entities of ``etype``."""
    allowed = _COLLECTION_OPTIONS if collection else _ENTITY_OPTIONS
    seen = {}
    for name, value in pairs:
        if not name.startswith("$"):
            continue
        if name not in _COLLECTION_OPTIONS:
            raise query_error("The query parameter '%s' is not supported." % name)
        if name not in allowed:
            raise query_error("The query option '%s' is not allowed when reading a single entity." % name)
        if name in seen:
            raise query_error("Query option '%s' was specified more than once, but it must be specified at most once." % name)
        seen[name] = value
    opts = QueryOptions()
    opts.shape = parse_select_expand(seen.get("$select"), seen.get("$expand"), etype)
    if "$filter" in seen:
        opts.filter = compile_filter(seen["$filter"], etype)
    if "$orderby" in seen:
        opts.orderby = parse_orderby(seen["$orderby"], etype)
    if "$top" in seen:
        opts.top = _parse_count_value("$top", seen["$top"])
        if opts.top > MAX_TOP:
            raise query_error("The limit of '%d' for Top query has been exceeded. The value from the incoming request is '%s'."
                              % (MAX_TOP, seen["$top"]))
    if "$skip" in seen:
        opts.skip = _parse_count_value("$skip", seen["$skip"])
    if "$count" in seen:
        opts.count = _parse_count_option(seen["$count"])
    if "$search" in seen:
        opts.search = _parse_search(seen["$search"])
    return opts


def _parse_count_value(name, value):
    text = value.strip()
    if not text.isdigit():
        raise query_error("Invalid value '%s' for %s query option found. The %s query option requires a non-negative integer value."
                          % (value, name, name))
    return int(text)


def _parse_count_option(value):
    text = value.strip().lower()
    if text not in ("true", "false"):
        raise query_error("'%s' is not a valid count option." % value)
    return text == "true"


def _parse_search(value):
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if not text:
        raise query_error("The $search query option must not be empty.")
    return text.lower()


def split_top_level(text, sep):
    """Split on ``sep`` outside parentheses and quoted literals."""
    parts, depth, quote, start = [], 0, False, 0
    for index, char in enumerate(text):
        if char == "'":
            quote = not quote
        elif quote:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _unknown_property(name, etype):
    return query_error("Could not find a property named '%s' on type '%s'." % (name, etype.name))


def parse_select_expand(select_text, expand_text, etype):
    """Parse ``$select`` and ``$expand`` (with nested ``$select``/``$expand``) for ``etype``."""
    select = None
    if select_text is not None:
        select = []
        for name in split_top_level(select_text, ","):
            if name != "*" and name not in etype.props:
                if "/" in name or "(" in name:
                    raise query_error("The simulator supports only plain property names in $select, got '%s'." % name)
                raise _unknown_property(name, etype)
            select.append(name)
    expand = {}
    if expand_text is not None:
        for item in split_top_level(expand_text, ","):
            _parse_expand_item(item, etype, expand)
    return SelectExpand(select, expand)


_EXPAND_ITEM = re.compile(r"^([A-Za-z_*][\w]*)\s*(?:\((.*)\))?$", re.S)


def _parse_expand_item(item, etype, expand):
    match = _EXPAND_ITEM.match(item)
    if not match:
        raise query_error("Syntax error in $expand at '%s'." % item)
    name, nested = match.group(1), match.group(2)
    names = etype.navigation if name == "*" else [name]
    if name != "*":
        if name not in etype.props:
            raise _unknown_property(name, etype)
        if not etype.is_nav(name):
            raise query_error("Property '%s' on type '%s' is not a navigation property or complex property. "
                              "Only navigation properties can be expanded." % (name, etype.name))
    for nav in names:
        target = TYPES[etype.props[nav].ref]
        expand[nav] = _parse_nested(nested, target)


def _parse_nested(nested, target):
    if not nested or not nested.strip():
        return SelectExpand()
    options = {}
    for part in split_top_level(nested, ";"):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in ("$select", "$expand"):
            raise query_error("The simulator supports only $select and $expand inside $expand, got '%s'." % part)
        options[key] = value
    return parse_select_expand(options.get("$select"), options.get("$expand"), target)


def parse_orderby(text, etype):
    """Parse ``$orderby`` into a list of (property, descending)."""
    keys = []
    for item in split_top_level(text, ","):
        words = item.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise query_error("Syntax error in $orderby at '%s'." % item)
        name = words[0]
        prop = resolve_path(name, etype, "$orderby")
        if prop.nav or prop.many or prop.kind in ("object", "any"):
            raise query_error("The $orderby expression must evaluate to a single value of primitive type.")
        keys.append((name, len(words) == 2 and words[1].lower() == "desc"))
    return keys


def resolve_path(path, etype, option):
    """The property a name or a path through complex properties (``Gateway/Name``) names."""
    segments = path.split("/")
    for index, segment in enumerate(segments):
        prop = etype.props.get(segment)
        if prop is None:
            raise _unknown_property(segment, etype)
        if index == len(segments) - 1:
            return prop
        if not prop.complex or prop.many:
            raise query_error("The simulator does not support navigation paths or lambda operators in %s ('%s')."
                              % (option, path))
        etype = TYPES[prop.ref]
    return None


def path_getter(path):
    """``entity -> value`` for a property name or a path through complex properties."""
    if "/" not in path:
        return lambda entity: entity.get(path)
    segments = path.split("/")

    def get(entity):
        for segment in segments:
            if not isinstance(entity, dict):
                return None
            entity = entity.get(segment)
        return entity
    return get


def sort_entities(items, orderby, props=None):
    """Sort in place by the ``$orderby`` keys; nulls sort first, as OData does.

    ``props`` maps an item to its property dict (items are dicts when it is None).
    """
    props = props or (lambda item: item)
    for name, desc in reversed(orderby):
        get = path_getter(name)
        items.sort(key=lambda item, g=get: _sort_key(g(props(item))), reverse=desc)
    return items


def _sort_key(value):
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    return (2, value)


def project(etype, data, shape):
    """Return the part of ``data`` that a client with ``shape`` gets back.

    Hidden properties (ScriptCode) appear only when named in ``$select``; navigation
    properties only when named in ``$expand``, whatever ``$select`` says.
    """
    if shape.select is None:
        names = etype.default_select
    elif "*" in shape.select:
        names = [n for n in etype.structural if n not in etype.hidden or n in shape.select]
    else:
        wanted = set(shape.select)
        names = [n for n in etype.structural if n in wanted]
    out = {}
    for name in names:
        if name in data:
            out[name] = data[name]
    for nav, sub in shape.expand.items():
        prop = etype.props[nav]
        target = TYPES[prop.ref]
        value = data.get(nav)
        if prop.many:
            out[nav] = [project(target, v, sub) for v in value or ()]
        else:
            out[nav] = None if value is None else project(target, value, sub)
    return out


def context_clause(shape):
    """The ``(...)`` part of an ``@odata.context`` URL that describes a projection."""
    items = []
    if shape.select is not None:
        items.extend(n for n in shape.select if n not in shape.expand)
    for nav, sub in shape.expand.items():
        items.append("%s(%s)" % (nav, context_clause(sub)[1:-1]))
    return "(%s)" % ",".join(items) if items else ""


# ---------------------------------------------------------------------------------------
# $filter
# ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<enumlit>[A-Za-z_][\w.]*'(?:[^']|'')*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][\w]*(?:/[A-Za-z_][\w]*)*)
  | (?P<punct>[(),:])
""", re.X)

_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}
_EDM = dict(EDM_NAMES, null="null")
_TEXT_LIKE = ("duration", "time", "date", "guid")


class _Expr:
    """A compiled expression: ``fn(entity_dict) -> value`` and its static kind."""

    __slots__ = ("fn", "kind", "prop", "literal")

    def __init__(self, fn, kind, prop=None, literal=None):
        self.fn = fn
        self.kind = kind
        self.prop = prop
        self.literal = literal


def _tokenize(text):
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise query_error("Syntax error at position %d in '%s'." % (pos, text))
        pos = match.end()
        kind = match.lastgroup
        if kind != "ws":
            tokens.append((kind, match.group()))
    return tokens


def compile_filter(text, etype):
    """Compile a ``$filter`` expression into ``predicate(entity_dict) -> bool``."""
    parser = _FilterParser(_tokenize(text), etype, text)
    expr = parser.parse()
    if expr.kind not in ("bool", "null"):
        raise query_error("The $filter expression must evaluate to a single boolean value.")
    fn = expr.fn
    return lambda entity: fn(entity) is True


def _and(a, b):
    return lambda e: _logic_and(a(e), b(e))


def _logic_and(x, y):
    if x is False or y is False:
        return False
    if x is None or y is None:
        return None
    return True


def _or(a, b):
    def run(e):
        x, y = a(e), b(e)
        if x is True or y is True:
            return True
        if x is None or y is None:
            return None
        return False
    return run


def _not(a):
    def run(e):
        value = a(e)
        return None if value is None else not value
    return run


def _unescape(literal):
    return literal[1:-1].replace("''", "'")


class _FilterParser:
    """Recursive descent over the tokens: or > and > not > comparison > primary."""

    def __init__(self, tokens, etype, text):
        self.tokens = tokens
        self.pos = 0
        self.etype = etype
        self.text = text

    def peek(self, offset=0):
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        if token[0] is None:
            raise query_error("Unexpected end of $filter expression '%s'." % self.text)
        self.pos += 1
        return token

    def expect(self, value):
        token = self.take()
        if token[1] != value:
            raise query_error("Expected '%s' but found '%s' in $filter." % (value, token[1]))

    def keyword(self, word):
        kind, value = self.peek()
        return kind == "name" and value == word

    def parse(self):
        expr = self.or_expr()
        if self.peek()[0] is not None:
            raise query_error("Syntax error: unexpected '%s' in $filter." % self.peek()[1])
        return expr

    def or_expr(self):
        left = self.and_expr()
        while self.keyword("or"):
            self.take()
            right = self.and_expr()
            left = _Expr(_or(self._bool(left).fn, self._bool(right).fn), "bool")
        return left

    def and_expr(self):
        left = self.not_expr()
        while self.keyword("and"):
            self.take()
            right = self.not_expr()
            left = _Expr(_and(self._bool(left).fn, self._bool(right).fn), "bool")
        return left

    def not_expr(self):
        if self.keyword("not"):
            self.take()
            return _Expr(_not(self._bool(self.not_expr()).fn), "bool")
        return self.comparison()

    def comparison(self):
        left = self.primary()
        kind, value = self.peek()
        if kind == "name" and value in _COMPARE:
            self.take()
            right = self.primary()
            return self._compare(value, left, right)
        if kind == "name" and value == "in":
            self.take()
            return self._in_list(left)
        return left

    def _bool(self, expr):
        if expr.kind not in ("bool", "null"):
            raise query_error("A boolean operand was expected in $filter, found %s." % _EDM.get(expr.kind, expr.kind))
        return expr

    def _check_operands(self, op, left, right):
        for one, other in ((left, right), (right, left)):
            if one.kind == "enum" and other.kind in ("string", "enumlit"):
                members = other.literal.split(",") if one.prop.flags else [other.literal]
                if any(m.strip() not in one.prop.values for m in members):
                    raise query_error("The string '%s' is not a valid enumeration type constant." % other.literal)
                return
            if one.kind in _TEXT_LIKE and other.kind in ("string", "enumlit"):
                return  # duration'PT1H', a GUID or a time compared with its text: the simulator is lenient
        kinds = {left.kind, right.kind}
        if "null" in kinds or len(kinds) == 1 or kinds <= {"int", "number"}:
            return
        raise query_error("A binary operator with incompatible types was detected. Found operand types '%s' and '%s' "
                          "for operator kind '%s'." % (_EDM.get(left.kind, left.kind), _EDM.get(right.kind, right.kind), op))

    def _compare(self, op, left, right):
        self._check_operands(op, left, right)
        compare, lfn, rfn = _COMPARE[op], left.fn, right.fn
        if op in ("eq", "ne"):
            return _Expr(lambda e: compare(lfn(e), rfn(e)), "bool")

        def ordered(e):
            a, b = lfn(e), rfn(e)
            if a is None or b is None:
                return False
            return compare(a, b)
        return _Expr(ordered, "bool")

    def _in_list(self, left):
        self.expect("(")
        values = []
        while True:
            item = self.primary()
            if item.literal is None and item.kind != "null":
                raise query_error("The 'in' operator accepts only literals.")
            self._check_operands("In", left, item)
            values.append(item.literal)
            value = self.take()[1]
            if value == ")":
                break
            if value != ",":
                raise query_error("Expected ',' or ')' in 'in' list, found '%s'." % value)
        lfn, allowed = left.fn, tuple(values)
        return _Expr(lambda e: lfn(e) in allowed, "bool")

    def primary(self):
        kind, value = self.take()
        if value == "(":
            expr = self.or_expr()
            self.expect(")")
            return expr
        if kind == "string":
            text = _unescape(value)
            return _Expr(lambda e: text, "string", literal=text)
        if kind == "enumlit":
            text = _unescape(value[value.index("'"):])
            return _Expr(lambda e: text, "enumlit", literal=text)
        if kind == "datetime":
            return _Expr(lambda e: value, "datetime", literal=value)
        if kind == "number":
            number = float(value) if any(c in value for c in ".eE") else int(value)
            return _Expr(lambda e: number, "int" if isinstance(number, int) else "number", literal=number)
        if kind == "name":
            return self._name(value)
        raise query_error("Syntax error: unexpected '%s' in $filter." % value)

    def _name(self, value):
        if value in ("true", "false"):
            flag = value == "true"
            return _Expr(lambda e: flag, "bool", literal=flag)
        if value == "null":
            return _Expr(lambda e: None, "null")
        if self.peek()[1] == "(" and value in _FUNCTIONS:
            return self._function(value)
        prop = resolve_path(value, self.etype, "$filter")
        if prop.nav or prop.many or prop.kind in ("object", "any"):
            raise query_error("The simulator supports only single-valued primitive properties in $filter ('%s')." % value)
        return _Expr(path_getter(value), prop.kind, prop=prop)

    def _function(self, name):
        self.expect("(")
        args = []
        if self.peek()[1] != ")":
            while True:
                args.append(self.or_expr())
                if self.peek()[1] != ",":
                    break
                self.take()
        self.expect(")")
        arity, arg_kinds, result_kind, impl = _FUNCTIONS[name]
        if len(args) not in arity:
            raise query_error("No function signature for the function with name '%s' matches the arguments." % name)
        for arg, wanted in zip(args, arg_kinds):
            if arg.kind not in (wanted, "null"):
                raise query_error("No function signature for the function with name '%s' matches the arguments." % name)
        fns = [a.fn for a in args]

        def run(e):
            values = [f(e) for f in fns]
            if any(v is None for v in values):
                return None
            return impl(*values)
        return _Expr(run, result_kind)


_FUNCTIONS = {
    # name: (allowed arities, argument kinds, result kind, implementation)
    "contains": ((2,), ("string", "string"), "bool", lambda a, b: b in a),
    "startswith": ((2,), ("string", "string"), "bool", lambda a, b: a.startswith(b)),
    "endswith": ((2,), ("string", "string"), "bool", lambda a, b: a.endswith(b)),
    "indexof": ((2,), ("string", "string"), "int", lambda a, b: a.find(b)),
    "tolower": ((1,), ("string",), "string", lambda a: a.lower()),
    "toupper": ((1,), ("string",), "string", lambda a: a.upper()),
    "trim": ((1,), ("string",), "string", lambda a: a.strip()),
    "length": ((1,), ("string",), "int", len),
    "substring": ((2, 3), ("string", "int", "int"), "string", lambda a, i, n=None: a[i:] if n is None else a[i:i + n]),
}
