"""Where commands may write: the output guard, the lock, and the atomic swap of a folder.

A user's files are never replaced by an output. Every command that writes asks this module
first, before it does any work:

- :func:`check_folder` allows a folder output (``build --out``, ``synth --out``,
  ``diff --out``) only when it is missing, empty, or was made by the same command (it holds
  the marker :data:`MARKER`). It refuses the corpus root, anything in ``corpus/``, any
  folder holding the root, ``.``, ``..``, ``/``, a file, a symbolic link and any other
  non-empty folder; for a command comparing folders (``diff``), also anything inside one of
  them or inside any corpus root.
- :func:`check_file` allows a file output (``suggest-crosswalk --out``) only outside the
  corpus, and replaces an existing file only when its first line shows the same command
  wrote it.
- :func:`replacing_folder` writes a folder output: it locks ``OUT`` (a second writer of the
  same ``OUT`` fails at once), repairs what an interrupted earlier run left (a crash between
  the two renames of a swap, staging folders of killed runs), lets the caller fill a staging
  folder beside ``OUT`` and swaps it into place with two renames only when the caller
  succeeded. A failure or an interruption leaves ``OUT`` as it was.
- :func:`write_file` writes a file atomically (a temporary file in the same folder, then a
  rename).

Refusals are :class:`OutputRefused` errors whose message is the one line to print.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from workbench import __version__

#: The file a command leaves in every folder it makes (the output, its staging folder and
#: the folder retiring the previous output): JSON naming the command, the workbench version
#: and what the folder is (``state``). Only a folder holding it is ever replaced or removed.
MARKER = ".workbench-build.json"
#: The makers a marker names: the commands that write a whole folder.
BUILD, SYNTH, DIFF = "workbench build", "workbench synth", "workbench diff"
#: The corpus folder and the bibliography of a root (as ``workbench.corpus`` names them;
#: repeated here so that the guard costs no import of pandas).
CORPUS_FOLDER = "corpus"
BIBLIOGRAPHY_FILE = "references.bib"
#: Signals that end a command cleanly (exit 128 + the signal's number).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

#: The states a marker records: a staging folder being filled, a finished output (or a
#: staging folder ready to be swapped in), and a folder holding the output it replaced.
STAGING, COMPLETE, RETIRED = "staging", "complete", "retired"


class OutputRefused(Exception):
    """An output the command must not write; the message is the one line to print."""


class OutputBusy(OutputRefused):
    """Another process holds the lock on the same output folder."""


def workbench_version() -> str:
    """Return the installed workbench's version (from the package metadata)."""
    from importlib.metadata import PackageNotFoundError, version  # ~60 ms before pandas

    try:
        return version("workbench")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return __version__


# --------------------------------------------------------------------------------------
# The guard
# --------------------------------------------------------------------------------------


def read_marker(folder: Path) -> dict | None:
    """Return the marker of ``folder`` (a dict), or ``None`` when it has none or a bad one.

    A marker that is a symbolic link, not a regular file or not a JSON object does not count.
    """
    path = Path(folder) / MARKER
    try:
        if not path.is_file() or path.is_symlink():
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and isinstance(value.get("made_by"), str) else None


def check_folder(
    out: Path | str, root: Path | str | None, made_by: str, *, compared: Sequence[Path | str] = ()
) -> None:
    """Refuse ``out`` as a folder output of the command ``made_by`` unless it is safe.

    Safe means missing (its nearest existing ancestor a folder), an empty folder, or a
    folder holding the marker of a previous run of the same command. It costs a few system
    calls and one read of a small file: the corpus is not read. This is the one definition
    of a writable folder output: every command writing a folder asks it.

    Args:
        out: the output folder as the user gave it.
        root: the corpus root of the command (``None``: a command without one).
        made_by: the command writing it (``"workbench build"``), as its marker records it.
        compared: the folders a command reads to compare them (``diff``'s OLD and NEW):
            ``out`` may be neither inside one of them nor inside any corpus root.

    Raises:
        OutputRefused: with the one line to print, saying what was refused, why and what
            to do instead.
    """
    shown, where = _common_checks(out, root, FOLDER_ADVICE)
    for folder in compared:
        if where.is_relative_to(Path(folder).resolve()):
            raise OutputRefused(
                f"--out {shown} is inside {folder}, one of the folders "
                "compared; nothing was written: choose --out outside both"
            )
    if compared:
        for parent in (where, *where.parents):
            if (parent / CORPUS_FOLDER / "datapackage.json").is_file():
                raise OutputRefused(
                    f"--out {shown} is inside the corpus root {parent}; "
                    "nothing was written: choose --out outside any corpus"
                )
    if where.exists() and not where.is_dir():
        raise OutputRefused(
            f"--out {shown} is a file, not a folder; nothing was written: {FOLDER_ADVICE}"
        )
    if where.is_dir():
        marker = read_marker(where)
        if marker is not None and marker["made_by"] != made_by:
            raise OutputRefused(
                f"--out {shown} was made by {marker['made_by']}, not "
                f"{made_by}; nothing was written: {FOLDER_ADVICE}"
            )
        with os.scandir(where) as entries:
            empty = next(entries, None) is None
        if marker is None and not empty:
            raise OutputRefused(
                f"--out {shown} is a non-empty folder that {made_by} did not make (it has no "
                f"{MARKER}); nothing was written: choose another folder, or delete it "
                "yourself if it is the output of an older workbench (those left no marker)"
            )


def check_file(out: Path | str, root: Path | str, made_by: str, first_line: str) -> None:
    """Refuse ``out`` as a file output of ``made_by`` unless it is safe to write.

    Safe means outside the corpus, in an existing folder, and either missing or a regular
    file whose first line is ``first_line`` (the header the command writes), that is, one the
    command wrote before.

    Raises:
        OutputRefused: with the one line to print.
    """
    shown, where = _common_checks(out, root, FILE_ADVICE)
    if where.is_dir():
        raise OutputRefused(
            f"--out {shown} is a folder; nothing was written: give a file "
            "name, e.g. --out suggestions.csv"
        )
    if not where.parent.is_dir():
        raise OutputRefused(
            f"--out {shown} is in a folder that does not exist; nothing was "
            f"written: create {where.parent} first, or {FILE_ADVICE}"
        )
    if where.exists():
        if not where.is_file():
            raise OutputRefused(
                f"--out {shown} is not a regular file; nothing was written: {FILE_ADVICE}"
            )
        with open(where, "rb") as handle:
            line = handle.readline(len(first_line.encode()) + 2)
        if line.rstrip(b"\r\n") != first_line.encode():
            raise OutputRefused(
                f"--out {shown} exists and is not a file {made_by} wrote (its first line "
                "differs); nothing was written: choose another name, delete it yourself, or "
                "omit --out to print to standard output"
            )


#: What to do instead, said by a refusal of a folder output and of a file output.
FOLDER_ADVICE = "choose a folder of its own, e.g. --out build"
FILE_ADVICE = "omit --out to print to standard output, or choose a file outside the corpus"


def _common_checks(out: Path | str, root: Path | str | None, advice: str) -> tuple[str, Path]:
    """Refuse what no output may be; return how the user wrote ``out`` and its real path."""
    shown = os.fspath(out)

    def refuse(reason: str) -> OutputRefused:
        return OutputRefused(f"--out {shown} {reason}; nothing was written: {advice}")

    stripped = shown.rstrip("/")
    if shown and not stripped:
        raise refuse("is the filesystem root")
    last = os.path.basename(stripped)
    if last in ("", "."):
        raise refuse("names the current folder")
    if last == "..":
        raise refuse("names a parent folder")
    if os.path.islink(stripped):
        raise refuse(f"is a symbolic link to {os.readlink(stripped)} (the link is not followed)")
    where = Path(stripped).resolve()
    if root is not None:
        _root_checks(where, root, refuse)
    if Path.cwd().resolve().is_relative_to(where):
        raise refuse("holds the current folder")
    ancestor = where.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise refuse(f"is under {ancestor}, which is a file, not a folder")
    return shown, where


def _root_checks(where: Path, root: Path | str, refuse: Callable[[str], OutputRefused]) -> None:
    """Refuse an output that is, holds or lies in the corpus of ``root``."""
    real_root = Path(root).resolve()
    corpus = real_root / CORPUS_FOLDER
    if where == real_root:
        raise refuse(
            f"is the corpus root (--root {root}); writing it would replace corpus/ "
            "and references.bib"
        )
    if real_root.is_relative_to(where):
        raise refuse(f"holds the corpus root (--root {root}); writing it would delete the corpus")
    if where == corpus:
        raise refuse(f"is the corpus folder of --root {root}; outputs never go into the corpus")
    if where.is_relative_to(corpus):
        raise refuse(
            f"is inside the corpus folder of --root {root}; outputs never go into the corpus"
        )
    if where == real_root / BIBLIOGRAPHY_FILE:
        raise refuse(f"is the bibliography of --root {root}")


# --------------------------------------------------------------------------------------
# The lock
# --------------------------------------------------------------------------------------


def lock_path(out: Path) -> Path:
    """Return the lock file of the output folder ``out`` (``.OUT.lock`` beside it)."""
    return out.parent / f".{out.name}.lock"


@contextmanager
def locked(out: Path, made_by: str) -> Iterator[None]:
    """Hold an exclusive lock on the output folder ``out`` for the duration of the block.

    The lock is an ``flock`` on ``.OUT.lock`` beside ``OUT``, which holds the pid of its
    holder and is removed when the block ends. A second process asking for the same lock
    fails at once rather than waiting: two runs writing one folder are a mistake to report,
    not a queue. The kernel releases the lock of a process that dies, so a killed run never
    blocks the next one.

    Raises:
        OutputBusy: when another process holds the lock.
        OutputRefused: when the lock file cannot be made (the folder is read-only, or the
            lock file is a symbolic link).
    """
    path = lock_path(out)
    fd: int | None = None
    try:
        # a stop that comes while the lock file is made takes effect once it is ours to remove
        with signals_held():
            fd = _take_lock(path, out, made_by)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        if fd is not None:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            os.close(fd)


def _take_lock(path: Path, out: Path, made_by: str) -> int:
    """Open (making it if need be) and lock the lock file ``path`` of ``out``; return its
    descriptor. See :func:`locked`."""
    import fcntl  # POSIX only: imported where the lock is taken

    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as err:
            raise OutputRefused(
                f"cannot make the lock file {path} ({err.strerror}); nothing was written"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise OutputBusy(
                f"another {made_by} is writing {out} (it holds {path}"
                + (f", process {holder}" if holder.isdigit() else "")
                + "); nothing was written: wait for it to finish, or choose another --out"
            ) from None
        # The holder we waited for may have removed the file before releasing it: the lock
        # counts only on the file that is still at the path.
        held = os.fstat(fd)
        try:
            current = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)


# --------------------------------------------------------------------------------------
# Staging, the swap, recovery
# --------------------------------------------------------------------------------------


@dataclass
class Staging:
    """The folder a command fills before it replaces ``out``.

    Attributes:
        path: the staging folder (``.OUT.XXXXXXXX.tmp`` beside ``OUT``).
        out: the output folder it will replace.
        marker: what the output's marker records; the command may add to it (a
            fingerprint) before the block ends.
        notes: what was repaired of earlier, interrupted runs (one line each, printed).
        replaced: whether ``out`` now holds the new folder.
    """

    path: Path
    out: Path
    marker: dict
    notes: list[str] = field(default_factory=list)
    replaced: bool = False


@contextmanager
def replacing_folder(
    out: Path | str, root: Path | str | None, made_by: str, *, compared: Sequence[Path | str] = ()
) -> Iterator[Staging]:
    """Guard, lock and stage ``out``; swap the staging folder into place when the block ends.

    On entry: :func:`check_folder` (nothing is touched when it refuses), the lock, the
    repair of what interrupted runs of the same output left, and a staging folder beside
    ``out`` with a marker (each repair is printed on standard error, prefixed with
    ``made_by``). When the block ends normally, the marker is completed and the
    staging folder replaces ``out`` (two renames, with SIGINT and SIGTERM held back until
    both are done); when it raises, the staging folder is removed and ``out`` is as it was.

    Raises:
        OutputRefused: as :func:`check_folder` and :func:`locked`.
    """
    check_folder(out, root, made_by, compared=compared)
    out = Path(os.path.abspath(os.fspath(out).rstrip("/")))
    made = [folder for folder in (out.parent, *out.parent.parents) if not folder.exists()]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _replacing(out, root, made_by, compared) as stage:
            yield stage
    except BaseException:
        for folder in made:  # the folders made for the output, deepest first, if still empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


@contextmanager
def _replacing(
    out: Path, root: Path | str | None, made_by: str, compared: Sequence[Path | str]
) -> Iterator[Staging]:
    """The lock, the repair, the staging folder and the swap of :func:`replacing_folder`."""
    with locked(out, made_by):
        notes = recover(out, made_by)
        for note in notes:  # a repair of the user's folder is always said, as it is made
            print(f"{made_by}: {note}", file=sys.stderr)
        # a restored output is checked like any other
        check_folder(out, root, made_by, compared=compared)
        marker = {"made_by": made_by, "version": workbench_version()}
        staging: Path | None = None
        try:
            # a stop that comes while the folder is made takes effect once it is known here
            with signals_held():
                staging = Path(
                    tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
                )
            _write_marker(staging, {**marker, "state": STAGING, "out": out.name})
            stage = Staging(staging, out, marker, notes)
            yield stage
            _write_marker(staging, {**stage.marker, "state": COMPLETE})
            os.chmod(staging, 0o777 & ~_umask())
            _swap_into_place(stage)
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)  # gone already once swapped in
            raise


def _swap_into_place(stage: Staging) -> None:
    """Replace ``stage.out`` by ``stage.path`` with two renames, signals held back between.

    The previous output moves into ``.OUT.XXXXXXXX.old`` (same token as the staging folder,
    with a marker), the staging folder takes its name, and the old folder is removed. A
    crash between the renames is repaired by :func:`recover` on the next run. A SIGINT or
    SIGTERM that comes during the swap takes effect once it is done; the exception it raises
    then carries ``out_replaced = True``.
    """
    staging, out = stage.path, stage.out
    token = staging.name[len(out.name) + 2 : -len(".tmp")]
    retired = out.parent / f".{out.name}.{token}.old"
    try:
        with signals_held():
            if out.exists():
                os.mkdir(retired)
                _write_marker(
                    retired, {"made_by": stage.marker["made_by"], "state": RETIRED, "out": out.name}
                )
                os.rename(out, retired / out.name)
                try:
                    os.rename(staging, out)
                except BaseException:
                    os.rename(retired / out.name, out)
                    raise
            else:
                os.rename(staging, out)
            stage.replaced = True
        # the previous output goes last: a stop while it is removed finds ``out`` replaced
        _remove_retired(retired, out.name)
    except BaseException as err:
        err.out_replaced = stage.replaced  # type: ignore[attr-defined]
        if stage.replaced:
            # what a second stop interrupts here is left marked, for the next run to remove
            with contextlib.suppress(BaseException):
                _remove_retired(retired, out.name)
        raise


def _remove_retired(retired: Path, name: str) -> None:
    """Remove the previous output moved aside by the swap: its files first and its marker
    last, so that a run stopped midway leaves a folder :func:`recover` knows and removes."""
    shutil.rmtree(retired / name, ignore_errors=True)
    shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def signals_held() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM are recorded rather than handled; when it ends,
    the handlers are restored and called for what came.

    Masking the signals would not do: the kernel hands a signal to any thread that does not
    block it (numpy's BLAS threads, for one), and Python then runs the handler in the main
    thread at once. Outside the main thread, where handlers cannot be set, it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    saved = {
        number: signal.signal(number, lambda number, _frame: came.append(number))
        for number in STOP_SIGNALS
    }
    try:
        yield
    finally:
        for stop, handler in saved.items():
            signal.signal(stop, handler if handler is not None else signal.SIG_DFL)
        for number in dict.fromkeys(came):
            handler = saved[signal.Signals(number)]
            if callable(handler):
                handler(number, None)
            elif handler != signal.SIG_IGN:
                signal.raise_signal(number)


def recover(out: Path, made_by: str) -> list[str]:
    """Repair what interrupted runs of ``made_by`` writing ``out`` left beside it.

    A run killed between the two renames of its swap left no ``OUT``, the previous output in
    ``.OUT.XXXXXXXX.old/OUT`` and, maybe, its finished staging folder ``.OUT.XXXXXXXX.tmp``:
    the swap is completed when that folder is finished, else the previous output restored.
    Then every ``.OUT.XXXXXXXX.tmp`` and ``.OUT.XXXXXXXX.old`` folder left by killed runs is
    removed, but only those whose name follows this module's pattern and whose marker says
    this command made them for ``OUT``: anything else is left alone. Call it holding the lock.

    Returns:
        One line per repair, to print.
    """
    pattern = re.compile(rf"\.{re.escape(out.name)}\.([a-z0-9_]{{8}})\.(tmp|old)")
    found: dict[str, dict[str, Path]] = {"tmp": {}, "old": {}}
    with os.scandir(out.parent) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if not match or not entry.is_dir(follow_symlinks=False):
                continue
            marker = read_marker(Path(entry.path))
            states = (STAGING, COMPLETE) if match[2] == "tmp" else (RETIRED,)
            if (
                marker is not None
                and marker["made_by"] == made_by
                and marker.get("state") in states
                and marker.get("out", out.name) == out.name
            ):
                found[match[2]][match[1]] = Path(entry.path)
    notes = []
    if not os.path.lexists(out):
        for token, retired in sorted(found["old"].items()):
            previous = retired / out.name
            if not previous.is_dir() or previous.is_symlink():
                continue
            finished = found["tmp"].get(token)
            if finished is not None and (read_marker(finished) or {}).get("state") == COMPLETE:
                os.rename(finished, out)
                del found["tmp"][token]
                notes.append(
                    f"an earlier run was interrupted while replacing {out}; "
                    "completed its replacement with its finished output"
                )
            else:
                os.rename(previous, out)
                notes.append(
                    f"an earlier run was interrupted while replacing {out}; "
                    "restored the previous output"
                )
            break
    leftovers = sorted(found["tmp"].values()) + sorted(found["old"].values())
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    if leftovers:
        notes.append(
            f"removed {len(leftovers)} folder(s) left beside {out} by interrupted "
            f"runs: {', '.join(p.name for p in leftovers)}"
        )
    return notes


def _write_marker(folder: Path, marker: dict) -> None:
    """Write ``folder``'s marker atomically (a temporary file, then a rename)."""
    text = json.dumps(marker, indent=2, sort_keys=True) + "\n"
    temporary = folder / (MARKER + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / MARKER)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def write_file(path: Path | str, write: Callable[[Path], None]) -> None:
    """Write ``path`` atomically: ``write`` fills a temporary file beside it, then a rename.

    A failure (or an interruption) leaves ``path`` as it was and removes the temporary file.
    """
    path = Path(path)
    temporary: Path | None = None
    try:
        with signals_held():  # a stop while the file is made takes effect once it is known
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temporary = Path(name)
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
