"""The front page of a build (``index.html``) and the report pages, read as HTML.

The expected numbers are worked out here from the build's own CSVs (and the ranked register
from ``gaps.md``), independently of the page's code; the page is parsed with the standard
library's HTML parser.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from workbench.render.index import build_date
from workbench.render.reports import render_report_page


class Links(HTMLParser):
    """Every ``<a href>`` with its text, the section (h2 id) it stands in, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (section, href, text)
        self.ids: set[str] = set()
        self.section = ""
        self._href: str | None = None
        self._text: list[str] = []
        self._in_findings_li = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
            if tag == "h2":
                self.section = attrs["id"]
        if tag == "a" and "href" in attrs:
            self._href, self._text = attrs["href"], []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self.section, self._href, "".join(self._text).strip()))
            self._href = None


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def text_of(path: Path) -> str:
    """The page's visible text, one space between words."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def front(shipped_build):
    return shipped_build, parse(shipped_build / "index.html"), text_of(shipped_build / "index.html")


def written_files(out: Path) -> list[str]:
    """Every file the build wrote for its reader, relative to ``out`` (the page itself aside,
    and the build's own hidden files: its cache and its marker)."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(out).parts)
        and p.name != "index.html"
    )


def test_every_file_the_build_wrote_is_listed_once_under_an_audience(front):
    out, links, _ = front
    audiences = ("reviewers", "researchers", "students")
    listed = Counter(
        href for section, href, _ in links.links if section in audiences and "#" not in href
    )
    files = written_files(out)
    assert len(files) > 40
    assert sorted(listed) == files, set(listed) ^ set(files)
    assert all(n == 1 for n in listed.values()), [h for h, n in listed.items() if n > 1]
    assert "other" not in links.ids, "every file the build writes has an entry in the guide"
    # The audiences the task names hold the files it names.
    where = {href: section for section, href, _ in links.links if section in audiences}
    for name in ("gap_map.html", "gaps.html", "crosswalk.csv"):
        assert where[name] == "reviewers", name
    for name in (
        "graph.graphml",
        "references.ris",
        "references.json",
        "workbench.xlsx",
        "crosswalk.sssom.tsv",
    ):
        assert where[name] == "researchers", name
    for name in ("search_analysis.csv", "search_report.html"):
        assert where[name] == "students", name


def test_no_link_text_is_a_raw_id_or_a_file_name(front):
    out, links, _ = front
    for _, href, text in links.links:
        assert text, href
        assert text != href and text != Path(href.split("#")[0]).name, (href, text)
        assert not re.fullmatch(r"[\w.-]*_[\w.-]*", text), (href, text)  # snake_case ids
        assert not re.search(r"\b(?:standard|guideline|topic|framework|ref):\S", text), text
    heatmaps = {
        href: text for _, href, text in links.links if href.startswith("crosswalk_heatmap_")
    }
    assert heatmaps["crosswalk_heatmap_respect_3ed_to_4ed.png"] == (
        "Crosswalk heat-map: Respect Principles and Standards (3rd edition) against the 4th edition"
    )  # both editions named by the frameworks table's name and edition
    assert heatmaps["crosswalk_heatmap_csaap.png"].endswith(
        "CSAAP (Correctional services Advice and Accreditation Panel)"
    )


def test_every_link_resolves_to_a_file_and_every_fragment_to_an_id(front):
    out, links, _ = front
    checked = 0
    for _, href, _ in links.links:
        target, _, fragment = href.partition("#")
        if not target:
            assert fragment in links.ids, href
            continue
        assert (out / target).is_file(), href
        if fragment and target.endswith(".html") and target != "gap_map.html":
            assert fragment in parse(out / target).ids, href
            checked += 1
    assert checked >= 3  # the summary, the agreement report and the ranked register


def test_the_headline_numbers_are_those_of_the_build_tables(front, corpus):
    out, links, text = front
    cells = pd.read_csv(out / "gap_map.csv")
    standard = cells[cells["row_id"].str.startswith("standard:")]
    scope = standard[standard["dimension"].isin(["population", "form_of_abuse"])]
    per_topic = scope.groupby("topic_id")["works"].sum()
    labels = corpus.tables["codebook"].set_index("topic_id")["label"]
    empty = sorted(labels[t] for t in per_topic.index[per_topic == 0])
    n_rows = standard["row_id"].nunique()
    sentence = re.search(
        rf"Behind the {n_rows} standards, (\d+) of the (\d+) populations and "
        r"forms of abuse have no cited work coded with them: ([^.]+)\.",
        text,
    )
    assert sentence, text[:2000]
    assert (int(sentence[1]), int(sentence[2])) == (len(empty), len(per_topic))
    assert sorted(sentence[3].split(", ")) == empty
    counts = standard["status"].value_counts()
    assert (
        f"{counts['absolute_gap']} absolute gap; {counts['practice_only']} practice only; "
        f"{counts['thin']} thin; {counts['covered']} covered."
    ) in text

    # Demand without evidence: the count from the CSV, the cells in the register's order
    # as gaps.md ranks them.
    demand = cells[cells["demand_without_evidence"] & (cells["status"] == "absolute_gap")]
    assert f"In {len(demand)} places a guideline names a topic" in text
    ranked = re.findall(
        r"^### \d+\. (.+) \(absolute gap, demand without evidence\)",
        (out / "gaps.md").read_text(encoding="utf-8"),
        re.M,
    )
    named = [t for s, h, t in links.links if s == "findings" and "cell=guideline:" in h]
    assert named == [r.replace("\\", "") for r in ranked[:3]]
    register = len(re.findall(r"^### \d+\. ", (out / "gaps.md").read_text(encoding="utf-8"), re.M))
    assert ("findings", f"gaps.html#ranked-gaps-{register}", "every ranked gap") in links.links

    stated = pd.read_csv(out / "gap_agreement.csv")
    against = stated[stated["verdict"] == "contradicts"]
    assert (
        f"The sources state {stated['gap_id'].nunique()} gaps on a topic; set beside the "
        f"map ({len(stated)} comparisons) the map agrees "
        f"{(stated['verdict'] == 'agrees').sum()} times and contradicts {len(against)} "
        f"times, on {len(against.drop_duplicates(['row_id', 'topic_id']))} cells"
    ) in text

    audit = pd.read_csv(out / "citation_audit.csv")
    status = audit["status"].value_counts()
    assert f"{len(audit)} in-text citations checked against the reference list" in text
    assert f"{status['resolved']} resolved, {status['missing']} not in the reference list" in text
    orphans = pd.read_csv(out / "orphan_references.csv")
    assert f"{len(orphans)} references in the list are never cited" in text

    searches = pd.read_csv(out / "search_analysis.csv")
    assert (
        f"{len(searches)} searches with {searches['results'].sum():,} hits in all; "
        f"{(searches['results'] == 0).sum()} searches found nothing."
    ) in text
    # Appendix 2 of 001 lists 52 searches (the corpus README); 10 of them found nothing.
    assert len(searches) == 52


def test_the_page_says_what_the_build_is(front, repo_root):
    out, _, text = front
    from workbench import __version__
    from workbench.build import corpus_fingerprint

    assert "Standards for domestic abuse perpetrator interventions: source corpus" in text
    assert f"version {__version__}" in text
    assert corpus_fingerprint(repo_root) in text
    assert "Built not recorded" in text  # no SOURCE_DATE_EPOCH in the test run


def test_the_build_date_comes_from_source_date_epoch_only():
    # 1700000000 s after 1970-01-01T00:00Z is 2023-11-14 22:13:20 UTC.
    assert build_date({"SOURCE_DATE_EPOCH": "1700000000"}) == "2023-11-14 22:13 UTC"
    assert build_date({}) == ""
    assert "not a whole number" in build_date({"SOURCE_DATE_EPOCH": "yesterday"})


def test_the_markdown_reports_have_html_pages(shipped_build):
    for name in ("gaps", "search_report"):
        page = shipped_build / f"{name}.html"
        links = parse(page)
        assert ("", "index.html", "← The build's front page") in links.links
        assert ("", f"{name}.md", f"This report as Markdown ({name}.md)") in links.links
        html = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html and "unsafe-inline" not in html
        assert "<script" not in html
        # Every table and every heading of the Markdown, as markdown-it-py parses it.
        tokens = (
            MarkdownIt("commonmark")
            .enable("table")
            .parse((shipped_build / f"{name}.md").read_text(encoding="utf-8"))
        )
        assert html.count("<table>") == sum(t.type == "table_open" for t in tokens) > 0
        assert len(re.findall(r"<h[1-6] id=", html)) == sum(
            t.type == "heading_open" for t in tokens
        )


def test_a_report_page_shows_markup_in_the_markdown_as_text():
    page = render_report_page(
        "# R\n\n<script>alert(1)</script>\n\n| a |\n|---|\n| <b>x</b> |\n", "r.md"
    )
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_an_aligned_column_gets_a_class_not_a_style_the_policy_would_refuse():
    page = render_report_page("# R\n\n| n | m |\n|--:|:-:|\n| 1 | 2 |\n", "r.md")
    assert "style=" not in page.split("</style>", 1)[1]
    assert '<th class="align-right">n</th>' in page and '<td class="align-center">2</td>' in page


def test_a_heat_map_the_build_does_not_draw_is_named_on_the_page(
    shipped_build, corpus, monkeypatch
):
    """Past the heat-maps a build draws, a framework's heat-map is not silently left out: the
    front page names each one not drawn and why (here with room for 3 of the 7 the shipped
    crosswalk calls for: its reviewed frameworks, then the Respect edition mapping)."""
    from workbench.render import crosswalk_figures
    from workbench.render.index import render_index

    tables = dict(corpus.tables)
    drawn = sorted(p.name for p in shipped_build.glob("crosswalk_heatmap_*.png"))
    assert len(drawn) == 7 and crosswalk_figures.undrawn_heatmaps(tables) == []
    written = sorted(p.relative_to(shipped_build) for p in shipped_build.glob("*.*"))
    assert "does not draw" not in render_index(corpus, written, "f" * 64)

    monkeypatch.setattr(crosswalk_figures, "MAX_HEATMAPS", 3)
    kept = [name for name, _ in crosswalk_figures.heatmap_specs(tables)]
    undrawn = crosswalk_figures.undrawn_heatmaps(tables)
    assert len(kept) == 3 and len(undrawn) == 4
    assert sorted(kept + [name for name, _ in undrawn]) == drawn
    assert undrawn[-1] == (
        "crosswalk_heatmap_respect_3ed_to_4ed.png",
        "a build draws at most 3 heat-maps",
    )
    page = render_index(corpus, written, "f" * 64)
    listed = re.findall(r'<ul class="undrawn">(.*?)</ul>', page, re.S)
    assert len(listed) == 1
    assert re.findall(r"<code>(crosswalk_heatmap_[^<]+)</code>", listed[0]) == [
        name for name, _ in undrawn
    ]
