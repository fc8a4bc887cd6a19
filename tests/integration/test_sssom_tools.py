"""The crosswalk's SSSOM file as sssom-py reads it: its CLI and its Python API accept it and
keep every mapping, in SSSOM/TSV, JSON and OWL alike."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench import crosswalk as cw
from workbench.render.sssom import render_sssom


def _sssom(*args: str) -> Result:
    """Run sssom-py's command line (its click group, the code of its ``sssom`` script) in this
    process: the commands are sssom-py's own, without a Python start-up for each of them.

    The CLI sets the root logger's level; the level is put back so no other test sees it.
    """
    from sssom.cli import main

    level = logging.getLogger().level
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        logging.getLogger().setLevel(level)


def _crosswalk_rows(root: Path) -> list[dict[str, str]]:
    with open(root / "corpus" / "crosswalk.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sssom_file(shipped_build) -> Path:
    return shipped_build / "crosswalk.sssom.tsv"


def test_sssom_cli_validates_parses_and_converts_keeping_every_mapping(
    sssom_file, repo_root, tmp_path, caplog
):
    rows = _crosswalk_rows(repo_root)
    related = [r for r in rows if r["relation"] != "not_related"]
    assert len(related) == len(rows), "the shipped crosswalk has no not_related rows"
    caplog.set_level(logging.WARNING)
    result = _sssom("validate", str(sssom_file))
    assert result.exit_code == 0, result.output
    assert "not a valid" not in result.output and "ERROR" not in result.output, result.output
    # sssom-py reports each validation error with logging.error (on stderr from its script)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], errors

    parsed = tmp_path / "parsed.sssom.tsv"
    # Most of this test's time: without --metadata, sssom-py's parse merges the file's prefixes
    # with its default (Bioregistry) prefix map, built once per process by curies, whose
    # duplicate check is quadratic in the ~1,600 prefixes. That merge is what a user's
    # `sssom parse` meets, so it is kept; validate and convert do not build that map.
    result = _sssom("parse", str(sssom_file), "-o", str(parsed))
    assert result.exit_code == 0, result.output
    lines = [
        line
        for line in parsed.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(lines) - 1 == len(related)  # less the header

    as_json = tmp_path / "crosswalk.json"
    result = _sssom("convert", str(sssom_file), "-O", "json", "-o", str(as_json))
    assert result.exit_code == 0, result.output
    document = json.loads(as_json.read_text(encoding="utf-8"))
    assert len(document["mappings"]) == len(related)
    assert document["mapping_set_id"] == "urn:workbench:crosswalk"

    as_owl = tmp_path / "crosswalk.owl.ttl"
    result = _sssom("convert", str(sssom_file), "-O", "owl", "-o", str(as_owl))
    assert result.exit_code == 0, result.output
    import rdflib  # sssom-py's RDF library reads the OWL output back

    graph = rdflib.Graph().parse(as_owl, format="turtle")
    axioms = set(graph.subjects(rdflib.RDF.type, rdflib.OWL.Axiom))
    assert len(axioms) == len(related)
    assert (rdflib.URIRef("urn:workbench:crosswalk"), rdflib.RDF.type, rdflib.OWL.Ontology) in graph


def test_sssom_api_keeps_ids_predicates_and_the_ir_8477_relation(sssom_file, repo_root):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(sssom_file)
    reports = validate(msdf, fail_on_error=False)
    assert all(report.results == [] for report in reports.values()), reports
    rows = _crosswalk_rows(repo_root)
    assert len(msdf.df) == len(rows)
    expand = msdf.converter.expand
    # each mapping expands to the row's ids in the workbench namespace, with its relation
    kept = {
        (expand(s), p, expand(o), comment.split(" (")[0])
        for s, p, o, comment in zip(
            msdf.df["subject_id"],
            msdf.df["predicate_id"],
            msdf.df["object_id"],
            msdf.df["comment"],
            strict=True,
        )
    }
    predicates = {
        "equal": "skos:exactMatch",
        "subset_of": "skos:broadMatch",
        "superset_of": "skos:narrowMatch",
        "intersects_with": "skos:relatedMatch",
    }

    def iri(element_id: str) -> str:
        kind, local = element_id.split(":", 1)
        return f"urn:workbench:{kind}:{local.replace(':', '/')}"

    wanted = {
        (
            iri(r["focal_id"]),
            predicates[r["relation"]],
            iri(r["reference_id"]),
            f"NIST IR 8477 {r['relation']}",
        )
        for r in rows
    }
    assert kept == wanted
    assert set(msdf.df["mapping_justification"]) == {
        "semapv:ManualMappingCuration",
        "semapv:MappingChaining",
    }


def test_a_not_related_row_is_a_negated_skos_mapping_for_sssom_py(corpus, tmp_path):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    crosswalk = corpus.tables["crosswalk"].copy()
    crosswalk.loc[0, ["relation", "strength"]] = ["not_related", 0]
    tables = {**corpus.tables, "crosswalk": crosswalk}
    path = tmp_path / "negated.sssom.tsv"
    path.write_text(render_sssom(cw.sssom_table(tables)), encoding="utf-8")
    msdf = parse_sssom_table(path)
    assert all(report.results == [] for report in validate(msdf, fail_on_error=False).values())
    focal = cw.sssom_curie(crosswalk.loc[0, "focal_id"])
    reference = cw.sssom_curie(crosswalk.loc[0, "reference_id"])
    row = msdf.df[(msdf.df["subject_id"] == focal) & (msdf.df["object_id"] == reference)]
    assert row["predicate_id"].tolist() == ["skos:relatedMatch"]
    assert row["predicate_modifier"].tolist() == ["Not"]
    assert (msdf.df["predicate_modifier"] == "Not").sum() == 1
    assert "not_related" not in set(corpus.tables["crosswalk"]["relation"])
