"""A corpus holding only the tables a node declares: what makes a node's signature the
whole truth about what it reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench.corpus import Corpus


class UndeclaredTable(KeyError):
    """A node read a table its parameters do not name."""


class DeclaredTables(dict):
    """The tables a node declared (those the corpus lacks are absent); asking for any other
    table, even whether it is there, raises :class:`UndeclaredTable`."""

    def __init__(self, declared: dict[str, pd.DataFrame | None]):
        super().__init__({k: v for k, v in declared.items() if v is not None})
        self.declared = frozenset(declared)

    def _check(self, name: object) -> None:
        if name not in self.declared:
            raise UndeclaredTable(
                f"table {name!r} is read but not a parameter of the node "
                f"(declared: {', '.join(sorted(self.declared))})"
            )

    def __getitem__(self, name: str) -> pd.DataFrame:
        self._check(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self._check(name)
        return super().get(name, default)

    def __contains__(self, name: object) -> bool:
        self._check(name)
        return super().__contains__(name)


def declared_corpus(
    descriptor: dict[str, Any] | None = None,
    references: pd.DataFrame | None = None,
    bibliography: Any = None,
    **tables: pd.DataFrame | None,
) -> Corpus:
    """Return a corpus holding only ``tables`` (and the bibliography, when given)."""
    return Corpus(
        root=Path("."),
        descriptor=descriptor or {"resources": []},
        tables=DeclaredTables(tables),
        bibliography=bibliography,
        references=references if references is not None else pd.DataFrame(),
    )


def declared_tables(**tables: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Return ``tables`` as a dict that refuses any other table (for the crosswalk functions,
    which take the tables rather than a corpus)."""
    return DeclaredTables(tables)
