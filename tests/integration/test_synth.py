"""`workbench synth`: a synthetic root N times the corpus that validates, scales every table
and the bibliography, keeps the share of unresolved citations, and is deterministic."""

from __future__ import annotations

import json

import pytest

from workbench.citations import citation_audit
from workbench.cli import main
from workbench.validation import load_corpus

SCALE = 3


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, repo_root):
    out = tmp_path_factory.mktemp("synth") / "x3"
    assert main(["synth", "--root", str(repo_root), "--scale", str(SCALE), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def synthetic_corpus(synthetic):
    return load_corpus(synthetic)


def test_synthetic_root_validates(synthetic, capsys):
    assert main(["validate", "--root", str(synthetic)]) == 0, capsys.readouterr().err


def test_every_table_but_documents_and_codebook_scales(corpus, synthetic_corpus):
    for name, frame in corpus.tables.items():
        expected = len(frame) if name in ("documents", "codebook") else SCALE * len(frame)
        if name == "crosswalk_dispositions":  # plus each copy's guidelines against the
            expected += (SCALE - 1) * 37 * 3  # three frameworks every guideline is reviewed by
        assert len(synthetic_corpus[name]) == expected, name
    assert len(synthetic_corpus.references) == SCALE * 86


def test_descriptor_is_labelled_synthetic_with_scaled_counts(synthetic):
    descriptor = json.loads((synthetic / "corpus/datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["title"].startswith(f"SYNTHETIC ×{SCALE}")
    counts = {
        r["name"]: r["x-expectedRows"]["count"]
        for r in descriptor["resources"]
        if "x-expectedRows" in r
    }
    assert counts["guidelines"] == 37 * SCALE and counts["roundtables"] == 16 * SCALE
    assert counts["documents"] == 5
    assert descriptor["x-bibliography"]["expectedEntries"]["count"] == 86 * SCALE


def test_copies_are_renamed_systematically(synthetic_corpus):
    guidelines = synthetic_corpus["guidelines"].set_index("guideline_id")
    assert guidelines.loc["guideline:10.3", "standard_id"] == "standard:10"
    assert guidelines.loc["guideline:10.3", "text"] == guidelines.loc["guideline:3.3", "text"]
    items = synthetic_corpus["framework_items"].set_index("item_id")
    assert items.loc["framework_item:csaap_syn2:1", "framework_id"] == "framework:csaap_syn2"
    references = synthetic_corpus.references.set_index("key")
    assert references.loc["almeidaashley1999", "surnames"] == (
        "Almeida-Ashley",
        "Dolan-Delvecchio-Ashley",
    )
    assert references.loc["almeidaashley1999", "title"] == references.loc["almeida1999", "title"]


def test_citations_keep_the_source_density_and_share_unresolved(corpus, synthetic_corpus):
    source = citation_audit(corpus)["status"].value_counts()
    scaled = citation_audit(synthetic_corpus)["status"].value_counts()
    assert scaled.to_dict() == (source * SCALE).to_dict()


def test_synth_is_deterministic(tmp_root, tmp_path):
    outs = [tmp_path / "first", tmp_path / "second"]
    for out in outs:
        assert main(["synth", "--root", str(tmp_root), "--scale", "2", "--out", str(out)]) == 0
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    # + descriptor, bib and the marker saying synth made the folder (compared too)
    assert len(files) == len(list(tmp_root.glob("corpus/*.csv"))) + 3
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
