"""Early cut-off: nodes keyed by the value they compute rather than by their inputs' keys.

A node tagged ``@tag(key="value")`` (:data:`KEY_TAG`, :data:`BY_VALUE`) is a cheap
projection of its inputs: the columns of the crosswalk the suggester reads, the grid one
heat-map draws. The build computes it (and only what it needs) before the keys of the nodes
downstream of it, and keys it by :func:`value_digest` of its result: an edit upstream that
leaves the projection unchanged leaves the keys of every node downstream unchanged too, so
their files are reused from the cache (``workbench.build.node_keys``).

The digest is of the value's content only (column names, dtypes, index and cells of a
frame, recursively through tuples, lists and dicts), never of object identities or memory
addresses, so the same value has the same digest in every process and on every run.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

#: The tag that says how a node is keyed, and the value that keys it by its result.
KEY_TAG = "key"
BY_VALUE = "value"

#: The inferred types of an object column whose values pandas hashes by their content.
_TEXT = frozenset({"string", "empty"})


def is_value_keyed(node: Any) -> bool:
    """Return whether a node of the dataflow's graph is keyed by its value (its tags say
    ``key="value"``)."""
    return node.tags.get(KEY_TAG) == BY_VALUE


def value_digest(value: Any) -> str:
    """Return the SHA-256 of a node's value: equal for equal values in any process, and
    different when a column name, a dtype, an index label or a cell differs.

    It knows DataFrames, Series and Indexes (their ``attrs`` included), dicts, lists,
    tuples, sets, NumPy arrays and scalars (str, bytes, numbers, booleans, ``None``).

    Raises:
        TypeError: for a value of any other type (a node keyed by value must return data).
    """
    hasher = hashlib.sha256()
    _feed(hasher, value)
    return hasher.hexdigest()


def _feed(hasher: Any, value: Any) -> None:
    def tag(name: str, *parts: object) -> None:
        hasher.update(f"\0{name}:{len(parts)}:".encode())
        for part in parts:
            hasher.update(repr(part).encode() + b"\0")

    if isinstance(value, pd.DataFrame):
        tag("frame", *value.shape)
        _feed(hasher, value.index)
        for position in range(value.shape[1]):
            _feed(hasher, value.iloc[:, position])
        _feed(hasher, dict(value.attrs))
    elif isinstance(value, pd.Series):
        tag("series", value.name, repr(value.dtype), len(value))
        _column(hasher, value)
        _feed(hasher, dict(value.attrs))
    elif isinstance(value, pd.RangeIndex):
        tag("range", value.name, value.start, value.stop, value.step)
    elif isinstance(value, pd.Index):
        tag("index", *value.names)
        _feed(hasher, value.to_frame(index=False))
    elif isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: repr(item[0]))
        tag("dict", len(items))
        for key, item in items:
            _feed(hasher, key)
            _feed(hasher, item)
    elif isinstance(value, list | tuple):
        tag(type(value).__name__, len(value))
        for item in value:
            _feed(hasher, item)
    elif isinstance(value, set | frozenset):
        tag("set", *sorted(repr(item) for item in value))
    elif value is None or isinstance(value, str | bytes | int | float | bool | np.generic):
        tag(type(value).__name__, value)
    elif isinstance(value, np.ndarray) and value.dtype != object:
        tag("array", value.dtype.str, *value.shape)
        hasher.update(np.ascontiguousarray(value).tobytes())
    else:
        raise TypeError(
            f"a node keyed by its value returned a {type(value).__name__}, which has no "
            "content digest: return frames, tuples, lists, dicts or plain values"
        )


def _column(hasher: Any, series: pd.Series) -> None:
    """Feed one column's cells: pandas' vectorised hash where it hashes by content (numbers,
    text), the ``repr`` of each cell otherwise (mixed types: ``1`` and ``"1"`` differ); the
    missing cells are fed apart, so a missing cell never equals the text ``"None"``."""
    missing = series.isna().to_numpy()
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) not in _TEXT:
        series = series.map(repr)
    hasher.update(pd.util.hash_pandas_object(series, index=False).to_numpy().tobytes())
    hasher.update(missing.tobytes())
