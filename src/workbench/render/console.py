"""Text for a terminal: what ``workbench evidence`` and ``workbench suggest-crosswalk`` print.

Every function takes frames and a width (the terminal's, 80 by default) and returns text no
line of which is wider: long labels are cut with an ellipsis where one line is enough to
recognise them, and wrapped where every word matters (a location, a list of topics).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping

import pandas as pd

from workbench.gaps import split_flag
from workbench.problems import one_of
from workbench.render.diff import fit_table

#: Indent of an item's first line, and of its details.
_ITEM, _DETAIL = "  ", "      "


def clip(text: str, width: int) -> str:
    """Return ``text`` on one line of at most ``width`` characters, cut with an ellipsis.

    Examples:
        >>> clip("Lehmann and Simmons (2009) Strengths-based", 20)
        'Lehmann and Simmons…'
        >>> clip("short", 20)
        'short'
    """
    text = str(text).replace("\n", " ")
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _fill(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent]


def _entry_lines(entry: Mapping, width: int, head: str, flag: str = "") -> list[str]:
    """An item (or a row) on one clipped line, then the citation audit's flag on it (whole:
    a year or a name the reference list disagrees with), where it stands and what it
    counts for."""
    lines = [_ITEM + clip(head, width - len(_ITEM))]
    if flag:
        lines += _fill(f"audit: {flag}", width, _DETAIL)
    where = "; ".join(entry["where"]) or "no location recorded"
    via = [row for row in entry["via"] if row not in where]  # a narrative's id names its row
    if via:
        where += f" (via {', '.join(via)})"
    lines += _fill(f"where: {where}", width, _DETAIL)
    topics = (
        "; ".join(entry["topics"])
        if entry["topics"]
        else "none (linked, but coded with no topic of the map)"
    )
    lines += _fill(f"topics: {topics}", width, _DETAIL)
    return lines


def render_row_evidence(
    row: Mapping,
    entries: pd.DataFrame,
    channels: Iterable[str],
    channel_labels: Mapping[str, str],
    width: int = 80,
) -> str:
    """Return the evidence the gap map links to one row, channel by channel.

    Args:
        row: the row (``row_id, level, standard_id, row_label, text``).
        entries: :func:`workbench.lookup.row_evidence` for the row.
        channels: every channel of the map, in order; a channel with no item says so.
        channel_labels: their names.
        width: the widest line allowed.
    """
    out = _fill(f"{row['row_id']}: {row['text']}", width, "")
    if row["level"] == "guideline":
        out += [""] + textwrap.wrap(
            f"A guideline has no evidence narrative of its own: it inherits the evidence of "
            f"its standard, {row['standard_id']} (narrative:{row['standard_id']} below); its "
            "framework items come from its own crosswalk rows.",
            width,
        )
    for channel in channels:
        part = entries[entries["channel"] == channel]
        counted = sum(bool(topics) for topics in part["topics"])
        title = channel_labels.get(channel, channel)
        out += [""] + textwrap.wrap(
            f"{title}: {len(part)} linked, {counted} counted for at least one topic"
            if len(part)
            else f"{title}: none",
            width,
        )
        for entry in part.to_dict("records"):
            label, flag = split_flag(_one_line(entry["citation"]))
            out += _entry_lines(entry, width, f"{entry['evidence_id']}  {label}", flag)
    out += [""] + textwrap.wrap(
        "A cell of the gap map counts each item once per topic. gap_evidence.csv (written by "
        "workbench build) gives every linking sentence and how its topic was coded; "
        "workbench evidence ID (e.g. ref:..., roundtable:...) shows where else an item "
        "is used.",
        width,
    )
    return "\n".join(out) + "\n"


def render_item_rows(
    item: str,
    citation: str,
    entries: pd.DataFrame,
    inherited: list[str],
    row_labels: Mapping[str, str],
    width: int = 80,
) -> str:
    """Return the standards and guidelines whose own text (or crosswalk row) links an item.

    Args:
        item: the item's id; ``citation`` its label.
        entries: from :func:`workbench.lookup.item_rows`; ``inherited`` the rows that carry
            the item only because their standard (or a guideline) does.
        row_labels: the text of each row, by id.
        width: the widest line allowed.
    """
    out = [clip(f"{item}  {_one_line(citation)}", width)]
    if not len(entries):
        out += textwrap.wrap(f"No standard or guideline of the gap map rests on {item}.", width)
        return "\n".join(out) + "\n"
    out += [""] + textwrap.wrap(
        f"Linked by the text (or crosswalk row) of {len(entries)} standard(s) or guideline(s):",
        width,
    )
    for entry in entries.to_dict("records"):
        out += _entry_lines(
            entry, width, f"{entry['row_id']}  {_one_line(row_labels.get(entry['row_id'], ''))}"
        )
    if inherited:
        out += [""] + textwrap.wrap(
            f"Inherited by {len(inherited)} more: {', '.join(inherited)}.", width
        )
    return "\n".join(out) + "\n"


def render_not_found(typed: str, suggestions: Iterable[str], examples: str) -> str:
    """Return the one line for an id that names nothing: with "did you mean" when close."""
    close = list(suggestions)
    if close:
        return f"{typed} is not a known id; did you mean {one_of(close)}?"
    return f"{typed} names no standard, guideline or evidence item (e.g. {examples})"


#: What each column of the candidate table means, in the order shown.
SUGGESTION_LEGEND = {
    "score": "TF-IDF cosine similarity of the guideline's and the item's texts, 0 to 1",
    "guideline": "the guideline's number: 3.3 is guideline:3.3 (focal_id in the CSV)",
    "item": "the candidate item of an existing framework: csaap:6 is "
    "framework_item:csaap:6 (reference_id in the CSV)",
    "curated": "the relation of the curated crosswalk row for this pair, or - if none",
    "shared words": "the words both texts use that weigh most in the score",
}

#: What each column of the precision table means.
METRICS_LEGEND = {
    "framework": "csaap is framework:csaap; all pools every framework shown",
    "guidelines": "guidelines with at least one curated mapping to the framework",
    "pairs": "curated pairs (other than not_related) of those guidelines",
    "scored": "candidates for those guidelines, the ones that can be checked",
    "hits": "scored candidates that a curated row confirms",
    "prec": "precision: hits / scored",
    "rec": "recall: hits / pairs",
    "chance": "precision of picking items at random, the baseline to beat",
}


def _short(node: str) -> str:
    """An id without its namespace: ``guideline:3.3`` is ``3.3``, ``framework_item:csaap:6``
    is ``csaap:6``."""
    return str(node).split(":", 1)[-1]


def _legend(legend: Mapping[str, str], width: int) -> list[str]:
    name_width = max(len(name) for name in legend)
    lines = []
    for name, meaning in legend.items():
        lines += textwrap.wrap(
            meaning,
            width,
            initial_indent=f"  {name.ljust(name_width)}  ",
            subsequent_indent=" " * (name_width + 4),
        )
    return lines


def render_suggestions(
    suggestions: pd.DataFrame, metrics: pd.DataFrame, k: int, show: int, where: str, width: int = 80
) -> str:
    """Return what ``suggest-crosswalk`` says: how many candidates it wrote, the best ``show``
    of them with a legend, and the precision table whose counts add up to the file's.

    Args:
        suggestions: what was written (``workbench.crosswalk_suggest.suggest_crosswalk``).
        metrics: ``suggester_metrics`` for the same frameworks (the rows for ``k`` are shown).
        k: candidates per guideline.
        show: how many candidates to print.
        where: the file written (or ``standard output``).
        width: the widest line allowed.
    """
    guidelines = suggestions["focal_id"].nunique()
    frameworks = suggestions["framework_id"].nunique()
    out = textwrap.wrap(
        f"wrote {len(suggestions)} candidate rows to {where}: up to {k} per guideline for "
        f"{guidelines} guideline(s) and {frameworks} framework(s) (an item sharing no word "
        "with a guideline is never suggested). They are never merged into "
        "corpus/crosswalk.csv: review each against both texts.",
        width,
    )
    best = suggestions.sort_values(
        ["score", "framework_id", "focal_id", "rank"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    best = best.head(show)
    if len(best):
        out += [""] + textwrap.wrap(
            f"The best {len(best)} of {len(suggestions)} by score (--show N for more):", width
        )
        rows = [
            [
                f"{score:.3f}",
                _short(focal),
                _short(reference),
                curated if isinstance(curated, str) and curated else "-",
                terms if isinstance(terms, str) else "",
            ]
            for score, focal, reference, curated, terms in zip(
                best["score"],
                best["focal_id"],
                best["reference_id"],
                best["curated_relation"],
                best["shared_terms"],
                strict=True,
            )
        ]
        out += [fit_table(list(SUGGESTION_LEGEND), rows, width)]
        out += [""] + _legend(SUGGESTION_LEGEND, width)
    at_k = metrics[metrics["k"] == k]
    if at_k["framework_id"].nunique() == 2:  # one framework: its pooled row says it again
        at_k = at_k[at_k["framework_id"] != "all"]
    if len(at_k):
        out += [""] + textwrap.wrap(
            f"How far to trust them: the candidates at k = {k} against the curated rows.", width
        )
        rows = [
            [
                _short(r.framework_id),
                *(str(v) for v in (r.guidelines, r.relevant_pairs, r.suggested, r.hits)),
                *(
                    f"{v:.3f}" if pd.notna(v) else "-"
                    for v in (r.precision, r.recall, r.random_precision)
                ),
            ]
            for r in at_k.itertuples(index=False)
        ]
        out += [fit_table(list(METRICS_LEGEND), rows, width)]
        out += [""] + _legend(METRICS_LEGEND, width)
        scored = int(at_k.loc[at_k["framework_id"] != "all", "suggested"].sum())
        out += [""] + textwrap.wrap(
            f"{scored} of the {len(suggestions)} candidates written are scored; the other "
            f"{len(suggestions) - scored} are for guidelines with no curated mapping to the "
            "framework, so nothing can confirm or refute them.",
            width,
        )
    return "\n".join(out) + "\n"
