"""Text units: what the index holds one entry for (the title, the abstract, each claim,
each description paragraph, each party's name), and the integer key naming each unit.

The key packs the publication id, the field and the unit's position, so the index needs
no table of its own to say which text an entry stands for:
`publication_id << 20 | field << 16 | position`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.model.documents import Publication
from tokkyo.model.text_fields import ROLE_FIELDS

#: The number each text field (model/text_fields.py) is packed as in a unit key. Written
#: out, not counted from the table's order: the numbers are stored in the index.
FIELD_CODES = {"TI": 1, "AB": 2, "CL": 3, "DE": 4, "AP": 5, "IN": 6, "AG": 7}

FIELDS_BY_CODE = {code: field for field, code in FIELD_CODES.items()}
MAX_POSITION = 0xFFFF


@dataclass(frozen=True, slots=True)
class UnitRef:
    publication_id: int
    field: str
    position: int


def unit_key(publication_id: int, field: str, position: int) -> int:
    if not 0 <= position <= MAX_POSITION:
        raise ValueError(f"text unit {field} {position} is beyond the {MAX_POSITION} units a "
                         "field can index")
    return (publication_id << 20) | (FIELD_CODES[field] << 16) | position


def unit_ref(key: int) -> UnitRef:
    return UnitRef(key >> 20, FIELDS_BY_CODE[(key >> 16) & 0xF], key & MAX_POSITION)


def field_of(unit_key: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The field code packed into a unit key, in SQL."""
    return unit_key.op(">>")(sa.literal_column("16")).op("&")(sa.literal_column("15"))


def publication_of(unit_key: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The publication id of a unit key, in SQL."""
    return unit_key.op(">>")(sa.literal_column("20"))


def extra_titles_and_abstracts(pub: Publication) -> dict[str, list[str]]:
    """Units 1… of TI and AB: the titles and abstracts a document carries in other
    languages, then a mark's readings (a trademark is searched by how it is read), in the
    order `store.repositories.unit_texts.of_publication` reads them back."""
    titles = [t.text for t in pub.other_texts if t.part == "title"]
    if pub.trademark is not None:
        titles += list(pub.trademark.readings)
    return {"TI": titles, "AB": [t.text for t in pub.other_texts if t.part == "abstract"]}


def texts_of(pub: Publication) -> list[tuple[str, int, str]]:
    """(field, position, raw text) of every unit of a publication."""
    units = [("TI", 0, pub.title), ("AB", 0, pub.abstract)]
    units += [(field, i + 1, text) for field, texts in extra_titles_and_abstracts(pub).items()
              for i, text in enumerate(texts)]
    units += [("CL", i, c.text) for i, c in enumerate(pub.claims)]
    units += [("DE", i, p.text) for i, p in enumerate(pub.paragraphs)]
    units += [(ROLE_FIELDS[p.role.value], i, p.name) for i, p in enumerate(pub.parties)]
    return units
