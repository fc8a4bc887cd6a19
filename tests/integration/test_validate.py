"""`workbench validate` passes on the shipped corpus and fails clearly on each kind of broken
input, with a FILE:ROW: COLUMN: line and never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from faults import bom_and_crlf as _bom_and_crlf
from faults import dangling_standard as _dangling_standard
from faults import descriptor_is_a_folder as _descriptor_is_a_folder
from faults import duplicate_bib_key as _duplicate_bib_key
from faults import duplicate_roundtable as _duplicate_roundtable
from faults import empty_file as _empty_file
from faults import empty_required as _empty_required
from faults import latin1 as _latin1
from faults import lines as _lines
from faults import malformed_bib as _malformed_bib
from faults import missing_column as _missing_column
from faults import missing_file as _missing_file
from faults import not_an_integer as _not_an_integer
from faults import table_is_a_folder as _table_is_a_folder
from faults import too_few_fields as _too_few_fields
from faults import unexpected_column as _unexpected_column
from faults import wrong_count as _wrong_count
from workbench.cli import main


def run_validate(root: Path, capsys) -> tuple[int, str]:
    code = main(["validate", "--root", str(root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_shipped_corpus_is_valid(repo_root, capsys):
    code, output = run_validate(repo_root, capsys)
    assert code == 0, output
    assert output.startswith("corpus valid: 5 documents, 7 standards, 37 guidelines")


CASES = {
    "duplicate id": (_duplicate_roundtable, "corpus/roundtables.csv:4: roundtable_id: duplicate"),
    "dangling foreign key": (_dangling_standard, "guidelines.csv:"),
    "missing column": (
        _missing_column,
        "corpus/roundtables.csv:1: number: required column is missing",
    ),
    "unexpected column": (
        _unexpected_column,
        "corpus/consultations.csv:1: colour: unexpected column",
    ),
    "empty required value": (_empty_required, "date: required value is empty"),
    "too few fields": (_too_few_fields, "corpus/roundtables.csv:5: record has 3 fields"),
    "BOM and CRLF": (_bom_and_crlf, "corpus/standards.csv:1: file starts with a byte-order mark"),
    "Latin-1": (_latin1, "not valid UTF-8"),
    "empty file": (_empty_file, "corpus/roundtables.csv: file is empty"),
    "missing file": (_missing_file, "corpus/roundtables.csv: file is missing"),
    "a folder in place of a table": (
        _table_is_a_folder,
        "corpus/roundtables.csv: is a folder or a special file, not a CSV file",
    ),
    "a folder in place of the descriptor": (
        _descriptor_is_a_folder,
        "corpus/datapackage.json: is a folder or a special file, not a JSON file",
    ),
    "not an integer": (
        _not_an_integer,
        "corpus/roundtables.csv:2: number: 'one' is not a whole number",
    ),
    "count the sources fix": (_wrong_count, "holds 15 rows but the sources fix 16"),
    "malformed BibTeX": (_malformed_bib, "references.bib:"),
    "duplicate bib key": (_duplicate_bib_key, "references.bib:"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_input_gets_a_clear_line(case, tmp_root, capsys):
    breaker, expected = CASES[case]
    breaker(tmp_root)
    code, output = run_validate(tmp_root, capsys)
    assert code == 1, output
    assert expected in output, output
    assert "Traceback" not in output
    problems = len(output.splitlines()) - 1
    summary = f"{problems} problem{'s' * (problems != 1)} found in the corpus in {tmp_root}"
    assert output.splitlines()[-1] == summary


def test_dangling_key_names_row_column_and_target(tmp_root, capsys):
    _dangling_standard(tmp_root)
    code, output = run_validate(tmp_root, capsys)
    row = 1 + next(
        i
        for i, line in enumerate(_lines(tmp_root / "corpus/guidelines.csv"))
        if line.startswith("guideline:3.3,")
    )
    assert (
        f"corpus/guidelines.csv:{row}: standard_id: 'standard:9' does not exist in "
        "corpus/standards.csv (standard_id)" in output
    )


def test_bom_and_crlf_are_repaired_by_tidy(tmp_root, capsys):
    original = (tmp_root / "corpus/standards.csv").read_bytes()
    _bom_and_crlf(tmp_root)
    assert main(["tidy", "--root", str(tmp_root)]) == 0
    assert (tmp_root / "corpus/standards.csv").read_bytes() == original
    code, output = run_validate(tmp_root, capsys)
    assert code == 0, output


def test_missing_root_is_a_clear_error(tmp_path, capsys):
    code, output = run_validate(tmp_path / "nowhere", capsys)
    assert code == 1
    assert "corpus/datapackage.json: file is missing" in output


def test_console_script_rejects_bad_arguments():
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "frobnicate"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_the_summary_names_this_folder_when_the_root_is_the_working_folder(
    tmp_root, capsys, monkeypatch
):
    from workbench.cli import main

    _dangling_standard(tmp_root)
    monkeypatch.chdir(tmp_root)
    assert main(["validate"]) == 1
    assert (
        capsys.readouterr().err.splitlines()[-1] == "1 problem found in the corpus in this folder"
    )
