"""PostgreSQL streaming replicas that serve reads, skipped while down or lagging.

How far behind a replica is, is measured in WAL positions, not in commit timestamps:
`now() - pg_last_xact_replay_timestamp()` grows without bound on a primary that writes
nothing (the last replayed commit simply gets old), so it would skip a replica that is
perfectly current. Instead, each check first samples the primary's WAL position
(`pg_current_wal_lsn()`), keeping the recent samples with the time they were taken; then
asks each replica how far it has replayed (`pg_last_wal_replay_lsn()`). A replica that
has replayed up to a sample taken at time T holds everything the primary had committed at
T (a commit returns once its WAL record is written), so its staleness is at most
`now - T`, measured when a read is routed, not when the check ran. On an idle primary the
position stands still and a replica that has replayed it is current (staleness 0); a
paused or broken replica falls behind the samples and is skipped once its staleness
passes `TOKKYO_REPLICA_MAX_LAG_S`. Two cheap statements per check, no table, nothing
written on the primary (a heartbeat row would cost a write every check and would need a
writer process everywhere tokkyo serves).

Checks run every `check_interval` seconds in a daemon thread of each process, started by
the first read (which checks first itself); reads route on the state of the last check
and never wait for one. Sampling also while no read comes keeps the samples dense: with
checks only when reads come, the first write after an idle minute would leave a replica
a minute "behind" until it had replayed it. Each process checks for itself: the state is
a cache of facts any process can read from the databases, never shared state.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

log = logging.getLogger("tokkyo.store.replicas")

#: How long a replica's connection attempt may take before it counts as down (seconds;
#: libpq's connect_timeout, whose smallest useful value is 2).
CONNECT_TIMEOUT_S = 2

#: How often, at most, a process samples the primary and its replicas (seconds); never
#: more than half the lag allowed, so a current replica is not skipped between checks.
CHECK_INTERVAL_S = 1.0

_PRIMARY_LSN = sa.text("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
_REPLICA_LSN = sa.text("SELECT pg_is_in_recovery(), "
                       "(pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint")


def shown(url: str) -> str:
    """A replica's URL for log lines: host, port and database, never a password."""
    return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


@dataclass
class Replica:
    """One replica and what the last check learnt of it."""

    url: str
    engine: Engine
    up: bool = False
    #: monotonic time of the newest primary sample this replica had replayed
    current_at: float | None = None
    reason: str = "not checked yet"

    def staleness(self, now: float) -> float | None:
        """Seconds of primary writes this replica may be missing; None when unknown."""
        return None if self.current_at is None else max(0.0, now - self.current_at)


@dataclass
class Replicas:
    """The replicas of one primary, and which of them may serve a read now."""

    primary: Engine
    members: Sequence[Replica]
    max_lag: float
    check_interval: float = CHECK_INTERVAL_S
    clock: Callable[[], float] = time.monotonic
    #: (monotonic time, primary WAL position) samples, oldest first
    _samples: deque[tuple[float, int]] = field(default_factory=deque)
    _checking: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _turn: int = 0
    _usable: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.check_interval = min(self.check_interval, self.max_lag / 2)

    def engines(self) -> list[Engine]:
        return [r.engine for r in self.members]

    def choose(self) -> Replica | None:
        """A replica to read on (round robin over the usable ones), or None: read on the
        primary. The first call checks, then starts the thread that checks from then on."""
        if self._thread is None:
            self._start()
        now = self.clock()
        usable = [r for r in self.members if self._usable_now(r, now)]
        if not usable:
            return None
        self._turn = (self._turn + 1) % len(usable)
        return usable[self._turn]

    def _usable_now(self, replica: Replica, now: float) -> bool:
        lag = replica.staleness(now)
        ok = replica.up and lag is not None and lag <= self.max_lag
        # one log line when a replica starts or stops serving, not one per read
        if ok != (replica.url in self._usable):
            if ok:
                self._usable.add(replica.url)
                log.info("replica %s serves reads again", shown(replica.url))
            else:
                self._usable.discard(replica.url)
                why = replica.reason if not replica.up else (
                    f"more than {self.max_lag:g} s behind the primary")
                log.warning("replica %s skipped, reads go to the primary: %s",
                            shown(replica.url), why)
        return ok

    def _start(self) -> None:
        with self._checking:
            if self._thread is not None:
                return
            self._check()
            self._thread = threading.Thread(target=self._run, name="tokkyo-replicas",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.check_interval):
            try:
                self.check()
            except Exception:            # a check must never end the thread
                log.exception("checking the read replicas failed")

    def check(self) -> None:
        """Sample the primary's WAL position, then each replica's replay position."""
        with self._checking:
            self._check()

    def _check(self) -> None:
        self._sample_primary()
        for replica in self.members:
            self._check_replica(replica)

    def _sample_primary(self) -> None:
        try:
            with self.primary.connect() as conn:
                position = int(conn.execute(_PRIMARY_LSN).scalar_one())
        except sa.exc.SQLAlchemyError as exc:
            # the primary's own trouble is answered where it is used; without a sample
            # the replicas' staleness simply grows until one is taken
            log.warning("could not sample the primary's WAL position: %s",
                        type(exc).__name__)
            return
        now = self.clock()
        samples = self._samples
        if samples and samples[-1][1] == position:
            # the primary wrote nothing since: the newest sample stands for now too
            samples[-1] = (now, position)
        else:
            samples.append((now, position))
        while len(samples) > 1 and samples[1][0] < now - 2 * self.max_lag:
            samples.popleft()

    def _check_replica(self, replica: Replica) -> None:
        try:
            with replica.engine.connect() as conn:
                recovering, replayed = conn.execute(_REPLICA_LSN).one()
        except sa.exc.SQLAlchemyError as exc:
            replica.up, replica.reason = False, f"unreachable ({_first_line(exc)})"
            return
        if not recovering or replayed is None:
            replica.up, replica.reason = False, "not a replica (not in recovery)"
            return
        replica.up, replica.reason = True, ""
        # the newest sample the replica has replayed
        positions = [p for _, p in self._samples]
        reached = bisect.bisect_right(positions, int(replayed)) - 1
        if reached >= 0:
            replica.current_at = max(replica.current_at or 0.0, self._samples[reached][0])

    def failed(self, replica: Replica, error: BaseException) -> None:
        """A read could not open a connection to `replica`: skip it until a check finds
        it up again."""
        replica.up, replica.reason = False, f"unreachable ({_first_line(error)})"
        self._usable_now(replica, self.clock())

    def failed_engine(self, engine: Engine, error: BaseException) -> None:
        """`failed` for the replica whose engine is `engine`."""
        for replica in self.members:
            if replica.engine is engine:
                self.failed(replica, error)

    def dispose(self) -> None:
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        for replica in self.members:
            replica.engine.dispose()


@dataclass(frozen=True, slots=True)
class Standing:
    """One replica as a one-off look finds it (`survey`): `state` is "current" (it has
    replayed the primary's WAL position taken just before), "behind" (by `behind` bytes of
    WAL), "down" or "not a replica"; `detail` says why it is down."""

    url: str
    state: str
    behind: int = 0
    detail: str = ""


def survey(replicas: Replicas) -> list[Standing]:
    """Each replica's standing now, for operators (`tokkyo db replicas`): the primary's
    WAL position, then each replica's replayed position. Raises the primary's own error
    when it cannot be read."""
    with replicas.primary.connect() as conn:
        position = int(conn.execute(_PRIMARY_LSN).scalar_one())
    out = []
    for replica in replicas.members:
        try:
            with replica.engine.connect() as conn:
                recovering, replayed = conn.execute(_REPLICA_LSN).one()
        except sa.exc.SQLAlchemyError as exc:
            out.append(Standing(shown(replica.url), "down", detail=_first_line(exc)))
            continue
        if not recovering or replayed is None:
            out.append(Standing(shown(replica.url), "not a replica"))
        elif int(replayed) >= position:
            out.append(Standing(shown(replica.url), "current"))
        else:
            out.append(Standing(shown(replica.url), "behind", position - int(replayed)))
    return out


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip().splitlines()
    return text[0][:200] if text else type(orig).__name__
