"""The texts of index units read by (publication, field, position): exactly the units
asked for, on both databases, however many statements the pairs take."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import GAZETTE, ingest
from tokkyo.store.repositories import unit_texts
from tokkyo.store.tables import claims, paragraphs


def test_the_texts_of_exactly_the_units_asked_for(db, monkeypatch):
    ingest(db, GAZETTE)
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(paragraphs.c.publication_id, paragraphs.c.position,
                                      paragraphs.c.text)).all()
        claim_rows = conn.execute(sa.select(claims.c.publication_id, claims.c.position,
                                            claims.c.text)).all()
        by_key = {(p, "DE", q): t for p, q, t in rows}
        by_key |= {(p, "CL", q): t for p, q, t in claim_rows}
        publications = sorted({p for p, _, _ in rows})
        assert len(publications) >= 2
        # every other paragraph of each publication, and claim 0 of the first only:
        # positions asked of one publication are not read for another
        asked = [(p, "DE", q) for p, q, _ in rows if q % 2 == 0]
        asked += [(publications[0], "CL", 0)]
        asked += [(p, "DE", 9999) for p in publications]        # no such paragraph
        monkeypatch.setattr(unit_texts, "PAIRS_PER_STATEMENT", 3)
        got = unit_texts.texts(conn, asked)
    expected = {key: by_key[key] for key in asked if key in by_key}
    assert got == expected
    assert len(expected) > 6                     # more than two statements' worth
    assert (publications[1], "CL", 0) not in got
