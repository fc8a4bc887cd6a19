"""The fault suite, input side: a broken descriptor, paths out of the corpus, ids and cycles,
patterns RE2 rejects or that backtrack, and what ``workbench tidy`` may and may not touch.

Every case runs the console script on a copy of the shipped root (``tmp_root``), forked from a
pre-imported process (tests/zygote.py) except the first case of ``CASES``, which runs the real
script so that an entry-point problem forking would hide still fails. Each case asserts the
exit code, one printed line (a full-match regular expression), no traceback, and that no file
under the root (nor under an existing output folder, where ``build`` runs) changed unless the
command's job is to change it. ``docs/faults.md`` lists each case with its line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import faults
import zygote
from conftest import REPO_ROOT, copy_root, tree_state
from workbench.build import build

WORKBENCH = Path(sys.executable).with_name("workbench")
DESCRIPTOR = "corpus/datapackage.json"
#: The roundtables resource: its position in the shipped descriptor, as messages show it.
ROUNDTABLES = "resources[7] (roundtables)"
#: The spreadsheet row of topic:children in the shipped codebook, where the planted pattern goes.
CHILDREN_ROW = faults.row_of(REPO_ROOT / "corpus/codebook.csv", "topic:children,")


def run(
    *args: str, cwd: Path | None = None, timeout: float = 120, real: bool = False
) -> subprocess.CompletedProcess:
    """Run the console script, forked (tests/zygote.py) or, if ``real``, the installed script
    itself; fail the test (not hang) past ``timeout`` seconds."""
    return (subprocess.run if real else zygote.run)(
        [str(WORKBENCH), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


# --------------------------------------------------------------------------------------
# Breakers
# --------------------------------------------------------------------------------------


def _descriptor(root: Path, change: Callable[[dict], None]) -> None:
    path = root / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


def _roundtables(descriptor: dict) -> dict:
    resource = descriptor["resources"][7]
    assert resource["name"] == "roundtables"
    return resource


def duplicated_header_column(root: Path) -> None:
    """Add a second ``number`` column to roundtables.csv (header and every record)."""
    path = root / "corpus/roundtables.csv"
    rows = faults.lines(path)
    rows = [line + (",number" if i == 0 else ",1") if line else line for i, line in enumerate(rows)]
    faults.set_lines(path, rows)


def undeclared_resource(root: Path) -> None:
    """Remove the roundtables resource from the descriptor (the CSV stays)."""
    _descriptor(root, lambda d: d["resources"].remove(_roundtables(d)))


def numeric_title(root: Path) -> None:
    _descriptor(root, lambda d: d.update(title=42))


def no_schema(root: Path) -> None:
    _descriptor(root, lambda d: _roundtables(d).pop("schema"))


def no_path(root: Path) -> None:
    _descriptor(root, lambda d: _roundtables(d).pop("path"))


def no_field_name(root: Path) -> None:
    _descriptor(root, lambda d: _roundtables(d)["schema"]["fields"][1].pop("name"))


def traversal_path(root: Path) -> None:
    _descriptor(root, lambda d: _roundtables(d).update(path="../../../../etc/passwd"))


def absolute_path(root: Path) -> None:
    _descriptor(root, lambda d: _roundtables(d).update(path="/etc/passwd"))


def empty_bib_key(root: Path) -> None:
    faults.edit(root / "references.bib", "@article{almeida1999,", "@article{,")


def parent_cycle(root: Path) -> None:
    """Make CSAAP criterion 6 a child of its own sub-criterion 6a."""
    faults.edit(
        root / "corpus/framework_items.csv",
        "framework_item:csaap:6,framework:csaap,6,,",
        "framework_item:csaap:6,framework:csaap,6,framework_item:csaap:6a,",
    )


def edition_cycle(root: Path) -> None:
    """Make the Respect work an edition of its own 3rd edition (which is an edition of it)."""
    path = root / "corpus/frameworks.csv"
    rows = faults.lines(path)
    row = faults.row_of(path, "framework:respect,") - 1
    fields = rows[row].split(",")
    assert fields[6] == ""  # edition_of
    fields[6] = "framework:respect:3ed"
    rows[row] = ",".join(fields)
    faults.set_lines(path, rows)


def cyrillic_id(root: Path) -> None:
    """Type roundtable 2's id with a Cyrillic о (U+043E) for the first Latin o."""
    faults.edit(root / "corpus/roundtables.csv", "roundtable:2,2,", "r\u043eundtable:2,2,")


def lone_cr(root: Path) -> None:
    """Save standards.csv with lone CR line ends (classic Mac OS)."""
    path = root / "corpus/standards.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))


def enum_and_foreign_key(root: Path) -> None:
    """An enum error in the crosswalk and a dangling id in the guidelines, both at once."""
    faults.unknown_crosswalk_relation(root)
    faults.dangling_standard(root)


def type_error_and_foreign_key(root: Path) -> None:
    """A number that is not a whole number and a dangling id, both at once."""
    faults.edit(root / "corpus/roundtables.csv", "roundtable:2,2,", "roundtable:2,two,")
    faults.dangling_standard(root)


def lookahead_pattern(root: Path) -> None:
    """Give topic:children a pattern with a negative lookahead, which RE2 lacks."""
    faults.edit(
        root / "corpus/codebook.csv",
        r"\bchild\b | \bchildren\b",
        r"\bchild(?!ren)\b | \bchildren\b",
    )


def lookahead_field_pattern(root: Path) -> None:
    """Give roundtable_id a descriptor pattern with a lookahead."""

    def change(descriptor: dict) -> None:
        field = _roundtables(descriptor)["schema"]["fields"][0]
        assert field["name"] == "roundtable_id"
        field["constraints"]["pattern"] = "^(?=roundtable:)[a-z0-9_.:-]+$"

    _descriptor(root, change)


def surrogate_field_pattern(root: Path) -> None:
    """Give roundtable_id a descriptor pattern that is a lone surrogate (JSON's "\\ud800")."""

    path = root / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    field = _roundtables(descriptor)["schema"]["fields"][0]
    assert field["name"] == "roundtable_id"
    field["constraints"]["pattern"] = "\ud800"
    # no UTF-8 holds a lone surrogate: the file says it as JSON's escape, as a tool would
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=True), encoding="utf-8")


def backtracking_pattern(root: Path) -> None:
    """Add ``(\\w+\\s?)+$`` (written ``$$`` as in the report of it) to topic:children's
    patterns: exponential under a backtracking engine, linear under RE2."""
    faults.edit(
        root / "corpus/codebook.csv",
        r"\bchild\b | \bchildren\b",
        r"\bchild\b | (\w+\s?)+$$ | \bchildren\b",
    )


# --------------------------------------------------------------------------------------
# validate and build refuse each case
# --------------------------------------------------------------------------------------

_OUTSIDE = (
    r"leads outside corpus/; a resource's path must be a file inside corpus/ "
    r"\(e\.g\. roundtables\.csv\), and nothing outside it is read"
)

#: case -> (breaker, regular expressions each of which one output line must match in full).
CASES: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "duplicated header column": (
        duplicated_header_column,
        (
            r"corpus/roundtables\.csv:1: number: column appears twice in the header \(columns 2 "
            r"and 7\); remove or rename one",
        ),
    ),
    "resource not declared": (
        undeclared_resource,
        (
            r"corpus/datapackage\.json: resources: no resource named 'roundtables': the "
            r"workbench reads this table; declare it \(its path and schema\) as in the shipped "
            r"datapackage\.json",
        ),
    ),
    "non-string title": (
        numeric_title,
        (r"corpus/datapackage\.json: title: is a number; it must be a string",),
    ),
    "resource without schema": (
        no_schema,
        (
            rf"corpus/datapackage\.json: {re.escape(ROUNDTABLES)}\.schema: is missing or not an "
            r"object; give the resource a schema with its fields",
        ),
    ),
    "resource without path": (
        no_path,
        (
            rf"corpus/datapackage\.json: {re.escape(ROUNDTABLES)}\.path: is missing or not a "
            r"string; give the CSV's path inside corpus/ \(e\.g\. roundtables\.csv\)",
        ),
    ),
    "field without name": (
        no_field_name,
        (
            rf"corpus/datapackage\.json: {re.escape(ROUNDTABLES)}\.schema\.fields\[1\]\.name: is "
            r"missing or not a string; name the column",
        ),
    ),
    "path out of the corpus": (
        traversal_path,
        (
            r"corpus/datapackage\.json: resources\[7\]\.path: '\.\./\.\./\.\./\.\./etc/passwd' "
            + _OUTSIDE,
        ),
    ),
    "absolute path": (
        absolute_path,
        (r"corpus/datapackage\.json: resources\[7\]\.path: '/etc/passwd' " + _OUTSIDE,),
    ),
    "empty bib key": (
        empty_bib_key,
        (
            r"references\.bib:8: key: entry has the key ''; give it a key of its own such as "
            r"almeida1999 \(first author and year\), with no spaces",
        ),
    ),
    "parent_id cycle": (
        parent_cycle,
        (
            r"corpus/framework_items\.csv:7: parent_id: goes round in a cycle: "
            r"'framework_item:csaap:6' → 'framework_item:csaap:6a' → 'framework_item:csaap:6'; "
            r"a row cannot lead back to itself through parent_id: point one of these rows "
            r"elsewhere or empty its parent_id",
        ),
    ),
    "edition_of cycle": (
        edition_cycle,
        (
            r"corpus/frameworks\.csv:3: edition_of: goes round in a cycle: 'framework:respect' "
            r"→ 'framework:respect:3ed' → 'framework:respect'; a row cannot lead back to itself "
            r"through edition_of: point one of these rows elsewhere or empty its edition_of",
        ),
    ),
    "Cyrillic letter in an id": (
        cyrillic_id,
        (
            r"corpus/roundtables\.csv:3: roundtable_id: 'r\u043eundtable:2' \(holds U\+043E "
            r"CYRILLIC SMALL LETTER O at character 2, not ASCII\) does not match the pattern "
            r"\^roundtable:\[a-z0-9_\.:-\]\+\$",
        ),
    ),
    "lone CR line ends": (
        lone_cr,
        (
            r"corpus/standards\.csv:1: old Mac \(CR\) line ends; re-save with Unix \(LF\) line "
            r"ends, e.g\. `workbench tidy`",
        ),
    ),
    "enum error and dangling id at once": (
        enum_and_foreign_key,
        (
            r"corpus/crosswalk\.csv:2: relation: 'related_to' is not allowed; use one of: equal, "
            r"subset_of, superset_of, intersects_with, not_related",
            r"corpus/guidelines\.csv:15: standard_id: 'standard:9' does not exist in "
            r"corpus/standards\.csv \(standard_id\); fix the id or add the missing row there",
        ),
    ),
    "type error and dangling id at once": (
        type_error_and_foreign_key,
        (
            r"corpus/roundtables\.csv:3: number: 'two' is not a whole number",
            r"corpus/guidelines\.csv:15: standard_id: 'standard:9' does not exist in "
            r"corpus/standards\.csv \(standard_id\); fix the id or add the missing row there",
        ),
    ),
    "pattern RE2 rejects": (
        lookahead_pattern,
        (
            rf"corpus/codebook\.csv:{CHILDREN_ROW}: patterns: pattern 1 "
            rf"'\\\\bchild\(\?!ren\)\\\\b' of "
            r"topic:children uses syntax RE2 does not accept \(invalid perl operator: \(\?!\); "
            r"patterns run under RE2, which matches in linear time and so has no look-around .*",
        ),
    ),
    "field pattern RE2 rejects": (
        lookahead_field_pattern,
        (
            rf"corpus/datapackage\.json: {re.escape(ROUNDTABLES)}\.schema\.fields\[0\]\."
            r"constraints\.pattern: '\^\(\?=roundtable:\)\[a-z0-9_\.:-\]\+\$' is not "
            r"accepted by RE2 \(invalid perl operator: \(\?=\); patterns run under RE2 \(linear "
            r"time\), which has no look-around or back-references",
        ),
    ),
    "field pattern with a lone surrogate": (
        surrogate_field_pattern,
        (
            rf"corpus/datapackage\.json: {re.escape(ROUNDTABLES)}\.schema\.fields\[0\]\."
            r"constraints\.pattern: '\\ud800' holds a lone surrogate, which is no Unicode "
            r"character; write the character itself or a class of real characters",
        ),
    ),
}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """An output folder of an earlier build (the summary node only), copied into each case."""
    out = tmp_path_factory.mktemp("good") / "out"
    build(REPO_ROOT, out, ["corpus_summary_files"])
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory, good_build) -> dict[str, dict]:
    """Run ``validate`` and then ``build`` on every broken root (the cases are independent).

    Returns:
        case -> the two processes, and the state of root and output before and after each.
    """

    def one(case: str) -> dict:
        folder = tmp_path_factory.mktemp(re.sub(r"\W+", "_", case))
        root = copy_root(folder / "root")
        CASES[case][0](root)
        out = folder / "out"
        shutil.copytree(good_build, out)
        before = tree_state(root, out)
        real = case == next(iter(CASES))  # one case through the real console script
        validated = run("validate", "--root", str(root), real=real)
        after_validate = tree_state(root, out)
        built = run("build", "--root", str(root), "--out", str(out), real=real)
        return {
            "validate": validated,
            "build": built,
            "before": before,
            "after_validate": after_validate,
            "after_build": tree_state(root, out),
            "siblings": sorted(p.name for p in folder.iterdir()),
        }

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(CASES, pool.map(one, CASES), strict=True))


def _assert_lines(result: subprocess.CompletedProcess, expected: tuple[str, ...]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "unexpected error" not in output, output
    lines = output.splitlines()
    for pattern in expected:
        assert any(re.fullmatch(pattern, line) for line in lines), (pattern, output)


@pytest.mark.parametrize("case", list(CASES))
def test_validate_names_the_problem(case, results):
    result = results[case]
    assert result["validate"].returncode == 1, result["validate"].stderr
    _assert_lines(result["validate"], CASES[case][1])
    assert result["after_validate"] == result["before"]


@pytest.mark.parametrize("case", list(CASES))
def test_build_refuses_the_same_way_and_touches_nothing(case, results):
    result = results[case]
    assert result["build"].returncode == 1, result["build"].stderr
    _assert_lines(result["build"], CASES[case][1])
    assert result["after_build"] == result["before"]
    assert result["siblings"] == ["out", "root"], "no staging folder left"


@pytest.mark.parametrize("case", ["path out of the corpus", "absolute path"])
def test_nothing_outside_the_corpus_is_read(case, results):
    # the first line of /etc/passwd ("root:x:0:0:...") used to appear in a message
    for command in ("validate", "build"):
        assert "root:x:" not in results[case][command].stdout + results[case][command].stderr


def test_a_backtracking_pattern_neither_hangs_validate_nor_build(tmp_root, tmp_path, shipped_build):
    backtracking_pattern(tmp_root)
    before = tree_state(tmp_root)
    validated = run("validate", "--root", str(tmp_root), timeout=60)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.startswith("corpus valid: ")
    assert tree_state(tmp_root) == before
    # over a copy of the shipped build: every node that reads the codebook (and so the
    # pattern) is made afresh, the figures that do not are reused
    shutil.copytree(shipped_build, tmp_path / "out", symlinks=True)
    built = run("build", "--root", str(tmp_root), "--out", str(tmp_path / "out"), timeout=300)
    assert built.returncode == 0, built.stderr
    assert re.fullmatch(r"built \d+ files into .*", built.stdout.strip())
    assert tree_state(tmp_root) == before


# --------------------------------------------------------------------------------------
# tidy
# --------------------------------------------------------------------------------------


def test_tidy_never_redecodes_valid_utf8(tmp_root):
    # every shipped CSV is valid UTF-8 and most hold ’ (E2 80 99), which cp1252 would turn
    # into â€™: nothing may change
    assert "’" in (tmp_root / "corpus/frameworks.csv").read_text(encoding="utf-8")
    before = tree_state(tmp_root)
    result = run("tidy", "--root", str(tmp_root), "--from-encoding", "cp1252")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "nothing to tidy\n"
    assert "Traceback" not in result.stderr
    assert tree_state(tmp_root) == before


def test_tidy_repairs_the_one_cp1252_file(tmp_root):
    path = tmp_root / "corpus/frameworks.csv"
    original = path.read_bytes()
    path.write_bytes(original.decode("utf-8").replace("\n", "\r\n").encode("cp1252"))
    others = {k: v for k, v in tree_state(tmp_root).items() if not k.endswith("frameworks.csv")}
    result = run("tidy", "--root", str(tmp_root), "--from-encoding", "cp1252")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["corpus/frameworks.csv: decoded from cp1252; CRLF → LF"]
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == original
    assert {
        k: v for k, v in tree_state(tmp_root).items() if not k.endswith("frameworks.csv")
    } == others
    assert run("validate", "--root", str(tmp_root)).returncode == 0


def test_tidy_of_a_file_named_on_the_command_line(tmp_root):
    path = tmp_root / "corpus/roundtables.csv"
    # the breaker's edit, in UTF-8: what the repaired file must hold
    expected = (
        path.read_text(encoding="utf-8")
        .replace("Victim–survivor", "Victim-survivor é")
        .encode("utf-8")
    )
    faults.latin1(tmp_root)  # é saved as the single byte E9
    others = {k: v for k, v in tree_state(tmp_root).items() if not k.endswith("roundtables.csv")}
    result = run("tidy", "corpus/roundtables.csv", "--from-encoding", "cp1252", cwd=tmp_root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["corpus/roundtables.csv: decoded from cp1252"]
    assert path.read_bytes() == expected
    assert {
        k: v for k, v in tree_state(tmp_root).items() if not k.endswith("roundtables.csv")
    } == others


def test_tidy_without_the_encoding_names_it_and_changes_nothing(tmp_root):
    faults.latin1(tmp_root)
    before = tree_state(tmp_root)
    result = run("tidy", "--root", str(tmp_root))
    assert result.returncode == 1
    assert any(
        re.fullmatch(
            r"corpus/roundtables\.csv:17: does not decode as UTF-8 \(byte 0xe9\); name the "
            r"encoding it was saved in, e\.g\. `workbench tidy corpus/roundtables\.csv "
            r"--from-encoding cp1252`",
            line,
        )
        for line in result.stderr.splitlines()
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert tree_state(tmp_root) == before


@pytest.mark.parametrize("path", ["../outside.csv", "OUTSIDE"])
def test_tidy_refuses_a_resource_path_outside_the_corpus(tmp_root, tmp_path, path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n")  # something tidy would rewrite
    declared = str(outside) if path == "OUTSIDE" else path
    _descriptor(tmp_root, lambda d: _roundtables(d).update(path=declared))
    before = tree_state(tmp_path)
    result = run("tidy", "--root", str(tmp_root))
    assert result.returncode == 1
    assert any(
        re.fullmatch(
            r"corpus/datapackage\.json: resources\[7\]\.path: "
            + re.escape(repr(declared))
            + " "
            + _OUTSIDE,
            line,
        )
        for line in result.stderr.splitlines()
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert tree_state(tmp_path) == before


def test_tidy_refuses_a_named_file_outside_the_corpus(tmp_root, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"\xef\xbb\xbfa,b\r\n")
    before = tree_state(tmp_path)
    result = run("tidy", "--root", str(tmp_root), str(outside))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{outside}: not a table of {tmp_root}/corpus/datapackage.json; tidy only rewrites "
        "the CSVs the corpus declares"
    ]
    assert tree_state(tmp_path) == before


def test_a_failure_between_write_and_rename_leaves_the_file_whole(tmp_root, monkeypatch):
    # what a kill between writing the new file and renaming it over the old one leaves
    from workbench import tidy

    faults.bom_and_crlf(tmp_root)
    path = tmp_root / "corpus/standards.csv"
    broken = path.read_bytes()
    before = tree_state(tmp_root)

    def killed(*args, **kwargs):
        raise OSError("killed before the rename")

    monkeypatch.setattr(tidy.os, "replace", killed)
    with pytest.raises(OSError, match="killed before the rename"):
        tidy.tidy_root(tmp_root)
    assert path.read_bytes() == broken
    assert tree_state(tmp_root) == before, "no temporary file left beside it"


def test_a_build_date_past_the_year_9999_gets_one_line_and_touches_nothing(tmp_path):
    """SOURCE_DATE_EPOCH past 9999-12-31 breaks NumPy's import, so the real script (not the
    pre-imported one, which has NumPy loaded already) must refuse it before any import."""
    out = tmp_path / "out"
    before = tree_state(REPO_ROOT / "corpus", tmp_path)
    result = subprocess.run(
        [str(WORKBENCH), "build", "--root", str(REPO_ROOT), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SOURCE_DATE_EPOCH": "99999999999999999999"},
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "workbench build: SOURCE_DATE_EPOCH='99999999999999999999' is past the year 9999; "
        "set it to the build date in seconds since 1970 (UTC), or unset it; nothing was written"
    ]
    assert tree_state(REPO_ROOT / "corpus", tmp_path) == before
