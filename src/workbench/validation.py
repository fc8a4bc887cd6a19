"""Whether a corpus root is usable: the loader's checks and the model's rules, in one run.

The loader (``workbench.corpus``) checks every file against ``corpus/datapackage.json``: the
schemas, the keys, the bibliography and the counts the sources fix. The rules that need the
model's own reading of the tables live beside the code that reads them: the crosswalk's ids,
strengths, quotes and dispositions (``workbench.crosswalk``), the codebook's patterns and the
overrides (``workbench.coding``), the works against the bibliography (``workbench.works``).
This module hands those rules to the loader, which runs them in the same pass, so that every
problem is reported at once and the loader imports nothing above its own layer.
"""

from __future__ import annotations

from pathlib import Path

from workbench.bibliography import entry_lines
from workbench.coding import validate_coding
from workbench.corpus import Corpus, RootRead, Rule, check_root
from workbench.crosswalk import validate_crosswalk
from workbench.problems import CorpusError, Problem
from workbench.works import validate_works


def _crosswalk_rules(read: RootRead) -> list[Problem]:
    return validate_crosswalk(read.tables, read.descriptor)


def _coding_rules(read: RootRead) -> list[Problem]:
    return validate_coding(read.tables, read.descriptor, references=read.references)


def _works_rules(read: RootRead) -> list[Problem]:
    lines = entry_lines(read.library) if read.library is not None else None
    return validate_works(read.tables, read.descriptor, references=read.references, bib_lines=lines)


#: The model's cross-table rules, which the loader runs beside its own.
MODEL_RULES: tuple[Rule, ...] = (_crosswalk_rules, _coding_rules, _works_rules)


def validate_root(root: Path | str) -> tuple[Corpus | None, list[Problem]]:
    """Validate every file of a corpus root and return the corpus (if valid) and all problems.

    This is the one place that decides whether a root is usable: the loader's checks
    (``workbench.corpus.check_root``) and ``MODEL_RULES``. It never raises on bad input.

    Returns:
        The ``Corpus`` and no problems, or ``None`` and every problem found, sorted by file,
        row and column (what ``workbench validate`` prints, one line each).
    """
    return check_root(Path(root), MODEL_RULES)


def load_corpus(root: Path | str = ".") -> Corpus:
    """Validate and load the corpus under ``root``.

    Returns:
        The validated ``Corpus``.

    Raises:
        CorpusError: listing every problem found, when the root does not validate.
    """
    corpus, problems = validate_root(root)
    if corpus is None:
        raise CorpusError(problems)
    return corpus
