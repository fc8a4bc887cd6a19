"""The front page and the report pages in Chromium: accessible (axe-core), readable at 390 px
and on paper, and their links lead to pages that open.

One full build of the shipped corpus (``shipped_build``) is read; screenshots and PDFs go to
pytest's ``tmp_path`` only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGES = ("index.html", "gaps.html", "search_report.html")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def open_page(browser, path: Path, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    return context, page


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_axe_core_finds_no_serious_or_critical_violation(browser, shipped_build, name, viewport):
    from axe_playwright_python.sync_playwright import Axe

    context, page = open_page(browser, shipped_build / name, viewport)
    try:
        assert page.errors == []  # (axe's own inline styles are refused by the policy)
        results = Axe().run(page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], serious
        assert results.response["testEngine"]["name"] == "axe-core"
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_overflow_at_390_px(browser, shipped_build, name):
    context, page = open_page(browser, shipped_build / name, PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # No element but a table's own scrolling box reaches past the viewport.
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('.table-scroll'))
            .filter(e => e.getBoundingClientRect().right > 390.5)
            .map(e => e.tagName + '.' + e.className)""")
        assert wide == []
    finally:
        context.close()


def test_wide_tables_scroll_in_a_box_the_keyboard_reaches(browser, shipped_build):
    context, page = open_page(browser, shipped_build / "gaps.html", PHONE)
    try:
        boxes = page.locator(".table-scroll")
        assert boxes.count() >= 5  # the status table, agreement tables, design, coder, subgroups
        overflowing = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
            .filter(b => b.scrollWidth > b.clientWidth).length""")
        assert overflowing > 0, "the agreement table is wider than a phone"
        for i in range(boxes.count()):
            box = boxes.nth(i)
            assert box.get_attribute("tabindex") == "0"
            assert box.get_attribute("aria-label")
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_print_within_the_page(browser, shipped_build, name, tmp_path):
    # A4 at 96 dpi is 794 px wide; in print the table boxes do not scroll, so no table may
    # be cut at the paper's edge.
    context, page = open_page(browser, shipped_build / name, {"width": 794, "height": 1123})
    try:
        page.emulate_media(media="print")
        assert page.evaluate("document.documentElement.scrollWidth") <= 794
        assert page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
            .every(b => getComputedStyle(b).overflowX === 'visible'
                        && b.scrollWidth <= b.clientWidth + 1)""")
        assert page.locator("nav.back").count() == 0 or not page.locator("nav.back").is_visible()
        pdf = tmp_path / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4")
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
    finally:
        context.close()


def test_from_the_front_page_to_the_map_a_report_and_a_source(browser, shipped_build, tmp_path):
    context, page = open_page(browser, shipped_build / "index.html", PHONE)
    try:
        page.screenshot(path=str(tmp_path / "index-390.png"))
        page.get_by_role("link", name="Evidence and gap map", exact=True).click()
        page.wait_for_url(re.compile(r"/gap_map\.html(#.*)?$"))
        page.wait_for_selector("#grid td[role=gridcell]")
        assert page.locator("#grid td[role=gridcell]").count() > 0
        page.go_back()
        page.get_by_role("link", name="Gap register", exact=True).click()
        page.wait_for_url(re.compile(r"/gaps\.html$"))
        assert page.locator("h1").text_content() == "Gap register"
        page.get_by_role("link", name="← The build's front page").click()
        page.wait_for_url(re.compile(r"/index\.html$"))
        page.get_by_role("link", name=re.compile(r"^Source document: ")).first.click()
        page.wait_for_url(re.compile(r"/sources/001_5b70540cc7bcf418\.html$"))
        assert page.locator("#L1").count() == 1
        page.go_back()
        # A finding's link opens the report at its section.
        page.get_by_role("link", name="the agreement report").click()
        page.wait_for_url(re.compile(r"/gaps\.html#the-map-against-the-reports-own-statements$"))
        assert page.evaluate("document.querySelector(':target').tagName") == "H2"
        assert page.errors == []
    finally:
        context.close()


def test_a_finding_opens_its_cell_on_the_gap_map(browser, shipped_build):
    context, page = open_page(browser, shipped_build / "index.html", DESKTOP)
    try:
        link = page.locator("#findings ~ ul a[href*='cell=guideline:']").first
        label = link.text_content()
        link.click()
        page.wait_for_selector("#evidence-title")
        row, topic = label.split(" × ")
        assert page.locator("#evidence-title").text_content().startswith(f"{row} × {topic}")
    finally:
        context.close()


def test_screenshots_for_review(browser, shipped_build, tmp_path):
    for name in PAGES:
        for viewport in (DESKTOP, PHONE):
            context, page = open_page(browser, shipped_build / name, viewport)
            shot = tmp_path / f"{name}-{viewport['width']}.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            context.close()
