"""Validation problems: one finding about one place in one input file."""

from __future__ import annotations

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
