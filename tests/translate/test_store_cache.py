"""The real-time cache and the served endpoints' rate limit kept in the store, on SQLite
and PostgreSQL: two `Database` objects on one store stand for two server processes (each
has its own engine and pool), and see each other's entries and calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.translate import routing
from tokkyo.translate.cache import key
from tokkyo.translate.kinds import ContentKind, Translation
from tokkyo.translate.ratelimit import RateLimited
from tokkyo.translate.service import Platform
from tokkyo.translate.store_cache import StoreCache, StoreRateLimit

START = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def second(database_url: str, tmp_path) -> Iterator[Database]:
    """Another process's view of the same store."""
    other = Database(make_engine(database_url), LocalBlobStore(tmp_path / "blobs2"))
    yield other
    other.close()


def test_an_entry_is_shared_and_expires(db: Database, second: Database) -> None:
    clock = Clock()
    mine, theirs = StoreCache(db, ttl=60, clock=clock), StoreCache(second, ttl=60, clock=clock)
    k = key("identity", "1", "ja", "en", ContentKind.CLAIMS, "基板⟦0⟧を備える。")
    other = key("identity", "2", "ja", "en", ContentKind.CLAIMS, "基板⟦0⟧を備える。")
    mine.put(k, Translation("substrate ⟦0⟧", "identity", "1", ((0, 9),)))
    assert theirs.get(k) == Translation("substrate ⟦0⟧", "identity", "1", ((0, 9),))
    assert theirs.get(other) is None                 # another engine version: not this
    theirs.put(k, Translation("a substrate ⟦0⟧", "identity", "1"))   # replaced, one row
    assert mine.get(k) == Translation("a substrate ⟦0⟧", "identity", "1")
    assert len(mine) == 1
    clock.now = START + dt.timedelta(seconds=61)
    assert mine.get(k) is None
    assert mine.prune() == 1 and len(theirs) == 0


def test_many_keys_at_once(db: Database) -> None:
    cache = StoreCache(db)
    keys = [key("identity", "1", "ja", "en", ContentKind.DESCRIPTION, f"段落{i}。")
            for i in range(1200)]                    # more than one look-up statement
    cache.put_many([(k, Translation(f"p{i}", "identity", "1"))
                    for i, k in enumerate(keys[:700])])
    found = cache.get_many(keys)
    assert len(found) == 700 and found[keys[699]].text == "p699"
    assert cache.hits == 700 and cache.misses == 500


def test_the_platform_translates_a_segment_once_for_every_process(db: Database,
                                                                 second: Database) -> None:
    def platform(database: Database) -> Platform:
        table = routing.parse("[engines.e]\ntype = 'identity'\npairs = ['ja-en']\n"
                              "[[routes]]\nsource = 'ja'\ntarget = 'en'\nkinds = ['*']\n"
                              "engine = 'e'\n", "test")
        return Platform(table, cache=StoreCache(database))

    text = "【請求項１】基板１０を備える。\n【請求項２】請求項１に記載の装置。"
    first = platform(db).translate(text, source="ja", target="en", kind=ContentKind.CLAIMS)
    again = platform(second).translate(text, source="ja", target="en",
                                       kind=ContentKind.CLAIMS)
    assert (first.attempts, first.cached) == (1, 0)     # one engine call for both
    assert (again.attempts, again.cached) == (0, 2)     # the other process: from the store
    assert again.text == first.text
    assert [u.label for u in again.units] == ["【請求項１】", "【請求項２】"]


def test_the_rate_limit_is_counted_across_processes(db: Database, second: Database) -> None:
    clock = Clock()
    mine = StoreRateLimit(db, 3, window=60, clock=clock)
    theirs = StoreRateLimit(second, 3, window=60, clock=clock)
    mine.admit("alice")
    clock.now += dt.timedelta(seconds=10)
    theirs.admit("alice")
    mine.admit("alice")
    with pytest.raises(RateLimited) as refused:
        theirs.admit("alice")
    assert refused.value.retry_after == 50          # the first call leaves the window then
    assert str(refused.value) == "too many requests: 3 per 60 s; try again in 50 s"
    theirs.admit("bob")                              # per caller
    clock.now = START + dt.timedelta(seconds=61)
    mine.admit("alice")                              # the first call has left the window
    with db.engine.connect() as conn:                # a refused call is not recorded
        assert conn.execute(sa.text("SELECT count(*) FROM translate_calls "
                                    "WHERE caller = 'alice'")).scalar_one() == 4
