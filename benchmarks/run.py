"""Benchmark the workbench at 1x, 10x and 100x the corpus, stage by stage and as a whole build.

Usage (from the repository root; ``make bench`` runs the first form)::

    .venv/bin/python benchmarks/run.py                       # scales 1 10 100, 3 runs each
    .venv/bin/python benchmarks/run.py --scales 1 10 --repeat 5

The synthetic roots are written by ``workbench synth`` into ``--work`` (default
``benchmarks/results/roots``) and reused while the shipped corpus is unchanged. Each scale's
stages run in a fresh process that first imports everything (import cost is measured
separately, by the baseline and the whole-build process), then times each stage ``--repeat``
times (the median is reported) and runs it once more under ``tracemalloc`` for its peak
memory (from scale ``--large`` on: one run, no tracemalloc). The whole ``workbench build``
runs as a process (its peak memory is the process's maximum resident set size), four ways:
``cold``, the first build into an empty folder (every figure drawn, the suggestions computed);
``warm``, a rebuild of the unchanged corpus over its own output; and two rebuilds over that
output after a reviewer's one-cell edit (:data:`EDITS`): a reworded crosswalk rationale
(nothing to redraw) and a corrected strength (its framework's heat-map redrawn).
The per-stage rows run in one process and never reuse anything.

Targets printed beside the figures:

- at scale 1 the whole build takes at most 2x ``python -c "import pandas, networkx,
  matplotlib"`` measured in the same run;
- at scale 100 the whole build takes under 30 s;
- no stage grows worse than linearly: time(100) / time(10) <= 15.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IMPORT_BASELINE = "import pandas, networkx, matplotlib"
STAGES = (
    "load + validate",
    "citations (extract + resolve)",
    "graph build",
    "coding",
    "gap map",
    "crosswalk suggestions",
    "rendering (all artefact nodes)",
)
TARGET_RATIO = 15.0
TARGET_BUILD_100 = 30.0
#: Each 1x build's target, as a multiple of the import baseline (``None``: reported alone).
TARGET_BUILD_1_OVER_IMPORT: dict[str, float | None] = {
    "cold": 6.0,
    "warm": 2.0,
}


# --------------------------------------------------------------------------------------
# Inside one scale's process: the stages
# --------------------------------------------------------------------------------------


def _stage_functions(root: Path) -> dict[str, Callable[[], object]]:
    """The stages as callables over ``root``; later stages reuse the earlier results."""
    from workbench.build import make_artefacts
    from workbench.citations import citation_audit
    from workbench.coding import codes_frame
    from workbench.crosswalk_suggest import suggest_crosswalk
    from workbench.gaps import analyse_gaps
    from workbench.graph import build_graph
    from workbench.validation import load_corpus

    corpus = load_corpus(root)
    graph = build_graph(corpus)
    codes = codes_frame(corpus)

    def render() -> None:
        make_artefacts(corpus)  # every artefact node, in this process, as bytes

    return {
        "load + validate": lambda: load_corpus(root),
        "citations (extract + resolve)": lambda: citation_audit(corpus),
        "graph build": lambda: build_graph(corpus),
        "coding": lambda: codes_frame(corpus),
        "gap map": lambda: analyse_gaps(corpus, graph=graph, codes=codes),
        "crosswalk suggestions": lambda: suggest_crosswalk(corpus.tables),
        "rendering (all artefact nodes)": render,
    }


def measure_stages(root: Path, repeat: int, memory: bool = True) -> dict[str, dict[str, float]]:
    """Time every stage ``repeat`` times (median) and, if ``memory``, measure its peak
    memory once more under ``tracemalloc`` (which slows the run it watches)."""
    import matplotlib

    matplotlib.use("Agg")
    functions = _stage_functions(root)
    functions["rendering (all artefact nodes)"]()  # warm: lazy imports inside the writers
    results = {}
    for name in STAGES:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            functions[name]()
            times.append(time.perf_counter() - start)
        peak = float("nan")
        if memory:
            tracemalloc.start()
            functions[name]()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        results[name] = {"median_s": statistics.median(times), "peak_mb": peak}
    return results


# --------------------------------------------------------------------------------------
# The parent: roots, processes, the table
# --------------------------------------------------------------------------------------


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "corpus").glob("*")) + [
        REPO / "references.bib",
        REPO / "src/workbench/synth.py",
    ]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def synthetic_root(work: Path, scale: int) -> Path:
    """Return a synthetic root of ``scale`` (written by ``workbench synth`` unless current)."""
    root = work / f"x{scale}"
    stamp = root / ".fingerprint"
    fingerprint = _fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return root
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run(
        [
            str(BIN / "workbench"),
            "synth",
            "--root",
            str(REPO),
            "--scale",
            str(scale),
            "--out",
            str(root),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp.write_text(fingerprint)
    return root


def run_process(args: list[str]) -> tuple[float, float]:
    """Run a process to its end; return its wall time (s) and maximum resident set (MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def median_process(args: list[str], repeat: int) -> dict[str, float]:
    """Run ``args`` ``repeat`` times; return the median wall time and the largest peak RSS."""
    runs = [run_process(args) for _ in range(repeat)]
    return {"median_s": statistics.median(t for t, _ in runs), "peak_mb": max(m for _, m in runs)}


#: The ways a whole build is timed: the first build into an empty folder; a rebuild of the
#: unchanged corpus over its own output; rebuilds over that output after a reviewer's edit.
BUILD_MODES = ("cold", "warm", "edit: rationale", "edit: strength")
BUILD_LABELS = {
    "cold": "whole build, first (empty OUT, nothing to reuse)",
    "warm": "whole build, again (unchanged corpus)",
    "edit: rationale": "whole build, after rewording a crosswalk rationale",
    "edit: strength": "whole build, after correcting a crosswalk strength",
}
#: The edits: (name, table, row (0-based), column, change). Rewording a rationale redraws
#: nothing; a strength is printed in its framework's heat-map, which is drawn again.
EDITS = (
    (
        "edit: rationale",
        "crosswalk.csv",
        0,
        "rationale",
        lambda value: value + " Reworded by a reviewer.",
    ),
    ("edit: strength", "crosswalk.csv", 1, "strength", lambda value: str(int(value) + 1)),
)


def edited_root(work: Path, root: Path, scale: int, edit: tuple) -> Path:
    """Return a copy of ``root`` with one of :data:`EDITS` applied, the kind of change a
    reviewer makes between two builds."""
    import pandas as pd

    from workbench.corpus import write_table

    name, table, row, column, change = edit
    copy = work / f"x{scale}-{name.split()[-1]}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root / "corpus", copy / "corpus")
    shutil.copy2(root / "references.bib", copy / "references.bib")
    if (root / "sources").is_dir():  # else the edit would drop the source pages too
        shutil.copytree(root / "sources", copy / "sources")
    frame = pd.read_csv(copy / "corpus" / table, dtype=str, keep_default_na=False)
    frame.loc[row, column] = change(frame.loc[row, column])
    write_table(frame, copy / "corpus" / table)
    return copy


def whole_build(
    root: Path, edited: dict[str, Path], repeat: int, baseline: list[tuple[float, float]]
) -> dict[str, dict[str, float]]:
    """Time ``workbench build`` as a process in each of :data:`BUILD_MODES` (``edited``: the
    edited root of each edit mode); before each round, time the import baseline once more
    into ``baseline``, so that builds and baseline see the same machine load."""
    command = [str(BIN / "workbench"), "build"]
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in BUILD_MODES}
    with tempfile.TemporaryDirectory() as tmp:
        previous = Path(tmp) / "previous"
        run_process(command + ["--root", str(root), "--out", str(previous)])
        for i in range(repeat):
            baseline.append(run_process([sys.executable, "-c", IMPORT_BASELINE]))
            runs["cold"].append(
                run_process(command + ["--root", str(root), "--out", str(Path(tmp) / f"cold{i}")])
            )
            runs["warm"].append(
                run_process(command + ["--root", str(root), "--out", str(previous)])
            )
            for mode, edited_root_ in edited.items():
                out = Path(tmp) / f"{mode.split()[-1]}{i}"
                shutil.copytree(previous, out)
                runs[mode].append(
                    run_process(command + ["--root", str(edited_root_), "--out", str(out)])
                )
    return {
        mode: {
            "median_s": statistics.median(t for t, _ in times),
            "peak_mb": max(m for _, m in times),
        }
        for mode, times in runs.items()
    }


def _format_table(
    scales: list[int],
    stages: dict[int, dict],
    builds: dict[int, dict],
    baseline: dict[str, float],
    load: tuple[float, ...],
) -> str:
    head = ["stage"] + [f"x{s} time" for s in scales] + [f"x{s} peak MB" for s in scales]
    ratio_ok = 10 in scales and 100 in scales
    if ratio_ok:
        head += ["t(100)/t(10)", f"target ≤ {TARGET_RATIO:g}"]
    rows = [head]

    def add(name: str, figures: dict[int, dict[str, float]], memory_label: str = "") -> None:
        row = [name] + [f"{figures[s]['median_s']:.3f} s" for s in scales]
        row += [
            (
                "n/m"
                if figures[s]["peak_mb"] != figures[s]["peak_mb"]
                else f"{figures[s]['peak_mb']:.1f}{memory_label}"
            )
            for s in scales
        ]
        if ratio_ok:
            ratio = figures[100]["median_s"] / max(figures[10]["median_s"], 1e-9)
            row += [f"{ratio:.1f}", "met" if ratio <= TARGET_RATIO else "MISSED"]
        rows.append(row)

    for stage in STAGES:
        add(stage, {s: stages[s][stage] for s in scales})
    for mode in BUILD_MODES:
        add(BUILD_LABELS[mode], {s: builds[s][mode] for s in scales}, " (RSS)")
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out = ["\n".join(lines), ""]
    out.append(
        f'import baseline `python -c "{IMPORT_BASELINE}"`: '
        f"{baseline['median_s']:.3f} s, median of {baseline['runs']} runs interleaved "
        f"with the builds (peak {baseline['peak_mb']:.0f} MB RSS)"
    )
    for mode in BUILD_MODES:
        if 1 in builds:
            factor = builds[1][mode]["median_s"] / baseline["median_s"]
            seconds = f"{builds[1][mode]['median_s']:.3f} s = {factor:.2f} × baseline"
            target = TARGET_BUILD_1_OVER_IMPORT.get(mode)
            if target is None:
                out.append(f"build(x1, {mode}): {seconds} (no target)")
                continue
            verdict = "met" if factor <= target else "MISSED"
            out.append(
                f"target: build(x1, {mode}) ≤ {target:g} × import baseline — {seconds}: {verdict}"
            )
    for mode in BUILD_MODES:
        if 100 in builds:
            seconds = builds[100][mode]["median_s"]
            verdict = "met" if seconds < TARGET_BUILD_100 else "MISSED"
            out.append(
                f"target: build(x100, {mode}) < {TARGET_BUILD_100:g} s — {seconds:.2f} s: {verdict}"
            )
    out.append(
        f"cores: {os.cpu_count()}; load average (1, 5, 15 min) at the start: "
        f"{' '.join(f'{x:.2f}' for x in load)}, at the end: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks (or, with ``--stages ROOT``, one scale's stages) and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--large",
        type=int,
        default=100,
        help="from this scale on: one run per figure, no tracemalloc "
        "(the whole build's peak RSS is still reported)",
    )
    parser.add_argument("--no-memory", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO / "benchmarks" / "results" / "roots",
        help="folder for the synthetic roots (default: benchmarks/results/roots,"
        " which git ignores)",
    )
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.stages:
        print(json.dumps(measure_stages(args.stages, args.repeat, not args.no_memory)))
        return 0

    args.work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    baseline_runs = [
        run_process([sys.executable, "-c", IMPORT_BASELINE]) for _ in range(max(args.repeat, 3))
    ]
    stages, builds = {}, {}
    for scale in args.scales:
        root = synthetic_root(args.work, scale) if scale > 1 else REPO
        print(f"scale {scale}: stages ...", file=sys.stderr, flush=True)
        large = scale >= args.large
        repeat = 1 if large else args.repeat
        result = subprocess.run(
            [sys.executable, __file__, "--stages", str(root), "--repeat", str(repeat)]
            + (["--no-memory"] if large else []),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(result.stderr[-3000:])
        stages[scale] = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"scale {scale}: whole build ...", file=sys.stderr, flush=True)
        edited = {edit[0]: edited_root(args.work, root, scale, edit) for edit in EDITS}
        builds[scale] = whole_build(root, edited, repeat, baseline_runs)
    baseline = {
        "median_s": statistics.median(t for t, _ in baseline_runs),
        "peak_mb": max(m for _, m in baseline_runs),
        "runs": len(baseline_runs),
    }
    print(_format_table(args.scales, stages, builds, baseline, load))
    if args.json:
        args.json.write_text(
            json.dumps({"baseline": baseline, "stages": stages, "builds": builds}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
