"""Breakers: small mutations of a copy of the shipped corpus root, one kind of bad input each.

Shared by the validation tests (``tests/integration/test_validate.py``) and the fault suite
(``tests/integration/test_faults.py``). Each breaker takes the root of a copy (the
``tmp_root`` fixture) and changes it in place.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

#: Markup planted in titles by :func:`html_in_titles`; renderers must escape it.
HTML_PAYLOAD = '<script>alert("wb")</script><b onmouseover="x()">bold</b> &amp; </textarea>'


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a UTF-8 file (``count`` times); fail if ``old`` is absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def lines(path: Path) -> list[str]:
    """Return the lines of a UTF-8 file (split on LF only, so a CSV's quoting is kept)."""
    return path.read_text(encoding="utf-8").split("\n")


def set_lines(path: Path, new_lines: list[str]) -> None:
    """Write ``new_lines`` joined with LF."""
    path.write_text("\n".join(new_lines), encoding="utf-8", newline="")


def row_of(path: Path, prefix: str) -> int:
    """Return the spreadsheet row number (header = 1) of the first line starting with ``prefix``."""
    return 1 + next(i for i, line in enumerate(lines(path)) if line.startswith(prefix))


def duplicate_roundtable(root: Path) -> None:
    """Insert a second row with the id of roundtable 2 (and a new number)."""
    path = root / "corpus/roundtables.csv"
    rows = lines(path)
    fields = rows[2].split(",")
    fields[1] = "17"  # a new number, the id of roundtable 2 kept
    rows.insert(3, ",".join(fields))
    set_lines(path, rows)


def dangling_standard(root: Path) -> None:
    """Point guideline 3.3 at a standard that does not exist."""
    edit(root / "corpus/guidelines.csv", "guideline:3.3,standard:3,", "guideline:3.3,standard:9,")


def missing_column(root: Path) -> None:
    """Drop the ``number`` column of roundtables.csv."""
    path = root / "corpus/roundtables.csv"
    rows = [
        ",".join(line.split(",")[:1] + line.split(",")[2:]) if line else line
        for line in lines(path)
    ]
    set_lines(path, rows)


def unexpected_column(root: Path) -> None:
    """Add an undeclared column ``colour`` to consultations.csv."""
    path = root / "corpus/consultations.csv"
    rows = lines(path)
    rows[0] += ",colour"
    rows[1:] = [line + ",x" if line else line for line in rows[1:]]
    set_lines(path, rows)


def empty_required(root: Path) -> None:
    """Empty the required ``date`` of a search."""
    edit(root / "corpus/searches.csv", ",2022-07,", ",,")


def too_few_fields(root: Path) -> None:
    """Cut the fourth roundtable's record to three fields."""
    path = root / "corpus/roundtables.csv"
    rows = lines(path)
    rows[4] = ",".join(rows[4].split(",")[:3])
    set_lines(path, rows)


def bom_and_crlf(root: Path) -> None:
    """Re-save standards.csv as a spreadsheet would: byte-order mark and CRLF line ends."""
    path = root / "corpus/standards.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))


def latin1(root: Path) -> None:
    """Re-save roundtables.csv in Latin-1 (with an accented letter that differs from UTF-8)."""
    path = root / "corpus/roundtables.csv"
    text = path.read_text(encoding="utf-8").replace("Victim–survivor", "Victim-survivor é")
    path.write_bytes(text.encode("latin-1"))


def empty_file(root: Path) -> None:
    """Truncate roundtables.csv to nothing."""
    (root / "corpus/roundtables.csv").write_text("", encoding="utf-8")


def missing_file(root: Path) -> None:
    """Delete roundtables.csv."""
    (root / "corpus/roundtables.csv").unlink()


def table_is_a_folder(root: Path) -> None:
    """Put a folder where roundtables.csv was."""
    (root / "corpus/roundtables.csv").unlink()
    (root / "corpus/roundtables.csv").mkdir()


def descriptor_is_a_folder(root: Path) -> None:
    """Put a folder where corpus/datapackage.json was."""
    (root / "corpus/datapackage.json").unlink()
    (root / "corpus/datapackage.json").mkdir()


def not_an_integer(root: Path) -> None:
    """Spell the first roundtable's number as a word."""
    path = root / "corpus/roundtables.csv"
    rows = lines(path)
    fields = rows[1].split(",")
    fields[1] = "one"
    rows[1] = ",".join(fields)
    set_lines(path, rows)


def wrong_count(root: Path) -> None:
    """Delete roundtable 16, so the table no longer holds the 16 the sources fix."""
    path = root / "corpus/roundtables.csv"
    set_lines(path, [line for line in lines(path) if not line.startswith("roundtable:16,")])


def malformed_bib(root: Path) -> None:
    """Append a BibTeX entry whose title brace is never closed."""
    path = root / "references.bib"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n@article{broken2020,\n  title = {Unclosed\n",
        encoding="utf-8",
    )


def duplicate_bib_key(root: Path) -> None:
    """Append a copy of the first entry of references.bib (same key)."""
    path = root / "references.bib"
    text = path.read_text(encoding="utf-8")
    first = text.index("@", 1)
    entry_end = text.index("\n}", first) + 2
    path.write_text(text + "\n" + text[first:entry_end] + "\n", encoding="utf-8")


def bib_without_year(root: Path) -> None:
    """Delete the ``year`` field of the first entry (``almeida1999``)."""
    edit(root / "references.bib", "  year = {1999},\n", "")


def huge_field(root: Path) -> None:
    """Make the text of the first narrative 1 MB long (its own text repeated)."""
    path = root / "corpus/narratives.csv"
    rows = lines(path)
    header = rows[0].split(",")
    assert header[:1] == ["narrative_id"] and "text" in header
    # The first record's text is quoted; repeat a plain-ASCII run of it inside the quotes.
    match = re.search(r',"([A-Za-z ]{20,})', rows[1])
    assert match, rows[1][:200]
    chunk = match.group(1)
    filler = (chunk * (2**20 // len(chunk) + 1))[: 2**20]
    rows[1] = rows[1][: match.start(1)] + filler + rows[1][match.start(1) :]
    set_lines(path, rows)


def html_in_titles(root: Path) -> None:
    """Plant :data:`HTML_PAYLOAD` in titles and labels every renderer shows.

    The payload goes into the data package's title, a framework's name, a collated standard's
    title, a guideline's text and a bibliography title. It is valid data (a title may well
    mention ``<b>`` or ``&``), so validation passes and every renderer must escape it.
    """
    path = root / "corpus/datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["title"] = f"{descriptor['title']} {HTML_PAYLOAD}"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for table, key, column in (
        ("frameworks", "framework:csaap", "name"),
        ("collated_standards", "collated_standard:1", "title"),
        ("guidelines", "guideline:1.1", "text"),
    ):
        set_cell(root / f"corpus/{table}.csv", key, column, lambda v: f"{HTML_PAYLOAD} {v}")
    edit(
        root / "references.bib",
        "  title = {Addressing culture in batterers intervention:",
        "  title = {" + HTML_PAYLOAD.replace("&", "\\&") + " Addressing culture in batterers "
        "intervention:",
    )


def set_cell(path: Path, key: str, column: str, change) -> None:
    """Replace one cell of a corpus CSV (the first row whose first field is ``key``) by
    ``change(old)``.

    The file is read and written with the ``csv`` module in the corpus's canonical form, so
    only that cell differs.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    index = records[0].index(column)
    matches = [r for r in records[1:] if r and r[0] == key]
    assert matches, f"{key} not in {path}"
    matches[0][index] = change(matches[0][index])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(records)


def unknown_crosswalk_relation(root: Path) -> None:
    """Give the first crosswalk row a relation outside NIST IR 8477's vocabulary."""
    set_cell(root / "corpus/crosswalk.csv", "guideline:2.6", "relation", lambda v: "related_to")


def unknown_override_topic(root: Path) -> None:
    """Point the first coding override at a topic the codebook does not have."""
    set_cell(
        root / "corpus/coding_overrides.csv",
        "guideline:5.4",
        "topic_id",
        lambda v: "topic:women_perpetrator",
    )


def stated_gap_unknown_row(root: Path) -> None:
    """Put the first stated gap under a Standard 9 the report does not have."""
    set_cell(root / "corpus/stated_gaps.csv", "stated_gap:1", "row_id", lambda v: "standard:9")
