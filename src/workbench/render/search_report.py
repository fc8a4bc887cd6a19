"""The PRISMA-S search report rendered: Markdown for readers, JSON for machines.

``workbench.search.prisma_s_report`` (the model) says what the report holds; this module
only writes it out.
"""

from __future__ import annotations

import json

from workbench.render.markdown import escape_markdown as md


def prisma_s_markdown(report: list[dict]) -> str:
    """Return the PRISMA-S report as Markdown: a summary table, then one section per item.

    Every string of the report is escaped (``workbench.render.markdown``): the quotations and
    the corpus figures come from data, and none of it may become markup.
    """
    lines = [
        "# Search report (PRISMA-S)",
        "",
        "The literature search of *Standards for domestic abuse perpetrator interventions* "
        "(Appendix 1 Part B and Appendix 2), set against the 16 items of the PRISMA-S "
        "reporting checklist (Rethlefsen et al. 2021). Quotations are verbatim from the "
        "source with their line numbers; notes are the workbench's reading.",
        "",
        "| Item | Name | Status |",
        "|---:|---|---|",
    ]
    lines += [f"| {md(r['item'])} | {md(r['name'])} | {md(r['status'])} |" for r in report]
    for r in report:
        lines += [
            "",
            f"## {md(r['item'])}. {md(r['name'])}",
            "",
            f"*Checklist:* {md(r['checklist'])}",
            "",
            f"*Status:* {md(r['status'])}",
            "",
        ]
        if r["status"] == "not reported in the source":
            lines.append("Not reported in the source.")
        lines += [
            f"- “{md(e['quote'])}” ({md(r['source'])} line {md(e['lines'])})" for e in r["evidence"]
        ]
        lines += [f"- {md(figure)}" for figure in r["corpus_figures"]]
        if r["note"]:
            lines += ["", f"*Note:* {md(r['note'])}"]
    return "\n".join(lines) + "\n"


def prisma_s_json(report: list[dict]) -> str:
    """Return the PRISMA-S report as JSON (stable key order, UTF-8 text kept as is)."""
    return (
        json.dumps(
            {"checklist": "PRISMA-S (Rethlefsen et al. 2021)", "items": report},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
