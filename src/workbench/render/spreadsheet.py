"""Files meant to be opened in a spreadsheet: cells that cannot run as formulas.

A spreadsheet reads a cell beginning with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return before them) as a formula, which can fetch from the network or run a command
(CSV injection). Following OWASP's guidance on CSV injection, :func:`neutralise_cell` prefixes
such a cell with a single quote, which the spreadsheet shows and does not evaluate, and
:func:`spreadsheet_csv` quotes every field. Only exports for people (a download from the gap
map, a workbook) go through here; the machine-readable CSVs of a build keep the data exactly
(``docs/faults.md`` lists which is which).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Return ``value`` safe to put in a spreadsheet cell: a string that begins with one of
    :data:`FORMULA_STARTS` gets a leading ``'``; anything else is returned as it is (numbers
    stay numbers, so a negative count is not turned into text).

    Examples:
        >>> print(neutralise_cell('=HYPERLINK("http://x")'), neutralise_cell("-2+3"))
        '=HYPERLINK("http://x") '-2+3
        >>> neutralise_cell(-2), neutralise_cell("Gray (2020)")
        (-2, 'Gray (2020)')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_csv(rows: Iterable[Iterable[object]]) -> str:
    """Return ``rows`` as CSV text for a spreadsheet: every cell neutralised and every field
    quoted, lines ending in LF.

    Examples:
        >>> print(spreadsheet_csv([["id", "note"], ["a", "=1+1"]]), end="")
        "id","note"
        "a","'=1+1"
    """
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return text.getvalue()
