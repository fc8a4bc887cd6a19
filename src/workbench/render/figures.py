"""Shared figure plumbing: the palette, figures that need no display, and PNG output that is
byte-identical from one build to the next.

Figures are made with ``matplotlib.figure.Figure`` on an Agg canvas, never through pyplot, so
drawing one changes no global state: a notebook keeps its inline backend, and a build needs no
display. matplotlib is imported inside the functions, so ``workbench validate`` never loads it.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

#: Resolution of the build's PNG figures.
DPI = 100
#: savefig options: fixed resolution and no software metadata, so rebuilds are identical.
SAVE_OPTIONS = {"dpi": DPI, "metadata": {"Software": None}}

#: The Okabe-Ito palette (Okabe and Ito 2008), safe for the common forms of colour blindness.
#: Every colour of the workbench's figures is taken from here.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Neutral greys for what carries no category (empty cells, reference lines, muted labels).
GREY = "#999999"
LIGHT_GREY = "#BBBBBB"
#: Colours for a series of categories, in order (yellow last: it is faint on white).
CATEGORY_COLOURS: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "orange",
        "bluish_green",
        "vermillion",
        "sky_blue",
        "reddish_purple",
        "yellow",
    )
)


def new_figure(**kwargs: Any):
    """Return a ``matplotlib.figure.Figure`` on an Agg canvas (``kwargs`` go to ``Figure``).

    It exists so that figures are drawn without pyplot: no backend is switched, and a figure
    is never kept alive by pyplot's registry.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # loads on the first figure
    from matplotlib.figure import Figure

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def wrap_title(text: str, width_inches: float, fontsize: float) -> str:
    """Return ``text`` broken into lines that fit ``width_inches`` at ``fontsize`` points.

    A character of the default sans-serif font is at most about 0.6 em wide on average, so a
    line holds ``width_inches * 72 / (0.6 * fontsize)`` characters; titles are wrapped
    rather than cut off by the figure's edge.
    """
    columns = max(12, int(width_inches * 72 / (0.6 * fontsize)))
    return "\n".join(textwrap.wrap(text, columns)) or text


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """Return ``fig`` as PNG bytes at ``dpi``, with the options of every figure of a build.

    A figure laid out once by ``tight_layout()`` keeps a placeholder layout engine, which
    makes ``savefig`` draw it twice (once to lay it out, with nothing to lay out); it is
    dropped first, and the bytes are the same.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **{**SAVE_OPTIONS, "dpi": dpi})
    return buffer.getvalue()


def figure_png(fig) -> bytes:
    """Return ``fig`` as PNG bytes, with the same settings as the saved files.

    Notebooks display these bytes with ``IPython.display.Image``, whatever the backend.
    """
    return png_bytes(fig)


#: Neutral greys, darkest first, for categories drawn apart from the Okabe-Ito colours (the
#: gap map's evidence channels, which must not share a colour with its statuses).
NEUTRALS: dict[str, str] = {
    "grey_1": "#222222",
    "grey_2": "#4D4D4D",
    "grey_3": "#777777",
    "grey_4": "#9E9E9E",
    "grey_5": "#C4C4C4",
    "grey_6": "#E6E6E6",
}
#: Every named colour a vocabulary table (``workbench.gaps.Term.colour``) may use.
PALETTE: dict[str, str] = {**OKABE_ITO, **NEUTRALS}


def colour(name: str) -> str:
    """Return the hex code of a named colour of :data:`PALETTE`.

    Examples:
        >>> colour("vermillion"), colour("grey_1")
        ('#D55E00', '#222222')
    """
    return PALETTE[name]


def ink_on(background: str) -> str:
    """Return black or white, whichever contrasts more with ``background`` (a hex code), by
    the WCAG relative luminance.

    Examples:
        >>> ink_on("#D55E00"), ink_on("#222222")
        ('#000000', '#FFFFFF')
    """

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"
