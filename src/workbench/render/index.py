"""The build's front page, ``index.html``: what this build is, its headline findings, and every
file it wrote, grouped by the reader who needs it.

Every artefact has one entry in :data:`GUIDE`: the reader it is for (:data:`AUDIENCES`), a
plain name and what it is for. The headline findings are computed from the files the build
wrote (:func:`headline_findings`), so the front page says what the artefacts say.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path, PurePath

import pandas as pd

from workbench import __version__
from workbench.citations import CITATION_STATUS_LABELS, CITATION_STATUSES
from workbench.corpus import SOURCES_DIR, Corpus
from workbench.gaps import STATUS_LABELS, STATUSES
from workbench.render.crosswalk_figures import undrawn_heatmaps
from workbench.render.page import render_page
from workbench.render.reports import slug
from workbench.render.sources import page_name

#: The readers the front page groups the artefacts for: id → (heading, who and what for).
AUDIENCES: dict[str, tuple[str, str]] = {
    "reviewers": (
        "For reviewers",
        "Checking the standards against their evidence: the gap "
        "map and its register, the crosswalk to existing frameworks, the citation "
        "audit and the source documents, line by line.",
    ),
    "researchers": (
        "For researchers",
        "Taking the evidence further: the evidence graph, the "
        "reference list and the crosswalk in the formats other tools read, and "
        "how the automatic coding and suggestions perform.",
    ),
    "students": (
        "For students",
        "Learning from the literature search: every search parsed, "
        "what each change of wording did to the hits, and the search reported item "
        "by item against PRISMA-S.",
    ),
}


@dataclass(frozen=True)
class Artefact:
    """What the front page says of one file: for whom, under which name, and what it is for."""

    audience: str
    name: str
    description: str


#: Every file the build writes, in the order the front page lists them within an audience.
GUIDE: dict[str, Artefact] = {
    # Reviewers
    "gap_map.html": Artefact(
        "reviewers",
        "Evidence and gap map",
        "The interactive map of the 7 standards and their guidelines against the populations, "
        "forms of abuse and kinds of delivery: select a cell for its evidence (works offline).",
    ),
    "gaps.html": Artefact(
        "reviewers",
        "Gap register",
        "Every gap ranked and explained in a sentence, with a one-minute summary and the map "
        "set against the sources' own statements of gaps.",
    ),
    "gaps.md": Artefact(
        "reviewers",
        "Gap register (Markdown)",
        "The gap register as Markdown, to paste into a review or a pull request.",
    ),
    "gap_map.png": Artefact(
        "reviewers",
        "Evidence and gap map (picture)",
        "The standards' row of the map as a static figure, for a slide or a report.",
    ),
    "gap_map.csv": Artefact(
        "reviewers",
        "Evidence and gap map (table)",
        "Every cell of the map: its counts per kind of evidence and its status.",
    ),
    "gap_evidence.csv": Artefact(
        "reviewers",
        "Evidence behind each cell",
        "One row per piece of evidence behind a cell, with the sentence that links it, where "
        "that sentence stands and how the topic was coded.",
    ),
    "gap_agreement.csv": Artefact(
        "reviewers",
        "The map against the sources' stated gaps",
        "Every cell on which the sources state a gap: the statement and the map side by side, "
        "and whether they agree.",
    ),
    "crosswalk.csv": Artefact(
        "reviewers",
        "Crosswalk to existing frameworks",
        "The curated mapping from the new guidelines to the items of existing frameworks, each "
        "with its relation and rationale.",
    ),
    "crosswalk_coverage.csv": Artefact(
        "reviewers",
        "Crosswalk coverage",
        "Which framework items and guidelines the crosswalk covers, and which it leaves out.",
    ),
    "crosswalk_carry_over.csv": Artefact(
        "reviewers",
        "Respect standard: 4th-edition mappings carried to the 3rd",
        "Which mappings of the Respect 4th edition carry over to its 3rd edition.",
    ),
    "crosswalk_collated.csv": Artefact(
        "reviewers",
        "The 24 collated standards",
        "The standards the report collated (its Appendix 3): mapped item by item, or by title "
        "only.",
    ),
    "citation_audit.csv": Artefact(
        "reviewers",
        "Citation audit",
        "Every in-text citation and whether it resolves against the reference list.",
    ),
    "orphan_references.csv": Artefact(
        "reviewers",
        "References never cited",
        "Reference-list entries that no sentence of the narrative cites.",
    ),
    "source_issues.csv": Artefact(
        "reviewers",
        "Inconsistencies in the sources",
        "Every inconsistency found in the source documents, with both versions.",
    ),
    "standards_and_guidelines.csv": Artefact(
        "reviewers",
        "The standards and guidelines",
        "The 7 standards and their 37 practice guidelines, verbatim, with where each stands.",
    ),
    # Researchers
    "graph.graphml": Artefact(
        "researchers",
        "Evidence graph for Gephi or Cytoscape",
        "Standards, guidelines, references, roundtables and frameworks and how they link, as "
        "GraphML.",
    ),
    "graph.json": Artefact(
        "researchers",
        "Evidence graph as JSON",
        "The same graph as node-link JSON (networkx's default form, read by d3).",
    ),
    "edges.csv": Artefact(
        "researchers",
        "Evidence graph as an edge list",
        "The same graph, one link per row, for a spreadsheet or R.",
    ),
    "references.ris": Artefact(
        "researchers",
        "Reference list for EPPI-Reviewer, Zotero or EndNote (RIS)",
        "Every reference, each with the citation audit's finding in a note.",
    ),
    "references.json": Artefact(
        "researchers",
        "Reference list for Zotero and pandoc (CSL-JSON)",
        "Every reference, each with the citation audit's finding in a note.",
    ),
    "workbench.xlsx": Artefact(
        "researchers",
        "Excel workbook",
        "The gap map, gap register, citation audit, crosswalk with its coverage and the search "
        "analysis in one workbook (every text cell stored as text).",
    ),
    "crosswalk.sssom.tsv": Artefact(
        "researchers",
        "Crosswalk for mapping tools (SSSOM)",
        "The crosswalk as an SSSOM mapping set, read by sssom-py and other mapping tools.",
    ),
    "citation_support.csv": Artefact(
        "researchers",
        "What each citation supports",
        "Every citation with its clause, the topics the coding rules find in it and the "
        "curated topics of the work it cites.",
    ),
    "coding_agreement.csv": Artefact(
        "researchers",
        "Coding rules against the curated codes",
        "Precision and recall of the automatic topic coding against the curated evidence "
        "codes, per topic.",
    ),
    "crosswalk_suggestions.csv": Artefact(
        "researchers",
        "Suggested crosswalk rows (not curated)",
        "Candidate mappings found by text similarity, for a reviewer to accept or reject.",
    ),
    "crosswalk_suggester_metrics.csv": Artefact(
        "researchers",
        "How well the suggestions match (table)",
        "Precision and recall at k of the suggestions against the curated crosswalk.",
    ),
    "crosswalk_suggester_metrics.png": Artefact(
        "researchers",
        "How well the suggestions match (chart)",
        "Precision and recall at k of the suggestions against the curated crosswalk.",
    ),
    "datapackage.json": Artefact(
        "researchers",
        "The build's tables described for machines",
        "A Frictionless data package giving each CSV's fields and types.",
    ),
    "corpus_summary.csv": Artefact(
        "researchers",
        "What the corpus holds",
        "Rows per corpus table beside the counts the sources fix.",
    ),
    # Students
    "search_report.html": Artefact(
        "students",
        "Search report (PRISMA-S)",
        "The literature search reported item by item against PRISMA-S, with what it cannot tell.",
    ),
    "search_report.md": Artefact(
        "students", "Search report (Markdown)", "The PRISMA-S search report as Markdown."
    ),
    "search_report.json": Artefact(
        "students",
        "Search report for machines (JSON)",
        "The PRISMA-S search report's items and figures as JSON.",
    ),
    "search_analysis.csv": Artefact(
        "students",
        "Every search, parsed",
        "The searches of the report's Appendix 2 with their hits, facets and flags.",
    ),
    "search_hits_by_facet.png": Artefact(
        "students",
        "Hits by search facet (chart)",
        "Hits per facet of the searches (wording, spelling, qualifier), on a log scale.",
    ),
    "search_pairs.csv": Artefact(
        "students",
        "Searches that differ in one element",
        "Pairs of searches one change apart, with the effect of that change on the hits.",
    ),
    "search_design_audit.csv": Artefact(
        "students",
        "Which search combinations were run",
        "Every combination of wording, spelling and qualifier, run or not run.",
    ),
    "search_design_audit.png": Artefact(
        "students",
        "Which search combinations were run (chart)",
        "The design space of the searches, with the combinations that were run marked.",
    ),
}

#: The files of a family named by a slug (a framework, a source document): prefix → entry
#: whose name :func:`guide_entry` completes.
FAMILIES: dict[str, Artefact] = {
    "crosswalk_heatmap_": Artefact(
        "reviewers",
        "Crosswalk heat-map",
        "The guidelines against the framework's items, each square coloured by the relation "
        "between them.",
    ),
    f"{SOURCES_DIR}/": Artefact(
        "reviewers",
        "Source document",
        "The source document line by line; #L<n> after the address opens line n, as every "
        "provenance link of the build does.",
    ),
}


#: Where a finding links: the anchors of the report pages' sections (their headings' slugs).
SUMMARY_ANCHOR = "gaps.html#summary"
AGREEMENT_ANCHOR = f"gaps.html#{slug('The map against the report’s own statements')}"


def _tables(corpus: Corpus | Mapping[str, pd.DataFrame] | None) -> Mapping[str, pd.DataFrame]:
    """The tables of a corpus, or the tables given as they are."""
    if corpus is None:
        return {}
    return corpus.tables if isinstance(corpus, Corpus) else corpus


def _framework_titles(corpus: Corpus | Mapping[str, pd.DataFrame] | None) -> dict[str, str]:
    """The heat-map slug of every framework (``respect_3ed``) → its title, and of every
    edition mapping (``respect_3ed_to_4ed``) → the two editions in words."""
    frameworks = _tables(corpus).get("frameworks")
    if frameworks is None:
        return {}
    titles, editions = {}, {}
    for f in frameworks.to_dict("records"):
        key = str(f["framework_id"]).removeprefix("framework:").replace(":", "_")
        titles[key] = str(f["name"])
        if isinstance(f.get("edition"), str) and f["edition"]:
            editions[key] = f["edition"]
    for key in editions:
        family = key.rpartition("_")[0]
        for other, edition in editions.items():
            if other != key and other.rpartition("_")[0] == family:
                titles[f"{key}_to_{other.rpartition('_')[2]}"] = (
                    f"{titles[key]} against the {edition} edition"
                )
    return titles


def guide_entry(
    path: Path | PurePath, corpus: Corpus | Mapping[str, pd.DataFrame] | None = None
) -> Artefact | None:
    """Return the front page's entry for an artefact (``path`` relative to the output), or
    ``None`` for a file the guide does not know.

    A heat-map is named by its framework's title and a source page by its document's title
    when ``corpus`` (or its tables) is given (by their slugs otherwise). The build gives
    every artefact record what this says of it (``workbench.dataflow.records.file``), and the
    front page reads it from the records.

    Examples:
        >>> guide_entry(Path("gaps.md")).audience
        'reviewers'
        >>> guide_entry(Path("crosswalk_heatmap_csaap.png")).name
        'Crosswalk heat-map: csaap'
    """
    name = path.as_posix()
    if name in GUIDE:
        return GUIDE[name]
    family = FAMILIES["crosswalk_heatmap_"]
    if path.name.startswith("crosswalk_heatmap_") and path.suffix == ".png":
        key = path.stem.removeprefix("crosswalk_heatmap_")
        title = _framework_titles(corpus).get(key, key)
        return Artefact(
            family.audience,
            f"{family.name}: {title}",
            EDITION_HEATMAP if "_to_" in key else family.description,
        )
    family = FAMILIES[f"{SOURCES_DIR}/"]
    if path.parent.as_posix() == SOURCES_DIR and path.suffix == ".html":
        title = _document_titles(corpus).get(path.name, path.stem)
        return Artefact(
            family.audience,
            f"{family.name}: {title}",
            f"{family.description} File {path.stem}.txt.",
        )
    return None


#: Where each family goes in its audience's list: after this file of :data:`GUIDE`.
FAMILY_PLACES = {
    "crosswalk_heatmap_": "crosswalk_coverage.csv",
    f"{SOURCES_DIR}/": "standards_and_guidelines.csv",
}

#: The description of an edition mapping's heat-map (``crosswalk_heatmap_<a>_to_<b>.png``).
EDITION_HEATMAP = (
    "One edition's items against the other's, each square coloured by the "
    "relation between them; grey labels mark items with no counterpart."
)


def _document_titles(corpus: Corpus | Mapping[str, pd.DataFrame] | None) -> dict[str, str]:
    """Each source page's file name → its document's title."""
    documents = _tables(corpus).get("documents")
    if documents is None:
        return {}
    return {page_name(d["file"]): str(d["title"]) for d in documents.to_dict("records")}


# --------------------------------------------------------------------------------------
# Headline findings
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One line of the front page's findings: a lead, a sentence and where the evidence is."""

    lead: str
    text: str
    #: Links that complete the sentence (the cells it names), as (text, address).
    links: tuple[tuple[str, str], ...] = ()
    #: Where to read more, as (text, address).
    see: tuple[tuple[str, str], ...] = ()


#: The build's files the findings are computed from.
FINDING_SOURCES = (
    "gap_map.csv",
    "gap_agreement.csv",
    "citation_audit.csv",
    "orphan_references.csv",
    "search_analysis.csv",
)


def _cell_link(row_id: str, topic_id: str) -> str:
    """The gap map's address of a cell, with its standard open."""
    standard = "standard:" + row_id.split(":", 1)[1].split(".", 1)[0]
    return f"gap_map.html#open={standard}&cell={row_id}~{topic_id}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def headline_findings(
    frames: Mapping[str, pd.DataFrame], topic_labels: Mapping[str, str], *, top: int = 3
) -> list[Finding]:
    """Return the front page's headline findings from the build's own tables.

    Args:
        frames: the build's tables by file name (:data:`FINDING_SOURCES`); a missing one
            drops its findings.
        topic_labels: each codebook topic's label.
        top: how many cells a finding names at most.

    Returns:
        The largest gaps (topics without a cited work behind any standard; guidelines that
        name a topic with no evidence at all, first in the register's order), the map
        against the sources' stated gaps, the citation audit and the search totals.
    """
    findings = []
    cells = frames.get("gap_map.csv")
    if cells is not None and len(cells):
        findings += _gap_findings(cells, topic_labels, top)
    stated = frames.get("gap_agreement.csv")
    if stated is not None and len(stated):
        findings.append(_agreement_finding(stated, topic_labels, top))
    audit = frames.get("citation_audit.csv")
    if audit is not None:
        findings.append(_citation_finding(audit, frames.get("orphan_references.csv")))
    searches = frames.get("search_analysis.csv")
    if searches is not None:
        results = pd.to_numeric(searches["results"])
        findings.append(
            Finding(
                "Literature search",
                f"{_plural(len(searches), 'search', 'searches')} with "
                f"{_plural(int(results.sum()), 'hit')} in all; "
                f"{_plural(int((results == 0).sum()), 'search', 'searches')} found nothing.",
                see=(
                    ("Search report (PRISMA-S)", "search_report.html"),
                    ("every search, parsed", "search_analysis.csv"),
                ),
            )
        )
    return findings


def _gap_findings(cells: pd.DataFrame, topic_labels: Mapping[str, str], top: int) -> list[Finding]:
    standard = cells[cells["row_id"].str.startswith("standard:")]
    scope = standard[standard["dimension"].isin(("population", "form_of_abuse"))]
    works = pd.to_numeric(scope["works"]).groupby(scope["topic_id"], sort=False).sum()
    empty = [topic_labels.get(t, t) for t in works.index[works == 0]]
    rows = standard["row_id"].nunique()
    findings = [
        Finding(
            "Largest gaps",
            f"Behind the {rows} standards, {len(empty)} of the {len(works)} populations and forms "
            f"of abuse have no cited work coded with them"
            + (f": {', '.join(empty)}." if empty else "."),
            see=(
                ("the gap register's summary", SUMMARY_ANCHOR),
                ("the evidence and gap map", "gap_map.html"),
            ),
        )
    ]
    demand = cells[
        cells["demand_without_evidence"].astype(str).eq("True") & cells["status"].eq("absolute_gap")
    ]
    if len(demand):
        topic_order = {t: i for i, t in enumerate(dict.fromkeys(cells["topic_id"]))}
        row_order = {r: i for i, r in enumerate(dict.fromkeys(cells["row_id"]))}
        ranked = demand.assign(
            _t=demand["topic_id"].map(topic_order), _r=demand["row_id"].map(row_order)
        ).sort_values(["_t", "_r"])
        first = ranked.head(top)
        findings.append(
            Finding(
                "Demand without evidence",
                f"In {_plural(len(demand), 'place')} a guideline names a topic that has no "
                f"evidence of any kind behind it; the first {min(top, len(demand))} in the "
                "register:",
                tuple(
                    (
                        f"{r.row_label} × {topic_labels.get(r.topic_id, r.topic_id)}",
                        _cell_link(r.row_id, r.topic_id),
                    )
                    for r in first.itertuples(index=False)
                ),
                see=(("every ranked gap", "gaps.html#ranked-gaps-" + str(_register_size(cells))),),
            )
        )
    counts = standard["status"].value_counts()
    findings.append(
        Finding(
            "Standard cells by status",
            "; ".join(
                f"{int(counts.get(s, 0))} {STATUS_LABELS[s].split(':')[0].lower()}"
                for s in STATUSES
            )
            + ".",
            see=(("the evidence and gap map", "gap_map.html"),),
        )
    )
    return findings


def _register_size(cells: pd.DataFrame) -> int:
    """How many gaps the register ranks: every guideline cell of demand without evidence and
    every standard cell that is not covered (:func:`workbench.gaps.gap_register`)."""
    demand = cells["demand_without_evidence"].astype(str).eq("True")
    standard_gap = cells["row_id"].str.startswith("standard:") & cells["status"].ne("covered")
    return int((demand | standard_gap).sum())


def _agreement_finding(stated: pd.DataFrame, topic_labels: Mapping[str, str], top: int) -> Finding:
    against = stated[stated["verdict"] == "contradicts"]
    pairs = against.drop_duplicates(["row_id", "topic_id"])
    text = (
        f"The sources state {_plural(stated['gap_id'].nunique(), 'gap')} on a topic; set "
        f"beside the map ({_plural(len(stated), 'comparison')}) the map agrees "
        f"{_plural(int((stated['verdict'] == 'agrees').sum()), 'time')} and contradicts "
        f"{_plural(len(against), 'time')}, on {_plural(len(pairs), 'cell')}"
        + (":" if len(pairs) else ".")
    )
    links = tuple(
        (
            f"{r.row_label} × {topic_labels.get(r.topic_id, r.topic_label)}",
            _cell_link(r.row_id, r.topic_id),
        )
        for r in pairs.head(top).itertuples(index=False)
    )
    return Finding(
        "The map against the report", text, links, see=(("the agreement report", AGREEMENT_ANCHOR),)
    )


def _citation_finding(audit: pd.DataFrame, orphans: pd.DataFrame | None) -> Finding:
    counts = audit["status"].value_counts()
    parts = [
        f"{int(counts[s])} {CITATION_STATUS_LABELS[s]}"
        for s in CITATION_STATUSES
        if counts.get(s, 0)
    ]
    text = (
        f"{_plural(len(audit), 'in-text citation')} checked against the reference list: "
        f"{', '.join(parts)}."
    )
    links = [("the citation audit", "citation_audit.csv")]
    if orphans is not None:
        verb = "is" if len(orphans) == 1 else "are"
        text += f" {_plural(len(orphans), 'reference')} in the list {verb} never cited."
        links.append(("references never cited", "orphan_references.csv"))
    return Finding("Citations", text, see=tuple(links))


def finding_tables(files: Mapping[str, bytes]) -> dict[str, pd.DataFrame]:
    """Return the tables of :data:`FINDING_SOURCES` among a build's files (name → bytes)."""
    return {
        name: pd.read_csv(io.BytesIO(files[name]), dtype=str, keep_default_na=False)
        for name in FINDING_SOURCES
        if name in files
    }


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


#: The last second a build date can name (9999-12-31 23:59:59 UTC): past it, dates and
#: libraries that read ``SOURCE_DATE_EPOCH`` at import (NumPy's f2py) fail.
LAST_EPOCH = 253402300799


def build_date(environ: Mapping[str, str] | None = None) -> str:
    """Return the build date the front page shows: from ``SOURCE_DATE_EPOCH`` when it is set
    (the reproducible-builds convention), else an empty string, so that two builds of the same
    corpus stay byte-identical.

    Examples:
        >>> build_date({"SOURCE_DATE_EPOCH": "1700000000"})
        '2023-11-14 22:13 UTC'
        >>> build_date({})
        ''
        >>> build_date({"SOURCE_DATE_EPOCH": "99999999999999999999"})
        "not shown: SOURCE_DATE_EPOCH='99999999999999999999' is past any date this machine shows"
    """
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return ""
    if not value.isdigit():
        return f"not shown: SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds"
    if int(value) > LAST_EPOCH:
        return f"not shown: SOURCE_DATE_EPOCH={value!r} is past any date this machine shows"
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%d %H:%M UTC")


#: What the build says of each file it wrote: path → (audience, plain name, description),
#: read from its artefact records.
Entries = Mapping[str, tuple[str, str, str]]


def render_index(
    corpus: Corpus,
    written: list[Path],
    fingerprint: str,
    *,
    findings: list[Finding] | None = None,
    built_on: str = "",
    entries: Entries | None = None,
) -> str:
    """Return the HTML of the front page listing ``written`` (paths relative to the output).

    Args:
        corpus: the corpus built from (its title, tables, documents and frameworks).
        written: every file the build wrote besides the front page.
        fingerprint: the corpus fingerprint (``workbench.build.corpus_fingerprint``).
        findings: the headline findings (:func:`headline_findings`); none without them.
        built_on: the build date to show (:func:`build_date`); none when empty.
        entries: what the build's artefact records say of each file (its audience, plain
            name and description); a file without one gets its :func:`guide_entry`.

    Its Content-Security-Policy allows nothing but its own style sheet (by hash): no script,
    no request; the links to the artefacts are plain navigation.
    """
    title = str(corpus.descriptor.get("title", "Corpus"))
    date = (
        f"<dd>{escape(built_on)}</dd>"
        if built_on
        else "<dd>not recorded, so that the same corpus and version build the same files byte "
        "for byte (set <code>SOURCE_DATE_EPOCH</code> to show one)</dd>"
    )
    facts = f"""<dl class="facts">
<dt>Built</dt>{date}
<dt>Workbench</dt><dd>version {escape(__version__)}</dd>
<dt>Corpus fingerprint</dt><dd><code class="wrap">{escape(fingerprint)}</code><br>
<span class="muted">SHA-256 of <code>corpus/</code> and <code>references.bib</code>: two
builds with the same fingerprint and version were built from the same corpus.</span></dd>
</dl>"""
    groups, other = _group(corpus, written, entries or {})
    sections = [_findings_html(findings or [], written)]
    for audience, (heading, intro) in AUDIENCES.items():
        extra = {
            "reviewers": _undrawn_html(corpus) + _DIFF + "\n" + _sources_html(corpus),
            "researchers": _NOTEBOOKS,
            "students": "",
        }[audience]
        sections.append(
            f'<section aria-labelledby="{audience}">\n<h2 id="{audience}">'
            f"{escape(heading)}</h2>\n<p>{escape(intro)}</p>\n"
            f"{_entries_html(groups[audience])}\n{extra}</section>"
        )
    if other:
        sections.append(
            '<section aria-labelledby="other">\n<h2 id="other">Other files</h2>\n'
            f"{_entries_html(other)}\n</section>"
        )
    sections.append(_corpus_html(corpus))
    contents = " · ".join(
        f'<a href="#{a}">{escape(h)}</a>'
        for a, (h, _) in [
            ("findings", ("Findings", "")),
            *AUDIENCES.items(),
            ("corpus", ("The corpus", "")),
        ]
    )
    body = f"""<main>
<h1>{escape(title)}</h1>
<p>What <code>workbench build</code> made from this corpus: the evidence and gap map, the
crosswalk to existing frameworks, the literature-search analysis and the data behind them.</p>
{facts}
<nav aria-label="On this page"><p>{contents}</p></nav>
{chr(10).join(sections)}
</main>"""
    return render_page(f"Workbench build: {title}", body)


def _group(
    corpus: Corpus, written: list[Path], entries: Entries
) -> tuple[dict[str, list[tuple[Path, Artefact]]], list[tuple[Path, Artefact]]]:
    """The written files by audience, in the guide's order (families after, by name)."""
    order = {name: float(i) for i, name in enumerate(GUIDE)}

    def place(path: Path) -> tuple[float, str]:
        name = path.as_posix()
        for prefix, after in FAMILY_PLACES.items():
            if name.startswith(prefix) and name not in order:
                return order.get(after, len(order)) + 0.5, name
        return order.get(name, len(order)), name

    groups: dict[str, list[tuple[Path, Artefact]]] = {a: [] for a in AUDIENCES}
    other = []
    for path in sorted(written, key=place):
        if path.as_posix() == "index.html":
            continue
        given = entries.get(path.as_posix())
        entry = Artefact(*given) if given is not None else guide_entry(path, corpus)
        if entry is None or entry.audience not in groups:
            other.append(
                (
                    path,
                    Artefact(
                        "",
                        entry.name if entry and entry.name else path.name,
                        entry.description if entry else "",
                    ),
                )
            )
        else:
            groups[entry.audience].append((path, entry))
    return groups, other


def _undrawn_html(corpus: Corpus | Mapping[str, pd.DataFrame] | None) -> str:
    """Say which heat-maps the crosswalk calls for that the build did not draw, and why
    (nothing when it drew them all): a framework added to the corpus never just goes
    missing from the page."""
    undrawn = undrawn_heatmaps(dict(_tables(corpus)))
    if not undrawn:
        return ""
    items = "".join(
        f"<li><code>{escape(name)}</code>: {escape(reason)}</li>" for name, reason in undrawn
    )
    return (
        f"<p>Heat-maps the crosswalk calls for that this build does not draw:</p>\n"
        f'<ul class="undrawn">{items}</ul>\n'
        "<p>The crosswalk notebook (<code>notebooks/03_crosswalk.ipynb</code>) draws any of "
        "them: a framework's with <code>heatmap_figure</code>, an edition mapping's with "
        "<code>edition_heatmap_figure</code>; <code>crosswalk_coverage.csv</code> holds every "
        "mapping.</p>\n"
    )


def _entries_html(entries: list[tuple[Path, Artefact]]) -> str:
    items = []
    for path, entry in entries:
        href = escape(path.as_posix(), quote=True)
        items.append(
            f'<li><a href="{href}">{escape(entry.name)}</a>'
            f'<span class="file">{escape(path.as_posix())}</span>'
            f'<span class="what">{escape(entry.description)}</span></li>'
        )
    return '<ul class="audience">\n' + "\n".join(items) + "\n</ul>" if items else ""


def _findings_html(findings: list[Finding], written: list[Path]) -> str:
    present = {p.as_posix() for p in written}
    items = []
    for f in findings:

        def anchors(pairs: tuple[tuple[str, str], ...]) -> list[str]:
            return [
                f'<a href="{escape(href, quote=True)}">{escape(label)}</a>'
                for label, href in pairs
                if href.split("#", 1)[0] in present
            ]

        links, see = anchors(f.links), anchors(f.see)
        items.append(
            f"<li><strong>{escape(f.lead)}.</strong> {escape(f.text)}"
            + (" " + "; ".join(links) + "." if links else "")
            + (" See " + ", ".join(see) + "." if see else "")
            + "</li>"
        )
    body = (
        '<ul class="findings">\n' + "\n".join(items) + "\n</ul>"
        if items
        else "<p>This build wrote none of the tables the findings are computed from.</p>"
    )
    return (
        '<section aria-labelledby="findings">\n<h2 id="findings">Headline findings</h2>\n'
        f"{body}\n</section>"
    )


_DIFF = """<h3 id="diff">Comparing two builds</h3>
<p>To see what a change to the corpus did, keep the earlier build and run
<code>.venv/bin/workbench diff OLD NEW</code> (two build folders, or two corpus roots): it
lists the gap-map cells whose status or evidence count changed, with the evidence added or
removed, the crosswalk rows added, removed or changed, and the citation-audit changes;
<code>--out DIR</code> also writes them as <code>diff.md</code> and <code>diff.csv</code>.</p>"""

_NOTEBOOKS = """<h3 id="notebooks">Notebooks</h3>
<p>The notebooks in the workbench's <code>notebooks/</code> folder read these files and the
corpus: a tour of the corpus, the evidence graph, the crosswalk, the gap map and the search
analysis. Open them with <code>make lab</code>.</p>"""


def _sources_html(corpus: Corpus) -> str:
    """The source documents with their licence: which are shipped (and opened line by line
    from the list above) and where to get the others."""
    documents = corpus.tables.get("documents")
    rows = []
    for doc in [] if documents is None else documents.to_dict("records"):
        licence = doc.get("licence")
        licence = "" if licence is None or licence != licence else str(licence)
        rows.append(
            f"<li><strong>{escape(str(doc['title']))}</strong>"
            f'<span class="file">{escape(str(doc["file"]))}</span>'
            f'<span class="what">Licence: {escape(licence or "not stated")}</span></li>'
        )
    return f"""<h3 id="sources">The source documents</h3>
<p>Every row of the corpus cites its source by file and line range. The sources whose licence
allows it are shipped and open at the cited line (listed above); the others are listed here
with their licence (see <code>sources/README.md</code> for where to get them).</p>
<ul class="audience">
{chr(10).join(rows)}
</ul>"""


def _corpus_html(corpus: Corpus) -> str:
    counts = [
        f"<tr><td>{escape(resource['name'])}</td>"
        f"<td>{len(corpus.tables[resource['name']]):,}</td></tr>"
        for resource in corpus.descriptor["resources"]
    ]
    counts.append(f"<tr><td>references.bib</td><td>{len(corpus.references):,}</td></tr>")
    return f"""<section aria-labelledby="corpus">
<h2 id="corpus">The corpus</h2>
<p>The tables of <code>corpus/</code> this build read, and their rows.</p>
<table><thead><tr><th scope="col">Table</th><th scope="col">Rows</th></tr></thead>
<tbody>
{chr(10).join(counts)}
</tbody></table>
</section>"""


def index_page(
    corpus: Corpus,
    written: list[Path],
    fingerprint: str,
    files: Mapping[str, bytes],
    entries: Entries | None = None,
) -> str:
    """Return the front page of a build: :func:`render_index` with the headline findings
    read from the build's ``files`` (name → bytes) and the date from :func:`build_date`.

    It exists so that the build's last step, which writes ``index.html``, has one call to
    make.
    """
    codebook = corpus.tables.get("codebook")
    labels = (
        {} if codebook is None else dict(zip(codebook["topic_id"], codebook["label"], strict=True))
    )
    findings = headline_findings(finding_tables(files), labels)
    return render_index(
        corpus, written, fingerprint, findings=findings, built_on=build_date(), entries=entries
    )
