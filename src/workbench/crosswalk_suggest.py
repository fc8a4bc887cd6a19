"""Candidate crosswalk rows by text similarity, and how far to trust them.

A reviewer adding a framework needs candidates, not a blank sheet. ``suggest_crosswalk`` scores
every guideline against every item of a framework by TF-IDF cosine similarity of their
verbatim texts (scikit-learn's vectoriser over Snowball-stemmed words, English stop words
plus a domain stop-list of words every text here shares) and keeps the top ``k`` per
guideline, with the words that drove each score as the two texts spell them. Suggestions
are never merged into ``corpus/crosswalk.csv``: a person reads both texts and adds a curated
row.

``suggester_metrics`` measures the suggester against the curated rows (precision and recall
at k), so the reviewer knows how much a suggestion is worth.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from workbench.crosswalk import elements, positions_of, sort_elements

#: Words so common in this domain that they say nothing about which item a guideline matches.
DOMAIN_STOP_WORDS = frozenset(
    {
        "abuse",
        "abusive",
        "domestic",
        "perpetrator",
        "perpetrators",
        "intervention",
        "interventions",
        "should",
        "could",
        "including",
        "include",
        "possible",
        "ensure",
        "use",
        "used",
        "need",
        "needed",
        "appropriate",
    }
)


def _vectoriser(analyse: Callable[[str], list[str]] | None = None):
    """Return a TF-IDF vectoriser over Snowball-stemmed words, stop words removed first.

    Stemming lets ``records`` meet ``Record keeping`` and ``Assessments`` meet
    ``Assessment``; the vectoriser's terms are therefore stems (``assess``, ``evalu``), which
    :func:`surface_forms` maps back to words of the texts for a reader.
    ``analyse`` (from ``_analyser``), shared by vectorisers fitted one after another, lets
    them analyse each distinct text and stem each distinct word once.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # scikit-learn: ~1 s to import

    return TfidfVectorizer(analyzer=analyse or _analyser(), sublinear_tf=True)


def _analyser() -> Callable[[str], list[str]]:
    """Return a function from a text to its stems, remembering texts and words already seen.

    Stemming is pure Python and costs far more than the rest of the analysis; texts differ
    but their words recur, so each distinct word is stemmed once.
    """
    words, stemmer = _words_and_stemmer()
    by_text: dict[str, list[str]] = {}
    by_word: dict[str, str] = {}

    def stem(word: str) -> str:
        if word not in by_word:
            by_word[word] = stemmer.stemWord(word)
        return by_word[word]

    def analyse(text: str) -> list[str]:
        if text not in by_text:
            by_text[text] = [stem(word) for word in words(text)]
        return by_text[text]

    return analyse


@functools.cache
def _words_and_stemmer():
    """The word analyser (stop words removed) and the Snowball stemmer, built once."""
    import snowballstemmer  # loaded, with scikit-learn, only when suggestions are made
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    words = CountVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS),
        lowercase=True,
        strip_accents="unicode",
        token_pattern=r"(?u)\b[a-z][a-z]+\b",
    ).build_analyzer()
    return words, snowballstemmer.stemmer("english")


#: The columns of the suggestions, in order (the header of the CSV it writes).
SUGGESTION_COLUMNS = (
    "framework_id",
    "focal_id",
    "rank",
    "reference_id",
    "score",
    "shared_terms",
    "curated_relation",
)


def surface_forms(texts: Iterable[str]) -> dict[str, str]:
    """Return, for each stem the analyser makes of ``texts``, the word it most often stands for.

    The word is spelled as in the texts (``provide``, not the stem ``provid``); among words
    used equally often, the first used wins. Every word of the texts is analysed alone, as the
    vectoriser analyses it inside its text (same case folding, accents, stop words and token
    pattern), so each stem of a shared term has a word here.

    Examples:
        >>> forms = surface_forms(["We provide quality support", "providing quality; provide"])
        >>> forms["provid"], forms["qualiti"]
        ('provide', 'quality')
    """
    seen: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for stem, counts in _stem_counts(text).items():
            seen[stem].update(counts)
    return {stem: counts.most_common(1)[0][0] for stem, counts in seen.items()}


def _surface_form(stem: str, counted: Sequence[dict[str, Counter]]) -> str:
    """The word ``stem`` most often stands for in texts counted by :func:`_stem_counts` (the
    first used among equals), or the stem itself when no text uses it."""
    merged: Counter = Counter()
    for counts in counted:
        if stem in counts:
            merged.update(counts[stem])
    return merged.most_common(1)[0][0] if merged else stem


@functools.lru_cache(maxsize=4096)
def _stem_counts(text: str) -> dict[str, Counter]:
    """How often each word of ``text`` occurs, grouped by its stem (in order of first use)."""
    words, stemmer = _words_and_stemmer()
    seen: dict[str, Counter] = defaultdict(Counter)
    for token in _TOKEN.findall(text):
        for word in words(token):
            seen[stemmer.stemWord(word)][token] += 1
    return dict(seen)


#: A run of word characters: what the vectoriser's pattern can find at most one word in.
_TOKEN = re.compile(r"\w+")


def reviewed_frameworks(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Return the frameworks whose items have dispositions against the guidelines, sorted."""
    dispositions = tables["crosswalk_dispositions"]
    chosen = dispositions.loc[
        dispositions["direction"] == "framework_to_guidelines", "framework_id"
    ]
    return sorted(set(chosen))


def suggest_crosswalk(
    tables: dict[str, pd.DataFrame],
    framework_ids: Iterable[str] | None = None,
    k: int = 3,
    shared_terms: int = 5,
) -> pd.DataFrame:
    """Return the top-``k`` framework items for every guideline, by TF-IDF cosine similarity.

    The vectoriser is fitted, per framework, on the texts of the 37 guidelines and of that
    framework's items (label and fuller text), so that inverse document frequencies reflect
    the two documents being compared. Where guidelines have dispositions against the
    framework, only those guidelines are scored (on the shipped corpus: all 37 for every
    reviewed framework), so the work grows with the reviews rather than with guidelines ×
    frameworks; a framework nobody has reviewed yet is scored against every guideline.

    Args:
        tables: the corpus tables.
        framework_ids: frameworks to suggest for (default: every reviewed framework).
        k: candidates kept per guideline.
        shared_terms: how many shared terms to list per candidate.

    Returns:
        Columns ``framework_id, focal_id, rank, reference_id, score, shared_terms,
        curated_relation`` (the relation of the curated row for the pair, if any).
        ``shared_terms`` are words of the two texts (:func:`surface_forms` of the pair), the
        heaviest first. Items
        sharing no term with the guideline (score 0) are never suggested, so a guideline may
        get fewer than ``k``. Ties in score are broken by item order, so the output is
        deterministic.

    Raises:
        KeyError: when a framework id is unknown or has no items.
    """
    known = elements(tables)
    guidelines = known[known["kind"] == "guideline"]
    guideline_ids, guideline_texts = list(guidelines["element_id"]), list(guidelines["text"])
    items = known[known["kind"] == "framework_item"]
    items_of = _items_by_framework(items)
    curated = _curated_pairs(tables)
    dispositions = tables["crosswalk_dispositions"]
    reviewed = {f: set(ids) for f, ids in dispositions.groupby("framework_id")["element_id"]}
    positions = positions_of(guideline_ids)
    rows: list[tuple] = []
    analyse = _analyser()
    for framework in framework_ids or reviewed_frameworks(tables):
        if framework not in items_of:
            raise KeyError(
                f"no framework items for {framework!r}; known frameworks with "
                "items: " + ", ".join(sorted(set(items["framework_id"])))
            )
        # the guidelines reviewed against the framework; all of them for a new framework
        chosen: Sequence[int] = sorted(
            p for g in reviewed.get(framework, ()) for p in positions.get(g, ())
        )
        if not chosen:
            chosen = list(range(len(guideline_ids)))
        focals = [guideline_ids[p] for p in chosen]
        references, texts = items_of[framework]
        vectoriser = _vectoriser(analyse)
        matrix = _fit_transform(vectoriser, [guideline_texts[p] for p in chosen] + texts)
        terms = vectoriser.get_feature_names_out().tolist()
        g_matrix, i_matrix = matrix[: len(focals)], matrix[len(focals) :]
        scores = (g_matrix @ i_matrix.T).toarray()  # rows are L2-normalised: dot = cosine
        weights = _row_weights(matrix)
        ranked = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        for g_pos, focal in enumerate(focals):
            kept = [i for i in ranked[g_pos].tolist() if scores[g_pos, i] > 0]
            for rank, i_pos in enumerate(kept, start=1):
                reference = references[i_pos]
                stems = _shared_terms(
                    weights[g_pos], weights[len(focals) + i_pos], terms, shared_terms
                )
                rows.append(
                    (
                        framework,
                        focal,
                        rank,
                        reference,
                        round(float(scores[g_pos, i_pos]), 4),
                        _spelled(stems, guideline_texts[chosen[g_pos]], texts[i_pos]),
                        curated.get((focal, reference)),
                    )
                )
    return pd.DataFrame(rows, columns=list(SUGGESTION_COLUMNS))


def _spelled(stems: str | None, *texts: str) -> str | None:
    """Return '; '-joined stems as the words the two texts use for them."""
    if stems is None:
        return None
    # what surface_forms(texts) gives, for the few stems asked for rather than every stem
    counted = [_stem_counts(text) for text in texts]
    return "; ".join(_surface_form(stem, counted) for stem in stems.split("; "))


def _fit_transform(vectoriser, texts: list[str]):
    """Fit the vectoriser on ``texts`` and return their TF-IDF rows as a CSR matrix.

    scikit-learn's parameter and finiteness checks are skipped: the vectoriser and its
    string inputs are built here, and on a framework of a dozen items the checks cost more
    than the fit itself, once per framework.
    """
    from sklearn import config_context  # scikit-learn: ~1 s to import

    with config_context(skip_parameter_validation=True, assume_finite=True):
        return vectoriser.fit_transform(texts).tocsr()


def _items_by_framework(items: pd.DataFrame) -> dict[str, tuple[list[str], list[str]]]:
    """Return ``{framework_id: (item ids in natural order, their texts)}``, grouped in one pass.

    Grouping once keeps the suggester linear in the number of frameworks.
    """
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for framework, item, text in zip(
        items["framework_id"], items["element_id"], items["text"], strict=True
    ):
        grouped[framework].append((item, text))
    result = {}
    for framework, pairs in grouped.items():
        text_of = dict(pairs)
        order = sort_elements(text_of)
        result[framework] = (order, [text_of[item] for item in order])
    return result


def _row_weights(matrix) -> list[dict[int, float]]:
    """Return each row of a CSR matrix as ``{column: weight}``.

    Reading the CSR arrays once avoids building a sparse matrix per suggested pair.
    """
    indptr, indices, data = matrix.indptr.tolist(), matrix.indices.tolist(), matrix.data.tolist()
    return [
        dict(zip(indices[start:end], data[start:end], strict=True))
        for start, end in zip(indptr[:-1], indptr[1:], strict=True)
    ]


def _shared_terms(
    a: dict[int, float], b: dict[int, float], terms: Sequence[str], limit: int
) -> str | None:
    """Return the terms present in both rows, by the product of their weights, '; '-joined.

    Ties in the product go to the earlier column, so the list is deterministic.
    """
    if len(b) < len(a):
        a, b = b, a
    products = [(-(weight * b[column]), column) for column, weight in a.items() if column in b]
    pairs = sorted(pair for pair in products if pair[0] != 0)
    if not pairs:
        return None
    return "; ".join(terms[column] for _, column in pairs[:limit])


def _curated_pairs(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], str]:
    crosswalk = tables["crosswalk"]
    return dict(
        zip(
            zip(crosswalk["focal_id"], crosswalk["reference_id"], strict=True),
            crosswalk["relation"],
            strict=True,
        )
    )


def suggester_metrics(
    tables: dict[str, pd.DataFrame],
    ks: Sequence[int] = (1, 2, 3, 5),
    framework_ids: Iterable[str] | None = None,
    suggestions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return precision and recall at each k of the suggester against the curated rows.

    The relevant items of a guideline are those of its curated rows with a relation other
    than ``not_related`` (item level; rows naming a whole framework are left out). Only
    guidelines with at least one relevant item in the framework are scored. Precision at k
    is the share of the k suggestions that are relevant; recall at k the share of relevant
    pairs found in the top k (both pooled over guidelines). ``random_precision`` is the
    precision of picking items at random (the mean share of a framework's items that are
    relevant to a scored guideline), the baseline to beat.

    Returns:
        Columns ``framework_id, k, guidelines, relevant_pairs, suggested, hits, precision,
        recall, random_precision``; the last rows (``framework_id`` = ``all``) pool every
        framework. ``suggestions``, when given, are the suggester's top ``max(ks)`` for
        these frameworks, already computed (so a build computes them once).
    """
    frameworks = list(framework_ids or reviewed_frameworks(tables))
    top = (
        suggestions if suggestions is not None else suggest_crosswalk(tables, frameworks, k=max(ks))
    )
    truths = _relevant_items(tables)
    item_counts = Counter(tables["framework_items"]["framework_id"])
    picks: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for framework, rank, focal, reference in zip(
        top["framework_id"].tolist(),
        top["rank"].tolist(),
        top["focal_id"].tolist(),
        top["reference_id"].tolist(),
        strict=True,
    ):
        picks[framework].append((rank, focal, reference))
    rows = []
    for framework in frameworks:
        truth = truths.get(framework, {})
        n_items = item_counts[framework]
        for k in ks:
            picked = [
                (focal, reference)
                for rank, focal, reference in picks.get(framework, ())
                if rank <= k and focal in truth
            ]
            rows.append(
                {
                    "framework_id": framework,
                    "k": k,
                    "guidelines": len(truth),
                    "relevant_pairs": sum(len(v) for v in truth.values()),
                    "suggested": len(picked),
                    "hits": sum(reference in truth[focal] for focal, reference in picked),
                    "random_rate": sum(min(len(v), n_items) / n_items for v in truth.values()),
                }
            )
    frame = pd.DataFrame(rows)
    pooled = frame.groupby("k", as_index=False)[
        ["guidelines", "relevant_pairs", "suggested", "hits", "random_rate"]
    ].sum()
    frame = pd.concat([frame, pooled.assign(framework_id="all")], ignore_index=True)
    frame["precision"] = (frame["hits"] / frame["suggested"]).round(3)
    frame["recall"] = (frame["hits"] / frame["relevant_pairs"]).round(3)
    frame["random_precision"] = (frame["random_rate"] / frame["guidelines"]).round(3)
    for column in ("k", "guidelines", "relevant_pairs", "suggested", "hits"):
        frame[column] = frame[column].astype("Int64")
    return frame[
        [
            "framework_id",
            "k",
            "guidelines",
            "relevant_pairs",
            "suggested",
            "hits",
            "precision",
            "recall",
            "random_precision",
        ]
    ]


def _relevant_items(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, set[str]]]:
    """Return ``{framework_id: {guideline: its relevant items}}``, guidelines in sorted order.

    Relevant: a curated row from a guideline to an item with a relation other than
    ``not_related``. The guidelines are sorted so that sums over them add in a fixed order.
    """
    kind = elements(tables).set_index("element_id")["kind"].to_dict()
    crosswalk = tables["crosswalk"]
    grouped: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for focal, reference, framework, relation in zip(
        crosswalk["focal_id"],
        crosswalk["reference_id"],
        crosswalk["framework_id"],
        crosswalk["relation"],
        strict=True,
    ):
        if (
            relation != "not_related"
            and kind.get(focal) == "guideline"
            and kind.get(reference) == "framework_item"
        ):
            grouped[framework][focal].add(reference)
    return {
        framework: {focal: truth[focal] for focal in sorted(truth)}
        for framework, truth in grouped.items()
    }
