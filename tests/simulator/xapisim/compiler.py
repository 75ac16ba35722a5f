"""A stand-in for the PBX's C# compiler.

The rule is small on purpose so tests can predict it (docs/simulator.md repeats it):

* a blank script fails;
* unbalanced ``{}``, ``()`` or ``[]`` outside string/char literals and comments fail;
* an unterminated string literal or block comment fails;
* a ``#error <text>`` line fails with ``E: (line N) <text>``;
* a ``#warning <text>`` line adds ``W: (line N) <text>`` without failing.

The output mimics 3CX's ``CompilationResult``: one line per diagnostic, errors with an
``E:`` prefix and warnings with ``W:``.
"""

import re

_DIRECTIVE = re.compile(r"#\s*(error|warning)\b[ \t]*(.*)$")
_OPENERS = {"(": ")", "{": "}", "[": "]"}
_CLOSERS = {")": "(", "}": "{", "]": "["}
_EXPECTED = {"(": "CS1026: ) expected", "{": "CS1513: } expected", "[": "CS1003: Syntax error, ']' expected"}


class _Scan:
    """State carried from one line to the next while scanning a script."""

    def __init__(self):
        self.stack = []           # (opener, line)
        self.diagnostics = []     # (line, "E" | "W", text)
        self.block_comment = None  # line where an open /* started
        self.verbatim = None       # line where an open @"..." started
        self.raw = None            # line where an open \"\"\"...\"\"\" started

    def add(self, line, level, text):
        self.diagnostics.append((line, level, text))

    def in_multiline(self):
        return self.block_comment is not None or self.verbatim is not None or self.raw is not None


def compile_script(code):
    """Check a script; return ``(succeeded, compilation_result_text)``."""
    if code is None or not code.strip():
        return False, "E: (line 1) CS8803: The script is empty."
    scan = _Scan()
    lines = code.splitlines()
    for lineno, line in enumerate(lines, 1):
        if not scan.in_multiline() and _directive(scan, lineno, line):
            continue
        _scan_line(scan, lineno, line)
    _finish(scan, len(lines))
    scan.diagnostics.sort(key=lambda d: d[0])
    text = "\n".join("%s: (line %d) %s" % (level, line, message) for line, level, message in scan.diagnostics)
    return not any(d[1] == "E" for d in scan.diagnostics), text


def _directive(scan, lineno, line):
    """Handle a preprocessor line; True when the line was one (it holds no code)."""
    stripped = line.lstrip()
    if not stripped.startswith("#"):
        return False
    match = _DIRECTIVE.match(stripped)
    if match:
        scan.add(lineno, "E" if match.group(1) == "error" else "W", match.group(2).rstrip())
    return True


def _scan_line(scan, lineno, line):
    """Walk one line, skipping literals and comments, tracking brackets."""
    index, length = 0, len(line)
    while index < length:
        if scan.block_comment is not None:
            end = line.find("*/", index)
            if end < 0:
                return
            scan.block_comment, index = None, end + 2
            continue
        if scan.verbatim is not None:
            index = _skip_verbatim(scan, line, index)
            continue
        if scan.raw is not None:
            end = line.find('"""', index)
            if end < 0:
                return
            scan.raw, index = None, end + 3
            continue
        index = _scan_code(scan, lineno, line, index)


def _skip_verbatim(scan, line, index):
    while index < len(line):
        if line[index] == '"':
            if line[index + 1:index + 2] == '"':
                index += 2
                continue
            scan.verbatim = None
            return index + 1
        index += 1
    return index


def _scan_code(scan, lineno, line, index):
    """Scan code from ``index``; return the index where scanning should go on."""
    char, pair = line[index], line[index:index + 2]
    if pair == "//":
        return len(line)
    if pair == "/*":
        scan.block_comment = lineno
        return index + 2
    if line.startswith('"""', index):
        scan.raw = lineno
        return index + 3
    if pair == '@"' or line.startswith('$@"', index) or line.startswith('@$"', index):
        scan.verbatim = lineno
        return line.index('"', index) + 1
    if char in "\"'":
        return _skip_literal(scan, lineno, line, index)
    if char in _OPENERS:
        scan.stack.append((char, lineno))
    elif char in _CLOSERS:
        _close(scan, lineno, char)
    return index + 1


def _skip_literal(scan, lineno, line, index):
    quote, pos = line[index], index + 1
    while pos < len(line):
        if line[pos] == "\\":
            pos += 2
            continue
        if line[pos] == quote:
            return pos + 1
        pos += 1
    scan.add(lineno, "E", "CS1010: Newline in constant")
    return len(line)


def _close(scan, lineno, closer):
    """Pop the matching opener; openers left open inside it are reported at their line."""
    opener = _CLOSERS[closer]
    if not any(entry[0] == opener for entry in scan.stack):
        scan.add(lineno, "E", "CS1022: Type or namespace definition, or end-of-file expected ('%s' has no opening match)"
                 % closer)
        return
    while True:
        open_char, open_line = scan.stack.pop()
        if open_char == opener:
            return
        scan.add(open_line, "E", _EXPECTED[open_char])


def _finish(scan, last_line):
    """Whatever is still open at the end of the script is reported on its last line."""
    if scan.block_comment is not None:
        scan.add(scan.block_comment, "E", "CS1035: End-of-file found, '*/' expected")
    if scan.verbatim is not None or scan.raw is not None:
        scan.add(scan.verbatim or scan.raw, "E", "CS1039: Unterminated string literal")
    for opener, _line in reversed(scan.stack):
        scan.add(last_line, "E", _EXPECTED[opener])


def normalise_script(code):
    """The ``--rewrite-scripts`` quirk: CRLF line endings, trailing blanks of each line removed."""
    if code is None:
        return None
    lines = re.split(r"\r\n|\r|\n", code)
    return "\r\n".join(line.rstrip(" \t") for line in lines)
