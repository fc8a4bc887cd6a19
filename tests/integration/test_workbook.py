"""workbench.xlsx as openpyxl reads it: the sheets, the same rows as the build's CSVs, frozen
headers, filters, and no formula anywhere."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from workbench.build import corpus_fingerprint

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
