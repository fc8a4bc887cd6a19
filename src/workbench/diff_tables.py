"""What ``workbench diff`` compares: the tables of a build, each with the key that matches
its rows across two builds, and the columns of the changes it reports.

The one place that says how rows match, read by the comparison (``workbench.diff``) and by
its renderer (``workbench.render.diff``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyedTable:
    """A CSV of a build compared row by row on its key.

    Attributes:
        file: the file name in a build folder.
        key: the columns that identify a row (a repeated key is told apart by its
            occurrence, ``#2``, ``#3``...).
        title: the section heading.
        node: the artefact node of the build's dataflow that makes the file (a corpus root
            is built for the nodes of the compared tables alone).
        compared: the columns whose change is reported (``None``: every column both sides
            have).
    """

    file: str
    key: tuple[str, ...]
    title: str
    node: str
    compared: tuple[str, ...] | None = None


#: The tables ``diff`` compares, with their keys: the one place that says how rows match.
DIFF_TABLES: tuple[KeyedTable, ...] = (
    KeyedTable(
        "gap_map.csv",
        ("row_id", "topic_id"),
        "Gap map: cells whose status or evidence count changed",
        "gap_map_files",
        ("status", "evidence_count", "framework_count"),
    ),
    KeyedTable("crosswalk.csv", ("focal_id", "reference_id"), "Crosswalk rows", "crosswalk_files"),
    KeyedTable(
        "citation_audit.csv", ("location", "cited_as", "line"), "Citation audit", "citation_files"
    ),
)
#: The evidence behind each cell: compared as a set of items per cell, to say which
#: evidence or framework mapping a changed status comes from.
EVIDENCE = KeyedTable(
    "gap_evidence.csv",
    ("row_id", "topic_id", "channel", "evidence_id"),
    "Evidence",
    "gap_map_files",
)
#: The artefact nodes a corpus root is built for, to be compared.
DIFF_NODES: tuple[str, ...] = tuple(dict.fromkeys(t.node for t in (*DIFF_TABLES, EVIDENCE)))
#: The columns of the frame of changes :func:`compare` returns (and of ``diff.csv``).
CHANGE_COLUMNS = ("table", "change", "key", "field", "before", "after", "detail")
