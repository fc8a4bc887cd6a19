"""Validation problems: one finding about one place in one input file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A problem found in an input file, printed as ``FILE:ROW: COLUMN: message``.

    ``row`` counts records as a spreadsheet shows them (the header is row 1, the first
    data record row 2); for ``references.bib`` it is the line number. ``row`` and
    ``column`` are ``None`` when the problem concerns the whole file.

    Examples:
        >>> str(Problem("guidelines.csv", 4, "standard_id", "unknown id"))
        'guidelines.csv:4: standard_id: unknown id'
        >>> str(Problem("roundtables.csv", None, None, "file is missing"))
        'roundtables.csv: file is missing'
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"


class CorpusError(Exception):
    """Raised when a corpus root does not validate; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        return CorpusError, (self.problems,)


def _problem_order(problem: Problem) -> tuple:
    return (problem.file, problem.row or 0, problem.column or "", problem.message)


#: Past this many equally near ids, none is offered: nothing singles one out.
MAX_SUGGESTIONS = 3
#: How alike (rapidfuzz's ratio, 0-100) an id must be to what was written to be offered.
SUGGESTION_CUTOFF = 75


def closest(value: str, choices: Iterable[str]) -> list[str]:
    """Return the choices most like ``value``, sorted: every one as alike as the best (at
    least :data:`SUGGESTION_CUTOFF`), or none when more than :data:`MAX_SUGGESTIONS` are.

    What a "did you mean" offers, for a mistyped id on the command line and in the corpus.

    Examples:
        >>> closest("guideline:3.33", ["guideline:3.3", "guideline:3.1", "standard:3"])
        ['guideline:3.3']
        >>> closest("morrison2019", ["ref:morrison2019a", "ref:morrison2019b"])
        ['ref:morrison2019a', 'ref:morrison2019b']
        >>> closest("standard:9", [f"standard:{n}" for n in range(1, 8)])
        []
    """
    from rapidfuzz import fuzz, process  # only when something is wrong: not at start-up

    found = process.extract(
        value,
        list(dict.fromkeys(choices)),
        scorer=fuzz.ratio,
        score_cutoff=SUGGESTION_CUTOFF,
        limit=None,
    )
    if not found:
        return []
    best = max(score for _, score, _ in found)
    tied = sorted(choice for choice, score, _ in found if score == best)
    return tied if len(tied) <= MAX_SUGGESTIONS else []


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ``did you mean X?`` (``X or Y``, ``X, Y or Z``) for the :func:`closest` choices,
    or ``""`` when none is near.

    Examples:
        >>> did_you_mean("topic:lgtb", ["topic:lgbt", "topic:children"])
        'did you mean topic:lgbt?'
    """
    close = closest(value, choices)
    return f"did you mean {one_of(close)}?" if close else ""


def one_of(ids: list[str]) -> str:
    """Return ``ids`` as a reader offers them: ``X``, ``X or Y``, ``X, Y or Z``."""
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} or {ids[-1]}"


class Suggestions:
    """:func:`did_you_mean` over one set of choices, for a check that meets many wrong ids:
    each distinct id is worked out once, and past ``limit`` distinct ids (a wholesale
    mistake, where no single id helps; by default 200, fewer among more than 10,000
    choices) none is offered, so a large broken table never makes the check slow."""

    def __init__(self, choices: Iterable[str], limit: int | None = None) -> None:
        self.choices = list(dict.fromkeys(choices))
        # about 2 million comparisons in all: 200 wrong ids among 10,000 choices, fewer
        # among more (rapidfuzz compares about a million pairs a second)
        self.limit = (
            limit
            if limit is not None
            else max(20, min(200, 2_000_000 // max(len(self.choices), 1)))
        )
        self.memo: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        """Return ``did you mean X? `` (with the space a message goes on after), or ``""``."""
        if value not in self.memo:
            found = did_you_mean(value, self.choices) if len(self.memo) < self.limit else ""
            self.memo[value] = f"{found} " if found else ""
        return self.memo[value]
