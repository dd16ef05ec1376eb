"""`tokkyo reparse`: the stored files are read again with this version's readers and what
they hold is rewritten under their current versions (a real process; SQLite and
PostgreSQL). A store loaded by an older reader (simulated: a paragraph's stored text
changed behind the store's back) gets the text the current reader gives; nothing new is
versioned, nothing is quarantined; an unknown format is refused."""

from __future__ import annotations

import os

import sqlalchemy as sa

from tests.cli.test_cli import summary, tokkyo
from tests.conftest import FOREIGN, GAZETTE
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import paragraphs, sources


def test_reparse_rewrites_documents_from_the_stored_bytes(database_url, tmp_path):
    env = dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"),
               TOKKYO_DATABASE_URL=database_url, COLUMNS="100", TOKKYO_INGEST_WORKERS="0")
    tokkyo("ingest", "--quiet", "--tolerant", str(GAZETTE),
           str(FOREIGN / "ep" / "application" / "v1-2-A1.xml"), env=env, check=0)
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            expected = conn.execute(sa.select(paragraphs.c.id, paragraphs.c.text)).all()
            versions = conn.execute(sa.select(sa.func.count()).select_from(sources)
                                    ).scalar_one()
            conn.execute(sa.update(paragraphs).values(text="text of an older reader"))
        result = tokkyo("reparse", "--quiet", env=env, check=0)
        assert summary(result.stdout) == {"loaded": 0, "unchanged": 0, "replaced": 4,
                                          "skipped": 0, "quarantined": 0, "failed": 0}
        with engine.connect() as conn:
            texts = dict(conn.execute(sa.select(paragraphs.c.id, paragraphs.c.text)).all())
            assert conn.execute(sa.select(sa.func.count()).select_from(sources)
                                ).scalar_one() == versions
        assert sorted(texts.values()) == sorted(text for _id, text in expected)
    finally:
        engine.dispose()
    refused = tokkyo("reparse", "--format", "jpo-api-json", env=env, check=2)
    assert "'jpo-api-json' cannot be read again; formats that can: " in refused.stderr
