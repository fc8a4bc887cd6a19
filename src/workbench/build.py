"""Build every artefact of the workbench from a corpus root, atomically.

``build`` validates the root, runs every artefact writer into a temporary folder beside the
output folder, writes ``index.html`` linking what was built, and only then swaps the new
folder into place. A build that fails at any point leaves the previous output untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbench.citations import write_artefacts as write_citation_audit
from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, Corpus, load_corpus
from workbench.crosswalk import write_artefacts as write_crosswalk
from workbench.gaps import write_artefacts as write_gap_map
from workbench.graph import write_artefacts as write_evidence_graph
from workbench.search import write_artefacts as write_search_analysis
from workbench.summary import write_artefacts as write_corpus_summary

ArtefactWriter = Callable[[Corpus, Path], list[Path]]

#: Every writer called by ``build``, in order; each returns the files it wrote.
ARTEFACT_WRITERS: tuple[ArtefactWriter, ...] = (
    write_corpus_summary,
    write_crosswalk,
    write_search_analysis,
    write_citation_audit,
    write_evidence_graph,
    write_gap_map,
)


def corpus_fingerprint(root: Path) -> str:
    """Return a SHA-256 over the corpus files and the bibliography, naming what was built from.

    The fingerprint depends only on file names and contents, so two builds of the same corpus
    carry the same fingerprint on any machine.
    """
    root = Path(root)
    digest = hashlib.sha256()
    files = sorted((root / CORPUS_DIR).glob("*")) + [root / BIBLIOGRAPHY]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(root: Path | str = ".", out: Path | str = "build",
          writers: tuple[ArtefactWriter, ...] | None = None) -> list[Path]:
    """Validate ``root`` and write every artefact into ``out``, replacing it only on success.

    Returns:
        The paths written, relative to ``out``, in the order they were written.

    Raises:
        CorpusError: when the root does not validate (``out`` is not touched).
    """
    root, out = Path(root), Path(out)
    corpus = load_corpus(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        written: list[Path] = []
        for writer in writers if writers is not None else ARTEFACT_WRITERS:
            written.extend(Path(p) for p in writer(corpus, staging))
        from workbench.render.index import write_index

        written = [_relative_to(p, staging) for p in written]
        write_index(corpus, staging, written, corpus_fingerprint(root))
        written.append(Path("index.html"))
        os.chmod(staging, 0o755)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _relative_to(path: Path, folder: Path) -> Path:
    """Return ``path`` relative to ``folder``, whether a writer returned it absolute or relative
    (to the working folder, as ``folder / name``) or already relative to ``folder``."""
    for candidate in (path, path.absolute()):
        if candidate.is_relative_to(folder.absolute()):
            return candidate.relative_to(folder.absolute())
        if candidate.is_relative_to(folder):
            return candidate.relative_to(folder)
    return path


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames, so ``out`` is never half written."""
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        os.rename(out, retired / out.name)
        os.rename(staging, out)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, out)
