"""Find what a user names on the command line, and the gap map's evidence behind it.

``workbench evidence`` takes an id as a person types it (``3.3``, ``S3``, ``standard 3``,
``morrison2019a``) and answers from the gap model itself (:class:`workbench.gaps.GapAnalysis`):
every link the map draws from a row to an item, in every channel it counts, with the topics
each item counts for and where the linking text stands. Nothing here re-derives a channel:
what the command prints is what the map counts.

Pure functions: frames and id lists in, frames and strings out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from workbench.problems import closest

#: Columns of :func:`row_evidence` and :func:`item_rows`.
ENTRY_COLUMNS = ["channel", "evidence_id", "citation", "row_id", "where", "via", "topics"]

_STANDARD = re.compile(r"^(?:s|std|standard)?\s*:?\s*(\d+)$")
_GUIDELINE = re.compile(r"^(?:g|gl|guideline)?\s*:?\s*(\d+\.\d+)$")
_PREFIXED = re.compile(r"^([a-z_]+)\s+(\S+)$")
_LINE = re.compile(r"^(?P<head>.*?),? lines? (?P<lines>[0-9][0-9\-–]*)$")


@dataclass(frozen=True)
class Resolved:
    """What :func:`resolve_id` made of a typed id.

    Attributes:
        node: the id found, or ``None``.
        suggestions: ids close to the one typed, when none was found (best first).
    """

    node: str | None
    suggestions: tuple[str, ...] = ()


def resolve_id(typed: str, known: Iterable[str]) -> Resolved:
    """Return the id a user meant by ``typed``, or the ids closest to it.

    Accepted besides an exact id: a guideline's number (``3.3``, ``G3.3``, ``guideline 3.3``),
    a standard's (``3``, ``S3``, ``standard 3``), a kind and a key separated by a space
    (``roundtable 8``), and a key without its namespace when only one id has it
    (``morrison2019a`` for ``ref:morrison2019a``). Case and surrounding spaces are ignored.
    Otherwise the suggestions are the known ids most like what was typed
    (:func:`workbench.problems.closest`), so that a near miss gets a "did you mean".

    Examples:
        >>> ids = ["standard:3", "guideline:3.3", "ref:morrison2019a", "roundtable:8"]
        >>> resolve_id("3.3", ids).node, resolve_id("S3", ids).node
        ('guideline:3.3', 'standard:3')
        >>> resolve_id("morrison2019a", ids).node, resolve_id("Roundtable 8", ids).node
        ('ref:morrison2019a', 'roundtable:8')
        >>> resolve_id("guideline:3.33", ids)
        Resolved(node=None, suggestions=('guideline:3.3',))
        >>> resolve_id("morrison2019", [*ids, "ref:morrison2019b"]).suggestions
        ('ref:morrison2019a', 'ref:morrison2019b')
    """
    known = sorted(set(known))
    by_lower = {k.lower(): k for k in known}
    text = " ".join(typed.strip().split()).lower()
    candidates = [text]
    if (match := _GUIDELINE.match(text)) is not None:
        candidates.append(f"guideline:{match[1]}")
    if (match := _STANDARD.match(text)) is not None:
        candidates.append(f"standard:{match[1]}")
    if (match := _PREFIXED.match(text)) is not None:
        candidates.append(f"{match[1]}:{match[2]}")
    for candidate in candidates:
        if candidate in by_lower:
            return Resolved(by_lower[candidate])
    if ":" not in text:
        keyed = [
            k
            for k in known
            if k.split(":", 1)[1:] == [typed.strip()] or k.lower().split(":", 1)[1:] == [text]
        ]
        if len(keyed) == 1:
            return Resolved(keyed[0])
    target = candidates[-1]
    close = closest(target, list(by_lower))
    if not close and ":" not in target:  # a key typed without its namespace
        keys = {k.split(":", 1)[-1]: k for k in by_lower}
        close = [keys[k] for k in closest(target, list(keys))]
    return Resolved(None, tuple(by_lower[c] for c in close))


def merge_locations(locations: Iterable[str]) -> list[str]:
    """Return distinct locations, those differing only in their line joined into one.

    Examples:
        >>> merge_locations(["f.txt, narrative:standard:3, line 193",
        ...                  "f.txt, narrative:standard:3, line 191",
        ...                  "f.txt, narrative:standard:3, line 191", "f.txt, Box 2, lines 629"])
        ['f.txt, narrative:standard:3, lines 191, 193', 'f.txt, Box 2, line 629']
    """
    heads: dict[str, list[str]] = {}
    for location in locations:
        if not isinstance(location, str) or not location:
            continue
        match = _LINE.match(location)
        head, lines = (match["head"], match["lines"]) if match else (location, "")
        seen = heads.setdefault(head, [])
        if lines and lines not in seen:
            seen.append(lines)
    merged = []
    for head, lines in heads.items():
        lines = sorted(lines, key=_first_line)
        if not lines:
            merged.append(head)
        else:
            word = "line" if len(lines) == 1 and not re.search(r"[\-–]", lines[0]) else "lines"
            merged.append(f"{head}, {word} {', '.join(lines)}")
    return merged


def _first_line(lines: str) -> int:
    digits = re.match(r"\d+", lines)
    return int(digits[0]) if digits else 0


def _entries(
    links: pd.DataFrame,
    evidence: pd.DataFrame,
    topic_labels: dict[str, str],
    channels: Iterable[str],
) -> pd.DataFrame:
    """One entry per (row, channel, item): its locations merged, the rows whose text made the
    link, and the labels of the topics it counts for in that row's cells."""
    order = {channel: n for n, channel in enumerate(channels)}
    counted: dict[tuple[str, str, str], set[str]] = {}
    for row_id, channel, item, topic in zip(
        evidence["row_id"],
        evidence["channel"],
        evidence["evidence_id"],
        evidence["topic_id"],
        strict=True,
    ):
        counted.setdefault((row_id, channel, item), set()).add(topic)
    records = []
    for (row_id, channel, item), group in links.groupby(
        ["row_id", "channel", "evidence_id"], sort=False
    ):
        topics = sorted(
            counted.get((row_id, channel, item), ()),
            key=lambda t: list(topic_labels).index(t) if t in topic_labels else 0,
        )
        records.append(
            {
                "channel": channel,
                "evidence_id": item,
                "citation": str(group["citation"].iloc[0]),
                "row_id": row_id,
                "where": merge_locations(group["location"]),
                "via": sorted(set(group["via"].astype(str)) - {row_id}),
                "topics": [topic_labels.get(t, t) for t in topics],
                "_order": order.get(channel, len(order)),
                "_line": min(
                    (_first_line(str(w).rsplit(" ", 1)[-1]) for w in group["location"]), default=0
                ),
            }
        )
    frame = pd.DataFrame(records, columns=ENTRY_COLUMNS + ["_order", "_line"])
    frame = frame.sort_values(["_order", "_line", "evidence_id"], kind="stable")
    return frame.drop(columns=["_order", "_line"]).reset_index(drop=True)


def row_evidence(
    links: pd.DataFrame,
    evidence: pd.DataFrame,
    topics: pd.DataFrame,
    row_id: str,
    channels: Iterable[str],
) -> pd.DataFrame:
    """Return every item the gap map links to one row, once each, channel by channel.

    Args:
        links: the gap model's row-to-item links (``GapAnalysis.links``), whatever the topic.
        evidence: the gap model's evidence (``GapAnalysis.evidence``, the frame behind
            ``gap_evidence.csv``): which item counts for which topic of which row.
        topics: the map's topics (``GapAnalysis.topics``), for their labels.
        row_id: a standard or guideline.
        channels: the map's channels in display order (``workbench.gaps.CHANNELS``).

    Returns:
        A DataFrame with :data:`ENTRY_COLUMNS`, one row per distinct (channel, item):
        ``where`` lists the distinct places the linking text stands (file, text, lines),
        ``via`` the other rows whose text or crosswalk row made the link (a guideline's
        standard, for what it inherits), ``topics`` the labels of the topics the item counts
        for in this row's cells (empty: it counts for none). Ordered by channel, then by the
        first line that links it.
    """
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    return _entries(
        links[links["row_id"] == row_id], evidence[evidence["row_id"] == row_id], labels, channels
    )


def item_rows(
    links: pd.DataFrame,
    evidence: pd.DataFrame,
    topics: pd.DataFrame,
    item: str,
    channels: Iterable[str],
) -> tuple[pd.DataFrame, list[str]]:
    """Return the rows whose own text (or crosswalk row) links an item, and the rows that
    only inherit it.

    Returns:
        The entries (:data:`ENTRY_COLUMNS`) of the rows whose own text made the link, in map
        order of ``links``; and the ids of the other rows that carry the item by inheritance
        (a standard's guidelines).
    """
    labels = dict(zip(topics["topic_id"], topics["label"], strict=True))
    mine = links[links["evidence_id"] == item]
    own = mine[mine["row_id"] == mine["via"]]
    entries = _entries(own, evidence[evidence["evidence_id"] == item], labels, channels)
    rank = {row: n for n, row in enumerate(dict.fromkeys(links["row_id"]))}
    entries = (
        entries.assign(_rank=entries["row_id"].map(rank))
        .sort_values("_rank", kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    inherited = sorted(set(mine["row_id"]) - set(own["row_id"]), key=lambda r: rank.get(r, 0))
    return entries, inherited
