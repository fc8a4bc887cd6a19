"""The build's front page: ``index.html``, what was built, from which corpus, with links."""

from __future__ import annotations

from html import escape
from pathlib import Path

from workbench.corpus import Corpus
from workbench.render.csp import csp_source
from workbench.render.sources import SOURCES_DIR, page_name

#: A sentence for each artefact a person may look for; others are listed by name.
DESCRIPTIONS: dict[str, str] = {
    "corpus_summary.csv": "What the corpus holds: rows per table beside the counts the "
    "sources fix.",
    "standards_and_guidelines.csv": "The 7 standards and their 37 practice guidelines, verbatim.",
    "source_issues.csv": "Every inconsistency found in the source documents, with both versions.",
    "citation_audit.csv": "Every in-text citation with its resolution status against the "
    "reference list.",
    "orphan_references.csv": "Reference-list entries never cited in the narrative text.",
    "graph.graphml": "The evidence graph for Gephi or Cytoscape.",
    "graph.json": "The evidence graph as node-link JSON (networkx's default form, d3).",
    "edges.csv": "The evidence graph as an edge list.",
    "search_analysis.csv": "The 52 Google Scholar searches, parsed, with facets and flags.",
    "search_report.md": "The literature search reported item by item against PRISMA-S.",
    "search_report.json": "The PRISMA-S search report for machines.",
    "search_pairs.csv": "Searches that differ by one element, with the effect on hits and "
    "monotonicity flags.",
    "search_design_audit.csv": "Every family × noun × spelling × qualifier combination, run "
    "or not run.",
    "search_hits_by_facet.png": "Hits per search facet, on a log scale.",
    "search_design_audit.png": "The search design space: which combinations were run.",
    "crosswalk.csv": "The curated crosswalk from the new guidelines to existing frameworks.",
    "crosswalk_coverage.csv": "Coverage of each framework item and guideline by the crosswalk.",
    "crosswalk.sssom.tsv": "The crosswalk as an SSSOM mapping set, for other mapping tools.",
    "crosswalk_carry_over.csv": "Which Respect 4th-edition mappings carry over to the 3rd "
    "edition.",
    "crosswalk_collated.csv": "The 24 collated standards: represented by items or by title only.",
    "crosswalk_suggestions.csv": "Candidate crosswalk rows by TF-IDF similarity (not curated).",
    "crosswalk_suggester_metrics.csv": "Precision and recall at k of the suggester against the "
    "curated rows.",
    "gap_map.html": "The interactive evidence and gap map (works offline).",
    "gap_map.png": "The evidence and gap map as a static figure.",
    "gap_map.csv": "The evidence and gap map as a tidy table.",
    "gaps.md": "The ranked gap register.",
    "gap_evidence.csv": "The evidence behind every cell of the gap map: one row per item, "
    "linking sentence and code, with where the sentence stands.",
    "references.ris": "The reference list as RIS for EPPI-Reviewer, Zotero or EndNote, each "
    "entry with the citation audit's finding in a note.",
    "workbench.xlsx": "The gap map, gap register, citation audit, crosswalk with its coverage "
    "and search analysis as one Excel workbook (every text cell stored as text).",
    "references.json": "The reference list as CSL-JSON for Zotero and pandoc, each entry with "
    "the citation audit's finding in a note.",
    "citation_support.csv": "Every citation occurrence with its clause, the rule coder's topics "
    "and the curated topics of the work it cites.",
    "coding_agreement.csv": "Precision and recall of the rule coder against the curated evidence "
    "codes, per topic.",
    "gap_agreement.csv": "Every cell on which the sources state a gap, the statement and the map "
    "side by side.",
}

#: Descriptions of artefact families whose names carry a framework or other slug.
PREFIX_DESCRIPTIONS: tuple[tuple[str, str], ...] = (
    ("crosswalk_heatmap_", "Crosswalk heat-map (guidelines × framework items, by relation): "),
    ("crosswalk_suggester_metrics.png", "How well the crosswalk suggester finds the curated "
     "rows (precision and recall at k)."),
)


def describe(path: Path) -> str:
    """Return the sentence describing an artefact, or an empty string for an unknown one.

    Examples:
        >>> describe(Path("gaps.md"))
        'The ranked gap register.'
        >>> describe(Path("crosswalk_heatmap_csaap.png"))
        'Crosswalk heat-map (guidelines × framework items, by relation): csaap.'
    """
    if path.name in DESCRIPTIONS:
        return DESCRIPTIONS[path.name]
    if path.parent.name == SOURCES_DIR and path.suffix == ".html":
        return (f"The source document {path.stem}.txt, line by line; #L<n> after the address "
                "opens line n.")
    for prefix, text in PREFIX_DESCRIPTIONS:
        if path.name == prefix:
            return text
        if prefix.endswith("_") and path.name.startswith(prefix):
            return f"{text}{path.stem.removeprefix(prefix)}."
    return ""


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f3f3f3}code{font-size:.9em}.muted{color:#555}
"""


def render_index(corpus: Corpus, written: list[Path], fingerprint: str) -> str:
    """Return the HTML of the front page listing ``written`` (paths relative to the output).

    Its Content-Security-Policy allows nothing but its own style sheet (by hash): no script,
    no request; the links to the artefacts are plain navigation."""
    rows = []
    for path in sorted(written, key=lambda p: p.as_posix()):
        name = path.as_posix()
        description = describe(path)
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


def write_index(corpus: Corpus, out: Path, written: list[Path], fingerprint: str) -> Path:
    """Write ``out/index.html`` and return its path."""
    path = Path(out) / "index.html"
    path.write_text(render_index(corpus, written, fingerprint), encoding="utf-8")
    return path
