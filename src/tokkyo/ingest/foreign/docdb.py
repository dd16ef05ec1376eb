"""EPO DOCDB bulk exchange data: `exch:exchange-documents` deliveries, single
`exch:exchange-document` records, and the per-delivery statistics CSV.

A DOCDB record is bibliographic: publication, application and priority references,
parties, titles and abstracts in several languages, IPC/IPCR/CPC (and national) codes,
citations, the DOCDB simple family id. It carries no claims and no description, which
each record's problem line says. Deliveries are streamed record by record
(`xmlsafe.iterparse`), so a weekly file of tens of thousands of records stays in bounded
memory. A record's `status` says what to do with it: `C` (create; also a record without a
status, as the backfile sends them), `A` (amend: replaces the stored record) and `D`
(delete: a `DocumentKey` in `ForeignRead.deletions`).

Choices, and why:

- parties are read in their `docdba` form (the name as the office published it: full
  legal name, case and punctuation, "BRISTOL-MYERS SQUIBB COMPANY"), else `original`,
  else `docdb` (EPO's standardised upper-case form for matching, "BRISTOL MYERS SQUIBB
  CO"), else `epodoc`: one form per role, so a party is never listed twice, and the form a
  reader recognises from the document comes first;
- the title is the English one, else the first; the abstract is the one in the title's
  language, else English, else the first; the others go to `other_texts`; `language` is
  the title's (else the abstract's, else `language-of-publication`);
- every classification entry is kept as the record lists it (a CPC symbol that two
  generating offices allocated is listed twice), so the counts equal the source's;
- numbers are the DOCDB doc-number form, with the conventions of tokkyo's other readers
  (EP 7 digits; US grants without leading zeros; US pre-grant publications `2006142694`
  in the USPTO's 11-digit form `20060142694`).

The single-document WO samples use the `exch:` prefix without declaring it (they were cut
out of a delivery whose root declared it): strictly that is not namespace-well-formed
and fails with `xml-not-well-formed`; in tolerant mode the declaration is added to the
root and logged as one repair.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.docdb_entities import DOCDB_ENTITIES
from tokkyo.ingest.foreign.reading import DocumentKey, ForeignRead, Repair
from tokkyo.model.cases import Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import (
    Classification,
    ClassificationError,
    Scheme,
    normalise_fi,
    normalise_ipc,
)
from tokkyo.model.documents import LocalText, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "docdb"
EXCHANGE_NS = "http://www.epo.org/exchange"
#: Root elements as `tokkyo.ingest.detect.xml_root` names them: a delivery, a single
#: record with the `exch:` prefix (WO samples), a single record without a namespace (AP).
ROOTS: tuple[str, ...] = ("exch:exchange-documents", "exch:exchange-document",
                          "exchange-document")
#: Party name forms in order of preference (see the module docstring).
PARTY_FORMS = ("docdba", "original", "docdb", "epodoc")
#: Reference forms in order of preference for numbers.
REFERENCE_FORMS = ("docdb", "epodoc", "original")

_RECORD = "exchange-document"
_DELIVERY = "exchange-documents"
_TAGS = (f"{{{EXCHANGE_NS}}}{_RECORD}", _RECORD, f"{{{EXCHANGE_NS}}}{_DELIVERY}", _DELIVERY)
_UNDECLARED_ROOT = re.compile(rb"<exch:exchange-documents?\b")
_IPC7 = re.compile(r"^\s*(?:\d{1,2}\s*)?(?P<section>[A-H])\s*(?P<cls>\d{2})\s*(?P<sub>[A-Z])"
                   r"\s*(?P<group>\d{1,4})\s*/\s*(?P<subgroup>\d{1,6})")
#: CPC symbols as DOCDB prints them (`F02M  59/34`, `A61K2800/10`); section Y too.
_CPC = re.compile(r"^(?P<subclass>[A-HY][0-9]{2}[A-Z])\s*(?P<group>[0-9]{1,4})\s*/\s*"
                  r"(?P<subgroup>[0-9]{2,6})\s*$")
_IPCR_REST = re.compile(r"^\s*[A-H]\S*\s*\d+\s*/\s*\d+\s*(?:\d{8})?(?P<level>[ACS ])"
                        r"(?P<position>[FL ])(?P<value>[IN ])")


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """The records of a DOCDB delivery or single-record file: creates and amends as
    publications, deletes as `deletions`; a `no-of-documents` that disagrees with the
    records read is a problem line."""
    result = ForeignRead(format=FORMAT)
    repaired = False
    if tolerant:
        data, repair = declare_exchange_prefix(data)
        if repair is not None:
            result.repairs.append(repair)
            repaired = True
    records = 0
    declared: str | None = None
    delivery = ""
    try:
        for element in xmlsafe.iterparse(name, data, _TAGS, DOCDB_ENTITIES, format=FORMAT):
            if xmlsafe.local(element.tag) == _DELIVERY:
                declared = element.get("no-of-documents")
                delivery = element.get("file", "")
                continue
            records += 1
            _record(element, result, repaired)
    except xmlsafe.ParseFailure as failure:
        if not result.repairs:
            raise
        raise _in_original(failure, result.repairs[0]) from None
    if records == 0 and declared is None:
        raise xmlsafe.ParseFailure(name, "unsupported-document", "the file holds no DOCDB "
                                   "exchange-document record", format=FORMAT)
    if declared is not None:
        try:
            expected: int | None = int(declared)
        except ValueError:
            expected = None
            result.problems.append(f"{name}: the delivery's no-of-documents "
                                   f"{declared!r} is not a number.")
        if expected is not None and expected != records:
            which = f"delivery {delivery}" if delivery else "delivery"
            result.problems.append(f"{name}: the {which} says it holds {expected} documents "
                                   f"(no-of-documents) but {records} were read.")
    return result


def declare_exchange_prefix(data: bytes) -> tuple[bytes, Repair | None]:
    """Tolerant repair of a record cut out of a delivery: a root that uses the `exch:`
    prefix without declaring it gets `xmlns:exch` (the namespace DOCDB fixes); anything
    else is returned unchanged."""
    head = data[:4096]
    match = _UNDECLARED_ROOT.search(head)
    if match is None:
        return data, None
    end = head.find(b">", match.end())
    if end < 0 or b"xmlns:exch" in head[match.start():end]:
        return data, None
    declaration = f' xmlns:exch="{EXCHANGE_NS}"'.encode()
    line, column = xmlsafe.position_of(data, match.end())
    original = match.group(0).decode("ascii")
    repair = Repair(line, column, original, original + declaration.decode("ascii"))
    return data[:match.end()] + declaration + data[match.end():], repair


def _in_original(failure: xmlsafe.ParseFailure, repair: Repair) -> xmlsafe.ParseFailure:
    """A failure in a repaired file at its position in the file as received: the
    declaration the repair inserted is not counted."""
    column = failure.column
    if failure.line == repair.line and column > repair.column:
        column = max(repair.column, column - (len(repair.replacement) - len(repair.original)))
    return xmlsafe.ParseFailure(failure.file, failure.code, failure.message,
                                line=failure.line, column=column, context=failure.context,
                                format=FORMAT)


def _record(record: etree._Element, result: ForeignRead, repaired: bool) -> None:
    status = record.get("status", "C")
    if status == "D":
        country, number, kind = _identity(record)
        result.deletions.append(DocumentKey(country, kind, document_number(country, number,
                                                                              kind)))
        return
    if status not in ("C", "A"):
        country, number, kind = _identity(record)
        result.problems.append(f"{country} {number} {kind}: the record's status {status!r} "
                               "is none of C (create), A (amend), D (delete); not read.")
        return
    publication, problems = publication_of(record, repaired=repaired)
    result.publications.append(publication)
    result.problems.extend(problems)
    if not any(record.iter("{*}claims", "{*}description")):
        missing = "" if publication.abstract else " and no abstract"
        result.problems.append(f"{label(publication)}: a DOCDB bibliographic record: no "
                               f"claims or description{missing}.")


def _identity(record: etree._Element) -> tuple[str, str, str]:
    country = record.get("country", "")
    number = record.get("doc-number", "")
    kind = record.get("kind", "")
    if not (country and number):
        found = _best_id(record.findall("{*}bibliographic-data/{*}publication-reference"))
        if found is not None:
            parts = children(found)
            country = country or text_of(parts, "country").strip()
            number = number or text_of(parts, "doc-number").strip()
            kind = kind or text_of(parts, "kind").strip()
    return country, number, kind


def label(publication: Publication) -> str:
    """How problem lines name a document: `WO 2022259205 A1`."""
    return f"{publication.country} {publication.number} {publication.kind}"


def publication_of(record: etree._Element, *, repaired: bool = False
                   ) -> tuple[Publication, list[str]]:
    """One `exchange-document` as a publication, with problem lines
    for what it carries that a publication cannot hold. Shared with the OPS reader, whose
    biblio answers carry the same record. Elements are matched by local name (`{*}name`):
    DOCDB deliveries prefix some of them (`exch:`), OPS answers put all of them in the
    exchange namespace, single records use none; the tree is read as it is, never
    renamed."""
    problems: list[str] = []
    country, number, kind = _identity(record)
    number = document_number(country, number, kind)
    bib = record.find("{*}bibliographic-data")
    if bib is None:
        bib = etree.Element("bibliographic-data")
    published = _best_id(bib.findall("{*}publication-reference"))
    date = parse_date(record.get("date-publ") or
                      (published.findtext("{*}date", "") if published is not None else ""))
    application = _best_id(bib.findall("{*}application-reference"))
    filed = _first_date(bib.findall("{*}application-reference"))
    titles = [(_lang(t), fold(t)) for t in bib.findall("{*}invention-title")]
    abstracts = [(_lang(a), _abstract_text(a)) for a in record.findall("{*}abstract")]
    title_lang, title = _pick(titles, ())
    abstract_lang, abstract = _pick(abstracts, (title_lang,) if title_lang else ())
    others = tuple(LocalText("title", lang, text) for lang, text in titles
                   if (lang, text) != (title_lang, title)) + tuple(
        LocalText("abstract", lang, text) for lang, text in abstracts
        if (lang, text) != (abstract_lang, abstract))
    language = (title_lang or abstract_lang
                or bib.findtext("{*}language-of-publication", "").strip().lower())
    citations = _citations(bib)
    publication = Publication(
        country=country, kind=kind, st16_kind=kind, law=law_of(kind), number=number,
        date=date,
        application_number=(application.findtext("{*}doc-number", "").strip()
                            if application is not None else ""),
        filing_date=filed,
        title=title, abstract=abstract, language=language,
        parties=parties(bib),
        priorities=priorities(bib),
        classifications=classifications(bib, problems, f"{country} {number} {kind}"),
        patent_citations=tuple(_patent_citations(citations)),
        non_patent_citations=tuple(_non_patent_citations(citations)),
        family_id=record.get("family-id", ""),
        repaired=repaired,
        other_texts=others,
    )
    name = label(publication)
    family = record.findall("{*}patent-family/{*}family-member")
    if family:
        problems.append(f"{name}: the record lists {len(family)} family members "
                        "(patent-family), which a publication does not hold; the family id "
                        f"{publication.family_id or '(none)'} links those tokkyo holds.")
    states = bib.findall("{*}designation-of-states//{*}country")
    if states:
        problems.append(f"{name}: {len(states)} designated states (designation-of-states) "
                        "are not kept.")
    return publication, problems


def children(element: etree._Element) -> dict[str, etree._Element]:
    """An element's child elements by local name, the first of each name: what
    `find("{*}name")` returns, for all names in one pass over the children (a find per
    name costs several times more, and records ask for most of their children)."""
    found: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if tag.__class__ is str:                  # an element (not a comment or PI)
            local = tag.rpartition("}")[2]        # as xmlsafe.local names it
            if local not in found:
                found[local] = child
    return found


def text_of(found: dict[str, etree._Element], name: str) -> str:
    """The text of the child `name` in `children(...)`'s answer, "" when it is absent or
    empty: what `findtext("{*}name", "")` returns."""
    child = found.get(name)
    return (child.text or "") if child is not None else ""


def fold(element: etree._Element) -> str:
    """An element's text with markup dropped and line breaks and runs of spaces folded."""
    return " ".join("".join(element.itertext()).split())


def _abstract_text(abstract: etree._Element) -> str:
    paragraphs = abstract.findall("{*}p")
    if not paragraphs:
        return fold(abstract)
    return "\n".join(text for text in (fold(p) for p in paragraphs) if text)


def _lang(element: etree._Element) -> str:
    return element.get("lang", "").strip().lower()


def _pick(texts: list[tuple[str, str]], preferred: tuple[str, ...]) -> tuple[str, str]:
    """The text in a preferred language, else English, else the first."""
    for wanted in (*preferred, "en"):
        for lang, text in texts:
            if lang == wanted and text:
                return lang, text
    for lang, text in texts:
        if text:
            return lang, text
    return "", ""


def _form(reference: etree._Element, document_id: etree._Element | None = None) -> str:
    form = reference.get("data-format") or (document_id.get("document-id-type", "")
                                            if document_id is not None else "")
    return form


def _ids(references: Iterable[etree._Element]) -> dict[str, etree._Element]:
    """The first document-id of each form among references (DOCDB puts one form per
    reference element, OPS several document-ids in one reference)."""
    found: dict[str, etree._Element] = {}
    for reference in references:
        for document_id in reference.findall("{*}document-id"):
            found.setdefault(_form(reference, document_id), document_id)
    return found


def _first_date(references: Iterable[etree._Element]) -> dt.date | None:
    """The date of the preferred form that gives one (OPS dates the epodoc form only)."""
    found = _ids(references)
    for form in (*REFERENCE_FORMS, *found):
        if form in found:
            date = parse_date(found[form].findtext("{*}date", ""))
            if date is not None:
                return date
    return None


def _best_id(references: Iterable[etree._Element]) -> etree._Element | None:
    found = _ids(references)
    for form in (*REFERENCE_FORMS, ""):
        if form in found:
            return found[form]
    return next(iter(found.values()), None)


def priorities(bib: etree._Element) -> tuple[Priority, ...]:
    """Priority claims in their `docdb` form (else `epodoc`, else `original`): DOCDB lists
    each claim once per form, OPS gives each claim its forms as document-ids."""
    claims = (bib.findall("{*}priority-claims/{*}priority-claim")
              or bib.findall("{*}priority-claim"))
    if not claims:
        return ()
    if all(claim.get("data-format") for claim in claims):
        present = {claim.get("data-format") for claim in claims}
        form = next((f for f in REFERENCE_FORMS if f in present), None)
        chosen = [(claim.find("{*}document-id"), claim.get("data-format", ""))
                  for claim in claims if claim.get("data-format") == form]
    else:
        chosen = []
        for claim in claims:
            found = _ids([claim])
            pick = next((f for f in REFERENCE_FORMS if f in found), None)
            if pick is None and found:
                pick = next(iter(found))
            if pick is not None:
                chosen.append((found[pick], pick))
    out: list[Priority] = []
    for document_id, form in chosen:
        if document_id is None:
            continue
        parts = children(document_id)
        country = text_of(parts, "country").strip()
        number = text_of(parts, "doc-number").strip()
        if not country and form == "epodoc" and len(number) > 2 and number[:2].isalpha():
            country, number = number[:2], number[2:]
        out.append(Priority(paris_application_number=number,
                            paris_date=parse_date(text_of(parts, "date")),
                            paris_country=country))
    return tuple(out)


def chosen_parties(group: Iterable[etree._Element]) -> list[etree._Element]:
    """The parties of one role in the preferred name form present (`PARTY_FORMS`)."""
    items = list(group)
    present = {item.get("data-format", "") for item in items}
    for form in (*PARTY_FORMS, ""):
        if form in present:
            return [item for item in items if item.get("data-format", "") == form]
    return items


_PARTY_PATHS = ((PartyRole.APPLICANT, "{*}applicant", "{*}applicant-name/{*}name"),
                (PartyRole.INVENTOR, "{*}inventor", "{*}inventor-name/{*}name"),
                (PartyRole.ATTORNEY, "{*}agent", "{*}agent-name/{*}name"))


def parties(bib: etree._Element) -> tuple[Party, ...]:
    out: list[Party] = []
    for role, tag, name_path in _PARTY_PATHS:
        for item in chosen_parties(bib.iter(tag)):
            name_element = item.find(name_path)
            if name_element is None:
                name_element = item.find(".//{*}name")
            name = fold(name_element) if name_element is not None else fold(item)
            sequence = item.get("sequence", "")
            out.append(Party(role, name.rstrip(" ,"),
                             sequence=int(sequence) if sequence.isdigit() else None))
    return tuple(out)


def classifications(bib: etree._Element, problems: list[str], name: str
                    ) -> tuple[Classification, ...]:
    """IPC (edition 1–7), IPCR, CPC (also inside combination sets) and other schemes,
    each entry as listed."""
    out: list[Classification] = []
    for ipc in bib.findall("{*}classification-ipc"):
        for element in ipc:
            tag = xmlsafe.local(element.tag)
            if tag not in ("main-classification", "further-classification", "text"):
                continue
            raw = (element.text or "").strip()
            match = _IPC7.match(raw)
            if match is None:
                problems.append(f"{name}: IPC symbol {raw!r} could not be read.")
                continue
            code = (f"{match['section']}{match['cls']}{match['sub']}{int(match['group'])}/"
                    f"{match['subgroup'].ljust(2, '0')}")
            out.append(Classification(Scheme.IPC, code, main=tag == "main-classification",
                                      raw=raw))
    for element in bib.findall("{*}classifications-ipcr/{*}classification-ipcr"):
        raw = (element.findtext("{*}text") or "").strip()
        try:
            code = normalise_ipc(raw)
        except ClassificationError:
            problems.append(f"{name}: IPC symbol {raw!r} could not be read.")
            continue
        rest = _IPCR_REST.match(raw)
        out.append(Classification(Scheme.IPC, code,
                                  main=rest is not None and rest["position"] == "F", raw=raw))
    # CPC combination sets (`combination-set/combination-rank/patent-classification`)
    # are read in document order with the plain codes: each code is searchable, only the
    # grouping is lost, and the problem line says so.
    for element in bib.findall("{*}patent-classifications//{*}patent-classification"):
        found = _patent_classification(element, problems, name)
        if found is not None:
            out.append(found)
    sets = bib.findall("{*}patent-classifications/{*}combination-set")
    if sets:
        problems.append(f"{name}: {len(sets)} CPC combination sets are kept as their "
                        "separate codes; which codes combine is not held.")
    return tuple(out)


def _patent_classification(element: etree._Element, problems: list[str], name: str
                           ) -> Classification | None:
    found = children(element)
    scheme_element = found.get("classification-scheme")
    scheme = scheme_element.get("scheme", "") if scheme_element is not None else ""
    office = scheme_element.get("office", "") if scheme_element is not None else ""
    raw = text_of(found, "classification-symbol").strip()
    if not raw:
        parts = [text_of(found, tag).strip()
                 for tag in ("section", "class", "subclass", "main-group", "subgroup")]
        raw = f"{''.join(parts[:3])}{parts[3]}/{parts[4]}" if all(parts) else ""
    if not raw:
        problems.append(f"{name}: a {scheme or 'classification'} entry without a symbol.")
        return None
    main = text_of(found, "symbol-position").strip() == "F"
    if scheme.upper().startswith("CPC"):
        cpc = _CPC.match(raw)
        if cpc is None:
            problems.append(f"{name}: CPC symbol {raw!r} is not of the form H01M8/02; "
                            "kept as printed.")
            return Classification(Scheme.CPC, "".join(raw.split()), main=main, raw=raw)
        return Classification(Scheme.CPC, f"{cpc['subclass']}{int(cpc['group'])}/"
                              f"{cpc['subgroup']}", main=main, raw=raw)
    if scheme.upper() == "FI":
        try:
            return Classification(Scheme.FI, normalise_fi(raw), main=main, raw=raw)
        except ClassificationError:
            pass
    return Classification(Scheme.NATIONAL, "".join(raw.split()), main=main, raw=raw,
                          facet=office)


def _citation_type(citation: etree._Element, parts: dict[str, etree._Element]) -> str:
    phase = citation.get("cited-phase", "")
    category = text_of(parts, "category").strip()
    return f"{phase} {category}".strip()


def _citations(bib: etree._Element) -> list[tuple[etree._Element, dict[str, etree._Element]]]:
    """The record's citations, each with its children by name (read once for the patent
    and the non-patent citations)."""
    return [(citation, children(citation))
            for citation in bib.findall("{*}references-cited/{*}citation")]


def _patent_citations(citations: list[tuple[etree._Element, dict[str, etree._Element]]]
                      ) -> Iterable[PatentCitation]:
    for citation, parts in citations:
        patcit = parts.get("patcit")
        if patcit is None:
            continue
        number = patcit.get("dnum", "")
        if not number:
            document_id = _best_id([patcit])
            if document_id is not None:
                found = children(document_id)
                number = "".join(text_of(found, tag).strip()
                                 for tag in ("country", "doc-number", "kind"))
        sequence = citation.get("sequence", "")
        yield PatentCitation(number, draft_date=parse_date(citation.get("cited-date", "")),
                             citation_type=_citation_type(citation, parts),
                             order=int(sequence) if sequence.isdigit() else None)


def _non_patent_citations(citations: list[tuple[etree._Element, dict[str, etree._Element]]]
                          ) -> Iterable[NonPatentCitation]:
    for citation, parts in citations:
        nplcit = parts.get("nplcit")
        if nplcit is None:
            continue
        sequence = citation.get("sequence", "")
        text_element = nplcit.find("{*}text")
        text = fold(text_element) if text_element is not None else fold(nplcit)
        source = nplcit.find("{*}article")
        if source is None:
            source = nplcit.find("{*}online")
        author = title = serial = issue = pages = ""
        if source is not None:
            author = "; ".join(fold(a) for a in source.findall("{*}author/{*}name"))
            title_element = source.find("{*}atl")
            if title_element is None:
                title_element = source.find("{*}online-title")
            title = fold(title_element) if title_element is not None else ""
            serial = source.findtext("{*}serial/{*}sertitle", "").strip()
            issue = (source.findtext(".//{*}sdate", "") or "").strip()
            first = source.findtext("{*}location/{*}pp/{*}ppf", "").strip()
            last = source.findtext("{*}location/{*}pp/{*}ppl", "").strip()
            pages = f"{first}-{last}" if first and last else first
        yield NonPatentCitation(
            draft_date=parse_date(citation.get("cited-date", "")),
            citation_type=_citation_type(citation, parts),
            order=int(sequence) if sequence.isdigit() else None,
            document_type=nplcit.get("npl-type", ""), author=author,
            # the full citation as printed when its parts are not given, so no text is lost
            title=title or text, publication_name=serial, issue_date=issue, pages=pages)


def parse_date(text: str) -> dt.date | None:
    """`YYYYMMDD` or `YYYY-MM-DD` as a date; anything else (`00000000`, "") None."""
    digits = text.strip().replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def law_of(kind: str) -> Law:
    """Utility models (`U`, `U1`, `Y`) and designs (`S`) by their ST.16 kind letter."""
    letter = kind[:1].upper()
    if letter in ("U", "Y"):
        return Law.UTILITY
    if letter == "S":
        return Law.DESIGN
    return Law.PATENT


_US_PREGRANT = re.compile(r"^(?P<year>(?:19|20)\d{2})(?P<serial>\d{6})$")
_LETTERED = re.compile(r"^(?P<prefix>[A-Z]+)0*(?P<digits>\d+)$")


def document_number(country: str, number: str, kind: str) -> str:
    """The DOCDB doc-number in tokkyo's form: no spaces, commas or slashes; EP seven
    digits; US grants without leading zeros (`D435854`); US pre-grant publications in
    the USPTO's 11 digits (DOCDB `2006142694` → `20060142694`)."""
    bare = re.sub(r"[\s,/]", "", number)
    if country == "EP" and bare.isdigit():
        return bare.zfill(7)
    if country == "US":
        pregrant = _US_PREGRANT.match(bare)
        if pregrant and kind.upper().startswith("A") and kind.upper() != "A":
            return f"{pregrant['year']}0{pregrant['serial']}"
        if bare.isdigit():
            return bare.lstrip("0") or "0"
        lettered = _LETTERED.match(bare)
        if lettered:
            return f"{lettered['prefix']}{lettered['digits']}"
    return bare


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    """One line of a DOCDB delivery statistics file: for one country and kind, how many
    publications the delivery carries with one status, their first and last numbers
    (as DOCDB prints them) and publication dates."""

    status: str
    status_count: int             # NrOfPNStatus: all publications of this status
    country: str
    kind: str
    first_number: str
    last_number: str
    first_date: dt.date | None
    last_date: dt.date | None
    count: int


_STATISTICS_HEADER = ("Status", "NrOfPNStatus", "CC", "KC", "FirstPN", "LastPN",
                      "FirstPubDate", "LastPubDate", "NrOfPN")


def read_statistics(data: bytes, name: str = "statistics.csv") -> list[StatisticsRow]:
    """The rows of a DOCDB statistics CSV (`statistics_202324_Amend_001.csv`: CR line
    ends; a first line `product,week,delivery,total,rows`, then the column header).

    The first line's total and row count are checked against the rows: a disagreement
    fails with `statistics-mismatch`, a malformed line with `statistics-malformed`."""
    text = data.decode("ascii", "replace")
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
    if not lines:
        raise xmlsafe.ParseFailure(name, "empty", "the statistics file holds no line",
                                   format="docdb-statistics")
    start = 0
    summary = lines[0].split(",")
    declared_total: int | None = None
    declared_rows: int | None = None
    if tuple(summary) != _STATISTICS_HEADER:
        start = 1
        if len(summary) >= 5 and summary[3].isdigit() and summary[4].isdigit():
            declared_total, declared_rows = int(summary[3]), int(summary[4])
    if start >= len(lines) or tuple(lines[start].split(",")) != _STATISTICS_HEADER:
        raise xmlsafe.ParseFailure(name, "statistics-malformed", "the column header "
                                   f"{','.join(_STATISTICS_HEADER)} is missing",
                                   line=start + 1, column=1, format="docdb-statistics")
    rows: list[StatisticsRow] = []
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        cells = line.split(",")
        if (len(cells) != len(_STATISTICS_HEADER) or not cells[1].isdigit()
                or not cells[8].isdigit()):
            raise xmlsafe.ParseFailure(name, "statistics-malformed", "a row needs nine "
                                       "comma-separated cells with numeric counts",
                                       line=number, column=1, context=line[:60],
                                       format="docdb-statistics")
        rows.append(StatisticsRow(cells[0], int(cells[1]), cells[2], cells[3], cells[4],
                                  cells[5], parse_date(cells[6]), parse_date(cells[7]),
                                  int(cells[8])))
    if declared_rows is not None and declared_rows != len(rows):
        raise xmlsafe.ParseFailure(name, "statistics-mismatch", f"the first line announces "
                                   f"{declared_rows} rows, the file has {len(rows)}",
                                   line=1, column=1, format="docdb-statistics")
    total = sum(row.count for row in rows)
    if declared_total is not None and declared_total != total:
        raise xmlsafe.ParseFailure(name, "statistics-mismatch", f"the first line announces "
                                   f"{declared_total} publications, the rows add up to "
                                   f"{total}", line=1, column=1, format="docdb-statistics")
    return rows
