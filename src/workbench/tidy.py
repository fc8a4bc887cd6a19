"""Rewrite corpus CSVs that a spreadsheet re-saved (byte-order mark, CRLF or CR line ends,
another encoding) in the corpus's canonical form: UTF-8 without BOM, LF line ends.

Validation rejects such files with a clear message rather than guessing; this is the one
command that repairs them, so a reviewer can edit in a spreadsheet and still keep clean diffs.
It repairs only what needs it: ``--from-encoding`` applies to files that are not valid UTF-8
(or to files named on the command line), never to a valid UTF-8 file; each file is written
atomically, so an interrupted tidy leaves every file whole.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbench.corpus import CORPUS_DIR, read_descriptor, resource_files
from workbench.outputs import signals_held
from workbench.problems import Problem


@dataclass(frozen=True)
class Repair:
    """What :func:`tidy_bytes` did to one file: its canonical text and the changes made."""

    text: str
    changes: tuple[str, ...]


def tidy_bytes(data: bytes, encoding: str | None = None, force: bool = False) -> Repair:
    """Return ``data`` as canonical text (no BOM, LF line ends) and what that changed.

    ``data`` is decoded as UTF-8 when it is valid UTF-8; otherwise (or always, when
    ``force``) from ``encoding``.

    Raises:
        UnicodeDecodeError: ``data`` is not valid UTF-8 and no ``encoding`` was given, or it
            does not decode from ``encoding``.

    Examples:
        >>> tidy_bytes(b"\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n").changes
        ('removed byte-order mark', 'CRLF → LF')
        >>> repair = tidy_bytes("caf\\u00e9\\r".encode("cp1252"), encoding="cp1252")
        >>> repair.text, repair.changes
        ('café\\n', ('decoded from cp1252', 'CR → LF'))
        >>> tidy_bytes("’".encode("utf-8"), encoding="cp1252").changes
        ()
    """
    changes = []
    # the encoding to decode from besides UTF-8; None when there is none
    fallback = encoding if encoding and codecs.lookup(encoding).name != "utf-8" else None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if fallback is None:
            raise
        text = data.decode(fallback)
        changes.append(f"decoded from {encoding}")
    else:
        if force and fallback is not None and (forced := data.decode(fallback)) != text:
            text = forced
            changes.append(f"decoded from {encoding}")
    if text.startswith("\ufeff"):
        text = text[1:]
        changes.append("removed byte-order mark")
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
        changes.append("CRLF → LF")
    if "\r" in text:
        text = text.replace("\r", "\n")
        changes.append("CR → LF")
    return Repair(text, tuple(changes))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once: a temporary file in the same folder, synced
    to disk, then renamed over it; the file keeps its permissions. A failure at any moment
    leaves either the old file or the new one, never a part of either."""
    path = Path(path)
    temporary: str | None = None
    handle: int | None = None
    try:
        with signals_held():  # a stop while the file is made takes effect once it is known
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tidy"
            )
        stream, handle = os.fdopen(handle, "wb"), None  # the stream owns the descriptor
        with stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if handle is not None:
            os.close(handle)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise


def tidy_root(
    root: Path, encoding: str | None = None, files: list[Path] | None = None
) -> tuple[list[str], list[Problem]]:
    """Rewrite the corpus CSVs of ``root`` that are not in canonical form.

    Args:
        root: the corpus root.
        encoding: the encoding of files that are not valid UTF-8 (``None``: such files are
            reported, not rewritten).
        files: rewrite only these (paths to declared CSVs of ``root``), decoding each from
            ``encoding`` even when it is valid UTF-8; ``None``: every declared CSV.

    Returns:
        One line per file rewritten (``corpus/x.csv: removed byte-order mark; CRLF → LF``)
        and the problems that stopped a file from being rewritten: a resource path outside
        ``corpus/``, a file named that is not a declared CSV, a file that does not decode.
    """
    root = Path(root)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            return [], [
                Problem(
                    "--from-encoding",
                    None,
                    None,
                    (f"{encoding!r} is not an encoding Python knows; use e.g. cp1252 or latin-1"),
                )
            ]
    descriptor, problems = read_descriptor(root)
    if descriptor is None:
        return [], problems
    declared, path_problems = resource_files(root, descriptor)
    problems.extend(path_problems)
    targets = list(declared.values())
    if files is not None:
        by_real = {path.resolve(): (file, path) for file, path in declared.items()}
        targets = []
        for named in files:
            found = by_real.get(Path(named).resolve())
            if found is None:
                problems.append(
                    Problem(
                        str(named),
                        None,
                        None,
                        (
                            f"not a table of {root / CORPUS_DIR / 'datapackage.json'}; tidy only "
                            "rewrites the CSVs the corpus declares"
                        ),
                    )
                )
            else:
                targets.append(found[1])
    names = {path: file for file, path in declared.items()}
    report = []
    for path in targets:
        file = names[path]
        if not path.is_file():
            continue
        data = path.read_bytes()
        try:
            repair = tidy_bytes(data, encoding, force=files is not None)
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            used = encoding if err.encoding != "utf-8" else "UTF-8"
            problems.append(
                Problem(
                    file,
                    line,
                    None,
                    (
                        f"does not decode as {used} (byte 0x{data[err.start]:02x}); name the "
                        f"encoding "
                        f"it was saved in, e.g. `workbench tidy {file} --from-encoding cp1252`"
                    ),
                )
            )
            continue
        if repair.changes:
            write_atomically(path, repair.text.encode("utf-8"))
            report.append(f"{file}: {'; '.join(repair.changes)}")
    return report, problems
