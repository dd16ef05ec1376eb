"""Errors of the store that say whether a retry can help.

The databases say why they refused in codes, not in prose: SQLite's result codes
(`sqlite3.Error.sqlite_errorcode`, extended codes included) and PostgreSQL's SQLSTATE
(`psycopg.Error.sqlstate`). `busy_error` reads those codes, and `engine.make_engine`
installs it on every engine (SQLAlchemy's `handle_error` event), so that every caller of
the store gets a `StoreBusy` when the database was too busy to answer in time, whatever
the driver's message said.

`StoreBusy` is a `TransientError` (tokkyo's "a retry may help") and, so that code which
handles any failure of the database (`except sa.exc.SQLAlchemyError`) still does, an
`sa.exc.OperationalError` carrying the driver's error, statement and parameters.
"""

from __future__ import annotations

import errno
import os
import resource
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tokkyo.errors import TransientError

#: SQLite primary result codes that mean "another connection holds what this one needs";
#: extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE …) carry them in their
#: low byte.
SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})

#: PostgreSQL SQLSTATEs after which the same work may succeed when tried again.
POSTGRES_BUSY_STATES: dict[str, str] = {
    "55P03": "a lock was not granted in time (lock_not_available)",
    "57014": "the statement was cancelled, e.g. by statement_timeout (query_canceled)",
    "40001": "a concurrent transaction made this one unserialisable "
             "(serialization_failure)",
    "40P01": "this transaction was chosen to break a deadlock (deadlock_detected)",
}


class StoreBusy(TransientError, sa.exc.OperationalError):
    """The database was too busy to do this in time: locked by another writer, a lock or
    statement timeout, a serialisation failure or a deadlock. Nothing of the transaction
    was kept; trying again later may succeed."""

    code = ""            # no link to SQLAlchemy's background pages in the message

    def __init__(self, reason: str, *, statement: str | None = None, params: Any = None,
                 orig: BaseException | None = None) -> None:
        self.reason = reason
        self.connection_invalidated = False
        sa.exc.StatementError.__init__(self, f"the store is busy: {reason}", statement,
                                       params, orig)

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), self.reason, self.statement, self.params, self.orig)


def _restore(cls: type[StoreBusy], reason: str, statement: str | None, params: Any,
             orig: BaseException | None) -> StoreBusy:
    return cls(reason, statement=statement, params=params, orig=orig)


#: PostgreSQL SQLSTATEs that mean "the server went away or is not taking connections".
POSTGRES_GONE_STATES: dict[str, str] = {
    "57P01": "the server is shutting down (admin_shutdown)",
    "57P02": "the server crashed (crash_shutdown)",
    "57P03": "the server is not accepting connections yet (cannot_connect_now)",
}


class StoreUnavailable(TransientError, sa.exc.OperationalError):
    """The database could not be reached, or the connection to it was lost (a restart, a
    failover, a network cut). Nothing of the transaction was kept unless it had been
    committed; the pool reconnects, so trying again later may succeed."""

    code = ""

    def __init__(self, reason: str, *, statement: str | None = None, params: Any = None,
                 orig: BaseException | None = None) -> None:
        self.reason = reason
        self.connection_invalidated = True
        sa.exc.StatementError.__init__(self, f"the store is unavailable: {reason}",
                                       statement, params, orig)

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore_unavailable, (type(self), self.reason, self.statement, self.params,
                                      self.orig)


def _restore_unavailable(cls: type[StoreUnavailable], reason: str, statement: str | None,
                         params: Any, orig: BaseException | None) -> StoreUnavailable:
    return cls(reason, statement=statement, params=params, orig=orig)


def unavailable_error(error: BaseException, is_disconnect: bool,
                      statement: str | None = None, params: Any = None
                      ) -> StoreUnavailable | None:
    """`error` as a `StoreUnavailable` when it means the database is away: SQLAlchemy saw
    a disconnect, PostgreSQL said it is shutting down or not yet up, or the connection
    could not be made (psycopg's OperationalError without a SQLSTATE, or class 08)."""
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str) and state in POSTGRES_GONE_STATES:
        reason = POSTGRES_GONE_STATES[state]
    elif is_disconnect:
        reason = "the connection to the database was lost"
    elif type(error).__module__.startswith("psycopg") and type(error).__name__ == (
            "OperationalError") and (state is None or state.startswith("08")):
        reason = "the database cannot be reached"
    else:
        return None
    return StoreUnavailable(reason, statement=statement, params=params, orig=error)


def busy_reason(error: BaseException) -> str | None:
    """Why `error`, raised by a database driver, means "busy", or None when it does not;
    decided by the error's code, never its message."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in SQLITE_BUSY_CODES:
            return f"SQLite answered {getattr(error, 'sqlite_errorname', code)}"
        return None
    state = getattr(error, "sqlstate", None)          # psycopg 3
    if isinstance(state, str):
        return POSTGRES_BUSY_STATES.get(state)
    return None


def busy_error(error: BaseException, statement: str | None = None,
               params: Any = None) -> StoreBusy | None:
    """`error` as a `StoreBusy` (the caller raises it `from error`), or None when retrying
    cannot help."""
    reason = busy_reason(error)
    if reason is None:
        return None
    return StoreBusy(reason, statement=statement, params=params, orig=error)


#: errno values of a write refused for want of space: the disk is full, the user's quota
#: is used up, a file would grow past the size limit (RLIMIT_FSIZE).
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: errno values of a write refused because the place is read-only or not ours to write.
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
SQLITE_FULL = 13
SQLITE_IOERR_WRITE = 778
SQLITE_READONLY = 8
POSTGRES_DISK_FULL = "53100"


def _causes(error: BaseException) -> list[BaseException]:
    """The error, the driver's error it wraps, and what it was raised from."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        item = pending.pop()
        if item is None or any(item is seen for seen in found):
            continue
        found.append(item)
        pending += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return found


def no_space_reason(error: BaseException, files: Sequence[Path] = ()) -> str | None:
    """What ran out when `error` (a write's, by its errno or the database's code) means
    there was no space to write, or None.

    SQLite says SQLITE_FULL when the disk is full, but only SQLITE_IOERR_WRITE when a
    file reached the process's size limit (RLIMIT_FSIZE: its VFS reports ENOSPC alone as
    "full"). That code is taken for "no space" only when one of `files` (the database
    file and its WAL) did reach the limit, or its disk has less than a megabyte left;
    otherwise it is an I/O error like any other."""
    for cause in _causes(error):
        if isinstance(cause, sqlite3.Error) and getattr(
                cause, "sqlite_errorcode", None) == SQLITE_IOERR_WRITE:
            room = out_of_room(files)
            if room is not None:
                return f"SQLite: {cause}: {room}"
        if isinstance(cause, OSError) and cause.errno in NO_SPACE_ERRNOS:
            return f"{cause.strerror} ({cause.filename})" if cause.filename else str(
                cause.strerror)
        if isinstance(cause, sqlite3.Error) and isinstance(
                getattr(cause, "sqlite_errorcode", None), int) and \
                cause.sqlite_errorcode & 0xFF == SQLITE_FULL:
            return f"SQLite: {cause}"
        if getattr(cause, "sqlstate", None) == POSTGRES_DISK_FULL:
            return f"PostgreSQL: {str(cause).splitlines()[0]}"
    return None


def out_of_room(files: Sequence[Path]) -> str | None:
    """Which of `files` reached this process's file size limit, or whose disk is all but
    full; None when neither."""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    for path in files:
        try:
            size = path.stat().st_size
            free = os.statvfs(path.parent)
        except OSError:
            continue
        if limit != resource.RLIM_INFINITY and size + (1 << 16) >= limit:
            return f"{path} reached the file size limit of {limit:,} bytes"
        if free.f_bavail * free.f_frsize < (1 << 20):
            return f"{path.parent} has {free.f_bavail * free.f_frsize:,} bytes free"
    return None


def read_only_reason(error: BaseException) -> str | None:
    """What refused the write when `error` means the place is read-only (or not writable
    by this user), or None."""
    for cause in _causes(error):
        if isinstance(cause, OSError) and cause.errno in READ_ONLY_ERRNOS:
            return f"{cause.strerror} ({cause.filename})" if cause.filename else str(
                cause.strerror)
        if isinstance(cause, sqlite3.Error) and isinstance(
                getattr(cause, "sqlite_errorcode", None), int) and \
                cause.sqlite_errorcode & 0xFF == SQLITE_READONLY:
            return f"SQLite: {cause}"
    return None
