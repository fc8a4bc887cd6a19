"""Data in Markdown as text: the one escaper every ``.md`` writer uses for strings from data.

A string from the corpus (a title, a narrative, a database name) written into a Markdown file
must read as the same text in any renderer, and never become markup: no HTML, link, image,
autolink, emphasis, code span, heading or list item. :func:`escape_markdown` makes it so for
CommonMark and its common extensions (GFM tables, strikethrough and autolinks, linkify):

- ``&``, ``<`` and ``>`` become entities (no tag, no ``<http://…>`` autolink, no entity
  reference from data);
- the characters that open inline markup anywhere, ``\\ ` * _ [ ] ! | ~``, are
  backslash-escaped (``|`` also keeps a table cell whole);
- bare links are broken where autolinkers look for them: the ``:`` of ``://`` and ``:``
  after ``mailto``, a ``/`` followed by ``/``, ``@`` (e-mail addresses), and a ``.``
  followed by a letter or digit (``www.x.org``, ``nice.org.uk``);
- what opens a block at the start of a line (``#``, ``+``, ``-``, ``=``, ``>``, a number
  followed by ``.`` or ``)``) is escaped at the start of the string, and line breaks
  become spaces, so the string can only be inline text within the line that holds it.

Escaped characters render as themselves, so the text a reader sees is the data's.
"""

from __future__ import annotations

import functools
import re

#: Characters escaped wherever they appear: they open inline markup (or a table cell).
_INLINE = frozenset("\\`*_[]!|~")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: What opens a block when it starts a line (after the escaping of _INLINE).
_BLOCK_START = re.compile(r"([#+\-=])|(\d{1,9})([.)])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
#: Every character :func:`escape_markdown` may escape, found in one pass (a third of the time
#: of a loop over the characters): _INLINE and ``@``; ``:`` before ``/``
#: or after ``mailto`` (any case, ASCII letters only); ``/`` before ``/``; ``.`` before a
#: letter or digit (``[^\W_]`` is ``str.isalnum``); the characters that become entities.
_ESCAPED = re.compile(
    "[" + "".join(map(re.escape, sorted(_INLINE | {"@"}))) + "]"
    r"|:(?=/)|(?<=[mM][aA][iI][lL][tT][oO]):|/(?=/)|\.(?=[^\W_])|[&<>]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ENTITIES:
        return _ENTITIES[char]
    if char == ".":  # a decimal point (digits either side) stays as it is
        text, i = match.string, match.start()
        if i and text[i - 1].isdigit() and text[i + 1].isdigit():
            return char
    return "\\" + char


def escape_markdown(text: object) -> str:
    """Return ``text`` (``str(text)``) as Markdown that renders as exactly that text.

    Line breaks become spaces and surrounding white space is dropped, since the result is
    meant for one line (a paragraph, a heading, a table cell, a list item).

    Examples:
        >>> escape_markdown("<script>alert(1)</script> & | x")
        '&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\\\| x'
        >>> escape_markdown("![t](http://x.org/y.png) *really*")
        '\\\\!\\\\[t\\\\](http\\\\:\\\\//x\\\\.org/y\\\\.png) \\\\*really\\\\*'
        >>> escape_markdown("1. Guideline 3.3, e.g. in 2023")
        '1\\\\. Guideline 3.3, e\\\\.g. in 2023'
    """
    return _escape_text(str(text))


@functools.lru_cache(maxsize=1 << 16)  # a report repeats its labels thousands of times
def _escape_text(text: str) -> str:
    text = _LINE_BREAKS.sub(" ", text).strip()
    escaped = _ESCAPED.sub(_escape, text)
    start = _BLOCK_START.match(escaped)
    if start and start.group(1):
        escaped = "\\" + escaped
    elif start:
        escaped = f"{start.group(2)}\\{escaped[start.end(2) :]}"
    return escaped
