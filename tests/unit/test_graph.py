"""The evidence graph: nodes, edges with provenance, queries, and exports that read back."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import networkx as nx
import pandas as pd
import pytest

from workbench.citations import citation_audit
from workbench.dataflow.artefacts import graph_files
from workbench.graph import (
    EDGE_COLUMNS,
    EDGE_KINDS,
    NODE_KINDS,
    build_graph,
    evidence_counts,
    evidence_for,
    neighbourhood,
    neighbours_by_kind,
    references_by_standards,
    standards_citing,
)


@pytest.fixture(scope="module")
def graph(corpus):
    return build_graph(corpus)


def _edges(graph, kind):
    return [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == kind]


def test_every_node_has_a_kind_and_label_and_every_edge_its_provenance(graph):
    assert {d["kind"] for _, d in graph.nodes(data=True)} == set(NODE_KINDS)
    assert all(d["label"] for _, d in graph.nodes(data=True))
    assert {d["kind"] for *_, d in graph.edges(data=True)} == set(EDGE_KINDS)
    for *_, data in graph.edges(data=True):
        assert data["source_file"].endswith(".txt") and data["location"] and data["lines"]


def test_nodes_for_every_corpus_row(graph, corpus):
    kinds = pd.Series([d["kind"] for _, d in graph.nodes(data=True)]).value_counts()
    assert kinds["reference"] == 86
    assert kinds["standard"] == 7 and kinds["guideline"] == 37
    assert kinds["roundtable"] == 16 and kinds["consultation"] == 2
    assert kinds["search"] == 52 and kinds["collated_standard"] == 24
    assert kinds["framework_item"] == len(corpus["framework_items"])
    assert graph.nodes["ref:morrison2019a"]["label"] == "Morrison et al. (2019a)"
    assert graph.nodes["ref:bonta2016"]["label"] == "Bonta and Andrews (2016)"


def test_edges_follow_the_sources(graph, corpus):
    assert ("guideline:3.3", "standard:3") in _edges(graph, "part_of")
    assert ("narrative:standard:3", "standard:3") in _edges(graph, "part_of")
    assert ("framework_item:csaap:6a", "framework:csaap") in _edges(graph, "part_of")
    assert ("framework_item:csaap:6a", "framework_item:csaap:6") in _edges(graph, "part_of")
    assert ("framework:respect:3ed", "framework:respect") in _edges(graph, "edition_of")
    assert ("collated_standard:10", "framework:csaap") in _edges(graph, "collated_as")
    assert ("programme:drive", "ref:hester2019") in _edges(graph, "evaluated_by")
    assert ("narrative:standard:4", "roundtable:8") in _edges(graph, "quotes")
    # one cites edge per occurrence that counts for an entry: 105 resolved (with the
    # year-first "In 2008 Maiuro and Eberle", 001 line 717) and 7 cited under another year or
    # spelling (Austin and Dankwort 1999, line 713; Mauiro et al. 2008, line 733; Humphreys
    # et al. 2000, lines 145 and 331; Holtrop et al. 2017, line 191; Bonta and Andrews 2017,
    # lines 235 and 371); none for the missing ones
    audit = citation_audit(corpus)
    assert (audit["status"] == "resolved").sum() == 105
    assert audit["status"].isin(["year_mismatch", "name_mismatch"]).sum() == 7
    assert len(_edges(graph, "cites")) == (audit["counts_for"] != "").sum() == 112
    assert ("narrative:standard:4", "ref:bonta2016") in _edges(graph, "cites")
    assert len(_edges(graph, "quotes")) == 30


def test_a_citation_under_another_year_cites_its_entry_flagged(graph):
    [(_, _, data)] = [
        e for e in graph.edges("narrative:standard:4", data=True) if e[1] == "ref:bonta2016"
    ]
    assert data["lines"] == "235"
    assert data["finding"] == "cited 2017; the reference list dates this work 2016"
    [(_, _, data)] = [
        e
        for e in graph.edges("narrative:appendix1:existing_research", data=True)
        if e[1] == "ref:maiuro2008" and "Mauiro" in e[2]["detail"]
    ]
    assert data["finding"] == "cited as Mauiro; the reference list spells Maiuro"
    clean = [
        d for _, v, d in graph.edges("narrative:standard:4", data=True) if v == "ref:maiuro2008"
    ]
    assert clean and all(d["finding"] == "" for d in clean)


def test_a_cites_edge_carries_its_sentence(graph):
    [(_, _, data)] = [e for e in graph.edges("guideline:2.6", data=True) if e[2]["kind"] == "cites"]
    assert data["detail"] == (
        "This is in line with the National Statement of Expectations (Home Office, 2022)."
    )
    assert (data["location"], data["lines"]) == ("guideline:2.6", "141")


def test_guidelines_inherit_their_standards_evidence(graph):
    evidence = evidence_for(graph, "guideline:3.3")
    assert set(evidence["inherited_from"]) == {"standard:3"}
    assert {"ref:kelly2015", "ref:cannonetal2016", "roundtable:3", "roundtable:14"} <= set(
        evidence["node"]
    )
    # 21: with Holtrop et al. 2017 (line 191), which the reference list dates 2015
    assert len(evidence) == len(evidence_for(graph, "standard:3")) == 21
    holtrop = evidence[evidence["node"] == "ref:holtrop2015"]
    assert holtrop[["lines", "source_file", "finding"]].values.tolist() == [
        ["191", "001_5b70540cc7bcf418.txt", "cited 2017; the reference list dates this work 2015"]
    ]
    own = evidence_for(graph, "guideline:2.6")
    assert own.loc[own["inherited_from"] == "", "node"].tolist() == ["ref:homeoffice2022"]
    with pytest.raises(KeyError):
        evidence_for(graph, "ref:kelly2015")


def test_evidence_counts_by_standard(graph):
    counts = evidence_counts(graph)
    # 23: with Humphreys et al. (2000), line 331, which no resolved citation names
    assert counts.loc["standard:6", "reference"] == 23
    assert counts.loc["standard:1", "consultation"] == 1
    assert counts["quotes"].sum() == 30
    # 96: 91 resolved and 5 cited under another year (lines 145, 191, 235, 331, 371); the
    # rest sit in the summary and Appendix 1
    assert counts["citations"].sum() == 96


def test_standards_that_rest_on_a_reference(graph):
    citing = standards_citing(graph, "ref:morrison2019a")
    assert citing["standard"].tolist() == ["standard:1", "standard:6", "standard:7"]
    assert citing["citations"].tolist() == [2, 2, 2]
    # cited only as 2017 under standards 4 (line 235) and 7 (line 371); 2016 in Appendix 1
    bonta = standards_citing(graph, "ref:bonta2016")
    assert bonta[["standard", "citations"]].values.tolist() == [
        ["standard:4", 1],
        ["standard:7", 1],
    ]
    top = references_by_standards(graph)
    assert top.iloc[0][["reference", "standards", "which"]].tolist() == [
        "ref:morrison2019a",
        3,
        "1, 6, 7",
    ]


def test_neighbourhood_by_kind(graph):
    around = neighbourhood(graph, "standard:3", kinds=("guideline",))
    assert sorted(around.nodes) == [
        "guideline:3.1",
        "guideline:3.2",
        "guideline:3.3",
        "guideline:3.4",
        "guideline:3.5",
        "guideline:3.6",
        "standard:3",
    ]
    assert neighbours_by_kind(graph, "framework:csaap").to_dict() == {
        "collated_standard": 1,
        "framework_item": 11,
    }


def test_takes_whatever_rows_exist(corpus):
    partial = SimpleNamespace(
        tables={"standards": corpus["standards"], "guidelines": corpus["guidelines"].head(3)},
        references=corpus.references.head(0),
    )
    graph = build_graph(partial)
    assert graph.number_of_nodes() == 10
    assert len(_edges(graph, "part_of")) == 3


def _same(a, b):
    assert sorted(a.nodes(data=True)) == sorted(b.nodes(data=True))
    assert sorted(a.edges(keys=True, data=True)) == sorted(b.edges(keys=True, data=True))


def _exports(graph) -> dict[str, bytes]:
    """The graph's files as the build makes them (its ``graph_files`` node)."""
    return {artefact.name: artefact.data for artefact in graph_files(graph)}


def test_graphml_round_trip(graph):
    data = io.BytesIO(_exports(graph)["graph.graphml"])
    _same(graph, nx.read_graphml(data, node_type=str, force_multigraph=True))


def test_node_link_json_round_trip(graph):
    _same(graph, nx.node_link_graph(json.loads(_exports(graph)["graph.json"])))


def test_edge_list_round_trip(graph):
    frame = pd.read_csv(io.BytesIO(_exports(graph)["edges.csv"]), dtype=str, keep_default_na=False)
    again = nx.from_pandas_edgelist(
        frame,
        source="from",
        target="to",
        edge_key="key",
        edge_attr=list(EDGE_COLUMNS[3:]),
        create_using=nx.MultiDiGraph,
    )
    assert sorted(again.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))
