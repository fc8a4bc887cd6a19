"""Build every artefact of the workbench from a corpus root, atomically.

``build`` validates the root, runs the dataflow (``workbench.dataflow``: every derived
result and every artefact a function whose parameters name what it needs) and writes the
artefacts' bytes, ``index.html`` and ``datapackage.json`` into a temporary folder beside the
output folder, which it swaps into place only at the end. A build that fails at any point
leaves the previous output untouched. ``workbench.outputs`` guards the output folder (only a
folder a build made, or an empty or missing one, is replaced; the check comes before any
work), locks it against a second build, and repairs what a killed build left beside it.

Every node has a key (:func:`node_keys`): the SHA-256 of the workbench's code and of its
parameters' keys, down to the digests of the corpus files the inputs were read from. Keys
are worked out from the graph alone, before anything is computed, except for the early
cut-off nodes (tagged ``key="value"``: cheap projections such as the columns of a table a
reader reads), which are keyed by the digest of their value. An artefact node whose key
the previous output's verified cache holds is copied from it (``workbench.cache``); the
others are computed, with only the results upstream of them, in two processes where the
machine has two cores (forked once the corpus is loaded; the worker ignores SIGINT and
SIGTERM, the parent stops it and cleans up, and it dies with its parent). Neither reuse nor
the second process changes a byte of the output.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import multiprocessing
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from workbench.cache import ArtefactCache, code_version
from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, Corpus
from workbench.dataflow import Artefact, Artefacts, artefact_nodes, dataflow
from workbench.dataflow.costs import IMPORT_COSTS, SHIPPED_ROWS, node_cost
from workbench.dataflow.inputs import input_keys, input_values
from workbench.dataflow.values import is_value_keyed, value_digest
from workbench.outputs import BUILD, STOP_SIGNALS, replacing_folder
from workbench.render.index import index_page
from workbench.validation import load_corpus

#: Receives one line of progress at a time (a stage done, with its counts).
Progress = Callable[[str], None]

#: What the cache keeps beside an artefact node's files: its records without the bytes.
ABOUT = "about.json"
#: The data package describing the build's tables, written beside ``index.html``.
DATAPACKAGE = "datapackage.json"
#: What the cache keeps of an early cut-off node, under the key its inputs give it: the key
#: of its value (so an unchanged rebuild need not compute it to know its key).
VALUE_KEY = "value.key"


@dataclass
class BuildReport:
    """What a build wrote (paths relative to the output folder, in node order), which of
    those files were copied from the previous build's cache rather than made, how many
    entries of that cache failed verification and were made afresh instead, and what was
    repaired of earlier, interrupted builds of the same output (``notes``, one line each,
    printed on standard error as they were made)."""

    written: list[Path] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    discarded: int = 0
    notes: list[str] = field(default_factory=list)


def corpus_fingerprint(root: Path) -> str:
    """Return a SHA-256 over the corpus files and the bibliography, naming what was built from.

    The fingerprint depends only on file names and contents, so two builds of the same corpus
    carry the same fingerprint on any machine.
    """
    root = Path(root)
    digest = hashlib.sha256()
    files = sorted((root / CORPUS_DIR).glob("*")) + [root / BIBLIOGRAPHY]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(
    root: Path | str = ".",
    out: Path | str = "build",
    nodes: Sequence[str] | None = None,
    *,
    jobs: int | None = None,
    reuse: bool = True,
    modules: Sequence[ModuleType] = (),
) -> list[Path]:
    """Validate ``root`` and write every artefact into ``out``, replacing it only on success.

    Args:
        nodes: the artefact nodes to build (default: every one of the dataflow).
        jobs: processes to use (default: one per core, at most two).
        reuse: copy the files of unchanged nodes from ``out/.cache`` (the output is the same
            either way; ``False`` computes everything afresh, and keeps it for the next build
            all the same).
        modules: more node modules to add to the dataflow (their artefacts are built too).

    Returns:
        The paths written, relative to ``out``, in the order of the nodes.

    Raises:
        CorpusError: when the root does not validate (``out`` is not touched).
    """
    return build_report(root, out, nodes, jobs=jobs, reuse=reuse, modules=modules).written


def build_report(
    root: Path | str = ".",
    out: Path | str = "build",
    nodes: Sequence[str] | None = None,
    *,
    jobs: int | None = None,
    reuse: bool = True,
    modules: Sequence[ModuleType] = (),
    progress: Progress | None = None,
) -> BuildReport:
    """Run :func:`build` and return its :class:`BuildReport` (what was reused and made).

    ``progress``, when given, is called with one line per stage as it ends (the corpus
    validated, with its counts; each artefact node, with its files and whether they were
    reused from the cache; the time the others took to make; the index), so that a long
    build shows it is moving.

    ``out`` is checked by :func:`workbench.outputs.replacing_folder` before anything else:
    a folder this command did not make is refused, and so is a second build of the same
    ``out`` while one is running.

    Raises:
        OutputRefused: when ``out`` may not be written (nothing is touched).
        CorpusError: when the root does not validate (``out`` is not touched).
    """
    root = Path(root)
    with replacing_folder(out, root, BUILD) as stage:  # ``out`` as given, for messages
        staging = stage.path
        corpus = load_corpus(root)
        fingerprint = corpus_fingerprint(root)
        flow = dataflow(*modules)
        wanted = list(nodes) if nodes is not None else artefact_nodes(flow)
        values = input_values(corpus, fingerprint)
        cache = ArtefactCache.for_build(Path(out) if reuse else None, staging)
        computed: dict[str, Any] = {}
        given = input_keys(corpus, values)
        # With nothing to reuse, the keys wait for the run: an early cut-off's value is then
        # computed once, where the artefacts need it, not first and alone in this process.
        keys = (
            node_keys(flow, given, wanted, values, cache=cache, computed=computed)
            if cache.trusted
            else {}
        )
        report = BuildReport(discarded=cache.discarded)
        if progress is not None:
            rows = sum(len(frame) for frame in corpus.tables.values())
            progress(
                f"corpus valid: {len(corpus.tables)} tables, {rows} rows, "
                f"{len(corpus.references)} references"
            )
        records: dict[str, Artefacts] = {}
        for name in wanted if keys else ():
            kept = cache.fetch(keys[name])
            found = _records(kept) if kept is not None else None
            if found is not None:
                records[name] = found
                report.reused += [Path(a.name).name for a in found]
        missing = [name for name in wanted if name not in records]
        if progress is not None:
            processes = 2 if _jobs(jobs) > 1 and len(missing) > 1 else 1
            progress(
                f"writing {len(wanted)} groups of artefacts, {len(missing)} to make in "
                f"{_plural(processes, 'process', 'processes')}"
            )
            for name in wanted:
                if records.get(name):  # a node with no files (an empty slot) goes unsaid
                    count = len(records[name])
                    progress(f"{stage_label(name)}: {_plural(count, 'file')} ({count} reused)")
        started = time.monotonic()
        known = _Known(flow, computed) if computed else flow
        digests: dict[str, str] = {}
        for name, made in run_nodes(known, missing, values, jobs, digests).items():
            records[name] = made
            report.made += [Path(a.name).name for a in made]
        if not keys:
            keys = node_keys(flow, given, wanted, cache=cache, digests=digests)
        for name in missing:
            cache.keep(keys[name], _kept_files(records[name]))
        if progress is not None:
            for name in missing:
                if records[name]:
                    progress(f"{stage_label(name)}: {_plural(len(records[name]), 'file')}")
            if missing:
                progress(
                    f"made {_plural(len(missing), 'group')} in {time.monotonic() - started:.1f} s"
                )
        artefacts = [a for name in wanted for a in records[name]]
        for artefact in artefacts:
            path = staging / artefact.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(artefact.data)
        report.written = [Path(a.name) for a in artefacts]
        (staging / DATAPACKAGE).write_text(
            output_datapackage(corpus.descriptor, artefacts), encoding="utf-8", newline="\n"
        )
        report.written.append(Path(DATAPACKAGE))
        entries = {a.name: (a.audience, a.title, a.description) for a in artefacts}
        files = {a.name: a.data for a in artefacts}
        (staging / "index.html").write_text(
            index_page(corpus, report.written, fingerprint, files, entries),
            encoding="utf-8",
            newline="\n",
        )
        report.written.append(Path("index.html"))
        if progress is not None:
            progress(f"index.html: links the {len(report.written) - 1} files written")
        stage.marker["fingerprint"] = fingerprint
    report.notes = stage.notes
    return report


def make_artefacts(
    corpus: Corpus, nodes: Sequence[str] | None = None, *, modules: Sequence[ModuleType] = ()
) -> list[Artefact]:
    """Return the artefacts of ``nodes`` (default: every artefact node) for a loaded corpus,
    computed in this process, in node order; nothing is written and nothing is reused.

    It exists for notebooks and tests that want one artefact's bytes without a build.
    """
    flow = dataflow(*modules)
    wanted = list(nodes) if nodes is not None else artefact_nodes(flow)
    made = run_nodes(flow, wanted, input_values(corpus, corpus_fingerprint(corpus.root)), 1)
    return [a for name in wanted for a in made[name]]


def write_artefacts(
    corpus: Corpus, out: Path, nodes: Sequence[str], *, modules: Sequence[ModuleType] = ()
) -> list[Path]:
    """Write the artefacts of ``nodes`` into the existing folder ``out`` (not atomically, and
    without an index: a notebook's or a test's view of some artefacts); return the paths."""
    written = []
    for artefact in make_artefacts(corpus, nodes, modules=modules):
        path = Path(out) / artefact.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(artefact.data)
        written.append(path)
    return written


def output_datapackage(descriptor: dict[str, Any], artefacts: Sequence[Artefact]) -> str:
    """Return ``datapackage.json`` of a build: one tabular resource per CSV artefact, with its
    description, media type and Table Schema (``frictionless validate`` checks it)."""
    resources = []
    for artefact in artefacts:
        if artefact.schema is None:
            continue
        name = Path(artefact.name).stem.lower().replace("_", "-")
        resources.append(
            {
                "name": name,
                "path": artefact.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": artefact.media_type,
                "encoding": "utf-8",
                "description": artefact.description,
                "schema": artefact.schema,
            }
        )
    package = {
        "profile": "tabular-data-package",
        "name": "workbench-build",
        "title": f"Workbench build: {descriptor.get('title', 'Corpus')}",
        "resources": resources,
    }
    return json.dumps(package, indent=1, ensure_ascii=False) + "\n"


def node_keys(
    flow: Any,
    inputs: dict[str, str],
    wanted: Sequence[str],
    values: dict[str, Any] | None = None,
    *,
    cache: ArtefactCache | None = None,
    computed: dict[str, Any] | None = None,
    digests: dict[str, str] | None = None,
) -> dict[str, str]:
    """Return the key of every node upstream of ``wanted`` (and of those): the SHA-256 of the
    workbench's code, the node's own code and its parameters' keys; an input's key is given
    (``inputs``: the digests of the files it was read from).

    A node tagged ``key="value"`` (an early cut-off, ``workbench.dataflow.values``) is keyed
    by what it computes instead: the SHA-256 of the code, its own code and
    :func:`~workbench.dataflow.values.value_digest` of its result, so an edit upstream that
    leaves its value unchanged leaves every key downstream unchanged. Its value is computed
    from ``values`` (the dataflow's inputs), with only the results upstream of it, unless
    ``cache`` holds its value's key under the key its inputs give it (:data:`VALUE_KEY`: a
    previous build computed the same projection of the same inputs); the results computed
    are added to ``computed`` (by node name), for the build to reuse; or unless ``digests``
    gives its value's digest (by node name: computed by :func:`run_nodes` where the
    artefacts needed the value). Every other key comes from the graph alone.

    Raises:
        ValueError: when a node keyed by its value must be computed and ``values`` is
            ``None``.
    """
    nodes = flow.graph.nodes
    keys: dict[str, str] = {}
    version = code_version()
    done = computed if computed is not None else {}

    def key(name: str) -> str:
        if name in keys:
            return keys[name]
        node = nodes[name]
        if node.user_defined:
            keys[name] = inputs[name]
            return keys[name]
        hasher = hashlib.sha256(f"{version}\0{name}\0".encode())
        for function in node.originating_functions or ():
            hasher.update(_source(function).encode())
        for dependency in sorted(d.name for d in node.dependencies):
            hasher.update(f"\0{dependency}={key(dependency)}".encode())
        keys[name] = (
            by_value(node, hasher.hexdigest()) if is_value_keyed(node) else hasher.hexdigest()
        )
        return keys[name]

    def by_value(node: Any, by_inputs: str) -> str:
        kept = cache.fetch(by_inputs) if cache is not None else None
        if kept is not None and set(kept) == {VALUE_KEY}:
            found = kept[VALUE_KEY].decode("ascii", "replace")
            if re.fullmatch(r"[0-9a-f]{64}", found):
                return found
        if digests is not None and node.name in digests:
            digest = digests[node.name]
        elif values is None:
            raise ValueError(f"node {node.name!r} is keyed by its value: give the inputs' values")
        else:
            digest = value_digest(_compute(flow, node.name, values, done))
        hasher = hashlib.sha256(f"value\0{version}\0{node.name}\0".encode())
        for function in node.originating_functions or ():
            hasher.update(_source(function).encode())
        hasher.update(digest.encode())
        if cache is not None:
            cache.keep(by_inputs, {VALUE_KEY: hasher.hexdigest().encode()})
        return hasher.hexdigest()

    for name in wanted:
        key(name)
    return keys


def _compute(flow: Any, name: str, values: dict[str, Any], computed: dict[str, Any]) -> Any:
    """Compute node ``name`` and the results upstream of it not in ``computed`` (which are
    given to Hamilton as known), add them all to ``computed`` and return the node's value."""
    upstream = flow.what_is_upstream_of(name)
    needed = sorted(v.name for v in upstream if not v.is_external_input and v.name not in computed)
    inputs = {v.name: values[v.name] for v in upstream if v.is_external_input}
    if needed:
        computed.update(flow.execute(needed, inputs=inputs, overrides=dict(computed)))
    return computed[name]


class _Known:
    """A dataflow's driver that computes with some results already known (given to Hamilton
    as overrides): the values the keys of early cut-off nodes were computed from, and the
    results both processes of a build need, so that making the artefacts does not compute
    them again."""

    def __init__(self, flow: Any, known: dict[str, Any]) -> None:
        self.flow = flow
        self.known = known

    def execute(self, final_vars: list[str], **arguments: Any) -> Any:
        overrides = {**self.known, **(arguments.pop("overrides", None) or {})}
        return self.flow.execute(final_vars, overrides=overrides, **arguments)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.flow, name)


def _source(function: Any) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):  # made at run time: its name and module must do
        return f"{function.__module__}.{function.__qualname__}"


def _kept_files(artefacts: Artefacts) -> dict[str, bytes]:
    """The files the cache keeps for a node: each artefact by its file name, and the records
    without their bytes (:data:`ABOUT`)."""
    files = {Path(a.name).name: a.data for a in artefacts}
    files[ABOUT] = json.dumps([a.about() for a in artefacts], indent=1, sort_keys=True).encode()
    return files


def _records(files: dict[str, bytes]) -> Artefacts | None:
    """The records of a node from its kept files (``None`` when they do not fit together)."""
    try:
        about = json.loads(files[ABOUT])
        records = tuple(
            Artefact(
                item["name"],
                files[Path(item["name"]).name],
                item["media_type"],
                item["description"],
                item.get("schema"),
                item.get("audience", ""),
                item.get("title", ""),
            )
            for item in about
        )
    except (KeyError, TypeError, ValueError):
        return None
    if len(files) != len(records) + 1:
        return None
    return records


def run_nodes(
    flow: Any,
    names: Sequence[str],
    values: dict[str, Any],
    jobs: int | None,
    digests: dict[str, str] | None = None,
) -> dict[str, Artefacts]:
    """Compute the artefact nodes ``names`` (and only the results upstream of them), in two
    processes when ``jobs`` allows it and there is more than one: the results both shares
    need are computed here first (:func:`_shared_results`), then a worker forked from this
    process computes one share (:func:`_split`), this process the other.

    ``digests``, when given, receives the :func:`~workbench.dataflow.values.value_digest` of
    every early cut-off node computed on the way (by node name), from whichever process
    computed it, so that their keys need not compute them again.
    """
    if not names:
        return {}
    needed = {v.name for v in flow.list_available_variables() if v.is_external_input}
    inputs = {name: value for name, value in values.items() if name in needed}
    tables = [value for value in values.values() if isinstance(value, pd.DataFrame)]
    rows = sum(map(len, tables)) if tables else SHIPPED_ROWS
    mine, theirs = _split(flow, names, rows)
    if _jobs(jobs) > 1 and mine and theirs and sys.platform.startswith("linux"):
        known = _shared_results(flow, mine, theirs, inputs)
        if known:
            flow = _Known(flow, known)
            mine, theirs = _split(flow, names, rows, known)
    if not (mine and theirs) or _jobs(jobs) < 2 or not sys.platform.startswith("linux"):
        done = _execute(flow, names, inputs)
    else:
        done = _with_worker(
            lambda: _execute(flow, theirs, inputs), lambda: _execute(flow, mine, inputs)
        )
    if digests is not None:
        digests.update({name[len(DIGEST) :]: d for name, d in done.items() if name[:1] == "\0"})
    return {name: done[name] for name in names}


def _shared_results(
    flow: Any, mine: Sequence[str], theirs: Sequence[str], inputs: dict[str, Any]
) -> dict[str, Any]:
    """Return, computed here before the worker is forked, the results that both shares need
    (else each process would compute them) and the early cut-offs that read nothing else
    (projections, cheap by definition), by name.

    What the worker inherits from the fork costs it nothing, and knowing the cut-offs'
    values prices the nodes that read them: an empty heat-map slot draws nothing.
    """
    nodes = flow.graph.nodes
    ours = set().union(*(_upstream(flow, name) for name in mine))
    others = set().union(*(_upstream(flow, name) for name in theirs))
    shared = (ours & others) - set(mine) - set(theirs)
    if not shared:
        return {}
    ready = shared | {name for name, node in nodes.items() if node.user_defined}
    cut_offs = {
        name
        for name in (ours | others) - shared
        if is_value_keyed(nodes[name]) and {d.name for d in nodes[name].dependencies} <= ready
    }
    wanted = sorted(shared | cut_offs)
    results = flow.execute(wanted, inputs=inputs)
    return {name: results[name] for name in wanted}


def _with_worker(
    theirs: Callable[[], dict[str, Artefacts]], mine: Callable[[], dict[str, Artefacts]]
) -> dict[str, Artefacts]:
    """Return the results of ``theirs``, run in a forked worker process, and of ``mine``, run
    here meanwhile.

    The worker inherits ``theirs`` (a closure over the driver and the inputs) from the fork:
    nothing is pickled on the way in; its results come back through a pipe. It starts with
    SIGINT and SIGTERM blocked, so that it never dies of a signal before it ignores both
    (:func:`_init_worker`). Whatever stops this process while the worker runs (an error in
    either share, a signal) kills and reaps the worker before it goes on.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    parent = os.getpid()

    def work() -> None:
        _init_worker(parent)
        receiver.close()
        try:
            result: tuple[bool, Any] = (True, theirs())
        except BaseException as error:  # handed to the parent, which raises it
            result = (False, error)
        try:
            sender.send(result)
        except OSError:  # the parent stopped listening (it is stopping): nobody to tell
            return
        except Exception as error:  # an unpicklable error: its text must do
            with contextlib.suppress(OSError):
                sender.send((False, RuntimeError(f"{type(error).__name__}: {error}")))

    worker = context.Process(target=work, name="workbench build worker", daemon=True)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        worker.start()
        sender.close()  # the worker holds the only writing end: its death ends ``recv``
        # A stop that came while the worker started is raised by here at the latest: in the
        # block that stops the worker (another thread may take it even while it is held here)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        done = mine()
        try:
            ok, made = receiver.recv()
        except EOFError:
            worker.join()
            raise RuntimeError(
                f"the build's worker process ended without its results (exit {worker.exitcode})"
            ) from None
        if not ok:
            raise made
        worker.join()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if worker.pid is not None:  # forked: else, stopped mid-fork, it dies with this process
            worker.kill()
            worker.join()
        raise
    finally:
        receiver.close()
        sender.close()
    return {**done, **made}


#: What marks an early cut-off's digest among the results of :func:`_execute`.
DIGEST = "\0digest:"


def _execute(flow: Any, names: Sequence[str], inputs: dict[str, Any]) -> dict[str, Any]:
    """Compute the artefact nodes ``names``: their records by name, and the digest of every
    early cut-off node computed for them under :data:`DIGEST` + its name (a digest, not the
    value, crosses back from the worker)."""
    if not names:
        return {}
    nodes = flow.graph.nodes
    cut_offs = sorted(
        {n for name in names for n in _upstream(flow, name) if is_value_keyed(nodes[n])}
        - set(names)
    )
    results = flow.execute([*names, *cut_offs], inputs=inputs)
    done: dict[str, Any] = {name: results[name] for name in names}
    done.update({DIGEST + name: value_digest(results[name]) for name in cut_offs})
    return done


#: Above this many artefact nodes to make, :func:`_split` shares them out greedily instead of
#: trying every split.
EXHAUSTIVE_SPLIT = 16


def _split(
    flow: Any,
    names: Sequence[str],
    rows: int = SHIPPED_ROWS,
    known: dict[str, Any] | None = None,
) -> tuple[list[str], list[str]]:
    """Split ``names`` in two shares whose costs are as even as they can be, each in node
    order.

    A share costs what its process computes (the declared cost of every node upstream of its
    artefacts, counted once: ``workbench.dataflow.costs``) plus the import of each heavy
    library those nodes need, counted once per process (on a corpus of ``rows`` rows: a
    node's cost grows with the corpus unless declared fixed); so figures tend to go together, and
    results two artefacts share are computed once where that pays. A result in ``known``
    (computed already) costs nothing, and so does a node given nothing but known ``None``
    (an empty slot, which makes nothing). Up to
    :data:`EXHAUSTIVE_SPLIT` nodes, every split is tried (the first cheapest wins, so the
    split is deterministic); beyond, the costliest nodes go first, each to the share it
    makes cheaper.
    """
    nodes = flow.graph.nodes
    known = known or {}
    upstream = {name: _upstream(flow, name) for name in names}
    involved = sorted(set().union(*upstream.values()))
    bit = {node: 1 << i for i, node in enumerate(involved)}

    def free(node: str) -> bool:
        """Known already, or given nothing but known ``None`` (an empty slot)."""
        if node in known:
            return True
        given = [d.name for d in nodes[node].dependencies]
        return bool(given) and all(n in known and known[n] is None for n in given)

    priced = [
        (0, frozenset[str]()) if free(node) else node_cost(nodes[node].tags, rows)
        for node in involved
    ]
    masks = [sum(bit[node] for node in upstream[name]) for name in names]

    def price(mask: int) -> int:
        total, libraries = 0, set[str]()
        for i, (own, imports) in enumerate(priced):
            if mask >> i & 1:
                total += own
                libraries |= imports
        return total + sum(IMPORT_COSTS[library] for library in libraries)

    if len(names) <= EXHAUSTIVE_SPLIT:
        best: tuple[int, int] | None = None
        for choice in range(1 << (len(names) - 1)):  # the last node stays in the first share
            shares = [0, 0]
            for i, mask in enumerate(masks):
                shares[choice >> i & 1] |= mask
            slower = max(price(shares[0]), price(shares[1]))
            if best is None or slower < best[0]:
                best = (slower, choice)
        assert best is not None
        sides = [best[1] >> i & 1 for i in range(len(names))]
    else:
        sides = [0] * len(names)
        shares = [0, 0]
        for i in sorted(range(len(names)), key=lambda i: -price(masks[i])):
            grown = [price(shares[0] | masks[i]), price(shares[1] | masks[i])]
            side = min((0, 1), key=lambda s: (max(grown[s], price(shares[1 - s])), grown[s]))
            sides[i] = side
            shares[side] |= masks[i]
    return (
        [name for name, side in zip(names, sides, strict=True) if side == 0],
        [name for name, side in zip(names, sides, strict=True) if side == 1],
    )


def _upstream(flow: Any, name: str) -> set[str]:
    nodes = flow.graph.nodes
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or nodes[current].user_defined:
            continue
        seen.add(current)
        todo.extend(d.name for d in nodes[current].dependencies)
    return seen


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        jobs = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)
        )
    return max(1, min(jobs, 2))


def stage_label(node: str) -> str:
    """Return how the progress lines name an artefact node (``gap_map_files``: ``gap map``)."""
    return node.removesuffix("_files").replace("_", " ")


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _init_worker(parent: int) -> None:
    """Prepare a forked worker: it dies with its parent and leaves signals to the parent.

    SIGINT (Ctrl-C reaches every process of the terminal's group) and SIGTERM are ignored:
    the parent stops the workers and cleans up. On Linux the kernel kills the worker when
    its parent dies, however it dies (SIGKILL included), so no worker outlives its build.
    """
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes  # Linux only: the parent-death signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGKILL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
