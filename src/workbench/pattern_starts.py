"""Where a regular expression's matches can start, so that many patterns run on many texts
only where they can match.

Coding applies every topic's patterns to every text of the corpus; at 100 times the corpus
that is millions of searches, almost all of which find nothing. :func:`pattern_heads` reads a
pattern (with Python's own regular-expression parser) and lists the ways its matches can start;
:func:`start_index` gathers the heads of all patterns into one search per text that finds the
places where any of them starts, and tells which patterns can start at each place;
:func:`spans_from` then tries a pattern at those places only. Patterns whose start cannot be
told are scanned whole, so the matches found are always exactly those of scanning every
pattern over every text (the tests compare both on the codebook and on odd patterns).

The parser is ``re._parser``, internal to Python (3.11 on). Should a later Python move it,
every pattern is scanned whole: slower, never different.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

try:
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - a Python without them scans every pattern whole
    sre_constants = sre_parse = None


def _ignore_case(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# --------------------------------------------------------------------------------------

#: How many leading characters of a pattern's matches :func:`pattern_heads` tells at most.
HEAD_LENGTH = 8
#: Past this many heads a pattern's heads are cut short rather than spelled out further.
_MAX_HEADS = 64
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
            sre_constants.POSSESSIVE_REPEAT) if sre_constants else ()


def _class_letters(items: list) -> list[str] | None:
    """The characters of a character class made only of single characters, else ``None``."""
    if any(op is not sre_constants.LITERAL for op, _ in items):
        return None
    return [chr(code) for _, code in items]


def _extend(items: Iterable, heads: set[str]) -> tuple[set[str], set[str]]:
    """Extend ``heads`` (the possible starts of a match so far) over the parsed ``items``.

    Returns:
        ``(open, closed)``: heads the items after these may still lengthen, and heads that are
        final (:data:`HEAD_LENGTH` long, or followed by something that is not a plain
        character). Every match of the items, after any of ``heads``, starts with one of them.
    """
    open_, closed = set(heads), set()
    for op, argument in items:
        if not open_:
            break
        if op is sre_constants.LITERAL:
            open_ = {head + chr(argument) for head in open_}
        elif op is sre_constants.IN and (letters := _class_letters(argument)) is not None:
            open_ = {head + letter for head in open_ for letter in letters}
        elif op is sre_constants.SUBPATTERN:
            open_, inner = _extend(argument[3], open_)
            closed |= inner
        elif op is sre_constants.BRANCH:
            branches = [_extend(branch, open_) for branch in argument[1]]
            open_ = set().union(*(ends for ends, _ in branches))
            closed = closed.union(*(inner for _, inner in branches))
        elif op in _REPEATS and argument[:2] == (0, 1):
            once, inner = _extend(argument[2], open_)
            open_, closed = open_ | once, closed | inner
        elif op in _REPEATS and argument[0] >= 1:
            once, inner = _extend(argument[2], open_)
            open_, closed = set(), closed | inner | once
        else:  # an assertion, a wildcard, a longer repeat...: the heads end here
            open_, closed = set(), closed | open_
        final = {head for head in open_ if len(head) >= HEAD_LENGTH}
        open_, closed = open_ - final, closed | final
        if len(open_) + len(closed) > _MAX_HEADS:
            open_, closed = set(), closed | open_
    return open_, closed


def pattern_heads(pattern: str) -> tuple[bool, frozenset[str]] | None:
    """Tell how every match of a codebook pattern starts.

    Returns:
        ``(at_word_boundary, heads)``: every match (the pattern compiled case-insensitively)
        starts with one of ``heads`` (up to :data:`HEAD_LENGTH` characters, compared without
        case), and at a word boundary when the pattern opens with ``\\b``. ``None`` when the
        pattern can start with anything (or cannot be read).

    Examples:
        >>> boundary, heads = pattern_heads(r"\\b(?:women|woman)(?:’s)? perpetrators?\\b")
        >>> boundary, sorted(heads)
        (True, ['woman pe', 'woman’s ', 'women pe', 'women’s '])
        >>> pattern_heads(r"\\bba?me\\b") == (True, frozenset({'bame', 'bme'}))
        True
        >>> pattern_heads(r"\\(dis\\)abilit\\w*")
        (False, frozenset({'(dis)abi'}))
        >>> pattern_heads(r"\\w+ abuse") is None
        True
    """
    if sre_parse is None:
        return None
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & (re.ASCII | re.LOCALE):
        return None
    items = list(parsed)
    while items and items[0][0] is sre_constants.SUBPATTERN \
            and not items[0][1][1] & (re.ASCII | re.LOCALE):
        items = [*items[0][1][3], *items[1:]]  # a leading group: read into it
    boundary = bool(items) and items[0] == (sre_constants.AT, sre_constants.AT_BOUNDARY)
    open_, closed = _extend(items[1:] if boundary else items, {""})
    heads = frozenset(open_ | closed)
    if not heads or "" in heads:
        return None
    return boundary, heads


def _alternatives(heads: Iterable[str]) -> str:
    """A regular expression matching wherever one of ``heads`` starts, as a prefix tree (so
    that a search tries each first character once); a head that another extends stands for
    both."""
    tree: dict = {}
    for head in sorted(heads):
        node = tree
        for character in head:
            if node.get("") is True:
                break
            node = node.setdefault(character, {})
        else:
            node.clear()
            node[""] = True

    def spell(node: dict) -> str:
        if node.get("") is True:
            return ""
        branches = [re.escape(character) + spell(child) for character, child in node.items()]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return spell(tree)


def spans_from(pattern: re.Pattern[str], text: str,
                starts: list[int]) -> list[tuple[int, int]]:
    """Return the spans of ``pattern.finditer(text)``, for a pattern whose matches are never
    empty and can only start at ``starts`` (in order): each is tried where the scan would
    be, instead of scanning the whole text."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for start in starts:
        if start >= cursor and (match := pattern.match(text, start)):
            spans.append(match.span())
            cursor = match.end()
    return spans


@dataclass
class StartIndex:
    """Where in a text each pattern of some groups of patterns can start (made by
    :func:`start_index`; see :func:`pattern_heads`).

    ``bounded`` finds, in one pass, the word boundaries where a head starts (``ascii_bounded``
    the same in an ASCII text put in lower case, see :func:`_ascii_spellings`), and
    ``anywhere`` (searched from each place it finds) the other places; the
    :data:`HEAD_LENGTH` characters at each place are compared once with every head
    (``heads``: the compiled head and the ``(group, pattern)`` positions it starts) and the
    answer kept in ``seen``. Patterns whose heads are unknown (``always``) are scanned whole.
    """

    bounded: re.Pattern[str] | None
    ascii_bounded: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None
    heads: list[tuple[re.Pattern[str], tuple[tuple[int, int], ...]]]
    always: tuple[tuple[int, int], ...]
    seen: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def _places(self, text: str) -> list[int]:
        # an ASCII text is searched in lower case, case-sensitively: the same places, faster
        finder, searched = (self.ascii_bounded, text.lower()) if text.isascii() \
            else (self.bounded, text)
        places = [match.start() for match in finder.finditer(searched)] if finder else []
        if not self.anywhere:
            return places
        match = self.anywhere.search(text)
        while match:
            places.append(match.start())
            match = self.anywhere.search(text, match.start() + 1)
        return sorted(set(places))

    def candidates(self, text: str) -> dict[int, dict[int, list[int] | None]]:
        """Return, by group position, the patterns (by position) that may match ``text``,
        each with the places (in order) its matches can start, or ``None`` when unknown."""
        found: dict[tuple[int, int], list[int] | None] = dict.fromkeys(self.always)
        for place in self._places(text):
            piece = text[place: place + HEAD_LENGTH]
            pairs = self.seen.get(piece)
            if pairs is None:
                pairs = self.seen[piece] = tuple(sorted(
                    pair for head, owners in self.heads if head.match(piece) for pair in owners))
            for pair in pairs:
                found.setdefault(pair, []).append(place)
        by_group: dict[int, dict[int, list[int] | None]] = {}
        for (group, pattern), places in sorted(found.items()):
            by_group.setdefault(group, {})[pattern] = places
        return by_group


@cache
def _ascii_letters(character: str) -> frozenset[str]:
    """Return, in lower case, the ASCII characters ``character`` matches without case."""
    probe = _ignore_case(re.escape(character))
    return frozenset(chr(code).lower() for code in range(128) if probe.fullmatch(chr(code)))


def _ascii_spellings(head: str) -> set[str]:
    """Return every lower-case ASCII text that ``head`` matches without case (none when one of
    its characters matches no ASCII character).

    Examples:
        >>> sorted(_ascii_spellings("Child’s")), sorted(_ascii_spellings("Drive"))
        ([], ['drive'])
    """
    spellings = {""}
    for character in head:
        spellings = {spelling + letter for spelling in spellings
                     for letter in _ascii_letters(character)}
    return spellings


def _boundary_finder(heads: list[str], flags: int) -> re.Pattern[str] | None:
    """A search for the word boundaries where one of ``heads`` starts (``None`` for none)."""
    if not heads:
        return None
    first = "".join(sorted({re.escape(head[0]) for head in heads}))
    return re.compile(rf"\b(?=[{first}])(?={_alternatives(heads)})", flags)


@lru_cache(maxsize=8)
def start_index(pattern_groups: tuple[tuple[re.Pattern[str], ...], ...]) -> StartIndex:
    """Index the heads of every pattern of ``pattern_groups`` (one group per rule; see
    :class:`StartIndex`). Kept for the same patterns: validation and coding share it."""
    starts: dict[tuple[bool, str], list[tuple[int, int]]] = {}
    always = []
    for rule_index, patterns in enumerate(pattern_groups):
        for pattern_index, pattern in enumerate(patterns):
            told = pattern_heads(pattern.pattern)
            if told is None or pattern.flags & (re.ASCII | re.LOCALE):
                always.append((rule_index, pattern_index))
                continue
            boundary, heads = told
            for head in heads:
                starts.setdefault((boundary, head), []).append((rule_index, pattern_index))
    bounded = [head for boundary, head in starts if boundary]
    anywhere = [head for boundary, head in starts if not boundary]
    heads: dict[str, set[tuple[int, int]]] = {}
    for (_, head), pairs in starts.items():
        heads.setdefault(head, set()).update(pairs)
    return StartIndex(
        bounded=_boundary_finder(bounded, re.IGNORECASE),
        ascii_bounded=_boundary_finder(
            sorted({spelling for head in bounded for spelling in _ascii_spellings(head)}), 0),
        anywhere=_ignore_case(_alternatives(anywhere)) if anywhere else None,
        heads=[(_ignore_case(re.escape(head)), tuple(sorted(pairs)))
               for head, pairs in sorted(heads.items())],
        always=tuple(always))
