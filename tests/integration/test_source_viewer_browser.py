"""From a count in the gap map to the exact line of the report, in two clicks, in Chromium.

The map and the source pages come from one full build of the shipped corpus (its root ships
``sources/001_5b70540cc7bcf418.txt``); the page that must not link is built from a copy of
the corpus without ``sources/``.
"""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import SOURCES
from workbench.build import write_artefacts
from workbench.gaps import analyse_gaps
from workbench.validation import load_corpus

REPORT = "001_5b70540cc7bcf418.txt"
ONE_LINE = re.compile(rf"^{re.escape(REPORT)}, narrative:[^,]+, line (\d+)$")


def _fold(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


@pytest.fixture(scope="module")
def target(repo_root):
    """A standard's cell, one of its evidence rows that stands on one line of the report, and
    that line's text as the shipped file has it."""
    analysis = analyse_gaps(load_corpus(repo_root))
    e = analysis.evidence
    e = e[e["row_id"].str.startswith("standard:") & (e["sentence"] != "")]
    lines = (SOURCES / REPORT).read_text(encoding="utf-8").split("\n")
    for row in e.itertuples(index=False):
        match = ONE_LINE.match(row.location)
        if match and _fold(row.sentence) in _fold(lines[int(match.group(1)) - 1]):
            return row, int(match.group(1)), lines[int(match.group(1)) - 1]
    pytest.fail("no evidence row of a standard stands on one line of the report")


def test_two_clicks_from_a_cell_to_the_highlighted_line(page, shipped_build, target, tmp_path):
    row, number, line = target
    page.goto((shipped_build / "gap_map.html").as_uri())
    cell = page.locator(f'#grid td[data-row="{row.row_id}"][data-topic="{row.topic_id}"]')
    assert int(cell.locator(".count").text_content()) > 0
    cell.click()  # click 1: the count opens its evidence
    evidence = page.locator(f'#evidence-table tbody tr[data-evidence="{row.evidence_id}"]')
    evidence = evidence.filter(has=page.locator("td.sentence", has_text=row.sentence[:60]))
    link = evidence.first.locator("td.location a")
    assert link.text_content() == row.location
    shown_sentence = evidence.first.locator("td.sentence").text_content()
    link.click()  # click 2: the "Where" opens the source at the line
    page.wait_for_url(re.compile(rf"/sources/001_5b70540cc7bcf418\.html#L{number}$"))
    assert page.evaluate("document.querySelector(':target').id") == f"L{number}"
    target_line = page.locator(f"#L{number}")
    assert target_line.locator(".t").text_content() == line
    assert _fold(shown_sentence) in _fold(target_line.locator(".t").text_content())
    highlight = target_line.evaluate("e => getComputedStyle(e).backgroundColor")
    other = page.locator(f"#L{number + 1}").evaluate("e => getComputedStyle(e).backgroundColor")
    assert highlight != other and highlight not in ("rgba(0, 0, 0, 0)", "transparent")
    assert target_line.is_visible()
    page.screenshot(path=str(tmp_path / "target.png"))
    assert all(u.startswith("file://") for u in page.requests), page.requests


def test_the_source_page_reads_at_390_px_and_in_print(browser, shipped_build, target):
    _, number, _ = target
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto((shipped_build / "sources" / "001_5b70540cc7bcf418.html").as_uri() + f"#L{number}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(f"#L{number} .n").text_content() == str(number)
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_source_that_is_not_shipped_gets_no_link(page, tmp_root, target):
    row, _, _ = target
    shutil.rmtree(tmp_root / "sources", ignore_errors=True)  # a copied root carries them
    out = tmp_root.parent / "out"
    out.mkdir()
    write_artefacts(load_corpus(tmp_root), out, ["gap_map_files"])  # a root without sources/
    page.goto((out / "gap_map.html").as_uri())
    page.locator(f'#grid td[data-row="{row.row_id}"][data-topic="{row.topic_id}"]').click()
    where = page.locator("#evidence-table tbody td.location")
    assert where.count() > 0
    assert page.locator("#evidence-table a").count() == 0
    assert row.location in where.all_text_contents()
