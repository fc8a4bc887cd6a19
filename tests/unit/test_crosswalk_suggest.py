"""The suggester's shared terms and its per-framework grouping, checked on small inputs and on
the shipped corpus."""

from __future__ import annotations

import pandas as pd

from workbench.crosswalk_suggest import (
    _shared_terms,
    suggest_crosswalk,
)


def test_shared_terms_rank_by_weight_product_then_column():
    a = {0: 0.5, 1: 0.2, 2: 0.4, 5: 0.1}
    b = {0: 0.4, 2: 0.5, 3: 0.9, 5: 1.0}
    terms = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    # columns 0 and 2 tie on 0.2; the earlier column comes first, then zeta (0.1)
    assert _shared_terms(a, b, terms, 5) == "alpha; gamma; zeta"
    assert _shared_terms(b, a, terms, 2) == "alpha; gamma"
    assert _shared_terms(a, {3: 1.0}, terms, 5) is None


def test_suggestions_for_several_frameworks_match_each_alone(corpus):
    frameworks = ["framework:csaap", "framework:welsh_vawdasv", "framework:mirabal"]
    together = suggest_crosswalk(corpus.tables, frameworks, k=3)
    for framework in frameworks:
        alone = suggest_crosswalk(corpus.tables, [framework], k=3)
        mine = together[together["framework_id"] == framework].reset_index(drop=True)
        # dtypes may differ where a column holds only missing relations (object vs str)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False, check_exact=True)
    assert list(dict.fromkeys(together["framework_id"])) == frameworks


def test_surface_forms_give_the_words_of_the_texts_not_stems():
    from workbench.crosswalk_suggest import surface_forms

    forms = surface_forms(
        [
            "Services should provide quality support.",
            "Quality assurance: providing support; provide training",
        ]
    )
    # "provide" twice, "providing" once; "quality" (text 1) and "Quality" (text 2) once
    # each: the first used wins
    assert forms["provid"] == "provide"
    assert forms["qualiti"] == "quality"
    assert forms["servic"] == "Services"
    assert "should" not in forms.values()  # a stop word is no term
