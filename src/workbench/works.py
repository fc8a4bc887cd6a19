"""The works cited as evidence and their evidence codes: cross-table rules and descriptor enums.

``corpus/works.csv`` holds one row per work that can be evidence (each entry of
``references.bib`` as ``ref:<key>``, each work cited in the text but missing from the reference
list as ``unlisted:<slug>``), with our judgement of its design and country.
``corpus/evidence_codes.csv`` holds the codebook topics each work is evidence about. The table
schemas check each cell; this module checks what the schemas cannot say: that the works table
and the bibliography list the same listed works, and that a code judged from a work's title or
journal cites that work's own reference-list entry.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.problems import Problem

WORKS_FILE = "corpus/works.csv"
CODES_FILE = "corpus/evidence_codes.csv"
BIB_FILE = "references.bib"
LISTED_PREFIX = "ref:"
UNLISTED_PREFIX = "unlisted:"
#: Bases of a code that rest on the work's own reference-list entry.
REFERENCE_BASES = frozenset({"title", "journal"})


def field_enum(descriptor: dict[str, Any], resource: str, field: str) -> tuple[str, ...]:
    """Return the ``enum`` constraint of one field of the descriptor, in declared order.

    The allowed designs and countries of works live only in ``datapackage.json``; code that
    needs them (filters, legends) reads them here instead of repeating the lists.

    Raises:
        KeyError: when the resource or field does not exist or has no ``enum``.
    """
    for spec in descriptor["resources"]:
        if spec["name"] != resource:
            continue
        for item in spec["schema"]["fields"]:
            if item["name"] == field:
                return tuple(item["constraints"]["enum"])
    raise KeyError(f"{resource}.{field}")


def validate_works(
    tables: dict[str, pd.DataFrame],
    descriptor: dict[str, Any] | None = None,
    references: pd.DataFrame | None = None,
    bib_lines: dict[str, int] | None = None,
) -> list[Problem]:
    """Check the works and evidence-code tables against the bibliography and each other.

    Reports, each as ``FILE:ROW: COLUMN: message``: a ``ref:`` work that names no entry of
    ``references.bib``; a bibliography entry without a works row (at the entry's line of
    ``references.bib``, from ``bib_lines``); ``listed`` that disagrees with the id's prefix;
    ``cited_as`` missing for an unlisted work or present for a listed one; a listed work whose
    year differs from its entry's; a code judged from a title or journal that does not cite
    the work's reference-list line, or that belongs to an unlisted work (which has neither).
    Without ``references`` the bibliography checks are skipped.

    Returns:
        The problems found (empty when the tables agree).
    """
    del descriptor  # the signature of the corpus validator's cross-table checks
    works = tables.get("works")
    if works is None:
        return []
    problems: list[Problem] = []
    rows = works.to_dict("records")
    if references is not None:
        problems += _bibliography_problems(rows, references, bib_lines or {})
    for row_number, row in enumerate(rows, start=2):
        work_id = row["work_id"]
        unlisted = work_id.startswith(UNLISTED_PREFIX)
        if row["listed"] != ("false" if unlisted else "true"):
            problems.append(
                Problem(
                    WORKS_FILE,
                    row_number,
                    "listed",
                    (
                        f"{row['listed']!r} contradicts the id {work_id!r}: ref: works are in the "
                        "reference list (listed true), unlisted: works are not (listed false)"
                    ),
                )
            )
        if unlisted and _missing(row["cited_as"]):
            problems.append(
                Problem(
                    WORKS_FILE,
                    row_number,
                    "cited_as",
                    (
                        "an unlisted work needs the in-text citation as printed, e.g. "
                        "'Gangoli et al., 2022'"
                    ),
                )
            )
        if not unlisted and not _missing(row["cited_as"]):
            problems.append(
                Problem(
                    WORKS_FILE,
                    row_number,
                    "cited_as",
                    ("a listed work is identified by its bibliography entry; leave cited_as empty"),
                )
            )
    codes = tables.get("evidence_codes")
    if codes is not None:
        problems += _code_problems(codes, {row["work_id"]: row for row in rows})
    return problems


def _bibliography_problems(
    rows: list[dict], references: pd.DataFrame, bib_lines: dict[str, int]
) -> list[Problem]:
    problems = []
    years = dict(zip(references["key"], references["year"].astype(str), strict=True))
    listed = set()
    for row_number, row in enumerate(rows, start=2):
        work_id = row["work_id"]
        if not work_id.startswith(LISTED_PREFIX):
            continue
        key = work_id.removeprefix(LISTED_PREFIX)
        listed.add(key)
        if key not in years:
            problems.append(
                Problem(
                    WORKS_FILE,
                    row_number,
                    "work_id",
                    (
                        f"{work_id!r} names no entry of references.bib; use ref:<key> of an entry "
                        "there, or unlisted:<slug> for a work missing from the reference list"
                    ),
                )
            )
        elif str(row["year"]) != years[key]:
            problems.append(
                Problem(
                    WORKS_FILE,
                    row_number,
                    "year",
                    (
                        f"{row['year']!r} differs from the year of {key!r} in references.bib "
                        f"({years[key]}); copy the year as the reference list prints it"
                    ),
                )
            )
    for key in sorted(set(years) - listed):
        problems.append(
            Problem(
                BIB_FILE,
                bib_lines.get(key),
                "key",
                (
                    f"entry {key!r} has no row in {WORKS_FILE}; add one with work_id 'ref:{key}', "
                    "its design and country"
                ),
            )
        )
    return problems


def _code_problems(codes: pd.DataFrame, works: dict[str, dict]) -> list[Problem]:
    problems = []
    for row_number, row in enumerate(codes.to_dict("records"), start=2):
        work = works.get(row["work_id"])
        if work is None or row["basis"] not in REFERENCE_BASES:
            continue  # an unknown work is the foreign key check's to report
        if work["listed"] != "true":
            problems.append(
                Problem(
                    CODES_FILE,
                    row_number,
                    "basis",
                    (
                        f"{row['work_id']} is not in the reference list, so it has no "
                        f"{row['basis']} to judge from; use basis citing_clause"
                    ),
                )
            )
        elif row["source"] != work["source"] or row["lines"] != work["lines"]:
            problems.append(
                Problem(
                    CODES_FILE,
                    row_number,
                    "lines",
                    (
                        f"a code judged from the {row['basis']} cites the work's reference-list "
                        f"entry ({work['source']} line {work['lines']}), not {row['lines']!r}; "
                        "fix the lines or use basis citing_clause"
                    ),
                )
            )
    return problems


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))
