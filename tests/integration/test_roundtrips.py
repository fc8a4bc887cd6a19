"""Round-trips lose nothing: the bibliography written and read back keeps every entry and field;
every corpus CSV loaded and written back is byte-identical."""

from __future__ import annotations

import pytest

from conftest import REPO_ROOT
from workbench.bibliography import read_bibliography, write_bibliography
from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, read_descriptor, write_table

_DESCRIPTOR = read_descriptor(REPO_ROOT)[0]


def _entries(library) -> dict[str, tuple[str, dict[str, object]]]:
    return {
        entry.key: (entry.entry_type, {f.key: f.value for f in entry.fields})
        for entry in library.entries
    }


def test_bibliography_parse_write_parse_keeps_every_entry_and_field(repo_root, tmp_path):
    first, problems = read_bibliography(repo_root / BIBLIOGRAPHY)
    assert problems == []
    assert len(first.entries) == 86
    written = write_bibliography(first, tmp_path / "written.bib")
    second, problems = read_bibliography(written)
    assert problems == []
    before, after = _entries(first), _entries(second)
    assert list(after) == list(before), "same keys in the same order"
    for key, (entry_type, fields) in before.items():
        assert after[key][0] == entry_type, key
        assert list(after[key][1]) == list(fields), f"{key}: same fields in the same order"
        for name, value in fields.items():
            assert after[key][1][name] == value, f"{key}.{name}"
    # a second write of the re-read library gives the same text: writing is a fixed point
    again = write_bibliography(second, tmp_path / "again.bib")
    assert again.read_bytes() == written.read_bytes()


def test_bibliography_round_trip_keeps_latex_specials_and_unicode(corpus, tmp_path):
    titles = corpus.references.set_index("key")["title"]
    assert any("&" in t for t in titles) or any(not t.isascii() for t in titles)
    library, _ = read_bibliography(
        write_bibliography(corpus.bibliography, tmp_path / "written.bib")
    )
    assert dict(zip(*_titles(library), strict=True)) == titles.to_dict()


def _titles(library) -> tuple[list[str], list[str]]:
    keys = [e.key for e in library.entries]
    return keys, [e.fields_dict["title"].value for e in library.entries]


@pytest.mark.parametrize("resource", [r["name"] for r in _DESCRIPTOR["resources"]])
def test_corpus_csv_load_write_is_byte_identical(corpus, resource, tmp_path):
    path = corpus.root / CORPUS_DIR / corpus.resource(resource)["path"]
    write_table(corpus[resource], tmp_path / path.name)
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()
