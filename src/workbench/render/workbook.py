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
import operator
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from workbench.render.spreadsheet import FORMULA_STARTS

#: The date every part of the zip carries (the earliest a zip can hold), for fixed bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: The deflate level of the zip (zlib's default, 6, took 2 s of the 100x workbook's 23).
ZIP_LEVEL = 1
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


#: The characters :meth:`str.splitlines` breaks a line at, but for ``\n``.
_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: The first characters of formula-like text, and a text's first character ("" if empty):
#: a column none of whose texts starts with one holds no formula-like text.
_FORMULA_FIRSTS = frozenset(start[:1] for start in FORMULA_STARTS)
_FIRST = operator.itemgetter(slice(0, 1))
#: The exact types :func:`_value` returns unchanged.
_PLAIN = frozenset({str, int, bool, type(None)})


def _column_values(column: pd.Series) -> list[object]:
    """A column's values as cell values (see :func:`_value`), converting only what needs it.

    ``tolist`` already gives Python ints, floats, booleans and strings; only a float (a
    missing value is NaN) or another type goes through :func:`_value`.
    """
    values = column.tolist()
    types = set(map(type, values))
    if types <= _PLAIN:
        return values
    if types <= _PLAIN | {float}:
        return [None if v != v else v for v in values]  # NaN is the only float unequal to itself
    return [v if type(v) is str else _value(v) for v in values]


def _text_width(texts: list[str]) -> int:
    """The length of the longest line of ``texts`` (0 if there is none)."""
    joined = "\n".join(texts)
    # one search per character is quicker than a regular expression's scan of the text
    if joined.count("\n") == len(texts) - 1 and not any(c in joined for c in _OTHER_LINE_BREAKS):
        return max(map(len, texts), default=0)  # no text holds a line break
    return max((max(map(len, t.splitlines() or [""])) for t in texts), default=0)


def _width(values: list[object]) -> float:
    """A column's width: its longest line of text or number, plus 2, within the bounds."""
    texts = [v for v in values if type(v) is str]
    width = _text_width(texts)
    if len(texts) < len(values):
        others = [v for v in values if v is not None and type(v) is not str]
        if others and set(map(type, others)) == {int}:
            # the longest decimal integer is the largest or the most negative
            integers = cast(list[int], others)
            width = max(width, len(str(max(integers))), len(str(min(integers))))
        elif others:
            width = max(width, max(len(str(v)) for v in others))
    return min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def _text_cells(sheet: Any, values: list[object]) -> list[object]:
    """A column's values with each text as :func:`_text_cell` hands it to openpyxl.

    Most columns hold no control character, nothing that reads as an escape and no
    formula-like text; their strings are handed over as they are, found with one search of
    the column's joined text and a look at each text's first character.
    """
    texts = [v for v in values if type(v) is str]
    joined = "\n".join(texts)
    if (
        ("_x" in joined and _ESCAPE_LIKE.search(joined))
        or ILLEGAL_CHARACTERS_RE.search(joined)
        or not _FORMULA_FIRSTS.isdisjoint(map(_FIRST, texts))
    ):
        return [_text_cell(sheet, v) if isinstance(v, str) else v for v in values]
    return values


def _fill(book: Workbook, name: str, table: pd.DataFrame) -> None:
    """Add the sheet ``name`` holding ``table`` to the write-only ``book``.

    A write-only sheet takes its columns, panes and filter before its first row, and then
    streams the rows out (openpyxl's documented way to write a large workbook). The table is
    read a column at a time, and each row handed over as a tuple of plain values (a cell of
    its own only for text that needs the quote prefix).
    """
    sheet = book.create_sheet(name)
    columns = [
        [str(label), *_column_values(table.iloc[:, c])] for c, label in enumerate(table.columns)
    ]
    for c, values in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = _width(values)
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(table) + 1}"
    if not columns:
        for _ in range(len(table) + 1):
            sheet.append([])
        return
    for row in zip(*(_text_cells(sheet, values) for values in columns), strict=True):
        sheet.append(row)


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
    with _FixedDateZip(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        ExcelWriter(book, archive).save()  # openpyxl's save_workbook would stamp the time
    return buffer.getvalue()


class _FixedDateZip(zipfile.ZipFile):
    """A zip whose every member is dated :data:`ZIP_DATE` and readable by all (mode 644).

    openpyxl's writer adds each part by name or from a file, which would date it now.
    """

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add ``data`` as a member dated :data:`ZIP_DATE`."""
        name = (
            zinfo_or_arcname.filename
            if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
            else zinfo_or_arcname
        )
        member = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        member.compress_type = self.compression
        member.external_attr = 0o644 << 16
        super().writestr(member, data, compress_type, compresslevel or self.compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add the file ``filename`` as the member ``arcname``, dated :data:`ZIP_DATE`."""
        with open(filename, "rb") as handle:
            data = handle.read()
        self.writestr(arcname or str(filename), data, compress_type, compresslevel)
