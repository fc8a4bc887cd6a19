"""Shared fixtures: the repository root, the shipped corpus, and a breakable copy of it."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, Corpus
from workbench.validation import load_corpus

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The source documents shipped with the repository (those whose licence allows it).
SHIPPED_SOURCES = REPO_ROOT / "sources"
#: The folder of all five source documents beside a development checkout.
SEEDS = REPO_ROOT.parent / "shared" / "seeds"


class SourceFolders:
    """The source documents, looked up in ``sources/`` first and then in ``../shared/seeds/``.

    ``folders / name`` returns the path of a document; a document found in neither folder
    FAILS the test that needs it (never skips it), naming the file and where it was looked for.
    """

    def __init__(self, *folders: Path) -> None:
        self.folders = folders

    def __truediv__(self, name: str) -> Path:
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        pytest.fail(
            f"source document {name} is needed but is in none of "
            f"{', '.join(str(f) for f in self.folders)}: it is shipped in sources/ only "
            "where its licence allows (see sources/README.md); put the five source "
            "documents in ../shared/seeds/ beside the checkout",
            pytrace=False,
        )

    def __repr__(self) -> str:
        return f"SourceFolders({', '.join(str(f) for f in self.folders)})"


#: Where the tests read a source document: the shipped copy first.
SOURCES = SourceFolders(SHIPPED_SOURCES, SEEDS)


def tree_state(*roots: Path) -> dict[str, str]:
    """Return every entry under ``roots`` (files, folders, symlinks) with what it holds.

    Files map to their SHA-256, symlinks to their target, folders to ``"dir"``: two states are
    equal only when no file was added, removed, replaced or changed under any root. Tests of
    commands that must not touch a user's files compare the state before and after.
    """
    state: dict[str, str] = {}
    for root in roots:
        root = Path(root)
        if root.is_symlink():
            state[str(root)] = "symlink:" + os.readlink(root)
            continue
        if not root.exists():
            state[str(root)] = "absent"
            continue
        if root.is_file():
            state[str(root)] = hashlib.sha256(root.read_bytes()).hexdigest()
            continue
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = Path(folder) / name
                if path.is_symlink():
                    state[str(path)] = "symlink:" + os.readlink(path)
                elif path.is_dir():
                    state[str(path)] = "dir"
                else:
                    state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


@pytest.fixture(autouse=True)
def _signal_handlers() -> Iterator[None]:
    """Give each test the SIGINT and SIGTERM handlers the session started with: a command
    stopped in-process leaves them ignored (it is exiting), which must not reach the next
    test."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root, which is also the shipped corpus root."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> SourceFolders:
    """The source documents: ``seeds_dir / name`` is the shipped copy in ``sources/`` or, for
    a document not shipped, the one in ``../shared/seeds``; a missing one fails the test."""
    return SOURCES


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The shipped corpus, validated and loaded once per test session."""
    return load_corpus(REPO_ROOT)


def copy_root(target: Path) -> Path:
    """Copy the shipped corpus root (``corpus/``, ``references.bib`` and the shipped
    ``sources/``) into ``target``: a build of the copy is byte for byte a build of the root."""
    shutil.copytree(REPO_ROOT / CORPUS_DIR, target / CORPUS_DIR)
    shutil.copy2(REPO_ROOT / BIBLIOGRAPHY, target / BIBLIOGRAPHY)
    shutil.copytree(SHIPPED_SOURCES, target / SHIPPED_SOURCES.name)
    return target


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one full ``build`` of the shipped corpus, shared by the tests that
    only read artefacts (a full build draws every figure, so it is done once per session)."""
    from workbench.build import build

    out = tmp_path_factory.mktemp("shipped") / "build"
    build(REPO_ROOT, out)
    return out


@pytest.fixture
def tmp_root(tmp_path: Path) -> Path:
    """A fresh copy of the shipped corpus root in a temporary folder, for breaking."""
    return copy_root(tmp_path / "root")
