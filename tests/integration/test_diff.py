"""``workbench diff`` through the console script (forked from a pre-imported process,
tests/zygote.py): an edit of a corpus copy is named exactly.

Each test edits a copy of the shipped corpus in one place, and derives what the diff must
report from the edit itself (the gap analysis of both corpora for the cells, the edited
field for the crosswalk), never from the diff's own output.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

import zygote
from conftest import rebuild, tree_state
from workbench.build import make_artefacts
from workbench.diff_tables import DIFF_TABLES, EVIDENCE
from workbench.gaps import analyse_gaps
from workbench.validation import load_corpus

WORKBENCH = Path(sys.executable).parent / "workbench"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return zygote.run(
        [str(WORKBENCH), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )


def diff_rows(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "diff.csv", dtype=str, keep_default_na=False)


#: What the gap map's comparison reports of a cell.
GAP_FIELDS = ("evidence_count", "framework_count", "status")


def cell_fields(root: Path) -> dict[tuple[str, str, str], str]:
    """Each gap-map cell's status and evidence counts, by (row, topic, field), from the gap
    analysis of ``root`` (the model, not the diff)."""
    cells = analyse_gaps(load_corpus(root)).cells
    return {
        (row, topic, field): str(value)
        for field in GAP_FIELDS
        for row, topic, value in zip(cells["row_id"], cells["topic_id"], cells[field], strict=True)
    }


def _removable_code(repo_root: Path):
    """A standard's cell whose evidence was all coded on one narrative sentence: removing that
    code (a reviewer's override) must move the cell's status."""
    analysis = analyse_gaps(load_corpus(repo_root))
    e, cells = analysis.evidence, analysis.cells
    for cell in cells[
        (cells["level"] == "standard") & (cells["status"] != "absolute_gap")
    ].itertuples():
        items = e[(e["row_id"] == cell.row_id) & (e["topic_id"] == cell.topic_id)]
        if (
            items["coded_on"].nunique() == 1
            and items["coded_on"].iloc[0].startswith("narrative:")
            and (items["channel"] != "framework").all()
        ):
            removed = sorted(
                {f"{c} {i}" for c, i in zip(items["channel"], items["evidence_id"], strict=True)}
            )
            return cell.row_id, cell.topic_id, items["coded_on"].iloc[0], removed
    pytest.fail("no cell rests on a single coded sentence")


def test_each_compared_table_is_made_by_the_node_a_corpus_root_is_built_for(repo_root):
    corpus = load_corpus(repo_root)
    for table in (*DIFF_TABLES, EVIDENCE):
        made = [a.name for a in make_artefacts(corpus, [table.node])]
        assert table.file in made, f"{table.node} does not make {table.file}"


def test_a_coding_override_is_named_with_the_cells_it_moves(repo_root, tmp_path, tmp_root):
    row_id, topic_id, target, removed = _removable_code(repo_root)
    new = tmp_path / "new"
    shutil.copytree(tmp_root, new)
    with open(new / "corpus" / "coding_overrides.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [target, topic_id, "remove", "A reviewer's test removal.", "test"]
        )
    before = tree_state(tmp_root, new)
    out = tmp_path / "report"
    result = run("diff", str(tmp_root), str(new), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert tree_state(tmp_root, new) == before, "diff wrote into a corpus root"
    old_fields, new_fields = cell_fields(tmp_root), cell_fields(new)
    expected = {
        key: (old_fields[key], new_fields[key])
        for key in old_fields
        if old_fields[key] != new_fields[key]
    }
    assert (row_id, topic_id, "status") in expected, "the edited cell changes status"
    assert any(key[2] == "evidence_count" for key in expected), "the counts move too"
    rows = diff_rows(out)
    assert set(rows["table"]) == {"gap_map.csv"}, "nothing but gap-map cells changed"
    assert (rows["change"] == "changed").all()
    found = {
        (*k.split(" / "), f): (b, a)
        for k, f, b, a in zip(
            rows["key"], rows["field"], rows["before"], rows["after"], strict=True
        )
    }
    assert found == expected
    # the cell's evidence is said once, on one of its lines
    details = rows[rows["key"] == f"{row_id} / {topic_id}"]["detail"].tolist()
    (detail,) = [d for d in details if d]
    assert detail.startswith("evidence removed: ")
    assert sorted(detail.removeprefix("evidence removed: ").split(", ")) == removed
    # The terminal table fits 80 columns and names the cell.
    *table, wrote = result.stdout.splitlines()
    assert wrote == f"wrote diff.md and diff.csv into {out}"
    assert max(len(line) for line in table) <= 80
    assert row_id in result.stdout and "no change" in result.stdout
    # The Markdown report holds one table row per change (markdown-it-py's reading).
    tokens = MarkdownIt().enable("table").parse((out / "diff.md").read_text(encoding="utf-8"))
    body_rows = [t for t in tokens if t.type == "tr_open"]
    assert len(body_rows) == len(expected) + 1  # and the header row


def test_a_crosswalk_edit_is_named_by_key_and_field(repo_root, shipped_build, tmp_path, tmp_root):
    path = tmp_root / "corpus" / "crosswalk.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = frame.index[frame["rationale_type"] == "semantic"][0]
    key = f"{frame.at[row, 'focal_id']} / {frame.at[row, 'reference_id']}"
    text = path.read_text(encoding="utf-8")
    frame.at[row, "rationale_type"] = "functional"
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert (
        sum(a != b for a, b in zip(text.splitlines(), buffer.getvalue().splitlines(), strict=True))
        == 1
    ), "one line of the file changed"
    new_build = rebuild(shipped_build, tmp_root, tmp_path / "new_build")
    before = tree_state(shipped_build, new_build, tmp_root)
    out = tmp_path / "report"
    result = run("diff", str(shipped_build), str(new_build), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert tree_state(shipped_build, new_build, tmp_root) == before
    rows = diff_rows(out)
    assert rows[["table", "change", "key", "field", "before", "after"]].values.tolist() == [
        ["crosswalk.csv", "changed", key, "rationale_type", "semantic", "functional"]
    ]
    assert cell_fields(repo_root) == cell_fields(tmp_root), "the gap map does not read it"
    # A second diff may replace the folder the first one wrote (and only that).
    again = run("diff", str(shipped_build), str(new_build), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert diff_rows(out).equals(rows)


def test_bad_inputs_get_one_line_and_touch_nothing(repo_root, shipped_build, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = tmp_path / "nowhere"
    cases = [
        ((str(missing), str(shipped_build)), f"{missing}: OLD does not exist"),
        ((str(shipped_build), str(empty)), f"{empty}: NEW is neither a build folder"),
    ]
    user = tmp_path / "mine"
    user.mkdir()
    (user / "notes.txt").write_text("keep me", encoding="utf-8")
    cases.append(
        (
            (str(shipped_build), str(shipped_build), "--out", str(user)),
            f"workbench diff: --out {user} is a non-empty folder that workbench diff did not make",
        )
    )
    inside = repo_root / "corpus" / "diff-out"
    cases.append(
        (
            (str(shipped_build), str(shipped_build), "--out", str(inside)),
            f"workbench diff: --out {inside} is inside the corpus root {repo_root}",
        )
    )
    cases.append(
        (
            (str(shipped_build), str(shipped_build), "--out", str(shipped_build / "d")),
            f"workbench diff: --out {shipped_build / 'd'} is inside {shipped_build}, one "
            "of the folders compared",
        )
    )
    no_table = tmp_path / "no_table"
    shutil.copytree(shipped_build, no_table)
    (no_table / "crosswalk.csv").unlink()
    cases.append(
        (
            (str(shipped_build), str(no_table)),
            f"{no_table / 'crosswalk.csv'}: file is missing; rebuild the folder",
        )
    )
    no_key = tmp_path / "no_key"
    shutil.copytree(shipped_build, no_key)
    table = pd.read_csv(no_key / "crosswalk.csv", dtype=str, keep_default_na=False)
    table.drop(columns="focal_id").to_csv(no_key / "crosswalk.csv", index=False)
    cases.append(
        (
            (str(no_key), str(shipped_build)),
            f"{no_key / 'crosswalk.csv'}:1: focal_id: key column is missing",
        )
    )
    state = tree_state(shipped_build, user, empty, repo_root / "corpus", no_table, no_key)
    for args, message in cases:
        result = run("diff", *args)
        assert result.returncode == 1, (args, result.stdout)
        assert result.stderr.splitlines()[0].startswith(message), result.stderr
        assert "Traceback" not in result.stderr
    assert tree_state(shipped_build, user, empty, repo_root / "corpus", no_table, no_key) == state
    assert not missing.exists()


def test_the_same_build_twice_has_no_change(shipped_build):
    result = run("diff", str(shipped_build), str(shipped_build))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": no change") == 3
