"""`workbench build` writes the citation audit, the orphans and the graph exports, atomically."""

from __future__ import annotations

import csv
import json
import re
import shutil

import networkx as nx
import pytest

from workbench.build import build
from workbench.cli import main
from workbench.dataflow import node_module

ARTEFACTS = [
    "citation_audit.csv",
    "orphan_references.csv",
    "graph.graphml",
    "graph.json",
    "edges.csv",
]


@pytest.fixture(scope="module")
def built(repo_root, shipped_build, tmp_path_factory):
    """``workbench build`` of the shipped root over a copy of the shipped build: the command
    rewrites every file, reusing from the verified cache what it would make the same."""
    out = tmp_path_factory.mktemp("build") / "out"
    shutil.copytree(shipped_build, out, symlinks=True)
    assert main(["build", "--root", str(repo_root), "--out", str(out)]) == 0
    return out


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_build_writes_the_evidence_artefacts(built):
    for name in ARTEFACTS:
        assert (built / name).is_file(), name
    index = (built / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in ARTEFACTS)


def test_citation_audit_csv(built):
    rows = _rows(built / "citation_audit.csv")
    assert list(rows[0])[:6] == [
        "location",
        "cited_as",
        "status",
        "key",
        "candidate_key",
        "sentence",
    ]
    # the 123 citations of the narratives listed by hand in tests/fixtures/ and guideline 2.6's
    assert len(rows) == 124
    mauiro = [r for r in rows if r["cited_as"] == "Mauiro et al. (2008)"]
    assert [(r["status"], r["candidate_key"]) for r in mauiro] == [("name_mismatch", "maiuro2008")]
    orphans = _rows(built / "orphan_references.csv")
    assert len(orphans) == 14
    assert {"key", "ref_id", "near_misses"} <= set(orphans[0])


def test_graph_exports_open_again(built):
    # read with networkx's own readers, as a user of the files would
    graph = nx.read_graphml(built / "graph.graphml", node_type=str, force_multigraph=True)
    again = nx.node_link_graph(json.loads((built / "graph.json").read_text(encoding="utf-8")))
    assert sorted(graph.nodes(data=True)) == sorted(again.nodes(data=True))
    assert sorted(graph.edges(keys=True, data=True)) == sorted(again.edges(keys=True, data=True))
    assert graph.nodes["ref:morrison2019a"]["kind"] == "reference"
    assert len(_rows(built / "edges.csv")) == graph.number_of_edges()


def test_a_failing_build_leaves_the_previous_evidence_untouched(built, repo_root, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    failing = node_module(
        "def fail(graph_files: Artefacts) -> Artefacts:\n    raise RuntimeError('disk full')\n"
    )

    with pytest.raises(RuntimeError):
        build(repo_root, out, ["citation_files", "graph_files", "fail"], modules=[failing], jobs=1)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_evidence_command(repo_root, capsys):
    assert main(["evidence", "guideline:3.3", "--root", str(repo_root)]) == 0
    out = capsys.readouterr().out
    assert "it inherits the evidence of\nits standard, standard:3" in out
    assert "  ref:cannonetal2016  " in out and "  roundtable:14  " in out
    assert main(["evidence", "ref:morrison2019a", "--root", str(repo_root)]) == 0
    assert re.findall(
        r"^  (standard:\d)  .*\n +where: (\S+), (\S+), ", capsys.readouterr().out, re.M
    ) == [
        ("standard:1", "001_5b70540cc7bcf418.txt", "narrative:standard:1"),
        ("standard:6", "001_5b70540cc7bcf418.txt", "narrative:standard:6"),
        ("standard:7", "001_5b70540cc7bcf418.txt", "narrative:standard:7"),
    ]
    # cited as 2016 in Appendix 1 and as 2017 in Standards 4 (line 235) and 7 (line 371): the
    # two near misses count for the entry the reference list dates 2016
    assert main(["evidence", "ref:bonta2016", "--root", str(repo_root)]) == 0
    assert re.findall(
        r"^  (standard:\d)  .*\n +where: (\S+), (\S+), line (\d+)", capsys.readouterr().out, re.M
    ) == [
        ("standard:4", "001_5b70540cc7bcf418.txt", "narrative:standard:4", "235"),
        ("standard:7", "001_5b70540cc7bcf418.txt", "narrative:standard:7", "371"),
    ]
    # cited only in Appendix 1 (line 733)
    assert main(["evidence", "ref:richards2021", "--root", str(repo_root)]) == 0
    assert (
        "No standard or guideline of the gap map rests on ref:richards2021."
        in capsys.readouterr().out
    )
    # as near to every guideline x.y as to any other: none is singled out (the near misses
    # that are offered an id are in test_cli_evidence.py)
    assert main(["evidence", "guideline:9.9", "--root", str(repo_root)]) == 1
    err = capsys.readouterr().err
    assert "guideline:9.9 names no standard, guideline or evidence item (e.g." in err
    assert "did you mean" not in err


def test_graph_json_is_networkx_default_node_link_form(built, corpus):
    import json
    import warnings

    import networkx as nx

    from workbench.graph import build_graph

    with open(built / "graph.json", encoding="utf-8") as handle, warnings.catch_warnings():
        warnings.simplefilter("error")  # networkx's defaults read it without a FutureWarning
        again = nx.node_link_graph(json.load(handle))
    graph = build_graph(corpus)
    assert again.is_directed() and again.is_multigraph()
    assert sorted(again.nodes(data=True)) == sorted(graph.nodes(data=True))
    assert sorted(again.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))
    assert again.graph == graph.graph
    # every edge keeps its provenance beside its endpoints
    assert all(d["source_file"].endswith(".txt") for *_, d in again.edges(data=True))


def test_graphml_opens_in_igraph_with_every_node_edge_and_attribute(built, corpus):
    import igraph  # a second GraphML reader, independent of networkx

    from workbench.graph import build_graph

    graph = build_graph(corpus)
    read = igraph.Graph.Read_GraphML(str(built / "graph.graphml"))
    assert read.is_directed()
    assert read.vcount() == graph.number_of_nodes()
    assert read.ecount() == graph.number_of_edges()
    names = read.vs["id"]
    assert sorted(names) == sorted(graph.nodes)
    assert {"kind", "label", "source"} <= set(read.vs.attributes())
    assert {"kind", "source_file", "location", "lines"} <= set(read.es.attributes())
    edges = sorted(
        (names[e.source], names[e.target], e["kind"], e["source_file"], e["lines"]) for e in read.es
    )
    assert edges == sorted(
        (u, v, d["kind"], d["source_file"], d["lines"]) for u, v, d in graph.edges(data=True)
    )
