"""Rewrite corpus CSVs that a spreadsheet re-saved (byte-order mark, CRLF line ends, another
encoding) in the corpus's canonical form: UTF-8 without BOM, LF line ends.

Validation rejects such files with a clear message rather than guessing; this is the one
command that repairs them, so a reviewer can edit in a spreadsheet and still keep clean diffs.
"""

from __future__ import annotations

from pathlib import Path

from workbench.corpus import CORPUS_DIR, read_descriptor
from workbench.problems import Problem


def tidy_text(data: bytes, encoding: str = "utf-8") -> str:
    """Return ``data`` decoded from ``encoding`` without BOM and with LF line ends.

    Examples:
        >>> tidy_text(b"\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n")
        'a,b\\n1,2\\n'
        >>> tidy_text("caf\\u00e9\\n".encode("latin-1"), encoding="latin-1")
        'café\\n'
    """
    text = data.decode(encoding).removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tidy_root(root: Path, encoding: str = "utf-8") -> tuple[list[Path], list[Problem]]:
    """Rewrite every corpus CSV of ``root`` that is not in canonical form.

    Returns:
        The files rewritten and the problems that stopped a file from being rewritten
        (a file that does not decode from ``encoding`` is left as it is).
    """
    descriptor, problems = read_descriptor(root)
    if descriptor is None:
        return [], problems
    changed: list[Path] = []
    for resource in descriptor["resources"]:
        path = Path(root) / CORPUS_DIR / resource["path"]
        if not path.exists():
            continue
        data = path.read_bytes()
        try:
            text = tidy_text(data, encoding)
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            problems.append(Problem(f"{CORPUS_DIR}/{resource['path']}", line, None,
                                    f"does not decode as {encoding}; if the file was saved in "
                                    "another encoding, pass it with --from-encoding (e.g. cp1252)"))
            continue
        if text.encode("utf-8") != data:
            path.write_text(text, encoding="utf-8", newline="")
            changed.append(path)
    return changed, problems
