"""Every line link the committed notebooks show points at an existing line of a shipped source.

The notebooks link each provenance mention to the source viewer that ``make run`` builds
(``../build/sources/<file stem>.html#L<n>``, relative to ``notebooks/``). This reads the
committed notebook JSON (outputs and Markdown), not the code that made it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.render.sources import split_lines

#: A Markdown link's or an HTML anchor's address that leads into a sources folder.
HREF = re.compile(r"""\]\(([^()\s]*sources/[^()\s]*)\)|href=["']([^"']*sources/[^"']*)["']""")
LINK = re.compile(r"^\.\./build/sources/(?P<stem>[^/#]+)\.html#L(?P<line>\d+)$")
ANCHOR = re.compile(r"<a\b[^>]*>.*?</a>", re.DOTALL)
#: Notebooks that show provenance; each must carry links (so the test cannot pass vacuously).
WITH_PROVENANCE = ("01_corpus_tour", "02_evidence_graph", "04_gap_map", "05_search_analysis")


def _notebooks(repo_root: Path) -> list[Path]:
    return sorted((repo_root / "notebooks").glob("*.ipynb"))


def _texts(notebook: Path) -> list[tuple[str, str]]:
    """``(kind, text)`` of every Markdown cell and every output of a committed notebook:
    ``html`` for rich HTML output, ``markdown``, or ``plain`` (stdout, text/plain)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            found.append(("markdown", "".join(cell["source"])))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                found.append(("html", "".join(data["text/html"])))
            if "text" in output:
                found.append(("plain", "".join(output["text"])))
            elif "text/plain" in data and "text/html" not in data:
                found.append(("plain", "".join(data["text/plain"])))
    return found


def _links(notebook: Path) -> list[str]:
    links = []
    for _, text in _texts(notebook):
        links += [a or b for a, b in HREF.findall(text)]
    return links


@pytest.fixture(scope="module")
def line_counts(repo_root) -> dict[str, int]:
    return {
        path.stem: len(split_lines(path.read_text(encoding="utf-8")))
        for path in (repo_root / "sources").glob("*.txt")
    }


def test_every_line_link_points_at_a_line_of_a_shipped_source(repo_root, line_counts):
    assert line_counts, "sources/ ships at least the report"
    checked = 0
    for notebook in _notebooks(repo_root):
        for link in _links(notebook):
            match = LINK.match(link)
            assert match, f"{notebook.name}: {link} is not ../build/sources/<file>.html#L<n>"
            stem, line = match.group("stem"), int(match.group("line"))
            assert stem in line_counts, f"{notebook.name}: {link} names no shipped source"
            assert 1 <= line <= line_counts[stem], (
                f"{notebook.name}: {link} is past the end of {stem}.txt ({line_counts[stem]} lines)"
            )
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("name", WITH_PROVENANCE)
def test_each_notebook_that_shows_provenance_links_it(repo_root, name):
    assert len(_links(repo_root / "notebooks" / f"{name}.ipynb")) >= 3


def test_no_mention_of_a_shipped_line_is_left_unlinked(repo_root, line_counts):
    # "001_….txt line 745", "001_….txt lines 307": a shipped source's line named in an output
    # must be a link; in plain text (which cannot link) it must not be named at all.
    mention = re.compile(r"(?P<stem>[\w.-]+)\.txt,? lines? \d+")
    for notebook in _notebooks(repo_root):
        for kind, text in _texts(notebook):
            if kind == "markdown":
                continue
            outside = ANCHOR.sub(" ", text) if kind == "html" else text
            named = [
                m.group(0) for m in mention.finditer(outside) if m.group("stem") in line_counts
            ]
            assert not named, f"{notebook.name}: unlinked {kind} mention {named[:3]}"


def test_the_links_are_the_lines_the_tables_show(repo_root):
    # Notebook 02's audit table links each citation's line to that line: Austin and Dankwort
    # (1999) is cited at 001 line 713.
    html = next(
        text
        for kind, text in _texts(repo_root / "notebooks" / "02_evidence_graph.ipynb")
        if kind == "html" and 'id="T_unresolved' in text
    )
    row = html[: html.index("Austin and Dankwort (1999)")].rsplit("<tr>", 1)[1]
    assert '<a href="../build/sources/001_5b70540cc7bcf418.html#L713">713</a>' in row
