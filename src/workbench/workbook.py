"""``workbench.xlsx``: the build's main tables in one workbook, for Excel or LibreOffice users.

One sheet each for the gap map, the gap register, the citation audit, the crosswalk and its
coverage, and the search analysis, each the same rows and columns as the CSV (or, for the
register, the table behind ``gaps.md``) the build writes beside it; a first sheet, "About",
says what each sheet is and what the workbook was built from. An xlsx file carries its text
as UTF-8 inside, so ``O’Leary`` opens as ``O’Leary`` whatever the spreadsheet's import
settings, where a CSV may not.
"""

from __future__ import annotations

import pandas as pd

from workbench import __version__
from workbench.citations import AUDIT_COLUMNS
from workbench.gaps import GapAnalysis, tidy_map
from workbench.render.workbook import Sheet, render_workbook
from workbench.search import ANALYSIS_WORKING_COLUMNS

#: The workbook's file name.
WORKBOOK = "workbench.xlsx"


def workbook_sheets(
    analysis: GapAnalysis,
    audit: pd.DataFrame,
    crosswalk: pd.DataFrame,
    coverage: pd.DataFrame,
    searches: pd.DataFrame,
) -> list[Sheet]:
    """Return the data sheets of the workbook: a name, a sentence and the table of each.

    Each table is the one the build writes as the named CSV, from the same result: the gap
    analysis, the citation audit, the labelled crosswalk, its coverage and the search
    analysis (with its working columns, which the sheet leaves out as the CSV does).
    """
    return [
        Sheet(
            "Gap map",
            "The evidence and gap map: one row per standard or guideline and "
            "topic, with its evidence counts by channel and its status (as gap_map.csv).",
            tidy_map(analysis.cells),
        ),
        Sheet(
            "Gap register",
            "The ranked gap register: each gap with the sentence that "
            "explains it (the table behind gaps.md).",
            analysis.register,
        ),
        Sheet(
            "Citation audit",
            "Every in-text citation with its resolution against the "
            "reference list (as citation_audit.csv).",
            audit[AUDIT_COLUMNS],
        ),
        Sheet(
            "Crosswalk",
            "The curated crosswalk from the guidelines to existing frameworks, "
            "with NIST IR 8477 relations and both labels (as crosswalk.csv).",
            crosswalk,
        ),
        Sheet(
            "Crosswalk coverage",
            "Coverage of each guideline and framework item by the "
            "crosswalk, in each direction (as crosswalk_coverage.csv).",
            coverage,
        ),
        Sheet(
            "Search analysis",
            f"The {len(searches)} Google Scholar searches of Appendix 2, parsed, with "
            "facets and flags (as search_analysis.csv).",
            searches.drop(columns=ANALYSIS_WORKING_COLUMNS),
        ),
    ]


def workbook_bytes(
    descriptor: dict,
    fingerprint: str,
    analysis: GapAnalysis,
    audit: pd.DataFrame,
    crosswalk: pd.DataFrame,
    coverage: pd.DataFrame,
    searches: pd.DataFrame,
) -> bytes:
    """Return ``workbench.xlsx``: the About sheet and the sheets of :func:`workbook_sheets`."""
    sheets = workbook_sheets(analysis, audit, crosswalk, coverage, searches)
    return render_workbook([about_sheet(descriptor, sheets, fingerprint), *sheets])


def about_sheet(descriptor: dict, sheets: list[Sheet], fingerprint: str) -> Sheet:
    """Return the "About" sheet: how the workbook was built and what each sheet holds."""
    rows = [
        (
            "Workbook",
            "The main tables of a workbench build, one sheet each. Every text cell "
            "is stored as text, never as a formula.",
        ),
        ("Built by", f"workbench {__version__}: workbench build (make run)"),
        ("Corpus", str(descriptor.get("title", ""))),
        (
            "Corpus fingerprint",
            f"{fingerprint} (SHA-256 of corpus/ and references.bib, as on the build's index.html)",
        ),
    ]
    rows += [(f"Sheet: {s.name}", f"{s.description} {len(s.table)} rows.") for s in sheets]
    return Sheet("About", "What the workbook holds.", pd.DataFrame(rows, columns=["item", "value"]))
