"""The build's front page: ``index.html``, what was built, from which corpus, with links."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path

from workbench.corpus import Corpus
from workbench.render.csp import csp_source
from workbench.render.sources import SOURCES_DIR, page_name


def describe(path: Path, descriptions: Mapping[str, str]) -> str:
    """Return the sentence describing an artefact, or an empty string for an unknown one.

    The descriptions are the artefacts' own (``workbench.dataflow.records.Artefact``), by
    path relative to the output folder.

    Examples:
        >>> describe(Path("gap_map.csv"), {"gap_map.csv": "The map as a tidy table."})
        'The map as a tidy table.'
    """
    return descriptions.get(path.as_posix(), "")


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f3f3f3}code{font-size:.9em}.muted{color:#555}
"""


def render_index(corpus: Corpus, written: list[Path], fingerprint: str,
                 descriptions: Mapping[str, str] | None = None) -> str:
    """Return the HTML of the front page listing ``written`` (paths relative to the output),
    each with its description from ``descriptions`` (by path).

    Its Content-Security-Policy allows nothing but its own style sheet (by hash): no script,
    no request; the links to the artefacts are plain navigation."""
    rows = []
    for path in sorted(written, key=lambda p: p.as_posix()):
        name = path.as_posix()
        description = describe(path, descriptions or {})
        rows.append(f'<tr><td><a href="{escape(name, quote=True)}">{escape(name)}</a></td>'
                    f"<td>{escape(description)}</td></tr>")
    counts = []
    for resource in corpus.descriptor["resources"]:
        counts.append(f"<tr><td>{escape(resource['name'])}</td>"
                      f"<td>{len(corpus.tables[resource['name']])}</td></tr>")
    counts.append(f"<tr><td>references.bib</td><td>{len(corpus.references)}</td></tr>")
    sources = _source_rows(corpus, written)
    title = escape(corpus.descriptor.get("title", "Corpus"))
    policy = (f"default-src 'none'; style-src {csp_source(_STYLE)}; img-src 'self'; "
              "base-uri 'none'; form-action 'none'")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Workbench build: {title}</title><style>{_STYLE}</style></head>
<body><main>
<h1>Workbench build</h1>
<p>Built from the corpus <strong>{title}</strong>.<br>
<span class="muted">Corpus fingerprint (SHA-256 of <code>corpus/</code> and
<code>references.bib</code>): <code>{escape(fingerprint)}</code></span></p>
<h2>Artefacts</h2>
<table><thead><tr><th scope="col">File</th><th scope="col">What it is</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Sources</h2>
<p>Every row of the corpus cites its source by file and line range. The sources whose licence
allows it are shipped and open at the cited line; the others are listed with their licence
(see <code>sources/README.md</code> for where to get them).</p>
<table><thead><tr><th scope="col">File</th><th scope="col">Document</th>
<th scope="col">Licence</th></tr></thead>
<tbody>
{chr(10).join(sources)}
</tbody></table>
<h2>Corpus tables</h2>
<table><thead><tr><th scope="col">Table</th><th scope="col">Rows</th></tr></thead>
<tbody>
{chr(10).join(counts)}
</tbody></table>
</main></body></html>
"""


def _source_rows(corpus: Corpus, written: list[Path]) -> list[str]:
    """One table row per source document, its file linked to its page where one was built."""
    pages = {p.as_posix() for p in written}
    documents = corpus.tables.get("documents")
    rows = []
    for doc in [] if documents is None else documents.to_dict("records"):
        page = f"{SOURCES_DIR}/{page_name(doc['file'])}"
        name = escape(doc["file"])
        cell = f'<a href="{escape(page, quote=True)}">{name}</a>' if page in pages else name
        licence = doc.get("licence")
        licence = "" if licence is None or licence != licence else str(licence)
        rows.append(f"<tr><td>{cell}</td><td>{escape(str(doc['title']))}</td>"
                    f"<td>{escape(licence)}</td></tr>")
    return rows


def write_index(corpus: Corpus, out: Path, written: list[Path], fingerprint: str,
                descriptions: Mapping[str, str] | None = None) -> Path:
    """Write ``out/index.html`` and return its path."""
    path = Path(out) / "index.html"
    path.write_text(render_index(corpus, written, fingerprint, descriptions),
                    encoding="utf-8")
    return path
