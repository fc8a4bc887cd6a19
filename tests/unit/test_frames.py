"""The column-wise shortcuts give exactly what pandas' row-wise methods give."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from workbench.evidence import _mask_brackets
from workbench.frames import row_dicts, row_tuples


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": ["a", None, "c"],
            "number": [1, 2, 3],
            "real": [0.5, np.nan, 2.0],
            "flag": [True, False, True],
            "nullable": pd.array([1, None, 3], dtype="Int64"),
            "string": pd.array(["s", None, "u"], dtype="string"),
            "str": pd.Series(["s", None, "u"], dtype="str"),
            "boxed": pd.Series([np.int64(4), "x", np.float64(1.5)], dtype=object),
            "not an identifier": ["p", "q", "r"],
        }
    )


def test_row_dicts_equal_to_dict_records_value_for_value_and_type_for_type():
    frame = _mixed()
    expected = frame.to_dict("records")
    got = row_dicts(frame)
    assert [[(k, type(v)) for k, v in row.items()] for row in got] == [
        [(k, type(v)) for k, v in row.items()] for row in expected
    ]
    assert repr(got) == repr(expected)
    assert row_dicts(frame, ["boxed", "text"]) == frame[["boxed", "text"]].to_dict("records")


def test_row_tuples_equal_itertuples_fields_and_values():
    frame = _mixed()
    expected = list(frame.itertuples(index=False))
    got = list(row_tuples(frame))
    assert [t._fields for t in got] == [t._fields for t in expected]
    assert repr(got) == repr(expected)
    assert list(row_tuples(frame.iloc[:0])) == []


def _mask_by_character(text: str) -> str:
    """The character-by-character masking the regular-expression version replaced (the
    oracle of this regression pin)."""
    masked, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
            masked.append(char)
        elif char == ")":
            depth = max(depth - 1, 0)
            masked.append(char)
        else:
            masked.append(" " if depth else char)
    return "".join(masked)


@given(st.text(alphabet="ab()é ;–", max_size=40))
def test_mask_brackets_matches_the_character_loop(text):
    assert _mask_brackets(text) == _mask_by_character(text)


def test_mask_brackets_by_hand():
    # a stray ")" at depth 0 is kept and opens nothing; an unclosed "(" masks to the end
    assert _mask_brackets("x (y) z) w (v") == "x ( ) z) w ( "
