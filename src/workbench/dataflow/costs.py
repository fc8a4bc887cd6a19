"""What a node costs to compute, declared beside it, so that a build splits its work by cost.

A node costs the CPU time of its own function on the shipped corpus (``@cost(230)``: 0.23 s)
plus, once per process, the import of the heavy libraries it needs
(``@cost(100, "scikit-learn")``), which :data:`IMPORT_COSTS` prices. ``workbench.build``
reads both to split the nodes to make between its two processes so that the slower one
finishes as early as possible; a node without ``@cost`` counts :data:`DEFAULT_COST` at any
scale.
A node's cost grows in proportion to the rows of the corpus (:data:`SHIPPED_ROWS` rows cost
what is declared) unless it is declared ``fixed``: a figure of bounded size (at most 12
heat-maps) costs about the same at any scale. A node measured on the 100× synthetic corpus
too (``@cost(350, at_100x=21_700)``) costs what the line through both measurements gives
at the corpus's rows, for a node whose cost is not in proportion to the rows (the workbook
is mostly openpyxl's work per cell, the gap map's page has a part that does not grow).

The figures are milliseconds measured on one core with ``time.process_time`` around each
node (``benchmarks/README.md``); they steer the split only and never change an output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hamilton.function_modifiers import tag

F = TypeVar("F", bound=Callable[..., Any])

#: The tags ``@cost`` sets on a node.
COST_TAG, IMPORTS_TAG, FIXED_TAG, LARGE_TAG = "cost_ms", "imports", "cost_fixed", "cost_100x_ms"
#: The rows of the corpus the costs were measured on: the shipped corpus's tables and
#: references (152,620 at 100×).
SHIPPED_ROWS = 1447
#: The rows of the 100× synthetic corpus (``workbench synth --scale 100``), where ``at_100x``
#: costs were measured.
SCALED_ROWS = 152_620
#: What a node without ``@cost`` counts (ms), at any scale: the small projections and pages.
DEFAULT_COST = 30
#: What importing a library costs a process (ms): the first node needing it pays it.
#: matplotlib's includes the font set-up of the first figure a process draws.
IMPORT_COSTS: dict[str, int] = {"matplotlib": 550, "scikit-learn": 800, "openpyxl": 150}


def cost(
    milliseconds: int, *imports: str, fixed: bool = False, at_100x: int | None = None
) -> Callable[[F], F]:
    """Return a decorator declaring that a node takes ``milliseconds`` of CPU on the shipped
    corpus (and as much at any scale when ``fixed``, or ``at_100x`` milliseconds on the 100×
    synthetic corpus), and needs the libraries ``imports`` (keys of :data:`IMPORT_COSTS`).

    Raises:
        ValueError: when a library is not priced in :data:`IMPORT_COSTS`, or a cost is
            declared both fixed and measured at 100×.
    """
    unknown = sorted(set(imports) - set(IMPORT_COSTS))
    if unknown:
        raise ValueError(f"no import cost for {unknown}; add it to IMPORT_COSTS")
    if fixed and at_100x is not None:
        raise ValueError("a fixed cost has no other cost at 100x")
    tags = {
        COST_TAG: str(milliseconds),
        IMPORTS_TAG: ",".join(imports),
        FIXED_TAG: "yes" if fixed else "no",
    }
    if at_100x is not None:
        tags[LARGE_TAG] = str(at_100x)
    decorator: Callable[[F], F] = tag(**tags)
    return decorator


def node_cost(tags: dict[str, Any], rows: int = SHIPPED_ROWS) -> tuple[int, frozenset[str]]:
    """Return a node's own cost (ms) on a corpus of ``rows`` rows and the libraries it
    imports, from its tags."""
    if COST_TAG not in tags:
        return DEFAULT_COST, frozenset()
    own = int(tags[COST_TAG])
    if LARGE_TAG in tags:
        large = int(tags[LARGE_TAG])
        own = max(0, own + (large - own) * (rows - SHIPPED_ROWS) // (SCALED_ROWS - SHIPPED_ROWS))
    elif tags.get(FIXED_TAG) != "yes":
        own = own * max(rows, 1) // SHIPPED_ROWS
    imports = frozenset(name for name in str(tags.get(IMPORTS_TAG, "")).split(",") if name)
    return own, imports
