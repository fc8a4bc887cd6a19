"""Build every artefact of the workbench from a corpus root, atomically.

``build`` validates the root, runs every artefact writer into a temporary folder beside the
output folder, writes ``index.html`` linking what was built, and only then swaps the new
folder into place. A build that fails at any point leaves the previous output untouched.
``workbench.outputs`` guards the output folder (only a folder a build made, or an empty or
missing one, is replaced; the check comes before any work), locks it against a second build,
and repairs what a killed build left beside it.

The writers run in two lanes, each in its own process where the machine has two cores or
more (forked once the corpus is loaded, so neither reads it again). Within a lane, derived
results (the citation audit, the evidence graph, the topic codes) are computed once and
shared (``workbench.cache.shared``); figures and the crosswalk suggestions are copied from
the previous output's ``.cache/`` when their inputs have not changed
(``workbench.cache.cached_files``). Neither changes a byte of the output. The worker process
ignores SIGINT and SIGTERM (the parent stops it and cleans up) and dies with its parent.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from workbench.cache import FileCache, sharing, using
from workbench.citations import write_artefacts as write_citation_audit
from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, Corpus, load_corpus
from workbench.crosswalk import write_artefacts as write_crosswalk
from workbench.gaps import write_artefacts as write_gap_map
from workbench.graph import write_artefacts as write_evidence_graph
from workbench.outputs import BUILD, STOP_SIGNALS, replacing_folder
from workbench.render.sources import write_artefacts as write_source_pages
from workbench.search import write_artefacts as write_search_analysis
from workbench.summary import write_artefacts as write_corpus_summary
from workbench.workbook import write_artefacts as write_workbook

ArtefactWriter = Callable[[Corpus, Path], list[Path]]
#: Receives one line of progress at a time (a stage done, with its counts).
Progress = Callable[[str], None]

#: Every writer called by ``build``, in order; each returns the files it wrote.
ARTEFACT_WRITERS: tuple[ArtefactWriter, ...] = (
    write_corpus_summary,
    write_crosswalk,
    write_search_analysis,
    write_citation_audit,
    write_evidence_graph,
    write_gap_map,
    write_source_pages,
    write_workbook,
)
#: The progress line's name for the HTML pages of the Markdown reports.
REPORT_PAGES_LABEL = "report pages"
#: What each writer makes, in words, for the progress lines.
WRITER_LABELS: dict[ArtefactWriter, str] = {
    write_corpus_summary: "corpus summary",
    write_crosswalk: "crosswalk, its heat-maps and suggestions",
    write_search_analysis: "literature-search analysis and PRISMA-S report",
    write_citation_audit: "citation audit",
    write_evidence_graph: "evidence graph and its exports",
    write_gap_map: "gap map",
    write_source_pages: "source pages",
    write_workbook: "workbook",
}
#: The writers by lane: each lane may run in a process of its own, and computes the derived
#: results (audit, graph, codes) its writers need once, so the writers that need the graph
#: share a lane. The crosswalk (figures, suggestions) and the search artefacts weigh about
#: as much as the graph's exports and the gap map at 100x the corpus.
LANES: tuple[tuple[ArtefactWriter, ...], ...] = (
    (write_crosswalk, write_search_analysis, write_source_pages, write_workbook),
    (write_corpus_summary, write_citation_audit, write_evidence_graph, write_gap_map),
)


@dataclass
class BuildReport:
    """What a build wrote (paths relative to the output folder, in writer order), which of
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


def build(root: Path | str = ".", out: Path | str = "build",
          writers: tuple[ArtefactWriter, ...] | None = None, *, jobs: int | None = None,
          reuse: bool = True) -> list[Path]:
    """Validate ``root`` and write every artefact into ``out``, replacing it only on success.

    Args:
        writers: the writers to run (default: ``ARTEFACT_WRITERS``, in lanes); given
            writers run one after another in this process.
        jobs: processes to use (default: one per core, at most one per lane).
        reuse: copy unchanged figures and suggestions from ``out/.cache`` (the output is
            the same either way; ``False`` makes everything afresh, and keeps it for the
            next build all the same).

    Returns:
        The paths written, relative to ``out``, in the order of the writers.

    Raises:
        CorpusError: when the root does not validate (``out`` is not touched).
    """
    return build_report(root, out, writers, jobs=jobs, reuse=reuse).written


def build_report(root: Path | str = ".", out: Path | str = "build",
                 writers: tuple[ArtefactWriter, ...] | None = None, *,
                 jobs: int | None = None, reuse: bool = True,
                 progress: Progress | None = None) -> BuildReport:
    """Run :func:`build` and return its :class:`BuildReport` (what was reused and made).

    ``progress``, when given, is called with one line per stage as it ends (the corpus
    validated, with its counts; each writer, with the files it wrote and reused and the
    seconds it took; the index), so that a long build shows it is moving. Writers in a
    forked process call it there (it inherits standard error).

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
        if writers is not None:
            lanes: Sequence[Sequence[ArtefactWriter]] = [writers]
        else:
            lanes = LANES
        jobs = _jobs(jobs, len(lanes))
        if progress is not None:
            rows = sum(len(frame) for frame in corpus.tables.values())
            progress(f"corpus valid: {len(corpus.tables)} tables, {rows} rows, "
                     f"{len(corpus.references)} references")
            processes = min(jobs, len(lanes))
            progress(f"writing {sum(len(lane) for lane in lanes)} groups of artefacts in "
                     f"{_plural(processes, 'process', 'processes')}")
        cache = FileCache.for_build(Path(out) if reuse else None, staging)
        report = _run_lanes(corpus, staging, lanes, cache, jobs, progress)
        report.discarded = cache.discarded if cache is not None else 0
        from workbench.render.index import write_index
        from workbench.render.reports import write_report_pages

        report.written = [_relative_to(p, staging) for p in report.written]
        pages = write_report_pages(staging, report.written)
        report.written += pages
        if progress is not None:
            progress(f"{REPORT_PAGES_LABEL}: {_plural(len(pages), 'file')}")
        fingerprint = corpus_fingerprint(root)
        write_index(corpus, staging, report.written, fingerprint)
        report.written.append(Path("index.html"))
        if progress is not None:
            progress(f"index.html: links the {len(report.written) - 1} files written")
        stage.marker["fingerprint"] = fingerprint
    report.notes = stage.notes
    return report


def _jobs(jobs: int | None, lanes: int) -> int:
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    return max(1, min(jobs, lanes))


#: The corpus of the build under way, read by the forked lane processes (not pickled).
_FORKED: dict[str, object] = {}


def _run_lanes(corpus: Corpus, staging: Path, lanes: Sequence[Sequence[ArtefactWriter]],
               cache: FileCache | None, jobs: int, progress: Progress | None = None
               ) -> BuildReport:
    """Run every lane (the first in this process, the others in forked processes when
    ``jobs`` > 1 and the platform forks safely) and gather the report in writer order."""
    order = [w for w in ARTEFACT_WRITERS if any(w in lane for lane in lanes)]
    order += [w for lane in lanes for w in lane if w not in order]
    results: dict[ArtefactWriter, list[Path]] = {}
    report = BuildReport()
    if jobs > 1 and sys.platform.startswith("linux") and len(lanes) > 1:
        _FORKED.update(corpus=corpus, lanes=lanes, progress=progress)
        others = set(multiprocessing.active_children())  # not ours to stop
        pool = ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_init_worker, initargs=(os.getpid(),))
        try:
            # Workers are forked by ``submit``; they start with SIGINT and SIGTERM blocked,
            # so none of them dies of a signal before it ignores both.
            held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            try:
                futures = [pool.submit(_forked_lane, i, staging, cache)
                           for i in range(1, len(lanes))]
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            done = [_run_lane(corpus, lanes[0], staging, cache, progress)]
            for index, future in enumerate(futures, start=1):
                by_position, reused, made = future.result()
                done.append(({lanes[index][i]: paths for i, paths in by_position.items()},
                             reused, made))
        except BaseException:
            _stop_workers(pool, others)
            raise
        else:
            pool.shutdown()
        finally:
            _FORKED.clear()
    else:
        done = [_run_lane(corpus, lane, staging, cache, progress) for lane in lanes]
    for written, reused, made in done:
        results.update(written)
        report.reused += reused
        report.made += made
    report.written = [p for w in order for p in results[w]]
    return report


def _init_worker(parent: int) -> None:
    """Prepare a forked worker: it dies with its parent and leaves signals to the parent.

    SIGINT (Ctrl-C reaches every process of the terminal's group) and SIGTERM are ignored:
    the parent stops the workers and cleans up. On Linux the kernel kills the worker when
    its parent dies, however it dies (SIGKILL included), so no worker outlives its build.
    """
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGKILL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _stop_workers(pool: ProcessPoolExecutor, others: set) -> None:
    """Kill the pool's worker processes (the children not in ``others``) and wait for them:
    a build that failed or was interrupted must not leave a worker writing into its staging
    folder."""
    pool.shutdown(wait=False, cancel_futures=True)
    workers = [child for child in multiprocessing.active_children() if child not in others]
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join()
    pool.shutdown(wait=True)


def _forked_lane(index: int, staging: Path, cache: FileCache | None):
    """Run lane ``index`` in a forked process; writers are named by position, not pickled."""
    lane = list(_FORKED["lanes"][index])  # type: ignore[index]
    corpus, progress = _FORKED["corpus"], _FORKED.get("progress")
    assert isinstance(corpus, Corpus) and (progress is None or callable(progress))
    written, reused, made = _run_lane(corpus, lane, staging, cache, progress)
    return {lane.index(w): paths for w, paths in written.items()}, reused, made


def _run_lane(corpus: Corpus, lane: Sequence[ArtefactWriter], staging: Path,
              cache: FileCache | None, progress: Progress | None = None):
    """Run the writers of one lane; return their paths by writer and the cache's record."""
    if cache is not None:
        cache = cache.fresh()
    written: dict[ArtefactWriter, list[Path]] = {}
    with sharing(), using(cache):
        for writer in lane:
            started, before = time.monotonic(), len(cache.reused) if cache else 0
            written[writer] = [Path(p) for p in writer(corpus, staging)]
            if progress is not None:
                reused = (len(cache.reused) if cache else 0) - before
                label = WRITER_LABELS.get(writer, getattr(writer, "__module__", "writer"))
                progress(f"{label}: {_plural(len(written[writer]), 'file')}"
                         + (f" ({reused} reused)" if reused else "")
                         + f", {time.monotonic() - started:.1f} s")
    return (written, cache.reused if cache else [], cache.made if cache else [])


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _relative_to(path: Path, folder: Path) -> Path:
    """Return ``path`` relative to ``folder``, whether a writer returned it absolute or relative
    (to the working folder, as ``folder / name``) or already relative to ``folder``."""
    for candidate in (path, path.absolute()):
        if candidate.is_relative_to(folder.absolute()):
            return candidate.relative_to(folder.absolute())
        if candidate.is_relative_to(folder):
            return candidate.relative_to(folder)
    return path
