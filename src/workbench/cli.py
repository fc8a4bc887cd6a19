"""workbench: check a standards corpus; build its evidence graph and gap map.

A corpus root is a folder holding corpus/ (CSV tables described by
corpus/datapackage.json) and references.bib. Every command takes --root
(default: the current folder). "workbench COMMAND --help" says more.

Commands:
  validate   check every file of the corpus; print each problem as
             FILE:ROW: COLUMN: message
  build      validate, then regenerate every artefact into --out (build/)
  tidy       rewrite corpus CSVs saved by a spreadsheet (BOM, CRLF, cp1252) as
             UTF-8 with LF line ends
  suggest-crosswalk
             candidate crosswalk rows by TF-IDF similarity: the best shown
             with a legend, all written to a CSV, with precision and recall
  synth      write a synthetic root N times the corpus (renamed copies) for
             benchmarks
  evidence   the evidence the gap map counts behind a standard or guideline,
             channel by channel, with the file and line of each item; or the
             rows resting on an item (e.g. 3.3, S3, ref:morrison2019a)
  diff       what changed between two builds (or two corpus roots): gap-map
             statuses, crosswalk rows, the citation audit

Commands that write (build, synth, suggest-crosswalk --out) refuse, before
doing any work, an output that would replace a user's file: the corpus root,
anything in corpus/, a folder holding the root, a symbolic link, a file, or a
non-empty folder the command did not make.

Exit codes: 0 success (also when the reader of the output closes the pipe
early), 1 invalid input or refused output (one line says why), 2 usage or
unexpected error, 130 interrupted (SIGINT, Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from workbench.outputs import (
    BUILD,
    SYNTH,
    OutputRefused,
    check_file,
    check_folder,
    workbench_version,
    write_file,
)
from workbench.problems import CorpusError

# Each command imports what it runs inside its own function, so that `workbench --help` and
# `workbench validate` start without the build's libraries (tests/integration/test_lazy_imports.py).

#: The garbage collector's thresholds while a command runs (Python's are 700, 10, 10). A command
#: is a batch job whose objects (the corpus, pandas, matplotlib's artists) mostly live until it
#: ends, so collecting every 700 allocations found little and cost a sixth of a first build's
#: time (benchmarks/README.md, "The garbage collector").
BATCH_GC_THRESHOLDS = (50_000, 50, 1000)

#: Signals that end a command cleanly, with one line and exit code 128 + the signal.
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _print_problems(problems: list, summary: str) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(summary, file=sys.stderr)


def _problems(count: int) -> str:
    """``1 problem``, ``5 problems``."""
    return f"{count} problem{'s' * (count != 1)}"


def _corpus_at(root: str) -> str:
    """The corpus root as a summary line names it: ``the corpus in this folder`` for the
    working folder (the default ``.``), else ``the corpus in ROOT``."""
    return (
        "the corpus in this folder"
        if Path(root).resolve() == Path.cwd()
        else f"the corpus in {root}"
    )


def _cmd_validate(args: argparse.Namespace) -> int:
    from workbench.validation import validate_root

    corpus, problems = validate_root(Path(args.root))
    if problems:
        _print_problems(problems, f"{_problems(len(problems))} found in {_corpus_at(args.root)}")
        return 1
    assert corpus is not None
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in corpus.tables.items())
    print(f"corpus valid: {counts}, {len(corpus.references)} references")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    check_folder(args.out, args.root, BUILD)  # at once, before the imports
    from workbench.render.index import LAST_EPOCH

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and int(epoch) > LAST_EPOCH:  # NumPy's import would fail on it
        print(
            f"workbench build: SOURCE_DATE_EPOCH={epoch!r} is past the year 9999; set it to "
            "the build date in seconds since 1970 (UTC), or unset it; nothing was written",
            file=sys.stderr,
        )
        return 1
    from workbench.build import build_report

    def progress(line: str) -> None:
        print(f"workbench build: {line}", file=sys.stderr, flush=True)

    shown = args.progress or (not args.quiet and sys.stderr.isatty())
    try:
        report = build_report(
            Path(args.root),
            args.out,
            jobs=args.jobs,
            reuse=not args.no_cache,
            progress=progress if shown else None,
        )
    except CorpusError as err:
        _print_problems(
            err.problems,
            f"build stopped: {_problems(len(err.problems))} in {_corpus_at(args.root)}; "
            f"{args.out} was left as it was",
        )
        return 1
    if report.discarded:
        print(
            f"cache: discarded {report.discarded} entries that failed verification", file=sys.stderr
        )
    reused = (
        f" ({len(report.reused)} of them, unchanged, reused from the previous build)"
        if report.reused
        else ""
    )
    if not args.quiet:
        print(f"built {len(report.written)} files into {args.out}{reused}")
    return 0


def _cmd_tidy(args: argparse.Namespace) -> int:
    from workbench.tidy import tidy_root

    files = [Path(name) for name in args.files] if args.files else None
    report, problems = tidy_root(Path(args.root), args.from_encoding, files)
    for problem in problems:
        print(problem, file=sys.stderr)
    for line in report:
        print(line)
    if not report and not problems:
        print("nothing to tidy")
    return 1 if problems else 0


def _cmd_suggest_crosswalk(args: argparse.Namespace) -> int:
    from workbench.crosswalk_suggest import SUGGESTION_COLUMNS

    if args.out is not None:
        check_file(args.out, args.root, "workbench suggest-crosswalk", ",".join(SUGGESTION_COLUMNS))
    from workbench.corpus import write_table
    from workbench.crosswalk_suggest import suggest_crosswalk, suggester_metrics
    from workbench.render.console import render_suggestions
    from workbench.validation import load_corpus

    corpus = load_corpus(Path(args.root))
    try:
        suggestions = suggest_crosswalk(corpus.tables, args.framework, k=args.k)
    except KeyError as err:
        print(f"workbench suggest-crosswalk: {err.args[0]}", file=sys.stderr)
        return 1
    metrics = suggester_metrics(corpus.tables, ks=sorted({1, args.k}), framework_ids=args.framework)
    if args.out is None:  # the CSV on standard output, what is said about it on stderr
        report = sys.stderr
        _print_table(suggestions)
        where = "standard output"
    else:
        report = sys.stdout
        write_file(args.out, lambda path: write_table(suggestions, path))
        where = args.out
    width = shutil.get_terminal_size((80, 24)).columns
    print(
        render_suggestions(suggestions, metrics, args.k, args.show, where, width),
        end="",
        file=report,
    )
    return 0


def _print_table(frame) -> None:
    """Print a table to standard output in the corpus's canonical CSV form."""
    from workbench.corpus import write_table

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        write_table(frame, path)
        sys.stdout.write(path.read_text(encoding="utf-8"))


def _cmd_synth(args: argparse.Namespace) -> int:
    check_folder(args.out, args.root, SYNTH)  # at once, before the imports
    from workbench.synth import synthesise

    written = synthesise(Path(args.root), args.scale, args.out)
    print(f"wrote a synthetic root ×{args.scale} ({len(written)} files) into {args.out}")
    return 0


def _cmd_evidence(args: argparse.Namespace) -> int:
    from workbench.citations import citation_audit
    from workbench.gaps import CHANNEL_LABELS, CHANNELS, analyse_gaps, item_labels
    from workbench.graph import build_graph
    from workbench.lookup import item_rows, resolve_id, row_evidence
    from workbench.render.console import render_item_rows, render_not_found, render_row_evidence
    from workbench.validation import load_corpus

    corpus = load_corpus(Path(args.root))
    audit = citation_audit(corpus)
    graph = build_graph(corpus, audit)
    analysis = analyse_gaps(corpus, graph=graph, audit=audit)
    labels = item_labels(corpus, graph)
    rows = analysis.rows.set_index("row_id")
    known = (
        set(rows.index)
        | set(analysis.links["evidence_id"])
        | {node for node in labels if node.split(":", 1)[0] in _ITEM_KINDS}
    )
    found = {typed: resolve_id(typed, known) for typed in args.node}
    missing = [typed for typed, hit in found.items() if hit.node is None]
    for typed in missing:
        print(
            "workbench evidence: "
            + render_not_found(
                typed, found[typed].suggestions, "3.3, S3, guideline:3.3, ref:morrison2019a"
            ),
            file=sys.stderr,
        )
    if missing:
        return 1
    width = shutil.get_terminal_size((80, 24)).columns
    texts = []
    # every hit has a node by now (a missing one returned above); the filter tells mypy so
    for node in dict.fromkeys(hit.node for hit in found.values() if hit.node is not None):
        if node in rows.index:
            entries = row_evidence(
                analysis.links, analysis.evidence, analysis.topics, node, CHANNELS
            )
            texts.append(
                render_row_evidence(
                    {"row_id": node, **rows.loc[node].to_dict()},
                    entries,
                    CHANNELS,
                    CHANNEL_LABELS,
                    width,
                )
            )
        else:
            entries, inherited = item_rows(
                analysis.links, analysis.evidence, analysis.topics, node, CHANNELS
            )
            cited = analysis.links.loc[analysis.links["evidence_id"] == node, "citation"]
            citation = labels.get(node) or (str(cited.iloc[0]) if len(cited) else "")
            texts.append(
                render_item_rows(node, citation, entries, inherited, rows["text"].to_dict(), width)
            )
    print(("\n" + "=" * min(width, 80) + "\n\n").join(texts), end="")
    return 0


#: Kinds of graph node that ``evidence`` looks up besides the map's rows (an item no row
#: links, such as a reference never cited, is answered with "no standard rests on it").
_ITEM_KINDS = ("ref", "unlisted", "roundtable", "consultation", "programme", "framework_item")


def _cmd_diff(args: argparse.Namespace) -> int:
    from workbench.diff import DiffError, check_out, diff_folders, write_diff
    from workbench.render.diff import render_terminal

    old, new = Path(args.old), Path(args.new)
    try:
        if args.out is not None:
            check_out(Path(args.out), (old, new))
        changes = diff_folders(old, new)
    except DiffError as err:
        _print_problems(err.problems, "workbench diff: nothing compared")
        return 1
    except CorpusError as err:
        _print_problems(
            err.problems,
            f"workbench diff: {_problems(len(err.problems))} in a corpus root; nothing compared",
        )
        return 1
    width = shutil.get_terminal_size((80, 24)).columns
    print(render_terminal(changes, args.old, args.new, width), end="")
    if args.out is not None:
        written = write_diff(changes, Path(args.out), args.old, args.new, (old, new))
        print(f"wrote {' and '.join(p.name for p in written)} into {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser; its help text is this module's docstring."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of an unexpected error"
    )
    parser.add_argument("--version", action=_Version, help="print the workbench's version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", default=".", help="corpus root (default: current folder)")
        sub.set_defaults(func=func)
        return sub

    command("validate", "check every file of the corpus and report each problem", _cmd_validate)
    build_cmd = command("build", "validate, then regenerate every artefact", _cmd_build)
    build_cmd.add_argument(
        "--out",
        default="build",
        help="output folder (default: build/); only a folder a build made, "
        "or an empty or missing one, is replaced",
    )
    build_cmd.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes to use (default: one per core, at most 2)",
    )
    build_cmd.add_argument(
        "--no-cache",
        action="store_true",
        help="draw every figure and compute every suggestion afresh "
        "instead of reusing unchanged ones from OUT/.cache (the output "
        "is the same either way)",
    )
    shown = build_cmd.add_mutually_exclusive_group()
    shown.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print nothing but problems and warnings: no progress lines and no closing summary",
    )
    shown.add_argument(
        "--progress",
        action="store_true",
        help="print a progress line per stage on standard error even when it "
        "is not a terminal (as it is by default on a terminal)",
    )
    tidy_cmd = command(
        "tidy",
        "rewrite spreadsheet-saved CSVs (BOM, CRLF or CR line ends, "
        "another encoding) in canonical form, each atomically",
        _cmd_tidy,
    )
    tidy_cmd.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="only these CSVs of the corpus (default: every declared CSV)",
    )
    tidy_cmd.add_argument(
        "--from-encoding",
        default=None,
        metavar="ENCODING",
        help="the encoding of files that are not valid UTF-8 (e.g. cp1252); "
        "a valid UTF-8 file is never re-decoded unless named as a FILE",
    )
    suggest = command(
        "suggest-crosswalk",
        "write candidate crosswalk rows (TF-IDF cosine) and "
        "report their precision and recall at k against the curated rows",
        _cmd_suggest_crosswalk,
    )
    suggest.add_argument(
        "--framework",
        action="append",
        metavar="ID",
        help="framework id to suggest for (repeatable; default: every reviewed framework)",
    )
    suggest.add_argument(
        "--k", type=_positive_int, default=3, help="candidates per guideline (default: 3)"
    )
    suggest.add_argument(
        "--show",
        type=_non_negative_int,
        default=10,
        metavar="N",
        help="print the best N candidates, by score (default: 10; 0 prints none)",
    )
    suggest.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="CSV to write, outside corpus/ (default: standard output, "
        "with the metrics on standard error); an existing file is "
        "replaced only if suggest-crosswalk wrote it",
    )
    synth = command(
        "synth",
        "write a synthetic corpus root N times the size of --root (renamed copies; for benchmarks)",
        _cmd_synth,
    )
    synth.add_argument(
        "--scale",
        type=_positive_int,
        required=True,
        metavar="N",
        help="how many copies of the corpus the synthetic root holds",
    )
    synth.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder to write; only a folder synth made, or an empty or missing one, is replaced",
    )
    evidence = command(
        "evidence",
        "print the evidence the gap map links to a standard or "
        "guideline, channel by channel, with where each item stands; or the "
        "standards and guidelines that rest on an item",
        _cmd_evidence,
    )
    evidence.add_argument(
        "node",
        nargs="+",
        metavar="ID",
        help="one or more ids: 3.3 or guideline:3.3, 3 or S3 or standard:3, "
        "ref:morrison2019a (or morrison2019a), roundtable:8, "
        "framework_item:csaap:1",
    )
    diff = commands.add_parser(
        "diff",
        help="what changed between two builds (or two corpus roots)",
        description="Report what changed from OLD to NEW: gap-map cells whose status or "
        "evidence count changed (with the evidence added to or removed from them), crosswalk "
        "rows added, removed or changed, and citation-audit changes. OLD and NEW are "
        "folders that workbench build wrote, or corpus roots (each built first into a "
        "temporary folder; the roots are never written to).",
    )
    diff.add_argument("old", metavar="OLD", help="the earlier build folder or corpus root")
    diff.add_argument("new", metavar="NEW", help="the later build folder or corpus root")
    diff.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="also write diff.md and diff.csv into DIR (a new or empty folder, "
        "or one an earlier diff wrote; never inside a corpus)",
    )
    diff.set_defaults(func=_cmd_diff)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a whole number of 0 or more")
    return value


class _Version(argparse.Action):
    """``--version``: print the version from the package metadata (read only when asked)."""

    def __init__(
        self,
        option_strings: list[str],
        dest: str = argparse.SUPPRESS,
        default: str = argparse.SUPPRESS,
        help: str | None = None,
    ) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"workbench {workbench_version()}")
        parser.exit()


class _Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM, raised in the main thread so that the command cleans up."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _stop(number: int, frame: object) -> None:
    for each in _STOP_SIGNALS:  # a second Ctrl-C must not interrupt the cleanup
        signal.signal(each, signal.SIG_IGN)
    raise _Stopped(number)


def _interrupted_line(args: argparse.Namespace, err: KeyboardInterrupt) -> tuple[str, int]:
    """Return the line saying a command was stopped by a signal, and its exit code."""
    number = getattr(err, "number", signal.SIGINT)
    what = "interrupted" if number == signal.SIGINT else "terminated (SIGTERM)"
    out = getattr(args, "out", None)
    if args.command in ("build", "synth"):
        if getattr(err, "out_replaced", False):
            what += f" just after {out} was replaced by the new output, which is complete"
        else:
            what += f"; {out} was left as it was"
    return f"workbench {args.command}: {what}", 128 + number


def _quiet_closed_pipe() -> None:
    """Point standard output and error at /dev/null: the reader closed the pipe (``| head``),
    and the interpreter must not fail flushing into it on exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a real file (captured in tests)
            pass
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    The command runs with :data:`BATCH_GC_THRESHOLDS` (the caller's thresholds are restored
    after it). Run as the program (``argv`` not given), it also freezes what it made before
    returning, so that the interpreter's last collection on exit passes over none of it.
    """
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        handlers = {number: signal.signal(number, _stop) for number in _STOP_SIGNALS}
    stopped = False
    thresholds = gc.get_threshold()
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return _run(args)
    except KeyboardInterrupt:  # while parsing: nothing was done
        stopped = True
        return 130
    finally:
        gc.set_threshold(*thresholds)
        if argv is None:
            gc.freeze()
        if not stopped and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            for number, handler in handlers.items():
                signal.signal(number, handler)


def _run(args: argparse.Namespace) -> int:
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_closed_pipe()
        return 0
    except CorpusError as err:
        _print_problems(
            err.problems, f"{_problems(len(err.problems))} found in {_corpus_at(args.root)}"
        )
        return 1
    except OutputRefused as err:
        print(f"workbench {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        line, code = _interrupted_line(args, err)
        try:
            print(line, file=sys.stderr)
        except OSError:
            pass
        return code
    except Exception as err:  # the last line of defence: no traceback reaches the user
        if args.debug:
            raise
        print(
            f"workbench {args.command}: unexpected error: {type(err).__name__}: {err} "
            "(run again with --debug for the full traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
