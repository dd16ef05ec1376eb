"""The quality report of one delivery (exchange.md §7, issue 16 item 6): completeness,
accuracy and timeliness, each with its score, as JSON for machines, a page for people
(portal/exchange_report_routes.py) and a document-level CSV.

- Completeness: share of documents meeting the agreement's expectations (sections judged
  by kind, legal status when expected), delivered against the manifest's counts and the
  authority file (completeness.py).
- Accuracy: share of documents passing every check: the pipeline's own findings
  (well-formedness, schema validity, encoding), ST.3 country code, kind code valid for the
  country, number format, dates real, not in the future, publication ≥ filing, the number
  in the file name equal to the number in the content, no duplicate in the delivery.
  Repairs by tolerant recovery are counted, not failed.
- Timeliness: delay = received − publication date (median, 90th percentile, maximum)
  against the agreed maximum (share within it), and the agreed periods before this
  delivery in which nothing arrived.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tokkyo.exchange import completeness as completeness_of
from tokkyo.exchange.completeness import Completeness, document_key, expected_sections
from tokkyo.exchange.inputs import (
    PERIOD_DAYS,
    AgreementRow,
    DeliveredDocument,
    Delivery,
)
from tokkyo.exchange.st37 import AuthorityEntry
from tokkyo.model.foreign_numbers import FOREIGN_KINDS, ST3_CODES, ForeignNumberError
from tokkyo.model.foreign_numbers import parse_document_id as parse_foreign_id
from tokkyo.model.kinds import GAZETTE_KINDS

#: Findings of the pipeline that inform and do not fail a document.
INFORMATIONAL = frozenset({"not-schema-validated", "no-manifest"})
_KIND_SHAPE = re.compile(r"^[A-Z][0-9]?$")
_JP_KINDS = frozenset({k.st16 for k in GAZETTE_KINDS.values() if k.st16}
                      | set(GAZETTE_KINDS) | {"B1", "Y1"})
_FILE_NUMBER = re.compile(r"[0-9]{6,}")


#: Reader findings that are not the partner's errors: what tokkyo's model does not keep
#: ("opponents are not kept", "CPC combination sets are kept as their separate codes"),
#: what a kind of record is by nature (a DOCDB or OPS bibliographic record, an ST.96
#: application instance), and the missing parts completeness judges ("carries no
#: claims"), by kind and against the agreement.
NOT_ACCURACY = re.compile(
    r"not kept|not held|no place in|does not hold|not read as text|content is not text"
    r"|carries no |carry no |a DOCDB bibliographic record|an OPS [a-z -]*answer"
    r"|application instance; its number is|an OPS search result")


def _accuracy_problem(problem: str) -> bool:
    """Whether a finding of the pipeline counts against accuracy: a deviation of the
    partner's data (a symbol that cannot be read, a missing kind code or date, an element
    outside the format), not an informational line nor one of NOT_ACCURACY."""
    return problem not in INFORMATIONAL and NOT_ACCURACY.search(problem) is None


def document_checks(doc: DeliveredDocument, today: dt.date) -> list[str]:
    """The accuracy findings of one document (empty when it passes every check)."""
    found = [p for p in doc.problems if _accuracy_problem(p)]
    country = doc.country.strip().upper()
    kind = doc.kind.strip().upper()
    if country not in ST3_CODES:
        found.append("country-not-st3")
    if country == "JP":
        if kind not in _JP_KINDS:
            found.append("kind-not-valid-for-country")
        if not re.fullmatch(r"[0-9]{7,10}", re.sub(r"[^0-9A-Z]", "", doc.number.upper())):
            found.append("number-format")
    else:
        kinds = FOREIGN_KINDS.get(country)
        if not _KIND_SHAPE.match(kind) or (kinds is not None and kind not in kinds):
            found.append("kind-not-valid-for-country")
        elif country in ST3_CODES:
            try:
                parse_foreign_id(country, doc.number, kind)
            except ForeignNumberError:
                found.append("number-format")
    if doc.publication_date is None:
        found.append("publication-date-missing")
    elif doc.publication_date > today:
        found.append("publication-date-in-future")
    if doc.filing_date is not None:
        if doc.filing_date > today:
            found.append("filing-date-in-future")
        if doc.publication_date is not None and doc.filing_date > doc.publication_date:
            found.append("filing-after-publication")
    if file_number_differs(doc):
        found.append("file-name-number-differs")
    return found


def file_number_differs(doc: DeliveredDocument) -> bool:
    """Whether the file's name carries a publication number (a run of six or more
    digits) that is not the document's own; a name without one is not judged."""
    name = doc.file.rsplit("/", 1)[-1]
    runs = _FILE_NUMBER.findall(name)
    if not runs:
        return False
    own = re.sub(r"[^0-9]", "", doc.number).lstrip("0")
    return not any(r.lstrip("0") == own or own.endswith(r.lstrip("0")) or
                   r.lstrip("0").endswith(own) for r in runs if own)


def _percentile(values: Sequence[int], share: float) -> float:
    """The `share` percentile of sorted `values` by linear interpolation."""
    position = (len(values) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Timeliness:
    delays: tuple[int, ...]
    median: float | None
    p90: float | None
    maximum: int | None
    target_days: int | None
    within_target: int
    frequency: str | None
    periods_missed: int
    previous_delivery: dt.datetime | None

    @property
    def score(self) -> float | None:
        if self.target_days is None or not self.delays:
            return None
        return self.within_target / len(self.delays)

    def as_json(self) -> dict[str, object]:
        return {"score": self.score, "measured": len(self.delays), "median_days": self.median,
                "p90_days": self.p90, "max_days": self.maximum,
                "target_days": self.target_days, "within_target": self.within_target,
                "frequency": self.frequency, "periods_missed_before": self.periods_missed,
                "previous_delivery": self.previous_delivery.isoformat()
                if self.previous_delivery else None}


def timeliness(documents: Sequence[DeliveredDocument], delivery: Delivery,
               rows: Sequence[AgreementRow], earlier: Sequence[Delivery]) -> Timeliness:
    """Delays of the documents and the agreed periods missed since the delivery before."""
    delays = sorted((d.received_at.date() - d.publication_date).days
                    for d in documents if d.publication_date is not None)
    targets = [r.max_delay_days for r in rows if r.max_delay_days is not None]
    target = min(targets) if targets else None
    frequency = shortest_frequency(rows)
    before = [e.received_at for e in earlier
              if e.received_at < delivery.received_at and e.delivery_id != delivery.delivery_id]
    previous = max(before) if before else None
    missed = 0
    if frequency and previous is not None:
        gap = (delivery.received_at - previous).total_seconds() / 86400
        missed = max(0, math.floor(gap / PERIOD_DAYS[frequency] + 1e-9) - 1)
    return Timeliness(tuple(delays), _percentile(delays, 0.5) if delays else None,
                      _percentile(delays, 0.9) if delays else None,
                      delays[-1] if delays else None, target,
                      sum(1 for x in delays if target is not None and x <= target),
                      frequency, missed, previous)


def shortest_frequency(rows: Sequence[AgreementRow]) -> str | None:
    """The most frequent agreed period among the rows a partner sends us."""
    received = [r.frequency for r in rows if r.direction == "receive"]
    return min(received, key=lambda f: PERIOD_DAYS[f]) if received else None


@dataclass(frozen=True, slots=True)
class DocumentLine:
    document: DeliveredDocument
    expected: tuple[str, ...]
    missing: tuple[str, ...]
    findings: tuple[str, ...]
    delay_days: int | None
    complete: bool
    accurate: bool
    timely: bool | None


@dataclass(frozen=True, slots=True)
class QualityReport:
    delivery: Delivery
    completeness: Completeness
    manifest: dict[str, dict[str, int]]
    lines: tuple[DocumentLine, ...]
    accurate: int
    findings: dict[str, int]
    repairs: int
    duplicates: int
    timeliness: Timeliness

    @property
    def accuracy_score(self) -> float | None:
        return self.accurate / len(self.lines) if self.lines else None

    @property
    def scores(self) -> dict[str, float | None]:
        return {"completeness": self.completeness.score, "accuracy": self.accuracy_score,
                "timeliness": self.timeliness.score}

    def as_json(self) -> dict[str, object]:
        d = self.delivery
        return {
            "partner": d.partner, "delivery": d.delivery_id, "revision": d.revision,
            "received_at": d.received_at.isoformat(), "state": d.state, "files": d.files,
            "files_quarantined": d.files_quarantined,
            "manifest": {"kind": d.manifest_kind, "counts": self.manifest}
            if d.manifest_kind != "none" else {"kind": "none", "note": "no-manifest"},
            "scores": self.scores,
            "completeness": self.completeness.as_json(),
            "accuracy": {"score": self.accuracy_score, "documents": len(self.lines),
                         "passing": self.accurate, "findings": self.findings,
                         "repairs": self.repairs, "duplicates": self.duplicates},
            "timeliness": self.timeliness.as_json(),
        }


CSV_COLUMNS = ("file", "country", "number", "kind", "publication_date", "filing_date",
               "received_at", "delay_days", "sections_present", "sections_expected",
               "sections_missing", "legal_status", "bibliographic_only", "repaired",
               "outcome", "findings", "complete", "accurate", "timely")


def report(delivery: Delivery, documents: Sequence[DeliveredDocument],
           rows: Sequence[AgreementRow], entries: Sequence[AuthorityEntry] | None,
           earlier: Sequence[Delivery] = (), *, today: dt.date | None = None
           ) -> QualityReport:
    """The quality report of `delivery` from its documents, the partner's agreement rows
    (those it sends), its current authority file (None without one) and its other
    deliveries (for the periods missed)."""
    today = today or dt.date.today()
    receiving = [r for r in rows if r.direction == "receive"]
    required = frozenset().union(*(r.required_sections for r in receiving))
    legal = any(r.legal_status_expected for r in receiving)
    kinds = tuple(k for r in receiving for k in r.kind_codes)
    scope = (completeness_of.in_scope(entries, documents, kinds)
             if entries is not None else None)
    complete = completeness_of.compute(documents, scope, required=required,
                                       legal_status_expected=legal)
    timely = timeliness(documents, delivery, receiving, earlier)
    seen = Counter(document_key(d.country, d.number, d.kind) for d in documents)
    lines: list[DocumentLine] = []
    findings: Counter[str] = Counter()
    for d in documents:
        found = document_checks(d, today)
        if seen[document_key(d.country, d.number, d.kind)] > 1:
            found.append("duplicate")
        findings.update(found)
        expected = expected_sections(d, required)
        missing = tuple(sorted(expected - d.sections_present))
        delay = ((d.received_at.date() - d.publication_date).days
                 if d.publication_date else None)
        lines.append(DocumentLine(
            d, tuple(sorted(expected)), missing, tuple(found), delay,
            d.outcome == "deleted" or (not missing and (d.legal_status or not legal)),
            not found,
            None if timely.target_days is None or delay is None
            else delay <= timely.target_days))
    manifest = _manifest(delivery, documents)
    return QualityReport(delivery, complete, manifest, tuple(lines),
                         sum(1 for line in lines if line.accurate), dict(sorted(findings.items())),
                         sum(1 for d in documents if d.repaired),
                         sum(n - 1 for n in seen.values() if n > 1), timely)


def _manifest(delivery: Delivery, documents: Sequence[DeliveredDocument]
              ) -> dict[str, dict[str, int]]:
    """Per manifest line (`documents`, or `CC KIND`): expected, delivered, short by."""
    out: dict[str, dict[str, int]] = {}
    for key, expected in sorted(delivery.manifest_counts.items()):
        if key == "documents":
            got = len(documents)
        else:
            cc, _, kind = key.partition(" ")
            got = sum(1 for d in documents if d.country.upper() == cc.upper()
                      and (not kind or d.kind.upper() == kind.upper()))
        out[key] = {"expected": expected, "delivered": got, "short": max(0, expected - got)}
    return out


def document_csv(report: QualityReport) -> str:
    """One line per delivered document (UTF-8 text, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in report.lines:
        d = line.document
        writer.writerow([
            d.file, d.country, d.number, d.kind,
            d.publication_date.isoformat() if d.publication_date else "",
            d.filing_date.isoformat() if d.filing_date else "", d.received_at.isoformat(),
            "" if line.delay_days is None else line.delay_days,
            " ".join(sorted(d.sections_present)), " ".join(line.expected),
            " ".join(line.missing), _yes(d.legal_status), _yes(d.bibliographic_only),
            _yes(d.repaired), d.outcome, " ".join(line.findings), _yes(line.complete),
            _yes(line.accurate), "" if line.timely is None else _yes(line.timely)])
    return buffer.getvalue()


def _yes(value: bool) -> str:
    return "yes" if value else "no"
