"""Tables for notebooks: a DataFrame as a captioned, escaped table whose HTML is the same on
every run (so that ``nbval`` can compare it)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd


def _anchor(value: object, href: str | None) -> str:
    """A cell's value as escaped HTML, a link to ``href`` when it has one."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if not href:
        return html.escape(text)
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def styled_table(
    frame: pd.DataFrame | pd.Series,
    caption: str | None,
    table_id: str,
    precision: int = 3,
    hide_index: bool = False,
    links: Mapping[str, Sequence[str | None]] | None = None,
):
    """Return ``frame`` as a pandas ``Styler`` with a caption, for display in a notebook.

    It exists so that notebooks show tables as tables (not ``print(df.to_string())``) with a
    sentence saying what they hold, and so that the HTML is stable: pandas gives each styled
    table a random id unless one is set, here ``table_id``. Every value, index label and the
    caption are HTML-escaped; floats show ``precision`` decimals.

    Args:
        frame: the table (a Series is shown as a one-column table).
        caption: what the table shows, in words.
        table_id: an id unique within the notebook (letters, digits, ``_``).
        precision: decimals of float values.
        hide_index: leave the index out (for a frame whose index is a plain row number).
        links: for some columns, the address each row's value links to (``None``: no link),
            e.g. a ``lines`` column linked to the source viewer with
            :func:`workbench.render.sources.line_links`; the value stays the link's
            escaped text.

    Examples:
        >>> table = styled_table(pd.DataFrame({"share": [0.12345]}), "A & B", "t1")
        >>> "<caption>A &amp; B</caption>" in table.to_html(), 'id="T_t1"' in table.to_html()
        (True, True)
        >>> frame = pd.DataFrame({"lines": ["193", "4<5"]})
        >>> html_text = styled_table(frame, None, "t2", links={"lines": ["x.html#L193", None]}
        ...                          ).to_html()
        >>> '<a href="x.html#L193">193</a>' in html_text, "4&lt;5" in html_text
        (True, True)
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    links = dict(links or {})
    if links:
        frame = frame.copy()
        for column, hrefs in links.items():
            frame[column] = [_anchor(v, h) for v, h in zip(frame[column], hrefs, strict=True)]
    styler = frame.style.set_uuid(table_id)
    if caption:
        styler = styler.set_caption(html.escape(caption))
    styler = (
        styler.format(precision=precision, escape="html")
        .format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
    )
    if links:  # already escaped, with their links
        styler = styler.format(lambda value: value, subset=list(links), escape=None)
    return styler.hide(axis="index") if hide_index else styler
