"""The crosswalk's SSSOM mapping table as SSSOM/TSV text (render: a frame in, text out).

The table itself, with its CURIEs, SKOS predicates and semapv justifications, is the model's
(:func:`workbench.crosswalk.sssom_table`); this module writes it with the metadata block
that sssom-py reads.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from workbench.crosswalk import SSSOM_CURIE_MAP, SSSOM_MAPPING_SET_ID

#: The SSSOM metadata block, apart from the curie map.
SSSOM_METADATA = {
    "mapping_set_id": SSSOM_MAPPING_SET_ID,
    "mapping_set_title": "Standards for domestic abuse perpetrator interventions (2023) "
    "guidelines mapped to existing frameworks",
    "mapping_set_description": "NIST IR 8477 set-theory relationships, curated by reading "
    "both texts; our judgements, not the report's. Focal (subject) = guideline or standard, "
    "or a Respect 3rd-edition item in the edition mapping. The comment of each mapping gives "
    "its IR 8477 relation, rationale type and OLIR strength (0-10).",
    "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}


def render_sssom(table: pd.DataFrame) -> str:
    """Return an SSSOM table as SSSOM/TSV text: the YAML metadata block, then the rows.

    Every metadata value is written as a double-quoted YAML string (JSON quoting, which YAML
    reads), so a value holding ``: `` or ending in ``:`` stays one string.
    """
    header = ["# curie_map:"]
    header += [f"#   {prefix}: {json.dumps(iri)}" for prefix, iri in SSSOM_CURIE_MAP.items()]
    header += [
        f"# {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in SSSOM_METADATA.items()
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.itertuples(index=False, name=None))
    return "\n".join(header) + "\n" + buffer.getvalue()
