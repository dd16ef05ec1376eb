"""The store as a whole: the database engine and the blob store, built from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from tokkyo.config import Settings
from tokkyo.store import migrate
from tokkyo.store.blobs import BlobStore, open_blob_store
from tokkyo.store.engine import make_engine
from tokkyo.store.repositories import case_summaries


@dataclass
class Database:
    engine: Engine
    blobs: BlobStore

    @classmethod
    def open(cls, settings: Settings) -> Database:
        settings.data_path.mkdir(parents=True, exist_ok=True)
        return cls(make_engine(settings.resolved_database_url, echo=settings.sql_echo),
                   open_blob_store(settings))

    def upgrade(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the schema to the newest migration (a no-op when it is current), then
        summarise the cases stored without a summary (those from before migration 0012;
        `progress(done, total)` after each chunk). Returns how many were summarised."""
        migrate.upgrade(self.engine)
        return case_summaries.fill_missing(self.engine, progress)

    def close(self) -> None:
        self.engine.dispose()
