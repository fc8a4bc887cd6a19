"""Early cut-off: a node tagged ``key="value"`` is keyed by the content of what it computes,
the same in every process, so that an edit it does not pass on leaves every key below it
unchanged; and its key still changes with its code."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from hamilton import base, driver

from workbench.build import node_keys
from workbench.cache import ArtefactCache
from workbench.dataflow import node_module
from workbench.dataflow.values import value_digest

#: A cut-off node (the first letter of each name) and a reader of it.
FLOW = """
from hamilton.function_modifiers import tag

@tag(key="value")
def initials(people: pd.DataFrame) -> pd.DataFrame:
    return people[["name"]].assign(initial=people["name"].str[0])

def initials_count(initials: pd.DataFrame) -> int:
    return len(set(initials["initial"]))
"""
#: The same flow with the projection's code changed and its value not.
FLOW_RECODED = FLOW.replace('people["name"].str[0]', 'people["name"].str.slice(0, 1)')

PEOPLE = pd.DataFrame({"name": ["Ada", "Bob"], "note": ["first", "second"]})


def flow(source: str = FLOW):
    return (
        driver.Builder()
        .with_modules(node_module(source))
        .with_adapters(base.SimplePythonGraphAdapter(base.DictResult()))
        .build()
    )


def keys(people: pd.DataFrame, source: str = FLOW, input_key: str = "k") -> dict[str, str]:
    # the input's key stands for its file's digest: a different key is an edited file
    return node_keys(flow(source), {"people": input_key}, ["initials_count"], {"people": people})


def test_an_edit_the_projection_does_not_pass_on_keeps_the_keys_below_it():
    before = keys(PEOPLE, input_key="digest-1")
    after = keys(PEOPLE.assign(note=["first", "reworded"]), input_key="digest-2")
    assert after["initials"] == before["initials"], "the note is not projected"
    assert after["initials_count"] == before["initials_count"], "so its reader is reused"


def test_an_edit_the_projection_passes_on_changes_the_keys_below_it():
    before = keys(PEOPLE)
    after = keys(PEOPLE.assign(name=["Ada", "Cy"]), input_key="digest-2")
    assert after["initials"] != before["initials"]
    assert after["initials_count"] != before["initials_count"]


def test_the_key_changes_with_the_code_of_the_projection():
    before, recoded = keys(PEOPLE), keys(PEOPLE, FLOW_RECODED)
    assert recoded["initials"] != before["initials"], "same value, new code"
    assert recoded["initials_count"] != before["initials_count"]


def test_a_kept_value_key_spares_computing_the_projection(tmp_path):
    first: dict = {}
    made = ArtefactCache(None, tmp_path / "one")
    expected = node_keys(
        flow(), {"people": "k"}, ["initials_count"], {"people": PEOPLE}, cache=made, computed=first
    )
    assert set(first) == {"initials"}, "computed once, with nothing but what it needs"
    again: dict = {}
    kept = ArtefactCache(tmp_path / "one", tmp_path / "two")
    # no values at all: the key must come from the kept entry, or node_keys raises
    assert node_keys(flow(), {"people": "k"}, ["initials_count"], cache=kept, computed=again) == (
        expected
    )
    assert again == {}
    with pytest.raises(ValueError, match="'initials' is keyed by its value"):
        node_keys(flow(), {"people": "other"}, ["initials_count"], cache=kept)


#: A frame with text, integers, floats and mixed cells, some missing, as code to run.
FRAME_CODE = (
    'pd.DataFrame({"id": ["a", "b", None], "n": [1, 2, 3], "x": [0.5, None, 2.0], '
    '"mixed": [1, "1", None]})'
)
FRAME = eval(FRAME_CODE)


def test_the_same_value_has_the_same_digest_in_another_process():
    script = (
        "import pandas as pd\n"
        "from workbench.dataflow.values import value_digest\n"
        f"frame = {FRAME_CODE}\n"
        "print(value_digest((frame, {'b': [1, 2], 'a': None}, 'title')))\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == value_digest((FRAME, {"a": None, "b": [1, 2]}, "title"))
    assert value_digest(FRAME) == value_digest(FRAME.copy())


@pytest.mark.parametrize(
    "changed",
    [
        FRAME.assign(id=["a", "b", "None"]),  # a missing cell is not the text "None"
        FRAME.assign(mixed=[1, 1, None]),  # 1 and "1" differ in an object column
        FRAME.assign(n=[1.0, 2.0, 3.0]),  # same numbers, another dtype
        FRAME.rename(columns={"x": "y"}),
        FRAME.set_axis([1, 2, 3]),
        FRAME.iloc[[1, 0, 2]].reset_index(drop=True),  # rows in another order
        FRAME[["n", "id", "x", "mixed"]],
        FRAME.assign(x=[0.5, None, 2.0000001]),
    ],
)
def test_a_different_value_has_a_different_digest(changed):
    assert value_digest(changed) != value_digest(FRAME)


def test_a_frames_attrs_are_part_of_its_value():
    # a heat-map's matrix carries its strengths in attrs
    marked = FRAME.copy()
    marked.attrs["strength"] = pd.DataFrame({"s": [3]})
    other = FRAME.copy()
    other.attrs["strength"] = pd.DataFrame({"s": [4]})
    assert len({value_digest(FRAME), value_digest(marked), value_digest(other)}) == 3


def test_a_value_without_a_content_digest_is_refused():
    with pytest.raises(TypeError, match="returned a object"):
        value_digest(object())
