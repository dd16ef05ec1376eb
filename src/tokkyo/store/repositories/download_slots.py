"""Download slots on a PostgreSQL store (bulk.md §4): slot `k` of a user is a
session-level advisory lock, held by the session (`Database.held_session`) of the
download that took it, whichever server process or machine that is.

Why a session lock and not a lease row with a heartbeat: the lock is the server's own
record of who is connected, so it ends with the session — when the download closes its
connection, when the process dies (the kernel closes its socket), or, for a machine that
vanished, when the keepalives give up (`engine.HELD_SESSION_ARGS`) — with no expiry to
tune, no heartbeat writes and no rows to sweep. The price is one PostgreSQL session per
running download (at most `TOKKYO_BULK_MAX_DOWNLOADS` per user); a pooler in transaction
mode (pgbouncer) would break it, so the held sessions must reach PostgreSQL directly.

Keys are the single-bigint form (a key space apart from the two-int locks of quotas and
formulas): `NAMESPACE` in the top 16 bits, the user in the next 32, the slot in the low
16. Locks are re-entrant within a session, so a session holds one slot at most and lets
go of every lock before it serves the next download (held sessions are kept in a small
pool of their own: opening one costs more than the slot's two statements).
"""

from __future__ import annotations

import sqlalchemy as sa

#: 'tk' — the top 16 bits of every download slot's key.
NAMESPACE = 0x746B
#: The largest number of slots a user may have (the low 16 bits of the key).
MAX_SLOTS = 1 << 16


def slot_key(user_pk: int, slot: int) -> int:
    """The advisory lock key of the user's slot `slot` (0-based)."""
    if not 0 <= user_pk < 1 << 32 or not 0 <= slot < MAX_SLOTS:
        raise ValueError(f"no download slot key for user {user_pk}, slot {slot}")
    return (NAMESPACE << 48) | (user_pk << 16) | slot


def try_hold(conn: sa.Connection, user_pk: int, slot: int) -> bool:
    """Take the user's slot `slot` for as long as `conn`'s session lasts; False when
    another session holds it. Never waits."""
    return bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"),
                             {"key": slot_key(user_pk, slot)}).scalar_one())


def let_go(conn: sa.Connection) -> None:
    """Give back every slot `conn`'s session holds (it holds one, or none), so that the
    session can serve the next download holding nothing."""
    conn.execute(sa.text("SELECT pg_advisory_unlock_all()"))


def holders(conn: sa.Connection) -> list[tuple[int, int, str]]:
    """Every slot held now on this database (advisory locks are per database), as (user,
    slot, application name of the holding session), for operators (which process holds
    what) and for the tests."""
    rows = conn.execute(sa.text(
        "SELECT ((l.classid::bigint << 32) | l.objid::bigint) AS key, a.application_name "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND (l.classid::bigint >> 16) = :ns ORDER BY key"), {"ns": NAMESPACE})
    return [((key >> 16) & 0xFFFFFFFF, key & 0xFFFF, name) for key, name in rows]
