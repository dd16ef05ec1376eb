"""The store as a whole: the database engine and the blob store, built from settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from tokkyo.config import Settings
from tokkyo.store import migrate
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.engine import make_engine


@dataclass
class Database:
    engine: Engine
    blobs: LocalBlobStore

    @classmethod
    def open(cls, settings: Settings) -> Database:
        settings.data_path.mkdir(parents=True, exist_ok=True)
        return cls(make_engine(settings.resolved_database_url, echo=settings.sql_echo),
                   LocalBlobStore(settings.blob_path))

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is current)."""
        migrate.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()
