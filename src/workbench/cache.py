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

**Trusted only when verified** — each key's folder holds a manifest, :data:`MANIFEST`, giving
the SHA-256 of every file in it (written with the files, and renamed into place with them).
Before a build reuses anything, :func:`verify_cache` reads every entry of the previous cache
without following a symbolic link; an entry whose manifest is missing or garbled, whose
files differ from their digests (changed, truncated, extended), are symbolic links or not
regular files, whose folder holds anything the manifest does not list, or that nests a key
that fails, is discarded: its files are made afresh, so the output is the same as a build
without the cache. Reused files are read again, checked against the digest, and written
from the bytes checked.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import re
import shutil
import stat
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
#: In a key's folder: ``<sha256>  <name>`` for every other file in it, one a line, sorted
#: (the format of ``sha256sum``, so ``sha256sum -c .sha256`` checks a folder by hand).
MANIFEST = ".sha256"
#: What a key (a folder name in the cache) and a kept file's name may be.
_KEY = re.compile(r"[0-9a-f]{64}")
_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  ([^/\x00\n]+)")


def manifest_text(files: dict[str, bytes]) -> str:
    """Return the manifest of a key's folder holding ``files`` (name to content)."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items()))


def _read_regular(name: str, folder_fd: int) -> bytes | None:
    """Return the bytes of ``name`` in the open folder, or ``None`` when it is not a regular
    file (a symbolic link is never followed; a FIFO or device is never opened for reading)."""
    try:
        if not stat.S_ISREG(os.lstat(name, dir_fd=folder_fd).st_mode):
            return None
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _open_folder(name: str | Path, folder_fd: int | None = None) -> int | None:
    """Return a descriptor of folder ``name`` (never through a symbolic link), or ``None``."""
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder_fd)
    except OSError:
        return None


def read_entry(cache: Path, key: str) -> tuple[dict[str, bytes], list[str]] | None:
    """Return the files of ``key`` in the cache folder ``cache`` (name to bytes, the manifest
    included) and the keys nested in it, or ``None`` when the entry does not verify.

    An entry verifies when ``cache`` and its key's folder are real folders (not symbolic
    links), its manifest lists every other file of the folder with its SHA-256, each of those
    is a regular file whose bytes have that digest, and its nested keys are keys.
    """
    if not _KEY.fullmatch(key):
        return None
    cache_fd = _open_folder(cache)
    if cache_fd is None:
        return None
    try:
        folder_fd = _open_folder(key, cache_fd)
    finally:
        os.close(cache_fd)
    if folder_fd is None:
        return None
    try:
        manifest = _read_regular(MANIFEST, folder_fd)
        if manifest is None:
            return None
        try:
            lines = manifest.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            return None
        matches = [_MANIFEST_LINE.fullmatch(line) for line in lines]
        if not matches or not all(matches):
            return None
        expected = {m.group(2): m.group(1) for m in matches if m}
        names = set(os.listdir(folder_fd))
        if len(expected) != len(lines) or MANIFEST in expected \
                or names != set(expected) | {MANIFEST}:
            return None
        files = {MANIFEST: manifest}
        for name, sha in expected.items():
            data = _read_regular(name, folder_fd)
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                return None
            files[name] = data
        if manifest_text({n: d for n, d in files.items() if n != MANIFEST}).encode() \
                != manifest:
            return None  # not in the form this module writes (order, duplicates)
    except OSError:
        return None
    finally:
        os.close(folder_fd)
    nested = files.get(NESTED, b"").decode("utf-8", "replace").split()
    if not all(_KEY.fullmatch(k) for k in nested):
        return None
    return files, nested


def verify_cache(cache: Path | None) -> tuple[frozenset[str], int]:
    """Return the keys of ``cache`` that verify (:func:`read_entry`, with every key nested in
    them) and how many entries of the folder were discarded for failing.

    Every name in the folder that is not such a key counts as discarded, and so does the
    folder itself when it is a symbolic link or not a folder.
    """
    if cache is None:
        return frozenset(), 0
    try:
        mode = os.lstat(cache).st_mode
    except FileNotFoundError:
        return frozenset(), 0
    except OSError:
        return frozenset(), 1
    if not stat.S_ISDIR(mode):
        return frozenset(), 1
    cache_fd = _open_folder(cache)
    if cache_fd is None:
        return frozenset(), 1
    try:
        names = os.listdir(cache_fd)
    finally:
        os.close(cache_fd)
    entries = {name: read_entry(cache, name) for name in names}
    good: dict[str, bool] = {}

    def verified(key: str, seen: frozenset[str] = frozenset()) -> bool:
        if key not in good:
            entry = entries.get(key)
            good[key] = entry is not None and key not in seen and all(
                verified(inner, seen | {key}) for inner in entry[1])
        return good[key]

    keys = frozenset(name for name in names if verified(name))
    return keys, len(names) - len(keys)


@dataclass
class FileCache:
    """Kept files: read from ``previous`` (the last build's ``.cache``), written to ``current``.

    Files made inside another cached block (a figure inside the search artefacts) have keys
    of their own; the outer key records them, so that reusing the outer files keeps the inner
    keys too and the cache a rebuild leaves is the cache the first build left.

    Attributes:
        previous: folder of the previous build's kept files, or ``None`` (nothing to reuse).
        current: folder receiving every key this build uses.
        trusted: the keys of ``previous`` that verified (:func:`verify_cache`).
        discarded: how many entries of ``previous`` failed verification.
        reused: names of the files copied from a kept key.
        made: names of the files made afresh.
    """

    previous: Path | None
    current: Path
    trusted: frozenset[str] = frozenset()
    discarded: int = 0
    reused: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    _open: list[list[str]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.previous is not None and not self.trusted and not self.discarded:
            self.trusted, self.discarded = verify_cache(self.previous)

    @classmethod
    def for_build(cls, out: Path | None, staging: Path) -> FileCache:
        """Return the cache of a build writing ``staging`` to replace ``out`` (``None``:
        reuse nothing, keep what is made), having verified every entry of ``out/.cache``."""
        previous = Path(out) / CACHE_DIR if out is not None else None
        if previous is not None and not os.path.lexists(previous):
            previous = None
        return cls(previous, Path(staging) / CACHE_DIR)

    def fresh(self) -> FileCache:
        """Return a cache over the same folders with nothing recorded yet (one per lane)."""
        return FileCache(self.previous, self.current, self.trusted, self.discarded)

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
            if folder is None or (folder == self.previous and key not in self.trusted):
                continue
            entry = read_entry(folder, key) if (folder / key).is_dir() else None
            names = [Path(p).name for p in paths]
            if entry is None or not all(name in entry[0] for name in names):
                continue
            if folder != self.current and not self._carry(key, entry):
                continue
            for name, target in zip(names, paths, strict=True):
                Path(target).write_bytes(entry[0][name])
            return True
        return False

    def _carry(self, key: str, entry: tuple[dict[str, bytes], list[str]] | None = None) -> bool:
        """Keep ``key`` of the previous build (its verified ``entry``, or read afresh), and the
        keys nested in it, in this one; return whether every one of them still verified."""
        if (self.current / key).is_dir():
            return True
        if entry is None and self.previous is not None and key in self.trusted:
            entry = read_entry(self.previous, key)
        if entry is None:
            return False
        files, nested = entry
        if not all(self._carry(inner) for inner in nested):
            return False
        self._place(key, lambda folder: [(folder / name).write_bytes(data)
                                         for name, data in files.items()])
        return True

    def _keep(self, key: str, paths: Sequence[Path], nested: list[str]) -> None:
        files = {Path(p).name: Path(p).read_bytes() for p in paths}
        if nested:
            files[NESTED] = "".join(f"{k}\n" for k in sorted(set(nested))).encode()
        files[MANIFEST] = manifest_text(files).encode()
        self._place(key, lambda folder: [(folder / name).write_bytes(data)
                                         for name, data in files.items()])

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
