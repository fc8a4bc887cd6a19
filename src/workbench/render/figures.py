"""Shared figure plumbing: pyplot on the Agg backend, imported only when a figure is drawn,
and PNG output that is byte-identical from one build to the next."""

from __future__ import annotations

import io
from pathlib import Path

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


def save_png(fig, path: Path) -> Path:
    """Save ``fig`` as a PNG at ``path`` with the build's options, close it; return the path."""
    fig.savefig(path, **SAVE_OPTIONS)
    pyplot().close(fig)
    return Path(path)


def figure_png(fig) -> bytes:
    """Return ``fig`` as PNG bytes (same settings as the saved files) and close it.

    Notebooks display these bytes with ``IPython.display.Image``, whatever the backend.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **SAVE_OPTIONS)
    pyplot().close(fig)
    return buffer.getvalue()
