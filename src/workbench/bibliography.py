"""Read, check, tabulate and write ``references.bib``, the report's reference list.

The bibliography is parsed with bibtexparser 2 through one explicit, pinned middleware
stack (:data:`PARSE_STACK`): string references resolved, enclosing braces removed,
co-authors separated, names split into parts, LaTeX decoded. Every block bibtexparser could
not parse, every duplicate key and every entry lacking a required field becomes a
:class:`~workbench.problems.Problem` naming the line; nothing is skipped silently.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
import pandas as pd
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    AddEnclosingMiddleware,
    LatexDecodingMiddleware,
    LatexEncodingMiddleware,
    MergeCoAuthors,
    MergeNameParts,
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, Field
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from workbench.problems import Problem

#: Fields every entry must carry (``author`` may be replaced by ``organization``).
REQUIRED_FIELDS = ("title", "year")

#: Fields giving the container an entry was published in, in order of preference.
CONTAINER_FIELDS = ("journal", "booktitle", "publisher", "institution", "organization")

#: Columns of :func:`references_frame`, in order.
REFERENCE_COLUMNS = [
    "key",
    "ref_id",
    "entry_type",
    "surnames",
    "et_al",
    "year",
    "year_suffix",
    "title",
    "container",
    "source",
    "lines",
]

_KEY_SUFFIX = re.compile(r"\d{4}([a-z]?)$")
_LATEX_TO_TEXT = LatexNodes2Text()
#: Characters and pairs that LaTeX decoding changes; text without them decodes to itself.
_LATEX_SPECIALS = re.compile(r"[\\{}$~%&`]|--|''")  # ``_ ^ #`` decode to themselves
#: What needs the full decoder: text with only braces and dashes is decoded by hand.
_LATEX_MACROS = re.compile(r"[\\$~%&`]|''")


def _decode_simple(text: str) -> str:
    """Decode text whose only LaTeX is grouping braces and ``--``/``---`` dashes."""
    return text.replace("{", "").replace("}", "").replace("---", "—").replace("--", "–")


def latex_to_text(text: str) -> str:
    r"""Decode LaTeX in ``text``, skipping the (slow) decoder when there is nothing to decode.

    Examples:
        >>> latex_to_text("Vilari{\\~n}o"), latex_to_text("pp. 654--683"), latex_to_text("Kelly")
        ('Vilariño', 'pp. 654–683', 'Kelly')
    """
    if not _LATEX_SPECIALS.search(text):
        return text
    if not _LATEX_MACROS.search(text):
        return _decode_simple(text)
    return _LATEX_TO_TEXT.latex_to_text(text)


class FastLatexDecodingMiddleware(LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, with plain text passed through untouched (same result)."""

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if _LATEX_MACROS.search(python_string):
            return super()._transform_python_value_string(python_string)
        return _decode_simple(python_string), ""


def parse_stack() -> list:
    """Return the middleware stack every read of ``references.bib`` uses, in order.

    The order matters: names are split *before* LaTeX decoding so that a braced corporate
    author such as ``{Home Office}`` stays one name (its braces are removed later, by
    :func:`plain_name`).
    """
    return [
        ResolveStringReferencesMiddleware(),
        RemoveEnclosingMiddleware(),
        SeparateCoAuthors(),
        SplitNameParts(),
        FastLatexDecodingMiddleware(),
    ]


class ProtectTitleCase(BlockMiddleware):
    """Wrap each decoded ``title`` in braces before writing, so styles keep its printed case."""

    def __init__(self, allow_inplace_modification: bool = True):
        super().__init__(
            allow_inplace_modification=allow_inplace_modification, allow_parallel_execution=True
        )

    @classmethod
    def metadata_key(cls) -> str:
        """Key under which bibtexparser records this middleware's work."""
        return "protect_title_case"

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        """Brace the title of one entry."""
        title = entry.fields_dict.get("title")
        if title is not None and isinstance(title.value, str):
            entry.set_field(Field("title", "{" + title.value + "}"))
        return entry


def _special_characters_encoder() -> UnicodeToLatexEncoder:
    """Escape only the characters LaTeX reserves; other Unicode is written as UTF-8."""
    specials = {ord(c): "\\" + c for c in "&%$#"}
    return UnicodeToLatexEncoder(
        conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, specials)],
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


def unparse_stack() -> list:
    """Return the middleware stack :func:`write_bibliography` uses: the inverse of reading.

    No middleware may modify in place, so writing never changes the library written.
    """
    return [
        LatexEncodingMiddleware(
            allow_inplace_modification=False, encoder=_special_characters_encoder()
        ),
        ProtectTitleCase(allow_inplace_modification=False),
        MergeNameParts(allow_inplace_modification=False),
        MergeCoAuthors(allow_inplace_modification=False),
        AddEnclosingMiddleware(
            allow_inplace_modification=False,
            default_enclosing="{",
            reuse_previous_enclosing=False,
            enclose_integers=True,
        ),
    ]


def read_bibliography(path: Path) -> tuple[Library, list[Problem]]:
    """Parse a BibTeX file and report everything wrong with it.

    Args:
        path: the ``references.bib`` to read.

    Returns:
        The parsed library (entries that parsed, names split into parts, LaTeX decoded) and
        the problems found: an unreadable or missing file, blocks bibtexparser could not
        parse, duplicate keys, and entries without ``title``, ``year`` or an
        ``author``/``organization``. Each problem names the file, the line and a fix.
    """
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Library(), [
            Problem(
                name,
                None,
                None,
                "file is missing: restore the reference list (references.bib) beside corpus/",
            )
        ]
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return Library(), [
            Problem(name, line, None, "is not valid UTF-8: re-save the file as UTF-8")
        ]
    except OSError as error:
        return Library(), [
            Problem(
                name, None, None, f"cannot be read ({error.strerror}): check the file's permissions"
            )
        ]
    # bibtexparser also logs each failed block; the problems below say it once, with a fix
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text, parse_stack=parse_stack())
    finally:
        logger.setLevel(level)
    return library, _failed_block_problems(name, library) + _entry_problems(name, library)


def _line(block) -> int | None:
    """1-based line of a block (bibtexparser counts from 0)."""
    return None if block.start_line is None else block.start_line + 1


def entry_lines(library: Library) -> dict[str, int]:
    """Return the 1-based line of each entry of ``library`` in its file, by key.

    Validators of other tables use it to point at the entry a problem concerns.
    """
    return {entry.key: line for entry in library.entries if (line := _line(entry)) is not None}


def _failed_block_problems(name: str, library: Library) -> list[Problem]:
    problems = []
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            previous = _line(block.previous_block)
            problems.append(
                Problem(
                    name,
                    _line(block),
                    "key",
                    f"duplicate key '{block.key}' "
                    f"(first used on line {previous}): give one of the two "
                    "entries its own key, e.g. with an a/b year suffix",
                )
            )
        elif isinstance(block, DuplicateFieldKeyBlock):
            for field in sorted(block.duplicate_keys):
                entry = block.ignore_error_block  # typed Block; bibtexparser puts the Entry
                key = entry.key if isinstance(entry, Entry) else "?"
                problems.append(
                    Problem(
                        name,
                        _line(block),
                        field,
                        f"entry '{key}' has the field '{field}' more than once: keep one",
                    )
                )
        else:
            error = block.error
            reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
            reason = " ".join(reason.split()).rstrip(".")
            problems.append(
                Problem(
                    name,
                    _line(block),
                    None,
                    f"entry cannot be parsed ({reason}): check its braces, commas and '=' signs",
                )
            )
    return problems


def _entry_problems(name: str, library: Library) -> list[Problem]:
    problems = []
    for entry in library.entries:
        fields = entry.fields_dict
        if not entry.key.strip() or entry.key != entry.key.strip():
            problems.append(
                Problem(
                    name,
                    _line(entry),
                    "key",
                    f"entry has the key "
                    f"{entry.key!r}; give it a key of its own such as "
                    "almeida1999 (first author and year), with no spaces",
                )
            )
        for required in REQUIRED_FIELDS:
            if not _text(fields.get(required)):
                problems.append(
                    Problem(
                        name,
                        _line(entry),
                        required,
                        f"entry '{entry.key}' "
                        f"has no {required}: add it as printed in the "
                        "reference list",
                    )
                )
        if not fields.get("author") and not _text(fields.get("organization")):
            problems.append(
                Problem(
                    name,
                    _line(entry),
                    "author",
                    f"entry '{entry.key}' has "
                    "no author or organization: add the author(s) as printed "
                    "('Last, First and Last, First'; a body in double braces)",
                )
            )
    return problems


def _text(field: Field | None) -> str:
    return field.value.strip() if field is not None and isinstance(field.value, str) else ""


def plain_name(parts: NameParts) -> str:
    """Return the printed surname of one parsed author (von part + last name, LaTeX decoded).

    Examples:
        >>> plain_name(NameParts(first=["R."], last=["Parra-Cardona"]))
        'Parra-Cardona'
        >>> plain_name(NameParts(last=["{Home Office}"]))
        'Home Office'
    """
    return latex_to_text(" ".join(parts.von + parts.last)).strip()


def entry_surnames(entry: Entry) -> tuple[str, ...]:
    """Return the surnames of an entry's authors in order (``others`` from *et al.* dropped).

    A corporate author (``{Home Office}``) is one name; an entry with only an
    ``organization`` gives that organization.
    """
    authors = entry.fields_dict.get("author")
    if authors is not None and isinstance(authors.value, list):
        names = [plain_name(p) if isinstance(p, NameParts) else str(p) for p in authors.value]
        return tuple(n for n in names if n and n != "others")
    return (_text(entry.fields_dict.get("organization")),) if "organization" in entry else ()


def _has_others(entry: Entry) -> bool:
    """Whether the author list ends with ``and others`` (the list's *et al.*)."""
    authors = entry.fields_dict.get("author")
    if authors is None or not isinstance(authors.value, list) or not authors.value:
        return False
    last = authors.value[-1]
    return isinstance(last, NameParts) and plain_name(last) == "others"


def references_frame(library: Library) -> pd.DataFrame:
    """Tabulate the bibliography: one row per entry, sorted by key.

    Citation resolution and the evidence graph work on this table rather than on
    bibtexparser objects.

    Returns:
        A DataFrame with columns :data:`REFERENCE_COLUMNS`: ``key``, ``ref_id``
        (``ref:<key>``), ``entry_type``, ``surnames`` (tuple), ``et_al`` (the author list
        ends with ``and others``, as for "Hester, M. et al."), ``year`` (string as given),
        ``year_suffix`` (``a``/``b`` from the key, else ``""``), ``title``, ``container``
        (journal, book, publisher or institution), ``source`` and ``lines``.
    """
    rows = []
    for entry in library.entries:
        fields = entry.fields_dict
        suffix = _KEY_SUFFIX.search(entry.key)
        container = next(
            (_text(fields.get(f)) for f in CONTAINER_FIELDS if _text(fields.get(f))), ""
        )
        rows.append(
            {
                "key": entry.key,
                "ref_id": f"ref:{entry.key}",
                "entry_type": entry.entry_type.lower(),
                "surnames": entry_surnames(entry),
                "et_al": _has_others(entry),
                "year": _text(fields.get("year")),
                "year_suffix": suffix.group(1) if suffix else "",
                "title": _text(fields.get("title")),
                "container": container,
                "source": _text(fields.get("source")),
                "lines": _text(fields.get("lines")),
            }
        )
    frame = pd.DataFrame(rows, columns=REFERENCE_COLUMNS)
    return frame.sort_values("key", ignore_index=True)


def write_bibliography(library: Library, path: Path) -> Path:
    """Write a library read by :func:`read_bibliography` back to a ``.bib`` file.

    Names are merged back into ``Last, First and ...`` form, LaTeX's reserved characters
    escaped and titles braced, so reading the written file gives back every entry and field.

    Returns:
        The path written.
    """
    path = Path(path)
    text = bibtexparser.write_string(library, unparse_stack=unparse_stack())
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
