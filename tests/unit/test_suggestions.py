"""The "did you mean" of a wrong id: the nearest ids, each worked out once, none past a limit."""

from __future__ import annotations

from workbench.problems import Suggestions, closest


def test_each_distinct_wrong_id_is_worked_out_once_and_none_past_the_limit(monkeypatch):
    from workbench import problems

    asked: list[str] = []
    real = problems.did_you_mean

    def counted(value, choices):
        asked.append(value)
        return real(value, choices)

    monkeypatch.setattr(problems, "did_you_mean", counted)
    suggest = Suggestions(["topic:lgbt", "topic:children", "topic:disability"], limit=2)
    assert suggest("topic:lgtb") == "did you mean topic:lgbt? "
    assert suggest("topic:childen") == "did you mean topic:children? "
    assert suggest("topic:lgtb") == "did you mean topic:lgbt? ", "an id seen before still gets it"
    assert suggest("topic:disabilty") == "", "past two distinct wrong ids, none is offered"
    assert asked == ["topic:lgtb", "topic:childen"], "each worked out once, none past the limit"


def test_the_limit_shrinks_as_the_choices_grow():
    assert Suggestions([f"id:{n}" for n in range(100)]).limit == 200
    assert Suggestions([f"id:{n}" for n in range(40_000)]).limit == 50
    assert Suggestions([f"id:{n}" for n in range(1_000_000)]).limit == 20


def test_nothing_near_gets_nothing():
    assert closest("ref:zzz", ["guideline:3.3", "standard:3"]) == []
    assert Suggestions([])("topic:lgtb") == ""
