"""How a build shares its nodes between two processes: by declared cost, libraries counted
once per process, and a worker that hands back its results or its error and never outlives
its share of the work."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from workbench.build import _shared_results, _split, _with_worker, run_nodes
from workbench.dataflow import dataflow, node_module
from workbench.dataflow.costs import (
    DEFAULT_COST,
    IMPORT_COSTS,
    SCALED_ROWS,
    SHIPPED_ROWS,
    cost,
    node_cost,
)

#: Two figures of 1 s each (both need matplotlib) and two tables of 1.2 s and 0.3 s.
NODES = '''
from workbench.dataflow.costs import cost


@cost(1000, "matplotlib", fixed=True)
def fig_a_files() -> Artefacts:
    """A figure."""
    return (file("a.txt", "a"),)


@cost(1000, "matplotlib")
def fig_b_files() -> Artefacts:
    """Another figure."""
    return (file("b.txt", "b"),)


@cost(1200)
def big_table_files() -> Artefacts:
    """A table."""
    return (file("c.txt", "c"),)


@cost(300)
def small_table_files() -> Artefacts:
    """Another table."""
    return (file("d.txt", "d"),)


@cost(2000)
def shared_result() -> int:
    """A costly result two artefacts read."""
    return 7


def reads_shared_files(shared_result: int) -> Artefacts:
    """One reader of the shared result."""
    return (file("e.txt", str(shared_result)),)


def reads_shared_too_files(shared_result: int) -> Artefacts:
    """Another reader."""
    return (file("f.txt", str(shared_result + 1)),)


def boom_files() -> Artefacts:
    """A node that fails."""
    raise ValueError("boom: the worker's node failed")


def pid_files() -> Artefacts:
    """The process that computed it."""
    return (file("pid.txt", str(os.getpid())),)


@cost(1000)
def pid_result() -> int:
    """A result two costly artefacts read: the process that computed it."""
    return os.getpid()


@cost(3000)
def heavy_reader_a_files(pid_result: int) -> Artefacts:
    """One costly reader: where the result was computed, and where this node was."""
    return (file("ra.txt", f"{pid_result} {os.getpid()}"),)


@cost(3000)
def heavy_reader_b_files(pid_result: int) -> Artefacts:
    """Another: where the result was computed, and where this node was."""
    return (file("rb.txt", f"{pid_result} {os.getpid()}"),)


@cost(100, at_100x=10_100)
def measured_files() -> Artefacts:
    """A node measured on the shipped corpus and at 100x."""
    return (file("m.txt", "m"),)


@cost(5000)
def slot_files(maybe_slot: object) -> Artefacts:
    """A costly figure, or nothing when its slot is empty."""
    return () if maybe_slot is None else (file("slot.txt", "drawn"),)
'''


@pytest.fixture(scope="module")
def flow():
    return dataflow(node_module("import os\n" + NODES))


def test_a_declared_cost_and_its_libraries_are_read_back_from_the_node(flow):
    tags = flow.graph.nodes["fig_a_files"].tags
    assert node_cost(tags) == (1000, frozenset({"matplotlib"}))
    assert node_cost(flow.graph.nodes["boom_files"].tags)[1] == frozenset()


def test_a_cost_grows_with_the_corpus_unless_declared_fixed(flow):
    ten_times = 10 * SHIPPED_ROWS
    assert node_cost(flow.graph.nodes["big_table_files"].tags, ten_times) == (12000, frozenset())
    assert node_cost(flow.graph.nodes["fig_a_files"].tags, ten_times)[0] == 1000
    assert node_cost(flow.graph.nodes["fig_b_files"].tags, ten_times)[0] == 10000


def test_at_ten_times_the_corpus_the_split_follows_the_growing_costs(flow):
    # At 10x, with m for matplotlib: the fixed figure costs 1 s, the other figure 10 s, the
    # tables 12 s and 3 s. The figures together (11 s + m) against the tables (15 s) lose to
    # 1 s + m + 12 s against 10 s + m + 3 s, both 13 s + m, which no other split beats.
    names = ["fig_a_files", "big_table_files", "fig_b_files", "small_table_files"]
    shares = _split(flow, names, 10 * SHIPPED_ROWS)
    assert sorted(map(sorted, shares)) == [
        ["big_table_files", "fig_a_files"],
        ["fig_b_files", "small_table_files"],
    ]


def test_a_cost_measured_at_100x_is_the_line_through_both_measurements(flow):
    tags = flow.graph.nodes["measured_files"].tags
    assert node_cost(tags, SHIPPED_ROWS)[0] == 100
    assert node_cost(tags, SCALED_ROWS)[0] == 10_100
    midway = (SHIPPED_ROWS + SCALED_ROWS) // 2
    assert 5090 <= node_cost(tags, midway)[0] <= 5100
    with pytest.raises(ValueError, match="fixed"):
        cost(10, fixed=True, at_100x=20)


def test_a_node_without_a_declared_cost_counts_the_default_at_any_scale(flow):
    tags = flow.graph.nodes["pid_files"].tags
    assert node_cost(tags, SHIPPED_ROWS) == node_cost(tags, SCALED_ROWS) == (DEFAULT_COST, set())


def test_an_unpriced_library_is_refused():
    with pytest.raises(ValueError, match="IMPORT_COSTS"):
        cost(10, "tensorflow")


def test_figures_go_together_when_the_library_they_share_makes_that_cheaper(flow):
    # By hand, with matplotlib's import m = IMPORT_COSTS["matplotlib"] paid once per process:
    # both figures together cost 2000 + m against the tables' 1500; a figure with each
    # table costs at least 1000 + m + 1200. So the figures share a process (if m < 1700).
    assert IMPORT_COSTS["matplotlib"] < 1700
    names = ["fig_a_files", "big_table_files", "fig_b_files", "small_table_files"]
    shares = _split(flow, names)
    assert sorted(map(sorted, shares)) == [
        ["big_table_files", "small_table_files"],
        ["fig_a_files", "fig_b_files"],
    ]


def test_readers_of_a_costly_result_share_the_process_that_computes_it(flow):
    # Apart, each process computes the shared 2 s result: 2030 + 2030 + 300 on one side;
    # together 2060 on one side against 300 on the other.
    shares = _split(flow, ["reads_shared_files", "small_table_files", "reads_shared_too_files"])
    assert sorted(map(sorted, shares)) == [
        ["reads_shared_files", "reads_shared_too_files"],
        ["small_table_files"],
    ]


def test_the_split_keeps_node_order_and_every_node_once(flow):
    names = ["fig_a_files", "big_table_files", "fig_b_files", "small_table_files"]
    first, second = _split(flow, names)
    assert sorted(first + second) == sorted(names)
    for share in (first, second):
        assert share == [n for n in names if n in share]


def test_the_worker_computes_its_share_in_another_process(flow):
    made = run_nodes(flow, ["pid_files", "small_table_files"], {}, 2)
    assert set(made) == {"pid_files", "small_table_files"}
    assert made["pid_files"][0].data != str(os.getpid()).encode(), "computed in the worker"
    assert made["small_table_files"][0].data == b"d"
    assert multiprocessing.active_children() == []


def test_an_error_in_the_worker_is_raised_here_and_leaves_no_process(flow):
    # of two nodes, the first goes to the worker (the last always stays in this process)
    with pytest.raises(ValueError, match="boom: the worker's node failed"):
        run_nodes(flow, ["boom_files", "small_table_files"], {}, 2)
    assert multiprocessing.active_children() == []


def test_an_error_here_stops_the_worker(flow):
    with pytest.raises(ValueError, match="boom"):
        run_nodes(flow, ["fig_a_files", "boom_files"], {}, 2)
    assert multiprocessing.active_children() == []


def test_a_result_both_shares_need_is_computed_once_before_the_worker_forks(flow):
    # Together the readers cost 1000 + 3000 + 3000 in one process; apart, 4000 in each, so
    # they go apart, and each would compute pid_result: it is computed here instead.
    names = ["heavy_reader_a_files", "heavy_reader_b_files"]
    assert sorted(map(len, _split(flow, names))) == [1, 1]
    assert _shared_results(flow, ["heavy_reader_a_files"], ["heavy_reader_b_files"], {}) == {
        "pid_result": os.getpid()
    }
    made = run_nodes(flow, names, {}, 2)
    here = str(os.getpid())
    pairs = [made[name][0].data.decode().split() for name in names]
    assert [result for result, _ in pairs] == [here, here], "pid_result computed here"
    assert len({node for _, node in pairs}) == 2, "one reader was computed in the worker"
    assert multiprocessing.active_children() == []


def test_a_node_given_only_a_known_none_is_priced_as_nothing(flow):
    # slot_files declares 5 s; apart from the two tables (1.2 s and 0.3 s) it is the whole
    # of one share. Known to be given None (an empty slot), it costs nothing, and the
    # tables go apart instead: 1.2 s against 0.3 s.
    names = ["slot_files", "big_table_files", "small_table_files"]
    assert sorted(map(sorted, _split(flow, names))) == [
        ["big_table_files", "small_table_files"],
        ["slot_files"],
    ]
    split = _split(flow, names, SHIPPED_ROWS, {"maybe_slot": None})
    assert not any({"big_table_files", "small_table_files"} <= set(share) for share in split)


class _Stop(Exception):
    """What the test's SIGTERM handler raises (as the command line's handler raises its own)."""


def test_a_stop_that_comes_while_the_worker_starts_stops_the_worker(monkeypatch):
    # The stop signals are held while the worker is forked; one that came meanwhile is
    # raised as soon as they are let through, and must still find the worker to stop.
    from multiprocessing.context import ForkProcess

    real_start = ForkProcess.start

    def start(self):
        real_start(self)
        os.kill(os.getpid(), signal.SIGTERM)  # pending until the signals are let through

    def stop(number, frame):
        raise _Stop(number)

    monkeypatch.setattr(ForkProcess, "start", start)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(_Stop):
            _with_worker(lambda: time.sleep(60) or {}, lambda: {})
        assert multiprocessing.active_children() == [], "the worker was stopped"
    finally:
        signal.signal(signal.SIGTERM, previous)
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
