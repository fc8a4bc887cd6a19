"""`workbench validate` reports broken coding inputs (codebook, overrides) as
FILE:ROW: COLUMN: lines and exits 1."""

from __future__ import annotations

from pathlib import Path

from workbench.cli import main


def append_override(root: Path, line: str) -> int:
    """Append one CSV record to coding_overrides.csv; return its spreadsheet row number."""
    path = root / "corpus" / "coding_overrides.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8", newline="")
    return len(text.rstrip("\n").split("\n")) + 1


def run_validate(root: Path, capsys) -> tuple[int, str]:
    code = main(["validate", "--root", str(root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_unknown_target_in_an_override(tmp_root, capsys):
    row = append_override(tmp_root, "guideline:8.1,topic:lgbt,add,a reason,a reviewer")
    code, output = run_validate(tmp_root, capsys)
    assert code == 1
    assert f"corpus/coding_overrides.csv:{row}: target_id: unknown target 'guideline:8.1'" in output
    assert "Traceback" not in output


def test_unknown_topic_in_an_override(tmp_root, capsys):
    row = append_override(tmp_root, "roundtable:10,topic:lbgt,add,a reason,a reviewer")
    code, output = run_validate(tmp_root, capsys)
    assert code == 1
    assert f"corpus/coding_overrides.csv:{row}: topic_id:" in output
    assert "topic:lbgt" in output


def test_bad_regex_in_the_codebook(tmp_root, capsys):
    path = tmp_root / "corpus" / "codebook.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(r"\bqueer\b") == 1
    path.write_text(text.replace(r"\bqueer\b", r"\bqueer[\b"), encoding="utf-8", newline="")
    row = 1 + next(i for i, line in enumerate(text.split("\n")) if line.startswith("topic:lgbt,"))
    code, output = run_validate(tmp_root, capsys)
    assert code == 1
    assert (
        f"corpus/codebook.csv:{row}: patterns: pattern 8 '\\\\bqueer[\\\\b' of topic:lgbt is "
        "not a valid regular expression" in output
    )
