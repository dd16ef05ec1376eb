"""A serving process freezes its start-up heap, so that the garbage collector's full
collections no longer walk it in the middle of a request; an app built for other uses
(the tests build hundreds) leaves the collector alone."""

from __future__ import annotations

import gc
import time

import pytest
from fastapi.testclient import TestClient

from tokkyo.app import create_app, served_app
from tokkyo.config import load_settings
from tokkyo.store.database import Database


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def _settings(db: Database, tmp_path):
    return load_settings(database_url=str(db.engine.url), data_dir=str(tmp_path / "data"),
                         environ={})


def test_a_serving_app_freezes_the_heap_it_started_with(sqlite_db, tmp_path, unfrozen):
    app = create_app(_settings(sqlite_db, tmp_path), sqlite_db, serving=True)
    assert gc.get_freeze_count() == 0
    with TestClient(app) as client:
        frozen = gc.get_freeze_count()
        # the app, its routes, SQLAlchemy, Jinja2 and the rest: tens of thousands
        assert frozen > 20_000
        assert client.get("/search", params={"q": "電池"}).status_code == 200
        started = time.perf_counter()
        gc.collect()
        after_freeze = time.perf_counter() - started
        gc.unfreeze()
        started = time.perf_counter()
        gc.collect()
        walking_everything = time.perf_counter() - started
    # what the freeze is for: a full collection no longer walks the frozen objects
    assert after_freeze < walking_everything


def test_an_app_that_does_not_serve_leaves_the_collector_alone(sqlite_db, tmp_path, unfrozen):
    app = create_app(_settings(sqlite_db, tmp_path), sqlite_db)
    with TestClient(app) as client:
        assert client.get("/search", params={"q": "電池"}).status_code == 200
        assert gc.get_freeze_count() == 0


def test_the_workers_factory_builds_a_serving_app(sqlite_db, tmp_path, monkeypatch, unfrozen):
    # `tokkyo serve --workers N` has each process call this factory, with the settings
    # from the environment
    monkeypatch.setenv("TOKKYO_DATABASE_URL", str(sqlite_db.engine.url))
    monkeypatch.setenv("TOKKYO_DATA_DIR", str(tmp_path / "data"))
    with TestClient(served_app()) as client:
        assert client.get("/health").status_code == 200
        assert gc.get_freeze_count() > 20_000
