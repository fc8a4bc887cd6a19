"""`workbench validate` passes on the shipped corpus and fails clearly on each kind of broken
input, with a FILE:ROW: COLUMN: line and never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _set_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8", newline="")


def run_validate(root: Path, capsys) -> tuple[int, str]:
    code = main(["validate", "--root", str(root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_shipped_corpus_is_valid(repo_root, capsys):
    code, output = run_validate(repo_root, capsys)
    assert code == 0, output
    assert output.startswith("corpus valid: 5 documents, 7 standards, 37 guidelines")


def _duplicate_roundtable(root: Path) -> None:
    path = root / "corpus/roundtables.csv"
    lines = _lines(path)
    fields = lines[2].split(",")
    fields[1] = "17"  # a new number, the id of roundtable 2 kept
    lines.insert(3, ",".join(fields))
    _set_lines(path, lines)


def _dangling_standard(root: Path) -> None:
    _edit(root / "corpus/guidelines.csv", "guideline:3.3,standard:3,", "guideline:3.3,standard:9,")


def _missing_column(root: Path) -> None:
    path = root / "corpus/roundtables.csv"
    lines = [",".join(line.split(",")[:1] + line.split(",")[2:]) if line else line
             for line in _lines(path)]
    _set_lines(path, lines)


def _unexpected_column(root: Path) -> None:
    path = root / "corpus/consultations.csv"
    lines = _lines(path)
    lines[0] += ",colour"
    lines[1:] = [line + ",x" if line else line for line in lines[1:]]
    _set_lines(path, lines)


def _empty_required(root: Path) -> None:
    _edit(root / "corpus/searches.csv", ",2022-07,", ",,")


def _too_few_fields(root: Path) -> None:
    path = root / "corpus/roundtables.csv"
    lines = _lines(path)
    lines[4] = ",".join(lines[4].split(",")[:3])
    _set_lines(path, lines)


def _bom_and_crlf(root: Path) -> None:
    path = root / "corpus/standards.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))


def _latin1(root: Path) -> None:
    path = root / "corpus/roundtables.csv"
    text = path.read_text(encoding="utf-8").replace("Victim–survivor", "Victim-survivor é")
    path.write_bytes(text.encode("latin-1"))


def _empty_file(root: Path) -> None:
    (root / "corpus/roundtables.csv").write_text("", encoding="utf-8")


def _missing_file(root: Path) -> None:
    (root / "corpus/roundtables.csv").unlink()


def _not_an_integer(root: Path) -> None:
    path = root / "corpus/roundtables.csv"
    lines = _lines(path)
    fields = lines[1].split(",")
    fields[1] = "one"
    lines[1] = ",".join(fields)
    _set_lines(path, lines)


def _wrong_count(root: Path) -> None:
    path = root / "corpus/roundtables.csv"
    lines = [line for line in _lines(path) if not line.startswith("roundtable:16,")]
    _set_lines(path, lines)


def _malformed_bib(root: Path) -> None:
    path = root / "references.bib"
    path.write_text(path.read_text(encoding="utf-8") + "\n@article{broken2020,\n  title = {Unclosed\n",
                    encoding="utf-8")


def _duplicate_bib_key(root: Path) -> None:
    path = root / "references.bib"
    text = path.read_text(encoding="utf-8")
    first = text.index("@", 1)
    entry_end = text.index("\n}", first) + 2
    path.write_text(text + "\n" + text[first:entry_end] + "\n", encoding="utf-8")


CASES = {
    "duplicate id": (_duplicate_roundtable, "corpus/roundtables.csv:4: roundtable_id: duplicate"),
    "dangling foreign key": (_dangling_standard, "guidelines.csv:"),
    "missing column": (_missing_column, "corpus/roundtables.csv:1: number: required column is "
                       "missing"),
    "unexpected column": (_unexpected_column, "corpus/consultations.csv:1: colour: unexpected "
                          "column"),
    "empty required value": (_empty_required, "date: required value is empty"),
    "too few fields": (_too_few_fields, "corpus/roundtables.csv:5: record has 3 fields"),
    "BOM and CRLF": (_bom_and_crlf, "corpus/standards.csv:1: file starts with a byte-order mark"),
    "Latin-1": (_latin1, "not valid UTF-8"),
    "empty file": (_empty_file, "corpus/roundtables.csv: file is empty"),
    "missing file": (_missing_file, "corpus/roundtables.csv: file is missing"),
    "not an integer": (_not_an_integer, "corpus/roundtables.csv:2: number: 'one' is not a whole "
                       "number"),
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
    assert "problem(s) found" in output.splitlines()[-1]


def test_dangling_key_names_row_column_and_target(tmp_root, capsys):
    _dangling_standard(tmp_root)
    code, output = run_validate(tmp_root, capsys)
    row = 1 + next(i for i, line in enumerate(_lines(tmp_root / "corpus/guidelines.csv"))
                   if line.startswith("guideline:3.3,"))
    assert f"corpus/guidelines.csv:{row}: standard_id: 'standard:9' does not exist in " \
           "corpus/standards.csv (standard_id)" in output


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
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "frobnicate"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
