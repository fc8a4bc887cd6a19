"""Read and validate a corpus root: ``corpus/`` (a Frictionless Data Package) and the bibliography.

The descriptor ``corpus/datapackage.json`` is the single source of truth for the shape of
every table: field names and order, types, ``required``/``unique``/``enum``/``pattern``/
``minimum``/``maximum``/``maxLength`` constraints, primary keys and foreign keys. This module
checks every CSV against it and reports *every* problem at once, each naming the file, the
row and the column, so that a reviewer editing the corpus in a spreadsheet can fix them all
in one pass. The Frictionless tooling is the independent check of the same descriptor (see
the tests); this module gives the fast, friendly messages.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.problems import CorpusError, Problem

CORPUS_DIR = "corpus"
DESCRIPTOR = "datapackage.json"
BIBLIOGRAPHY = "references.bib"

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
        problems.append(Problem(file, None, None, "file is missing; restore it from version "
                                "control or remove its resource from corpus/datapackage.json"))
        return None
    data = path.read_bytes()
    if not data.strip():
        problems.append(Problem(file, None, None, "file is empty; it needs at least the header "
                                "row of field names from corpus/datapackage.json"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, 1, None, "file starts with a byte-order mark (as some "
                                "spreadsheets save it); re-save as UTF-8 without BOM, e.g. "
                                "`workbench tidy`"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(Problem(file, line, None, f"not valid UTF-8 (byte 0x{data[err.start]:02x}"
                                f" at offset {err.start}); re-save the file as UTF-8"))
        return None
    if "\r\n" in text:
        line = text[: text.index("\r\n")].count("\n") + 1
        problems.append(Problem(file, line, None, "Windows (CRLF) line ends; re-save with "
                                "Unix (LF) line ends, e.g. `workbench tidy`"))
    return text.removeprefix("\ufeff")


def _read_csv(name: str, path: Path, file: str, problems: list[Problem]) -> _RawTable | None:
    text = _read_text(path, file, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline=""), strict=True)
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
        problems.append(Problem(file, len(rows) + 2, None, f"malformed CSV ({err}); check the "
                                "quoting of this record"))
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
    for name in expected:
        if name not in table.header:
            problems.append(Problem(table.file, 1, name, "required column is missing; add it "
                                    "to the header (see corpus/datapackage.json)"))
    for name in table.header:
        if name not in expected:
            problems.append(Problem(table.file, 1, name or "(blank)", "unexpected column; "
                                    "remove it or declare it in corpus/datapackage.json"))
    if sorted(table.header) == sorted(expected):
        problems.append(Problem(table.file, 1, None, "columns are out of order; expected "
                                + ", ".join(expected)))
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
    pattern: re.Pattern[str] | None
    max_length: int | None

    @classmethod
    def of(cls, spec: dict) -> _FieldRules:
        constraints = spec.get("constraints", {})
        enum = constraints.get("enum")
        pattern = constraints.get("pattern")
        return cls(spec["name"], bool(constraints.get("required")),
                   spec.get("type") == "integer", constraints.get("minimum"),
                   constraints.get("maximum"), tuple(enum) if enum is not None else None,
                   re.compile(pattern) if pattern is not None else None,
                   constraints.get("maxLength"))


def _check_cell(value: str, rules: _FieldRules, file: str, row: int,
                problems: list[Problem]) -> None:
    column = rules.name
    if value == "":
        if rules.required:
            problems.append(Problem(file, row, column, "required value is empty; fill it in"))
        return
    if value != value.strip():
        problems.append(Problem(file, row, column, "value has leading or trailing white space; "
                                "remove it"))
    if rules.integer:
        if not _INTEGER.match(value):
            problems.append(Problem(file, row, column, f"{value[:40]!r} is not a whole number"))
            return
        number = int(value)
        if rules.minimum is not None and number < rules.minimum:
            problems.append(Problem(file, row, column, f"{number} is below the minimum "
                                    f"{rules.minimum}"))
        if rules.maximum is not None and number > rules.maximum:
            problems.append(Problem(file, row, column, f"{number} is above the maximum "
                                    f"{rules.maximum}"))
    if rules.enum is not None and value not in rules.enum:
        allowed = ", ".join(rules.enum)
        problems.append(Problem(file, row, column, f"{value[:60]!r} is not allowed; use one "
                                f"of: {allowed}"))
    if rules.pattern is not None and not rules.pattern.fullmatch(value):
        problems.append(Problem(file, row, column, f"{value[:60]!r} does not match the pattern "
                                f"{rules.pattern.pattern}"))
    if rules.max_length is not None and len(value) > rules.max_length:
        problems.append(Problem(file, row, column, f"value is {len(value)} characters long; "
                                f"the limit is {rules.max_length}"))


def _check_rows(table: _RawTable, fields: list[dict], problems: list[Problem]) -> bool:
    width = len(fields)
    ok = True
    checks = [_FieldRules.of(spec) for spec in fields]
    for record, row in zip(table.rows, table.row_numbers, strict=True):
        if len(record) != width:
            problems.append(Problem(table.file, row, None, f"record has {len(record)} fields, "
                                    f"the header has {width}; check for a missing or extra "
                                    "comma or an unclosed quote"))
            ok = False
            continue
        for value, rules in zip(record, checks, strict=True):
            _check_cell(value, rules, table.file, row, problems)
    for spec in fields:
        if spec.get("constraints", {}).get("unique"):
            _check_unique(table, [spec["name"]], problems, "unique")
    return ok


def _column(table: _RawTable, name: str) -> list[str]:
    index = table.header.index(name)
    return [record[index] if index < len(record) else "" for record in table.rows]


def _check_unique(table: _RawTable, names: list[str], problems: list[Problem], what: str) -> None:
    columns = [_column(table, n) for n in names]
    seen: dict[tuple[str, ...], int] = {}
    for key, row in zip(zip(*columns, strict=True), table.row_numbers, strict=True):
        if all(part == "" for part in key):
            continue
        if key in seen:
            problems.append(Problem(table.file, row, ", ".join(names),
                                    f"duplicate {what} value {' / '.join(key)!r} (first in row "
                                    f"{seen[key]}); ids must be unique"))
        else:
            seen[key] = row


def _check_foreign_keys(name: str, tables: dict[str, _RawTable], schema: dict,
                        problems: list[Problem]) -> None:
    table = tables[name]
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
        columns = [_column(table, f) for f in fields]
        for key, row in zip(zip(*columns, strict=True), table.row_numbers, strict=True):
            if all(part == "" for part in key) or key in allowed:
                continue
            problems.append(Problem(table.file, row, ", ".join(fields),
                                    f"{' / '.join(key)!r} does not exist in "
                                    f"{target.file} ({', '.join(target_fields)}); fix the id "
                                    "or add the missing row there"))


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _to_frame(table: _RawTable, fields: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(table.rows, columns=table.header, dtype=object)
    frame = frame.replace("", None)
    for spec in fields:
        if spec.get("type") == "integer":
            frame[spec["name"]] = pd.array(
                [None if v is None else int(v) for v in frame[spec["name"]]], dtype="Int64")
    return frame


# --------------------------------------------------------------------------------------
# The whole root
# --------------------------------------------------------------------------------------

TableValidator = Callable[[dict[str, pd.DataFrame], dict[str, Any]], list[Problem]]


def _extra_validators() -> list[TableValidator]:
    """Validators of cross-table rules that live beside the code that uses them."""
    from workbench.crosswalk import validate_crosswalk

    validators: list[TableValidator] = [_check_expected_counts, validate_crosswalk,
                                        _check_stated_gap_rows]
    return validators


def _check_stated_gap_rows(tables: dict[str, pd.DataFrame],
                           descriptor: dict[str, Any]) -> list[Problem]:
    """A stated gap's ``row_id`` names an existing standard or guideline (a foreign key to
    either of two tables, which the descriptor cannot declare)."""
    gaps = tables.get("stated_gaps")
    if gaps is None or "row_id" not in gaps:
        return []
    known = set()
    for name, key in (("standards", "standard_id"), ("guidelines", "guideline_id")):
        if name in tables and key in tables[name]:
            known.update(tables[name][key].dropna())
    return [Problem(f"{CORPUS_DIR}/stated_gaps.csv", row, "row_id",
                    f"{value!r} is neither a standard in {CORPUS_DIR}/standards.csv nor a "
                    f"guideline in {CORPUS_DIR}/guidelines.csv; fix the id, or leave it empty "
                    "for a statement that stands under no standard")
            for row, value in enumerate(gaps["row_id"], start=2)
            if value is not None and value not in known]


def _check_expected_counts(tables: dict[str, pd.DataFrame],
                           descriptor: dict[str, Any]) -> list[Problem]:
    """Counts that the sources fix (``x-expectedRows`` in the descriptor) must hold."""
    problems = []
    for resource in descriptor["resources"]:
        expected = resource.get("x-expectedRows")
        table = tables.get(resource["name"])
        if expected is None or table is None:
            continue
        if len(table) != expected["count"]:
            problems.append(Problem(f"{CORPUS_DIR}/{resource['path']}", None, None,
                                    f"holds {len(table)} rows but the sources fix "
                                    f"{expected['count']} ({expected['evidence']}); add or "
                                    "remove rows, or update x-expectedRows in datapackage.json"))
    return problems


def _check_bibliography_count(library: Any, descriptor: dict[str, Any]) -> list[Problem]:
    expected = descriptor.get("x-bibliography", {}).get("expectedEntries")
    if library is None or expected is None or len(library.entries) == expected["count"]:
        return []
    return [Problem(BIBLIOGRAPHY, None, None, f"holds {len(library.entries)} entries but the "
                    f"sources fix {expected['count']} ({expected['evidence']}); add or remove "
                    "entries, or update x-bibliography in corpus/datapackage.json")]


def read_descriptor(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Return the parsed ``corpus/datapackage.json`` of ``root`` and any problem reading it."""
    file = f"{CORPUS_DIR}/{DESCRIPTOR}"
    path = Path(root) / CORPUS_DIR / DESCRIPTOR
    if not path.exists():
        return None, [Problem(file, None, None, "file is missing; a corpus root needs "
                              "corpus/datapackage.json (is --root the right folder?)")]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        row = getattr(err, "lineno", None)
        return None, [Problem(file, row, None, f"not valid UTF-8 JSON ({err})")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Problem(file, None, "resources", "the descriptor needs a list of resources")]
    return descriptor, []


def validate_root(root: Path) -> tuple[Corpus | None, list[Problem]]:
    """Validate every file of a corpus root and return the corpus (if valid) and all problems.

    This is the one place that decides whether a root is usable: schema checks on every CSV,
    primary and foreign keys across tables, the bibliography, counts the sources fix and the
    cross-table rules of the crosswalk, the codebook and the works cited as evidence. It never
    raises on bad input.
    """
    root = Path(root)
    descriptor, problems = read_descriptor(root)
    if descriptor is None:
        return None, problems

    raw: dict[str, _RawTable] = {}
    clean: set[str] = set()
    for resource in descriptor["resources"]:
        name, schema = resource["name"], resource["schema"]
        file = f"{CORPUS_DIR}/{resource['path']}"
        table = _read_csv(name, root / CORPUS_DIR / resource["path"], file, problems)
        if table is None:
            continue
        before = len(problems)
        if not _check_header(table, schema["fields"], problems):
            continue
        rows_ok = _check_rows(table, schema["fields"], problems)
        pk = _as_list(schema.get("primaryKey", []))
        if len(pk) > 1:
            _check_unique(table, pk, problems, "primary key")
        raw[name] = table
        if rows_ok and len(problems) == before:
            clean.add(name)
    for resource in descriptor["resources"]:
        if resource["name"] in raw:
            _check_foreign_keys(resource["name"], raw, resource["schema"], problems)

    from workbench.bibliography import read_bibliography, references_frame

    library, bib_problems = read_bibliography(root / BIBLIOGRAPHY)
    problems.extend(bib_problems)
    problems.extend(_check_bibliography_count(library, descriptor))

    tables = {name: _to_frame(raw[name], descriptor_fields(descriptor, name))
              for name in raw if name in clean}
    references = references_frame(library) if library is not None else None
    if len(tables) == len(descriptor["resources"]):
        for validator in _extra_validators():
            problems.extend(validator(tables, descriptor))
        from workbench.coding import validate_coding

        problems.extend(validate_coding(tables, descriptor, references))
        from workbench.bibliography import entry_lines
        from workbench.works import validate_works

        lines = entry_lines(library) if library is not None else None
        problems.extend(validate_works(tables, descriptor, references, lines))
    if problems:
        return None, sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "",
                                                          p.message))
    corpus = Corpus(root=root, descriptor=descriptor, tables=tables, bibliography=library,
                    references=references, digests=_file_digests(root, descriptor))
    return corpus, []


def _file_digests(root: Path, descriptor: dict[str, Any]) -> dict[str, str]:
    paths = {resource["name"]: root / CORPUS_DIR / resource["path"]
             for resource in descriptor["resources"]}
    paths[DESCRIPTOR] = root / CORPUS_DIR / DESCRIPTOR
    paths[BIBLIOGRAPHY] = root / BIBLIOGRAPHY
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in paths.items()}


def descriptor_fields(descriptor: dict[str, Any], name: str) -> list[dict]:
    """Return the field descriptors of resource ``name``."""
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return resource["schema"]["fields"]
    raise KeyError(name)


def load_corpus(root: Path | str = ".") -> Corpus:
    """Validate and load the corpus under ``root``.

    Returns:
        The validated ``Corpus``.

    Raises:
        CorpusError: listing every problem found, when the root does not validate.
    """
    corpus, problems = validate_root(Path(root))
    if corpus is None:
        raise CorpusError(problems)
    return corpus


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table in the corpus's canonical CSV form (UTF-8, LF, minimal quoting).

    Reading a shipped CSV and writing it back with this function gives the same bytes, so a
    reviewer's tools can round-trip the corpus without noise in the diff.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(zip(*(_cells(frame.iloc[:, i]) for i in range(frame.shape[1])), strict=True))
    Path(path).write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _cells(column: pd.Series) -> list[str]:
    """The cells of a column as written: missing values empty, others as ``str`` gives them."""
    return ["" if missing else str(value)
            for value, missing in zip(column.tolist(), column.isna().tolist(), strict=True)]


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def iter_provenance(corpus: Corpus) -> Iterable[tuple[str, int, pd.Series]]:
    """Yield ``(table, row_number, row)`` for every row of every table that has provenance."""
    for name, frame in corpus.tables.items():
        if {"source", "lines"} <= set(frame.columns):
            for position, (_, row) in enumerate(frame.iterrows(), start=2):
                yield name, position, row
