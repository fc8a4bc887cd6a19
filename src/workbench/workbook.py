"""``workbench.xlsx``: the build's main tables in one workbook, for Excel or LibreOffice users.

One sheet each for the gap map, the gap register, the citation audit, the crosswalk and its
coverage, and the search analysis, each the same rows and columns as the CSV (or, for the
register, the table behind ``gaps.md``) the build writes beside it; a first sheet, "About",
says what each sheet is and what the workbook was built from. An xlsx file carries its text
as UTF-8 inside, so ``O’Leary`` opens as ``O’Leary`` whatever the spreadsheet's import
settings, where a CSV may not.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench import __version__
from workbench.cache import cached_files, shared
from workbench.corpus import Corpus
from workbench.render.workbook import Sheet, render_workbook

#: The file :func:`write_artefacts` writes.
WORKBOOK = "workbench.xlsx"


def workbook_sheets(corpus: Corpus) -> list[Sheet]:
    """Return the data sheets of the workbook: a name, a sentence and the table of each.

    Each table is the one the build writes as the named CSV, computed by the same function.
    """
    from workbench.citations import AUDIT_COLUMNS, citation_audit
    from workbench.crosswalk import coverage, labelled_crosswalk
    from workbench.gaps import analyse_gaps, tidy_map
    from workbench.search import search_analysis_table

    analysis = shared(corpus, analyse_gaps)
    tables = corpus.tables
    return [
        Sheet("Gap map", "The evidence and gap map: one row per standard or guideline and "
              "topic, with its evidence counts by channel and its status (as gap_map.csv).",
              tidy_map(analysis.cells)),
        Sheet("Gap register", "The ranked gap register: each gap with the sentence that "
              "explains it (the table behind gaps.md).", analysis.register),
        Sheet("Citation audit", "Every in-text citation with its resolution against the "
              "reference list (as citation_audit.csv).",
              shared(corpus, citation_audit)[AUDIT_COLUMNS]),
        Sheet("Crosswalk", "The curated crosswalk from the guidelines to existing frameworks, "
              "with NIST IR 8477 relations and both labels (as crosswalk.csv).",
              labelled_crosswalk(tables)),
        Sheet("Crosswalk coverage", "Coverage of each guideline and framework item by the "
              "crosswalk, in each direction (as crosswalk_coverage.csv).", coverage(tables)),
        Sheet("Search analysis", "The 52 Google Scholar searches of Appendix 2, parsed, with "
              "facets and flags (as search_analysis.csv).",
              search_analysis_table(tables["searches"])),
    ]


def about_sheet(corpus: Corpus, sheets: list[Sheet], fingerprint: str) -> Sheet:
    """Return the "About" sheet: how the workbook was built and what each sheet holds."""
    rows = [
        ("Workbook", "The main tables of a workbench build, one sheet each. Every text cell "
         "is stored as text, never as a formula."),
        ("Built by", f"workbench {__version__}: workbench build (make run)"),
        ("Corpus", str(corpus.descriptor.get("title", ""))),
        ("Corpus fingerprint", f"{fingerprint} (SHA-256 of corpus/ and references.bib, as on "
         "the build's index.html)"),
    ]
    rows += [(f"Sheet: {s.name}", f"{s.description} {len(s.table)} rows.") for s in sheets]
    return Sheet("About", "What the workbook holds.", pd.DataFrame(rows,
                                                                    columns=["item", "value"]))


def write_artefacts(corpus: Corpus, out: Path) -> list[Path]:
    """Write ``workbench.xlsx`` into ``out``; return its path.

    It is keyed on the corpus fingerprint (every file of the corpus and the bibliography),
    which the About sheet shows, so a build reuses it while no corpus file changed.
    """
    from workbench.build import corpus_fingerprint

    path = Path(out) / WORKBOOK
    fingerprint = corpus_fingerprint(corpus.root)

    def write() -> None:
        sheets = workbook_sheets(corpus)
        path.write_bytes(render_workbook([about_sheet(corpus, sheets, fingerprint), *sheets]))

    cached_files("workbench.workbook.write_artefacts", [path], (fingerprint,), write)
    return [path]
