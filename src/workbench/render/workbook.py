"""An Excel workbook of tables: one sheet each, every text cell stored as text.

Pure: sheets (a name, a sentence and a table) in, the bytes of an ``.xlsx`` file out
(openpyxl). Each sheet has its header row frozen, a filter on every column and column widths
fitted to the text. Every string is written as a text cell, never a formula, and text that a
spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab or carriage return first,
as OWASP's CSV-injection guidance lists) also carries Excel's quote prefix, so that editing
the cell keeps it text. The bytes depend on the tables alone: the document's creation and
modification dates and the date of every part of the zip are the zip epoch (1980-01-01),
not the build's clock.
"""

from __future__ import annotations

import datetime
import io
import math
import numbers
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from workbench.render.spreadsheet import FORMULA_STARTS

#: The date every part of the zip carries (the earliest a zip can hold), for fixed bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its name (at most 31 characters), what it holds, its table."""

    name: str
    description: str
    table: pd.DataFrame


def cell_text(text: str) -> str:
    """Return the text a text cell holds (the one place a shared CSV-injection guard goes).

    Examples:
        >>> cell_text("=1+1")
        '=1+1'
    """
    return text


#: An underscore that a spreadsheet would read as the start of an OOXML escape (``_x0007_``).
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def ooxml_text(text: str) -> str:
    r"""Return ``text`` with the control characters XML cannot hold written as OOXML escapes.

    ``_x0007_`` is how Excel itself stores such a character, and Excel and LibreOffice read
    it back as the character; an underscore that would read as such an escape is escaped too.

    Examples:
        >>> ooxml_text("bell\x07"), ooxml_text("_x0041_"), ooxml_text("tab\tline\n")
        ('bell_x0007_', '_x005F_x0041_', 'tab\tline\n')
    """
    text = _ESCAPE_LIKE.sub("_x005F_", text)
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` typed into a cell as a formula.

    Examples:
        >>> formula_like("=SUM(A1:A3)"), formula_like("-2 points"), formula_like("2 - 1")
        (True, True, False)
    """
    return text.startswith(FORMULA_STARTS)


def _value(value: object) -> object:
    """A table value as a cell value: missing → empty, numbers and booleans as such."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy bool
        return _value(value.item())
    return str(value)


def _rows(table: pd.DataFrame) -> list[list[object]]:
    """The header and the rows of ``table`` as cell values (see :func:`_value`)."""
    columns = [
        [v if type(v) is str else _value(v) for v in table.iloc[:, c].tolist()]
        for c in range(table.shape[1])
    ]
    header: list[object] = [str(c) for c in table.columns]
    if not columns:
        return [header] + [[] for _ in range(len(table))]
    return [header] + [list(row) for row in zip(*columns, strict=True)]


def _widths(rows: list[list[object]]) -> list[float]:
    """Each column's width: its longest line of text or number, plus 2, within the bounds."""
    widths = [0] * len(rows[0])
    for row in rows:
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                width = max(map(len, value.splitlines() or [""]))
            else:
                width = len(str(value))
            if width > widths[c]:
                widths[c] = width
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _fill(book: Workbook, name: str, table: pd.DataFrame) -> None:
    """Add the sheet ``name`` holding ``table`` to the write-only ``book``.

    A write-only sheet takes its columns, panes and filter before its first row, and then
    streams the rows out (openpyxl's documented way to write a large workbook).
    """
    sheet = book.create_sheet(name)
    rows = _rows(table)
    for c, width in enumerate(_widths(rows), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(rows[0]), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(rows)}"
    for row in rows:
        sheet.append([_text_cell(sheet, v) if isinstance(v, str) else v for v in row])


def _text_cell(sheet: Any, text: str) -> str | Cell:
    """A text cell holding ``text``, never a formula; quoted if a spreadsheet would run it.

    Plain text is handed to openpyxl as a string, which it stores as text unless it starts
    with ``=``; text a spreadsheet would run becomes a cell of its own, typed and quoted.
    """
    value = ooxml_text(cell_text(text))
    if not formula_like(text):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # openpyxl would take "=..." for a formula
    cell.quotePrefix = True
    return cell


def render_workbook(sheets: Sequence[Sheet]) -> bytes:
    """Return the ``.xlsx`` bytes of ``sheets``, in order (the first is the active sheet).

    Raises:
        ValueError: when a sheet name is empty, longer than 31 characters or repeated.
    """
    names = [s.name for s in sheets]
    if len(set(names)) != len(names) or not all(0 < len(n) <= 31 for n in names):
        raise ValueError(f"sheet names must be distinct and 1-31 characters: {names}")
    book = Workbook(write_only=True)
    for sheet in sheets:
        _fill(book, sheet.name, sheet.table)
    # openpyxl cannot leave the dates out; the zip epoch stands for "no date", not the clock
    book.properties.created = book.properties.modified = datetime.datetime(*ZIP_DATE)
    book.properties.creator = "workbench"
    buffer = io.BytesIO()
    # stored, not deflated: _fixed_dates deflates each part once, as it rewrites them
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(book, archive).save()  # openpyxl's save_workbook would stamp the time
    return _fixed_dates(buffer.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """Return the zip ``data`` with every member dated :data:`ZIP_DATE`, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
