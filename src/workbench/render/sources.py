"""The source viewer: each shipped source document as a page with a link to every line.

A corpus root may ship the source documents whose licence allows it in ``sources/`` (see
``sources/README.md``). The build writes each of them as ``sources/<file stem>.html``: one
element per line with the id ``L<n>`` (1-based, as the corpus's ``lines`` count them), a link
on its number, and the line that the address names (``…/001_….html#L193``) highlighted by
CSS alone (``:target``), so the page needs no script. Every provenance mention of the build
(the gap map's "Where", the front page) links to its line through :func:`source_link`;
a document that is not shipped gets no link, never a broken one.

Notebooks use :func:`provenance` for the same link, displayed as HTML, :func:`line_links` for
a table's column of lines (shown by ``workbench.render.tables.styled_table(..., links=...)``)
and :func:`link_mentions` for a text that names its sources; their addresses start with
:data:`NOTEBOOK_PREFIX`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from workbench.corpus import SOURCES_DIR
from workbench.corpus import shipped_sources as shipped_sources  # for the notebooks

#: The licence whose attribution a source page carries, and its address.
OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

#: The address of the built viewer's pages from a notebook in ``notebooks/``, after
#: ``make run`` built into ``build/``.
NOTEBOOK_PREFIX = f"../build/{SOURCES_DIR}/"

_LINES = re.compile(r"^\s*(\d+)")
#: A provenance mention inside running text: ``001_….txt line 745``, ``…txt, lines 3-5``.
_MENTION = re.compile(r"(?P<source>[\w.-]+\.txt),? (?P<word>lines?) (?P<lines>\d+(?:-\d+)?)")
_LOCATION = re.compile(r"^(?P<source>[^,\s]+\.txt)\b.*?\blines? (?P<lines>\d+)")


def page_name(source: str) -> str:
    """Return the file name of a source's page.

    Examples:
        >>> page_name("001_5b70540cc7bcf418.txt")
        '001_5b70540cc7bcf418.html'
    """
    return f"{Path(source).stem}.html"


def first_line(lines: str | int) -> int | None:
    """Return the first line number of a ``lines`` value (``'171-185; 1240'`` → 171).

    Examples:
        >>> first_line("171-185; 1240"), first_line(193), first_line("")
        (171, 193, None)
    """
    match = _LINES.match(str(lines))
    return int(match.group(1)) if match else None


def source_link(
    source: str,
    lines: str | int,
    *,
    shipped: Collection[str] | None = None,
    prefix: str = f"{SOURCES_DIR}/",
) -> str | None:
    """Return the relative address of a source line's page anchor, or ``None``.

    Args:
        source: the file name (``documents.file``), e.g. ``001_5b70540cc7bcf418.txt``.
        lines: a ``lines`` value; the link goes to its first line.
        shipped: the shipped sources (:func:`shipped_sources`); a source not among them
            gets ``None`` (no link), so no page links to a page the build did not write.
            ``None`` links every source.
        prefix: the address of the pages' folder from the linking page (``sources/`` from
            a page in the build's top folder, ``../build/sources/`` from a notebook).

    Examples:
        >>> source_link("001_5b70540cc7bcf418.txt", "193-195")
        'sources/001_5b70540cc7bcf418.html#L193'
        >>> source_link("003_8b3ee041f33ccf88.txt", "12", shipped=["001_5b70540cc7bcf418.txt"])
    """
    if shipped is not None and source not in shipped:
        return None
    line = first_line(lines)
    anchor = f"#L{line}" if line else ""
    return f"{prefix}{page_name(source)}{anchor}"


def location_link(
    location: str, *, shipped: Collection[str] | None = None, prefix: str = f"{SOURCES_DIR}/"
) -> str | None:
    """Return the link of a provenance text (``'001_….txt, narrative:standard:3, line 193'``).

    The text must start with the source file and name a ``line`` or ``lines``; otherwise, or
    for a source not shipped, the result is ``None``.

    Examples:
        >>> location_link("001_5b70540cc7bcf418.txt, Box 2, lines 560-562")
        'sources/001_5b70540cc7bcf418.html#L560'
        >>> location_link("guideline:3.3") is None
        True
    """
    match = _LOCATION.match(location)
    if not match:
        return None
    return source_link(match.group("source"), match.group("lines"), shipped=shipped, prefix=prefix)


@dataclass(frozen=True)
class Provenance:
    """A source and line range shown as a link to its line where the source is shipped.

    Jupyter displays it as HTML (``_repr_html_``); ``str()`` gives the plain text.
    """

    source: str
    lines: str
    href: str | None

    def __str__(self) -> str:
        return f"{self.source}, {_lines_text(self.lines)}"

    def _repr_html_(self) -> str:
        text = escape(str(self))
        if self.href is None:
            return f"<span>{text}</span>"
        return f'<a href="{escape(self.href, quote=True)}">{text}</a>'


def provenance(
    source: str,
    lines: str | int,
    *,
    shipped: Collection[str] | None = None,
    prefix: str = NOTEBOOK_PREFIX,
) -> Provenance:
    """Return a displayable provenance for a notebook: a link to the line in the built viewer.

    ``prefix`` defaults to the viewer of ``make run``'s output as seen from ``notebooks/``;
    pass ``shipped=shipped_sources(corpus)`` so that a source that is not shipped is shown as
    plain text.

    Examples:
        >>> shown = provenance("001_5b70540cc7bcf418.txt", "193")
        >>> shown.href, str(shown)
        ('../build/sources/001_5b70540cc7bcf418.html#L193', '001_5b70540cc7bcf418.txt, line 193')
    """
    return Provenance(
        source, str(lines), source_link(source, lines, shipped=shipped, prefix=prefix)
    )


def line_links(
    sources: Iterable[object],
    lines: Iterable[object],
    *,
    shipped: Collection[str] | None = None,
    prefix: str = NOTEBOOK_PREFIX,
) -> list[str | None]:
    """Return the address of each (source, lines) pair of a table, ``None`` where no link.

    It exists so that a notebook's table shows its ``lines`` column as links to the viewer
    (``styled_table(frame, ..., links={"lines": line_links(frame["source"],
    frame["lines"], shipped=shipped)})``). A row with no source file, no line, or a source
    not shipped gets ``None``.

    Examples:
        >>> line_links(["001_5b70540cc7bcf418.txt", "003_8b3ee041f33ccf88.txt", ""],
        ...            [193, "12", "4"], shipped=["001_5b70540cc7bcf418.txt"])
        ['../build/sources/001_5b70540cc7bcf418.html#L193', None, None]
    """
    result: list[str | None] = []
    for source, line in zip(sources, lines, strict=True):
        if not isinstance(source, str) or not source or first_line(str(line)) is None:
            result.append(None)
        else:
            result.append(source_link(source, str(line), shipped=shipped, prefix=prefix))
    return result


def location_links(
    locations: Iterable[object],
    *,
    shipped: Collection[str] | None = None,
    prefix: str = NOTEBOOK_PREFIX,
) -> list[str | None]:
    """Return the address of each provenance text of a table (:func:`location_link`).

    Examples:
        >>> location_links(["001_5b70540cc7bcf418.txt lines 307", "guideline:3.3", None])
        ['../build/sources/001_5b70540cc7bcf418.html#L307', None, None]
    """
    return [
        location_link(text, shipped=shipped, prefix=prefix) if isinstance(text, str) else None
        for text in locations
    ]


def link_mentions(
    text: str, *, shipped: Collection[str] | None = None, prefix: str = NOTEBOOK_PREFIX
) -> str:
    """Return ``text`` as escaped HTML with each mention of a source line linked to it.

    A mention is a source file followed by ``line N`` or ``lines N-M``; one of a source not
    shipped stays plain text.

    Examples:
        >>> print(link_mentions("“a < b” (001_5b70540cc7bcf418.txt line 745)", prefix=""))
        “a &lt; b” (<a href="001_5b70540cc7bcf418.html#L745">001_5b70540cc7bcf418.txt line 745</a>)
    """
    parts, position = [], 0
    for match in _MENTION.finditer(text):
        href = source_link(
            match.group("source"), match.group("lines"), shipped=shipped, prefix=prefix
        )
        parts.append(escape(text[position : match.start()]))
        shown = escape(match.group(0))
        parts.append(f'<a href="{escape(href, quote=True)}">{shown}</a>' if href else shown)
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def _lines_text(lines: str) -> str:
    return f"line {lines}" if lines.isdigit() else f"lines {lines}"


def split_lines(text: str) -> list[str]:
    """Return the lines of a source as the corpus numbers them (``\\n`` ends a line; a final
    line end does not open another line).

    Examples:
        >>> split_lines("a\\nb\\n"), split_lines("a\\n\\nb")
        (['a', 'b'], ['a', '', 'b'])
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;margin:0 auto;
max-width:60rem;padding:0 .75rem 2rem;line-height:1.45}
h1{font-size:1.3rem;margin:1rem 0 .3rem}.meta{font-size:.9rem;color:#444}
.src{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85rem;margin-top:1rem}
.l{display:grid;grid-template-columns:3.2rem minmax(0,1fr);gap:.5rem;padding:.05rem 0;
scroll-margin-top:40vh}
.n{color:#555;text-align:right;text-decoration:none;user-select:none}
.n:hover,.n:focus-visible{text-decoration:underline;color:#000}
.t{white-space:pre-wrap;overflow-wrap:anywhere}
.l:target{background:#fff3a8;outline:2px solid #8a6d00}
.l:target .n{color:#000;font-weight:700}
:focus-visible{outline:3px solid #000;outline-offset:2px}
@media (max-width:30rem){.l{grid-template-columns:2.6rem minmax(0,1fr);gap:.35rem}
.src{font-size:.8rem}}
@media print{body{max-width:none;padding:0}.n{color:#000}
.l{break-inside:avoid}.l:target{background:none;outline:1px solid #000}}
""".strip()
#: The page's Content-Security-Policy: nothing but its own inline style, pinned by hash.
STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; form-action 'none'"


def render_source_page(source: str, text: str, document: dict[str, object] | None = None) -> str:
    """Return the HTML page of one source: every line numbered, linkable and escaped.

    Args:
        source: the file name, shown as the page's heading.
        text: the file's text.
        document: its row of ``documents.csv`` (title, author, date, licence), if any; a
            document under the Open Government Licence carries the licence's attribution.
    """
    document = document or {}

    def field(name: str) -> str:
        value = document.get(name)
        return "" if value is None or value != value else str(value)

    title = field("title") or source
    meta = [f"<strong>{escape(title)}</strong>"]
    meta += [escape(field(name)) for name in ("author", "date") if field(name)]
    licence = field("licence")
    notice = ""
    if licence:
        meta.append(f"Licence: {escape(licence)}")
    if OGL_NAME in licence:
        notice = (
            '<p class="meta">Contains public sector information licensed under the '
            f'<a href="{OGL_URL}">{OGL_NAME}</a>.</p>'
        )
    rows = [
        f'<div class="l" id="L{n}"><a class="n" href="#L{n}">{n}</a>'
        f'<span class="t">{escape(line)}</span></div>'
        for n, line in enumerate(split_lines(text), start=1)
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{escape(source)}: {escape(title)}</title><style>{_STYLE}</style></head>
<body><header><h1>{escape(source)}</h1>
<p class="meta">{" · ".join(meta)}</p>{notice}
<p class="meta">Every line has an address: add <code>#L</code> and its number to this page's
address to link to it (the corpus's <code>lines</code> count the same way).</p></header>
<main class="src" aria-label="Text of {escape(source, quote=True)}, line by line">
{chr(10).join(rows)}
</main></body></html>
"""
