"""workbench: a research workbench for the Home Office *Standards for domestic abuse perpetrator
interventions* (Westmarland and Kelly, 2023).

It turns the source documents into a validated corpus (``corpus/`` and ``references.bib``), a
graph of standards, guidelines and their evidence, a crosswalk to existing frameworks, and
evidence and gap maps.
"""

from workbench.corpus import Corpus, load_corpus
from workbench.problems import CorpusError, Problem

__all__ = ["Corpus", "CorpusError", "Problem", "load_corpus"]
__version__ = "0.1.0"
