"""Shared figure plumbing: pyplot on the Agg backend, imported only when a figure is drawn,
and PNG output that is byte-identical from one build to the next."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.cache import cached_files

#: Resolution of the build's PNG figures.
DPI = 100
#: savefig options: fixed resolution and no software metadata, so rebuilds are identical.
SAVE_OPTIONS = {"dpi": DPI, "metadata": {"Software": None}}


def pyplot():
    """Return ``matplotlib.pyplot`` on the Agg backend (no display needed).

    It is imported here, not at module level, so that ``workbench validate`` never loads
    matplotlib.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig, path: Path, dpi: int = DPI) -> Path:
    """Save ``fig`` as a PNG at ``path`` with the build's options, close it; return the path."""
    fig.savefig(path, **{**SAVE_OPTIONS, "dpi": dpi})
    pyplot().close(fig)
    return Path(path)


def cached_png(path: Path, draw: Callable[..., Any], *args: Any, dpi: int = DPI) -> Path:
    """Save ``draw(*args)`` as a PNG at ``path``; return the path.

    Within a build, a PNG kept from the previous build for the same ``draw`` and the same
    arguments (compared by content, see ``workbench.cache.digest``) is copied instead of
    drawn again. ``draw`` must therefore depend on its arguments alone.
    """
    name = f"{draw.__module__}.{draw.__qualname__}@{dpi}"
    return cached_files(name, [path], args, lambda: save_png(draw(*args), path, dpi))[0]


def figure_png(fig) -> bytes:
    """Return ``fig`` as PNG bytes (same settings as the saved files) and close it.

    Notebooks display these bytes with ``IPython.display.Image``, whatever the backend.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **SAVE_OPTIONS)
    pyplot().close(fig)
    return buffer.getvalue()
