"""What the delivery pipeline records and the reports read: one row per delivered
document, one per delivery, one per agreement row (issue 16 items 4 and 2). The pipeline
(`exchange` core) persists these; completeness, quality and the status table take them as
plain values, so they are computed the same from the store, from a test or from a
delivery being checked before it is loaded.

`DeliverySource` is how the reports reach the recorded rows of a store:
`records.StoreRecords` implements it over the pipeline's tables (what the CLI and the
pages read); `reports.MemorySource` holds records in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import sqlalchemy as sa

SECTIONS = ("bibliography", "abstract", "claims", "description", "drawings")
Section = Literal["bibliography", "abstract", "claims", "description", "drawings"]
Outcome = Literal["loaded", "unchanged", "deleted"]
DeliveryState = Literal["loaded", "partially-loaded", "quarantined", "rejected",
                        "already-loaded"]
ManifestKind = Literal["json", "csv", "docdb-statistics", "none"]
Frequency = Literal["daily", "weekly", "biweekly", "monthly", "quarterly"]

#: The agreed period of each frequency, in days (a month and a quarter as their average).
PERIOD_DAYS: dict[str, float] = {"daily": 1, "weekly": 7, "biweekly": 14,
                                 "monthly": 30.44, "quarterly": 91.31}


@dataclass(frozen=True, slots=True)
class DeliveredDocument:
    """One document of a delivery as the pipeline loaded it: what it is (country, kind,
    number, dates), which sections it carried, whether legal status came with it, whether
    it is a bibliographic-only publication, the problems the pipeline found and whether
    tolerant recovery repaired it, and its outcome.

    `problems` are the pipeline's findings as codes where it has them
    (`xml-not-well-formed`, `schema-invalid`, `encoding-error`, `unknown-entity`;
    `not-schema-validated` informs only) or the readers' lines; each counts against
    accuracy except the informational codes and the "carries no claims" lines, which
    completeness judges by kind."""

    delivery_id: str
    file: str
    country: str
    kind: str
    number: str
    publication_date: dt.date | None
    filing_date: dt.date | None
    received_at: dt.datetime
    sections_present: frozenset[str]
    legal_status: bool = False
    bibliographic_only: bool = False
    problems: tuple[str, ...] = ()
    repaired: bool = False
    outcome: Outcome = "loaded"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivery of a partner (one revision of it): its state after loading, its
    files (and how many were quarantined) and what its manifest said (`manifest_counts`:
    documents expected per `country kind`, or `"documents"` for a total)."""

    partner: str
    delivery_id: str
    revision: int
    received_at: dt.datetime
    state: DeliveryState
    files: int
    files_quarantined: int = 0
    manifest_kind: ManifestKind = "none"
    manifest_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """One exchanged product of an agreement with a partner (exchange.md §2)."""

    partner: str
    direction: Literal["send", "receive"]
    right: str
    product: str
    content: str
    format: str
    kind_codes: tuple[str, ...]
    frequency: Frequency
    max_delay_days: int | None = None
    required_sections: frozenset[str] = frozenset()
    legal_status_expected: bool = False
    public_provision: bool = False
    #: When the agreement took effect: a partner that never delivered is late one
    #: period (and the grace) after it, not at once.
    since: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class PartnerInfo:
    """What the status table shows of a partner besides its deliveries: its code and
    name (ja/en) and its agreement status (`none | negotiating | signed | renewing |
    expired`)."""

    code: str
    name: str
    agreement_status: str = "signed"
    name_ja: str = ""


class DeliverySource(Protocol):
    """The recorded deliveries of a store, read in the caller's connection."""

    def partners(self, conn: sa.Connection) -> Sequence[PartnerInfo]:
        ...

    def agreement_rows(self, conn: sa.Connection, partner: str) -> Sequence[AgreementRow]:
        ...

    def deliveries(self, conn: sa.Connection, partner: str) -> Sequence[Delivery]:
        """Every delivery of the partner (the latest revision of each), oldest first."""
        ...

    def delivery(self, conn: sa.Connection, delivery_id: str) -> Delivery | None:
        ...

    def documents(self, conn: sa.Connection, delivery_id: str
                  ) -> Sequence[DeliveredDocument]:
        """The delivered documents of the delivery's latest revision."""
        ...

    def documents_of(self, conn: sa.Connection, delivery_ids: Sequence[str]
                     ) -> Sequence[DeliveredDocument]:
        """The delivered documents of several deliveries at once, in their order."""
        ...

    def holding(self, conn: sa.Connection, partner: str) -> Sequence[DeliveredDocument]:
        """The latest delivered row of every document the partner ever delivered and
        that is held now (not deleted)."""
        ...
