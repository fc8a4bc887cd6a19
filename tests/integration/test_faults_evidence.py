"""The fault suite for the works cited as evidence and their evidence codes.

Each case breaks one thing in a copy of the shipped root; ``workbench validate`` and
``workbench build``, run as the console script (forked from a pre-imported process,
tests/zygote.py, except for the first case, which runs the real script), exit 1 and print one
``FILE:ROW: COLUMN: message`` line naming it, show no traceback, and leave the copied root
exactly as it was (``docs/faults.md`` lists the cases and their lines).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

import zygote
from conftest import tree_state

WORKBENCH = Path(sys.executable).with_name("workbench")
WORKS = "corpus/works.csv"
CODES = "corpus/evidence_codes.csv"


def _records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, records: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(records)


def _row(root: Path, file: str, *key: str) -> int:
    """The spreadsheet row (header = 1) of the first record starting with ``key``."""
    records = _records(root / file)
    return 1 + next(i for i, r in enumerate(records) if r[: len(key)] == list(key))


def _set(root: Path, file: str, key: tuple[str, ...], column: str, value: str) -> int:
    path = root / file
    records = _records(path)
    index = records[0].index(column)
    number = _row(root, file, *key)
    records[number - 1][index] = value
    _write(path, records)
    return number


def unknown_bib_key(root: Path) -> str:
    """Append a works row for a reference that is not in references.bib."""
    path = root / WORKS
    records = _records(path)
    copy = list(records[_row(root, WORKS, "ref:saunders1988") - 1])
    copy[0] = "ref:smith2020"
    records.append(copy)
    _write(path, records)
    return (
        rf"{WORKS}:{len(records)}: work_id: 'ref:smith2020' names no entry of "
        r"references\.bib; use ref:<key> of an entry there, or unlisted:<slug> for a work "
        r"missing from the reference list"
    )


def entry_without_work(root: Path) -> str:
    """Delete the works row of an entry that no code uses (Saunders 1988)."""
    path = root / WORKS
    records = _records(path)
    del records[_row(root, WORKS, "ref:saunders1988") - 1]
    _write(path, records)
    bib = (root / "references.bib").read_text(encoding="utf-8").splitlines()
    entry = 1 + next(
        i for i, text in enumerate(bib) if text.startswith("@") and "{saunders1988," in text
    )
    return (
        rf"references\.bib:{entry}: key: entry 'saunders1988' has no row in {WORKS}; add "
        r"one with work_id 'ref:saunders1988', its design and country"
    )


def listed_contradicts_id(root: Path) -> str:
    """Mark an unlisted work as listed."""
    row = _set(root, WORKS, ("unlisted:gangoli2022",), "listed", "true")
    return (
        rf"{WORKS}:{row}: listed: 'true' contradicts the id 'unlisted:gangoli2022': ref: "
        r"works are in the reference list \(listed true\), unlisted: works are not "
        r"\(listed false\)"
    )


def unlisted_without_cited_as(root: Path) -> str:
    """Empty the in-text form of an unlisted work."""
    row = _set(root, WORKS, ("unlisted:hamberger2001",), "cited_as", "")
    return (
        rf"{WORKS}:{row}: cited_as: an unlisted work needs the in-text citation as "
        r"printed, e.g\. 'Gangoli et al\., 2022'"
    )


def year_differs_from_bib(root: Path) -> str:
    """Give a listed work a year its reference-list entry does not print."""
    row = _set(root, WORKS, ("ref:almeida1999",), "year", "1998")
    return (
        rf"{WORKS}:{row}: year: '1998' differs from the year of 'almeida1999' in "
        r"references\.bib \(1999\); copy the year as the reference list prints it"
    )


def unknown_design(root: Path) -> str:
    """Use a design outside the descriptor's enum."""
    row = _set(root, WORKS, ("ref:travers2021",), "design", "rct")
    return rf"{WORKS}:{row}: design: 'rct' is not allowed; use one of: evaluation_experimental, .*"


def title_code_off_its_reference(root: Path) -> str:
    """Point a code judged from a title at a line of the text instead of the reference."""
    row = _set(root, CODES, ("ref:donovan2019", "topic:lgbt"), "lines", "295")
    return (
        rf"{CODES}:{row}: lines: a code judged from the title cites the work's "
        r"reference-list entry \(001_5b70540cc7bcf418\.txt line 427\), not '295'; fix the "
        r"lines or use basis citing_clause"
    )


def title_code_of_unlisted_work(root: Path) -> str:
    """Claim a title for a work the reference list does not have."""
    row = _set(root, CODES, ("unlisted:gangoli2022", "topic:family_violence"), "basis", "title")
    return (
        rf"{CODES}:{row}: basis: unlisted:gangoli2022 is not in the reference list, so it "
        r"has no title to judge from; use basis citing_clause"
    )


def unknown_code_topic(root: Path) -> str:
    """Code a work with a topic the codebook does not have."""
    row = _set(
        root,
        CODES,
        ("ref:kernsmith2009", "topic:women_perpetrators"),
        "topic_id",
        "topic:women_perpetrator",
    )
    return (
        rf"{CODES}:{row}: topic_id: 'topic:women_perpetrator' does not exist in "
        r"corpus/codebook\.csv \(topic_id\); did you mean topic:women_perpetrators\? "
        r"fix the id or add the missing row there"
    )


CASES = {
    "works row naming no bib entry": unknown_bib_key,
    "bib entry without a works row": entry_without_work,
    "listed contradicting the id": listed_contradicts_id,
    "unlisted work without cited_as": unlisted_without_cited_as,
    "year differing from the bib": year_differs_from_bib,
    "unknown design": unknown_design,
    "title code off its reference line": title_code_off_its_reference,
    "title code of an unlisted work": title_code_of_unlisted_work,
    "unknown topic in an evidence code": unknown_code_topic,
}


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_evidence_input_is_named_and_changes_nothing(case, command, tmp_root, tmp_path):
    expected = CASES[case](tmp_root)
    before = tree_state(tmp_root)
    args = [str(WORKBENCH), command, "--root", str(tmp_root)]
    if command == "build":
        args += ["--out", str(tmp_path / "out")]
    real = case == next(iter(CASES))  # one case through the real console script
    result = (subprocess.run if real else zygote.run)(
        args, capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert any(re.fullmatch(expected, text) for text in output.splitlines()), (expected, output)
    assert "Traceback" not in output
    assert tree_state(tmp_root) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", list(CASES))
def test_docs_faults_shows_the_line_each_case_gets(case, tmp_root, repo_root):
    expected = CASES[case](tmp_root)
    documented = re.findall(
        r"^\|.*\| `([^|]*)`(?: \([^|]*\))? \|$",
        (repo_root / "docs/faults.md").read_text(encoding="utf-8"),
        re.M,
    )
    assert any(re.fullmatch(expected, text) for text in documented), expected
