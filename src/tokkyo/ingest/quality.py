"""The quality report: completeness per source and kind, validation problems, quarantine."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.store.repositories import quality, sources
from tokkyo.store.repositories.quality import Completeness


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    """One refused file (one per distinct content): as it was last seen (batch, name,
    format, reason), when it was first and last seen and how many times."""
    batch_id: int | None
    name: str
    format: str
    reason: str
    blob_sha256: str | None
    created_at: str
    last_seen_at: str
    times_seen: int


def quarantined(conn: sa.Connection) -> list[QuarantinedFile]:
    return [QuarantinedFile(r.batch_id, r.name, r.format, r.reason, r.blob_sha256,
                            r.created_at.isoformat(), r.last_seen_at.isoformat(),
                            r.times_seen) for r in sources.quarantined(conn)]


@dataclass(frozen=True, slots=True)
class QualityReport:
    completeness: list[Completeness]
    problems: list[tuple[str, int, int]]
    problem_kinds: list[tuple[str, int]]
    quarantined: list[tuple[str, int]]


def _kind_of(problem: str) -> str:
    """A problem's family: its text without the particular value (`F-term '…' is not …`)."""
    head = problem.split(": ", 1)[-1]
    words = [w for w in head.split() if not (w.startswith("'") or w.startswith('"'))]
    return " ".join(words[:8])


def build(conn: sa.Connection) -> QualityReport:
    kinds = Counter(_kind_of(text) for _name, text in quality.problem_texts(conn))
    return QualityReport(
        completeness=quality.publications_by_kind(conn) + quality.cases_by_law(conn),
        problems=quality.problems_by_format(conn),
        problem_kinds=kinds.most_common(20),
        quarantined=quality.quarantine_by_format(conn))
