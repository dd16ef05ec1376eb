"""EPO Open Patent Services (OPS) answers: `ops:world-patent-data`.

What an answer holds decides what is read:

- `exchange-documents` (published-data biblio / abstract): the DOCDB record the DOCDB
  reader reads (`docdb.publication_of`); an answer whose records carry no title and no
  classification (the abstract constituent) is `partial`;
- `fulltext-documents` (claims, description): a publication carrying only those parts,
  `partial=True`, to be merged into what the store holds. Text-only claims come as one
  `claim-text` per claim (`1. Apparatus ...`) or as one text holding every claim on its own
  numbered line; both are split at the printed numbers. Description paragraphs keep
  their printed numbers (`[0001]` → `0001`);
- `patent-family` (with or without legal events): each member a publication of what the
  answer gives (number, kind, date, application, priorities, the family id), `partial`;
  each INPADOC legal event a `ForeignEvent` (code trimmed, gazette date, description with
  its detail fields);
- `biblio-search`: each result a publication with what the answer has (number, kind,
  family id, and the record where the search asked for biblio), `partial`;
- `document-inquiry` (image inquiry) and anything else carry no publication and fail with
  `unsupported-document`, which ingest reports as a skip.
"""

from __future__ import annotations

import re

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.docdb import (
    REFERENCE_FORMS,
    children,
    document_number,
    fold,
    label,
    law_of,
    parse_date,
    priorities,
    publication_of,
    text_of,
)
from tokkyo.ingest.foreign.reading import DocumentKey, ForeignEvent, ForeignRead
from tokkyo.model.documents import Claim, Paragraph, Publication

FORMAT = "epo-ops"
ROOTS: tuple[str, ...] = ("ops:world-patent-data",)

_CLAIM_START = re.compile(r"^\s*(?P<number>\d+)\s*\.\s*", re.MULTILINE)
_PARAGRAPH_NUMBER = re.compile(r"^\s*\[(?P<number>\d+)\]\s*")


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """The publications (and legal events) an OPS answer carries; `tolerant` changes
    nothing (OPS answers are generated XML; none of the corpus needs a repair)."""
    root = xmlsafe.parse(name, data, format=FORMAT)
    result = ForeignRead(format=FORMAT)
    answers = [child for child in root if isinstance(child.tag, str)]
    kinds = {xmlsafe.local(child.tag) for child in answers}
    if "exchange-documents" in kinds:
        _exchange_documents(root, result)
    elif "fulltext-documents" in kinds:
        _fulltext(root, result)
    elif "patent-family" in kinds:
        _family(root, result)
    elif "biblio-search" in kinds:
        _search(root, result)
    else:
        what = ", ".join(sorted(kinds)) or "nothing"
        raise xmlsafe.ParseFailure(
            name, "unsupported-document", f"an OPS answer holding {what}: it carries no "
            "publication (image and document inquiries list page images; tokkyo reads "
            "biblio, full-text, family and search answers)", format=FORMAT)
    return result


def _exchange_documents(root: etree._Element, result: ForeignRead) -> None:
    for record in root.iter("{*}exchange-document"):
        if record.get("status") and record.find("{*}bibliographic-data") is None:
            result.problems.append(f"{record.get('country', '')} {record.get('doc-number', '')}"
                                   f" {record.get('kind', '')}: OPS answered "
                                   f"{record.get('status')!r} and no record.")
            continue
        publication, problems = publication_of(record)
        result.publications.append(publication)
        result.problems.extend(problems)
        bib = record.find("{*}bibliographic-data")
        complete = bib is not None and (bib.find("{*}invention-title") is not None
                                        or bib.find("{*}classifications-ipcr") is not None)
        if not complete:
            result.partial = True
        parts = [part for part, present in (("title", publication.title),
                                            ("abstract", publication.abstract)) if present]
        result.problems.append(f"{label(publication)}: an OPS bibliographic answer: "
                               f"{' and '.join(parts) or 'no title or abstract'}"
                               f"{' only' if parts else ''}, no claims or description.")


def _key(reference: etree._Element | None
         ) -> tuple[str, str, str, dict[str, etree._Element] | None]:
    """Country, number, kind and the children (`children`) of the document-id of a
    reference's preferred form."""
    if reference is None:
        return "", "", "", None
    found: dict[str, etree._Element] = {}
    for document_id in reference.iter("{*}document-id"):
        form = reference.get("data-format") or document_id.get("document-id-type", "")
        found.setdefault(form, document_id)
    document_id = next((found[f] for f in REFERENCE_FORMS if f in found),
                       next(iter(found.values()), None))
    if document_id is None:
        return "", "", "", None
    parts = children(document_id)
    country = text_of(parts, "country").strip()
    kind = text_of(parts, "kind").strip()
    number = document_number(country, text_of(parts, "doc-number").strip(), kind)
    return country, number, kind, parts


def _reference_publication(reference: etree._Element | None, *, family_id: str = "",
                           application: etree._Element | None = None,
                           member: etree._Element | None = None) -> Publication:
    country, number, kind, document_id = _key(reference)
    _, application_number, _, application_id = _key(application)
    return Publication(
        country=country, kind=kind, st16_kind=kind, law=law_of(kind), number=number,
        date=parse_date(text_of(document_id, "date")) if document_id is not None else None,
        application_number=(text_of(application_id, "doc-number").strip()
                            if application_id is not None else application_number),
        filing_date=(parse_date(text_of(application_id, "date"))
                     if application_id is not None else None),
        title="", language="",
        priorities=priorities(member) if member is not None else (),
        family_id=family_id)


def _fulltext(root: etree._Element, result: ForeignRead) -> None:
    result.partial = True
    for document in root.iter("{*}fulltext-document"):
        reference = document.find("{*}bibliographic-data/{*}publication-reference")
        base = _reference_publication(reference)
        claims: list[Claim] = []
        languages: list[str] = []
        for group in document.findall("{*}claims"):
            language = group.get("lang", "").lower()
            languages.append(language)
            for text in group.iter("{*}claim-text"):
                claims.extend(split_claims(text, language))
        paragraphs: list[Paragraph] = []
        for description in document.findall("{*}description"):
            languages.append(description.get("lang", "").lower())
            for p in description.iter("{*}p"):
                paragraphs.append(paragraph(p))
        language = next((lang for lang in languages if lang), "")
        own = [c if c.language != language else Claim(c.number, c.text) for c in claims]
        publication = Publication(
            country=base.country, kind=base.kind, st16_kind=base.st16_kind, law=base.law,
            number=base.number, date=base.date, application_number="", filing_date=None,
            title="", language=language, claims=tuple(own), paragraphs=tuple(paragraphs))
        result.publications.append(publication)
        if not claims and not paragraphs:
            result.problems.append(f"{label(publication)}: an OPS full-text answer with "
                                   "neither claims nor description.")


def split_claims(element: etree._Element, language: str) -> list[Claim]:
    """The claims of one text-only `claim-text`: one claim (`1. Apparatus ...`) or
    several, each on its own line starting with its number. Text before the first
    number is a heading (`Claims`) and is not a claim."""
    text = "".join(element.itertext())
    starts = list(_CLAIM_START.finditer(text))
    if not starts:
        folded = " ".join(text.split())
        return [Claim(0, folded, language)] if folded else []
    claims: list[Claim] = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        claims.append(Claim(int(start["number"]), " ".join(text[start.end():end].split()),
                            language))
    return claims


def paragraph(element: etree._Element) -> Paragraph:
    """A description paragraph with its printed number (`[0001]` → `0001`)."""
    text = " ".join("".join(element.itertext()).split())
    match = _PARAGRAPH_NUMBER.match(text)
    if match is None:
        return Paragraph("", "", text)
    return Paragraph(match["number"], "", text[match.end():])


def _family(root: etree._Element, result: ForeignRead) -> None:
    result.partial = True
    family = root.find("{*}patent-family")
    members = root.findall("{*}patent-family/{*}family-member")
    for member in members:
        family_id = member.get("family-id", "")
        record = member.find(".//{*}exchange-document")
        if record is not None:
            publication, problems = publication_of(record)
            result.problems.extend(problems)
        else:
            publication = _reference_publication(member.find("{*}publication-reference"),
                                                 family_id=family_id,
                                                 application=member.find(
                                                     "{*}application-reference"),
                                                 member=member)
            result.problems.append(f"{label(publication)}: an OPS family answer names the "
                                   "publication only (number, date, application, "
                                   "priorities): no title, abstract, claims or description.")
        result.publications.append(publication)
        key = DocumentKey(publication.country, publication.kind, publication.number)
        for legal in member.findall("{*}legal"):
            result.events.append(legal_event(key, legal))
    total = family.get("total-result-count", "") if family is not None else ""
    if total.isdigit() and int(total) != len(members):
        result.problems.append(f"the OPS family answer says the family has {total} "
                               f"members (total-result-count) but carries {len(members)}.")


def legal_event(document: DocumentKey, legal: etree._Element) -> ForeignEvent:
    """One INPADOC legal event: its code (trailing spaces trimmed), gazette date, and the
    description followed by the event's detail fields (`Designated State(s): AT BE`).
    INPADOC's influence flag (`infl`, + or -) is not an ST.27 category and is kept in the
    description."""
    parts = children(legal)
    code = legal.get("code", "").strip() or text_of(parts, "L008EP").strip()
    date = text_of(parts, "L007EP").strip()
    if not date:
        parsed = parse_date(text_of(parts, "L525EP"))
        date = parsed.isoformat() if parsed else ""
    details = []
    group = parts.get("L500EP")
    if group is not None:
        for field in group:
            value = fold(field)
            if not value:
                continue
            meaning = field.get("descData")
            details.append(f"{field.get('desc', xmlsafe.local(field.tag))}: {value}"
                           + (f" ({meaning})" if meaning else ""))
    description = legal.get("desc", "").strip()
    influence = legal.get("infl", "").strip()
    if influence:
        description += f" [{influence}]"
    if details:
        description += ". " + "; ".join(details)
    return ForeignEvent(document, code, date, description)


def _search(root: etree._Element, result: ForeignRead) -> None:
    result.partial = True
    search = root.find("{*}biblio-search")
    found = root.findall("{*}biblio-search/{*}search-result/{*}publication-reference")
    for reference in found:
        family_id = reference.get("family-id", "")
        publication = _reference_publication(reference, family_id=family_id)
        result.publications.append(publication)
        result.problems.append(f"{label(publication)}: an OPS search result names the "
                               "publication only (number, kind, family id).")
    for record in root.iter("{*}exchange-document"):
        publication, problems = publication_of(record)
        result.publications.append(publication)
        result.problems.extend(problems)
    total = search.get("total-result-count", "") if search is not None else ""
    if total.isdigit() and int(total) > len(found):
        result.problems.append(f"the OPS search found {total} publications; this answer "
                               f"carries {len(found)} of them.")
