"""Read and validate a corpus root: ``corpus/`` (a Frictionless Data Package) and the bibliography.

The descriptor ``corpus/datapackage.json`` is the single source of truth for the shape of
every table: field names and order, types, ``required``/``unique``/``enum``/``pattern``/
``minimum``/``maximum``/``maxLength`` constraints, primary keys and foreign keys. This module
checks every CSV against it and reports *every* problem at once, each naming the file, the
row and the column, so that a reviewer editing the corpus in a spreadsheet can fix them all
in one pass. The Frictionless tooling is the independent check of the same descriptor (see
the tests); this module gives the fast, friendly messages.

The cross-table rules that need the model's own reading of the tables (the crosswalk, the
codebook, the works) live beside that code and are passed in (``check_root``'s ``rules``):
``workbench.validation`` composes the two into ``validate_root`` and ``load_corpus``, so that
the loader imports nothing above its layer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import re2

from workbench.bibliography import read_bibliography, references_frame
from workbench.problems import Problem, Suggestions

CORPUS_DIR = "corpus"
DESCRIPTOR = "datapackage.json"
BIBLIOGRAPHY = "references.bib"
#: The folder of shipped sources, in a corpus root and in a build's output alike.
SOURCES_DIR = "sources"

csv.field_size_limit(2**31 - 1)  # field length is checked against maxLength instead


@dataclass(frozen=True)
class Corpus:
    """A validated corpus: one DataFrame per resource of the data package, plus the bibliography.

    Attributes:
        root: the corpus root (holds ``corpus/`` and ``references.bib``).
        descriptor: the parsed ``datapackage.json``.
        tables: one DataFrame per resource, columns in schema order; empty cells are
            missing values and integer fields are nullable ``Int64``.
        bibliography: the parsed ``references.bib`` (a bibtexparser ``Library``).
        references: one row per bibliography entry (see ``bibliography.references_frame``).
        digests: the SHA-256 of every file the corpus was read from, by resource name,
            ``datapackage.json`` and ``references.bib`` (what a build's cache keys on).
    """

    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    bibliography: Any = None
    references: pd.DataFrame = field(default_factory=pd.DataFrame)
    digests: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """Return the table of resource ``name``; raise ``KeyError`` naming the known ones."""
        try:
            return self.tables[name]
        except KeyError:
            known = ", ".join(sorted(self.tables))
            raise KeyError(f"no table {name!r} in the corpus (known: {known})") from None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.table(name)

    def resource(self, name: str) -> dict[str, Any]:
        """Return the descriptor of resource ``name``."""
        for resource in self.descriptor["resources"]:
            if resource["name"] == name:
                return resource
        raise KeyError(name)


# --------------------------------------------------------------------------------------
# Reading one CSV
# --------------------------------------------------------------------------------------


@dataclass
class _RawTable:
    """The cells of one CSV as strings, with the record number of each data row."""

    name: str
    file: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]


def _read_text(path: Path, file: str, problems: list[Problem]) -> str | None:
    if not path.exists():
        problems.append(
            Problem(
                file,
                None,
                None,
                "file is missing; restore it from version "
                "control or remove its resource from corpus/datapackage.json",
            )
        )
        return None
    if not path.is_file():
        problems.append(
            Problem(
                file,
                None,
                None,
                "is a folder or a special file, not a CSV file; put the table's CSV file "
                "in its place (restore it from version control)",
            )
        )
        return None
    data = path.read_bytes()
    if not data.strip():
        problems.append(
            Problem(
                file,
                None,
                None,
                "file is empty; it needs at least the header "
                "row of field names from corpus/datapackage.json",
            )
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(
            Problem(
                file,
                1,
                None,
                "file starts with a byte-order mark (as some "
                "spreadsheets save it); re-save as UTF-8 without BOM, e.g. "
                "`workbench tidy`",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(
            Problem(
                file,
                line,
                None,
                f"not valid UTF-8 (byte 0x{data[err.start]:02x}"
                f" at offset {err.start}); re-save the file as UTF-8, or convert "
                f"this file alone: `workbench tidy {file} --from-encoding "
                "cp1252` (or the encoding it was saved in)",
            )
        )
        return None
    if "\r\n" in text:
        line = text[: text.index("\r\n")].count("\n") + 1
        problems.append(
            Problem(
                file,
                line,
                None,
                "Windows (CRLF) line ends; re-save with Unix (LF) line ends, e.g. `workbench tidy`",
            )
        )
    elif "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        problems.append(
            Problem(
                file,
                line,
                None,
                "old Mac (CR) line ends; re-save with Unix (LF) line ends, e.g. `workbench tidy`",
            )
        )
    return text.removeprefix("\ufeff")


def _read_csv(name: str, path: Path, file: str, problems: list[Problem]) -> _RawTable | None:
    text = _read_text(path, file, problems)
    if text is None:
        return None
    reader = csv.reader(
        io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"), newline=""), strict=True
    )
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        header = next(reader)
        for record in reader:
            if not record:
                continue
            rows.append(record)
            numbers.append(len(rows) + 1)
    except csv.Error as err:
        problems.append(
            Problem(
                file,
                len(rows) + 2,
                None,
                f"malformed CSV ({err}); check the quoting of this record",
            )
        )
        return None
    return _RawTable(name, file, header, rows, numbers)


# --------------------------------------------------------------------------------------
# Checking one table against its schema
# --------------------------------------------------------------------------------------

_INTEGER = re.compile(r"^-?[0-9]+$")


def _check_header(table: _RawTable, fields: list[dict], problems: list[Problem]) -> bool:
    expected = [f["name"] for f in fields]
    if table.header == expected:
        return True
    first: dict[str, int] = {}
    duplicated = False
    for position, name in enumerate(table.header, start=1):
        if name in first:
            duplicated = True
            problems.append(
                Problem(
                    table.file,
                    1,
                    name or "(blank)",
                    (
                        f"column appears twice in the header (columns {first[name]} and "
                        f"{position}); "
                        "remove or rename one"
                    ),
                )
            )
        first.setdefault(name, position)
    for name in expected:
        if name not in table.header:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name,
                    "required column is missing; add it "
                    "to the header (see corpus/datapackage.json)",
                )
            )
    for name in table.header:
        if name not in expected:
            problems.append(
                Problem(
                    table.file,
                    1,
                    name or "(blank)",
                    "unexpected column; remove it or declare it in corpus/datapackage.json",
                )
            )
    if sorted(table.header) == sorted(expected) or (
        not duplicated and set(table.header) == set(expected)
    ):
        problems.append(
            Problem(
                table.file, 1, None, "columns are out of order; expected " + ", ".join(expected)
            )
        )
    return False


@dataclass(frozen=True)
class _FieldRules:
    """The checks of one schema field, read once from its descriptor (not once per cell)."""

    name: str
    required: bool
    integer: bool
    minimum: int | None
    maximum: int | None
    enum: tuple[str, ...] | None
    pattern: str | None
    #: ``pattern`` compiled on UTF-8 bytes: the same matches, without the RE2 wrapper's
    #: conversion of every match's offsets from bytes to characters (3 times as fast)
    utf8_pattern: Any
    max_length: int | None

    @classmethod
    def of(cls, spec: dict) -> _FieldRules:
        constraints = spec.get("constraints", {})
        enum = constraints.get("enum")
        pattern = constraints.get("pattern")
        return cls(
            spec["name"],
            bool(constraints.get("required")),
            spec.get("type") == "integer",
            constraints.get("minimum"),
            constraints.get("maximum"),
            tuple(enum) if enum is not None else None,
            pattern,
            compile_field_pattern(pattern.encode("utf-8")) if pattern is not None else None,
            constraints.get("maxLength"),
        )


def compile_field_pattern(pattern: str | bytes) -> Any:
    """Compile a field's ``pattern`` constraint under RE2 (case-sensitive; linear time on any
    value, whatever the pattern); a ``bytes`` pattern matches UTF-8 bytes. Raises
    ``re2.error`` when RE2 rejects it."""
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


def shown(value: str, limit: int = 60) -> str:
    """Return ``value`` quoted for a message; a value holding characters outside ASCII (an id
    with a Cyrillic ``о`` looks just like one with a Latin ``o``) also gets their code points.

    Examples:
        >>> shown("roundtable:2")
        "'roundtable:2'"
        >>> shown("r\u043eundtable:2")
        "'rоundtable:2' (holds U+043E CYRILLIC SMALL LETTER O at character 2, not ASCII)"
    """
    text = repr(value[:limit])
    odd = [(i, c) for i, c in enumerate(value, start=1) if not c.isascii()]
    if not odd:
        return text
    listed = ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')} at character {i}"
        for i, c in odd[:3]
    )
    more = f" and {len(odd) - 3} more" if len(odd) > 3 else ""
    return f"{text} (holds {listed}{more}, not ASCII)"


def _cell_messages(value: str, rules: _FieldRules) -> tuple[str, ...]:
    """What is wrong with ``value`` in the field ``rules``: one message per failed check."""
    if value == "":
        return ("required value is empty; fill it in",) if rules.required else ()
    messages: list[str] = []
    if value != value.strip():
        messages.append("value has leading or trailing white space; remove it")
    if rules.integer:
        if not _INTEGER.match(value):
            messages.append(f"{value[:40]!r} is not a whole number")
            return tuple(messages)
        number = int(value)
        if rules.minimum is not None and number < rules.minimum:
            messages.append(f"{number} is below the minimum {rules.minimum}")
        if rules.maximum is not None and number > rules.maximum:
            messages.append(f"{number} is above the maximum {rules.maximum}")
    if rules.enum is not None and value not in rules.enum:
        allowed = ", ".join(rules.enum)
        messages.append(f"{shown(value)} is not allowed; use one of: {allowed}")
    if rules.pattern is not None and not rules.utf8_pattern.fullmatch(value.encode("utf-8")):
        messages.append(f"{shown(value)} does not match the pattern {rules.pattern}")
    if rules.max_length is not None and len(value) > rules.max_length:
        messages.append(f"value is {len(value)} characters long; the limit is {rules.max_length}")
    return tuple(messages)


def _check_rows(
    table: _RawTable, fields: list[dict], problems: list[Problem]
) -> tuple[set[int], set[int]]:
    """Check every record against the fields; return the rows that failed a check, and those
    of them that do not even have the header's number of fields."""
    width = len(fields)
    bad: set[int] = set()
    malformed: set[int] = set()
    checks = [_FieldRules.of(spec) for spec in fields]
    whole: list[list[str]] = []  # the records with the header's number of fields
    numbers: list[int] = []
    for record, row in zip(table.rows, table.row_numbers, strict=True):
        if len(record) == width:
            whole.append(record)
            numbers.append(row)
            continue
        problems.append(
            Problem(
                table.file,
                row,
                None,
                f"record has {len(record)} fields, "
                f"the header has {width}; check for a missing or extra "
                "comma or an unclosed quote",
            )
        )
        bad.add(row)
        malformed.add(row)
    # a value's messages depend on the value and the field alone: each distinct value of a
    # column is checked once (ids and enums repeat; 1.07 million cells, 125,000 values at
    # 100x), and only a column with a wrong value is scanned for the rows holding it
    for index, rules in enumerate(checks):
        column = [record[index] for record in whole]
        wrong = {
            value: messages for value in set(column) if (messages := _cell_messages(value, rules))
        }
        if not wrong:
            continue
        for value, row in zip(column, numbers, strict=True):
            if value in wrong:
                bad.add(row)
                problems.extend(Problem(table.file, row, rules.name, m) for m in wrong[value])
    for spec in fields:
        if spec.get("constraints", {}).get("unique"):
            _check_unique(table, [spec["name"]], problems, "unique")
    return bad, malformed


def _column(table: _RawTable, name: str) -> list[str]:
    index = table.header.index(name)
    return [record[index] if index < len(record) else "" for record in table.rows]


def _check_unique(table: _RawTable, names: list[str], problems: list[Problem], what: str) -> None:
    columns = [_column(table, n) for n in names]
    keys = list(zip(*columns, strict=True))
    blank = ("",) * len(names)
    # no key repeats but the blank one (which is skipped): nothing to report
    if len(set(keys)) >= len(keys) - max(keys.count(blank) - 1, 0):
        return
    seen: dict[tuple[str, ...], int] = {}
    for key, row in zip(keys, table.row_numbers, strict=True):
        if all(part == "" for part in key):
            continue
        if key in seen:
            problems.append(
                Problem(
                    table.file,
                    row,
                    ", ".join(names),
                    f"duplicate {what} value {shown(' / '.join(key))} (first in "
                    f"row {seen[key]}); ids must be unique",
                )
            )
        else:
            seen[key] = row


def _check_foreign_keys(
    name: str,
    tables: dict[str, _RawTable],
    good: dict[str, _RawTable],
    schema: dict,
    problems: list[Problem],
) -> None:
    """Check the foreign keys of the rows of ``name`` that passed their own checks (``good``)
    against every row of the table they point into (``tables``: an id exists even when another
    cell of its row is wrong)."""
    table = good[name]
    for fk in schema.get("foreignKeys", []):
        fields = _as_list(fk["fields"])
        target_name = fk["reference"].get("resource") or name
        target = tables.get(target_name)
        if target is None:
            continue
        target_fields = _as_list(fk["reference"]["fields"])
        if any(f not in target.header for f in target_fields):
            continue
        allowed = set(zip(*(_column(target, f) for f in target_fields), strict=True))
        suggest = Suggestions(" / ".join(key) for key in allowed if all(key))
        columns = [_column(table, f) for f in fields]
        for key, row in zip(zip(*columns, strict=True), table.row_numbers, strict=True):
            if all(part == "" for part in key) or key in allowed:
                continue
            problems.append(
                Problem(
                    table.file,
                    row,
                    ", ".join(fields),
                    f"{shown(' / '.join(key))} does not exist in "
                    f"{target.file} ({', '.join(target_fields)}); "
                    f"{suggest(' / '.join(key))}fix the id or add the missing row there",
                )
            )


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _to_frame(table: _RawTable, fields: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(table.rows, columns=table.header, dtype=object)
    frame = frame.replace("", None)
    for spec in fields:
        if spec.get("type") == "integer":
            frame[spec["name"]] = pd.array(
                [
                    int(v) if v is not None and _INTEGER.match(v) else None
                    for v in frame[spec["name"]]
                ],
                dtype="Int64",
            )
    return frame


# --------------------------------------------------------------------------------------
# The whole root
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RootRead:
    """A corpus root as read and not yet accepted: what a cross-table rule checks.

    Attributes:
        tables: every table's well-formed rows by resource name (a row whose cells could not
            be typed is left out; a value the schema rejected is still there).
        descriptor: the parsed ``datapackage.json``.
        library: the parsed ``references.bib``, or ``None`` when it could not be read.
        references: one row per bibliography entry, or ``None`` likewise.
    """

    tables: dict[str, pd.DataFrame]
    descriptor: dict[str, Any]
    library: Any
    references: pd.DataFrame | None


#: A cross-table rule: the root as read in, every problem it finds out.
Rule = Callable[[RootRead], list[Problem]]


def _check_stated_gap_rows(read: RootRead) -> list[Problem]:
    """A stated gap's ``row_id`` names an existing standard or guideline (a foreign key to
    either of two tables, which the descriptor cannot declare)."""
    tables = read.tables
    gaps = tables.get("stated_gaps")
    if gaps is None or "row_id" not in gaps:
        return []
    known = set()
    for name, key in (("standards", "standard_id"), ("guidelines", "guideline_id")):
        if name in tables and key in tables[name]:
            known.update(tables[name][key].dropna())
    suggest = Suggestions(sorted(known))
    return [
        Problem(
            f"{CORPUS_DIR}/stated_gaps.csv",
            row,
            "row_id",
            f"{value!r} is neither a standard in {CORPUS_DIR}/standards.csv nor a "
            f"guideline in {CORPUS_DIR}/guidelines.csv; {suggest(value)}fix the id, or leave "
            "it empty for a statement that stands under no standard",
        )
        for row, value in enumerate(gaps["row_id"], start=2)
        if value is not None and value not in known
    ]


def _check_expected_counts(
    tables: dict[str, pd.DataFrame], descriptor: dict[str, Any]
) -> list[Problem]:
    """Counts that the sources fix (``x-expectedRows`` in the descriptor) must hold."""
    problems = []
    for resource in descriptor["resources"]:
        expected = resource.get("x-expectedRows")
        table = tables.get(resource["name"])
        if expected is None or table is None:
            continue
        if len(table) != expected["count"]:
            problems.append(
                Problem(
                    f"{CORPUS_DIR}/{resource['path']}",
                    None,
                    None,
                    f"holds {len(table)} rows but the sources fix "
                    f"{expected['count']} ({expected['evidence']}); add or "
                    "remove rows, or update x-expectedRows in datapackage.json",
                )
            )
    return problems


def _expected_counts(read: RootRead) -> list[Problem]:
    return _check_expected_counts(read.tables, read.descriptor)


def _check_bibliography_count(library: Any, descriptor: dict[str, Any]) -> list[Problem]:
    expected = descriptor.get("x-bibliography", {}).get("expectedEntries")
    if library is None or expected is None or len(library.entries) == expected["count"]:
        return []
    return [
        Problem(
            BIBLIOGRAPHY,
            None,
            None,
            f"holds {len(library.entries)} entries but the "
            f"sources fix {expected['count']} ({expected['evidence']}); add or remove "
            "entries, or update x-bibliography in corpus/datapackage.json",
        )
    ]


# --------------------------------------------------------------------------------------
# The descriptor
# --------------------------------------------------------------------------------------

#: The tables the workbench reads by name: a descriptor must declare each of them.
REQUIRED_RESOURCES = (
    "documents",
    "standards",
    "guidelines",
    "narratives",
    "intervention_types",
    "programmes",
    "roundtables",
    "consultations",
    "frameworks",
    "framework_items",
    "collated_standards",
    "searches",
    "source_issues",
    "codebook",
    "coding_overrides",
    "crosswalk",
    "crosswalk_dispositions",
)
_DESCRIPTOR_FILE = f"{CORPUS_DIR}/{DESCRIPTOR}"
_TEXT_PROPERTIES = ("name", "title", "description")
_CONSTRAINT_TYPES: dict[str, tuple[type, ...]] = {
    "required": (bool,),
    "unique": (bool,),
    "enum": (list,),
    "pattern": (str,),
    "minimum": (int,),
    "maximum": (int,),
    "maxLength": (int,),
}


def _kind(value: object) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true or false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), "a value")


def check_descriptor(descriptor: dict[str, Any]) -> list[Problem]:
    """Check the parts of ``datapackage.json`` the workbench reads before it reads any table.

    Every property the code reads must be there and of the right type: the package's
    ``name``, ``title`` and ``description`` are strings; each resource has a unique string
    ``name``, a string ``path`` and a ``schema`` whose ``fields`` each have a unique string
    ``name``; constraints, keys and expected counts have their documented types; and every
    table the workbench reads (``REQUIRED_RESOURCES``) is declared. Where the path leads is
    checked by :func:`resource_files`.

    Returns:
        One problem per fault, as ``corpus/datapackage.json: PLACE: message`` (``PLACE`` like
        ``resources[3].schema``).
    """
    problems: list[Problem] = []

    def fault(place: str, message: str) -> None:
        problems.append(Problem(_DESCRIPTOR_FILE, None, place, message))

    for key in _TEXT_PROPERTIES:
        if key in descriptor and not isinstance(descriptor[key], str):
            fault(key, f"is {_kind(descriptor[key])}; it must be a string")
    names: dict[str, int] = {}
    for index, resource in enumerate(descriptor["resources"]):
        place = f"resources[{index}]"
        if not isinstance(resource, dict):
            fault(place, f"is {_kind(resource)}; each resource must be an object")
            continue
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            fault(
                f"{place}.name",
                "is missing or not a string; give the resource a name (e.g. roundtables)",
            )
        elif name in names:
            fault(
                f"{place}.name",
                f"{name!r} is already the name of resources[{names[name]}]; "
                "resource names must be unique",
            )
        else:
            names[name] = index
        place = f"{place} ({name})" if isinstance(name, str) and name else place
        for key in ("title", "description"):
            if key in resource and not isinstance(resource[key], str):
                fault(f"{place}.{key}", f"is {_kind(resource[key])}; it must be a string")
        if not isinstance(resource.get("path"), str) or not resource.get("path"):
            fault(
                f"{place}.path",
                "is missing or not a string; give the CSV's path inside "
                "corpus/ (e.g. roundtables.csv)",
            )
        problems.extend(_schema_problems(resource.get("schema"), f"{place}.schema"))
        for key, value in (("x-expectedRows", resource.get("x-expectedRows")),):
            if value is not None and not _is_count(value):
                fault(
                    f"{place}.{key}",
                    "must be an object with a whole-number count and an evidence string",
                )
    expected = descriptor.get("x-bibliography", {})
    if not isinstance(expected, dict) or (
        expected.get("expectedEntries") is not None and not _is_count(expected["expectedEntries"])
    ):
        fault(
            "x-bibliography",
            "must be an object whose expectedEntries has a whole-number "
            "count and an evidence string",
        )
    for name in REQUIRED_RESOURCES:
        if name not in names:
            fault(
                "resources",
                f"no resource named {name!r}: the workbench reads this table; "
                f"declare it (its path and schema) as in the shipped datapackage.json",
            )
    return problems


def _is_count(value: object) -> bool:
    return (
        isinstance(value, dict)
        and type(value.get("count")) is int
        and isinstance(value.get("evidence"), str)
    )


def _schema_problems(schema: object, place: str) -> list[Problem]:
    problems: list[Problem] = []

    def fault(where: str, message: str) -> None:
        problems.append(Problem(_DESCRIPTOR_FILE, None, where, message))

    if not isinstance(schema, dict):
        fault(place, "is missing or not an object; give the resource a schema with its fields")
        return problems
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        fault(f"{place}.fields", "is missing or not a list; list the table's columns")
        return problems
    names: set[str] = set()
    for index, spec in enumerate(fields):
        where = f"{place}.fields[{index}]"
        if not isinstance(spec, dict):
            fault(where, f"is {_kind(spec)}; each field must be an object")
            continue
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            fault(f"{where}.name", "is missing or not a string; name the column")
        elif name in names:
            fault(f"{where}.name", f"{name!r} is declared twice; column names must be unique")
        else:
            names.add(name)
        if "type" in spec and not isinstance(spec["type"], str):
            fault(f"{where}.type", f"is {_kind(spec['type'])}; it must be a string")
        constraints = spec.get("constraints", {})
        if not isinstance(constraints, dict):
            fault(f"{where}.constraints", f"is {_kind(constraints)}; it must be an object")
            continue
        for key, types in _CONSTRAINT_TYPES.items():
            value = constraints.get(key)
            if value is None:
                continue
            if not isinstance(value, types) or (int in types and isinstance(value, bool)):
                fault(
                    f"{where}.constraints.{key}",
                    f"is {_kind(value)}; it must be {_kind(types[0]())}",
                )
            elif (
                key == "enum"
                and isinstance(value, list)
                and not all(isinstance(v, str) for v in value)
            ):
                fault(f"{where}.constraints.enum", "must be a list of strings")
            elif key == "pattern" and isinstance(value, str):
                try:
                    compile_field_pattern(value)
                except re2.error as error:
                    reason = error.args[0] if error.args else error
                    if isinstance(reason, bytes):
                        reason = reason.decode("utf-8", "replace")
                    fault(
                        f"{where}.constraints.pattern",
                        (
                            f"{value!r} is not accepted by RE2 ({reason}); patterns run under "
                            "RE2 (linear time), which has no look-around or back-references"
                        ),
                    )
                except UnicodeEncodeError:
                    fault(
                        f"{where}.constraints.pattern",
                        f"{value!r} holds a lone surrogate, which is no Unicode character; "
                        "write the character itself or a class of real characters",
                    )
    for key, where in _key_fields(schema, place, fault):
        if key not in names:
            fault(where, f"names {key!r}, which is not a field of this schema")
    return problems


def _key_fields(
    schema: dict, place: str, fault: Callable[[str, str], None]
) -> list[tuple[str, str]]:
    """The field names the primary and foreign keys of ``schema`` name (after type checks)."""
    named: list[tuple[str, str]] = []
    primary = schema.get("primaryKey", [])
    if not _names(primary):
        fault(f"{place}.primaryKey", "must be a field name or a list of them")
    else:
        named += [(key, f"{place}.primaryKey") for key in _as_list(primary)]
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        fault(f"{place}.foreignKeys", "must be a list")
        return named
    for index, fk in enumerate(foreign):
        where = f"{place}.foreignKeys[{index}]"
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if (
            not isinstance(fk, dict)
            or not _names(fk.get("fields"))
            or not isinstance(reference, dict)
            or not _names(reference.get("fields"))
            or not isinstance(reference.get("resource", ""), str)
        ):
            fault(
                where,
                "must have fields (a name or list) and a reference with fields and "
                "an optional resource name",
            )
            continue
        named += [(key, f"{where}.fields") for key in _as_list(fk["fields"])]
    return named


def _names(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def resource_files(root: Path, descriptor: dict[str, Any]) -> tuple[dict[str, Path], list[Problem]]:
    """Return the file of every resource (``corpus/x.csv`` → its path), refusing a path that
    leads outside ``corpus/``: an absolute path, one with ``..``, or a link that resolves
    elsewhere. Nothing outside ``corpus/`` is ever read or written.

    Returns:
        The files by the name shown in messages, and one problem per refused path.
    """
    corpus_dir = Path(root) / CORPUS_DIR
    real_dir = corpus_dir.resolve()
    files: dict[str, Path] = {}
    problems = []
    for index, resource in enumerate(descriptor["resources"]):
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or not path:
            continue
        pure = PurePosixPath(path)
        outside = (
            pure.is_absolute()
            or ".." in pure.parts
            or "\\" in path
            or not (corpus_dir / pure).resolve().is_relative_to(real_dir)
        )
        if outside:
            problems.append(
                Problem(
                    _DESCRIPTOR_FILE,
                    None,
                    f"resources[{index}].path",
                    (
                        f"{path!r} leads outside corpus/; a resource's path must be a file inside "
                        "corpus/ (e.g. roundtables.csv), and nothing outside it is read"
                    ),
                )
            )
            continue
        files[f"{CORPUS_DIR}/{path}"] = corpus_dir / pure
    return files, problems


def read_descriptor(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Return the parsed ``corpus/datapackage.json`` of ``root`` and any problem reading it."""
    file = f"{CORPUS_DIR}/{DESCRIPTOR}"
    path = Path(root) / CORPUS_DIR / DESCRIPTOR
    if not path.exists():
        return None, [
            Problem(
                file,
                None,
                None,
                "file is missing; a corpus root needs "
                "corpus/datapackage.json (is --root the right folder?)",
            )
        ]
    if not path.is_file():
        return None, [
            Problem(
                file,
                None,
                None,
                "is a folder or a special file, not a JSON file; put the corpus's "
                "descriptor in its place (restore it from version control)",
            )
        ]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        row = getattr(err, "lineno", None)
        return None, [Problem(file, row, None, f"not valid UTF-8 JSON ({err})")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Problem(file, None, "resources", "the descriptor needs a list of resources")]
    return descriptor, []


def check_root(root: Path, rules: Iterable[Rule]) -> tuple[Corpus | None, list[Problem]]:
    """Check every file of a corpus root, run ``rules`` on it, and return the corpus (if valid)
    and all problems.

    The loader's checks: schema checks on every CSV, primary and foreign keys across tables,
    cycles, the bibliography, counts the sources fix and the rows of stated gaps. ``rules``
    are the model's cross-table rules, run in the same pass on every well-formed row when
    every table could be read (``workbench.validation.MODEL_RULES``; use
    ``workbench.validation.validate_root``, which passes them). It never raises on bad input.

    Returns:
        The ``Corpus`` and no problems, or ``None`` and every problem found, sorted.
    """
    root = Path(root)
    descriptor, problems = read_descriptor(root)
    if descriptor is None:
        return None, problems
    problems.extend(check_descriptor(descriptor))
    files, path_problems = resource_files(root, descriptor)
    problems.extend(path_problems)
    if problems:  # the schema of every table: nothing can be checked against a broken one
        return None, sorted(set(problems), key=_order)

    raw: dict[str, _RawTable] = {}
    bad_rows: dict[str, set[int]] = {}
    malformed: dict[str, set[int]] = {}
    clean: set[str] = set()
    for resource in descriptor["resources"]:
        name, schema = resource["name"], resource["schema"]
        file = f"{CORPUS_DIR}/{resource['path']}"
        table = _read_csv(name, files[file], file, problems)
        if table is None:
            continue
        before = len(problems)
        if not _check_header(table, schema["fields"], problems):
            if len(problems) == before:  # never a table left out without saying why
                problems.append(
                    Problem(
                        file,
                        1,
                        None,
                        "the header does not match the fields "
                        "of corpus/datapackage.json: "
                        + ", ".join(f["name"] for f in schema["fields"]),
                    )
                )
            continue
        bad_rows[name], malformed[name] = _check_rows(table, schema["fields"], problems)
        pk = _as_list(schema.get("primaryKey", []))
        if len(pk) > 1:
            _check_unique(table, pk, problems, "primary key")
        raw[name] = table
        if not bad_rows[name] and len(problems) == before:
            clean.add(name)
    # cross-table checks run on the rows that passed their own checks, so that a wrong value
    # in one cell does not hide a dangling id in another
    good = {name: _good_rows(table, bad_rows[name]) for name, table in raw.items()}
    for resource in descriptor["resources"]:
        if resource["name"] in raw:
            _check_foreign_keys(resource["name"], raw, good, resource["schema"], problems)
            _check_cycles(good[resource["name"]], resource["schema"], problems)

    library, bib_problems = read_bibliography(root / BIBLIOGRAPHY)
    problems.extend(bib_problems)
    problems.extend(_check_bibliography_count(library, descriptor))

    # the cross-table rules see every well-formed row (a wrong value is not a missing row:
    # dropping it would report its absence too); a value that is not a whole number is empty
    tables = {
        name: _to_frame(_good_rows(raw[name], malformed[name]), descriptor_fields(descriptor, name))
        for name in raw
    }
    references = references_frame(library) if library is not None else None
    if len(tables) == len(descriptor["resources"]):
        problems.extend(_check_expected_counts({name: tables[name] for name in clean}, descriptor))
        read = RootRead(tables, descriptor, library, references)
        found: list[Problem] = []
        for rule in (_expected_counts, _check_stated_gap_rows, *rules):
            try:
                found += rule(read)
            except (KeyError, ValueError, TypeError, AttributeError):
                # a rule that cannot read rows the schema already rejected: those problems
                # are reported; with none, a failing rule is a defect and must show
                if not problems:
                    raise
        # one line per cell: a rule's finding on a cell the schema already rejected is the
        # same fault said twice
        rejected = {(p.file, p.row, p.column) for p in problems if p.row is not None}
        problems.extend(p for p in found if (p.file, p.row, p.column) not in rejected)
    if problems:
        return None, sorted(set(problems), key=_order)
    corpus = Corpus(
        root=root,
        descriptor=descriptor,
        tables=tables,
        bibliography=library,
        references=references,
        digests=_file_digests(root, descriptor),
    )
    return corpus, []


def _order(problem: Problem) -> tuple:
    return (problem.file, problem.row or 0, problem.column or "", problem.message)


def _good_rows(table: _RawTable, bad: set[int]) -> _RawTable:
    """``table`` without the rows that failed their own checks."""
    if not bad:
        return table
    kept = [
        (record, row)
        for record, row in zip(table.rows, table.row_numbers, strict=True)
        if row not in bad
    ]
    return _RawTable(
        table.name, table.file, table.header, [r for r, _ in kept], [n for _, n in kept]
    )


def _check_cycles(table: _RawTable, schema: dict, problems: list[Problem]) -> None:
    """Report each cycle of a foreign key into its own table (an item its own ancestor, an
    edition of itself), once, at the row of its first member, naming every step."""
    for fk in schema.get("foreignKeys", []):
        fields = _as_list(fk["fields"])
        target = _as_list(fk["reference"]["fields"])
        if (
            fk["reference"].get("resource", "") not in ("", table.name)
            or len(fields) != 1
            or len(target) != 1
            or target[0] not in table.header
        ):
            continue
        parents: dict[str, str] = {}
        rows: dict[str, int] = {}
        for key, parent, row in zip(
            _column(table, target[0]), _column(table, fields[0]), table.row_numbers, strict=True
        ):
            if key and key not in rows:
                rows[key] = row
                if parent:
                    parents[key] = parent
        done: set[str] = set()
        for start in rows:
            path: list[str] = []
            node: str | None = start
            while node is not None and node not in done and node not in path:
                path.append(node)
                node = parents.get(node)
            done.update(path)
            if node is None or node not in path:
                continue
            cycle = path[path.index(node) :]
            first = min(cycle, key=rows.__getitem__)
            turn = cycle.index(first)
            cycle = cycle[turn:] + cycle[:turn]
            steps = " → ".join(shown(step) for step in [*cycle, first])
            problems.append(
                Problem(
                    table.file,
                    rows[first],
                    fields[0],
                    (
                        f"goes round in a cycle: {steps}; a row cannot lead back to itself through "
                        f"{fields[0]}: point one of these rows elsewhere or empty its {fields[0]}"
                    ),
                )
            )


def _file_digests(root: Path, descriptor: dict[str, Any]) -> dict[str, str]:
    files, _ = resource_files(root, descriptor)
    paths = {
        resource["name"]: files[f"{CORPUS_DIR}/{resource['path']}"]
        for resource in descriptor["resources"]
    }
    paths[DESCRIPTOR] = root / CORPUS_DIR / DESCRIPTOR
    paths[BIBLIOGRAPHY] = root / BIBLIOGRAPHY
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in paths.items()}


def descriptor_fields(descriptor: dict[str, Any], name: str) -> list[dict]:
    """Return the field descriptors of resource ``name``."""
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource["schema"]["fields"]
    raise KeyError(name)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table in the corpus's canonical CSV form (UTF-8, LF, minimal quoting).

    Reading a shipped CSV and writing it back with this function gives the same bytes, so a
    reviewer's tools can round-trip the corpus without noise in the diff.
    """
    Path(path).write_text(csv_text(frame), encoding="utf-8", newline="")


def csv_text(frame: pd.DataFrame) -> str:
    """Return a table in the canonical CSV form :func:`write_table` writes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(zip(*(_cells(frame.iloc[:, i]) for i in range(frame.shape[1])), strict=True))
    return buffer.getvalue()


def _cells(column: pd.Series) -> list[str]:
    """The cells of a column as written: missing values empty, others as ``str`` gives them."""
    return [
        "" if missing else str(value)
        for value, missing in zip(column.tolist(), column.isna().tolist(), strict=True)
    ]


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def shipped_sources(corpus: Corpus) -> list[str]:
    """Return the files of ``documents.csv`` shipped in the corpus root's ``sources/`` folder.

    This is the one place that decides which provenance mentions get a link: a source is
    linked exactly when the build writes its page.
    """
    folder = Path(corpus.root) / SOURCES_DIR
    documents = corpus.tables.get("documents")
    if documents is None or not folder.is_dir():
        return []
    return sorted(name for name in documents["file"] if (folder / name).is_file())
