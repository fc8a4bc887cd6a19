"""Markdown outputs show data as text: rendered by markdown-it-py (CommonMark, and with GFM
tables, strikethrough and linkify), no tag, link or image in them comes from the data.

``escape_markdown`` is checked against the renderer for any text (the rendered text is the
data, with nothing but text tokens), and every ``.md`` file of a build of a corpus whose text
fields carry markup is checked against the same files of the shipped corpus: the links,
images and HTML are the template's own, and each payload reads as text.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import copy_root, rebuild
from workbench.render.gap_map import markdown_text
from workbench.render.markdown import escape_markdown

LINKIFY = importlib.util.find_spec("linkify_it") is not None


def renderers() -> dict[str, MarkdownIt]:
    found = {
        "commonmark": MarkdownIt("commonmark"),
        "gfm-like": MarkdownIt("commonmark").enable(["table", "strikethrough"]),
    }
    if LINKIFY:
        found["linkify"] = MarkdownIt("commonmark", {"linkify": True}).enable(
            ["table", "strikethrough", "linkify"]
        )
    return found


RENDERERS = renderers()
#: Tokens that carry markup a reader did not write as text.
LIVE = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "code_inline",
    "em_open",
    "strong_open",
    "s_open",
    "fence",
    "code_block",
}


def inline_children(md: MarkdownIt, source: str) -> list:
    return [
        child
        for token in md.parse(source)
        if token.type == "inline"
        for child in token.children or []
    ]


# --------------------------------------------------------------------------------------
# The escaper, against the renderer
# --------------------------------------------------------------------------------------

PIECES = [
    "http://x.org/a.png",
    "https://",
    "www.",
    "mailto:",
    "//",
    "@",
    "a@b.co",
    ".uk",
    "javascript:alert(1)",
    "<http://x>",
    "![t](",
    "[x](",
    "](",
    "<iframe srcdoc=",
    "&amp;",
    "&#60;",
    "---",
    "===",
    "# ",
    "1. ",
    "2) ",
    "+ ",
    "- ",
    "> ",
    "    ",
    "```",
    "~~",
    "**",
    "__",
    "\\",
    "|",
    "\n",
    "\r\n",
    "\t",
    " ",
    "e.g.",
    "3.3",
    "nice.org.uk",
    "<b>",
    "</p>",
    "<!--",
    "{",
    "}",
]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=4),
    ),
    max_size=12,
).map("".join)
#: How the writers place a data string in a line.
CONTEXTS = [
    "{}",
    "### 3. {} (thin)",
    "| a | b |\n|---|---|\n| {} | x |",
    "- {}",
    "> {}",
    "*Note:* {}",
    "Existing evidence: {}",
]


def expected_text(text: str) -> str:
    return " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


@pytest.mark.parametrize("name", list(RENDERERS))
@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_escaped_text_renders_as_itself_and_nothing_else(name, text):
    md = RENDERERS[name]
    for context in CONTEXTS:
        children = inline_children(md, context.format(escape_markdown(text)))
        template = [c.type for c in inline_children(md, context.format("x")) if c.type in LIVE]
        assert [c.type for c in children if c.type in LIVE] == template, (context, text)
        shown = "".join(c.content for c in children if c.type == "text")
        want = expected_text(text).replace("\x00", "\ufffd")
        if want:
            assert want in " ".join(shown.split()) or want in shown, (context, text, shown)


def test_the_gap_map_keeps_its_name_for_the_escaper():
    assert markdown_text is escape_markdown


# --------------------------------------------------------------------------------------
# Every .md output of a build, with markup in the data
# --------------------------------------------------------------------------------------

PAYLOADS = {
    "searches": {"database": '<iframe srcdoc="<script>alert(1)</script>"></iframe>'},
    "guidelines": {
        "text": " ![t](http://x/y.png) [x](javascript:alert(1)) <http://x> "
        "see http://evil.example/z or www.evil.example"
    },
    "codebook": {"label": " [x](javascript:alert(1))"},
    "roundtables": {"topic": " <img src=x onerror=alert(1)> ![r](http://x/r.png)"},
}
#: What must never be live (a link target, an image source or inside HTML) in any output.
DANGEROUS = ["javascript:", "http://x", "evil.example", "<iframe", "<img", "<script", "onerror"]


def poison(root: Path) -> None:
    """Append (or, for the database, write) each payload into its column of every row."""
    for table, columns in PAYLOADS.items():
        path = root / "corpus" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            for column, payload in columns.items():
                row[column] = payload if table == "searches" else row[column] + payload
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(text.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def poisoned_build(tmp_path_factory: pytest.TempPathFactory, shipped_build: Path) -> Path:
    """A full build of a poisoned copy of the root (the nodes that read no poisoned table are
    reused from the shipped build's cache)."""
    base = tmp_path_factory.mktemp("markdown")
    root = copy_root(base / "root")
    poison(root)
    return rebuild(shipped_build, root, base / "out")


def live_tokens(md: MarkdownIt, source: str) -> list[tuple[str, str]]:
    """Every link, image and HTML token of ``source``, as (type, target or content)."""
    found = []
    for token in md.parse(source):
        for t in [token, *(token.children or [])]:
            if t.type in ("link_open", "image"):
                found.append((t.type, str(t.attrGet("href") or t.attrGet("src"))))
            elif t.type in ("html_inline", "html_block"):
                found.append((t.type, t.content))
    return found


def rendered_text(md: MarkdownIt, source: str) -> str:
    return " ".join(
        " ".join(c.content for c in inline_children(md, source) if c.type == "text").split()
    )


@pytest.mark.parametrize("name", list(RENDERERS))
def test_no_markup_from_data_is_live_in_any_markdown_output(name, poisoned_build, shipped_build):
    md = RENDERERS[name]
    outputs = sorted(p.name for p in poisoned_build.glob("*.md"))
    assert {"gaps.md", "search_report.md"} <= set(outputs)
    for output in outputs:
        source = (poisoned_build / output).read_text(encoding="utf-8")
        clean = (shipped_build / output).read_text(encoding="utf-8")
        template = set(live_tokens(md, clean))
        tokens = live_tokens(md, source)
        assert set(tokens) <= template, (output, set(tokens) - template)
        for _, value in tokens:
            assert not any(d in value for d in DANGEROUS), (output, value)


def test_each_payload_reads_as_text(poisoned_build):
    md = RENDERERS["commonmark"]
    report = rendered_text(md, (poisoned_build / "search_report.md").read_text("utf-8"))
    assert PAYLOADS["searches"]["database"] in report
    gaps = rendered_text(md, (poisoned_build / "gaps.md").read_text("utf-8"))
    for payload in (
        PAYLOADS["guidelines"]["text"],
        PAYLOADS["codebook"]["label"],
        PAYLOADS["roundtables"]["topic"],
    ):
        assert " ".join(payload.split()) in gaps, payload
