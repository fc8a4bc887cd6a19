"""Shared fixtures: the repository root, the shipped corpus, and a breakable copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, Corpus, load_corpus

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root, which is also the shipped corpus root."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of source documents (``../shared/seeds`` beside the repository)."""
    if not SEEDS.is_dir():
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    return SEEDS


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The shipped corpus, validated and loaded once per test session."""
    return load_corpus(REPO_ROOT)


def copy_root(target: Path) -> Path:
    """Copy the shipped corpus root (``corpus/`` and ``references.bib``) into ``target``."""
    shutil.copytree(REPO_ROOT / CORPUS_DIR, target / CORPUS_DIR)
    shutil.copy2(REPO_ROOT / BIBLIOGRAPHY, target / BIBLIOGRAPHY)
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
