"""workbench: a research workbench for the Home Office *Standards for domestic abuse perpetrator
interventions* (Westmarland and Kelly, 2023).

It turns the source documents into a validated corpus (``corpus/`` and ``references.bib``), a
graph of standards, guidelines and their evidence, a crosswalk to existing frameworks, and
evidence and gap maps.

The names below are imported on first use, so that the command line starts (and installs
its signal handlers) before pandas is loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.corpus import Corpus
    from workbench.problems import CorpusError, Problem

__all__ = ["Corpus", "CorpusError", "Problem", "load_corpus"]
__version__ = "0.1.0"

_HOMES = {
    "Corpus": "workbench.corpus",
    "load_corpus": "workbench.validation",
    "CorpusError": "workbench.problems",
    "Problem": "workbench.problems",
}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
