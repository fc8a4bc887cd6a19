"""What a build reuses: results shared by its writers, and files kept from the previous build.

Two kinds of reuse, both scoped to ``workbench.build.build``; outside a build (tests,
notebooks, the other commands) every function computes afresh.

**Within a build** — :func:`shared` computes a derived result of the corpus (the citation
audit, the evidence graph, the topic codes) once and hands the same result to every writer
that needs it, instead of each writer computing its own.

**Between builds** — :func:`cached_files` keeps costly files (figures, the crosswalk
suggestions, the graph's exports, the gap map...) under a key: the SHA-256 of the exact
inputs they are made from (data, or the files of the tables a writer reads, see
:func:`corpus_inputs`), of the name of what makes them, and of the workbench's own code and
the versions of the libraries that shape their bytes. A build reads the previous output's
``.cache/`` folder and writes every key it uses into the new output's ``.cache/``, so the
cache holds what the current output needs and nothing more, is swapped in with the output,
and a failed build leaves it as it was. A file whose key is found is copied instead of being
made again; since the key covers everything the file depends on, the copy is byte-identical
to what making it would write.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

#: The folder, inside a build's output, that holds the kept files.
CACHE_DIR = ".cache"
#: Libraries whose version can change the bytes of a kept file.
LIBRARIES = ("numpy", "pandas", "matplotlib", "pillow", "scikit-learn", "scipy",
             "snowballstemmer", "networkx", "bibtexparser", "pylatexenc", "rapidfuzz", "rispy",
             "openpyxl")

T = TypeVar("T")


# --------------------------------------------------------------------------------------
# Within a build: derived results computed once
# --------------------------------------------------------------------------------------

_shared: ContextVar[dict[tuple[int, str], Any] | None] = ContextVar("workbench_shared",
                                                                   default=None)


@contextmanager
def sharing() -> Iterator[None]:
    """Within the block, :func:`shared` computes each derived result of a corpus once."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(corpus: Any, compute: Callable[[Any], T]) -> T:
    """Return ``compute(corpus)``, computed once per corpus within a :func:`sharing` block.

    Outside such a block it simply calls ``compute``. Writers read the result and never change
    it (a shared networkx graph is frozen, so a change raises).
    """
    results = _shared.get()
    if results is None:
        return compute(corpus)
    key = (id(corpus), f"{compute.__module__}.{compute.__qualname__}")
    if key not in results:
        result = compute(corpus)
        if hasattr(result, "adj") and hasattr(result, "add_edge"):  # a networkx graph
            import networkx as nx

            result = nx.freeze(result)
        results[key] = (corpus, result)  # holding the corpus keeps its id from being reused
    return results[key][1]


# --------------------------------------------------------------------------------------
# Between builds: files kept under the digest of their inputs
# --------------------------------------------------------------------------------------


#: In a key's folder: the keys used while its files were made (one a line), kept with it.
NESTED = ".nested"


@dataclass
class FileCache:
    """Kept files: read from ``previous`` (the last build's ``.cache``), written to ``current``.

    Files made inside another cached block (a figure inside the search artefacts) have keys
    of their own; the outer key records them, so that reusing the outer files keeps the inner
    keys too and the cache a rebuild leaves is the cache the first build left.

    Attributes:
        previous: folder of the previous build's kept files, or ``None`` (nothing to reuse).
        current: folder receiving every key this build uses.
        reused: names of the files copied from a kept key.
        made: names of the files made afresh.
    """

    previous: Path | None
    current: Path
    reused: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    _open: list[list[str]] = field(default_factory=list, repr=False)

    @classmethod
    def for_build(cls, out: Path | None, staging: Path) -> FileCache:
        """Return the cache of a build writing ``staging`` to replace ``out`` (``None``:
        reuse nothing, keep what is made)."""
        previous = Path(out) / CACHE_DIR if out is not None else None
        return cls(previous if previous and previous.is_dir() else None,
                   Path(staging) / CACHE_DIR)

    def fresh(self) -> FileCache:
        """Return a cache over the same folders with nothing recorded yet (one per lane)."""
        return FileCache(self.previous, self.current)

    def make(self, key: str, paths: Sequence[Path], make: Callable[[], object]) -> None:
        """Copy the files kept under ``key`` to ``paths`` or, failing that, call ``make`` and
        keep what it wrote, with the keys used meanwhile."""
        if self._open:
            self._open[-1].append(key)
        if self._fetch(key, paths):
            self.reused.extend(Path(p).name for p in paths)
            return
        self._open.append([])
        done = len(self.reused), len(self.made)
        try:
            make()
        finally:
            nested = self._open.pop()
        self._keep(key, paths, nested)
        inside = set(self.reused[done[0]:] + self.made[done[1]:])  # told by a nested block
        self.made.extend(Path(p).name for p in paths if Path(p).name not in inside)

    def _fetch(self, key: str, paths: Sequence[Path]) -> bool:
        for folder in (self.current, self.previous):
            if folder is None:
                continue
            kept = [folder / key / Path(p).name for p in paths]
            if all(k.is_file() for k in kept):
                for source, target in zip(kept, paths, strict=True):
                    shutil.copyfile(source, target)
                if folder != self.current:
                    self._carry(key)
                return True
        return False

    def _carry(self, key: str) -> None:
        """Keep ``key`` of the previous build, and the keys nested in it, in this one."""
        if self.previous is None or (self.current / key).is_dir() \
                or not (self.previous / key).is_dir():
            return
        self._place(key, lambda folder: shutil.copytree(self.previous / key, folder,
                                                        dirs_exist_ok=True))
        nested = self.previous / key / NESTED
        for inner in nested.read_text(encoding="utf-8").split() if nested.is_file() else []:
            self._carry(inner)

    def _keep(self, key: str, paths: Sequence[Path], nested: list[str]) -> None:
        def fill(folder: Path) -> None:
            for path in paths:
                shutil.copyfile(path, folder / Path(path).name)
            if nested:
                (folder / NESTED).write_text("".join(f"{k}\n" for k in sorted(set(nested))),
                                             encoding="utf-8")
        self._place(key, fill)

    def _place(self, key: str, fill: Callable[[Path], object]) -> None:
        """Fill a new folder for ``key`` and rename it into place (never half written)."""
        folder = self.current / key
        if folder.is_dir():
            return
        self.current.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=self.current))
        fill(staging)
        try:
            os.rename(staging, folder)
        except OSError:  # another process kept the same key meanwhile
            shutil.rmtree(staging, ignore_errors=True)


_files: ContextVar[FileCache | None] = ContextVar("workbench_file_cache", default=None)


@contextmanager
def using(cache: FileCache | None) -> Iterator[FileCache | None]:
    """Within the block, :func:`cached_files` reuses and keeps files through ``cache``
    (``None``: make every file afresh)."""
    token = _files.set(cache)
    try:
        yield cache
    finally:
        _files.reset(token)


def cached_files(name: str, paths: Sequence[Path], inputs: Any,
                 make: Callable[[], object]) -> list[Path]:
    """Make ``paths`` by calling ``make()``, unless files kept for the same inputs exist.

    Args:
        name: what makes the files (part of the key: two makers never share files).
        paths: the files ``make`` writes.
        inputs: everything the files depend on besides the code (see :func:`digest`).
        make: writes ``paths``.

    Returns:
        ``paths``, as paths.
    """
    paths = [Path(p) for p in paths]
    cache = _files.get()
    if cache is None:
        make()
        return paths
    cache.make(digest(code_version(), name, [p.name for p in paths], inputs), paths, make)
    return paths


def corpus_inputs(corpus: Any, tables: Sequence[str], bibliography: bool = True) -> tuple:
    """Return what a writer reading ``tables`` of ``corpus`` (and, with ``bibliography``, its
    references) depends on, as :func:`cached_files` inputs: the SHA-256 of the files they were
    read from (and of the descriptor, which types them), or the tables themselves for a
    corpus made in memory."""
    names = sorted(tables)
    digests = getattr(corpus, "digests", {})
    wanted = [*names, "datapackage.json"] + (["references.bib"] if bibliography else [])
    if digests and all(name in digests for name in wanted):
        return ("files", [(name, digests[name]) for name in wanted])
    return ("tables", [(name, corpus.tables[name]) for name in names],
            corpus.references if bibliography else None)


@functools.cache
def code_version() -> str:
    """Return a digest of the workbench package's files and of the libraries' versions.

    Any change to the code or an upgrade of a library gives every kept file a new key.
    """
    hasher = hashlib.sha256(sys.version.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes())
    for library in LIBRARIES:
        try:
            hasher.update(f"{library}={importlib.metadata.version(library)}".encode())
        except importlib.metadata.PackageNotFoundError:
            hasher.update(f"{library}=absent".encode())
    return hasher.hexdigest()


def digest(*parts: Any) -> str:
    """Return the SHA-256 of ``parts``: strings, numbers, None, bytes, sequences, mappings,
    numpy arrays and pandas objects (values, dtypes, index and ``attrs``), nested freely.

    Values that differ in type or content never share a digest (``None``, ``nan``, ``""`` and
    ``"None"`` are all told apart). Anything else raises ``TypeError``, so that an input the
    digest cannot see never leads to a stale file.

    Examples:
        >>> digest("a", 1) == digest("a", 1), digest(None) == digest("None")
        (True, False)
    """
    hasher = hashlib.sha256()
    _feed(hasher, parts)
    return hasher.hexdigest()


def _feed(hasher, value: Any) -> None:
    if value is None or value is pd.NA or isinstance(value, (bool, int, float, str,
                                                             np.generic)):
        hasher.update(f"{type(value).__name__}:{value!r}\0".encode())
    elif isinstance(value, bytes):
        hasher.update(b"bytes:%d:" % len(value) + value)
    elif isinstance(value, (list, tuple)):
        hasher.update(f"{type(value).__name__}[{len(value)}]".encode())
        for item in value:
            _feed(hasher, item)
    elif isinstance(value, dict):
        hasher.update(f"dict[{len(value)}]".encode())
        for key in sorted(value, key=repr):
            _feed(hasher, key)
            _feed(hasher, value[key])
    elif isinstance(value, pd.DataFrame):
        hasher.update(b"DataFrame")
        _feed(hasher, [str(t) for t in value.dtypes])
        _feed(hasher, value.to_dict("split"))
        _feed(hasher, dict(value.attrs))
    elif isinstance(value, pd.Series):
        _feed(hasher, value.to_frame())
    elif isinstance(value, np.ndarray):
        _feed(hasher, [str(value.dtype), list(value.shape)])
        if value.dtype == object:
            _feed(hasher, value.ravel().tolist())
        else:
            hasher.update(np.ascontiguousarray(value).tobytes())
    else:
        raise TypeError(f"cannot digest a {type(value).__name__}: pass its data instead")
