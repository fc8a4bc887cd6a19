"""The crosswalk's rules, coverage, collated-standard representation, carry-over and suggester,
checked on the shipped curated rows."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import crosswalk as cw
from workbench.crosswalk_suggest import suggest_crosswalk, suggester_metrics


def _with(corpus, name: str, frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    tables = dict(corpus.tables)
    tables[name] = frame
    return tables


def _messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_shipped_crosswalk_is_valid(corpus):
    assert cw.validate_crosswalk(corpus.tables) == []


def test_every_guideline_has_a_disposition_against_the_three_frameworks(corpus):
    dispositions = corpus["crosswalk_dispositions"]
    for framework in cw.REQUIRED_FRAMEWORKS:
        mine = dispositions[
            (dispositions["framework_id"] == framework)
            & (dispositions["direction"] == "guideline_to_framework")
        ]
        assert sorted(mine["element_id"]) == sorted(corpus["guidelines"]["guideline_id"])
        assert set(mine["disposition"]) <= {"mapped", "not_related", "out_of_scope"}


def test_strength_outside_the_band_of_its_relation_is_rejected(corpus):
    crosswalk = corpus["crosswalk"].copy()
    row = crosswalk.index[crosswalk["relation"] == "intersects_with"][0]
    crosswalk.loc[row, "strength"] = 10
    messages = _messages(cw.validate_crosswalk(_with(corpus, "crosswalk", crosswalk)))
    assert messages == [
        f"corpus/crosswalk.csv:{row + 2}: strength: strength 10 does not fit "
        "relation 'intersects_with' (allowed: 1-8); change the strength or "
        "the relation"
    ]


def test_equal_must_have_strength_ten(corpus):
    crosswalk = corpus["crosswalk"].copy()
    row = crosswalk.index[crosswalk["relation"] == "equal"][0]
    crosswalk.loc[row, "strength"] = 9
    messages = _messages(cw.validate_crosswalk(_with(corpus, "crosswalk", crosswalk)))
    assert any(
        m.startswith(
            f"corpus/crosswalk.csv:{row + 2}: strength: strength 9 does not "
            "fit relation 'equal' (allowed: 10)"
        )
        for m in messages
    )


def test_unknown_ids_and_empty_rationale_are_rejected(corpus):
    crosswalk = corpus["crosswalk"].copy()
    crosswalk.loc[0, "focal_id"] = "guideline:9.9"
    crosswalk.loc[3, "rationale"] = None
    crosswalk.loc[4, "framework_id"] = "framework:vermont_values"
    messages = "\n".join(_messages(cw.validate_crosswalk(_with(corpus, "crosswalk", crosswalk))))
    assert "corpus/crosswalk.csv:2: focal_id: 'guideline:9.9' is not a guideline" in messages
    assert "corpus/crosswalk.csv:5: rationale: rationale is empty" in messages
    assert (
        "corpus/crosswalk.csv:6: framework_id: 'framework:vermont_values' is not the "
        "framework of" in messages
    )


def test_a_pair_mapped_twice_in_either_order_is_rejected(corpus):
    crosswalk = corpus["crosswalk"]
    first = crosswalk.iloc[[0]].copy()
    first[["focal_id", "reference_id"]] = first[["reference_id", "focal_id"]].to_numpy()
    doubled = pd.concat([crosswalk, first], ignore_index=True)
    messages = _messages(cw.validate_crosswalk(_with(corpus, "crosswalk", doubled)))
    assert any(
        m.startswith(f"corpus/crosswalk.csv:{len(doubled) + 1}: focal_id, reference_id: the pair")
        and "already mapped in row 2" in m
        for m in messages
    )


def test_a_misquoted_rationale_is_rejected(corpus):
    crosswalk = corpus["crosswalk"].copy()
    crosswalk.loc[0, "rationale"] = "Guideline: “words that are in neither text”."
    messages = _messages(cw.validate_crosswalk(_with(corpus, "crosswalk", crosswalk)))
    assert len(messages) == 1
    assert messages[0].startswith(
        "corpus/crosswalk.csv:2: rationale: the quoted words "
        "“words that are in neither text” occur in neither"
    )


def test_dispositions_must_agree_with_the_rows(corpus):
    dispositions = corpus["crosswalk_dispositions"].copy()
    mapped = dispositions.index[dispositions["disposition"] == "mapped"][0]
    unrelated = dispositions.index[dispositions["disposition"] == "not_related"][0]
    dispositions.loc[mapped, "disposition"] = "not_related"
    dispositions.loc[unrelated, ["disposition", "reason"]] = ["mapped", None]
    messages = "\n".join(
        _messages(cw.validate_crosswalk(_with(corpus, "crosswalk_dispositions", dispositions)))
    )
    assert (
        f"corpus/crosswalk_dispositions.csv:{mapped + 2}: disposition: 'not_related' but "
        "crosswalk.csv maps"
    ) in messages
    assert (
        f"corpus/crosswalk_dispositions.csv:{unrelated + 2}: disposition: 'mapped' but "
        "crosswalk.csv has no related row"
    ) in messages


def test_a_missing_disposition_is_reported(corpus):
    dispositions = corpus["crosswalk_dispositions"]
    keep = ~(
        (dispositions["element_id"] == "guideline:2.5")
        & (dispositions["framework_id"] == "framework:csaap")
    )
    messages = _messages(
        cw.validate_crosswalk(_with(corpus, "crosswalk_dispositions", dispositions[keep]))
    )
    assert messages == [
        "corpus/crosswalk_dispositions.csv: guideline:2.5 has no disposition "
        "against framework:csaap; every guideline needs one against each of "
        "framework:csaap, framework:respect:4ed, framework:welsh_vawdasv"
    ]


def test_out_of_scope_needs_a_reason(corpus):
    dispositions = corpus["crosswalk_dispositions"].copy()
    row = dispositions.index[dispositions["disposition"] == "out_of_scope"][0]
    dispositions.loc[row, "reason"] = None
    messages = _messages(
        cw.validate_crosswalk(_with(corpus, "crosswalk_dispositions", dispositions))
    )
    assert messages == [
        f"corpus/crosswalk_dispositions.csv:{row + 2}: reason: a "
        "'out_of_scope' disposition needs a reason (what was checked, or why "
        "it is out of scope)"
    ]


def _status_counts(coverage: pd.DataFrame, framework: str, direction: str) -> dict[str, int]:
    part = coverage[(coverage["framework"] == framework) & (coverage["direction"] == direction)]
    return part["status"].value_counts().to_dict()


def test_coverage_of_csaap_in_both_directions(corpus):
    coverage = cw.coverage(corpus.tables)
    assert _status_counts(coverage, "framework:csaap", "framework_to_guidelines") == {
        "partial": 9,
        "uncovered": 2,
    }
    uncovered = cw.uncovered_elements(coverage, "framework:csaap", "framework_to_guidelines")
    assert list(uncovered["element_id"]) == ["framework_item:csaap:6a", "framework_item:csaap:7a"]
    assert _status_counts(coverage, "framework:csaap", "guideline_to_framework") == {
        "uncovered": 22,
        "partial": 15,
    }


def test_coverage_of_respect_and_welsh(corpus):
    coverage = cw.coverage(corpus.tables)
    assert _status_counts(coverage, "framework:respect:4ed", "guideline_to_framework") == {
        "partial": 33,
        "covered": 2,
        "uncovered": 2,
    }
    new = cw.uncovered_elements(coverage, "framework:respect:4ed", "guideline_to_framework")
    assert list(new["element_id"]) == ["guideline:2.1", "guideline:2.5"]
    welsh = cw.uncovered_elements(coverage, "framework:welsh_vawdasv", "framework_to_guidelines")
    assert list(welsh["label"]) == [
        "De-selection",
        "Drop out",
        "Health and Safety",
        "Complaints",
        "Environment and Culture",
    ]
    assert list(welsh["disposition"]) == [
        "not_related",
        "not_related",
        "out_of_scope",
        "out_of_scope",
        "out_of_scope",
    ]


def test_unreviewed_never_counts_as_a_gap(corpus):
    dispositions = corpus["crosswalk_dispositions"].copy()
    row = dispositions.index[(dispositions["element_id"] == "framework_item:csaap:6a")][0]
    dispositions.loc[row, ["disposition", "reason"]] = ["unreviewed", None]
    coverage = cw.coverage(_with(corpus, "crosswalk_dispositions", dispositions))
    assert _status_counts(coverage, "framework:csaap", "framework_to_guidelines") == {
        "partial": 9,
        "uncovered": 1,
        "unreviewed": 1,
    }


def test_collated_standards_represented_by_items(corpus):
    collated = cw.collated_representation(corpus.tables)
    assert len(collated) == 24
    by_items = collated[collated["represented_by"] == "items"]
    assert list(by_items["number"]) == [10, 17, 24]
    assert list(by_items["item_count"]) == [11, 27, 23]
    assert (collated["represented_by"] == "title").sum() == 21


@pytest.mark.parametrize(
    ("focal", "edition", "expected"),
    [
        ("equal", "equal", ("equal", "exact")),
        ("subset_of", "superset_of", ("subset_of", "implied")),
        ("superset_of", "subset_of", ("superset_of", "implied")),
        ("superset_of", "intersects_with", ("intersects_with", "implied")),
        ("subset_of", "intersects_with", (None, "review")),
    ],
)
def test_compose(focal, edition, expected):
    assert cw.compose(focal, edition) == expected


def test_respect_carry_over_from_4th_to_3rd_edition(corpus):
    carried = cw.carry_over(corpus.tables)
    assert carried["carry"].value_counts().to_dict() == {
        "review": 51,
        "implied": 9,
        "exact": 1,
        "none": 3,
    }
    exact = carried[carried["carry"] == "exact"].iloc[0]
    assert (exact["focal_id"], exact["source_item"], exact["target_item"]) == (
        "guideline:3.1",
        "framework_item:respect:4ed:p3",
        "framework_item:respect:3ed:p4",
    )
    # the integrated support service is new in the 4th edition: nothing carries from it
    none = carried[carried["carry"] == "none"]
    assert set(none["source_item"]) == {"framework_item:respect:4ed:d"}
    # every exact or implied carry is in the curated crosswalk with the composed relation
    sure = carried[carried["carry"].isin(["exact", "implied"])]
    assert (sure["in_crosswalk"] == sure["carried_relation"]).all()


def test_labelled_crosswalk_and_sssom(corpus):
    labelled = cw.labelled_crosswalk(corpus.tables)
    assert len(labelled) == len(corpus["crosswalk"]) == 197
    row = labelled[
        (labelled["focal_id"] == "standard:6")
        & (labelled["reference_id"] == "framework_item:respect:4ed:p5")
    ].iloc[0]
    assert row["reference_label"] == "Highly skilled and supported workforce"
    sssom = cw.sssom_table(corpus.tables)
    assert set(sssom["predicate_id"]) <= set(cw.SSSOM_PREDICATES.values())
    assert (
        sssom.loc[sssom["subject_id"] == "wbgl:6.3", "predicate_id"]
        .tolist()
        .count("skos:narrowMatch")
        == 1
    )


def test_suggester_ranks_by_cosine_with_shared_terms(corpus):
    suggestions = suggest_crosswalk(corpus.tables, ["framework:welsh_vawdasv"], k=3)
    top = suggestions[(suggestions["focal_id"] == "guideline:7.1") & (suggestions["rank"] == 1)]
    assert top["reference_id"].item() == "framework_item:welsh_vawdasv:20"
    # one stem, shown as the texts write it: "records" (guideline 7.1) ~ "Record keeping"
    assert top["shared_terms"].item() == "records"
    assert top["curated_relation"].item() == "intersects_with"
    assert (suggestions["score"] > 0).all()
    assert suggestions.groupby("focal_id")["score"].apply(lambda s: s.is_monotonic_decreasing).all()


def test_suggester_precision_and_recall_against_curated_rows(corpus):
    metrics = suggester_metrics(corpus.tables, ks=(1, 3))
    pooled = metrics[metrics["framework_id"] == "all"].set_index("k")
    assert pooled.loc[3, "relevant_pairs"] == 165
    assert pooled.loc[3, "precision"] == pytest.approx(0.271)
    assert pooled.loc[3, "recall"] == pytest.approx(0.345)
    # the suggester beats picking items at random
    assert (pooled["precision"] > pooled["random_precision"]).all()


def test_heatmap_matrices(corpus):
    from workbench.render.crosswalk_figures import WHOLE_FRAMEWORK, edition_matrix, heatmap_matrix

    csaap = heatmap_matrix(corpus.tables, "framework:csaap")
    assert csaap.shape == (37, 12)  # 11 items and the whole-framework column (guideline 2.6)
    assert csaap.at["guideline:2.6", WHOLE_FRAMEWORK] == "intersects_with"
    assert csaap.attrs["strength"].at["guideline:7.4", "framework_item:csaap:7"] == 7
    assert csaap.notna().to_numpy().sum() == 22  # the 23 CSAAP rows less standard:6
    editions = edition_matrix(corpus.tables)
    assert editions.shape == (15, 12)
    assert editions.at["framework_item:respect:3ed:p4", "framework_item:respect:4ed:p3"] == "equal"
    assert editions["framework_item:respect:4ed:d"].isna().all()  # new in the 4th edition


def test_the_relation_tables_are_keyed_by_the_descriptors_relation_enum(corpus):
    """The vocabularies live in datapackage.json alone; the tables keyed by relation (labels,
    strength bands, SSSOM predicates, inverses) name exactly its relations."""
    fields = {
        f["name"]: f
        for r in corpus.descriptor["resources"]
        if r["name"] == "crosswalk"
        for f in r["schema"]["fields"]
    }
    relations = set(fields["relation"]["constraints"]["enum"])
    assert relations == {"equal", "subset_of", "superset_of", "intersects_with", "not_related"}
    for table in (cw.RELATION_LABELS, cw.STRENGTH_BANDS, cw.SSSOM_PREDICATES, cw.INVERSE):
        assert set(table) == relations
    assert set(cw.FULL) <= relations
    assert set(cw.SSSOM_JUSTIFICATIONS) == set(fields["method"]["constraints"]["enum"])


def test_an_unknown_vocabulary_value_is_reported_by_the_loader_once(repo_root, tmp_path):
    """With the repeated enums gone, a bad relation or rationale type gets the loader's one
    line from the descriptor's enum, and no second line from the crosswalk's rules."""
    import shutil

    from workbench.problems import CorpusError
    from workbench.validation import load_corpus

    root = tmp_path / "root"
    shutil.copytree(repo_root / "corpus", root / "corpus")
    shutil.copy(repo_root / "references.bib", root / "references.bib")
    path = root / "corpus" / "crosswalk.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "relation"] = "overlaps"
    frame.loc[2, "rationale_type"] = "lexical"
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(CorpusError) as caught:
        load_corpus(root)
    messages = [str(p) for p in caught.value.problems if "crosswalk.csv" in str(p)]
    assert [m.split(" is not allowed")[0] for m in messages] == [
        "corpus/crosswalk.csv:3: relation: 'overlaps'",
        "corpus/crosswalk.csv:4: rationale_type: 'lexical'",
    ]


def test_a_framework_reviewed_against_too_many_guidelines_is_named_as_undrawn(corpus, monkeypatch):
    """Each framework of the shipped crosswalk was reviewed against the report's 37
    guidelines; below that limit its heat-map is not drawn, and says why, and the edition
    mapping's (items against items) still is."""
    from workbench.render import crosswalk_figures

    tables = dict(corpus.tables)
    monkeypatch.setattr(crosswalk_figures, "MAX_HEATMAP_ROWS", 36)
    drawn = [name for name, _ in crosswalk_figures.heatmap_specs(tables)]
    assert drawn == ["crosswalk_heatmap_respect_3ed_to_4ed.png"]
    undrawn = crosswalk_figures.undrawn_heatmaps(tables)
    assert len(undrawn) == 6
    assert {reason for _, reason in undrawn} == {"reviewed against more than 36 guidelines"}
    monkeypatch.setattr(crosswalk_figures, "MAX_HEATMAP_ROWS", 37)
    assert crosswalk_figures.undrawn_heatmaps(tables) == []


def test_a_misspelt_id_gets_the_id_it_is_nearest_to(corpus):
    """A focal or reference id one keystroke from a real one is offered it; one that is as
    near to many (a standard the report does not have) is offered none."""
    crosswalk = corpus["crosswalk"].copy()
    crosswalk.loc[0, "focal_id"] = "guideline:3.33"
    crosswalk.loc[1, "reference_id"] = "framework_item:csaap:22"
    crosswalk.loc[2, "focal_id"] = "standard:9"
    messages = _messages(cw.validate_crosswalk(_with(corpus, "crosswalk", crosswalk)))
    assert (
        "corpus/crosswalk.csv:2: focal_id: 'guideline:3.33' is not a guideline, standard or "
        "framework item id; did you mean guideline:3.3? fix the id"
    ) in messages
    assert (
        "corpus/crosswalk.csv:3: reference_id: 'framework_item:csaap:22' is not a framework "
        "item or framework id; did you mean framework_item:csaap:2? fix the id"
    ) in messages
    assert (
        "corpus/crosswalk.csv:4: focal_id: 'standard:9' is not a guideline, standard or "
        "framework item id; fix the id"
    ) in messages
