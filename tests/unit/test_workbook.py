"""workbench.render.workbook: text stays text, bytes stay the same."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from workbench.render.workbook import Sheet, render_workbook

#: Text a spreadsheet would run as a formula, or read as one (OWASP's CSV-injection list).
HOSTILE = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\tindented",
    "=1+1",
]


def test_formula_like_text_is_stored_as_quoted_text_unchanged():
    table = pd.DataFrame({"text": HOSTILE + ["O’Leary"], "n": range(7)})
    data = render_workbook([Sheet("Data", "x", table)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == HOSTILE + ["O’Leary"]
    assert {c.data_type for c in cells} == {"s"}
    assert [c.quotePrefix for c in cells] == [True] * len(HOSTILE) + [False]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == list(range(7))


def test_missing_values_are_empty_cells_and_the_bytes_are_the_same_twice():
    table = pd.DataFrame(
        {
            "a": ["x", None],
            "b": pd.array([1, None], dtype="Int64"),
            "c": [0.5, float("nan")],
            "d": [True, False],
        }
    )
    first = render_workbook([Sheet("T", "t", table)])
    assert render_workbook([Sheet("T", "t", table)]) == first
    rows = list(openpyxl.load_workbook(io.BytesIO(first))["T"].iter_rows(values_only=True))
    assert rows == [("a", "b", "c", "d"), ("x", 1, 0.5, True), (None, None, None, False)]


def test_sheet_names_must_be_distinct_and_short():
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="distinct"):
        render_workbook([Sheet("A", "", frame), Sheet("A", "", frame)])
    with pytest.raises(ValueError, match="1-31"):
        render_workbook([Sheet("x" * 32, "", frame)])


def test_control_characters_are_written_as_ooxml_escapes_not_refused():
    table = pd.DataFrame({"a": ["bell\x07here", "_x0041_ literal", "two\nlines"]})
    data = render_workbook([Sheet("T", "t", table)])
    values = [
        row[0]
        for row in openpyxl.load_workbook(io.BytesIO(data))["T"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    # openpyxl shows the stored escapes; Excel and LibreOffice read them as the characters
    assert values == ["bell_x0007_here", "_x005F_x0041_ literal", "two\nlines"]


def test_widths_count_the_longest_line_and_the_longest_number():
    table = pd.DataFrame(
        {
            "n": [5, -1234567890],  # the most negative number is the longest: 11 characters
            "t": ["ab\ncdefghijkl", "x"],  # the longest line is 10 characters, not the 13
            "f": [1234.5678, float("nan")],  # "1234.5678": 9 characters
            "u": ["a\u2028" + "b" * 20, "c"],  # a line separator breaks the line too
        }
    )
    data = render_workbook([Sheet("T", "t", table)])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["T"]
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths == {"A": 11 + 2, "B": 10 + 2, "C": 9 + 2, "D": 20 + 2}
