"""Retry with exponential back-off and jitter around a fetch (exchange.md §3): a transfer
that breaks off (TransferFailed) is tried again on a fresh connection and resumes where the
local copy ends; a TransferRefused (bad credentials, unknown host key, refused path) is
never retried. Seed 002's partner whose site was "often" unreachable is what this is for."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tokkyo.exchange.transports.base import RemoteFile, TransferFailed, Transport

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry: attempt n (from 1) waits
    min(max_delay_s, first_delay_s · multiplier^(n-1)) before the next one, less a random
    share of up to `jitter` of it, so that many partners failing together do not retry in
    step."""

    attempts: int = 6
    first_delay_s: float = 2.0
    multiplier: float = 2.0
    max_delay_s: float = 120.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a retry policy needs at least 1 attempt")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter is a share between 0 and 1")

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        base = min(self.max_delay_s, self.first_delay_s * self.multiplier ** (attempt - 1))
        draw = (rng or random).random()
        return base * (1.0 - self.jitter * draw)


@dataclass(slots=True)
class FetchOutcome:
    """What a retried fetch did: the bytes each attempt moved (an attempt that could not
    connect moved 0) and the errors that ended the failed ones."""

    moved: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return len(self.moved)

    @property
    def total(self) -> int:
        return sum(self.moved)


def fetch_with_retry(connect: Callable[[], Transport], remote: RemoteFile, local: Path,
                     policy: RetryPolicy | None = None, *,
                     sleep: Callable[[float], None] = time.sleep,
                     transport: Transport | None = None) -> FetchOutcome:
    """Fetch `remote` to `local`, reconnecting with `connect()` after each TransferFailed
    and resuming from the local copy's end. `transport`, if given, is used for the first
    attempt (left open when it succeeds, closed when it breaks). Raises the last
    TransferFailed, its message prefixed with the attempt count, once the attempts are
    spent; a TransferRefused passes through at once."""
    policy = policy or RetryPolicy()
    outcome = FetchOutcome()
    current = transport
    for attempt in range(1, policy.attempts + 1):
        before = _size(local)
        try:
            if current is None:
                current = connect()
            moved = current.fetch(remote, local)
            outcome.moved.append(moved)
            if transport is None or current is not transport:
                current.close()
            return outcome
        except TransferFailed as exc:
            outcome.moved.append(max(0, _size(local) - before))
            outcome.errors.append(str(exc))
            if current is not None:
                _close_quietly(current)
            current = None
            if attempt == policy.attempts:
                raise TransferFailed(f"gave up after {attempt} attempts: {exc}") from exc
            sleep(policy.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def with_retry(connect: Callable[[], Transport], operation: Callable[[Transport], T],
               policy: RetryPolicy | None = None, *,
               sleep: Callable[[float], None] = time.sleep) -> T:
    """`operation(transport)` on a fresh connection, tried again on a new one after each
    TransferFailed (for listings and puts; fetches use `fetch_with_retry`, which also
    counts the bytes each attempt moved). The transport is closed afterwards."""
    policy = policy or RetryPolicy()
    for attempt in range(1, policy.attempts + 1):
        transport: Transport | None = None
        try:
            transport = connect()
            result = operation(transport)
            transport.close()
            return result
        except TransferFailed as exc:
            if transport is not None:
                _close_quietly(transport)
            if attempt == policy.attempts:
                raise TransferFailed(f"gave up after {attempt} attempts: {exc}") from exc
            sleep(policy.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _close_quietly(transport: Transport) -> None:
    """Close a transport whose connection already broke; its own error says nothing new."""
    with contextlib.suppress(OSError, TransferFailed, EOFError):
        transport.close()
