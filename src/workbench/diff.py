"""What changed between two builds: ``workbench diff OLD NEW``.

A reviewer who edits the corpus wants to know what the edit did: which gap-map cells changed
status or evidence count (and which evidence or crosswalk mapping made the difference), which
crosswalk rows
were added, removed or changed, and what happened in the citation audit. ``diff`` compares
two build folders (or two corpus roots, each built first into a temporary folder) table by
table. Every table is compared generically by its key columns, declared once in
:data:`DIFF_TABLES`; columns one build has and the other lacks are left out of the
comparison (and named), so a build that gains a column still compares.

Layers: :func:`read_side` reads (and :func:`build_side` builds) a side, :func:`compare` is
pure (frames in, a frame of changes out), ``workbench.render.diff`` renders it, and
:func:`write_diff` writes the Markdown and CSV atomically into a folder of its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.corpus import CORPUS_DIR, write_table
from workbench.diff_tables import CHANGE_COLUMNS, DIFF_NODES, DIFF_TABLES, EVIDENCE, KeyedTable
from workbench.outputs import DIFF, check_folder, replacing_folder
from workbench.problems import Problem
from workbench.render.diff import render_markdown

#: The files ``diff --out`` writes.
OUTPUTS = ("diff.md", "diff.csv")


class DiffError(Exception):
    """Raised when an input or the output folder cannot be used; carries the problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Side:
    """One side of a diff: its label and the tables read from its build folder."""

    label: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def is_build(folder: Path) -> bool:
    """Return whether ``folder`` looks like the output of ``workbench build``."""
    return (folder / "index.html").is_file() and (folder / DIFF_TABLES[0].file).is_file()


def is_corpus_root(folder: Path) -> bool:
    """Return whether ``folder`` is a corpus root (holds ``corpus/datapackage.json``)."""
    return (folder / CORPUS_DIR / "datapackage.json").is_file()


def check_input(folder: Path, which: str) -> None:
    """Raise :class:`DiffError` unless ``folder`` is a build folder or a corpus root."""
    if not folder.exists():
        raise DiffError(
            [
                Problem(
                    str(folder),
                    None,
                    None,
                    f"{which} does not exist; give a folder `workbench build` "
                    "wrote, or a corpus root",
                )
            ]
        )
    if not folder.is_dir():
        raise DiffError(
            [
                Problem(
                    str(folder),
                    None,
                    None,
                    f"{which} is a file, not a folder; give a build folder or a corpus root",
                )
            ]
        )
    if not (is_build(folder) or is_corpus_root(folder)):
        raise DiffError(
            [
                Problem(
                    str(folder),
                    None,
                    None,
                    f"{which} is neither a build folder (no index.html and "
                    f"{DIFF_TABLES[0].file}) nor a corpus root (no {CORPUS_DIR}/"
                    "datapackage.json); give what `workbench build` wrote, or the "
                    "folder holding corpus/",
                )
            ]
        )


def read_side(folder: Path, label: str) -> Side:
    """Read the compared tables of a build folder, every value as text.

    Raises:
        DiffError: a compared table is missing or lacks a key column.
    """
    side = Side(label)
    problems = []
    for table in (*DIFF_TABLES, EVIDENCE):
        path = folder / table.file
        if not path.is_file():
            if table is not EVIDENCE:  # builds made before gap_evidence.csv lack it
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        "file is missing; rebuild the folder with `workbench build`",
                    )
                )
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in table.key if c not in frame.columns]
        for column in missing:
            problems.append(
                Problem(
                    str(path),
                    1,
                    column,
                    "key column is missing; the file "
                    "is not one `workbench build` wrote, rebuild it",
                )
            )
        if not missing:
            side.tables[table.file] = frame
    if problems:
        raise DiffError(problems)
    return side


@contextmanager
def build_side(folder: Path) -> Iterator[Path]:
    """Yield a build folder for ``folder``: itself, or a temporary build of a corpus root.

    A corpus root is built into a temporary folder (never into the root), removed after,
    and only for the artefacts that hold the compared tables (:data:`DIFF_NODES`): no
    figure, workbook or suggestion is made to be thrown away.
    """
    if is_build(folder):
        yield folder
        return
    from workbench.build import build  # defers hamilton: two build folders need no build

    with tempfile.TemporaryDirectory(prefix="workbench-diff-") as temp:
        out = Path(temp) / "build"
        build(folder, out, DIFF_NODES)
        yield out


def _keyed(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """Index ``frame`` by its key, a repeated key told apart by its occurrence (``#2``)."""
    labels = [" / ".join(values) for values in zip(*(frame[c] for c in key), strict=True)]
    occurrence = pd.Series(labels).groupby(labels).cumcount()
    labels = [
        label if n == 0 else f"{label} #{n + 1}"
        for label, n in zip(labels, occurrence, strict=True)
    ]
    return frame.set_axis(labels, axis=0)


def compare(old: Side, new: Side) -> pd.DataFrame:
    """Return every change from ``old`` to ``new`` as a tidy frame (:data:`CHANGE_COLUMNS`).

    A row added or removed gives one ``added``/``removed`` line whose ``after``/``before``
    holds its compared values; a changed row gives one ``changed`` line per changed field. A
    gap-map cell whose status or evidence count changed carries in ``detail`` (once: on its
    status line when its status changed, else on its first changed count) the evidence items
    added to and removed from it (framework items are the crosswalk mappings), where both
    builds list their evidence. Columns only one side has
    are named in a ``columns`` line.
    """
    records: list[dict[str, str]] = []
    for table in DIFF_TABLES:
        before, after = old.tables[table.file], new.tables[table.file]
        shared = [c for c in before.columns if c in after.columns]
        compared = [c for c in (table.compared or shared) if c in shared and c not in table.key]
        for name, columns in (
            (old.label, set(before.columns) - set(after.columns)),
            (new.label, set(after.columns) - set(before.columns)),
        ):
            if columns:
                records.append(
                    _record(
                        table,
                        "columns",
                        "",
                        "",
                        "",
                        "",
                        f"only in {name}: {', '.join(sorted(columns))}",
                    )
                )
        b, a = _keyed(before, table.key), _keyed(after, table.key)
        for key in b.index.difference(a.index, sort=False):
            records.append(
                _record(table, "removed", key, "", _summary(b.loc[key], compared), "", "")
            )
        for key in a.index.difference(b.index, sort=False):
            records.append(_record(table, "added", key, "", "", _summary(a.loc[key], compared), ""))
        common = b.index.intersection(a.index, sort=False)
        detailed: set[str] = set()  # a cell's evidence is said once, with its first change
        for column in compared:
            differs = b.loc[common, column] != a.loc[common, column]
            for key in common[differs.to_numpy()]:
                detail = ""
                if table is DIFF_TABLES[0] and key not in detailed:
                    detail = _evidence_change(old, new, b.loc[key])
                    detailed.add(key)
                records.append(
                    _record(
                        table, "changed", key, column, b.at[key, column], a.at[key, column], detail
                    )
                )
    frame = pd.DataFrame(records, columns=list(CHANGE_COLUMNS))
    order = {t.file: i for i, t in enumerate(DIFF_TABLES)}
    changes = {"removed": 0, "added": 1, "changed": 2, "columns": 3}
    frame["_t"] = frame["table"].map(order)
    frame["_c"] = frame["change"].map(changes)
    frame["_last"] = frame["change"] == "columns"
    return (
        frame.sort_values(["_t", "_last", "key", "_c", "field"], kind="stable")
        .drop(columns=["_t", "_c", "_last"])
        .reset_index(drop=True)
    )


def _record(
    table: KeyedTable, change: str, key: str, column: str, before: str, after: str, detail: str
) -> dict[str, str]:
    return {
        "table": table.file,
        "change": change,
        "key": key,
        "field": column,
        "before": before,
        "after": after,
        "detail": detail,
    }


def _summary(row: pd.Series, columns: list[str]) -> str:
    return "; ".join(f"{c}: {row[c]}" for c in columns if row[c] != "")


def _evidence_change(old: Side, new: Side, row: pd.Series) -> str:
    """Say which evidence items entered or left a cell between ``old`` and ``new``."""
    if EVIDENCE.file not in old.tables or EVIDENCE.file not in new.tables:
        missing = old.label if EVIDENCE.file not in old.tables else new.label
        return f"evidence not compared: {missing} has no {EVIDENCE.file}"

    def items(side: Side) -> list[str]:
        frame = side.tables[EVIDENCE.file]
        cell = frame[(frame["row_id"] == row["row_id"]) & (frame["topic_id"] == row["topic_id"])]
        return list(
            dict.fromkeys(
                f"{c} {e}" for c, e in zip(cell["channel"], cell["evidence_id"], strict=True)
            )
        )

    before, after = items(old), items(new)
    parts = []
    added = [i for i in after if i not in before]
    removed = [i for i in before if i not in after]
    if added:
        parts.append("evidence added: " + ", ".join(added))
    if removed:
        parts.append("evidence removed: " + ", ".join(removed))
    return "; ".join(parts) or "the same evidence items"


def diff_folders(old: Path, new: Path) -> pd.DataFrame:
    """Return the changes from ``old`` to ``new`` (build folders or corpus roots).

    Raises:
        DiffError: an input is missing, not a build folder or corpus root, or incomplete.
        CorpusError: a corpus root does not validate.
    """
    check_input(old, "OLD")
    check_input(new, "NEW")
    with build_side(old) as old_build, build_side(new) as new_build:
        return compare(read_side(old_build, "OLD"), read_side(new_build, "NEW"))


def check_out(out: Path, inputs: tuple[Path, ...]) -> None:
    """Refuse ``out`` unless ``diff`` may write it, by the one output guard.

    :func:`workbench.outputs.check_folder`: not inside an input or any corpus root, and
    absent, empty, or a previous output of ``diff``.

    Raises:
        OutputRefused: with the one line to print.
    """
    check_folder(out, None, DIFF, compared=inputs)


def write_diff(
    changes: pd.DataFrame, out: Path, old: str, new: str, compared: tuple[Path, ...] = ()
) -> list[Path]:
    """Write ``diff.md`` and ``diff.csv`` into ``out``, atomically, and mark the folder.

    :func:`workbench.outputs.replacing_folder` guards ``out`` (``compared``: the folders
    compared), locks it, and swaps the files into place only when complete, so a failed write
    leaves ``out`` as it was.

    Returns:
        The paths written.
    """
    with replacing_folder(out, None, DIFF, compared=compared) as stage:
        (stage.path / "diff.md").write_text(
            render_markdown(changes, old, new), encoding="utf-8", newline="\n"
        )
        write_table(changes, stage.path / "diff.csv")
    return [out / name for name in OUTPUTS]
