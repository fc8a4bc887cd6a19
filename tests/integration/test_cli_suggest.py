"""`workbench suggest-crosswalk` as a reviewer reads it: the count it prints is the count it
wrote and the count its table accounts for, the best candidates are shown with a legend, and
the shared words are words of the two texts."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import zygote
from workbench.cli import main
from workbench.validation import load_corpus


@pytest.fixture(scope="module")
def run(repo_root, tmp_path_factory):
    """Every reviewed framework at k = 3, the best 12 shown, through the console script
    (forked from a pre-imported process, tests/zygote.py)."""
    out = tmp_path_factory.mktemp("suggest") / "candidates.csv"
    script = Path(sys.executable).parent / "workbench"
    result = zygote.run(
        [
            str(script),
            "suggest-crosswalk",
            "--root",
            str(repo_root),
            "--k",
            "3",
            "--show",
            "12",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, pd.read_csv(out, dtype=str, keep_default_na=False)


def test_the_printed_count_is_the_rows_written_and_the_tables_account_for_it(run, repo_root):
    text, written = run
    said = int(re.search(r"^wrote (\d+) candidate rows to ", text, re.M)[1])
    assert said == len(written) > 0
    # the precision table: one row per framework, then all; "scored" is per framework
    table = re.findall(r"^(\S+) +\| (\d+) +\| (\d+) +\| (\d+) +\| (\d+) ", text, re.M)
    scored = {name: int(s) for name, _, _, s, _ in table}
    # a candidate is scored when its guideline has a curated item mapping to the framework
    crosswalk = load_corpus(repo_root)["crosswalk"]
    related = crosswalk[
        (crosswalk["relation"] != "not_related")
        & crosswalk["reference_id"].str.startswith("framework_item:")
    ]
    mapped = set(zip(related["framework_id"], related["focal_id"], strict=True))
    checkable = written[
        [
            (f, g) in mapped
            for f, g in zip(written["framework_id"], written["focal_id"], strict=True)
        ]
    ]
    expected = checkable.groupby("framework_id").size()
    assert {
        f"framework:{name}": n for name, n in scored.items() if name != "all"
    } == expected.to_dict()
    assert scored["all"] == len(checkable)
    unscored = int(re.search(r"the other (\d+) are for guidelines", text)[1])
    assert scored["all"] + unscored == said


def test_the_best_candidates_are_shown_with_a_legend(run):
    text, written = run
    assert "The best 12 of" in text
    shown = re.findall(r"^(\d\.\d{3}) \| (\d+\.\d+) +\| (\S+) +\| (\S+) +\|", text, re.M)
    assert len(shown) == 12
    best = written.assign(score=written["score"].astype(float)).nlargest(12, "score", keep="all")
    for score, guideline, item, curated in shown:
        match = best[
            (best["focal_id"] == f"guideline:{guideline}")
            & (best["reference_id"] == f"framework_item:{item}")
        ]
        assert len(match) == 1, (guideline, item)
        assert f"{float(match['score'].iloc[0]):.3f}" == score
        assert (match["curated_relation"].iloc[0] or "-") == curated
    for column in (
        "score",
        "guideline",
        "item",
        "curated",
        "shared words",
        "guidelines",
        "pairs",
        "scored",
        "hits",
        "prec",
        "rec",
        "chance",
    ):
        assert re.search(rf"^  {column} +\S", text, re.M), f"no legend for {column}"
    assert max(len(line) for line in text.splitlines()) <= 80


def test_shared_words_occur_verbatim_in_one_of_the_two_texts(run, repo_root):
    _, written = run
    corpus = load_corpus(repo_root)
    guidelines = corpus["guidelines"].set_index("guideline_id")["text"]
    items = corpus["framework_items"].set_index("item_id")
    item_text = items["label"].fillna("") + " " + items["text"].fillna("")
    checked = 0
    for focal, reference, words in zip(
        written["focal_id"], written["reference_id"], written["shared_terms"], strict=True
    ):
        both = f"{guidelines[focal]} {item_text[reference]}".lower()
        for word in filter(None, words.split("; ")):
            assert re.search(rf"\b{re.escape(word.lower())}\b", both), (focal, reference, word)
            checked += 1
    assert checked > len(written)
    # the stems the suggester used to show are gone
    shown = {w for words in written["shared_terms"] for w in words.split("; ")}
    assert not {"provid", "qualiti", "evalu", "servic"} & shown


def test_show_zero_prints_no_candidate(repo_root, tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert (
        main(
            [
                "suggest-crosswalk",
                "--root",
                str(repo_root),
                "--framework",
                "framework:csaap",
                "--show",
                "0",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "The best" not in text and "How far to trust them" in text
