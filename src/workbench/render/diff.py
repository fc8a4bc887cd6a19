"""Render the changes ``workbench diff`` found: a terminal table and a Markdown report."""

from __future__ import annotations

import textwrap

import pandas as pd

from workbench.diff_tables import DIFF_TABLES
from workbench.render.gap_map import markdown_text

#: The headings of the columns shown, in order.
HEADINGS = {
    "change": "change",
    "key": "row",
    "field": "field",
    "before": "before",
    "after": "after",
    "detail": "what made the difference",
}
#: No column is squeezed narrower than this many characters.
MIN_WIDTH = 4


def sections(changes: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Return each compared table's title with its changes (columns left empty dropped)."""
    found = []
    for table in DIFF_TABLES:
        part = changes[changes["table"] == table.file]
        shown = [c for c in HEADINGS if (part[c] != "").any()] if len(part) else []
        found.append((f"{table.title} ({table.file}): {_count(part)}", part[shown]))
    return found


def _count(part: pd.DataFrame) -> str:
    """How many rows (or cells) were added, removed or changed: a row with several changed
    fields counts once."""
    if not len(part):
        return "no change"
    counts = part.drop_duplicates(["change", "key"])["change"].value_counts()
    return ", ".join(
        f"{int(counts[c])} {c}" for c in ("added", "removed", "changed", "columns") if c in counts
    )


def fit_table(header: list[str], rows: list[list[str]], width: int) -> str:
    """Return a plain-text table no wider than ``width``: the widest columns are narrowed
    first and their cells wrapped onto further lines, between words while any column can
    still be narrowed without cutting one (an id stays whole where the room allows).

    Examples:
        >>> print(fit_table(["a", "b"], [["x", "a long value here"]], 12))
        a | b
        --+---------
        x | a long
          | value
          | here
        >>> print(fit_table(["id", "why"], [["guideline:3.3", "named by its text"]], 26))
        id            | why
        --------------+-----------
        guideline:3.3 | named by
                      | its text
    """
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    words = [
        max([MIN_WIDTH, *(len(w) for r in [header, *rows] for w in r[i].split())])
        for i in range(len(header))
    ]
    room = width - 3 * (len(header) - 1)
    while sum(widths) > room and max(widths) > MIN_WIDTH:
        whole = [i for i, w in enumerate(widths) if w > words[i]]
        widest = max(whole or range(len(widths)), key=lambda i: (widths[i], -i))
        widths[widest] -= 1
    lines: list[str] = []
    for n, row in enumerate([header, *rows]):
        if n == 1:
            lines.append("-+-".join("-" * w for w in widths))
        wrapped = [
            textwrap.wrap(cell, w, break_long_words=True, break_on_hyphens=False) or [""]
            for cell, w in zip(row, widths, strict=True)
        ]
        for n in range(max(len(c) for c in wrapped)):
            parts = [
                (c[n] if n < len(c) else "").ljust(w) for c, w in zip(wrapped, widths, strict=True)
            ]
            lines.append(" | ".join(parts).rstrip())
    return "\n".join(lines)


def render_terminal(changes: pd.DataFrame, old: str, new: str, width: int = 80) -> str:
    """Return the changes as text for a terminal ``width`` characters wide."""
    out = [textwrap.fill(f"workbench diff: {old} -> {new}", width, break_on_hyphens=False)]
    for title, part in sections(changes):
        out += ["", textwrap.fill(title, width)]
        if len(part):
            out.append(
                fit_table(
                    [HEADINGS[c] for c in part.columns], part.astype(str).values.tolist(), width
                )
            )
    return "\n".join(out) + "\n"


def render_markdown(changes: pd.DataFrame, old: str, new: str) -> str:
    """Return the changes as Markdown: one section and table per compared table, every value
    escaped (``markdown_text``), so data holding markup or pipes shows as text."""
    out = [
        "# What changed",
        "",
        f"From {markdown_text(old)} to {markdown_text(new)}, compared by `workbench diff`.",
    ]
    for title, part in sections(changes):
        out += ["", f"## {markdown_text(title)}"]
        if not len(part):
            continue
        out.append("")
        out.append("| " + " | ".join(HEADINGS[c] for c in part.columns) + " |")
        out.append("|" + "---|" * len(part.columns))
        for row in part.astype(str).values.tolist():
            out.append("| " + " | ".join(markdown_text(v) for v in row) + " |")
    return "\n".join(out) + "\n"
