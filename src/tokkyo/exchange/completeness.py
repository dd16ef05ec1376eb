"""Completeness of what a partner delivered (exchange.md §7, issue 16 item 5): against its
ST.37 authority file, which numbers are missing (listed, no exception code, not
delivered) and which are expected-missing (an exception code says no regular document
exists: withdrawn, deleted, paper only, …); and per document, which sections arrived,
judged against what its kind carries (an EP B publication has no abstract; a
bibliographic-only publication has no text and is counted apart).

The same computation serves one delivery (the authority entries in the delivery's
countries, kinds and publication dates) and a partner's whole holding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from tokkyo.exchange.inputs import DeliveredDocument
from tokkyo.exchange.st37 import EXCEPTION_CODES, AuthorityEntry, Expected, normalise_number

#: What an agreement that names no required section expects of a text publication.
DEFAULT_REQUIRED = frozenset({"bibliography", "abstract", "claims", "description"})
#: Kinds that carry no abstract: grants of the EPO and JPO (the abstract is published
#: with the application), examined JP utility models.
_NO_ABSTRACT = {"EP": ("B",), "JP": ("B", "Y"), "WO": ()}
#: Kinds that carry no text at all (search reports, corrections listed as bibliography).
_BIBLIOGRAPHY_ONLY_KINDS = {"EP": ("A3", "A4", "A8", "B8"), "WO": ("A3", "A4", "A8")}


def document_key(country: str, number: str, kind: str) -> tuple[str, str, str]:
    """How a delivered document and an authority entry are matched."""
    cc = country.strip().upper()
    return (cc, normalise_number(cc, number), kind.strip().upper())


@cache
def sections_of_kind(country: str, kind: str, bibliographic_only: bool) -> frozenset[str]:
    """The sections a publication of this kind carries when complete."""
    if bibliographic_only or kind.upper() in _BIBLIOGRAPHY_ONLY_KINDS.get(country.upper(), ()):
        return frozenset({"bibliography"})
    carried = {"bibliography", "abstract", "claims", "description", "drawings"}
    if kind[:1].upper() in _NO_ABSTRACT.get(country.upper(), ()):
        carried.discard("abstract")
    if kind[:1].upper() == "S":                 # designs: views, no claims or text
        carried -= {"abstract", "claims", "description"}
    return frozenset(carried)


def expected_sections(doc: DeliveredDocument, required: frozenset[str]) -> frozenset[str]:
    """The sections the agreement expects of this document: those required (the default
    set when the agreement names none) that its kind carries."""
    return (required or DEFAULT_REQUIRED) & sections_of_kind(doc.country, doc.kind,
                                                             doc.bibliographic_only)


@dataclass(frozen=True, slots=True)
class PartsMissing:
    document: DeliveredDocument
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Completeness:
    """The completeness of a delivery or a holding.

    `listed`: authority entries in scope; `missing`: listed without exception code and
    not delivered; `expected_missing`: not delivered and an exception code says why;
    `unlisted`: delivered but not in the authority file; `parts_missing`: delivered with
    expected sections absent; `complete`: delivered with every expected section (and
    legal status when expected)."""

    has_authority_file: bool
    listed: int
    delivered: int
    bibliographic_only: int
    complete: int
    legal_status_missing: int
    missing: tuple[AuthorityEntry, ...]
    expected_missing: tuple[AuthorityEntry, ...]
    unlisted: tuple[DeliveredDocument, ...]
    parts_missing: tuple[PartsMissing, ...]
    sections: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """Share of the delivered documents meeting the agreement's expectations."""
        return self.complete / self.delivered if self.delivered else None

    def as_json(self) -> dict[str, object]:
        def entry(e: AuthorityEntry) -> dict[str, object]:
            out: dict[str, object] = {"country": e.country, "number": e.number,
                                      "kind": e.kind,
                                      "date": e.date.isoformat() if e.date else None}
            if e.exception:
                out["exception"] = e.exception
                out["reason"] = EXCEPTION_CODES[e.exception][0]
            return out

        return {
            "score": self.score, "authority_file": self.has_authority_file,
            "listed": self.listed, "delivered": self.delivered,
            "complete": self.complete, "bibliographic_only": self.bibliographic_only,
            "legal_status_missing": self.legal_status_missing,
            "sections_present": self.sections,
            "missing": [entry(e) for e in self.missing],
            "expected_missing": [entry(e) for e in self.expected_missing],
            "unlisted": [{"country": d.country, "number": d.number, "kind": d.kind,
                          "file": d.file} for d in self.unlisted],
            "parts_missing": [{"country": p.document.country, "number": p.document.number,
                               "kind": p.document.kind, "file": p.document.file,
                               "missing": list(p.missing)} for p in self.parts_missing],
        }


def in_scope(entries: Iterable[AuthorityEntry], documents: Sequence[DeliveredDocument],
             kinds: Sequence[str] = ()) -> list[AuthorityEntry]:
    """The authority entries a delivery answers for: its countries, the agreed kinds (or
    the kinds it carries) and its span of publication dates."""
    countries = {d.country.upper() for d in documents}
    agreed = {k.upper() for k in kinds} or {d.kind.upper() for d in documents}
    dates = [d.publication_date for d in documents if d.publication_date]
    low, high = (min(dates), max(dates)) if dates else (None, None)

    def fits(e: AuthorityEntry) -> bool:
        if e.country not in countries:
            return False
        if e.kind not in agreed and e.kind[:1] not in agreed:
            return False
        if low is None or high is None or e.date is None:
            return True
        return low <= e.date <= high

    return [e for e in entries if fits(e)]


def compute(documents: Sequence[DeliveredDocument], entries: Sequence[AuthorityEntry] | None,
            *, required: frozenset[str] = frozenset(), legal_status_expected: bool = False
            ) -> Completeness:
    """Completeness of `documents` against `entries` (the authority entries in scope;
    None when the partner has no authority file). Deleted documents (outcome `deleted`)
    count as not delivered."""
    held = [d for d in documents if d.outcome != "deleted"]
    held_keys = [document_key(d.country, d.number, d.kind) for d in held]
    keys = set(held_keys)
    listed = list(entries or ())
    listed_keys = {e.key for e in listed}
    missing = tuple(e for e in listed
                    if e.key not in keys and e.expected is Expected.DELIVERED)
    expected_missing = tuple(e for e in listed
                             if e.key not in keys and e.expected is Expected.NOT_EXPECTED)
    unlisted = tuple(d for d, key in zip(held, held_keys, strict=True)
                     if entries is not None and key not in listed_keys)
    parts: list[PartsMissing] = []
    complete = 0
    legal_missing = 0
    sections = dict.fromkeys(("bibliography", "abstract", "claims", "description",
                              "drawings", "legal_status"), 0)
    for d in held:
        for s in d.sections_present:
            if s in sections:
                sections[s] += 1
        sections["legal_status"] += d.legal_status
        absent = tuple(sorted(expected_sections(d, required) - d.sections_present))
        if absent:
            parts.append(PartsMissing(d, absent))
        lacks_legal = legal_status_expected and not d.legal_status
        legal_missing += lacks_legal
        if not absent and not lacks_legal:
            complete += 1
    return Completeness(entries is not None, len(listed), len(held),
                        sum(1 for d in held if d.bibliographic_only), complete,
                        legal_missing, missing, expected_missing, unlisted, tuple(parts),
                        sections)


def content_label(documents: Sequence[DeliveredDocument]) -> str:
    """What a partner's deliveries carry, as the status table says it: `full text`,
    `abstract only`, `bibliographic only`, `full text for N%`, or `—` when nothing."""
    texts = [d for d in documents if d.outcome != "deleted" and not d.bibliographic_only]
    if not texts:
        return "bibliographic only" if documents else "—"
    full = sum(1 for d in texts if {"claims", "description"} <= d.sections_present)
    if full == 0:
        if any("abstract" in d.sections_present for d in texts):
            return "abstract only"
        return "bibliographic only"
    if full >= 0.95 * len(texts):
        return "full text"
    return f"full text for {round(100 * full / len(texts))}%"


def since(documents: Sequence[DeliveredDocument], moment: dt.datetime
          ) -> list[DeliveredDocument]:
    return [d for d in documents if d.received_at >= moment]
