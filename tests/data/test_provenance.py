"""Every corpus row traces to its source: the cited file exists and the verbatim text stands
in the cited line range."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from workbench.corpus import Corpus

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold white space, so that a line wrapped by the layout still matches."""
    return _SPACE.sub(" ", text).strip()


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def cited_text(seeds: Path, source: str, lines: str) -> str:
    """Return the source text of every line range in ``lines`` (``'12-14; 20'``)."""
    text = _lines(seeds / source)
    parts = []
    for span in lines.split("; "):
        first, _, last = span.partition("-")
        parts.append("\n".join(text[int(first) - 1 : int(last or first)]))
    return "\n".join(parts)


def verbatim_fields(corpus: Corpus) -> list[tuple[str, str]]:
    return [
        (r["name"], f["name"])
        for r in corpus.descriptor["resources"]
        for f in r["schema"]["fields"]
        if f.get("x-verbatim")
    ]


def test_every_row_names_an_existing_source_and_line_range(corpus, seeds_dir):
    checked = 0
    for name, frame in corpus.tables.items():
        if "lines" not in frame:
            continue
        for row in frame.itertuples():
            lines = _lines(seeds_dir / row.source)
            for span in row.lines.split("; "):
                first, _, last = span.partition("-")
                assert 1 <= int(first) <= int(last or first) <= len(lines), (name, row)
            checked += 1
    assert checked > 300


def test_verbatim_fields_stand_in_their_cited_lines(corpus, seeds_dir):
    failures = []
    checked = 0
    for table, column in verbatim_fields(corpus):
        frame = corpus[table]
        for position, row in enumerate(frame.itertuples(index=False), start=2):
            value = getattr(row, column)
            if value is None or value != value:
                continue
            source = normalise(cited_text(seeds_dir, row.source, row.lines))
            if normalise(value) not in source:
                failures.append(
                    f"corpus/{table}.csv:{position}: {column}: {value[:70]!r} is not "
                    f"in {row.source} lines {row.lines}"
                )
            checked += 1
    assert not failures, "\n".join(failures)
    assert checked > 250


def test_bibliography_entries_cite_the_reference_list(corpus, seeds_dir):
    text = _lines(seeds_dir / "001_5b70540cc7bcf418.txt")
    references_heading = text.index("References") + 1
    appendix = text.index("Appendix 1 Technical Annex") + 1
    for entry in corpus.references.itertuples():
        first = int(entry.lines.split("-")[0])
        assert entry.source == "001_5b70540cc7bcf418.txt"
        assert references_heading < first < appendix, entry.key


@pytest.mark.parametrize(
    "table",
    [
        "standards",
        "guidelines",
        "narratives",
        "roundtables",
        "searches",
        "collated_standards",
        "framework_items",
    ],
)
def test_tables_with_text_from_the_sources_have_provenance(corpus, table):
    frame = corpus[table]
    assert frame[["source", "section", "lines"]].notna().all().all()
