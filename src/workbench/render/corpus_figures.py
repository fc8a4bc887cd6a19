"""Figures of the corpus itself: the 24 collated sets of standards by country and by year."""

from __future__ import annotations

import pandas as pd

from workbench.render.figures import OKABE_ITO, new_figure

#: What a collated standard with no country is counted under.
NOT_STATED = "not stated"


def collated_counts(collated: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Return the collated standards counted by country (``not stated`` where none is given,
    sorted by name) and by year (only the years given, in order)."""
    by_country = collated["country"].fillna(NOT_STATED).value_counts().sort_index()
    by_year = collated["year"].dropna().astype(int).value_counts().sort_index()
    return by_country.rename("sets of standards"), by_year.rename("sets of standards")


def collated_standards_figure(collated: pd.DataFrame):
    """Return two bar charts of Appendix 3's collated standards: by country and by year.

    Args:
        collated: the ``collated_standards`` table of the corpus.
    """
    by_country, by_year = collated_counts(collated)
    fig = new_figure(figsize=(11, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    ordered = by_country.sort_values(kind="stable")
    left.barh(ordered.index, ordered.to_numpy(), color=OKABE_ITO["blue"])
    left.set_title("Collated standards by country", loc="left", fontsize=10)
    left.set_xlabel("sets of standards")
    right.bar(by_year.index, by_year.to_numpy(), color=OKABE_ITO["orange"])
    right.set_title(
        f"Year of the collated standards (given for {int(by_year.sum())} of {len(collated)})",
        loc="left",
        fontsize=10,
    )
    right.set_xlabel("year")
    right.set_ylabel("sets of standards")
    return fig
