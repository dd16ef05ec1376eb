"""The true legal status of a case on a date, from registration and annuity data
(portal.md §10; proposed rules, to be checked against Patent Act Art. 112).

J-PlatPat shows only the maximum term; tokkyo reads the annuity record: a right whose
next annuity is overdue is in its six-month grace period, and past that with no payment
recorded its lapse is presumed though not yet recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

GRACE_MONTHS = 6


class Status(StrEnum):
    """The simple status facet (`ST` field)."""

    PENDING = "pending"
    IN_FORCE = "in-force"
    GRACE = "grace"
    LAPSE_PRESUMED = "lapse-presumed"
    EXPIRED = "expired"
    CEASED = "ceased"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """What the rules read; every field may be absent."""

    registration_number: str = ""
    disappearance_date: dt.date | None = None
    expire_date: dt.date | None = None
    next_annuity_date: dt.date | None = None
    last_paid_year: int | None = None
    erasure_identifier: str = ""
    refused: bool = False
    withdrawn: bool = False
    known: bool = True  # False when the store holds no progress or registration data


@dataclass(frozen=True, slots=True)
class StatusReading:
    status: Status
    on: dt.date
    until: dt.date | None = None      # the status holds at least until this date
    paid_through_year: int | None = None
    reason: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def status_on(facts: StatusFacts, on: dt.date) -> StatusReading:
    """Rules 1–6 of portal.md §10, evaluated for the date `on`."""
    if not facts.known:
        return StatusReading(Status.UNKNOWN, on, reason="no registration or progress data")
    if not facts.registration_number:
        if facts.refused:
            return StatusReading(Status.REFUSED, on, reason="decision of refusal final")
        if facts.withdrawn:
            return StatusReading(Status.WITHDRAWN, on, reason="withdrawn or abandoned")
        return StatusReading(Status.PENDING, on)
    if facts.disappearance_date is not None and facts.disappearance_date <= on:
        return StatusReading(Status.CEASED, on, reason=facts.erasure_identifier)
    if facts.expire_date is not None and facts.expire_date < on:
        return StatusReading(Status.EXPIRED, on, reason="term ended")
    due = facts.next_annuity_date
    if due is not None and due < on:
        grace_end = add_months(due, GRACE_MONTHS)
        if on <= grace_end:
            return StatusReading(Status.GRACE, on, until=grace_end,
                                 paid_through_year=facts.last_paid_year,
                                 reason="annuity overdue, grace period")
        return StatusReading(Status.LAPSE_PRESUMED, on, paid_through_year=facts.last_paid_year,
                             reason="annuity unpaid past the grace period, lapse not recorded")
    return StatusReading(Status.IN_FORCE, on, until=due or facts.expire_date,
                         paid_through_year=facts.last_paid_year)
