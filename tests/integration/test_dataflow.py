"""The build's dataflow: its picture is current, an artefact is added in one place, and the
build's tables are described by a data package that frictionless validates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from frictionless import validate

from workbench.build import build
from workbench.dataflow import artefact_nodes, dataflow, dataflow_graph, node_module
from workbench.render.dataflow_figure import dataflow_figure
from workbench.render.figures import png_bytes

DOCS = Path(__file__).resolve().parents[2] / "docs"

#: The worked example of docs/architecture.md, "An artefact".
EXAMPLE = '''
def standards_count_files(standards: pd.DataFrame) -> Artefacts:
    """How many standards the corpus holds."""
    frame = pd.DataFrame({"standards": [len(standards)]})
    return (table("standards_count.csv", frame, "How many standards the corpus holds.",
                  audience="researchers", title="Standards counted"),)
'''


def test_the_committed_picture_is_drawn_from_the_dataflow_as_it_is():
    drawn = png_bytes(dataflow_figure(dataflow_graph(dataflow())))
    assert drawn == (DOCS / "dataflow.png").read_bytes(), (
        "docs/dataflow.png is out of date: make docs"
    )


def test_make_docs_redraws_the_committed_picture(tmp_path):
    """The recipe of `make docs`, as make prints it, run in a folder whose picture is stale."""
    (tmp_path / "docs").mkdir()
    stale = tmp_path / "docs" / "dataflow.png"
    stale.write_bytes(b"stale")
    makefile = DOCS.parent / "Makefile"
    bin_dir = Path(sys.executable).parent
    printed = subprocess.run(
        ["make", "-s", "-n", "-f", str(makefile), "docs", f"BIN={bin_dir}", "STAMP="],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    subprocess.run(printed, shell=True, cwd=tmp_path, check=True)
    assert stale.read_bytes() == (DOCS / "dataflow.png").read_bytes()
    assert [p.name for p in (tmp_path / "docs").iterdir()] == ["dataflow.png"]


def test_every_artefact_node_is_in_the_picture_and_makes_its_own_files(shipped_build):
    graph = dataflow_graph(dataflow())
    nodes = artefact_nodes(dataflow())
    assert {n for n, d in graph.nodes(data=True) if d["stage"] == "artefact"} == set(nodes)
    assert {"gap_map_files", "graph_files", "citation_files", "workbook_files"} <= set(nodes)
    assert graph.nodes["standards"]["stage"] == "input", "a corpus table is an input"
    assert nx_path(graph, "crosswalk", "gap_map_files"), "the gap map reads the crosswalk"
    assert not nx_path(graph, "crosswalk", "graph_files"), "the graph does not"


def nx_path(graph, source: str, target: str) -> bool:
    import networkx as nx

    return nx.has_path(graph, source, target)


def test_an_artefact_is_added_in_one_place(repo_root, tmp_path):
    out = tmp_path / "out"
    written = build(
        repo_root, out, ["standards_count_files"], modules=[node_module(EXAMPLE)], jobs=1
    )
    assert [p.as_posix() for p in written] == [
        "standards_count.csv",
        "datapackage.json",
        "index.html",
    ]
    assert (out / "standards_count.csv").read_text(encoding="utf-8") == "standards\n7\n", (
        "the report's 7 standards"
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    researchers = index[index.index('<h2 id="researchers">') : index.index('<h2 id="students">')]
    assert (
        '<li><a href="standards_count.csv">Standards counted</a><span class="file">'
        'standards_count.csv</span><span class="what">How many standards the corpus '
        "holds.</span></li>"
    ) in researchers
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = package["resources"]
    assert resource["path"] == "standards_count.csv"
    assert resource["schema"] == {"fields": [{"name": "standards", "type": "integer"}]}
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


def test_the_builds_data_package_describes_every_csv_and_validates(shipped_build):
    package = json.loads((shipped_build / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    assert described == {p.name for p in shipped_build.glob("*.csv")}
    for resource in package["resources"]:
        header = (shipped_build / resource["path"]).read_text(encoding="utf-8").split("\n")[0]
        assert [f["name"] for f in resource["schema"]["fields"]] == header.split(","), resource[
            "path"
        ]
    report = validate(shipped_build / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "message"])
