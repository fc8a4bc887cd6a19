"""The recipes of docs/architecture.md ("Adding things"), each done exactly as documented on a
copy of the shipped root, then built: a framework and a topic are data only.

The framework and the topic added here are TEST FIXTURES, made up for these tests: they are
not in the sources and never ship.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import re2

from workbench.build import build_report
from workbench.coding import re2_options

SOURCE = "001_5b70540cc7bcf418.txt"  # provenance must name a shipped document

# --- a framework: rows in four tables ------------------------------------------------------

FRAMEWORK = "framework:test_fixture"
ITEM_SHARED = "framework_item:test_fixture:1"  # shares words with guideline 3.1
ITEM_APART = "framework_item:test_fixture:2"  # shares none
GUIDELINE = "guideline:3.1"
#: Words of guideline 3.1 (corpus/guidelines.csv), quoted by the fixture's rationale.
QUOTED = "holding them accountable for the harm they have caused"


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Append ``rows`` to a corpus CSV, in its header's order, as a spreadsheet would."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writerows(rows)


def file_digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def rebuilt(root: Path, shipped_build: Path, tmp_path: Path) -> Path:
    """Build ``root`` into a copy of the shipped build (its cache serves what is unchanged)."""
    out = tmp_path / "build"
    shutil.copytree(shipped_build, out)
    build_report(root, out)
    return out


def add_test_framework(root: Path) -> None:
    """The framework recipe: frameworks.csv, framework_items.csv, crosswalk.csv and
    crosswalk_dispositions.csv, nothing else."""
    corpus = root / "corpus"
    provenance = {"source": SOURCE, "section": "TEST fixture", "lines": "1"}
    append_rows(
        corpus / "frameworks.csv",
        [
            {
                "framework_id": FRAMEWORK,
                "name": "TEST fixture framework",
                "note": "Made up for a test of the framework recipe; not a real framework.",
                **provenance,
            }
        ],
    )
    append_rows(
        corpus / "framework_items.csv",
        [
            {
                "item_id": ITEM_SHARED,
                "framework_id": FRAMEWORK,
                "code": "1",
                "kind": "principle",
                "label": "Hold perpetrators accountable for the harm they have caused",
                **provenance,
            },
            {
                "item_id": ITEM_APART,
                "framework_id": FRAMEWORK,
                "code": "2",
                "kind": "principle",
                "label": "Publish an annual budget",
                **provenance,
            },
        ],
    )
    append_rows(
        corpus / "crosswalk.csv",
        [
            {
                "focal_id": GUIDELINE,
                "reference_id": ITEM_SHARED,
                "framework_id": FRAMEWORK,
                "relation": "intersects_with",
                "rationale_type": "semantic",
                "strength": "6",
                "rationale": f"Guideline 3.1: “{QUOTED}”; the fixture's item 1 asks the same.",
                "method": "curated",
                "status": "complete",
            }
        ],
    )
    append_rows(
        corpus / "crosswalk_dispositions.csv",
        [
            {
                "element_id": GUIDELINE,
                "framework_id": FRAMEWORK,
                "direction": "guideline_to_framework",
                "disposition": "mapped",
            },
            {
                "element_id": ITEM_SHARED,
                "framework_id": FRAMEWORK,
                "direction": "framework_to_guidelines",
                "disposition": "mapped",
            },
            {
                "element_id": ITEM_APART,
                "framework_id": FRAMEWORK,
                "direction": "framework_to_guidelines",
                "disposition": "not_related",
                "reason": "A budget is not what any guideline asks of an intervention.",
            },
        ],
    )


def test_adding_a_framework_is_data_only(repo_root, tmp_root, tmp_path, shipped_build):
    guidelines = pd.read_csv(repo_root / "corpus" / "guidelines.csv", dtype=str)
    assert QUOTED in guidelines.set_index("guideline_id").at[GUIDELINE, "text"]

    add_test_framework(tmp_root)
    shipped, edited = file_digests(repo_root / "corpus"), file_digests(tmp_root / "corpus")
    assert {name for name in edited if edited[name] != shipped.get(name)} == {
        "frameworks.csv",
        "framework_items.csv",
        "crosswalk.csv",
        "crosswalk_dispositions.csv",
    }, "the recipe changes these four tables and nothing else: no code"

    out = rebuilt(tmp_root, shipped_build, tmp_path)

    # its heat-map, listed on the front page
    heatmap = out / "crosswalk_heatmap_test_fixture.png"
    assert heatmap.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert 'href="crosswalk_heatmap_test_fixture.png"' in (out / "index.html").read_text("utf-8")
    assert not (shipped_build / heatmap.name).exists()

    # coverage in both directions: intersects_with is a partial cover; a reviewed item with
    # no related row is uncovered
    coverage = pd.read_csv(out / "crosswalk_coverage.csv", dtype=str)
    mine = coverage[coverage["framework"] == FRAMEWORK].set_index("element_id")["status"]
    assert mine.to_dict() == {GUIDELINE: "partial", ITEM_SHARED: "partial", ITEM_APART: "uncovered"}

    # the labelled crosswalk and the SSSOM mapping set hold its row
    labelled = pd.read_csv(out / "crosswalk.csv", dtype=str)
    assert len(labelled[labelled["framework_id"] == FRAMEWORK]) == 1
    sssom_text = (out / "crosswalk.sssom.tsv").read_text(encoding="utf-8")
    sssom = pd.read_csv(io.StringIO(sssom_text), sep="\t", comment="#", dtype=str)
    row = sssom[sssom["object_id"] == "wbfi:test_fixture/1"]
    assert row[["subject_id", "predicate_id"]].values.tolist() == [
        ["wbgl:3.1", "skos:relatedMatch"]
    ]

    # the suggester scores it: for the one guideline reviewed against it, the item sharing
    # its words ranks first, and that is the one curated relevant item
    suggestions = pd.read_csv(out / "crosswalk_suggestions.csv", dtype=str)
    ranked = suggestions[suggestions["framework_id"] == FRAMEWORK]
    assert set(ranked["focal_id"]) == {GUIDELINE}
    first = ranked[ranked["rank"] == "1"]
    assert first["reference_id"].tolist() == [ITEM_SHARED]
    assert float(first["score"].iloc[0]) > 0
    metrics = pd.read_csv(out / "crosswalk_suggester_metrics.csv", dtype=str)
    at_1 = metrics[(metrics["framework_id"] == FRAMEWORK) & (metrics["k"] == "1")]
    assert at_1[["guidelines", "relevant_pairs", "hits"]].values.tolist() == [["1", "1", "1"]]
    assert float(at_1["precision"].iloc[0]) == 1.0 and float(at_1["recall"].iloc[0]) == 1.0


# --- a topic: a row in codebook.csv ------------------------------------------------------

TOPIC = "topic:test_fixture_partners"
TOPIC_LABEL = "TEST fixture: partners"
PATTERN = r"\bpartner\w*"


def gap_data(html: str) -> dict:
    """The data the gap-map page draws from (its JSON island)."""
    found = re.search(r'<script type="application/json" id="gap-data">(.*?)</script>', html, re.S)
    assert found, "the page holds its data"
    return json.loads(found.group(1))


def test_adding_a_topic_adds_a_gap_map_column(repo_root, tmp_root, tmp_path, shipped_build):
    append_rows(
        tmp_root / "corpus" / "codebook.csv",
        [
            {
                "topic_id": TOPIC,
                "dimension": "delivery",
                "label": TOPIC_LABEL,
                "definition": "Made up for a test of the topic recipe: texts naming partners.",
                "patterns": PATTERN,
                "note": "TEST fixture; not a topic of the sources.",
                "source": SOURCE,
                "section": "TEST fixture",
                "lines": "1",
            }
        ],
    )
    shipped, edited = file_digests(repo_root / "corpus"), file_digests(tmp_root / "corpus")
    assert {name for name in edited if edited[name] != shipped.get(name)} == {"codebook.csv"}
    # the rows whose own text the pattern matches, found in the corpus text itself
    pattern = re2.compile(PATTERN, re2_options())
    texts = pd.concat(
        [
            pd.read_csv(repo_root / "corpus" / "standards.csv", dtype=str).rename(
                columns={"standard_id": "row_id"}
            )[["row_id", "text"]],
            pd.read_csv(repo_root / "corpus" / "guidelines.csv", dtype=str).rename(
                columns={"guideline_id": "row_id"}
            )[["row_id", "text"]],
        ]
    )
    naming = {r for r, t in zip(texts["row_id"], texts["text"], strict=True) if pattern.search(t)}
    assert 0 < len(naming) < len(texts), "the fixture's pattern tells rows apart"

    out = rebuilt(tmp_root, shipped_build, tmp_path)

    cells = pd.read_csv(out / "gap_map.csv", dtype=str)
    column = cells[cells["topic_id"] == TOPIC].set_index("row_id")
    assert set(column.index) == set(texts["row_id"]), "one cell per standard and guideline"
    assert set(column.index[column["demand"] == "True"]) == naming
    # no work is coded with a new topic until corpus/evidence_codes.csv codes one
    assert set(column["count_academic"]) == {"0"} and set(column["works"]) == {"0"}
    # an absolute gap has nothing in any channel, the framework channel included
    nothing = (column["evidence_count"] == "0") & (column["framework_count"] == "0")
    assert ((column["status"] == "absolute_gap") == nothing).all()
    assert set(column["status"]) <= {"absolute_gap", "practice_only"}
    shipped_cells = pd.read_csv(shipped_build / "gap_map.csv", dtype=str)
    assert len(cells) == len(shipped_cells) + len(texts), "the other cells stay"

    data = gap_data((out / "gap_map.html").read_text(encoding="utf-8"))
    topics = [t["id"] for t in data["topics"]]
    assert (
        TOPIC in topics
        and {"id": TOPIC, "label": TOPIC_LABEL}.items()
        <= next(t for t in data["topics"] if t["id"] == TOPIC).items()
    )
    assert all(len(row) == len(topics) for row in data["cells"]), "every row has the column"
    assert TOPIC not in {
        t["id"]
        for t in gap_data((shipped_build / "gap_map.html").read_text(encoding="utf-8"))["topics"]
    }
