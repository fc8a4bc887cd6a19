"""Corpus summary tables: what the corpus holds, table by table, for the build's front page."""

from __future__ import annotations

import pandas as pd

from workbench.corpus import Corpus


def corpus_summary(corpus: Corpus) -> pd.DataFrame:
    """Return one row per corpus table: its name, title, row count and source documents.

    It exists so that a reviewer can see at a glance what a build was made from, and so that
    the counts the sources fix (7 standards, 37 guidelines, ...) sit beside the actual counts.
    """
    rows = []
    for resource in corpus.descriptor["resources"]:
        frame = corpus.tables[resource["name"]]
        sources = sorted(frame["source"].dropna().unique()) if "source" in frame else []
        expected = resource.get("x-expectedRows", {}).get("count")
        rows.append(
            {
                "table": resource["name"],
                "title": resource.get("title", ""),
                "rows": len(frame),
                "expected_rows": expected,
                "sources": "; ".join(sources),
            }
        )
    rows.append(
        {
            "table": "references.bib",
            "title": "Reference list",
            "rows": len(corpus.references),
            "expected_rows": corpus.descriptor.get("x-bibliography", {})
            .get("expectedEntries", {})
            .get("count"),
            "sources": "; ".join(sorted(corpus.references["source"].dropna().unique()))
            if "source" in corpus.references
            else "",
        }
    )
    frame = pd.DataFrame(rows)
    frame["expected_rows"] = frame["expected_rows"].astype("Int64")
    return frame


def guidelines_by_standard(corpus: Corpus) -> pd.DataFrame:
    """Return every guideline beside the text of its standard, in standard and guideline order."""
    standards = corpus["standards"][["standard_id", "number", "text"]].rename(
        columns={"number": "standard_number", "text": "standard_text"}
    )
    guidelines = corpus["guidelines"][["guideline_id", "standard_id", "number", "text"]].rename(
        columns={"number": "guideline_number", "text": "guideline_text"}
    )
    joined = guidelines.merge(standards, on="standard_id", how="left", validate="many_to_one")
    order = joined["guideline_number"].str.split(".", expand=True).astype(int)
    joined = joined.assign(_a=order[0], _b=order[1]).sort_values(["_a", "_b"])
    return joined.drop(columns=["_a", "_b"])[
        [
            "standard_id",
            "standard_number",
            "standard_text",
            "guideline_id",
            "guideline_number",
            "guideline_text",
        ]
    ].reset_index(drop=True)
