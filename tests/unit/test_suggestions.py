"""The "did you mean" of a wrong id: the nearest ids, each worked out once, none past a limit."""

from __future__ import annotations

from workbench.problems import Suggestions, closest


def test_each_distinct_wrong_id_is_worked_out_once_and_none_past_the_limit():
    suggest = Suggestions(["topic:lgbt", "topic:children", "topic:disability"], limit=2)
    assert suggest("topic:lgtb") == "did you mean topic:lgbt? "
    assert suggest("topic:childen") == "did you mean topic:children? "
    assert suggest("topic:lgtb") == "did you mean topic:lgbt? ", "an id seen before still gets it"
    assert suggest("topic:disabilty") == "", "past two distinct wrong ids, none is offered"
    assert list(suggest.memo) == ["topic:lgtb", "topic:childen", "topic:disabilty"]


def test_nothing_near_gets_nothing():
    assert closest("ref:zzz", ["guideline:3.3", "standard:3"]) == []
    assert Suggestions([])("topic:lgtb") == ""
