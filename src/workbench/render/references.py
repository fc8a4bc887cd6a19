"""The reference list for reference managers: RIS (EPPI-Reviewer, Zotero, EndNote) and
CSL-JSON (Zotero, pandoc, citeproc), both made from the parsed ``references.bib``.

Pure functions: a bibtexparser library and a note per entry in, text out. Each entry keeps
its key as the record id, its authors and editors as names (a corporate author such as
``{Home Office}`` as one name), year, title, container, volume, issue, pages, publisher,
place and URL, and the notes given (the citation audit's finding) with the line of the
report's reference list it was taken from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import rispy
from bibtexparser.library import Library
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Entry, Field

from workbench.bibliography import latex_to_text

#: RIS reference types by BibTeX entry type (RIS ``GEN`` for anything else).
RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "techreport": "RPRT",
    "misc": "GEN",
}
#: CSL item types by BibTeX entry type (CSL ``document`` for anything else).
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "techreport": "report",
    "misc": "document",
}

_RANGE = re.compile(r"\s*[-–—]+\s*")


def _field(fields: Mapping[str, Field], name: str) -> str:
    field = fields.get(name)
    return field.value.strip() if field is not None and isinstance(field.value, str) else ""


def _names(fields: Mapping[str, Field], role: str) -> tuple[list[tuple[str, str]], bool]:
    """Return an entry's ``(family, given)`` names for ``role`` (given empty for a corporate
    name) and whether the list ends with ``others`` (*et al.*), from its ``fields_dict``."""
    field = fields.get(role)
    if field is None or not isinstance(field.value, list):
        return [], False
    names, et_al = [], False
    for parts in field.value:
        if not isinstance(parts, NameParts):
            names.append((latex_to_text(str(parts)).strip(), ""))
            continue
        family = latex_to_text(" ".join(parts.von + parts.last)).strip()
        given = latex_to_text(" ".join(parts.first + parts.jr)).strip()
        if family == "others" and not given:
            et_al = True
        elif family:
            names.append((family, given))
    return names, et_al


def _container(fields: Mapping[str, Field]) -> str:
    return _field(fields, "journal") or _field(fields, "booktitle")


def _publisher(fields: Mapping[str, Field]) -> str:
    publisher = _field(fields, "publisher") or _field(fields, "institution")
    return publisher or _field(fields, "organization")


def _notes(entry: Entry, notes: Mapping[str, str]) -> list[str]:
    """The notes an export carries: the given note, the entry's own, and its provenance."""
    fields = entry.fields_dict
    said = [notes.get(entry.key, ""), _field(fields, "note")]
    if _names(fields, "author")[1]:
        said.append("The reference list gives further authors as “et al.”.")
    if _field(fields, "source"):
        lines = _field(fields, "lines")
        said.append(
            f"Reference list: {_field(fields, 'source')}"
            + (f", line {lines}" if lines else "")
            + "."
        )
    return [note for note in said if note]


def ris_record(entry: Entry, notes: Mapping[str, str]) -> dict:
    """Return one entry as a rispy record (tag names as rispy's keys)."""
    fields = entry.fields_dict  # bibtexparser builds this dictionary anew on every access
    authors, _ = _names(fields, "author")
    editors, _ = _names(fields, "editor")
    record: dict = {
        "type_of_reference": RIS_TYPES.get(entry.entry_type.lower(), "GEN"),
        "id": entry.key,
    }
    if authors:
        record["authors"] = [f"{f}, {g}" if g else f for f, g in authors]
    if editors:
        record["secondary_authors"] = [f"{f}, {g}" if g else f for f, g in editors]
    optional = {
        "year": _field(fields, "year"),
        "title": _field(fields, "title"),
        "secondary_title": _container(fields),
        "volume": _field(fields, "volume"),
        "number": _field(fields, "number"),
        "publisher": _publisher(fields),
        "place_published": _field(fields, "address"),
    }
    pages = _RANGE.split(_field(fields, "pages"), maxsplit=1)
    if pages[0]:
        optional["start_page"] = pages[0]
        optional["end_page"] = pages[1] if len(pages) > 1 else ""
    record.update({tag: value for tag, value in optional.items() if value})
    if _field(fields, "url"):
        record["urls"] = [_field(fields, "url")]
    if said := _notes(entry, notes):
        record["notes"] = said
    return record


class _RisWriter(rispy.RisWriter):
    """rispy's RIS writer without its numbered line ahead of each record, which is not RIS."""

    def set_header(self, count: int) -> str:
        return ""


def render_ris(library: Library, notes: Mapping[str, str]) -> str:
    """Return the library as RIS text (rispy), one record per entry in the list's order."""
    return rispy.dumps(
        [ris_record(entry, notes) for entry in library.entries], implementation=_RisWriter
    )


def _csl_names(names: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"family": f, "given": g} if g else {"literal": f} for f, g in names]


def csl_item(entry: Entry, notes: Mapping[str, str]) -> dict:
    """Return one entry as a CSL-JSON item (CSL 1.0 variable names)."""
    fields = entry.fields_dict  # bibtexparser builds this dictionary anew on every access
    item: dict = {"id": entry.key, "type": CSL_TYPES.get(entry.entry_type.lower(), "document")}
    authors, _ = _names(fields, "author")
    editors, _ = _names(fields, "editor")
    if authors:
        item["author"] = _csl_names(authors)
    if editors:
        item["editor"] = _csl_names(editors)
    year = _field(fields, "year")
    if year.isdigit():
        item["issued"] = {"date-parts": [[int(year)]]}
    elif year:
        item["issued"] = {"literal": year}
    pages = _RANGE.split(_field(fields, "pages"), maxsplit=1)
    optional = {
        "title": _field(fields, "title"),
        "container-title": _container(fields),
        "volume": _field(fields, "volume"),
        "issue": _field(fields, "number"),
        "page": "-".join(p for p in pages if p),
        "publisher": _publisher(fields),
        "publisher-place": _field(fields, "address"),
        "URL": _field(fields, "url"),
        "note": "\n".join(_notes(entry, notes)),
    }
    item.update({name: value for name, value in optional.items() if value})
    return item


def render_csl_json(library: Library, notes: Mapping[str, str]) -> str:
    """Return the library as a CSL-JSON array (UTF-8 text), in the list's order."""
    items = [csl_item(entry, notes) for entry in library.entries]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"
