"""The store as a whole: the database engine and the blob store, built from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from tokkyo.config import Settings
from tokkyo.store import migrate
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.engine import make_engine, write_connection
from tokkyo.store.repositories import case_summaries


@dataclass
class Database:
    engine: Engine
    blobs: LocalBlobStore

    @classmethod
    def open(cls, settings: Settings) -> Database:
        settings.data_path.mkdir(parents=True, exist_ok=True)
        return cls(make_engine(settings.resolved_database_url, echo=settings.sql_echo),
                   LocalBlobStore(settings.blob_path))

    def upgrade(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the schema to the newest migration (a no-op when it is current), then
        summarise the cases stored without a summary (those from before migration 0012;
        `progress(done, total)` after each chunk). Returns how many were summarised."""
        migrate.upgrade(self.engine)
        return self._summarise_missing(progress)

    def _summarise_missing(self, progress: Callable[[int, int], None] | None) -> int:
        """Summarise every case without a summary of this version, a chunk per write
        transaction (each its own unit of work, taking the writer lock in turn with ingest
        batches). Returns how many were looked at."""
        with self.engine.connect() as conn:
            missing = case_summaries.unsummarised(conn)
        done = 0
        for chunk in case_summaries.chunks(missing):
            with write_connection(self.engine) as conn, conn.begin():
                case_summaries.summarise_missing(conn, chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, len(missing))
        return len(missing)

    def close(self) -> None:
        self.engine.dispose()
