"""The one-pass Markdown escaper agrees with the rules it was first written as: a loop over
the characters (kept here as the oracle), on generated text full of the characters that
matter, Unicode digits and letters that case-fold oddly included."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.render.markdown import escape_markdown

_INLINE = frozenset("\\`*_[]!|~")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BLOCK_START = re.compile(r"([#+\-=])|(\d{1,9})([.)])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def one_char_at_a_time(text: object) -> str:
    """The escaper as first written, a character at a time: the oracle."""
    text = _LINE_BREAKS.sub(" ", str(text)).strip()
    out: list[str] = []
    for i, char in enumerate(text):
        after = text[i + 1] if i + 1 < len(text) else ""
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif (
            char in _INLINE
            or char == "@"
            or (char == ":" and (after == "/" or text[max(0, i - 6) : i].lower() == "mailto"))
            or (char == "/" and after == "/")
            or (
                char == "."
                and after.isalnum()
                and not (i and text[i - 1].isdigit() and after.isdigit())
            )
        ):
            out.append("\\" + char)
        else:
            out.append(char)
    escaped = "".join(out)
    start = _BLOCK_START.match(escaped)
    if start and start.group(1):
        escaped = "\\" + escaped
    elif start:
        escaped = f"{start.group(2)}\\{escaped[start.end(2) :]}"
    return escaped


#: Characters the escaper treats specially, digits that are not decimal (superscripts) or not
#: ASCII (Arabic-Indic), and letters whose case folds onto "mailto" under a Unicode regex.
TRICKY = list("\\`*_[]!|~@:/.&<>#+-=)(0123456789 aAmMiIlLtToOxé²١İıſ\u212a\n\r\u2028")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=30) | st.text(max_size=30))
def test_the_one_pass_escaper_agrees_with_the_character_loop(text):
    assert escape_markdown(text) == one_char_at_a_time(text)


def test_the_cases_the_rules_name():
    for text in ["mailto:a", "MaIlTo:a", "maılto:a", "3.3", "².²", "e.g.", "a//b", "x.1"]:
        assert escape_markdown(text) == one_char_at_a_time(text), text
    assert escape_markdown("MAILTO:x@y.org") == "MAILTO\\:x\\@y\\.org"
    assert escape_markdown("maılto:x") == "maılto:x", "a dotless i is not an i"
    assert escape_markdown("version 3.3 of x.org") == "version 3.3 of x\\.org"
