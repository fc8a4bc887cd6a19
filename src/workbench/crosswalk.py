"""The crosswalk: the new guidelines mapped to existing frameworks with NIST IR 8477 relations.

The curated mapping lives in ``corpus/crosswalk.csv`` (one row per relationship) and
``corpus/crosswalk_dispositions.csv`` (one row per element and counterpart: was it mapped,
checked and found unrelated, left unreviewed, or out of scope). Both are our judgements, made
by reading the two texts side by side; the sources themselves map nothing.

Reading direction is fixed: ``focal_id RELATION reference_id``, where the focal element is a
guideline (or a whole standard) of the new standards and the reference element an item of an
existing framework (or, where a guideline points at a whole framework, the framework itself).
The edition mapping of the Respect standard reads ``3rd-edition item RELATION 4th-edition item``.

This module checks those two tables (``validate_crosswalk``), computes coverage in both
directions (``coverage``), says which collated standards the corpus holds items for
(``collated_representation``) and carries mappings from one edition to the other
(``carry_over``). The build's dataflow (``workbench.dataflow``) makes the files.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import pandas as pd

from workbench.frames import column_values, row_dicts
from workbench.problems import Problem, Suggestions

CROSSWALK_FILE = "corpus/crosswalk.csv"
DISPOSITIONS_FILE = "corpus/crosswalk_dispositions.csv"

# The vocabularies of the crosswalk's columns (relation, rationale_type, method, status,
# direction, disposition) are the ``enum`` constraints of ``corpus/datapackage.json``, which
# the loader checks; they are not repeated here. The tables below are keyed by relation, and
# a test ties their keys to the descriptor's enum.

#: The NIST IR 8477 relations (read ``focal RELATION reference``) in words, as figures and
#: tables show them to a reader.
RELATION_LABELS: dict[str, str] = {
    "equal": "equal",
    "subset_of": "subset of",
    "superset_of": "superset of",
    "intersects_with": "intersects with",
    "not_related": "not related",
}
COVERAGE_STATUSES = ("covered", "partial", "uncovered", "unreviewed")

#: Strength bands on the OLIR 0-10 scale: the inclusive range allowed for each relation.
#: equal is always 10 and not_related always 0; a subset or superset is at least 5 (one text
#: holds all of the other); an overlap is 1-8 (8: nearly all of both, 1: a passing touch).
STRENGTH_BANDS: dict[str, tuple[int, int]] = {
    "equal": (10, 10),
    "subset_of": (5, 9),
    "superset_of": (5, 9),
    "intersects_with": (1, 8),
    "not_related": (0, 0),
}

#: The relation read the other way round (``reference RELATION' focal``).
INVERSE = {
    "equal": "equal",
    "subset_of": "superset_of",
    "superset_of": "subset_of",
    "intersects_with": "intersects_with",
    "not_related": "not_related",
}

#: Relations by which the reference fully covers the focal element (focal ⊆ reference).
FULL = ("equal", "subset_of")

#: The three frameworks the report names as most relevant (Box 2): every guideline must have
#: a disposition against each.
REQUIRED_FRAMEWORKS = ("framework:csaap", "framework:respect:4ed", "framework:welsh_vawdasv")

_QUOTE = re.compile(r"“([^”]+)”")


# --------------------------------------------------------------------------------------
# Elements: every id the crosswalk may name, with its label and text
# --------------------------------------------------------------------------------------


def elements(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return one row per element a crosswalk row may name, with its kind, framework and text.

    Columns: ``element_id``, ``kind`` (``guideline``, ``standard``, ``framework_item`` or
    ``framework``), ``framework_id`` (for items and frameworks), ``code``, ``label``, ``text``
    (label and fuller text joined, what a rationale may quote). It exists so that validation,
    coverage, labels and the suggester all read elements the same way.
    """
    guidelines = tables["guidelines"]
    standards = tables["standards"]
    items = tables["framework_items"]
    frameworks = tables["frameworks"]
    parts = [
        pd.DataFrame(
            {
                "element_id": guidelines["guideline_id"],
                "kind": "guideline",
                "framework_id": None,
                "code": guidelines["number"],
                "label": guidelines["text"],
                "text": guidelines["text"],
            }
        ),
        pd.DataFrame(
            {
                "element_id": standards["standard_id"],
                "kind": "standard",
                "framework_id": None,
                "code": standards["number"].astype(str),
                "label": standards["text"],
                "text": standards["text"],
            }
        ),
        pd.DataFrame(
            {
                "element_id": items["item_id"],
                "kind": "framework_item",
                "framework_id": items["framework_id"],
                "code": items["code"],
                "label": items["label"],
                "text": [_join(a, b) for a, b in zip(items["label"], items["text"], strict=True)],
            }
        ),
        pd.DataFrame(
            {
                "element_id": frameworks["framework_id"],
                "kind": "framework",
                "framework_id": frameworks["framework_id"],
                "code": None,
                "label": frameworks["name"],
                "text": frameworks["name"],
            }
        ),
    ]
    return pd.concat(parts, ignore_index=True).astype(object)


def _join(label: Any, text: Any) -> str:
    if _blank(text) or text == label:
        return str(label)
    return f"{label} {text}"


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def editions_of(frameworks: pd.DataFrame) -> dict[str, str]:
    """Return ``{edition framework_id: work framework_id}`` for every edition row."""
    rows = frameworks.dropna(subset=["edition_of"])
    return dict(zip(rows["framework_id"], rows["edition_of"], strict=True))


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def validate_crosswalk(
    tables: dict[str, pd.DataFrame], descriptor: dict[str, Any] | None = None
) -> list[Problem]:
    """Check the curated crosswalk and its dispositions against the rest of the corpus.

    Rules: every id exists; the framework column names the reference's framework; the
    strength lies in the band
    of the relation (``STRENGTH_BANDS``); no pair is mapped twice (in either order); the
    rationale is not empty and every “quoted” span in it occurs in the focal or reference
    text; every disposition names an existing element and framework, agrees with the rows
    (``mapped`` if and only if there is a related row) and gives a reason when it is
    ``not_related`` or ``out_of_scope``; every guideline has a disposition against each of
    ``REQUIRED_FRAMEWORKS``; and every mapped element has its disposition. The vocabularies
    (relation, rationale type, method, status, direction, disposition) are the descriptor's
    ``enum`` constraints, checked by the loader before these rules run.

    Args:
        tables: the corpus tables by resource name (as ``Corpus.tables``).
        descriptor: unused; accepted so that the function fits the corpus validators' call.

    Returns:
        Every problem found, each naming file, row and column; empty when all is well.
    """
    if "crosswalk" not in tables or "crosswalk_dispositions" not in tables:
        return []
    known = _Lookup(elements(tables).set_index("element_id"))
    editions = editions_of(tables["frameworks"])
    problems = _check_rows(tables["crosswalk"], known, editions)
    problems += _check_dispositions(
        tables["crosswalk_dispositions"], tables["crosswalk"], known, editions, tables["guidelines"]
    )
    return problems


#: The kinds of element each side of a crosswalk row may name (a framework item is focal
#: only in an edition mapping).
FOCAL_KINDS = ("guideline", "standard", "framework_item")
REFERENCE_KINDS = ("framework_item", "framework")


class _Lookup:
    """A frame's ``at[key, column]`` and ``key in index`` served from dictionaries.

    The validator looks elements up one crosswalk row at a time; pandas' scalar access costs
    microseconds per call, which dominates validation of a large crosswalk.
    """

    def __init__(self, frame: pd.DataFrame):
        self.index = set(frame.index)
        keys = frame.index.tolist()
        self._columns = {
            column: dict(zip(keys, column_values(frame, column), strict=True))
            for column in frame.columns
        }
        self.at = self
        kinds = self._columns.get("kind", {})
        #: "did you mean" for a focal and for a reference id that names nothing of its kind.
        self.focal_like = Suggestions(k for k in keys if kinds.get(k) in FOCAL_KINDS)
        self.reference_like = Suggestions(k for k in keys if kinds.get(k) in REFERENCE_KINDS)
        self.framework_like = Suggestions(k for k in keys if kinds.get(k) == "framework")
        self.any_like = Suggestions(keys)

    def __getitem__(self, key: tuple[str, str]) -> Any:
        row, column = key
        return self._columns[column][row]


def _check_rows(
    crosswalk: pd.DataFrame, known: pd.DataFrame, editions: dict[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[frozenset, int] = {}

    def add(row: int, column: str, message: str) -> None:
        problems.append(Problem(CROSSWALK_FILE, row, column, message))

    normed: dict[str, str] = {}  # each element's text, normalised once

    def text_of(element: str) -> str:
        if element not in normed:
            normed[element] = _norm(known.at[element, "text"])
        return normed[element]

    for row, record in enumerate(row_dicts(crosswalk), start=2):
        focal, reference = record["focal_id"], record["reference_id"]
        focal_ok = _check_focal(focal, reference, known, editions, row, add)
        reference_ok = _check_reference(reference, known, row, add)
        if reference_ok and record["framework_id"] != known.at[reference, "framework_id"]:
            add(
                row,
                "framework_id",
                f"{record['framework_id']!r} is not the framework of "
                f"{reference!r} ({known.at[reference, 'framework_id']}); correct it",
            )
        relation = record["relation"]
        _check_strength(record["strength"], relation, row, add)
        pair = frozenset((focal, reference))
        if pair in seen:
            add(
                row,
                "focal_id, reference_id",
                f"the pair {focal} / {reference} is already "
                f"mapped in row {seen[pair]}; keep one row per pair",
            )
        else:
            seen[pair] = row
        rationale = record["rationale"]
        if _blank(rationale) or not str(rationale).strip():
            add(
                row,
                "rationale",
                "rationale is empty; say in a sentence or two, quoting the "
                "words (in “ ”), why the relation holds",
            )
        elif focal_ok and reference_ok:
            texts = text_of(focal) + "\n" + text_of(reference)
            for quote in _QUOTE.findall(str(rationale)):
                if _norm(quote) not in texts:
                    add(
                        row,
                        "rationale",
                        f"the quoted words “{quote[:60]}” occur in neither "
                        f"{focal} nor {reference}; quote them exactly",
                    )
    return problems


def _check_focal(
    focal: str, reference: str, known: pd.DataFrame, editions: dict[str, str], row: int, add
) -> bool:
    if focal not in known.index:
        add(
            row,
            "focal_id",
            f"{focal!r} is not a guideline, standard or framework item id; "
            f"{known.focal_like(focal)}fix the id",
        )
        return False
    kind = known.at[focal, "kind"]
    if kind in ("guideline", "standard"):
        return True
    if kind == "framework_item" and reference in known.index:
        own, other = known.at[focal, "framework_id"], known.at[reference, "framework_id"]
        if own != other and editions.get(own) and editions.get(own) == editions.get(other):
            return True
        add(
            row,
            "focal_id",
            f"{focal!r} is a framework item; an item may be focal only in an "
            "edition mapping (its reference an item of another edition of the same work)",
        )
        return False
    if kind == "framework_item":
        return True
    add(
        row,
        "focal_id",
        f"{focal!r} is a whole framework; the focal side must be a "
        "guideline, a standard or (edition mappings) a framework item",
    )
    return False


def _check_reference(reference: str, known: pd.DataFrame, row: int, add) -> bool:
    if reference not in known.index or known.at[reference, "kind"] not in REFERENCE_KINDS:
        add(
            row,
            "reference_id",
            f"{reference!r} is not a framework item or framework id; "
            f"{known.reference_like(reference)}fix the id",
        )
        return False
    return True


def _check_strength(strength: Any, relation: str, row: int, add) -> None:
    if _blank(strength):
        add(row, "strength", "strength is empty; give 0-10 on the OLIR scale")
        return
    band = STRENGTH_BANDS.get(relation)
    if band and not band[0] <= int(strength) <= band[1]:
        low, high = band
        wanted = str(low) if low == high else f"{low}-{high}"
        add(
            row,
            "strength",
            f"strength {int(strength)} does not fit relation {relation!r} "
            f"(allowed: {wanted}); change the strength or the relation",
        )


def _related_rows(crosswalk: pd.DataFrame) -> pd.DataFrame:
    return crosswalk[crosswalk["relation"] != "not_related"]


def _mapped_keys(
    crosswalk: pd.DataFrame, known: pd.DataFrame, editions: dict[str, str]
) -> dict[tuple[str, str], str]:
    """Return ``{(element_id, framework_id): direction}`` for every element a related row maps."""
    keys: dict[tuple[str, str], str] = {}
    for record in row_dicts(_related_rows(crosswalk)):
        focal, reference, framework = (
            record["focal_id"],
            record["reference_id"],
            record["framework_id"],
        )
        if focal not in known.index or reference not in known.index:
            continue
        focal_kind = known.at[focal, "kind"]
        if focal_kind == "guideline":
            keys[(focal, framework)] = "guideline_to_framework"
        if focal_kind in ("guideline", "standard") and known.at[reference, "kind"] == (
            "framework_item"
        ):
            keys[(reference, framework)] = "framework_to_guidelines"
        if focal_kind == "framework_item":
            keys[(focal, framework)] = "edition_to_edition"
            keys[(reference, known.at[focal, "framework_id"])] = "edition_to_edition"
    return keys


def _check_dispositions(
    dispositions: pd.DataFrame,
    crosswalk: pd.DataFrame,
    known: pd.DataFrame,
    editions: dict[str, str],
    guidelines: pd.DataFrame,
) -> list[Problem]:
    problems: list[Problem] = []

    def add(row: int | None, column: str | None, message: str) -> None:
        problems.append(Problem(DISPOSITIONS_FILE, row, column, message))

    mapped = _mapped_keys(crosswalk, known, editions)
    present: dict[tuple[str, str], int] = {}
    for row, record in enumerate(row_dicts(dispositions), start=2):
        element, framework = record["element_id"], record["framework_id"]
        direction, disposition = record["direction"], record["disposition"]
        present.setdefault((element, framework), row)
        if element not in known.index:
            add(
                row,
                "element_id",
                f"{element!r} does not exist; {known.any_like(element)}fix the id",
            )
            continue
        if framework not in known.index or known.at[framework, "kind"] != "framework":
            add(
                row,
                "framework_id",
                f"{framework!r} is not a framework id; {known.framework_like(framework)}fix the id",
            )
            continue
        expected = _expected_direction(element, framework, known, editions)
        if expected is None:
            add(
                row,
                "element_id",
                f"{element!r} cannot have a disposition against "
                f"{framework}: a guideline is checked against a framework, a framework item "
                "against the guidelines (framework_id = its own framework) or against another "
                "edition of its work",
            )
            continue
        if direction != expected:
            add(
                row,
                "direction",
                f"{direction!r} should be {expected!r} for {element} against {framework}",
            )
        is_mapped = (element, framework) in mapped
        if disposition == "mapped" and not is_mapped:
            add(
                row,
                "disposition",
                f"'mapped' but crosswalk.csv has no related row for "
                f"{element} against {framework}; add the row or change the disposition",
            )
        if disposition != "mapped" and is_mapped:
            add(
                row,
                "disposition",
                f"{disposition!r} but crosswalk.csv maps {element} "
                f"against {framework}; set it to 'mapped'",
            )
        if disposition in ("not_related", "out_of_scope") and (
            _blank(record["reason"]) or not str(record["reason"]).strip()
        ):
            add(
                row,
                "reason",
                f"a {disposition!r} disposition needs a reason (what was "
                "checked, or why it is out of scope)",
            )
    for (element, framework), direction in sorted(mapped.items()):
        if (element, framework) not in present:
            add(
                None,
                None,
                f"{element} is mapped against {framework} in crosswalk.csv but "
                f"has no disposition; add a row ({element},{framework},{direction},mapped)",
            )
    for guideline in guidelines["guideline_id"]:
        for framework in REQUIRED_FRAMEWORKS:
            if (guideline, framework) not in present:
                add(
                    None,
                    None,
                    f"{guideline} has no disposition against {framework}; every "
                    "guideline needs one against each of " + ", ".join(REQUIRED_FRAMEWORKS),
                )
    return problems


def _expected_direction(
    element: str, framework: str, known: pd.DataFrame, editions: dict[str, str]
) -> str | None:
    kind = known.at[element, "kind"]
    if kind == "guideline":
        return "guideline_to_framework"
    if kind != "framework_item":
        return None
    own = known.at[element, "framework_id"]
    if own == framework:
        return "framework_to_guidelines"
    if editions.get(own) and editions.get(own) == editions.get(framework):
        return "edition_to_edition"
    return None


# --------------------------------------------------------------------------------------
# Coverage in both directions
# --------------------------------------------------------------------------------------


def coverage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the coverage of every reviewed element, one row per element and counterpart.

    Three directions, computed separately:

    * ``guideline_to_framework``: is the guideline covered by the framework? Full when some
      row reads guideline ``equal``/``subset_of`` item; partial from ``intersects_with``,
      ``superset_of`` or a row naming the whole framework.
    * ``framework_to_guidelines``: is the framework item covered by the new standards? The
      rows are read the other way round (``INVERSE``): full when a guideline or standard is
      ``equal`` to it or its ``superset_of``; partial otherwise.
    * ``edition_to_edition``: is an item of one edition covered by the other edition?

    A guideline is listed against each framework it has a disposition or a row for (on the
    shipped corpus: every guideline against every framework with dispositions), so the table
    grows with the reviews recorded rather than with guidelines × frameworks.

    ``status`` is ``unreviewed`` whenever the disposition is missing or ``unreviewed``, so an
    unreviewed element never counts as a gap. Elements with a disposition of ``not_related``
    or ``out_of_scope`` are ``uncovered``; the disposition column says which.

    Returns:
        Columns ``framework, element_id, label, direction, mapped_count, disposition, status``,
        in framework, direction and element order.
    """
    known = elements(tables).set_index("element_id")
    kind, label_of, framework_of = (known[c].to_dict() for c in ("kind", "label", "framework_id"))
    editions = editions_of(tables["frameworks"])
    related = _related_rows(tables["crosswalk"])
    records = list(
        zip(
            related["focal_id"],
            related["reference_id"],
            related["framework_id"],
            related["relation"],
            strict=True,
        )
    )
    disposed = tables["crosswalk_dispositions"]
    disposition_of = dict(
        zip(
            zip(disposed["element_id"], disposed["framework_id"], strict=True),
            disposed["disposition"],
            strict=True,
        )
    )
    frameworks = sorted(set(disposed["framework_id"]))
    items = tables["framework_items"]
    items_of = {f: list(ids) for f, ids in items.groupby("framework_id", sort=False)["item_id"]}
    # Each element's related rows (relation, reference), collected once in one pass.
    by_guideline: dict[tuple, list] = defaultdict(list)
    by_item: dict[str, list] = defaultdict(list)
    as_focal_of: dict[tuple, list] = defaultdict(list)
    as_reference_of: dict[tuple, list] = defaultdict(list)
    for focal, reference, framework, relation in records:
        if kind.get(focal) == "guideline":
            by_guideline[framework, focal].append((relation, reference))
        if kind.get(focal) in ("guideline", "standard"):
            by_item[reference].append(relation)
        as_focal_of[focal, framework].append(relation)
        as_reference_of[reference, framework_of.get(focal)].append(relation)
    # A guideline is listed against the frameworks it was reviewed against (a disposition or
    # a row), so the table grows with the reviews, not with guidelines × frameworks.
    reviewed = {
        f: set(ids) for f, ids in disposed.groupby("framework_id", sort=False)["element_id"]
    }
    for framework, guideline in by_guideline:
        reviewed.setdefault(framework, set()).add(guideline)

    def row(framework: str, element: str, direction: str, count: int, full: bool) -> dict:
        disposition = disposition_of.get((element, framework))
        return _coverage_row(
            framework, element, label_of[element], direction, count, full, disposition
        )

    guideline_ids = list(tables["guidelines"]["guideline_id"])
    positions = positions_of(guideline_ids)
    editions_of_work = _editions_by_work(editions)
    rows = []
    for framework in frameworks:
        # the reviewed guidelines in table order, found without scanning every guideline
        for position in sorted(
            p for g in reviewed.get(framework, ()) for p in positions.get(g, ())
        ):
            guideline = guideline_ids[position]
            mine = by_guideline.get((framework, guideline), [])
            full = any(r in FULL and kind.get(ref) == "framework_item" for r, ref in mine)
            rows.append(row(framework, guideline, "guideline_to_framework", len(mine), full))
        for item in items_of.get(framework, []):
            mine = by_item.get(item, [])
            full = any(INVERSE.get(r) in FULL for r in mine)
            rows.append(row(framework, item, "framework_to_guidelines", len(mine), full))
        work = editions.get(framework)
        for other in sorted(
            e for e in (editions_of_work.get(work, ()) if work else ()) if e != framework
        ):
            for item in items_of.get(other, []):
                as_focal = as_focal_of.get((item, framework), [])
                as_reference = as_reference_of.get((item, framework), [])
                full = any(r in FULL for r in as_focal) or any(
                    INVERSE.get(r) in FULL for r in as_reference
                )
                rows.append(
                    row(
                        framework,
                        item,
                        "edition_to_edition",
                        len(as_focal) + len(as_reference),
                        full,
                    )
                )
    frame = pd.DataFrame(
        rows,
        columns=[
            "framework",
            "element_id",
            "label",
            "direction",
            "mapped_count",
            "disposition",
            "status",
        ],
    )
    frame["mapped_count"] = frame["mapped_count"].astype("Int64")
    return frame


def positions_of(ids: Iterable[str]) -> dict[str, list[int]]:
    """Return ``{id: its positions in ids}``, so a subset can be listed in order without a scan.

    Examples:
        >>> dict(positions_of(["b", "a", "b"]))
        {'b': [0, 2], 'a': [1]}
    """
    positions: dict[str, list[int]] = defaultdict(list)
    for position, element in enumerate(ids):
        positions[element].append(position)
    return positions


def _editions_by_work(editions: dict[str, str]) -> dict[str, list[str]]:
    """Return ``{work framework_id: its edition framework_ids}``, ``editions_of`` inverted."""
    by_work: dict[str, list[str]] = defaultdict(list)
    for edition, work in editions.items():
        by_work[work].append(edition)
    return by_work


def _coverage_row(
    framework: str,
    element: str,
    label: str,
    direction: str,
    count: int,
    full: bool,
    disposition: str | None,
) -> dict:
    if disposition in (None, "unreviewed"):
        status = "unreviewed"
    elif full:
        status = "covered"
    elif count:
        status = "partial"
    else:
        status = "uncovered"
    return {
        "framework": framework,
        "element_id": element,
        "label": label,
        "direction": direction,
        "mapped_count": count,
        "disposition": disposition or "unreviewed",
        "status": status,
    }


def coverage_summary(coverage_table: pd.DataFrame) -> pd.DataFrame:
    """Return counts of each coverage status per framework and direction (a wide table).

    It exists for the notebook and the build's front page: one line per framework and
    direction saying how many elements are covered, partial, uncovered and unreviewed.
    """
    counts = (
        coverage_table.groupby(["framework", "direction", "status"])
        .size()
        .unstack("status", fill_value=0)
        .reindex(columns=list(COVERAGE_STATUSES), fill_value=0)
    )
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().rename_axis(columns=None)


def uncovered_elements(
    coverage_table: pd.DataFrame, framework: str, direction: str
) -> pd.DataFrame:
    """Return the elements of one framework and direction with status ``uncovered``.

    For ``framework_to_guidelines`` these are what the existing framework asks that the new
    standards leave to accreditation; for ``guideline_to_framework`` what is new in the
    standards relative to that framework.
    """
    part = coverage_table[
        (coverage_table["framework"] == framework)
        & (coverage_table["direction"] == direction)
        & (coverage_table["status"] == "uncovered")
    ]
    return part[["element_id", "label", "disposition"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# The collated standards and the editions
# --------------------------------------------------------------------------------------


def collated_representation(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return, for each of the collated standards, whether the corpus holds its items.

    An entry is represented by ``items`` when its ``framework_id`` names a framework with items
    in the corpus, directly or through its editions (the Respect work through its 3rd and 4th
    editions); otherwise only by its ``title``.

    Returns:
        Columns ``number, title, framework_id, represented_by, item_count, item_frameworks``,
        in Appendix 3 order.
    """
    collated = tables["collated_standards"].sort_values("number")
    item_counts = Counter(tables["framework_items"]["framework_id"])
    editions_of_work = _editions_by_work(editions_of(tables["frameworks"]))
    rows = []
    for record in collated.to_dict("records"):
        framework = record["framework_id"]
        holders = (
            []
            if _blank(framework)
            else sorted({framework} | set(editions_of_work.get(framework, ())))
        )
        count = sum(item_counts[h] for h in holders)
        rows.append(
            {
                "number": record["number"],
                "title": record["title"],
                "framework_id": None if _blank(framework) else framework,
                "represented_by": "items" if count else "title",
                "item_count": count,
                "item_frameworks": "; ".join(h for h in holders if item_counts[h]) or None,
            }
        )
    frame = pd.DataFrame(rows)
    frame["number"] = frame["number"].astype("Int64")
    return frame


def compose(focal_relation: str, edition_relation: str) -> tuple[str | None, str]:
    """Carry ``g R x`` across ``y E x`` (y an item of the other edition) to a relation g ? y.

    Set algebra decides what is implied; anything it cannot decide needs a reviewer.

    Returns:
        ``(relation, carry)``: ``carry`` is ``exact`` (E is ``equal``: the relation carries
        unchanged), ``implied`` (the relation follows from the sets), or ``review`` (it does
        not follow; ``relation`` is then ``None``).

    Examples:
        >>> compose("intersects_with", "equal")
        ('intersects_with', 'exact')
        >>> compose("intersects_with", "superset_of")
        ('intersects_with', 'implied')
        >>> compose("subset_of", "superset_of")
        ('subset_of', 'implied')
        >>> compose("intersects_with", "subset_of")
        (None, 'review')
    """
    if edition_relation == "equal":
        return focal_relation, "exact"
    if edition_relation == "superset_of":  # x ⊂ y
        if focal_relation in ("equal", "subset_of"):
            return "subset_of", "implied"
        return "intersects_with", "implied"
    if edition_relation == "subset_of":  # y ⊂ x
        if focal_relation in ("equal", "superset_of"):
            return "superset_of", "implied"
        return None, "review"
    if edition_relation == "intersects_with" and focal_relation in ("equal", "superset_of"):
        return "intersects_with", "implied"
    return None, "review"


def carry_over(
    tables: dict[str, pd.DataFrame],
    source: str = "framework:respect:4ed",
    target: str = "framework:respect:3ed",
) -> pd.DataFrame:
    """Return every mapping to an item of ``source`` carried to the other edition ``target``.

    For each related crosswalk row ``guideline R x`` (x in ``source``) and each edition row
    linking x with an item y of ``target``, the composed relation (``compose``) says whether
    the mapping carries exactly, is implied, or needs review; a mapping whose x has no
    counterpart in ``target`` does not carry. ``in_crosswalk`` says whether the curated
    crosswalk already holds the carried pair, and with which relation.

    Returns:
        Columns ``focal_id, source_item, relation, target_item, edition_relation,
        carried_relation, carry, in_crosswalk``; ``carry`` is ``exact``, ``implied``,
        ``review`` or ``none``.
    """
    known = elements(tables).set_index("element_id")
    crosswalk = tables["crosswalk"]
    related = _related_rows(crosswalk)
    focal_kind = related["focal_id"].map(known["kind"])
    mappings = related[
        (related["framework_id"] == source)
        & focal_kind.isin(["guideline", "standard"])
        & (related["reference_id"].map(known["kind"]) == "framework_item")
    ]
    edition_rows = _edition_pairs(related, known, source, target)
    curated = {
        (f, r): rel
        for f, r, rel in zip(
            crosswalk["focal_id"], crosswalk["reference_id"], crosswalk["relation"], strict=True
        )
    }
    counterparts_of: dict[str, list[dict]] = defaultdict(list)
    for pair in edition_rows.to_dict("records"):
        counterparts_of[pair["source_item"]].append(pair)
    rows = []
    for record in mappings.to_dict("records"):
        counterparts = counterparts_of.get(record["reference_id"], [])
        if not counterparts:
            rows.append(
                {
                    "focal_id": record["focal_id"],
                    "source_item": record["reference_id"],
                    "relation": record["relation"],
                    "target_item": None,
                    "edition_relation": None,
                    "carried_relation": None,
                    "carry": "none",
                    "in_crosswalk": None,
                }
            )
        for pair in counterparts:
            relation, carry = compose(record["relation"], pair["edition_relation"])
            rows.append(
                {
                    "focal_id": record["focal_id"],
                    "source_item": record["reference_id"],
                    "relation": record["relation"],
                    "target_item": pair["target_item"],
                    "edition_relation": pair["edition_relation"],
                    "carried_relation": relation,
                    "carry": carry,
                    "in_crosswalk": curated.get((record["focal_id"], pair["target_item"])),
                }
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "focal_id",
            "source_item",
            "relation",
            "target_item",
            "edition_relation",
            "carried_relation",
            "carry",
            "in_crosswalk",
        ],
    )
    return frame.sort_values(
        ["focal_id", "source_item", "target_item"], key=_natural_key
    ).reset_index(drop=True)


def _edition_pairs(
    related: pd.DataFrame, known: pd.DataFrame, source: str, target: str
) -> pd.DataFrame:
    """Return edition rows as ``target_item E source_item`` (E read from the target side)."""
    framework_of = known["framework_id"].to_dict()
    rows = []
    for focal, reference, relation in zip(
        related["focal_id"], related["reference_id"], related["relation"], strict=True
    ):
        focal_fw, ref_fw = framework_of.get(focal), framework_of.get(reference)
        if focal_fw == target and ref_fw == source:
            rows.append((reference, focal, relation))
        elif focal_fw == source and ref_fw == target:
            rows.append((focal, reference, INVERSE[relation]))
    return pd.DataFrame(rows, columns=["source_item", "target_item", "edition_relation"])


def _natural_key(column: pd.Series) -> pd.Series:
    """Sort ids with numbers in numeric order (guideline:2.10 after guideline:2.9).

    Each distinct id is split once; a column repeats its ids many times.
    """
    values = column.fillna("")
    keys = {
        v: tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(v)))
        for v in values.unique()
    }
    return values.map(keys.__getitem__)


def sort_elements(ids: Iterable[str]) -> list[str]:
    """Return ids in natural order (``csaap:2`` before ``csaap:10``, ``6`` before ``6a``)."""
    return sorted(
        ids,
        key=lambda v: tuple(
            (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", v) if p
        ),
    )


# --------------------------------------------------------------------------------------
# Labelled rows and exports
# --------------------------------------------------------------------------------------


def labelled_crosswalk(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the curated rows joined with the labels of both sides, in reading order.

    It exists for the build's ``crosswalk.csv``, which a reader opens without the corpus:
    each row carries the focal and reference wording beside the relation.
    """
    known = elements(tables).set_index("element_id")
    crosswalk = tables["crosswalk"].copy()
    crosswalk.insert(1, "focal_label", crosswalk["focal_id"].map(known["label"]))
    crosswalk.insert(3, "reference_label", crosswalk["reference_id"].map(known["label"]))
    return crosswalk.sort_values(
        ["framework_id", "focal_id", "reference_id"], key=_natural_key
    ).reset_index(drop=True)


#: SSSOM predicates for the IR 8477 relations (subject = focal, object = reference).
SSSOM_PREDICATES = {
    "equal": "skos:exactMatch",
    "subset_of": "skos:broadMatch",  # the object is broader than the subject
    "superset_of": "skos:narrowMatch",  # the object is narrower than the subject
    "intersects_with": "skos:relatedMatch",
    "not_related": "skos:relatedMatch",  # with predicate_modifier Not
}
SSSOM_JUSTIFICATIONS = {
    "curated": "semapv:ManualMappingCuration",
    "suggested": "semapv:MappingChaining",
}
#: The CURIE prefix of each kind of id the crosswalk names (``guideline:3.3`` → ``wbgl:3.3``).
SSSOM_PREFIXES = {
    "guideline": "wbgl",
    "standard": "wbst",
    "framework_item": "wbfi",
    "framework": "wbfw",
}
#: The namespace of the workbench's ids: ``urn:workbench:`` + the id's kind and local part.
SSSOM_NAMESPACE = "urn:workbench:"
SSSOM_MAPPING_SET_ID = SSSOM_NAMESPACE + "crosswalk"
SSSOM_CURIE_MAP = {
    **{prefix: f"{SSSOM_NAMESPACE}{kind}:" for kind, prefix in SSSOM_PREFIXES.items()},
    # sssom-py reads any "word:" at the start of a metadata value as a CURIE prefix, the
    # mapping set id's URN scheme included; declared as itself, it expands to the same URI
    "urn": "urn:",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
}


def sssom_curie(element_id: str) -> str:
    """Return the SSSOM CURIE of a crosswalk id, under a prefix of ``SSSOM_CURIE_MAP``.

    A CURIE's local part may not hold a colon where ids do (``framework_item:csaap:2``), so
    colons after the kind become slashes, which ids never hold: the mapping is one to one.

    Examples:
        >>> sssom_curie("guideline:3.3")
        'wbgl:3.3'
        >>> sssom_curie("framework_item:respect:4ed:p5")
        'wbfi:respect/4ed/p5'
    """
    kind, _, local = element_id.partition(":")
    if kind not in SSSOM_PREFIXES or not local or "/" in local:
        raise ValueError(
            f"{element_id!r} is not a guideline, standard, framework item or framework id"
        )
    return f"{SSSOM_PREFIXES[kind]}:{local.replace(':', '/')}"


def sssom_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the crosswalk as an SSSOM mapping table (one row per curated row).

    Ids become CURIEs (``sssom_curie``); IR 8477 relations become SKOS predicates
    (``SSSOM_PREDICATES``), ``not_related`` rows keep ``skos:relatedMatch`` with
    ``predicate_modifier`` ``Not``; the method becomes a semapv justification. The OLIR
    strength says how much of one text the other holds, not how sure the mapping is, so it is
    not given as SSSOM ``confidence``: ``comment`` keeps the IR 8477 relation, rationale type,
    strength, status and rationale, so no information is lost for tools that read SSSOM.
    """
    labelled = labelled_crosswalk(tables)
    return pd.DataFrame(
        {
            "subject_id": labelled["focal_id"].map(sssom_curie),
            "subject_label": labelled["focal_label"],
            "predicate_id": labelled["relation"].map(SSSOM_PREDICATES),
            "predicate_modifier": labelled["relation"].map(
                lambda r: "Not" if r == "not_related" else ""
            ),
            "object_id": labelled["reference_id"].map(sssom_curie),
            "object_label": labelled["reference_label"],
            "mapping_justification": labelled["method"].map(SSSOM_JUSTIFICATIONS),
            "object_source": labelled["framework_id"].map(sssom_curie),
            "comment": [
                f"NIST IR 8477 {r} ({t}, strength {int(s)} of 10; {st}): {why}"
                for r, t, s, st, why in zip(
                    labelled["relation"],
                    labelled["rationale_type"],
                    labelled["strength"],
                    labelled["status"],
                    labelled["rationale"],
                    strict=True,
                )
            ],
        }
    )
