"""workbench.cache: digests that tell inputs apart, results shared within a build, files kept
between builds."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from workbench.cache import FileCache, cached_files, digest, shared, sharing, using


def test_digest_tells_apart_what_looks_alike():
    values = [None, "None", "", math.nan, "nan", 0, 0.0, False, "0", pd.NA, (1, 2), [1, 2],
              b"1"]
    digests = {digest(v) for v in values}
    assert len(digests) == len(values)
    assert digest({"b": 1, "a": 2}) == digest({"a": 2, "b": 1})


def test_digest_of_a_frame_sees_values_dtypes_index_and_attrs():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    same = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    assert digest(frame) == digest(same)
    variants = [frame.assign(b=["x", "y"]), frame.astype({"a": "Int64"}),
                frame.set_axis([1, 0]), frame.rename(columns={"b": "c"})]
    flagged = frame.copy()
    flagged.attrs["strength"] = pd.DataFrame({"a": [3]})
    variants.append(flagged)
    assert len({digest(v) for v in [frame, *variants]}) == len(variants) + 1


def test_digest_refuses_what_it_cannot_see():
    with pytest.raises(TypeError, match="cannot digest a object"):
        digest(object())


def test_shared_computes_once_within_a_build_only():
    calls = []

    def compute(corpus):
        calls.append(corpus)
        return pd.DataFrame({"n": [len(calls)]})

    corpus = object()
    shared(corpus, compute), shared(corpus, compute)
    assert len(calls) == 2  # outside a build: every call computes
    with sharing():
        first, again = shared(corpus, compute), shared(corpus, compute)
        other = shared(object(), compute)
    assert first is again and other is not first
    assert len(calls) == 4


def test_a_shared_graph_cannot_be_changed():
    with sharing():
        graph = shared(object(), lambda corpus: nx.MultiDiGraph([("a", "b")]))
    with pytest.raises(nx.NetworkXError, match="Frozen"):
        graph.add_edge("b", "c")


def test_files_are_kept_and_reused_for_the_same_inputs_only(tmp_path):
    made = []

    def make(path, text):
        def write():
            made.append(text)
            path.write_text(text, encoding="utf-8")
        return write

    first = FileCache(None, tmp_path / "one")
    with using(first):
        cached_files("maker", [tmp_path / "a.txt"], ("input", 1), make(tmp_path / "a.txt", "A"))
    assert made == ["A"] and first.made == ["a.txt"] and first.reused == []

    second = FileCache(first.current, tmp_path / "two")
    target = tmp_path / "out"
    target.mkdir()
    with using(second):
        cached_files("maker", [target / "a.txt"], ("input", 1), make(target / "a.txt", "B"))
        cached_files("maker", [target / "c.txt"], ("input", 2), make(target / "c.txt", "C"))
        cached_files("other", [target / "d.txt"], ("input", 1), make(target / "d.txt", "D"))
    assert (target / "a.txt").read_text(encoding="utf-8") == "A", "copied, not made again"
    assert made == ["A", "C", "D"]
    assert second.reused == ["a.txt"] and second.made == ["c.txt", "d.txt"]
    assert len(list(second.current.iterdir())) == 3, "the new cache holds what this build used"


def test_without_a_cache_files_are_simply_made(tmp_path):
    path = tmp_path / "a.txt"
    cached_files("maker", [path], ("x",), lambda: path.write_text("A", encoding="utf-8"))
    assert path.read_text(encoding="utf-8") == "A"


def test_reusing_an_outer_block_keeps_the_keys_nested_in_it(tmp_path):
    made = []

    def build(number: int, outer_input: str) -> FileCache:
        out = tmp_path / f"out{number}"
        out.mkdir()
        previous = tmp_path / f"cache{number - 1}"
        cache = FileCache(previous if previous.is_dir() else None, tmp_path / f"cache{number}")

        def inner():
            made.append(f"inner{number}")
            (out / "figure.png").write_bytes(b"figure")

        def outer():
            made.append(f"outer{number}")
            (out / "table.csv").write_text(outer_input, encoding="utf-8")
            cached_files("inner", [out / "figure.png"], ("same",), inner)

        with using(cache):
            cached_files("outer", [out / "table.csv"], (outer_input,), outer)
        return cache

    build(1, "a")
    second = build(2, "a")  # the outer block is reused whole ...
    assert made == ["outer1", "inner1"] and second.reused == ["table.csv"]
    assert len(list(second.current.iterdir())) == 2, "... and the inner key is kept with it"
    third = build(3, "b")  # the outer input changed; the figure's did not
    assert made == ["outer1", "inner1", "outer3"]
    assert third.reused == ["figure.png"] and third.made == ["table.csv"]
