"""Shared fixtures: the repository root, the shipped corpus, and a breakable copy of it."""

from __future__ import annotations

import fcntl
import gc
import hashlib
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.cli import BATCH_GC_THRESHOLDS
from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, Corpus
from workbench.validation import load_corpus

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The source documents shipped with the repository (those whose licence allows it).
SHIPPED_SOURCES = REPO_ROOT / "sources"
#: The folder of all five source documents beside a development checkout.
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
#: Debian's Chromium, which the browser tests drive through Playwright (no browser download).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    """Run the tests with the garbage collector's thresholds of the command line, so that a
    build made in the test process runs as ``workbench build`` does (and the suite takes a
    quarter less CPU: ``benchmarks/README.md``, "The garbage collector")."""
    gc.set_threshold(*BATCH_GC_THRESHOLDS)


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


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole test run: with pytest-xdist, the one folder the
    workers' own temporary folders sit in, so that they can share what one of them made."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one full ``build`` of the shipped corpus, shared by the tests that
    only read artefacts (a full build draws every figure, so it is done once per test run).

    Under pytest-xdist the first worker to need it builds it while holding a lock; the others
    wait on the lock and then read the same folder. No test may write into it: a test that
    needs to change a build copies it first (``shutil.copytree``).
    """
    from workbench.build import build

    shared = run_folder(tmp_path_factory)
    out, done = shared / "shipped" / "build", shared / "shipped.built"
    with open(shared / "shipped.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            out.parent.mkdir(exist_ok=True)
            build(REPO_ROOT, out)
            done.touch()
    return out


def rebuild(shipped_build: Path, root: Path, out: Path) -> Path:
    """Build ``root`` (an edited copy of the shipped root) into ``out``, starting from a copy
    of the shipped build and its verified cache: only the artefacts that read an edited table
    are made afresh, and the output is byte for byte a fresh build of ``root`` (the cache
    tests prove that, tests/integration/test_build_cache.py)."""
    from workbench.build import build

    shutil.copytree(shipped_build, out, symlinks=True)
    build(root, out)
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session; each test opens its own context and page.

    A machine without Debian's Chromium FAILS the browser tests (never skips them).
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Debian's chromium ({CHROMIUM}) is needed by the browser tests: "
            "apt-get install chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tmp_root(tmp_path: Path) -> Path:
    """A fresh copy of the shipped corpus root in a temporary folder, for breaking."""
    return copy_root(tmp_path / "root")
