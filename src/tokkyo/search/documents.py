"""The case document: everything the query language reads of one case, in the form a
search engine indexes it, built from the store (the source of truth).

A hit is a case, and AND / OR / AND-NOT combine what a case's
publications and its own records say, so an engine holds one document per case. Each
field answers one kind of atom exactly (search/semantics.py):

- `texts`: the normalised text units per field code (title, abstract, each claim, each
  paragraph, each party name, readings, goods), one value per unit: a text atom matches
  inside one value, never across two. A case without publications contributes its own
  title (TI) and every case its own party names (the API mirror's);
- `codes`: classification and code values per atom kind (`CODE_FIELDS`), already merged
  where an atom reads several sources (a design class from the case and its codes);
- `numbers`: one term per number an atom can name (`number_terms`);
- `dates`: AD, PD and RD values (a case matches a range when any value is inside it);
- the sort keys and the status facts the ST field reads for a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.model.text_fields import ROLE_FIELDS
from tokkyo.search.normalize import normalise_field
from tokkyo.search.query.ast import normalise_mark
from tokkyo.store.repositories import case_documents
from tokkyo.store.repositories.case_documents import CaseRows

#: Text fields of the document: the unit fields, then the case-level readings and goods.
TEXT_FIELDS = ("TI", "AB", "CL", "DE", "AP", "IN", "AG", "CN", "GS")
#: Code fields: FI codes and their facets, IPC, CPC, F-terms, themes, kind codes (the
#: publications' and their ST.16 kinds), the case's country, design classes (DC), D-terms
#: (DT), Locarno (LC), Nice (NC), similar-group (SC) and Vienna (VC) codes.
CODE_FIELDS = ("fi", "fi_facet", "ipc", "cpc", "fterm", "theme", "kind", "country", "dc",
               "dt", "lc", "nc", "sc", "vc")
_SCHEME_FIELDS = {"fi": "fi", "ipc": "ipc", "cpc": "cpc", "f-term": "fterm", "theme": "theme",
                  "jp-design": "dc", "d-term": "dt", "locarno": "lc", "nice": "nc",
                  "similar-group": "sc", "vienna": "vc"}
DATE_FIELDS = ("AD", "PD", "RD")
#: Fields of which stored machine translations are indexed, by the section they are
#: stored as, and the languages they are indexed in (translation.md §4): a translation
#: is a language-tagged copy of its field, `translated_key(field, language)`.
TRANSLATED_FIELDS = {"title": "TI", "abstract": "AB", "claims": "CL", "description": "DE"}
TRANSLATION_LANGUAGES = ("ja", "en")


def translated_key(field_code: str, language: str) -> str:
    """The key of a field's translation into `language` (`TI_ja`)."""
    return f"{field_code}_{language}"


def translated_of(fields: Sequence[str]) -> tuple[str, ...]:
    """The translated copies (`TI_ja` ...) of those of `fields` that have them."""
    return tuple(translated_key(f, lang) for f in fields if f in TRANSLATED_FIELDS.values()
                 for lang in TRANSLATION_LANGUAGES)


def scoped(fields: Sequence[str], scope: str) -> tuple[str, ...]:
    """The document fields a text atom over `fields` reads under a scope
    (variants.SCOPES): the originals, their stored translations, or both; every engine
    reads them so. Fields without translations (names, readings) are read as originals
    whatever the scope; `translation-only` reads the translations and nothing else (which
    hits matched in a translation)."""
    copies = translated_of(fields)
    if scope == "translation-only":
        return copies
    if scope == "original" or not copies:
        return tuple(fields)
    kept = tuple(f for f in fields if f not in TRANSLATED_FIELDS.values())
    return (*kept, *copies) if scope == "translation" else (*fields, *copies)


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """The stored summary's facts that the status of a day is read from
    (store/repositories/case_summaries.py `status_condition`, model/status.py)."""

    known: bool
    registered: bool
    refused: bool
    withdrawn: bool
    disappearance_date: dt.date | None
    expire_date: dt.date | None
    next_annuity_date: dt.date | None
    grace_end: dt.date | None


@dataclass(slots=True)
class CaseDocument:
    id: int                                     # applications.id
    law: str
    country: str
    application_number: str
    texts: dict[str, list[str]] = field(default_factory=dict)
    marks: list[str] = field(default_factory=list)          # normalised display marks (TM)
    codes: dict[str, list[str]] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    dates: dict[str, list[dt.date]] = field(default_factory=dict)
    published: dt.date | None = None          # the sort by date: own, else latest publication
    filed: dt.date | None = None              # the sort by filing: own, else first publication
    status: StatusFacts | None = None         # None: no stored summary (no ST atom matches)
    #: stored machine translations: normalised units per `translated_key` (TI_ja ...)
    translated: dict[str, list[str]] = field(default_factory=dict)


def build(conn: sa.Connection, ids: Sequence[int]) -> tuple[list[CaseDocument], list[int]]:
    """The documents of the cases `ids`, and the ids of those no longer stored."""
    rows = case_documents.read(conn, ids)
    return [document(r) for r in rows.values()], sorted(set(ids) - rows.keys())


def all_documents(conn: sa.Connection, *, chunk: int = 2000) -> Iterator[list[CaseDocument]]:
    """Every stored case, a chunk of documents at a time (a reindex)."""
    after = 0
    while ids := case_documents.all_ids(conn, after=after, limit=chunk):
        yield build(conn, ids)[0]
        after = ids[-1]


def document(rows: CaseRows) -> CaseDocument:
    case = rows.case
    doc = CaseDocument(case.id, case.law, case.country, case.application_number)
    texts: dict[str, list[str]] = {}

    def add(field_code: str, raw: str | None) -> None:
        value = normalise_field(field_code, raw or "")
        if value:
            texts.setdefault(field_code, []).append(value)

    for pub in rows.publications:
        add("TI", pub.title)
        add("AB", pub.abstract)
        for field_code, raw in rows.units.get(pub.id, ()):
            add(field_code, raw)
    if not rows.publications:
        add("TI", case.title)
    for party in rows.case_parties:
        if party.role in ROLE_FIELDS:
            add(ROLE_FIELDS[party.role], party.name)
    for mark in rows.marks:
        if mark.kind == "reading":
            add("CN", mark.text)
        else:
            doc.marks.append(normalise_mark(mark.text))
    for goods in rows.goods:
        add("GS", goods.names)
    doc.texts = texts
    for row in rows.translations:
        code = TRANSLATED_FIELDS.get(row.section)
        if code is None or row.target not in TRANSLATION_LANGUAGES:
            continue
        for unit in row.text.split("\n"):
            value = normalise_field(code, unit)
            if value:
                doc.translated.setdefault(translated_key(code, row.target), []).append(value)
    doc.codes = _codes(rows)
    doc.numbers = number_terms(rows)
    doc.dates = _dates(rows)
    pub_dates = [p.date for p in rows.publications if p.date is not None]
    filings = [p.filing_date for p in rows.publications if p.filing_date is not None]
    doc.published = case.publication_date or (max(pub_dates) if pub_dates else None)
    doc.filed = case.filing_date or (min(filings) if filings else None)
    s = rows.summary
    if s is not None:
        doc.status = StatusFacts(bool(s.known), bool(s.known) and s.registration_number != "",
                                 bool(s.refused), bool(s.withdrawn), s.disappearance_date,
                                 s.expire_date, s.next_annuity_date, s.grace_end)
    return doc


def _codes(rows: CaseRows) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}

    def add(name: str, value: str | None) -> None:
        if value:
            codes.setdefault(name, []).append(value)

    for c in rows.classifications:
        name = _SCHEME_FIELDS.get(c.scheme)
        if name is not None:
            add(name, c.code)
        if c.scheme == "fi":
            add("fi_facet", c.facet)
    for pub in rows.publications:
        add("kind", pub.kind)
        add("kind", pub.st16_kind)
    add("country", rows.case.country)
    add("dc", rows.case.design_class)
    for goods in rows.goods:
        add("nc", goods.nice_class)
        for code in (goods.similar_codes or "").split():
            add("sc", code)
    return {name: list(dict.fromkeys(values)) for name, values in codes.items()}


def number_terms(rows: CaseRows) -> list[str]:
    """`kind:key` for every number a number atom can find the case by, as
    the query language reads them (a JP case's own numbers, its JP publications'
    by kind, any registration number of its publications, its appeals, and its foreign
    publications by `foreign:country:number:kind`, see `foreign_terms`)."""
    case = rows.case
    terms: list[str] = []
    if case.country == "JP":
        for kind, value in (("application", case.application_number),
                            ("publication", case.ad_publication_number),
                            ("national-publication", case.ad_national_publication_number),
                            ("registration", case.registration_number),
                            ("international-application", case.international_application_number),
                            ("international-publication", case.international_publication_number),
                            ("international-registration",
                             case.international_registration_number)):
            if value:
                terms.append(f"{kind}:{value}")
    by_kind = {"A": "publication", "U": "publication", "T": "national-publication",
               "B": "examined", "Y": "examined"}
    for pub in rows.publications:
        if pub.country == "JP" and pub.kind in by_kind:
            terms.append(f"{by_kind[pub.kind]}:{pub.number}")
        if pub.registration_number:
            terms.append(f"registration:{pub.registration_number}")
        terms += foreign_terms(pub.country, pub.number, pub.kind)
    terms += [f"appeal:{number}" for number in rows.appeals]
    return list(dict.fromkeys(terms))


def foreign_terms(country: str, number: str, kind: str) -> list[str]:
    """The terms a publication is found by as `country:number:kind` (any kind: `CC:N:`;
    its kind exactly: `CC:N:=K`; a two-letter kind by its letter: `CC:N:~B`)."""
    terms = [f"foreign:{country}:{number}:", f"foreign:{country}:{number}:={kind}"]
    if len(kind) == 2:
        terms.append(f"foreign:{country}:{number}:~{kind[0]}")
    return terms


def foreign_query_terms(key: str) -> list[str]:
    """The terms any of which a foreign number atom's key (`country:number:kind`) matches:
    a kind written with its letter only (B) matches every kind of that letter (B1, B2),
    and a stored one-letter kind matches a written S1"""
    country, number, kind = key.split(":", 2)
    base = f"foreign:{country}:{number}:"
    if not kind:
        return [base]
    terms = [f"{base}={kind}", f"{base}={kind[0]}"]
    if len(kind) == 1:
        terms.append(f"{base}~{kind}")
    return list(dict.fromkeys(terms))


def _dates(rows: CaseRows) -> dict[str, list[dt.date]]:
    case = rows.case
    found: dict[str, list[dt.date]] = {
        "AD": [case.filing_date],
        "PD": [case.publication_date] + [p.date for p in rows.publications],
        "RD": [case.registration_date] + [r.registration_date for r in rows.registrations]}
    return {code: sorted(set(d for d in values if d is not None))
            for code, values in found.items()}


def digest(doc: CaseDocument) -> str:
    """A short fingerprint of a document's content, which an engine stores beside it so
    that `tokkyo search check` can tell a stale document from a current one."""
    body = json.dumps([doc.law, doc.country, doc.application_number, doc.texts, doc.marks,
                       doc.codes, sorted(doc.numbers),
                       {k: [d.isoformat() for d in v] for k, v in doc.dates.items()},
                       str(doc.published), str(doc.filed),
                       None if doc.status is None else [str(v) for v in (
                           doc.status.known, doc.status.registered, doc.status.refused,
                           doc.status.withdrawn, doc.status.disappearance_date,
                           doc.status.expire_date, doc.status.next_annuity_date,
                           doc.status.grace_end)],
                       # (only when present: a document without translations keeps the
                       # digest it had before translations were indexed)
                       *([doc.translated] if doc.translated else [])],
                      ensure_ascii=False, sort_keys=True)
    return hashlib.blake2b(body.encode(), digest_size=12).hexdigest()
