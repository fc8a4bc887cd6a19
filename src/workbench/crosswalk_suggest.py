"""Candidate crosswalk rows by text similarity, and how far to trust them.

A reviewer adding a framework needs candidates, not a blank sheet. ``suggest_crosswalk`` scores
every guideline against every item of a framework by TF-IDF cosine similarity of their
verbatim texts (scikit-learn's vectoriser over Snowball-stemmed words, English stop words
plus a domain stop-list of words every text here shares) and keeps the top ``k`` per
guideline, with the terms that drove each score. Suggestions are never merged into
``corpus/crosswalk.csv``: a person reads both texts and adds a curated row.

``suggester_metrics`` measures the suggester against the curated rows (precision and recall
at k), so the reviewer knows how much a suggestion is worth.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from workbench.crosswalk import elements, sort_elements

#: Words so common in this domain that they say nothing about which item a guideline matches.
DOMAIN_STOP_WORDS = frozenset({
    "abuse", "abusive", "domestic", "perpetrator", "perpetrators", "intervention",
    "interventions", "should", "could", "including", "include", "possible", "ensure", "use",
    "used", "need", "needed", "appropriate",
})


def _vectoriser(cache: dict[str, list[str]] | None = None):
    """Return a TF-IDF vectoriser over Snowball-stemmed words, stop words removed first.

    Stemming lets ``records`` meet ``Record keeping`` and ``Assessments`` meet
    ``Assessment``; the shared terms reported are therefore stems (``assess``, ``evalu``).
    ``cache`` (text -> stems) lets vectorisers fitted one after another analyse each
    distinct text once.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    words, stemmer = _words_and_stemmer()
    cache = {} if cache is None else cache

    def analyse(text: str) -> list[str]:
        if text not in cache:
            cache[text] = stemmer.stemWords(words(text))
        return cache[text]

    return TfidfVectorizer(analyzer=analyse, sublinear_tf=True)


@functools.cache
def _words_and_stemmer():
    """The word analyser (stop words removed) and the Snowball stemmer, built once."""
    import snowballstemmer
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    words = CountVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS),
                            lowercase=True, strip_accents="unicode",
                            token_pattern=r"(?u)\b[a-z][a-z]+\b").build_analyzer()
    return words, snowballstemmer.stemmer("english")


def reviewed_frameworks(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Return the frameworks whose items have dispositions against the guidelines, sorted."""
    dispositions = tables["crosswalk_dispositions"]
    chosen = dispositions.loc[dispositions["direction"] == "framework_to_guidelines",
                              "framework_id"]
    return sorted(set(chosen))


def suggest_crosswalk(tables: dict[str, pd.DataFrame], framework_ids: Iterable[str] | None = None,
                      k: int = 3, shared_terms: int = 5) -> pd.DataFrame:
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
        curated_relation`` (the relation of the curated row for the pair, if any). Items
        sharing no term with the guideline (score 0) are never suggested, so a guideline may
        get fewer than ``k``. Ties in score are broken by item order, so the output is
        deterministic.

    Raises:
        KeyError: when a framework id is unknown or has no items.
    """
    known = elements(tables)
    all_guidelines = known[known["kind"] == "guideline"]
    items = known[known["kind"] == "framework_item"]
    curated = _curated_pairs(tables)
    dispositions = tables["crosswalk_dispositions"]
    reviewed = {f: set(ids) for f, ids in dispositions.groupby("framework_id")["element_id"]}
    rows = []
    stems: dict[str, list[str]] = {}
    for framework in framework_ids or reviewed_frameworks(tables):
        # the guidelines reviewed against the framework; all of them for a new framework
        guidelines = all_guidelines[all_guidelines["element_id"].isin(reviewed.get(framework,
                                                                                   ()))]
        if guidelines.empty:
            guidelines = all_guidelines
        mine = items[items["framework_id"] == framework]
        if mine.empty:
            raise KeyError(f"no framework items for {framework!r}; known frameworks with "
                           "items: " + ", ".join(sorted(set(items["framework_id"]))))
        order = sort_elements(mine["element_id"])
        mine = mine.set_index("element_id").loc[order].reset_index()
        vectoriser = _vectoriser(stems)
        matrix = vectoriser.fit_transform(list(guidelines["text"]) + list(mine["text"]))
        terms = vectoriser.get_feature_names_out()
        g_matrix, i_matrix = matrix[: len(guidelines)], matrix[len(guidelines):]
        scores = (g_matrix @ i_matrix.T).toarray()  # rows are L2-normalised: dot = cosine
        for g_pos, focal in enumerate(guidelines["element_id"]):
            ranked = np.argsort(-scores[g_pos], kind="stable")[:k]
            ranked = [i for i in ranked if scores[g_pos, i] > 0]
            for rank, i_pos in enumerate(ranked, start=1):
                reference = mine["element_id"].iloc[i_pos]
                rows.append({
                    "framework_id": framework, "focal_id": focal, "rank": rank,
                    "reference_id": reference, "score": round(float(scores[g_pos, i_pos]), 4),
                    "shared_terms": _shared_terms(g_matrix[g_pos], i_matrix[i_pos], terms,
                                                  shared_terms),
                    "curated_relation": curated.get((focal, reference)),
                })
    return pd.DataFrame(rows, columns=["framework_id", "focal_id", "rank", "reference_id",
                                       "score", "shared_terms", "curated_relation"])


def _shared_terms(a, b, terms: Sequence[str], limit: int) -> str | None:
    """Return the terms present in both vectors, by the product of their weights, '; '-joined."""
    product = a.multiply(b).tocoo()
    if product.nnz == 0:
        return None
    pairs = sorted(zip(product.data, product.col, strict=True), key=lambda p: (-p[0], p[1]))
    return "; ".join(terms[col] for _, col in pairs[:limit])


def _curated_pairs(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], str]:
    crosswalk = tables["crosswalk"]
    return dict(zip(zip(crosswalk["focal_id"], crosswalk["reference_id"], strict=True),
                    crosswalk["relation"], strict=True))


def suggester_metrics(tables: dict[str, pd.DataFrame], ks: Sequence[int] = (1, 2, 3, 5),
                      framework_ids: Iterable[str] | None = None,
                      suggestions: pd.DataFrame | None = None) -> pd.DataFrame:
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
    top = suggestions if suggestions is not None else suggest_crosswalk(tables, frameworks,
                                                                        k=max(ks))
    known = elements(tables).set_index("element_id")
    crosswalk = tables["crosswalk"]
    relevant = crosswalk[(crosswalk["relation"] != "not_related")
                         & (crosswalk["focal_id"].map(known["kind"]) == "guideline")
                         & (crosswalk["reference_id"].map(known["kind"]) == "framework_item")]
    rows = []
    for framework in frameworks:
        wanted = relevant[relevant["framework_id"] == framework]
        n_items = int((tables["framework_items"]["framework_id"] == framework).sum())
        truth = wanted.groupby("focal_id")["reference_id"].apply(set).to_dict()
        for k in ks:
            picked = top[(top["framework_id"] == framework) & (top["rank"] <= k)
                         & top["focal_id"].isin(truth)]
            rows.append({
                "framework_id": framework, "k": k, "guidelines": len(truth),
                "relevant_pairs": sum(len(v) for v in truth.values()),
                "suggested": len(picked),
                "hits": sum(ref in truth[focal] for focal, ref in
                            zip(picked["focal_id"], picked["reference_id"], strict=True)),
                "random_rate": sum(min(len(v), n_items) / n_items for v in truth.values()),
            })
    frame = pd.DataFrame(rows)
    pooled = frame.groupby("k", as_index=False)[
        ["guidelines", "relevant_pairs", "suggested", "hits", "random_rate"]].sum()
    frame = pd.concat([frame, pooled.assign(framework_id="all")], ignore_index=True)
    frame["precision"] = (frame["hits"] / frame["suggested"]).round(3)
    frame["recall"] = (frame["hits"] / frame["relevant_pairs"]).round(3)
    frame["random_precision"] = (frame["random_rate"] / frame["guidelines"]).round(3)
    for column in ("k", "guidelines", "relevant_pairs", "suggested", "hits"):
        frame[column] = frame[column].astype("Int64")
    return frame[["framework_id", "k", "guidelines", "relevant_pairs", "suggested", "hits",
                  "precision", "recall", "random_precision"]]
