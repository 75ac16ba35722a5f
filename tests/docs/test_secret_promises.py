"""Every text that tells users secrets stay out of output must also name what bypasses that.

ANSIBLE_DEBUG=1 prints module arguments and raw module output, and ANSIBLE_KEEP_REMOTE_FILES=1
keeps module arguments in files, whatever the module or no_log does. A promise without that
caveat is false; this test finds promises by their wording and asks for the caveat beside them.
"""

from __future__ import annotations

import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEXTS = sorted(
    [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "plugins", "doc_fragments", "connection.py")]
    + glob.glob(os.path.join(ROOT, "docs", "*.md")) + glob.glob(os.path.join(ROOT, "docs", "modules", "*.md"))
    + glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py")))
# "never appear(s) in", "never shown in", "stay(s) out of" said of a secret or token, or "keep(s) them out of"
PROMISE = re.compile(r"(secret|token)[^.]{0,80}?\b(never (appears?|shown|show)|stays? out of)"
                     r"|\bkeeps? [^.]{0,40}(client.secret|tokens)[^.]{0,40}out of", re.IGNORECASE | re.DOTALL)
CAVEAT = ("ANSIBLE_DEBUG", "ANSIBLE_KEEP_REMOTE_FILES")
# how far from a promise the caveat may be, in characters (a paragraph or a doc fragment's option and notes)
REACH = 3000


def promises(text):
    return [match.start() for match in PROMISE.finditer(text)]


def test_the_search_finds_the_wordings_it_looks_for():
    assert promises("Secrets (`client_secret`, `access_token`) never appear in messages.")
    assert promises("Secret of the API client; never shown in output, diff or errors.")
    assert promises("The client secret and tokens stay out of results.")
    assert promises("The modules keep `client_secret` and tokens out of their results.")
    assert not promises("Store the secret in a vault.")
    assert not promises("Keep a script that embeds a token out of the diff")  # diff_script: another matter


@pytest.mark.parametrize("path", TEXTS, ids=lambda path: os.path.relpath(path, ROOT))
def test_a_promise_that_secrets_stay_hidden_names_the_debug_settings_that_break_it(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for start in promises(text):
        near = text[max(0, start - REACH):start + REACH]
        missing = [name for name in CAVEAT if name not in near]
        line = text.count("\n", 0, start) + 1
        assert not missing, "%s:%d promises that secrets stay hidden without naming %s" % (
            os.path.relpath(path, ROOT), line, ", ".join(missing))
