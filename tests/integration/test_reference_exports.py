"""The reference list for reference managers, read by their readers: RIS by rispy (as
EPPI-Reviewer and Zotero import it), CSL-JSON by pandoc (as pandoc and Zotero read it)."""

from __future__ import annotations

import csv
import json

import pytest
import rispy

from workbench.bibliography import read_bibliography
from workbench.corpus import BIBLIOGRAPHY

#: BibTeX entry types and the RIS and CSL types a reference manager files them under.
RIS_TYPE = {
    "article": "JOUR",
    "book": "BOOK",
    "incollection": "CHAP",
    "techreport": "RPRT",
    "misc": "GEN",
}
CSL_TYPE = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "techreport": "report",
    "misc": "document",
}
#: The item types of CSL 1.0.2 (the ``type`` vocabulary of csl-data.json).
CSL_TYPES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
}


@pytest.fixture(scope="module")
def bib(repo_root):
    library, problems = read_bibliography(repo_root / BIBLIOGRAPHY)
    assert problems == []
    return {entry.key: entry for entry in library.entries}


def _first_family(entry) -> str:
    first = entry.fields_dict["author"].value[0]
    return " ".join(first.von + first.last).strip("{}")


def _quotes(text: str) -> str:
    return text.translate(str.maketrans("‘’“”", '""""'))


@pytest.fixture(scope="module")
def orphans(shipped_build) -> set[str]:
    with open(shipped_build / "orphan_references.csv", encoding="utf-8", newline="") as f:
        return {row["key"] for row in csv.DictReader(f)}


def test_rispy_reads_every_entry_with_its_key_fields_and_audit_note(shipped_build, bib, orphans):
    with open(shipped_build / "references.ris", encoding="utf-8") as handle:
        records = rispy.load(handle)
    assert len(records) == len(bib) == 86
    assert [r["id"] for r in records] == list(bib)
    for record in records:
        entry = bib[record["id"]]
        fields = entry.fields_dict
        assert record["type_of_reference"] == RIS_TYPE[entry.entry_type], record["id"]
        assert record["title"] == fields["title"].value, record["id"]
        assert record["year"] == fields["year"].value, record["id"]
        assert record["authors"][0].split(",")[0] == _first_family(entry), record["id"]
        audit = [n for n in record["notes"] if n.startswith("Citation audit: ")]
        assert len(audit) == 1, record["id"]
        assert ("never cited as listed" in audit[0]) == (record["id"] in orphans), record["id"]
        assert f"line {fields['lines'].value}." in " ".join(record["notes"])
        if "journal" in fields:
            assert record["secondary_title"] == fields["journal"].value
    by_key = {r["id"]: r for r in records}
    # the report cites Bonta and Andrews as 2017 twice and lists the book as 2016
    assert any(
        "cited as “Bonta and Andrews, 2017”" in n and "dates this work 2016" in n
        for n in by_key["bonta2016"]["notes"]
    )
    assert by_key["homeoffice2022"]["authors"] == ["Home Office"]  # a corporate author
    assert by_key["hester2019"]["notes"][1] == (
        "The reference list gives further authors as “et al.”."
    )


def test_csl_json_has_pandoc_s_required_keys_for_every_entry(shipped_build, bib):
    items = json.loads((shipped_build / "references.json").read_text(encoding="utf-8"))
    assert len(items) == len(bib) == 86
    for item in items:
        entry = bib[item["id"]]
        assert item["type"] in CSL_TYPES and item["type"] == CSL_TYPE[entry.entry_type]
        assert item["title"] == entry.fields_dict["title"].value
        assert item["issued"]["date-parts"] == [[int(entry.fields_dict["year"].value)]]
        first = item["author"][0]
        assert first.get("family", first.get("literal")) == _first_family(entry)
        assert all(("family" in a) != ("literal" in a) for a in item["author"])
        assert item["note"].startswith("Citation audit: ")


def test_pandoc_reads_the_csl_json_and_cites_from_it(shipped_build, bib, tmp_path):
    import pypandoc

    path = shipped_build / "references.json"
    again = json.loads(pypandoc.convert_file(str(path), "csljson", format="csljson"))
    assert [item["id"] for item in again] == list(bib)
    for item in again:
        entry = bib[item["id"]]
        # CSL processors localise quotation marks in titles (pandoc writes ‘…’ as “…”)
        assert _quotes(item["title"]) == _quotes(entry.fields_dict["title"].value)
        assert item["issued"]["date-parts"][0][0] == int(entry.fields_dict["year"].value)
        first = item["author"][0]
        assert first.get("family", first.get("literal")) == _first_family(entry)
    document = tmp_path / "cite.md"
    document.write_text("See @bonta2016 and @homeoffice2022.\n", encoding="utf-8")
    text = pypandoc.convert_file(
        str(document), "plain", extra_args=["--citeproc", f"--bibliography={path}"]
    )
    assert "Bonta and Andrews (2016)" in text and "Home Office (2022)" in text
    assert "The Psychology of Criminal Conduct" in text  # the bibliography pandoc formatted
