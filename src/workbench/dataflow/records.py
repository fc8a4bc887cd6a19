"""What an artefact node returns: :class:`Artefact` records, the files of a build as bytes.

An artefact node of the dataflow is a pure function returning a tuple of records; one step
at the edge (``workbench.build``) writes their bytes. Each record carries what a reader (the
front page: its audience, plain name and description) and a machine
(``build/datapackage.json``: its schema) are told about the file; a record of the
workbench's own nodes takes the first three from the front page's guide
(``workbench.render.index.GUIDE``), so that each is written once.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from workbench.corpus import csv_text
from workbench.render.index import guide_entry
from workbench.render.reports import render_report_page

#: Media types by file suffix (the records' ``media_type``).
MEDIA_TYPES: dict[str, str] = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".png": "image/png",
    ".html": "text/html",
    ".md": "text/markdown",
    ".json": "application/json",
    ".graphml": "application/graphml+xml",
    ".ris": "application/x-research-info-systems",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Artefact:
    """One file of a build.

    Attributes:
        name: its path relative to the output folder (``sources/001.html``).
        data: its bytes.
        media_type: its IANA media type.
        description: one sentence saying what it is, for the front page.
        schema: for a CSV table, its Table Schema (``fields`` with ``name`` and ``type``),
            as ``build/datapackage.json`` describes it; ``None`` otherwise.
        audience: the readers the front page lists it for (``reviewers``, ``researchers``,
            ``students``; empty: under "Other files").
        title: its plain name on the front page (the file name when empty).
    """

    name: str
    data: bytes = field(repr=False)
    media_type: str
    description: str
    schema: dict[str, Any] | None = None
    audience: str = ""
    title: str = ""

    def about(self) -> dict[str, Any]:
        """Return the record without its bytes (what the build's cache keeps beside them)."""
        about: dict[str, Any] = {
            "name": self.name,
            "media_type": self.media_type,
            "description": self.description,
            "audience": self.audience,
            "title": self.title,
        }
        if self.schema is not None:
            about["schema"] = self.schema
        return about


#: What an artefact node returns.
Artefacts = tuple[Artefact, ...]


def media_type(name: str) -> str:
    """Return the media type of a file name by its suffix (``application/octet-stream`` when
    the suffix is unknown)."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    return MEDIA_TYPES.get(suffix, "application/octet-stream")


def guide(
    name: str,
    description: str | None = None,
    *,
    audience: str | None = None,
    title: str | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> tuple[str, str, str]:
    """Return the description, audience and plain name of the artefact ``name``: those given,
    else its entry in the front page's guide (``workbench.render.index.GUIDE``, the one table
    of what each file of a build is and whom it is for; ``tables`` name a heat-map's framework
    or a source page's document), else empty."""
    entry = guide_entry(PurePosixPath(name), tables)
    return (
        description if description is not None else entry.description if entry else "",
        audience if audience is not None else entry.audience if entry else "",
        title if title is not None else entry.name if entry else "",
    )


def file(
    name: str,
    data: bytes | str,
    description: str | None = None,
    *,
    audience: str | None = None,
    title: str | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> Artefact:
    """Return the record of a file that is not a table (text is encoded as UTF-8); what it
    is and whom it is for come from :func:`guide` unless given."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    about, reader, plain = guide(name, description, audience=audience, title=title, tables=tables)
    return Artefact(name, data, media_type(name), about, audience=reader, title=plain)


_TYPES = {"i": "integer", "u": "integer", "f": "number", "b": "boolean"}


def table_schema(frame: pd.DataFrame) -> dict[str, Any]:
    """Return the Table Schema of ``frame`` as written: one field per column, its type from the
    column's dtype (integers, numbers and booleans; everything else a string)."""
    fields = []
    for name, dtype in frame.dtypes.items():
        kind = getattr(dtype, "kind", "O")
        fields.append({"name": str(name), "type": _TYPES.get(kind, "string")})
    return {"fields": fields}


def table_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` in the corpus's canonical CSV form (``workbench.corpus.write_table``)."""
    return csv_text(frame).encode("utf-8")


def table(
    name: str,
    frame: pd.DataFrame,
    description: str | None = None,
    *,
    pandas_csv: bool = False,
    audience: str | None = None,
    title: str | None = None,
) -> Artefact:
    """Return the record of a CSV table with its schema.

    Args:
        pandas_csv: write with ``DataFrame.to_csv`` (LF line ends) rather than the canonical
            form, for the tables the workbench has always written that way.
    """
    if pandas_csv:
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    else:
        data = table_bytes(frame)
    about, reader, plain = guide(name, description, audience=audience, title=title)
    return Artefact(name, data, "text/csv", about, table_schema(frame), reader, plain)


def about_json(artefacts: Artefacts) -> bytes:
    """Return the records of ``artefacts`` without their bytes, as JSON."""
    return json.dumps([a.about() for a in artefacts], indent=1, sort_keys=True).encode()


def header(data: bytes) -> list[str]:
    """Return the header row of CSV bytes."""
    return next(csv.reader(io.StringIO(data.decode("utf-8"))), [])


def report_page(report: Artefact) -> Artefact:
    """Return the HTML page of a Markdown report artefact (``gaps.md`` → ``gaps.html``),
    rendered by :func:`workbench.render.reports.render_report_page`, for a browser that shows
    a ``.md`` file as raw text."""
    path = PurePosixPath(report.name)
    index = "../" * (len(path.parts) - 1) + "index.html"
    page = render_report_page(report.data.decode("utf-8"), path.name, index=index)
    return file(path.with_suffix(".html").as_posix(), page)
