"""references.bib: the reference list of the standards document, read with bibtexparser 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.bibliography import (
    REFERENCE_COLUMNS,
    entry_surnames,
    read_bibliography,
    references_frame,
    write_bibliography,
)


@pytest.fixture(scope="module")
def shipped(repo_root):
    library, problems = read_bibliography(repo_root / "references.bib")
    assert problems == []
    return library


@pytest.fixture(scope="module")
def references(shipped):
    return references_frame(shipped).set_index("key")


def test_all_86_entries_of_the_reference_list(shipped, references):
    assert len(shipped.entries) == 86
    assert shipped.failed_blocks == []
    assert list(references_frame(shipped).columns) == REFERENCE_COLUMNS
    assert references.index.is_unique and references.index.is_monotonic_increasing
    # every entry is one line of the list, lines 381-551, every other line
    lines = sorted(int(line) for line in references["lines"])
    assert lines == list(range(381, 552, 2))
    assert set(references["source"]) == {"001_5b70540cc7bcf418.txt"}


def test_year_suffixes_only_where_the_list_prints_them(references):
    suffixed = references[references["year_suffix"] != ""]
    assert suffixed.index.tolist() == ["morrison2019a", "morrison2019b"]
    assert set(suffixed["year"]) == {"2019"}


def test_morrison_2019a_fields(shipped, references):
    row = references.loc["morrison2019a"]
    assert row["entry_type"] == "article"
    assert row["surnames"][:3] == ("Morrison", "Hawker", "Miller")
    assert len(row["surnames"]) == 10
    assert row["title"] == (
        "The Operational Challenges for Batterer Intervention Programs: Results From a 2-Year Study"
    )
    assert row["container"] == "Journal of Interpersonal Violence"
    assert row["lines"] == "479"
    entry = shipped.entries_dict["morrison2019a"]
    assert (entry["volume"], entry["number"], entry["pages"]) == ("34", "13", "2674–2696")


def test_corporate_authors_are_one_name(references):
    assert references.loc["homeoffice2022", "surnames"] == ("Home Office",)
    assert references.loc["wwpen2018", "surnames"] == ("WWP EN",)
    assert references.loc["councilofaustraliangovernments2015", "surnames"] == (
        "Council of Australian Governments",
    )
    assert references.loc["homeoffice2022", "entry_type"] == "techreport"


def test_printed_names_and_special_characters_come_back_decoded(shipped, references):
    assert references.loc["arias2013", "surnames"] == ("Arias", "Arce", "Vilariño")
    assert references.loc["parracardona2013", "surnames"][-1] == "González Ramírez"
    assert references.loc["cantos2014", "surnames"] == ("Cantos", "O’Leary")
    # "et al." in the list is "and others" in BibTeX, not a surname
    assert references.loc["hester2019", "surnames"] == ("Hester",)
    assert references.loc["gondolf1986", "container"] == (
        "Response to the Victimization of Women & Children"
    )
    assert references.loc["almeida1999", "title"].startswith(
        "Addressing culture in batterers intervention: The Asian Indian community"
    )


def test_years_kept_as_listed(references):
    # the text cites Bonta and Andrews 2017 twice; the list says 2016 and the bib keeps it
    assert references.loc["bonta2016", "year"] == "2016"
    assert references.loc["bonta2016", "container"] == "Routledge"
    # two Cannon 2016 entries without suffixes in the list
    assert references.loc["cannonbuttell2016", "surnames"] == ("Cannon", "Buttell")
    assert len(references.loc["cannonetal2016", "surnames"]) == 4


def _break(root: Path, old: str, new: str) -> Path:
    bib = root / "references.bib"
    text = bib.read_text(encoding="utf-8")
    assert old in text
    bib.write_text(text.replace(old, new, 1), encoding="utf-8")
    return bib


def _lines_of(bib: Path, needle: str) -> list[int]:
    return [
        n
        for n, line in enumerate(bib.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]


def _line_of(bib: Path, needle: str) -> int:
    return _lines_of(bib, needle)[0]


def test_duplicate_key_is_a_problem_with_its_line(tmp_root):
    bib = _break(tmp_root, "@article{arias2013,", "@article{almeida1999,")
    library, problems = read_bibliography(bib)
    assert len(library.entries) == 85
    [problem] = problems
    first, second = _lines_of(bib, "@article{almeida1999,")
    assert (problem.row, problem.column) == (second, "key")
    assert "duplicate key 'almeida1999'" in problem.message
    assert f"first used on line {first}" in problem.message


def test_malformed_entry_is_a_problem_with_its_line(tmp_root):
    bib = _break(
        tmp_root,
        "  title = {Treatment of partner aggressive women},\n",
        "  title = {Treatment of partner aggressive women,\n",
    )
    library, problems = read_bibliography(bib)
    assert len(library.entries) < 86
    rows = [p.row for p in problems]
    assert _line_of(bib, "@article{leisring2003,") in rows
    assert all(str(p).startswith("references.bib:") for p in problems)


def test_a_field_given_twice_is_a_problem(tmp_root):
    bib = _break(
        tmp_root,
        "  title = {Treatment of partner aggressive women},\n",
        "  title = {Treatment of partner aggressive women},\n  title = {Other},\n",
    )
    library, problems = read_bibliography(bib)
    assert "leisring2003" not in library.entries_dict
    assert [(p.row, p.column) for p in problems] == [
        (_line_of(bib, "@article{leisring2003,"), "title")
    ]
    assert "more than once" in problems[0].message


def test_missing_required_fields_are_problems(tmp_root):
    bib = _break(
        tmp_root, "  year = {2003},\n  title = {Treatment of partner aggressive women},\n", ""
    )
    _, problems = read_bibliography(bib)
    assert {(p.row, p.column) for p in problems} == {
        (_line_of(bib, "@article{leisring2003,"), "year"),
        (_line_of(bib, "@article{leisring2003,"), "title"),
    }
    bib = _break(tmp_root, "  author = {Ward, T.},\n", "")
    _, problems = read_bibliography(bib)
    assert ("author", "ward2002") in {(p.column, p.message.split("'")[1]) for p in problems}


def test_unreadable_files_are_problems(tmp_path):
    [missing] = read_bibliography(tmp_path / "references.bib")[1]
    assert str(missing).startswith("references.bib: file is missing")
    latin1 = tmp_path / "latin1.bib"
    latin1.write_bytes("@misc{x,\n  title = {Vilari\u00f1o},\n}\n".encode("latin-1"))
    [problem] = read_bibliography(latin1)[1]
    assert problem.row == 2 and "UTF-8" in problem.message


def test_round_trip_keeps_every_entry_and_field(shipped, tmp_path):
    written = write_bibliography(shipped, tmp_path / "copy.bib")
    again, problems = read_bibliography(written)
    assert problems == []
    assert [e.key for e in again.entries] == [e.key for e in shipped.entries]
    for before, after in zip(shipped.entries, again.entries, strict=True):
        assert after.entry_type == before.entry_type
        assert {f.key: f.value for f in after.fields} == {f.key: f.value for f in before.fields}
    assert references_frame(again).equals(references_frame(shipped))
    # titles are braced so that styles keep the printed capitals
    assert "title = {{The Psychology of Criminal Conduct}}" in written.read_text(encoding="utf-8")


def test_every_field_is_printed_on_the_entry_s_line_of_the_reference_list(shipped, seeds_dir):
    """The bib is faithful: each value is on the line its ``lines`` field names."""
    text = (seeds_dir / "001_5b70540cc7bcf418.txt").read_text(encoding="utf-8").splitlines()
    for entry in shipped.entries:
        line = text[int(entry["lines"]) - 1]
        assert entry["source"] == "001_5b70540cc7bcf418.txt"
        for field in (
            "title",
            "journal",
            "booktitle",
            "publisher",
            "institution",
            "address",
            "volume",
            "number",
            "year",
        ):
            if field in entry:
                assert entry[field] in line, (entry.key, field)
        for name in entry_surnames(entry):
            assert name in line, (entry.key, name)
        compact = line.replace(" ", "").replace("–", "-")
        if "pages" in entry:
            assert entry["pages"].replace("–", "-") in compact, entry.key
        if "url" in entry:
            assert entry["url"] in compact, entry.key
