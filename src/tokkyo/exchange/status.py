"""The status table of data exchange, computed (exchange.md §8, issue 16 item 7): one row
per partner in the columns of the JPO's own table (seed 002): agreement, data exchange
○△×, public provision, last delivery, content, quality C/A/T and the current state.

Data exchange is derived from the deliveries and the agreement, never typed in:
- × when nothing arrived for 12 months (or ever);
- ○ when deliveries arrived for each of the last two agreed periods (the most frequent
  product the partner sends decides the period) and the latest was loaded whole;
- △ otherwise: late, irregular, or partially loaded.

Content comes from completeness (`abstract only` when the text documents of the last 12
months carry abstracts and no claims or description); quality C/A/T are the scores of the
latest delivery's report; the current state is the operators' text. A partner is late
(an alert) when more than one agreed period and a grace of a quarter period (at least two
days) have passed since its latest delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from tokkyo.exchange import completeness
from tokkyo.exchange.inputs import PERIOD_DAYS, AgreementRow, DeliveredDocument, Delivery
from tokkyo.exchange.quality import QualityReport, shortest_frequency

YEAR = dt.timedelta(days=365)
#: A gap longer than this many agreed periods before the latest deliveries makes them
#: "resumed".
RESUMED_AFTER_PERIODS = 3
_GOOD_STATES = ("loaded", "already-loaded")


def grace(period: dt.timedelta) -> dt.timedelta:
    return max(dt.timedelta(days=2), period / 4)


@dataclass(frozen=True, slots=True)
class Alert:
    partner: str
    last_delivery: dt.datetime | None
    due_since: dt.datetime | None
    days_late: int
    frequency: str

    @property
    def message(self) -> str:
        if self.last_delivery is None:
            due = (f", due since {self.due_since.date().isoformat()}"
                   if self.due_since is not None else "")
            return (f"{self.partner}: no delivery has ever arrived "
                    f"(agreed {self.frequency}{due})")
        return (f"{self.partner}: late by {self.days_late} days against its {self.frequency} "
                f"deliveries (last {self.last_delivery.date().isoformat()})")

    def as_json(self) -> dict[str, object]:
        return {"partner": self.partner, "frequency": self.frequency,
                "last_delivery": self.last_delivery.isoformat() if self.last_delivery
                else None,
                "due_since": self.due_since.isoformat() if self.due_since else None,
                "days_late": self.days_late, "message": self.message}


@dataclass(frozen=True, slots=True)
class StatusRow:
    partner: str
    name: str
    agreement: str                      # ○ signed/renewing, △ negotiating, × none/expired
    exchange: str                       # ○ △ ×
    public_provision: str               # ○ ×
    last_delivery: dt.datetime | None
    regularity: str                     # as text: regular, none since 2015, …
    content: str
    quality: dict[str, float | None]
    state: str                          # the operators' text
    alert: Alert | None = None
    name_ja: str = ""
    reasons: tuple[str, ...] = field(default=())
    #: the regularity as a code and its values, for the pages' languages: regular,
    #: irregular, partial, never, none-since {year}, resumed {date} {year}
    regularity_code: str = ""
    regularity_args: dict[str, str] = field(default_factory=dict)

    def quality_text(self) -> str:
        """C/A/T as the table prints them: percentages, `—` where not measured."""
        return "/".join("—" if v is None else f"{round(100 * v)}" for v in
                        (self.quality.get("completeness"), self.quality.get("accuracy"),
                         self.quality.get("timeliness")))

    def as_json(self) -> dict[str, object]:
        return {"partner": self.partner, "name": self.name, "name_ja": self.name_ja,
                "agreement": self.agreement, "data_exchange": self.exchange,
                "public_provision": self.public_provision,
                "last_delivery": self.last_delivery.isoformat() if self.last_delivery
                else None,
                "regularity": self.regularity, "content": self.content,
                "quality": self.quality, "quality_cat": self.quality_text(),
                "current_state": self.state, "why": list(self.reasons),
                "alert": self.alert.as_json() if self.alert else None}


def agreement_symbol(status: str) -> str:
    return {"signed": "○", "renewing": "○", "negotiating": "△"}.get(status, "×")


def late(partner: str, deliveries: Sequence[Delivery], rows: Sequence[AgreementRow],
         now: dt.datetime) -> Alert | None:
    """The alert for a partner whose next delivery is overdue against its frequency: one
    period and the grace after its latest delivery, or, when none ever arrived, after
    its agreement took effect (at once when that is not known). The one rule of
    lateness: the status table, the admin pages and `run-due`'s exit status use it."""
    frequency = shortest_frequency(rows)
    if frequency is None:
        return None
    period = dt.timedelta(days=PERIOD_DAYS[frequency])
    arrived = [d.received_at for d in deliveries]
    if not arrived:
        started = [r.since for r in rows if r.direction == "receive" and r.since]
        if not started:
            return Alert(partner, None, None, 0, frequency)
        first_due = min(started) + period
        if now <= first_due + grace(period):
            return None
        return Alert(partner, None, first_due, (now - first_due).days, frequency)
    last = max(arrived)
    due = last + period
    if now <= due + grace(period):
        return None
    return Alert(partner, last, due, (now - due).days, frequency)


@dataclass(frozen=True, slots=True)
class Regularity:
    """How a partner's deliveries arrive: the ○△× symbol, a code with its values (for
    the pages' languages), and why."""

    symbol: str
    code: str
    args: dict[str, str]
    why: tuple[str, ...]

    @property
    def text(self) -> str:
        if self.code == "none-since":
            return f"none since {self.args['year']}"
        if self.code == "resumed":
            return f"resumed {self.args['date']} after a gap since {self.args['year']}"
        return self.code


def exchange_symbol(deliveries: Sequence[Delivery], rows: Sequence[AgreementRow],
                    now: dt.datetime) -> Regularity:
    """○△×, the regularity and why, from the deliveries and the agreed frequency."""
    arrived = sorted(deliveries, key=lambda d: d.received_at)
    if not arrived:
        return Regularity("×", "never", {}, ("no delivery has arrived",))
    last = arrived[-1]
    if now - last.received_at > YEAR:
        return Regularity("×", "none-since", {"year": str(last.received_at.year)}, (
            f"nothing for 12 months (last {last.received_at.date().isoformat()})",))
    frequency = shortest_frequency(rows)
    if frequency is None:
        return Regularity("△", "irregular", {}, ("no agreed frequency to measure against",))
    period = dt.timedelta(days=PERIOD_DAYS[frequency])
    slack = grace(period)
    times = [d.received_at for d in arrived]
    latest_window = any(now - period - slack <= t <= now for t in times)
    earlier_window = any(now - 2 * period - slack <= t < now - period for t in times)
    regular = latest_window and earlier_window
    gaps = [b - a for a, b in pairwise(times)]
    resumed_at = None
    for i in range(len(gaps) - 1, -1, -1):
        if gaps[i] > RESUMED_AFTER_PERIODS * period:
            resumed_at = (times[i], times[i + 1])
            break
    whole = last.state in _GOOD_STATES
    reasons: list[str] = []
    if not latest_window:
        reasons.append(f"nothing in the last {frequency} period")
    if not earlier_window:
        reasons.append(f"nothing in the {frequency} period before")
    if not whole:
        reasons.append(f"latest delivery {last.state}")
    if regular and whole:
        why = tuple(reasons) or (f"{frequency} deliveries arrived",)
        if resumed_at is not None:
            return Regularity("○", "resumed", {"date": resumed_at[1].date().isoformat(),
                                               "year": str(resumed_at[0].year)}, why)
        return Regularity("○", "regular", {}, why)
    return Regularity("△", "irregular" if not regular else "partial", {}, tuple(reasons))


def row(partner: str, name: str, agreement_status: str, rows: Sequence[AgreementRow],
        deliveries: Sequence[Delivery], recent: Sequence[DeliveredDocument],
        latest: QualityReport | None, state: str, now: dt.datetime, *, name_ja: str = ""
        ) -> StatusRow:
    """The status row of one partner. `recent`: the documents it delivered in the last
    12 months; `latest`: its latest delivery's quality report."""
    regularity = exchange_symbol(deliveries, rows, now)
    last = max((d.received_at for d in deliveries), default=None)
    provision = "○" if any(r.public_provision for r in rows if r.direction == "receive") \
        else "×"
    quality: dict[str, float | None] = latest.scores if latest is not None else {
        "completeness": None, "accuracy": None, "timeliness": None}
    return StatusRow(partner, name, agreement_symbol(agreement_status), regularity.symbol,
                     provision, last, regularity.text, completeness.content_label(recent),
                     quality, state, late(partner, deliveries, rows, now), name_ja,
                     regularity.why, regularity.code, regularity.args)
