"""`workbench validate` stays light: it never imports the plotting, rendering or
machine-learning libraries that only the build needs (they are imported inside the writers)."""

from __future__ import annotations

import re
import subprocess
import sys

#: Packages `validate` must not import, with why they are heavy.
NOT_FOR_VALIDATE = {
    "matplotlib": "figures are drawn by the build only",
    "workbench.render": "pages are rendered by the build only",
    "sklearn": "crosswalk suggestions are computed by the build only",
    "scipy": "pulled in by scikit-learn",
}

_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime(*args: str) -> dict[str, int]:
    """Run ``python -X importtime -m workbench.cli ARGS``; return module -> cumulative µs."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workbench.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    return {m.group(4): int(m.group(2)) for m in map(_LINE.match, result.stderr.splitlines()) if m}


def test_validate_imports_nothing_the_build_alone_needs(repo_root):
    modules = importtime("validate", "--root", str(repo_root))
    assert "workbench.corpus" in modules, "the command ran and validated"
    loaded = {
        name
        for name in modules
        for banned in NOT_FOR_VALIDATE
        if name == banned or name.startswith(banned + ".")
    }
    assert loaded == set(), f"validate imported {sorted(loaded)}"
