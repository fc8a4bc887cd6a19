"""The fault suite: every kind of bad input is reported as a FILE:ROW: COLUMN: line, never
corrupts an existing build, and never shows a traceback.

Each case is a small mutation of a copy of the shipped root (the breakers live in
``tests/faults.py``; ``docs/faults.md`` tabulates the cases and their messages). For each
case ``workbench validate`` exits 1 naming the problem, and ``workbench build``, run as the
console script (forked from a pre-imported process, tests/zygote.py, except for the first case,
which runs the real script), exits non-zero and leaves an existing output folder byte for byte as it
was. Titles carrying HTML and script tags are valid data: they validate and build, and every
HTML or Markdown output escapes them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import faults
import zygote
from conftest import REPO_ROOT, copy_root
from workbench.build import build
from workbench.cli import main

WORKBENCH = Path(sys.executable).with_name("workbench")

#: case -> (breaker, a regular expression one output line must match in full).
CASES = {
    "duplicate id": (
        faults.duplicate_roundtable,
        r"corpus/roundtables\.csv:4: roundtable_id: duplicate unique value "
        r"'roundtable:2' \(first in row 3\); ids must be unique",
    ),
    "dangling foreign key": (
        faults.dangling_standard,
        r"corpus/guidelines\.csv:15: standard_id: 'standard:9' does not "
        r"exist in corpus/standards\.csv \(standard_id\); .*",
    ),
    "unknown crosswalk relation": (
        faults.unknown_crosswalk_relation,
        r"corpus/crosswalk\.csv:2: relation: 'related_to' is not "
        r"allowed; use one of: equal, subset_of, superset_of, "
        r"intersects_with, not_related",
    ),
    "unknown topic in an override": (
        faults.unknown_override_topic,
        r"corpus/coding_overrides\.csv:2: topic_id: "
        r"'topic:women_perpetrator' does not exist in "
        r"corpus/codebook\.csv \(topic_id\); did you mean topic:women_perpetrators\? "
        r"fix the id or add the missing row there",
    ),
    "CSV with BOM": (
        faults.bom_and_crlf,
        r"corpus/standards\.csv:1: file starts with a byte-order mark .*",
    ),
    "CSV with CRLF": (
        faults.bom_and_crlf,
        r"corpus/standards\.csv:1: Windows \(CRLF\) line ends; .*",
    ),
    "Latin-1 encoded CSV": (
        faults.latin1,
        r"corpus/roundtables\.csv:17: not valid UTF-8 \(byte 0xe9 .*",
    ),
    "too few fields": (
        faults.too_few_fields,
        r"corpus/roundtables\.csv:5: record has 3 fields, the header has 6; .*",
    ),
    "missing column": (
        faults.missing_column,
        r"corpus/roundtables\.csv:1: number: required column is missing; .*",
    ),
    "unexpected column": (
        faults.unexpected_column,
        r"corpus/consultations\.csv:1: colour: unexpected column; .*",
    ),
    "empty required field": (
        faults.empty_required,
        r"corpus/searches\.csv:2: date: required value is empty; fill it in",
    ),
    "malformed BibTeX entry": (
        faults.malformed_bib,
        r"references\.bib:\d+: entry cannot be parsed \(.*\): check its "
        r"braces, commas and '=' signs",
    ),
    "duplicate bib key": (
        faults.duplicate_bib_key,
        r"references\.bib:\d+: key: duplicate key 'almeida1999' \(first used "
        r"on line 8\): .*",
    ),
    "bib entry without year": (
        faults.bib_without_year,
        r"references\.bib:8: year: entry 'almeida1999' has no year: .*",
    ),
    "1 MB field": (
        faults.huge_field,
        r"corpus/narratives\.csv:2: text: value is \d{7} characters long; the limit "
        r"is \d+",
    ),
    "empty file": (faults.empty_file, r"corpus/roundtables\.csv: file is empty; .*"),
    "missing file": (faults.missing_file, r"corpus/roundtables\.csv: file is missing; .*"),
    "stated gap under no such standard": (
        faults.stated_gap_unknown_row,
        r"corpus/stated_gaps\.csv:2: row_id: 'standard:9' is "
        r"neither a standard in corpus/standards\.csv nor a "
        r"guideline in corpus/guidelines\.csv; .*",
    ),
}

#: Patterns that must never appear in a rendered page: the planted tags, unescaped.
UNESCAPED = [
    re.compile(r"<script>\s*alert"),
    re.compile(r"<b\s+onmouseover"),
    re.compile(r"\\u003cscript\\u003e\s*alert"),
]
#: A JSON data island (``<script type="application/json">``): a page's script reads it with
#: ``JSON.parse`` and shows its strings with ``textContent``. Inside it a planted tag is inert
#: once ``<``, ``>`` and ``&`` are JSON-escaped (``\u003c``...), so it is checked for those
#: characters instead of for the patterns above.
DATA_ISLAND = re.compile(r'(<script type="application/json"[^>]*>)(.*?)(</script>)', re.S)


def _tree_digest(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """An output folder built from the shipped corpus, copied into each case.

    Only the summary node runs: what matters is that a real earlier build survives.
    """
    out = tmp_path_factory.mktemp("good") / "out"
    build(REPO_ROOT, out, ["corpus_summary_files"])
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory, good_build) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """Run ``workbench build`` on every broken root at once (the cases are independent).

    Returns:
        case -> (the output folder, a copy of the good build, after the run; the process).
    """

    def run(case: str) -> tuple[Path, subprocess.CompletedProcess]:
        folder = tmp_path_factory.mktemp(re.sub(r"\W+", "_", case))
        root = copy_root(folder / "root")
        CASES[case][0](root)
        out = folder / "out"
        shutil.copytree(good_build, out)
        real = case == next(iter(CASES))  # one case through the real console script
        result = (subprocess.run if real else zygote.run)(
            [str(WORKBENCH), "build", "--root", str(root), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return out, result

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(CASES, pool.map(run, CASES), strict=True))


@pytest.mark.parametrize("case", list(CASES))
def test_validate_names_the_problem(case, tmp_root, capsys):
    breaker, expected = CASES[case]
    breaker(tmp_root)
    code = main(["validate", "--root", str(tmp_root)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 1, output
    assert any(re.fullmatch(expected, line) for line in output.splitlines()), output
    assert "Traceback" not in output


@pytest.mark.parametrize("case", list(CASES))
def test_build_fails_and_leaves_output_untouched(case, builds, good_build):
    out, result = builds[case]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "was left as it was" in result.stderr
    assert any(re.fullmatch(CASES[case][1], line) for line in result.stderr.splitlines())
    assert "Traceback" not in result.stdout + result.stderr
    assert _tree_digest(out) == _tree_digest(good_build)
    assert sorted(p.name for p in out.parent.iterdir()) == ["out", "root"], "no staging left"


def test_html_in_titles_is_valid_data_escaped_everywhere(tmp_root, tmp_path, shipped_build, capsys):
    faults.html_in_titles(tmp_root)
    assert main(["validate", "--root", str(tmp_root)]) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    # over a copy of the shipped build: what reads no title is reused from its verified cache,
    # byte for byte what a fresh build makes (tests/integration/test_build_cache.py)
    shutil.copytree(shipped_build, out, symlinks=True)
    assert main(["build", "--root", str(tmp_root), "--out", str(out)]) == 0, capsys.readouterr().err
    pages = sorted(p for p in out.rglob("*") if p.suffix in {".html", ".md", ".svg"})
    assert pages, "the build renders at least index.html"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for island in DATA_ISLAND.finditer(text):
            assert not re.search(r"[<>&]", island.group(2)), f"{page.name}: raw markup in data"
        text = DATA_ISLAND.sub(r"\1\3", text)
        for pattern in UNESCAPED:
            assert not pattern.search(text), f"{page.name} shows the planted markup unescaped"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;wb&quot;)&lt;/script&gt;" in index
