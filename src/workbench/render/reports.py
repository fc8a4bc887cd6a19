"""The build's Markdown reports (``gaps.md``, ``search_report.md``, …) as HTML pages.

A browser shows a ``.md`` file as raw text; each report is therefore also written as
``<name>.html`` beside it, rendered by markdown-it-py (CommonMark with tables) with raw HTML
disabled: the data in the Markdown is already escaped by :mod:`workbench.render.markdown`,
and a tag that slipped through would show as text, never run. The pages share the front
page's frame and policy (:mod:`workbench.render.page`).
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from workbench.render.page import render_page

_NOT_SLUG = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[\s-]+")


def slug(text: str) -> str:
    """Return the id a heading's text gets on its report page (GitHub's style).

    Examples:
        >>> slug("The map against the report's own statements")
        'the-map-against-the-reports-own-statements'
        >>> slug("Ranked gaps (208)")
        'ranked-gaps-208'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACES.sub("-", _NOT_SLUG.sub("", text)).strip("-")


def markdown_renderer() -> MarkdownIt:
    """Return the renderer of the report pages: CommonMark plus tables, raw HTML off."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _heading_ids(tokens: list[Token]) -> str:
    """Give every heading an id from its text (unique on the page), every table the text of
    the heading above it (its label) and every aligned cell a class for its alignment; return
    the first h1's text, the page's title."""
    seen: dict[str, int] = {}
    title = heading = ""
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            token.meta["label"] = heading or "Table"
        if token.type in ("th_open", "td_open") and token.attrGet("style"):
            # The policy refuses style attributes: a column's alignment becomes a class.
            align = str(token.attrGet("style")).removeprefix("text-align:")
            token.attrs.pop("style")
            token.attrSet("class", f"align-{align}")
        if token.type != "heading_open":
            continue
        text = heading = tokens[i + 1].content if i + 1 < len(tokens) else ""
        if token.tag == "h1" and not title:
            title = text
        base = slug(text) or "section"
        seen[base] = seen.get(base, 0) + 1
        token.attrSet("id", base if seen[base] == 1 else f"{base}-{seen[base]}")
    return title


def _table_open(self, tokens: list[Token], idx: int, options, env) -> str:
    """Open a table inside a box that scrolls sideways, focusable and named for the keyboard
    and screen readers (a scrolling region nobody can reach is an accessibility fault)."""
    label = escape(tokens[idx].meta.get("label", "Table"), quote=True)
    return (
        f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">'
        + self.renderToken(tokens, idx, options, env)
    )


def _table_close(self, tokens: list[Token], idx: int, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def render_report_page(markdown: str, source_name: str, *, index: str = "index.html") -> str:
    """Return the HTML page of a Markdown report.

    Args:
        markdown: the report's text, as the build wrote it.
        source_name: the report's file name (``gaps.md``), linked from the page.
        index: the address of the build's front page from the report page.

    Returns:
        A whole page: a link back to the front page and to the Markdown, the report with an
        id on every heading (so the front page can link to a section), every wide table in
        a box of its own that scrolls sideways and can be focused with the keyboard.
    """
    md = markdown_renderer()
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    tokens = md.parse(markdown)
    title = _heading_ids(tokens) or source_name
    body = md.renderer.render(tokens, md.options, {})
    nav = (
        f'<nav class="back" aria-label="Build"><a href="{escape(index, quote=True)}">'
        f'← The build\'s front page</a> · <a href="{escape(source_name, quote=True)}">'
        f"This report as Markdown ({escape(source_name)})</a></nav>"
    )
    return render_page(title, f"{nav}\n<main>\n{body}</main>")
