"""`workbench evidence` as a user at an 80-column terminal meets it: every line fits, every
channel the gap map counts is listed with the same counts as the map's own evidence frame,
no item is listed twice, and ids are accepted as people type them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import zygote
from workbench.cli import main
from workbench.gaps import CHANNEL_LABELS, CHANNELS, analyse_gaps
from workbench.validation import load_corpus

RULE = "=" * 80


@pytest.fixture(scope="module")
def analysis(repo_root):
    return analyse_gaps(load_corpus(repo_root))


@pytest.fixture(scope="module")
def every_row(repo_root, analysis):
    """The output for every standard and guideline at once, COLUMNS=80, split per row."""
    row_ids = analysis.rows["row_id"].tolist()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "80")
        result = zygote.run(
            [str(zygote.WORKBENCH), "evidence", "--root", str(repo_root), *row_ids],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n" + RULE + "\n\n")
    assert len(blocks) == len(row_ids)
    return dict(zip(row_ids, blocks, strict=True)), result.stdout


def parse(block: str) -> dict[str, dict]:
    """``{channel label: {"linked": n, "counted": n, "items": {id: [item lines]}}}``."""
    sections: dict[str, dict] = {}
    current = None
    item = None
    for line in block.splitlines():
        head = re.match(
            r"^(?P<label>[A-Z][^:]*): (?:(?P<linked>\d+) linked, (?P<counted>\d+) "
            r"counted for at least one topic|none)$",
            line,
        )
        if head and head["label"] in CHANNEL_LABELS.values():
            current = sections.setdefault(
                head["label"],
                {
                    "linked": int(head["linked"] or 0),
                    "counted": int(head["counted"] or 0),
                    "items": {},
                },
            )
            continue
        if current is None:
            continue
        if not line:
            current = None
            continue
        first = re.match(r"^  (\S+)  ", line)
        if first:
            item = first[1]
            assert item not in current["items"], f"{item} listed twice"
            current["items"][item] = [line]
        else:
            current["items"][item].append(line)
    return sections


def test_every_line_fits_80_columns_for_every_standard_and_guideline(every_row):
    _, text = every_row
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert wide == []


def test_every_channel_the_map_counts_is_listed_with_the_maps_counts(every_row, analysis):
    blocks, _ = every_row
    topic_label = dict(zip(analysis.topics["topic_id"], analysis.topics["label"], strict=True))
    for row_id, block in blocks.items():
        sections = parse(block)
        assert list(sections) == [CHANNEL_LABELS[c] for c in CHANNELS], row_id
        links = analysis.links[analysis.links["row_id"] == row_id]
        evidence = analysis.evidence[analysis.evidence["row_id"] == row_id]
        for channel in CHANNELS:
            section = sections[CHANNEL_LABELS[channel]]
            linked = links[links["channel"] == channel]
            counted = evidence[evidence["channel"] == channel]
            assert section["linked"] == linked["evidence_id"].nunique(), (row_id, channel)
            assert section["counted"] == counted["evidence_id"].nunique(), (row_id, channel)
            assert set(section["items"]) == set(linked["evidence_id"]), (row_id, channel)
            for item, topics in counted.groupby("evidence_id")["topic_id"]:
                shown = " ".join(" ".join(section["items"][item]).split())
                for topic in set(topics):
                    assert topic_label[topic] in shown, (row_id, item, topic)
                # where it stands: each line number of the map's evidence is shown
                for location in set(counted.loc[counted["evidence_id"] == item, "location"]):
                    line = re.search(r"lines? (\d+)", location)
                    if line:
                        assert re.search(rf"\b{line[1]}\b", shown), (row_id, item, location)


def test_no_item_twice_and_lehmann2009_once_on_its_line(every_row):
    blocks, _ = every_row
    sections = parse(blocks["guideline:3.3"])  # parse() fails on an item listed twice
    lehmann = " ".join(sections["Academic references"]["items"]["ref:lehmann2009"])
    assert "narrative:standard:3, line 191" in lehmann
    assert blocks["guideline:3.3"].count("ref:lehmann2009 ") == 1


def test_programmes_and_framework_items_are_listed(every_row):
    blocks, _ = every_row
    sections = parse(blocks["guideline:3.3"])
    # Box 2 of the report maps guideline 3.3 to item B of Respect's 4th edition (line 629)
    framework = sections["Framework items"]["items"]
    assert "framework_item:respect:4ed:b" in framework
    assert "Box 2, line 629" in " ".join(framework["framework_item:respect:4ed:b"])
    # the narrative of standard 3 names Project Mirabal (line 209)
    assert "programme:project_mirabal" in sections["Evaluated programmes"]["items"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("3.3", "guideline:3.3"),
        ("G3.3", "guideline:3.3"),
        ("guideline 3.3", "guideline:3.3"),
        ("3", "standard:3"),
        ("S3", "standard:3"),
        ("standard 3", "standard:3"),
        ("morrison2019a", "ref:morrison2019a"),
        ("Roundtable 8", "roundtable:8"),
    ],
)
def test_ids_as_people_type_them(repo_root, capsys, monkeypatch, typed, meant):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["evidence", "--root", str(repo_root), meant]) == 0
    expected = capsys.readouterr().out
    assert main(["evidence", "--root", str(repo_root), typed]) == 0
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("guideline:3.33", "guideline:3.3"),
        ("morison2019a", "ref:morrison2019a"),
        ("standard:03", "standard:3"),
        # the reference list has two Morrison et al. 2019 works (references.bib keys a, b)
        ("morrison2019", "ref:morrison2019a or ref:morrison2019b"),
    ],
)
def test_a_near_miss_suggests_the_right_id(repo_root, capsys, typed, suggested):
    assert main(["evidence", "--root", str(repo_root), typed]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"workbench evidence: {typed} is not a known id; did you mean {suggested}?\n"
    )


def test_an_item_lists_the_rows_that_rest_on_it(repo_root, capsys, monkeypatch, analysis):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["evidence", "--root", str(repo_root), "ref:morrison2019a"]) == 0
    out = capsys.readouterr().out
    links = analysis.links[analysis.links["evidence_id"] == "ref:morrison2019a"]
    own = sorted(set(links.loc[links["row_id"] == links["via"], "row_id"]))
    shown = re.findall(r"^  ((?:standard|guideline):[0-9.]+)  ", out, re.M)
    assert sorted(shown) == own and own  # cited in the narratives of standards 1, 6 and 7
    assert own == ["standard:1", "standard:6", "standard:7"]
    assert max(len(line) for line in out.splitlines()) <= 80
    # cited as 2017 (listed as 2016) in the narratives of Standards 4 (line 235) and 7 (line
    # 371): a near miss counts for the entry it names, so both rest on it
    assert main(["evidence", "--root", str(repo_root), "ref:bonta2016"]) == 0
    shown = re.findall(r"^  ((?:standard|guideline):[0-9.]+)  ", capsys.readouterr().out, re.M)
    assert {"standard:4", "standard:7"} <= set(shown)
    # cited only in Appendix 1 (line 733), which stands under no standard: nothing rests on it
    assert main(["evidence", "--root", str(repo_root), "ref:richards2021"]) == 0
    assert (
        "No standard or guideline of the gap map rests on ref:richards2021."
        in capsys.readouterr().out
    )


def test_the_console_script_fits_a_narrow_terminal(repo_root):
    script = Path(sys.executable).parent / "workbench"
    result = zygote.run(
        [str(script), "evidence", "--root", str(repo_root), "3.3"],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "60", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("guideline:3.3: ")
    assert max(len(line) for line in result.stdout.splitlines()) <= 60


def test_an_id_with_nothing_close_gets_one_line(repo_root, capsys):
    assert main(["evidence", "--root", str(repo_root), "xyz", "3.3"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "workbench evidence: xyz names no standard, guideline or evidence "
        "item (e.g. 3.3, S3, guideline:3.3, ref:morrison2019a)\n"
    )


def test_an_audit_finding_is_printed_whole_at_80_columns(every_row):
    """A citation the reference list dates otherwise keeps the audit's finding in full on a
    line of its own, however the title is cut: 001 cites "Holtrop et al., 2017" in the
    narrative of standard 3 (line 191), and its reference list dates that work 2015 (line 455).
    """
    blocks, _ = every_row
    lines = blocks["guideline:3.3"].splitlines()
    (head,) = [i for i, line in enumerate(lines) if line.startswith("  ref:holtrop2015  ")]
    assert "[cited" not in lines[head], "the finding is not cut off the title's line"
    assert lines[head + 1].startswith("      audit: ")
    finding = " ".join(line.strip() for line in lines[head + 1 : head + 3])
    assert finding.startswith(
        "audit: cited as “Holtrop et al., 2017”: cited 2017; the reference list dates this "
        "work 2015"
    )
