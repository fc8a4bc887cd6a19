"""The build's cache: the files of each artefact node, kept under the node's key, verified.

A build keeps, in its output's ``.cache/`` folder, the bytes of every artefact node of the
dataflow under that node's key (``workbench.build.node_keys``: the SHA-256 of the node's
code and of its parameters' keys, down to the digests of the corpus files). A rebuild whose
key for a node is unchanged copies the node's files from the previous output's cache instead
of computing them; since the key covers everything the files depend on, the copy is
byte-identical to what computing would give. The cache holds what the current output needs
and nothing more, is swapped in with the output, and a failed build leaves it as it was.
Only bytes are kept, never pickled objects: nothing read from the cache is executed.

**Trusted only when verified** — each key's folder holds a manifest, :data:`MANIFEST`, giving
the SHA-256 of every file in it (written with the files, and renamed into place with them).
Before a build reuses anything, :func:`verify_cache` reads every entry of the previous cache
without following a symbolic link; an entry whose manifest is missing or garbled, whose
files differ from their digests (changed, truncated, extended), are symbolic links or not
regular files, or whose folder holds anything the manifest does not list, is discarded: its
files are made afresh, so the output is the same as a build without the cache. Reused files
are read again, checked against the digest, and written from the bytes checked.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: The folder, inside a build's output, that holds the kept files.
CACHE_DIR = ".cache"


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
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    )


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
        if (
            len(expected) != len(lines)
            or MANIFEST in expected
            or names != set(expected) | {MANIFEST}
        ):
            return None
        files = {MANIFEST: manifest}
        for name, sha in expected.items():
            data = _read_regular(name, folder_fd)
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                return None
            files[name] = data
        if manifest_text({n: d for n, d in files.items() if n != MANIFEST}).encode() != manifest:
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
            good[key] = (
                entry is not None
                and key not in seen
                and all(verified(inner, seen | {key}) for inner in entry[1])
            )
        return good[key]

    keys = frozenset(name for name in names if verified(name))
    return keys, len(names) - len(keys)


@dataclass
class ArtefactCache:
    """Kept files: read from ``previous`` (the last build's ``.cache``), written to ``current``.

    Attributes:
        previous: folder of the previous build's kept files, or ``None`` (nothing to reuse).
        current: folder receiving every key this build uses.
        trusted: the keys of ``previous`` that verified (:func:`verify_cache`).
        discarded: how many entries of ``previous`` failed verification.
    """

    previous: Path | None
    current: Path
    trusted: frozenset[str] = frozenset()
    discarded: int = 0

    def __post_init__(self) -> None:
        if self.previous is not None and not self.trusted and not self.discarded:
            self.trusted, self.discarded = verify_cache(self.previous)

    @classmethod
    def for_build(cls, out: Path | None, staging: Path) -> ArtefactCache:
        """Return the cache of a build writing ``staging`` to replace ``out`` (``None``:
        reuse nothing, keep what is made), having verified every entry of ``out/.cache``."""
        previous = Path(out) / CACHE_DIR if out is not None else None
        if previous is not None and not os.path.lexists(previous):
            previous = None
        return cls(previous, Path(staging) / CACHE_DIR)

    def fetch(self, key: str) -> dict[str, bytes] | None:
        """Return the files kept under ``key`` (name to verified bytes, the manifest left
        out) and keep them in this build too, or ``None`` when there are none to trust."""
        if self.previous is None or key not in self.trusted:
            return None
        entry = read_entry(self.previous, key)
        if entry is None:
            return None
        files = {name: data for name, data in entry[0].items() if name != MANIFEST}
        self.keep(key, files)
        return files

    def keep(self, key: str, files: dict[str, bytes]) -> None:
        """Keep ``files`` (name to bytes; names without a slash) under ``key``."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a key: {key!r}")
        files = {**files, MANIFEST: manifest_text(files).encode()}
        self._place(
            key, lambda folder: [(folder / name).write_bytes(data) for name, data in files.items()]
        )

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
        except OSError:  # kept by another process meanwhile
            shutil.rmtree(staging, ignore_errors=True)


@functools.cache
def code_version() -> str:
    """Return a digest of the workbench package's files and of the versions of the libraries
    it requires (as its package metadata declares them, and theirs in turn).

    Any change to the code or an upgrade of a library gives every kept file a new key.
    """
    hasher = hashlib.sha256(sys.version.encode())
    hasher.update(package_digest(Path(__file__).parent).encode())
    for library in sorted(_required_libraries("workbench")):
        try:
            hasher.update(f"{library}={importlib.metadata.version(library)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            hasher.update(f"{library}=absent\0".encode())
    return hasher.hexdigest()


def package_digest(package: Path) -> str:
    """Return a digest of every file of the package folder ``package`` by its path, the
    compiled ``__pycache__`` left out.

    Every file counts, not only the modules: the gap map page's style and script
    (``render/assets/``) and the search's rule tables (``data/``) make artefacts as much as
    the code that reads them does, and a kept artefact must not outlive a change to them.
    """
    hasher = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.relative_to(package).parts:
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
            hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _required_libraries(name: str) -> set[str]:
    """Return the distributions ``name`` requires (without extras), and theirs, recursively."""
    found: set[str] = set()
    todo = [name]
    while todo:
        try:
            requires = importlib.metadata.requires(todo.pop()) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for line in requires:
            if "extra ==" in line:
                continue
            match = _NAME.match(line)
            if match and match[0].lower() not in found:
                found.add(match[0].lower())
                todo.append(match[0])
    return found
