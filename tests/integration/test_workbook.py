"""workbench.xlsx as openpyxl reads it: the sheets, the same rows as the build's CSVs, frozen
headers, filters, and no formula anywhere."""

from __future__ import annotations

import csv
import math
import re

import numpy as np
import openpyxl
import openpyxl.utils
import pandas as pd
import pytest

from workbench.build import corpus_fingerprint
from workbench.dataflow import dataflow
from workbench.dataflow.inputs import input_values
from workbench.render.spreadsheet import FORMULA_STARTS
from workbench.workbook import about_sheet, workbook_sheets

#: Each data sheet and the CSV of the same build holding the same table.
SHEETS = {
    "Gap map": "gap_map.csv",
    "Gap register": None,
    "Citation audit": "citation_audit.csv",
    "Crosswalk": "crosswalk.csv",
    "Crosswalk coverage": "crosswalk_coverage.csv",
    "Search analysis": "search_analysis.csv",
}


@pytest.fixture(scope="module")
def book(shipped_build):
    return openpyxl.load_workbook(shipped_build / "workbench.xlsx")


def _csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _as_csv_text(value) -> str:
    return "" if value is None else str(value)


def test_the_workbook_has_about_then_one_sheet_per_table(book):
    assert book.sheetnames == ["About", *SHEETS]


@pytest.mark.parametrize("name", [n for n, f in SHEETS.items() if f])
def test_a_sheet_holds_the_same_table_as_its_csv(book, shipped_build, name):
    rows = _csv(shipped_build / SHEETS[name])
    sheet = book[name]
    values = [[_as_csv_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert sheet.max_row == len(rows) and len(rows) > 1
    assert values[0] == rows[0]
    assert values == rows


def test_the_register_sheet_holds_every_ranked_gap(book, shipped_build):
    text = (shipped_build / "gaps.md").read_text(encoding="utf-8")
    count = int(re.search(r"^## Ranked gaps \((\d+)\)$", text, re.MULTILINE).group(1))
    sheet = book["Gap register"]
    assert sheet.max_row - 1 == count
    ranks = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ranks == list(range(1, count + 1))


def test_every_sheet_has_a_frozen_header_a_filter_and_no_formula(book):
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
        widths = [d.width for d in sheet.column_dimensions.values()]
        assert widths and all(8 <= w <= 60 for w in widths), sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"


def test_about_says_what_each_sheet_is_and_what_it_was_built_from(book, repo_root):
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert corpus_fingerprint(repo_root) in about["Corpus fingerprint"]
    assert about["Built by"].startswith("workbench 0.1.0")
    for name in SHEETS:
        assert f"{book[name].max_row - 1} rows." in about[f"Sheet: {name}"]


def _expected_cell(value):
    """What a frame's value is as a cell, worked out from the frame without the renderer:
    a missing value an empty cell, numbers and booleans as such, everything else text."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return str(value)


def _expected_width(values) -> float:
    """A column's width: its longest line of text or number, plus 2, between 8 and 60."""
    longest = max(
        max(map(len, v.splitlines() or [""])) if isinstance(v, str) else len(str(v))
        for v in values
        if v is not None
    )
    return min(max(longest + 2, 8), 60)


@pytest.fixture(scope="module")
def done(corpus) -> dict:
    """The results the workbook is made from: the build's own nodes, computed again here."""
    flow = dataflow()
    inputs = input_values(corpus, corpus_fingerprint(corpus.root))
    return flow.execute(
        ["gap_analysis", "citation_audit", "labelled_crosswalk", "crosswalk_coverage"]
        + ["search_analysis", "descriptor", "fingerprint"],
        inputs=inputs,
    )


def test_every_sheet_is_its_frame_cell_by_cell(book, done):
    """The workbook as openpyxl reads it against the frames it is made from: every header,
    value and cell type, the quote prefix on exactly the text a spreadsheet would run, the
    frozen header, the filter and the widths."""
    sheets = workbook_sheets(
        done["gap_analysis"],
        done["citation_audit"],
        done["labelled_crosswalk"],
        done["crosswalk_coverage"],
        done["search_analysis"],
    )
    sheets = [about_sheet(done["descriptor"], sheets, done["fingerprint"]), *sheets]
    assert book.sheetnames == [s.name for s in sheets]
    for sheet in sheets:
        got = book[sheet.name]
        header = [str(c) for c in sheet.table.columns]
        rows = [header] + [
            [_expected_cell(v) for v in row]
            for row in sheet.table.itertuples(index=False, name=None)
        ]
        cells = [list(row) for row in got.iter_rows()]
        assert len(cells) == len(rows), sheet.name
        for r, (expected, row) in enumerate(zip(rows, cells, strict=True), start=1):
            row = row + [None] * (len(expected) - len(row))  # openpyxl drops empty trailers
            for c, value in enumerate(expected):
                cell = row[c]
                where = f"{sheet.name}!R{r}C{c + 1}"
                if value is None or value == "":  # empty text is an empty cell, as in a CSV
                    assert cell is None or cell.value is None, where
                    continue
                assert cell.value == value and type(cell.value) is type(value), where
                if isinstance(value, str):
                    assert cell.data_type == "s", where
                    # formula-like text is none of the shipped corpus's; the unit tests
                    # of workbench.render.workbook write some
                    assert cell.quotePrefix == value.startswith(FORMULA_STARTS), where
                else:
                    assert cell.data_type in {"n", "b"}, where
        assert got.freeze_panes == "A2", sheet.name
        last = openpyxl.utils.get_column_letter(len(header))
        assert got.auto_filter.ref == f"A1:{last}{len(rows)}", sheet.name
        widths = {k: d.width for k, d in got.column_dimensions.items()}
        assert widths == {
            openpyxl.utils.get_column_letter(c + 1): _expected_width([row[c] for row in rows])
            for c in range(len(header))
        }, sheet.name


def test_the_search_sheet_says_how_many_searches_it_holds(done):
    """The report ran 52 searches (Appendix 2), and the sheet of the shipped corpus says so;
    a corpus holding other searches gets its own number, never the report's."""
    args = [done[n] for n in ("gap_analysis", "citation_audit", "labelled_crosswalk")]
    args.append(done["crosswalk_coverage"])

    def described(searches: pd.DataFrame) -> str:
        sheets = workbook_sheets(*args, searches)
        return next(s.description for s in sheets if s.name == "Search analysis")

    assert described(done["search_analysis"]).startswith("The 52 Google Scholar searches ")
    assert described(done["search_analysis"].head(3)).startswith("The 3 Google Scholar ")
