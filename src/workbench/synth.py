"""A synthetic corpus root N times the size of a real one, for benchmarks and scale tests.

Reviewers will grow the corpus (more jurisdictions' standards, whole reference libraries), so
the workbench is measured on roots 10 and 100 times the shipped one. Nothing here invents a
fact: a synthetic root is the source root plus N - 1 systematically renamed copies of it.

- Copy 0 is the source root unchanged. In copy ``k`` every id is namespaced: numbered
  entities are re-numbered past the previous copies (standard 3 of copy 1 is standard 10,
  guideline 3.3 is guideline 10.3, roundtable 8 is roundtable 24); other ids carry a suffix
  on their first segment (``framework:csaap_syn1``, ``framework_item:csaap_syn1:6a``), which
  keeps every prefix relation between ids. Foreign keys, crosswalk rows, dispositions and
  coding overrides follow the renaming, so each copy is a self-contained replica.
- Each reference ``Almeida, R. (1999)`` of copy ``k`` gets a systematically compounded
  surname (``Almeida-Ashley``; a corporate author gets a word appended), a key to match
  (``almeidaashley1999``) and the same title. The narratives and guidelines of copy ``k``
  cite the renamed authors, so citations occur at the source's density and the same share of
  them resolves; a citation that did not resolve in the source does not resolve in a copy.
  Quote attributions ``(Roundtable N)`` follow the re-numbering.
- The codebook (the coding scheme) and the source documents are not copied: every copy is
  coded with the same topics and cites the same seed files. Codes (the coded assignments)
  scale with the texts.
- The descriptor is the source's, titled *synthetic*, with the counts the sources fix
  (``x-expectedRows``, ``x-bibliography``) multiplied by N and the constraints that only hold
  for one report (the maximum standard number, the single-digit standard in a guideline
  number, one consultation per participant group) widened to N copies.

The output is deterministic: the same root and N give the same bytes. It is written like a
build's output: guarded, locked, staged and swapped into place (``workbench.outputs``).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.corpus import BIBLIOGRAPHY, CORPUS_DIR, DESCRIPTOR, Corpus, write_table
from workbench.crosswalk import REQUIRED_FRAMEWORKS
from workbench.outputs import SYNTH, replacing_folder
from workbench.validation import load_corpus

#: Tables that are not copied: the seed documents and the coding scheme.
NOT_COPIED = ("documents", "codebook")

#: Columns labelled with the copy: a copy's searches are another review's, run on "its own"
#: database, so their hit counts are compared within the copy only.
COPY_LABELLED = {"searches": ("database",)}

#: Columns whose text cites references and attributes quotes (read by ``citations``).
CITING_COLUMNS = {"narratives": ("text",), "guidelines": ("text",)}

_STEMS = ("Ash", "Brad", "Carl", "Dun", "El", "Fair", "Gran", "Hart", "Kings", "Lang")
_ENDINGS = ("ley", "ton", "field", "wood", "well", "by", "ford", "more", "ham", "stead")
#: 100 place-name surnames (Ashley, Ashton, ..., Langstead) that compound copy k's authors.
COPY_WORDS = tuple(stem + ending for stem in _STEMS for ending in _ENDINGS)

_KEY = re.compile(r"^(?P<name>.*?)(?P<year>\d{4}[a-z]?)$")
_ROUNDTABLE = re.compile(r"\(Roundtable (\d+)\)")
_ENTRY_START = re.compile(r"^@(?P<type>\w+)\{(?P<key>[^,\s]+),", re.MULTILINE)


def copy_word(k: int) -> str:
    """Return the word that namespaces copy ``k`` (1, 2, ...) of the references' surnames.

    Examples:
        >>> copy_word(1), copy_word(2), copy_word(100), copy_word(101)
        ('Ashley', 'Ashton', 'Langstead', 'AshleyAshley')
    """
    if k < 1:
        raise ValueError("copy 0 is the source itself and has no word")
    parts = []
    k -= 1
    while True:
        parts.append(COPY_WORDS[k % len(COPY_WORDS)])
        k //= len(COPY_WORDS)
        if k == 0:
            break
        k -= 1
    return "".join(reversed(parts))


def suffixed_id(identifier: str, k: int) -> str:
    """Namespace an id for copy ``k`` by suffixing its first segment after the type.

    Examples:
        >>> suffixed_id("framework_item:respect:4ed:p7", 2)
        'framework_item:respect_syn2:4ed:p7'
        >>> suffixed_id("programme:caring_dads", 1)
        'programme:caring_dads_syn1'
    """
    kind, _, rest = identifier.partition(":")
    head, sep, tail = rest.partition(":")
    return f"{kind}:{head}_syn{k}{sep}{tail}"


def renamed_surname(surname: str, k: int) -> str:
    """Return copy ``k``'s form of a surname: compounded with a hyphen, or a word appended
    to a name of several words (a corporate author).

    Examples:
        >>> renamed_surname("Almeida", 1), renamed_surname("Home Office", 1)
        ('Almeida-Ashley', 'Home Office Ashley')
    """
    word = copy_word(k)
    return f"{surname} {word}" if " " in surname else f"{surname}-{word}"


def renamed_key(key: str, k: int) -> str:
    """Return copy ``k``'s bibliography key: the copy's word before the year.

    Examples:
        >>> renamed_key("almeida1999", 1), renamed_key("morrison2019a", 2)
        ('almeidaashley1999', 'morrisonashton2019a')
    """
    match = _KEY.match(key)
    if match is None:
        raise ValueError(f"key {key!r} does not end in a year")
    return f"{match['name']}{copy_word(k).lower()}{match['year']}"


# --------------------------------------------------------------------------------------
# The plan: which tables are re-numbered and by how much
# --------------------------------------------------------------------------------------


def _numbered_tables(corpus: Corpus) -> dict[str, int]:
    """Tables whose id is ``<type>:<number>`` of a unique integer ``number``: name -> step."""
    steps = {}
    for resource in corpus.descriptor["resources"]:
        name = resource["name"]
        frame = corpus.tables[name]
        key = resource["schema"].get("primaryKey")
        if name in NOT_COPIED or not isinstance(key, str) or "number" not in frame:
            continue
        if frame["number"].dtype != "Int64" or frame.empty:
            continue
        kind = frame[key].iloc[0].partition(":")[0]
        if (frame[key] == kind + ":" + frame["number"].astype(str)).all():
            steps[name] = int(frame["number"].max())
    return steps


def _id_map(corpus: Corpus, k: int, steps: dict[str, int]) -> dict[str, str]:
    """Every id of the source (rows of copied tables, references) -> its id in copy ``k``."""
    mapping: dict[str, str] = {}
    for resource in corpus.descriptor["resources"]:
        name, key = resource["name"], resource["schema"].get("primaryKey")
        if name in NOT_COPIED or not isinstance(key, str):
            continue
        frame = corpus.tables[name]
        if name in steps:
            kind = frame[key].iloc[0].partition(":")[0]
            for old, number in zip(frame[key], frame["number"], strict=True):
                mapping[old] = f"{kind}:{number + steps[name] * k}"
        elif name == "guidelines" and "standards" in steps:
            offset = steps["standards"] * k
            for old, number in zip(frame[key], frame["number"], strict=True):
                mapping[old] = "guideline:" + _renumbered_guideline(number, offset)
        else:
            mapping.update((old, suffixed_id(old, k)) for old in frame[key])
    for key in corpus.references["key"]:
        mapping[f"ref:{key}"] = f"ref:{renamed_key(key, k)}"
    return mapping


def _renumbered_guideline(number: str, offset: int) -> str:
    standard, _, part = number.partition(".")
    return f"{int(standard) + offset}.{part}"


# --------------------------------------------------------------------------------------
# Copying the tables
# --------------------------------------------------------------------------------------


def _surname_pattern(corpus: Corpus) -> re.Pattern[str] | None:
    names = sorted(
        {s for names in corpus.references["surnames"] for s in names if s},
        key=lambda s: (-len(s), s),
    )
    if not names:
        return None
    return re.compile(r"(?<![\w’'\-])(" + "|".join(map(re.escape, names)) + r")(?![\w\-])")


def _copy_table(
    frame: pd.DataFrame, name: str, k: int, ids: dict[str, str], context: dict[str, Any]
) -> pd.DataFrame:
    """Return copy ``k`` of one table: ids mapped, numbers shifted, citing text renamed."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: _mapped(v, ids))
    steps = context["steps"]
    if name in steps:
        out["number"] = out["number"] + steps[name] * k
    elif name == "guidelines" and "standards" in steps:
        out["number"] = out["number"].map(
            lambda n: _renumbered_guideline(n, steps["standards"] * k)
        )
    for column in COPY_LABELLED.get(name, ()):
        out[column] = out[column].map(
            lambda v: f"{v} (synthetic copy {k})" if isinstance(v, str) else v
        )
    for column in context["unique_text"].get(name, ()):
        out[column] = out[column].map(
            lambda v: f"{v} ({copy_word(k)})" if isinstance(v, str) else v
        )
    surnames: re.Pattern[str] | None = context["surnames"]
    roundtable_step = steps.get("roundtables", 0)
    for column in CITING_COLUMNS.get(name, ()):

        def rename(text: object) -> object:
            if not isinstance(text, str):
                return text
            if surnames is not None:
                text = surnames.sub(lambda m: renamed_surname(m.group(1), k), text)
            return _ROUNDTABLE.sub(
                lambda m: f"(Roundtable {int(m.group(1)) + roundtable_step * k})", text
            )

        out[column] = out[column].map(rename)
    return out


def _mapped(value: object, ids: dict[str, str]) -> object:
    """Map an id (or a part of one: ``narrative:standard:5#s21``, sentence 21) to copy k's."""
    if not isinstance(value, str):
        return value
    if value in ids:
        return ids[value]
    base, hash_, part = value.partition("#")
    return ids[base] + hash_ + part if hash_ and base in ids else value


def _unique_text_columns(corpus: Corpus) -> dict[str, list[str]]:
    """Unique free-text columns that no id map can keep unique (names): table -> columns."""
    columns: dict[str, list[str]] = {}
    for resource in corpus.descriptor["resources"]:
        key = resource["schema"].get("primaryKey")
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            if (
                constraints.get("unique")
                and field["name"] != key
                and "enum" not in constraints
                and field.get("type", "string") == "string"
                and not field["name"].endswith("_id")
                and field["name"] != "number"
            ):
                columns.setdefault(resource["name"], []).append(field["name"])
    return columns


def _extra_dispositions(corpus: Corpus, copies: list[dict[str, str]]) -> pd.DataFrame:
    """Dispositions the crosswalk rules require of every guideline against the frameworks
    every guideline is reviewed against: copies' guidelines are ``unreviewed`` there."""
    if "crosswalk_dispositions" not in corpus.tables:
        return pd.DataFrame()
    template = corpus["crosswalk_dispositions"]
    rows = []
    for ids in copies:
        for guideline in corpus["guidelines"]["guideline_id"]:
            for framework in REQUIRED_FRAMEWORKS:
                rows.append(
                    {
                        "element_id": ids[guideline],
                        "framework_id": framework,
                        "direction": "guideline_to_framework",
                        "disposition": "unreviewed",
                    }
                )
    return pd.DataFrame(rows, columns=template.columns)


# --------------------------------------------------------------------------------------
# The descriptor and the bibliography
# --------------------------------------------------------------------------------------


def synthetic_descriptor(
    descriptor: dict[str, Any], scale: int, steps: dict[str, int]
) -> dict[str, Any]:
    """Return the source descriptor adapted to ``scale`` copies (see the module docstring)."""
    out = copy.deepcopy(descriptor)
    out["name"] = f"{descriptor.get('name', 'corpus')}-synthetic-x{scale}"
    out["title"] = (
        f"SYNTHETIC ×{scale} (benchmark data; {scale - 1} renamed copies added): "
        f"{descriptor.get('title', '')}"
    )
    out["description"] = (
        f"Synthetic data for benchmarks and scale tests, written by "
        f"`workbench synth --scale {scale}`: the source corpus plus "
        f"{scale - 1} systematically renamed copies of it. Not a source of "
        f"facts. Source description: {descriptor.get('description', '')}"
    )
    for resource in out["resources"]:
        name = resource["name"]
        copied = name not in NOT_COPIED
        expected = resource.get("x-expectedRows")
        if expected and copied:
            resource["x-expectedRows"] = {
                "count": expected["count"] * scale,
                "evidence": f"synthetic ×{scale} of: {expected['evidence']}",
            }
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            if not copied:
                continue
            if name in steps and field["name"] == "number" and "maximum" in constraints:
                constraints["maximum"] = constraints["maximum"] * scale
            if name == "guidelines" and field["name"] == "number" and "pattern" in constraints:
                constraints["pattern"] = r"^[0-9]+\.[0-9]$"
            if constraints.get("unique") and "enum" in constraints:
                del constraints["unique"]  # one row per value holds for one report only
    bibliography = out.get("x-bibliography", {}).get("expectedEntries")
    if bibliography:
        out["x-bibliography"]["expectedEntries"] = {
            "count": bibliography["count"] * scale,
            "evidence": f"synthetic ×{scale} of: {bibliography['evidence']}",
        }
    return out


def synthetic_bibliography(text: str, corpus: Corpus, scale: int) -> str:
    """Return ``references.bib`` followed by ``scale - 1`` renamed copies of each entry.

    Each copy renames the key and the author (or organization) surnames; every other field,
    the title included, is kept as written.
    """
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    entries = [
        text[a:b].rstrip() + "\n" for a, b in zip(starts, starts[1:] + [len(text)], strict=True)
    ]
    surnames = dict(zip(corpus.references["key"], corpus.references["surnames"], strict=True))
    parts = [text.rstrip() + "\n"]
    for k in range(1, scale):
        parts.append(
            f"\n% ---- synthetic copy {k}: authors compounded with '{copy_word(k)}' ----\n"
        )

        def header(m: re.Match[str], k: int = k) -> str:
            return f"@{m['type']}{{{renamed_key(m['key'], k)},"

        for entry in entries:
            start = _ENTRY_START.match(entry)
            assert start is not None  # each entry is cut at the start of a match
            key = start["key"]
            renamed = _ENTRY_START.sub(header, entry, count=1)
            renamed = _rename_authors(renamed, surnames.get(key, ()), k)
            parts.append("\n" + renamed)
    return "".join(parts)


def _rename_authors(entry: str, surnames: tuple[str, ...], k: int) -> str:
    match = re.search(r"^(\s*(?:author|organization)\s*=\s*)(.*)$", entry, re.MULTILINE)
    if match is None:
        return entry
    value = match.group(2)
    for surname in surnames:
        value = re.sub(
            rf"(?<![\w\-]){re.escape(surname)}(?![\w\-])",
            lambda _m, s=surname: renamed_surname(s, k),
            value,
            count=1,
        )
    return entry[: match.start(2)] + value + entry[match.end(2) :]


# --------------------------------------------------------------------------------------
# The whole root
# --------------------------------------------------------------------------------------


def synthesise(root: Path | str, scale: int, out: Path | str) -> list[Path]:
    """Write a synthetic root ``scale`` times the size of ``root`` into ``out``.

    ``out`` is written like a build's output (:func:`workbench.outputs.replacing_folder`):
    checked before any work (only a missing or empty folder, or one ``synth`` made, is
    replaced; never the root, the corpus or a user's folder), locked, filled beside it and
    swapped into place when complete, with a marker saying ``workbench synth`` made it.

    Args:
        root: a valid corpus root (``corpus/`` and ``references.bib``).
        scale: how many copies of the root the result holds (1 gives the root itself,
            with the descriptor titled synthetic).
        out: the folder to write (``out/corpus/*.csv``, ``datapackage.json`` and
            ``out/references.bib``).

    Returns:
        The files written (under ``out``).

    Raises:
        OutputRefused: when ``out`` may not be written (nothing is touched).
        CorpusError: when ``root`` does not validate.
        ValueError: when ``scale`` is below 1.
    """
    if scale < 1:
        raise ValueError(f"--scale must be at least 1 (got {scale})")
    root = Path(root)
    with replacing_folder(out, root, SYNTH) as stage:  # ``out`` as given, for messages
        stage.marker["scale"] = scale
        relative = _write_root(root, scale, stage.path)
    return [Path(out) / path for path in relative]


def _write_root(root: Path, scale: int, out: Path) -> list[Path]:
    """Write the synthetic root into the (new, empty) folder ``out``; return its files
    relative to ``out``."""
    corpus = load_corpus(root)
    steps = _numbered_tables(corpus)
    context = {
        "steps": steps,
        "unique_text": _unique_text_columns(corpus),
        "surnames": _surname_pattern(corpus),
    }
    copies = [_id_map(corpus, k, steps) for k in range(1, scale)]
    (out / CORPUS_DIR).mkdir(parents=True, exist_ok=True)
    written = []
    for resource in corpus.descriptor["resources"]:
        name = resource["name"]
        frame = corpus.tables[name]
        if name not in NOT_COPIED and scale > 1:
            frames = [frame] + [
                _copy_table(frame, name, k, ids, context) for k, ids in enumerate(copies, start=1)
            ]
            if name == "crosswalk_dispositions":
                frames.append(_extra_dispositions(corpus, copies))
            frame = pd.concat(frames, ignore_index=True)
        path = Path(CORPUS_DIR) / resource["path"]
        write_table(frame, out / path)
        written.append(path)
    descriptor = synthetic_descriptor(corpus.descriptor, scale, steps)
    path = Path(CORPUS_DIR) / DESCRIPTOR
    (out / path).write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    written.append(path)
    bib = (root / BIBLIOGRAPHY).read_text(encoding="utf-8")
    path = Path(BIBLIOGRAPHY)
    (out / path).write_text(synthetic_bibliography(bib, corpus, scale), encoding="utf-8")
    written.append(path)
    return written
