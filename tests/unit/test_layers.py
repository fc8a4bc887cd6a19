"""The package's layers: load/write → model → render → build, and no import cycles.

Read from the source with ``ast`` (nothing is imported): every ``import`` of a workbench
module, at the top of a module or inside a function, counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "workbench"

#: The layers, lowest first; a module may import its own layer and those below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "load/write",
        (
            "workbench",
            "workbench.problems",
            "workbench.corpus",
            "workbench.bibliography",
            "workbench.outputs",
            "workbench.cache",
        ),
    ),
    (
        "model",
        (
            "workbench.citations",
            "workbench.coding",
            "workbench.crosswalk",
            "workbench.crosswalk_suggest",
            "workbench.evidence",
            "workbench.gaps",
            "workbench.graph",
            "workbench.search",
            "workbench.summary",
            "workbench.works",
            "workbench.diff_tables",
            "workbench.lookup",
            "workbench.frames",
        ),
    ),
    ("render", ("workbench.render", "workbench.workbook")),
    (
        "build",
        (
            "workbench.validation",
            "workbench.build",
            "workbench.dataflow",
            "workbench.cli",
            "workbench.diff",
            "workbench.synth",
            "workbench.tidy",
        ),
    ),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: The function-level imports of workbench modules that stay, each deferring something heavy:
#: (importing module, imported module, or "*" for every import of a heavy module, see
#: :func:`heavy_modules`) and what it defers.
DEFERRED = {
    ("workbench.cli", "*"): "each command imports what it runs: --help and validate start "
    "without pandas, hamilton or matplotlib (test_lazy_imports.py)",
    ("workbench.dataflow.artefacts", "workbench.workbook"): "openpyxl, for the workbook only",
    ("workbench.diff", "workbench.build"): "hamilton, when a corpus root must be built",
}


def _module_of(target: str) -> str | None:
    """``target`` if it names a module or package of the workbench, else ``None``."""
    path = PACKAGE.parent / target.replace(".", "/")
    if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
        return target
    return None


def _imported(node: ast.AST, name: str) -> list[str]:
    """The workbench modules an ``import`` statement of module ``name`` imports."""
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        targets = [a.name for a in node.names]
    else:
        return []
    return [
        module
        for target in targets
        if target.split(".")[0] == "workbench"
        and (module := _module_of(target)) is not None
        and module != name
    ]


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (module_name(path), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def imports() -> nx.DiGraph:
    """An edge from each workbench module to every workbench module it imports."""
    graph = nx.DiGraph()
    for name, tree in _modules():
        graph.add_node(name)
        for node in ast.walk(tree):
            for module in _imported(node, name):
                graph.add_edge(name, module)
    return graph


def function_imports(modules: list[tuple[str, ast.Module]]) -> set[tuple[str, str, int]]:
    """``(module, imported workbench module, line)`` for every import inside a function."""
    found = set()
    for name, tree in modules:
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    found.update((name, m, node.lineno) for m in _imported(node, name))
    return found


#: The libraries whose import a function-level import may defer.
HEAVY_LIBRARIES = frozenset(
    {"pandas", "numpy", "networkx", "matplotlib", "hamilton", "sklearn", "scipy", "openpyxl"}
)


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """The statements that run when the module is imported (``if`` and ``try`` blocks too,
    ``if TYPE_CHECKING:`` left out)."""
    found: list[ast.stmt] = []
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                todo += handler.body
    return found


def heavy_modules(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """The workbench modules whose import loads a heavy library (:data:`HEAVY_LIBRARIES`),
    by their own module-level imports or those of the workbench modules they import."""
    libraries: dict[str, set[str]] = {}
    needs: dict[str, set[str]] = {}
    for name, tree in modules:
        libraries[name], needs[name] = set(), set()
        for node in _top_level(tree):
            if isinstance(node, ast.Import):
                libraries[name] |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                libraries[name].add(node.module.split(".")[0])
            needs[name] |= set(_imported(node, name))
    heavy = {name for name, found in libraries.items() if found & HEAVY_LIBRARIES}
    while grown := {n for n, m in needs.items() if n not in heavy and m & heavy}:
        heavy |= grown
    return heavy


def layer(module: str) -> int:
    """The layer of ``module``: that of the longest prefix the table names (the package
    ``workbench`` itself names only its own ``__init__``)."""
    best = (-1, 0)
    for level, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            below = module.startswith(prefix + ".") and prefix != "workbench"
            if (module == prefix or below) and len(prefix) > best[0]:
                best = (len(prefix), level)
    assert best[0] >= 0, f"{module} is in no layer: add it to LAYERS"
    return best[1]


def test_every_module_has_a_layer():
    for module in imports():
        layer(module)


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted((a, b) for a, b in imports().edges if layer(b) > layer(a))
    assert upward == [], f"imports of a layer above the importer's own: {upward}"


def test_the_package_has_no_import_cycle():
    assert list(nx.simple_cycles(imports())) == []


def test_the_check_sees_an_upward_import(tmp_path):
    # the test itself can fail: a model module importing the renderer is caught
    assert layer("workbench.gaps") < layer("workbench.render.gap_map")
    assert layer("workbench.dataflow.artefacts") == 3 and layer("workbench.workbook") == 2
    # the loader sits below the model whose rules validation hands it
    assert layer("workbench.corpus") < layer("workbench.crosswalk") < layer("workbench.validation")
    assert layer("workbench") == 0 and layer("workbench.lookup") == 1, "no catch-all prefix"


def test_function_level_imports_only_defer_something_heavy():
    modules = _modules()
    found = function_imports(modules)
    heavy = heavy_modules(modules)
    stray = sorted(
        (f"{name}:{line}", module)
        for name, module, line in found
        if (name, module) not in DEFERRED and not ((name, "*") in DEFERRED and module in heavy)
    )
    assert stray == [], f"import these at the top of the module (nothing heavy): {stray}"
    used = {(name, module) for name, module, _ in found} | {(name, "*") for name, _, _ in found}
    assert set(DEFERRED) <= used, f"no longer deferred: {sorted(set(DEFERRED) - used)}"


def test_the_check_sees_a_function_level_import():
    tree = ast.parse("def f():\n    from workbench.gaps import analyse_gaps\n")
    assert function_imports([("workbench.graph", tree)]) == {
        ("workbench.graph", "workbench.gaps", 2)
    }


def test_a_light_module_is_not_heavy_and_a_heavy_one_is():
    heavy = heavy_modules(_modules())
    assert {"workbench.gaps", "workbench.build", "workbench.render.gap_map"} <= heavy
    assert not {"workbench.outputs", "workbench.problems", "workbench.cli"} & heavy
