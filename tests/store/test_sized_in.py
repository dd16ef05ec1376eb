"""IN lists of every size, on both databases: `SizedIn` pads a list to its statement's
size, `chunked` cuts a long one, and the lookups of a delivery's documents built on them
(`find_many`, `ensure_applications`) answer past one chunk."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tokkyo.model.laws import Law
from tokkyo.store.bulk import SizedIn, chunked
from tokkyo.store.database import Database
from tokkyo.store.repositories import cases, publications, sources
from tokkyo.store.tables import applications

_IDS = SizedIn(lambda ids: sa.select(applications.c.id).where(applications.c.id.in_(ids))
               .order_by(applications.c.id), "ids")


def test_every_list_size_and_the_chunks_of_a_long_list(db: Database) -> None:
    numbers = [f"2020{n:06d}" for n in range(700)]
    with db.engine.begin() as conn:
        ids = cases.ensure_applications(conn, [(Law.PATENT, n, "JP") for n in numbers])
        assert len(set(ids)) == 700 and ids == sorted(ids)
        # asked again, with repeats: the same ids, nothing new
        again = cases.ensure_applications(conn, [(Law.PATENT, n, "JP")
                                                 for n in numbers[::-1] + numbers[:3]])
        assert again == ids[::-1] + ids[:3]
        assert conn.execute(sa.select(sa.func.count()).select_from(applications)
                            ).scalar_one() == 700
        for size in (1, 2, 3, 5, 8, 100, 511, 512):
            wanted = ids[:size]
            found = [r.id for r in _IDS.execute(conn, {"ids": wanted})]
            assert found == wanted
        assert [len(c) for c in chunked(ids)] == [512, 188]
        with pytest.raises(ValueError, match="IN list of 513"):
            _IDS.execute(conn, {"ids": ids[:513]})
        with pytest.raises(ValueError, match="IN list of 0"):
            _IDS.execute(conn, {"ids": []})


def test_find_many_past_one_chunk(db: Database) -> None:
    with db.engine.begin() as conn:
        app_id = cases.ensure_application(conn, Law.PATENT, "P1", "EP")
        sources.record_blob(conn, "0" * 64, 1)
        source = sources.add_version(conn, key="k", format="f", name="n", blob_sha256="0" * 64,
                                     fingerprint="0" * 64, batch_id=None).id
        stored = {}
        for n in (5, 600, 699):
            stored[("EP", "B1", str(n))] = conn.execute(
                sa.insert(publications.publications).returning(publications.publications.c.id),
                {"application_id": app_id, "country": "EP", "kind": "B1", "st16_kind": "B1",
                 "law": "patent", "number": str(n), "language": "en",
                 "source_id": source}).scalar_one()
        keys = [("EP", "B1", str(n)) for n in range(700)] + [("EP", "A1", "5"), ("US", "B1", "5")]
        found = publications.find_many(conn, keys)
        assert {k: s.id for k, s in found.items()} == stored
        assert {s.application_id for s in found.values()} == {app_id}
