"""The shipped sources (``sources/``) and the source viewer's pages and links."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import pytest

from conftest import SEEDS, SHIPPED_SOURCES, SOURCES, SourceFolders
from workbench.render.gap_map import map_payload
from workbench.render.sources import (
    CSP,
    location_link,
    provenance,
    render_source_page,
    shipped_sources,
    source_link,
    split_lines,
)

REPORT = "001_5b70540cc7bcf418.txt"
OGL = "Open Government Licence v3.0"


def test_the_report_is_shipped_byte_for_byte(repo_root):
    shipped = SHIPPED_SOURCES / REPORT
    assert shipped.is_file(), "sources/001_5b70540cc7bcf418.txt is shipped with the repository"
    if not (SEEDS / REPORT).is_file():
        pytest.fail(f"{SEEDS / REPORT} is needed to check the shipped copy against it")
    assert (
        hashlib.sha256(shipped.read_bytes()).digest()
        == hashlib.sha256((SEEDS / REPORT).read_bytes()).digest()
    )


def test_only_documents_whose_licence_allows_it_are_shipped(corpus):
    documents = corpus["documents"].set_index("file")
    shipped = sorted(p.name for p in SHIPPED_SOURCES.glob("*.txt"))
    assert shipped == [REPORT]
    assert shipped_sources(corpus) == shipped
    assert OGL in documents.loc[REPORT, "licence"]
    for name in documents.index.drop(REPORT):
        assert documents.loc[name, "licence"].startswith(
            "none stated in the text; not redistributed"
        ), name


def test_the_readme_gives_the_attribution_and_the_unshipped_documents(corpus):
    readme = (SHIPPED_SOURCES / "README.md").read_text(encoding="utf-8")
    assert (
        "Contains public sector information licensed under the\n[Open Government Licence "
        "v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)"
        in readme
    )
    for fact in (
        "Westmarland",
        "Kelly",
        "Home Office",
        "January 2023",
        "10 February 2023",
        "Standards for domestic abuse perpetrator interventions",
    ):
        assert fact in readme, fact
    not_shipped = readme.split("## Not shipped", 1)[1]
    for name in corpus["documents"]["file"]:
        if name != REPORT:
            assert f"| `{name}` |" in not_shipped, name


def test_the_unshipped_documents_state_no_licence():
    """The reason they are not shipped, checked against their text."""
    statement = re.compile(
        r"licen[cs]e|copyright|©|all rights reserved|creative commons", re.IGNORECASE
    )
    for name in (
        "000_65e2ddfa96361f50.txt",
        "002_b01b13f96ff4a6bf.txt",
        "003_8b3ee041f33ccf88.txt",
        "004_00b5cdf5f0b7ab61.txt",
    ):
        text = (SOURCES / name).read_text(encoding="utf-8")
        found = [m.group(0) for m in statement.finditer(text)]
        # 004 speaks of "licensing" of premises (line 317), not of its own text.
        assert all(m.lower().startswith("licen") for m in found), (name, found)
        assert not re.search(r"licen[cs]ed? under|copyright|©", text, re.IGNORECASE), name


def test_a_missing_source_fails_the_test_that_needs_it(tmp_path):
    folders = SourceFolders(tmp_path / "a", tmp_path / "b")
    with pytest.raises(pytest.fail.Exception, match="is needed but is in none of"):
        folders / "999_missing.txt"
    assert SOURCES / REPORT == SHIPPED_SOURCES / REPORT


class _Lines(HTMLParser):
    """Collect the id and the text of every line element of a source page."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, str] = {}
        self._current: str | None = None
        self._text = False
        self.meta: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append(attrs)
        if tag == "div" and attrs.get("class") == "l":
            self._current = attrs["id"]
            self.lines[self._current] = ""
        if tag == "span" and attrs.get("class") == "t":
            self._text = True

    def handle_endtag(self, tag):
        if tag == "span":
            self._text = False

    def handle_data(self, data):
        if self._text and self._current:
            self.lines[self._current] += data


def test_a_page_has_every_line_escaped_under_its_anchor():
    text = (SOURCES / REPORT).read_text(encoding="utf-8")
    page = render_source_page(REPORT, text)
    parser = _Lines()
    parser.feed(page)
    lines = text.split("\n")  # 001 has no final line end
    assert (
        list(parser.lines)
        == [f"L{n}" for n in range(1, len(lines) + 1)]
        == [f"L{n}" for n in range(1, 1322)]
    )
    assert parser.lines["L193"] == lines[192]
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in parser.meta
    assert "http" not in CSP and "<script" not in page
    hostile = render_source_page(
        "x.txt", "a <script>alert(1)</script> & b\n", {"title": "<b>t</b>", "licence": OGL}
    )
    assert "<script>" not in hostile and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; b" in hostile
    assert "&lt;b&gt;t&lt;/b&gt;" in hostile
    assert (
        "Contains public sector information licensed under the "
        '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">'
        "Open Government Licence v3.0</a>"
    ) in hostile


def test_the_style_hash_in_the_policy_is_the_style_s():
    import base64

    page = render_source_page("x.txt", "a")
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CSP


def test_lines_are_counted_as_the_corpus_counts_them():
    assert split_lines("a\nb") == ["a", "b"] == split_lines("a\nb\n")
    assert split_lines("a\n\n\n") == ["a", "", ""]


def test_links_go_to_the_first_line_of_a_shipped_source_only():
    assert source_link(REPORT, "171-185; 1240") == "sources/001_5b70540cc7bcf418.html#L171"
    assert (
        source_link(REPORT, "171", shipped=[REPORT], prefix="../build/sources/")
        == "../build/sources/001_5b70540cc7bcf418.html#L171"
    )
    assert source_link("003_8b3ee041f33ccf88.txt", "12", shipped=[REPORT]) is None
    assert (
        location_link(f"{REPORT}, narrative:standard:3, line 193", shipped=[REPORT])
        == "sources/001_5b70540cc7bcf418.html#L193"
    )
    assert location_link("003_8b3ee041f33ccf88.txt, Box 1, lines 4-5", shipped=[REPORT]) is None
    shown = provenance("003_8b3ee041f33ccf88.txt", "4-5", shipped=[REPORT])
    assert shown._repr_html_() == "<span>003_8b3ee041f33ccf88.txt, lines 4-5</span>"
    assert str(provenance(REPORT, 7)) == "001_5b70540cc7bcf418.txt, line 7"


def test_the_gap_map_links_each_location_in_a_shipped_source(corpus):
    from workbench.gaps import analyse_gaps

    analysis = analyse_gaps(corpus)
    linked = map_payload(analysis, [REPORT])["whereLinks"]
    locations = set(analysis.evidence["location"])
    assert set(linked) == {loc for loc in locations if loc.startswith(REPORT + ",")}
    for location, href in linked.items():
        number = re.search(r"lines? (\d+)", location).group(1)
        assert href == f"sources/001_5b70540cc7bcf418.html#L{number}"
    assert map_payload(analysis, [])["whereLinks"] == {}


def test_notebook_links_leave_sources_that_are_not_shipped_as_escaped_text():
    from workbench.render.sources import line_links, link_mentions
    from workbench.render.tables import styled_table

    shipped = [REPORT]
    text = "“x” (001_5b70540cc7bcf418.txt line 745) and <b> (003_8b3ee041f33ccf88.txt lines 3-5)"
    shown = link_mentions(text, shipped=shipped)
    assert shown.count("<a ") == 1
    assert '<a href="../build/sources/001_5b70540cc7bcf418.html#L745">' in shown
    assert "&lt;b&gt; (003_8b3ee041f33ccf88.txt lines 3-5)" in shown
    links = line_links([REPORT, "003_8b3ee041f33ccf88.txt"], ["193-195", "12"], shipped=shipped)
    assert links == ["../build/sources/001_5b70540cc7bcf418.html#L193", None]
    import pandas as pd

    html = styled_table(
        pd.DataFrame({"lines": ["193-195", "<12>"]}), "c", "t", links={"lines": links}
    ).to_html()
    assert '<a href="../build/sources/001_5b70540cc7bcf418.html#L193">193-195</a>' in html
    assert "&lt;12&gt;" in html and "<12>" not in html
