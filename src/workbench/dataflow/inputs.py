"""The inputs of the dataflow: a corpus's tables, bibliography, descriptor and sources.

Every table of ``corpus/datapackage.json`` is an input named as its resource (a node that
needs the standards has a parameter ``standards``); so are ``references`` (the bibliography
as a table), ``bibliography`` (the parsed ``references.bib``), ``descriptor`` and
``shipped_sources`` (the text of every source document shipped in ``sources/``), and,
for the few results that read every table, ``corpus_tables`` (all of them) and
``fingerprint`` (the SHA-256 of every corpus file, as the front page shows it).
:func:`input_values` gives their values for a loaded corpus and :func:`input_keys` the
SHA-256 naming each one's content, from which every node's key follows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.corpus import BIBLIOGRAPHY, DESCRIPTOR, SOURCES_DIR, Corpus, shipped_sources

#: A corpus table as a node receives it: ``None`` when the corpus does not have it.
Table = pd.DataFrame | None
#: The inputs that are not tables.
OTHER_INPUTS = (
    "references",
    "bibliography",
    "descriptor",
    "shipped_sources",
    "corpus_tables",
    "fingerprint",
)


def input_values(corpus: Corpus, fingerprint: str) -> dict[str, Any]:
    """Return every input of the dataflow for ``corpus`` (whose files have ``fingerprint``),
    by node name."""
    values: dict[str, Any] = {
        r["name"]: corpus.tables.get(r["name"]) for r in corpus.descriptor["resources"]
    }
    values.update(
        references=corpus.references,
        bibliography=corpus.bibliography,
        descriptor=corpus.descriptor,
        corpus_tables=dict(corpus.tables),
        fingerprint=fingerprint,
    )
    folder = Path(corpus.root) / SOURCES_DIR
    values["shipped_sources"] = {
        name: (folder / name).read_text(encoding="utf-8") for name in shipped_sources(corpus)
    }
    return values


def input_keys(corpus: Corpus, values: dict[str, Any]) -> dict[str, str]:
    """Return the key of every input: the SHA-256 of the file it was read from and of the
    descriptor that types it (the descriptor alone for a table the corpus lacks)."""
    described = corpus.digests.get(DESCRIPTOR, "")

    def key(*parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    keys = {
        name: key("table", name, corpus.digests.get(name, "absent"), described)
        for name in values
        if name not in OTHER_INPUTS
    }
    bib = corpus.digests.get(BIBLIOGRAPHY, "")
    keys.update(
        references=key("references", bib, described),
        bibliography=key("bibliography", bib),
        descriptor=key("descriptor", described),
    )
    texts = values["shipped_sources"]
    keys["corpus_tables"] = key(
        "tables", *(keys[name] for name in sorted(values) if name not in OTHER_INPUTS)
    )
    keys["fingerprint"] = key("fingerprint", values["fingerprint"])
    keys["shipped_sources"] = key(
        "sources", *(f"{name}\0{text}" for name, text in sorted(texts.items()))
    )
    return keys
