"""Tables for notebooks: a DataFrame as a captioned, escaped table whose HTML is the same on
every run (so that ``nbval`` can compare it)."""

from __future__ import annotations

import html

import pandas as pd


def styled_table(frame: pd.DataFrame | pd.Series, caption: str, table_id: str,
                 precision: int = 3, hide_index: bool = False):
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

    Examples:
        >>> table = styled_table(pd.DataFrame({"share": [0.12345]}), "A & B", "t1")
        >>> "<caption>A &amp; B</caption>" in table.to_html(), 'id="T_t1"' in table.to_html()
        (True, True)
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    styler = (frame.style.set_uuid(table_id).set_caption(html.escape(caption))
              .format(precision=precision, escape="html").format_index(escape="html", axis=0)
              .format_index(escape="html", axis=1))
    return styler.hide(axis="index") if hide_index else styler
