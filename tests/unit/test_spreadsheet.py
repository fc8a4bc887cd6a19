"""Spreadsheet exports: a cell that a spreadsheet would run as a formula is shown as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from workbench.render.spreadsheet import neutralise_cell, spreadsheet_csv

# OWASP's list of first characters, each with a formula after it
FORMULAS = ['=HYPERLINK("http://x.invalid","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_gets_a_leading_quote(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Gray (2020)", "a=b", "1-2", "", "'=already"])
def test_other_text_is_kept_as_it_is(value):
    assert neutralise_cell(value) == value


def test_numbers_stay_numbers():
    assert neutralise_cell(-2) == -2 and neutralise_cell(3.5) == 3.5


def test_openpyxl_stores_a_neutralised_cell_as_text_and_a_raw_one_as_a_formula():
    sheet = openpyxl.Workbook().active
    sheet["A1"] = FORMULAS[0]
    sheet["A2"] = neutralise_cell(FORMULAS[0])
    assert sheet["A1"].data_type == "f", "unneutralised, openpyxl writes a formula"
    assert sheet["A2"].data_type == "s"


def test_spreadsheet_csv_quotes_every_field_and_reads_back():
    rows = [["id", "citation"], ["ref:a", FORMULAS[0]], ["ref:b", 'Gray, "2020"']]
    text = spreadsheet_csv(rows)
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back == [["id", "citation"], ["ref:a", "'" + FORMULAS[0]], ["ref:b", 'Gray, "2020"']]
