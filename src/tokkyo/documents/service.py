"""Documents and cases as the portal and the JSON views show them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.documents import results
from tokkyo.documents.images import mark_png
from tokkyo.documents.jsonable import jsonable
from tokkyo.documents.results import quote
from tokkyo.errors import TerminalError
from tokkyo.model import printed_numbers as printed
from tokkyo.model import urls
from tokkyo.model.headings import with_headings
from tokkyo.model.kinds import GAZETTE_KINDS
from tokkyo.model.laws import Law
from tokkyo.model.numbers import (
    JPNumber,
    NumberError,
    NumberKind,
    parse_cited_document_number,
    parse_one,
)
from tokkyo.search.normalize import normalise_text
from tokkyo.store.blobs import BlobStore
from tokkyo.store.repositories import case_reader, cases, publications, sources
from tokkyo.store.repositories import coverage as coverage_repo

STAGES = ("app", "pub", "reg")


class NotFound(TerminalError, LookupError):
    """No document or case under that number."""


@dataclass(frozen=True, slots=True)
class DocumentRef:
    country: str
    law: str
    stage: str
    number: str

    @property
    def path(self) -> str:
        return urls.document(self.law, self.stage, self.number, self.country)


def ref_of(country: str, kind: str, number: str, law: str = "") -> DocumentRef:
    """The address of a stored publication. A JP gazette's stage follows from its kind;
    a foreign document is a publication ("pub") whose address carries its kind
    (`/d/EP/patent/pub/1000000B1`), since one number has several (A1, B1)."""
    if country == "JP":
        gazette = GAZETTE_KINDS[kind]
        return DocumentRef(country, gazette.law.value, gazette.stage, number)
    return DocumentRef(country, law, "pub", number + kind)


def printed_number(country: str, kind: str, number: str, law: str = "") -> str:
    """A document number in the reader's form (model/printed_numbers): 特開2021-044377,
    特許7533889 for JP in both languages, as J-PlatPat writes them; a foreign one as its
    office prints it (`EP 1 000 000 B1`)."""
    if country == "JP" and kind in GAZETTE_KINDS:
        law = law or GAZETTE_KINDS[kind].law.value
    return printed.document_label(country, law, kind, number)


def list_documents(conn: sa.Connection, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    total = publications.count(conn)
    rows = publications.newest(conn, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "documents": [
        {"country": r.country, "kind": r.kind, "number": r.number,
         "date": r.date.isoformat() if r.date else "", "title": r.title,
         "url": ref_of(r.country, r.kind, r.number, r.law).path} for r in rows]}


def document(conn: sa.Connection, ref: DocumentRef) -> dict[str, Any]:
    if ref.stage == "app":
        return case(conn, Law(ref.law), ref.number, ref.country)
    if ref.country != "JP":
        row = _foreign_row(conn, ref)
    else:
        kinds = [k.code for k in GAZETTE_KINDS.values()
                 if k.law.value == ref.law and k.stage == ref.stage]
        row = publications.find_of_kinds(conn, ref.country, kinds, ref.number)
    if row is None:
        raise NotFound(f"no {ref.law} {ref.stage} document {ref.country} {ref.number}")
    pub = publications.load(conn, row.id)
    source = sources.by_id(conn, row.source_id)
    view = jsonable(pub)
    brackets = "【{}】" if pub.country == "JP" else "[{}]"
    # the headings as the gazette prints them (Japanese for JP), one per line
    view["paragraphs"] = [dict(p, label=brackets.format(p["number"]) if p["number"] else "")
                          for p in with_headings(view["paragraphs"], pub.country, "ja")]
    view["printed_number"] = printed_number(pub.country, pub.kind, pub.number, pub.law.value)
    view["cited"] = cited_documents(conn, view.get("patent_citations", []))
    view["url"] = ref_of(pub.country, pub.kind, pub.number, pub.law.value).path
    view["kinds"] = [{"kind": r.kind, "date": r.date.isoformat() if r.date else "",
                      "url": ref_of(pub.country, r.kind, pub.number, pub.law.value).path}
                     for r in publications.kinds_of_number(conn, pub.country, pub.number)]
    view["files"] = [{"name": f.name, "media_type": f.media_type, "present": bool(f.blob_sha256)}
                     for f in publications.files_of(conn, row.id)]
    view["reported_events"] = [
        {"date": e.date.isoformat() if e.date else "", "code": e.code,
         "description": e.description, "category": e.category}
        for e in publications.events_of(conn, row.id)]
    view["source"] = _source_view(source)
    view["history"] = [_source_view(v) for v in sources.history(conn, source.key)]
    view["case"] = urls.case(pub.law.value, publications.case_number(pub), pub.country)
    return view


_KIND_SUFFIX = re.compile(r"^(?P<number>.*?\d)(?P<kind>[A-Z]{1,3}\d?)$")


def publication_file(conn: sa.Connection, blobs: BlobStore, ref: DocumentRef, position: int
                     ) -> tuple[bytes, str]:
    """A file that came with a publication (a trademark gazette's mark image): its bytes
    and media type, a TIFF converted to PNG for browsers (`.png` of the first page)."""
    if ref.country != "JP":
        row = _foreign_row(conn, ref)
    else:
        kinds = [k.code for k in GAZETTE_KINDS.values()
                 if k.law.value == ref.law and k.stage == ref.stage]
        row = publications.find_of_kinds(conn, ref.country, kinds, ref.number)
    files = publications.files_of(conn, row.id) if row is not None else []
    if not 0 <= position < len(files) or not files[position].blob_sha256:
        raise NotFound(f"no file {position} of {ref.country} {ref.number}")
    stored = files[position]
    data = blobs.get(stored.blob_sha256)
    if stored.media_type == "image/tiff":
        try:
            return mark_png(data), "image/png"
        except ValueError as exc:
            raise NotFound(f"{stored.name} of {ref.country} {ref.number} cannot be shown: "
                           f"{exc}") from None
    return data, stored.media_type or "application/octet-stream"


def _foreign_row(conn: sa.Connection, ref: DocumentRef) -> sa.Row | None:
    """A foreign document by `1000000B1` (number and kind) or `1000000` (its latest
    kind: a grant after its application)."""
    rows = publications.kinds_of_number(conn, ref.country, ref.number)
    if not rows:
        split = _KIND_SUFFIX.match(ref.number)
        if split is None:
            return None
        rows = [r for r in publications.kinds_of_number(conn, ref.country, split["number"])
                if r.kind == split["kind"]]
    rows = [r for r in rows if r.law == ref.law]
    return rows[-1] if rows else None


def case(conn: sa.Connection, law: Law, number: str, country: str = "JP") -> dict[str, Any]:
    record = case_reader.load_case(conn, law, number, country)
    if record is None:
        raise NotFound(f"no {law.value} application {country} {number}")
    view = jsonable(record)
    view["country"] = country
    view["prosecution"] = prosecution(view.get("progress") or {})
    # an event names its document as the history does (a filing is its 特許願, not the
    # first of its parts the dossier happens to list)
    names = {(h["date"], h["code"], h["document_number"]): h["name"]
             for h in view["prosecution"] if h["document_number"]}
    view["events"] = _distinct(
        [dict(e, description=names.get((e.get("date"), e.get("national_code"),
                                        e.get("document_number")), e.get("description", "")))
         for e in view.get("events") or []],
        ("date", "st27_code", "national_code", "description"))
    view["cited"] = cited_documents(conn, (view.get("citations") or {}).get("patents", []))
    view["documents"] = [
        {"country": r.country, "kind": r.kind, "number": r.number,
         "printed_number": printed_number(r.country, r.kind, r.number, r.law),
         "date": r.date.isoformat() if r.date else "",
         "title": r.title, "url": ref_of(r.country, r.kind, r.number, r.law).path}
        for r in publications.list_for_application(conn, record.id)]
    view["family"] = [
        {"country": r.country, "kind": r.kind, "number": r.number,
         "printed_number": printed_number(r.country, r.kind, r.number, r.law),
         "date": r.date.isoformat() if r.date else "", "title": r.title,
         "url": ref_of(r.country, r.kind, r.number, r.law).path}
        for r in publications.family_members(conn, record.id)]
    return view


def _distinct(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows in order, each combination of `keys` once (the first kept)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


#: Document numbers the JPO answers for a dossier entry that has no document of its own
#: (a fee paid, an entry of the registration's file): they identify nothing.
_NO_DOCUMENT = {"", "BBBBBBBBBBB", "99999999999"}


def prosecution(progress: dict[str, Any]) -> list[dict[str, Any]]:
    """The prosecution history of a case (its app_progress dossier) in date order, each
    document once: the JPO lists a document in every number group it concerns (特許査定
    under the application and again under the registration, once with its document
    number and once with a placeholder), and one filing's parts (特許願, 明細書, 請求の範囲 …)
    as entries of one document number. Rows: date, code, name (the part the JPO marks as
    the document's start, `S`, else the first), the other parts' names, document number."""
    rows: list[dict[str, Any]] = []
    for group in progress.get("dossier") or []:
        for doc in group.get("documents") or []:
            number = doc.get("document_number", "")
            real = number if number not in _NO_DOCUMENT else ""
            date, code = doc.get("legal_date"), doc.get("document_code", "")
            name = doc.get("description", "")
            row = next((r for r in rows if r["date"] == date and r["code"] == code and (
                (real and r["document_number"] == real)
                or ((not real or not r["document_number"]) and r["name"] == name))), None)
            if row is None:
                rows.append({"date": date, "code": code, "name": name, "parts": [],
                             "document_number": real})
                continue
            row["document_number"] = row["document_number"] or real
            if name != row["name"] and name not in row["parts"]:
                if doc.get("separator") == "S":
                    row["parts"].insert(0, row["name"])
                    row["name"] = name
                else:
                    row["parts"].append(name)
    return sorted(rows, key=lambda r: r["date"] or "")


def _reading(text: str) -> tuple[JPNumber | None, str]:
    """A cited document's number read (None when it is not a JP number tokkyo reads) and
    its reader's form: an API code (`JPA 414233033`) as J-PlatPat writes it
    (特開2002-233033), a number printed in a gazette as printed."""
    try:
        number = parse_cited_document_number(text)
    except NumberError:
        pass
    else:
        return number, printed.cited_label(number)
    try:
        return parse_one(text), text
    except NumberError:
        return None, text


def _stored_kinds(number: JPNumber) -> list[str]:
    """The gazette kinds a stored publication of this number would have."""
    law = number.law.value if number.law else "patent"
    if number.kind is NumberKind.PUBLICATION and law == "patent":
        return ["A"]
    if number.kind is NumberKind.NATIONAL_PUBLICATION and law == "patent":
        return ["T"]
    if number.kind is NumberKind.REGISTRATION:
        return {"patent": ["B"], "utility": ["U", "Y"], "design": ["S"],
                "trademark": ["TM"]}.get(law, [])
    return []


def cited_documents(conn: sa.Connection, citations: list[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
    """Patent citations (JSON views) as the pages list them: in their order with their
    citation type and draft date, the number in the reader's form, and the address of the
    cited document when the store holds it ("" otherwise)."""
    out = []
    for c in citations:
        raw = c.get("document_number", "")
        number, shown = _reading(raw)
        url = ""
        kinds = _stored_kinds(number) if number is not None else []
        if number is not None and kinds:
            row = publications.find_of_kinds(conn, "JP", kinds, number.key)
            if row is not None:
                url = ref_of("JP", row.kind, number.key).path
        out.append({"document_number": raw, "printed": shown, "url": url,
                    "citation_type": c.get("citation_type", ""),
                    "draft_date": c.get("draft_date"), "order": c.get("order")})
    return out


@dataclass(frozen=True, slots=True)
class CountryCoverage:
    """What the store holds of one office: cases, documents, the years they span and how
    complete they are; searchers cannot otherwise tell whether coverage is complete."""

    country: str
    cases: int
    documents: int
    first: dt.date | None
    last: dt.date | None
    with_claims: int
    with_description: int
    abstract_only: int
    law: str | None = None             # set when counted per country and law

    def as_json(self) -> dict[str, Any]:
        return {"country": self.country, **({"law": self.law} if self.law else {}),
                "cases": self.cases, "documents": self.documents,
                "first": self.first.isoformat() if self.first else None,
                "last": self.last.isoformat() if self.last else None,
                "with_claims": self.with_claims, "with_description": self.with_description,
                "abstract_only": self.abstract_only}


def data_version(conn: sa.Connection) -> int:
    """The store's data version: the newest source version's id (what the store holds
    changes only when ingest adds one). One indexed lookup, for caches of derived pages."""
    return sources.latest_id(conn)


def coverage(conn: sa.Connection, per_law: bool = False) -> list[CountryCoverage]:
    """Per country held (JP first): cases, documents, years, completeness; with
    `per_law`, per country and law (what the home page shows a searcher)."""
    return [CountryCoverage(r.country, r.cases, r.documents, r.first, r.last, r.with_claims,
                            r.with_description, r.abstract_only,
                            r.law if per_law else None)
            for r in coverage_repo.by_country(conn, per_law)]


def _source_view(version: sources.SourceVersion) -> dict[str, Any]:
    return {"key": version.key, "version": version.version, "format": version.format,
            "name": version.name, "sha256": version.blob_sha256,
            "ingested_at": version.ingested_at.isoformat(),
            "superseded_at": version.superseded_at.isoformat() if version.superseded_at else None}


#: The fields a text search looks in: every indexed text and name (titles, abstracts,
#: claims, paragraphs; applicants, inventors, attorneys).
TEXT_SEARCH_FIELDS = ("TX", "AP", "IN", "AG")


def text_expression(query: str) -> str:
    """The logical expression a substring search stands for: the query as one quoted
    term (its spaces and operator characters kept) in every text and name field."""
    return "[" + "+".join(f"{quote(query)}/{f}" for f in TEXT_SEARCH_FIELDS) + "]"


def text_search(conn: sa.Connection, query: str, limit: int = 50) -> dict[str, Any]:
    """Substring search over the text and names of the store, run as the result lists
    run a query (the query language and the search engine, the limit applied in the
    query): one row per matching case, showing its latest document (the case itself
    when it has none), best match first; `total` counts the matching cases."""
    if not normalise_text(query):
        return {"query": query, "total": 0, "documents": []}
    found = results.run(conn, text_expression(query), limit=limit)
    return {"query": query, "total": found.total, "documents": [
        {"number": row.document_number or row.application_number, "kind": row.document_kind,
         "title": row.title, "url": row.permalink} for row in found.rows]}


def overview(conn: sa.Connection) -> dict[str, Any]:
    counts = sources.counts(conn)
    counts["applications"] = cases.count(conn)
    counts["documents"] = publications.count(conn)
    return counts


#: Which source formats make up each source the portal names in "data as of".
SOURCE_KINDS = {"jp-gazette": "gazette", "jp-official-gazette": "gazette",
                "jpo-api-json": "api-mirror", "jpo-api-zip": "api-mirror",
                "jpo-document": "api-mirror", "ep-patent-document": "exchange",
                "us-patent-application": "exchange", "us-patent-grant": "exchange"}


@dataclass(frozen=True, slots=True)
class SourceFreshness:
    """How fresh one source is (portal.md §1 "data as of")."""
    source: str                        # gazette | api-mirror | exchange | other
    loaded_at: dt.datetime             # UTC
    latest_publication: dt.date | None

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "loaded_at": self.loaded_at.isoformat(),
                "latest_publication": self.latest_publication.isoformat()
                if self.latest_publication else None}


def data_as_of(conn: sa.Connection) -> list[SourceFreshness]:
    """Per source, the last load and the newest publication date it brought."""
    merged: dict[str, SourceFreshness] = {}
    for row in sources.freshness(conn):
        kind = SOURCE_KINDS.get(row.format, "other")
        loaded = row.loaded_at if row.loaded_at.tzinfo else row.loaded_at.replace(tzinfo=dt.UTC)
        was = merged.get(kind)
        if was is not None:
            newest = max((d for d in (was.latest_publication, row.latest_publication) if d),
                         default=None)
            loaded = max(loaded, was.loaded_at)
        else:
            newest = row.latest_publication
        merged[kind] = SourceFreshness(kind, loaded, newest)
    order = ("gazette", "api-mirror", "exchange", "other")
    return sorted(merged.values(), key=lambda s: order.index(s.source))
