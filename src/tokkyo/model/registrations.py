"""Registration of a right: holders, term, annuities (`registration_info`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokkyo.model.parties import Party


@dataclass(frozen=True, slots=True)
class Registration:
    registration_number: str
    filing_date: dt.date | None = None
    registration_date: dt.date | None = None
    decision_date: dt.date | None = None
    appeal_decision_date: dt.date | None = None
    right_holders: tuple[Party, ...] = ()
    title: str = ""
    number_of_claims: int | None = None
    expire_date: dt.date | None = None
    next_annuity_date: dt.date | None = None
    last_paid_year: int | None = None
    erasure_identifier: str = ""
    disappearance_date: dt.date | None = None
    update_date: dt.date | None = None
