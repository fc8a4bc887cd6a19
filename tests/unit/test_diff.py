"""``workbench.diff.compare`` on small hand-made tables, and its Markdown rendering."""

from __future__ import annotations

import pandas as pd
from markdown_it import MarkdownIt

from workbench.diff import Side, compare
from workbench.render.diff import render_markdown, render_terminal


def side(
    label: str,
    gap: list[list[str]],
    crosswalk: list[list[str]],
    evidence: list[list[str]],
    extra: dict[str, list[str]] | None = None,
) -> Side:
    gap_map = pd.DataFrame(gap, columns=["row_id", "topic_id", "status"])
    for column, values in (extra or {}).items():
        gap_map[column] = values
    return Side(
        label,
        {
            "gap_map.csv": gap_map,
            "crosswalk.csv": pd.DataFrame(
                crosswalk, columns=["focal_id", "reference_id", "relation", "strength"]
            ),
            "citation_audit.csv": pd.DataFrame(
                [
                    ["n:1", "Smith, 2001", "12", "resolved"],
                    ["n:1", "Smith, 2001", "12", "resolved"],
                ],
                columns=["location", "cited_as", "line", "status"],
            ),
            "gap_evidence.csv": pd.DataFrame(
                evidence, columns=["row_id", "topic_id", "channel", "evidence_id"]
            ),
        },
    )


OLD = side(
    "OLD",
    [["s:1", "t:a", "thin"], ["s:1", "t:b", "covered"]],
    [["g:1", "f:1", "intersects_with", "3"], ["g:2", "f:1", "equal", "10"]],
    [["s:1", "t:a", "academic", "ref:x"], ["s:1", "t:b", "academic", "ref:y"]],
)


def test_each_change_is_named_once_by_key_and_field():
    new = side(
        "NEW",
        [["s:1", "t:a", "covered"], ["s:1", "t:b", "covered"]],
        [["g:1", "f:1", "subset_of", "7"], ["g:3", "f:2", "equal", "10"]],
        [
            ["s:1", "t:a", "academic", "ref:x"],
            ["s:1", "t:a", "framework", "f:1"],
            ["s:1", "t:b", "academic", "ref:y"],
        ],
        extra={"design": ["rct", "rct"]},
    )
    changes = compare(OLD, new)
    assert changes[
        ["table", "change", "key", "field", "before", "after", "detail"]
    ].values.tolist() == [
        [
            "gap_map.csv",
            "changed",
            "s:1 / t:a",
            "status",
            "thin",
            "covered",
            "evidence added: framework f:1",
        ],
        ["gap_map.csv", "columns", "", "", "", "", "only in NEW: design"],
        ["crosswalk.csv", "changed", "g:1 / f:1", "relation", "intersects_with", "subset_of", ""],
        ["crosswalk.csv", "changed", "g:1 / f:1", "strength", "3", "7", ""],
        ["crosswalk.csv", "removed", "g:2 / f:1", "", "relation: equal; strength: 10", "", ""],
        ["crosswalk.csv", "added", "g:3 / f:2", "", "", "relation: equal; strength: 10", ""],
    ]


def test_repeated_keys_are_matched_by_occurrence():
    assert compare(OLD, OLD).empty
    new = side(
        "NEW",
        [["s:1", "t:a", "thin"], ["s:1", "t:b", "covered"]],
        [["g:1", "f:1", "intersects_with", "3"], ["g:2", "f:1", "equal", "10"]],
        [["s:1", "t:a", "academic", "ref:x"], ["s:1", "t:b", "academic", "ref:y"]],
    )
    new.tables["citation_audit.csv"].at[1, "status"] = "missing"
    changes = compare(OLD, new)
    assert changes[["key", "before", "after"]].values.tolist() == [
        ["n:1 / Smith, 2001 / 12 #2", "resolved", "missing"]
    ]


def test_markup_in_data_is_escaped_in_markdown_and_fits_the_terminal():
    hostile = "<script>alert(1)</script> | x"
    new = side(
        "NEW",
        [["s:1", "t:a", "thin"], ["s:1", "t:b", "covered"]],
        [["g:1", "f:1", hostile, "3"], ["g:2", "f:1", "equal", "10"]],
        [["s:1", "t:a", "academic", "ref:x"], ["s:1", "t:b", "academic", "ref:y"]],
    )
    changes = compare(OLD, new)
    text = render_markdown(changes, "old", "new")
    assert "<script>" not in text
    html = MarkdownIt().enable("table").render(text)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; | x" in html
    cells = [line for line in html.splitlines() if line.startswith("<td>")]
    assert len(cells) == 5  # the pipe in the data did not open another column
    for width in (40, 80, 120):
        assert max(map(len, render_terminal(changes, "old", "new", width).splitlines())) <= width


def test_a_cell_whose_evidence_count_moves_without_its_status_is_named_with_the_item():
    """A mapping added to a covered cell leaves it covered, but the reviewer is told."""
    counts = {"evidence_count": ["1", "1"], "framework_count": ["0", "0"]}
    old = side("OLD", [["s:1", "t:a", "thin"], ["s:1", "t:b", "covered"]], [], [], counts)
    new = side(
        "NEW",
        [["s:1", "t:a", "thin"], ["s:1", "t:b", "covered"]],
        [],
        [["s:1", "t:b", "framework", "fi:7"]],
        {"evidence_count": ["1", "1"], "framework_count": ["0", "1"]},
    )
    changes = compare(old, new)
    gap = changes[changes["table"] == "gap_map.csv"]
    assert gap[["change", "key", "field", "before", "after"]].values.tolist() == [
        ["changed", "s:1 / t:b", "framework_count", "0", "1"]
    ]
    assert gap["detail"].tolist() == ["evidence added: framework fi:7"]
