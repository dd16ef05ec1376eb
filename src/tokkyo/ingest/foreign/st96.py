"""Reader of WIPO ST.96 (version 6) instances: patent publications, design and
trademark applications (exchange.md §10).

Elements are in WIPO's namespaces (`com:` Common, `pat:` Patent, `dgn:` Design, `tmk:`
Trademark); the reader matches them by namespace URI, whatever prefixes a file uses.
No schema is loaded: the instances are parsed strictly by `xmlsafe` and not
schema-validated (the v6 schema set is incomplete, exchange.md §10).

- `pat:PatentPublication`: bibliography, IPC and CPC (combination sets included),
  citations, parties, title, abstract, description paragraphs with their `pNumber` and
  the heading they fall under, claims, page images. An instance marked
  `com:documentStatusText="TEST"` (WIPO's example is one) is read and kept, and the
  problems say so.
- `dgn:DesignApplication`: one publication per `dgn:Design` (`Law.DESIGN`, kind `S`),
  Locarno and national design classes, the design's views as drawings, its description
  texts as paragraphs and its claim as a claim.
- `tmk:TrademarkApplication`: one publication per `tmk:Trademark` (`Law.TRADEMARK`,
  kind `T`) with `Publication.trademark`: the mark's verbal element (also the title),
  kind of mark, Nice classes with their goods and services, Vienna codes (and the
  office's national design search codes, which extend Vienna), image and sound files;
  the office's own (domestic) classes are kept as `Scheme.NATIONAL`.
- `gin:GIApplication` (a geographical indication) is not a publication tokkyo stores:
  `read` fails with `unsupported-document`, which the ingest maps to a skip.

Numbers and kinds of application documents: an application instance has no
publication number of its own. A design whose `dgn:Publication` gives an identifier
(`D0123456`) is stored under it; otherwise, and for every trademark application, the
application number is the `number`, and the problems say so. The kind is the
document's own kind code where it gives one, else `A` for patents, `S` for designs and
`T` for trademarks (`""` is never used).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.cn_old import int_or_none, paragraph_number, text_of
from tokkyo.ingest.foreign.reading import DocumentKey, ForeignEvent, ForeignRead
from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import (
    Classification,
    ClassificationError,
    Scheme,
    normalise_ipc,
)
from tokkyo.model.documents import Claim, Drawing, LocalText, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole
from tokkyo.model.trademarks import GoodsServices, TrademarkInfo

FORMAT = "wipo-st96"
ROOTS: tuple[str, ...] = ("pat:PatentPublication", "dgn:DesignApplication",
                          "tmk:TrademarkApplication", "gin:GIApplication")

_ST96 = "http://www.wipo.int/standards/XMLSchema/ST96"
NS = {"com": f"{_ST96}/Common", "pat": f"{_ST96}/Patent", "dgn": f"{_ST96}/Design",
      "tmk": f"{_ST96}/Trademark", "gin": f"{_ST96}/GeographicalIndication"}
_COM = "{" + NS["com"] + "}"

#: ST.96 `MarkFeatureCategory` values as tokkyo's kinds of mark.
MARK_KINDS = {"word": "word", "stylized characters": "stylized-characters",
              "figurative": "figurative", "combined": "combined",
              "three dimensional": "three-dimensional", "3-d": "three-dimensional",
              "colour": "colour", "color": "colour", "sound": "sound",
              "hologram": "hologram", "olfactory": "olfactory", "motion": "motion",
              "position": "position", "pattern": "pattern", "multimedia": "multimedia"}

_NUMBER_JUNK = re.compile(r"[\s,/.-]")


@cache
def _compiled(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NS)


_STEP = re.compile(r"([a-z]+):([A-Za-z]+)")


@cache
def _plan(path: str) -> tuple[bool, tuple[str, ...]] | None:
    """How `_x` walks a path without XPath: a path of child steps (`pat:Claims/pat:Claim`)
    as (False, their names), a single descendant step (`.//com:P`) as (True, its name);
    None for any other path (XPath)."""
    descendant = path.startswith(".//")
    steps = (path[3:] if descendant else path).split("/")
    if descendant and len(steps) != 1:
        return None
    names = []
    for step in steps:
        matched = _STEP.fullmatch(step)
        if matched is None or matched.group(1) not in NS:
            return None
        names.append(f"{{{NS[matched.group(1)]}}}{matched.group(2)}")
    return descendant, tuple(names)


def _x(element: etree._Element | None, path: str) -> list[etree._Element]:
    """The elements a path selects, in document order. Child and descendant steps by name
    (most of the readers' paths, used many times a document) are walked with lxml's
    iterators, each a C loop, rather than evaluated by XPath; other paths are compiled
    once."""
    if element is None:
        return []
    plan = _plan(path)
    if plan is None:
        return _xpath(element, path)
    descendant, names = plan
    if descendant:
        return list(element.iterdescendants(names[0]))
    found = [element]
    for name in names:
        found = [child for parent in found for child in parent.iterchildren(name)]
    return found


def _xpath(element: etree._Element, path: str) -> list[etree._Element]:
    """The elements XPath selects with `path`."""
    found = _compiled(path)(element)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _t(element: etree._Element | None, path: str) -> str:
    found = _x(element, path)
    return text_of(found[0]) if found else ""


def _date(value: str) -> dt.date | None:
    """`2015-01-20` (or `20150120`) as a date; a partial date (`2000-04`) as None."""
    digits = value.strip().replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def docdb_number(country: str, raw: str) -> str:
    """The DOCDB doc-number form: no spaces, commas, dots or slashes; US grants and
    designs without leading zeros (`08936998` → `8936998`, `D0435854` → `D435854`)."""
    number = _NUMBER_JUNK.sub("", raw.strip())
    if country == "US":
        prefix = number[:2] if number[:2].isalpha() else number[:1] if number[:1].isalpha() else ""
        rest = number[len(prefix):]
        if rest.isdigit() and len(rest) <= 8:
            number = prefix + (rest.lstrip("0") or "0")
    return number


def _name(contact: etree._Element | None) -> str:
    """A person's or an organisation's name in any of ST.96's forms."""
    if contact is None:
        return ""
    for path in (".//com:EntityName", ".//com:OrganizationStandardName",
                 ".//com:PersonFullName"):
        name = _t(contact, path)
        if name:
            return name
    structured = _x(contact, ".//com:PersonStructuredName")
    if structured:
        parts = [_t(structured[0], f"com:{p}") for p in
                 ("NamePrefix", "FirstName", "MiddleName", "LastName", "NameSuffix")]
        return " ".join(p for p in parts if p)
    return text_of(contact)


def _language(root: etree._Element) -> str:
    code = root.get(f"{_COM}languageCode", "")
    if not code:
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.endswith("LanguageCode"):
                code = text_of(element)
                break
            if element.get(f"{_COM}languageCode"):
                code = element.get(f"{_COM}languageCode", "")
                break
    return code.strip().lower()


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """The publications of one ST.96 instance (`ParseFailure` `unsupported-document`
    for a geographical indication or another document tokkyo does not store).

    `tolerant` is accepted for the common reader interface; ST.96 instances are read
    strictly either way."""
    root = xmlsafe.parse(name, data, format=FORMAT)
    kind = xmlsafe.local(root.tag)
    result = ForeignRead(format=FORMAT)
    if root.tag == f"{{{NS['pat']}}}PatentPublication":
        result.publications.append(_patent(root, result.problems))
    elif root.tag == f"{{{NS['dgn']}}}DesignApplication":
        _designs(root, result)
    elif root.tag == f"{{{NS['tmk']}}}TrademarkApplication":
        _trademarks(root, result)
    elif root.tag == f"{{{NS['gin']}}}GIApplication":
        raise xmlsafe.ParseFailure(name, "unsupported-document", "a geographical "
                                   "indication application (gin:GIApplication) is not a "
                                   "patent, design or trademark publication; tokkyo does "
                                   "not store it", format=FORMAT)
    else:
        raise xmlsafe.ParseFailure(name, "unsupported-document", f"the ST.96 document "
                                   f"<{kind}> is not one tokkyo reads (patent "
                                   "publications, design and trademark applications)",
                                   format=FORMAT)
    return result


# --- patents -------------------------------------------------------------------------

def _patent(root: etree._Element, problems: list[str]) -> Publication:
    biblio = (_x(root, "pat:BibliographicData") or [etree.Element("none")])[0]
    ident = (_x(biblio, "pat:PatentPublicationIdentification") or [None])[0]
    country = _t(ident, "com:IPOfficeCode") or _t(root, "com:IPOfficeCode")
    kind = _t(ident, "com:PatentDocumentKindCode")
    raw_number = _t(ident, "pat:PublicationNumber")
    number = docdb_number(country, raw_number)
    application = (_x(biblio, "pat:ApplicationIdentification") or [None])[0]
    application_number = docdb_number(country, _t(application, ".//com:ApplicationNumberText"))
    if not number:
        number = application_number
        problems.append(f"{country}{number}: the instance gives no publication number; "
                        "the application number is used as its number.")
    if not kind:
        kind = "A"
        problems.append(f"{country}{number}: the instance gives no kind code; kind A "
                        "(patent application) is assumed.")
    doc = f"{country}{number}{kind}"
    if root.get(f"{_COM}documentStatusText", "").upper() == "TEST":
        problems.append(f"{doc}: the instance is marked TEST (com:documentStatusText), "
                        "an example rather than a real publication; it is kept as read.")
    language = _language(root)
    subject = _t(application, "pat:InventionSubjectMatterCategory").lower()
    law = Law.DESIGN if subject == "design" or kind.startswith("S") else Law.PATENT

    title = ""
    other: list[LocalText] = []
    for element in _x(biblio, "pat:InventionTitleBag/pat:InventionTitle"):
        lang = element.get(f"{_COM}languageCode", language).lower()
        if lang == language and not title:
            title = text_of(element)
        else:
            other.append(LocalText("title", lang, text_of(element)))
    abstract = ""
    for element in _x(root, "pat:Abstract"):
        lang = element.get(f"{_COM}languageCode", language).lower()
        text = "\n".join(t for t in (text_of(p) for p in _x(element, ".//com:P")) if t)
        if lang == language and not abstract:
            abstract = text
        else:
            other.append(LocalText("abstract", lang, text))

    claims = [Claim(int_or_none(_t(c, "pat:ClaimNumber")) or i + 1,
                    _claim_text((_x(c, "pat:ClaimText") or [c])[0]))
              for i, c in enumerate(_x(root, "pat:Claims/pat:Claim"))]
    paragraphs = _patent_paragraphs(root)
    drawings = [Drawing(number=(p.get(f"{_COM}id", "") or str(i + 1)).rsplit("-", 1)[-1],
                        file=_t(p, "com:FileName"),
                        image_format=_t(p, "com:ImageFormatCategory"))
                for i, p in enumerate(_x(root, "pat:Drawings/pat:PageImage"))]
    for external in _x(root, "com:ExternalDocumentBag/com:ExternalDocument"):
        file = _t(external, "com:FileName")
        drawings.append(Drawing(number=file.rsplit("-", 1)[-1].split(".")[0], file=file,
                                image_format=_t(external, "com:DocumentFormatCategory")))
    for label, count in (("claims", len(claims)), ("description", len(paragraphs)),
                         ("abstract", 1 if abstract else 0)):
        if not count:
            problems.append(f"{doc}: the document carries no {label}.")

    parent = None
    for parent_doc in _x(biblio, "pat:RelatedDocumentBag/pat:Division/pat:ParentDocument"):
        parent_number = _t(parent_doc, "pat:PatentDocumentIdentification//"
                                       "com:ApplicationNumberText")
        if parent_number:
            parent = ParentApplication(parent_number, _date(_t(parent_doc, ".//pat:FilingDate")),
                                       "division")
            break
    related = [f"{_t(r, './/com:IPOfficeCode')}{_t(r, './/pat:PublicationNumber')}"
               f"{_t(r, './/com:PatentDocumentKindCode')}"
               for r in _x(biblio, "pat:RelatedDocumentBag/pat:RelatedPublication")]
    pct = [_t(p, ".//com:ApplicationNumberText") for p in _x(biblio, ".//pat:PCTDocumentParent")]
    if related or pct:
        problems.append(f"{doc}: related documents ({', '.join(related + pct)}) have no "
                        "place in the publication model and are not kept.")
    examiners = [_name(e) for e in _x(biblio, "pat:PartyBag/pat:ExaminerBag/*")]
    if examiners:
        problems.append(f"{doc}: the examiners ({', '.join(examiners)}) are not kept.")
    searched = [f"{_t(n, 'com:IPOfficeCode')} {_t(n, './/pat:NationalClass')}/"
                f"{_t(n, './/pat:NationalSubclass')}"
                for n in _x(biblio, "pat:SearchField//pat:NationalClassification")]
    if searched:
        problems.append(f"{doc}: the field of search ({', '.join(searched)}) is not a "
                        "classification of the document and is not kept.")

    return Publication(
        country=country, kind=kind, st16_kind=kind, law=law, number=number,
        date=_date(_t(ident, "com:PublicationDate")), application_number=application_number,
        filing_date=_date(_t(application, "pat:FilingDate")), title=title, abstract=abstract,
        language=language, claims=tuple(claims), paragraphs=tuple(paragraphs),
        drawings=tuple(drawings), parties=tuple(_patent_parties(biblio)),
        priorities=tuple(
            Priority(paris_application_number=_t(p, ".//com:ApplicationNumberText"),
                     paris_date=_date(_t(p, "pat:FilingDate")),
                     paris_country=_t(p, "com:IPOfficeCode"))
            for p in _x(biblio, "pat:PriorityClaimBag/pat:PriorityClaim")),
        classifications=tuple(_patent_classifications(biblio, doc, problems)),
        patent_citations=tuple(
            PatentCitation(_cited(c), citation_type=_citing(c),
                           order=int_or_none(c.get(f"{_COM}sequenceNumber")))
            for c in _x(biblio, "pat:ReferenceCitationBag/pat:ReferenceCitation/"
                                "com:PatentCitation")),
        non_patent_citations=tuple(
            NonPatentCitation(citation_type=_citing(c), title=_t(c, "com:NPLCitationText"),
                              order=i + 1)
            for i, c in enumerate(_x(biblio, "pat:ReferenceCitationBag/pat:ReferenceCitation/"
                                             "com:NPLCitation"))),
        parent=parent, number_of_claims=int_or_none(_t(biblio, "pat:ClaimTotalQuantity"))
        or len(claims) or None, other_texts=tuple(other))


_CLAIM_PART = "\ue000"      # a private-use character marks where a nested ClaimText starts


def _claim_text(element: etree._Element) -> str:
    """A claim's text, each nested `pat:ClaimText` (a claim element) on a line of its
    own, the lines' own breaks folded."""
    copy = etree.fromstring(etree.tostring(element))
    for nested in copy.iter(f"{{{NS['pat']}}}ClaimText"):
        if nested is not copy:
            nested.text = _CLAIM_PART + (nested.text or "")
    parts = (p.strip() for p in text_of(copy).split(_CLAIM_PART))
    return "\n".join(p for p in parts if p)


def _cited(citation: etree._Element) -> str:
    ident = (_x(citation, "com:CitedPatentDocumentIdentification") or [citation])[0]
    country = _t(ident, "com:IPOfficeCode")
    return (f"{country}{docdb_number(country, _t(ident, 'com:DocumentNumber'))}"
            f"{_t(ident, 'com:PatentDocumentKindCode')}")


def _citing(citation: etree._Element) -> str:
    parent = citation.getparent()
    return parent.get(f"{{{NS['pat']}}}citingPartyCategory", "") if parent is not None else ""


def _patent_paragraphs(root: etree._Element) -> list[Paragraph]:
    """Every `com:P` of the description (not those nested in another, a table's), with
    the heading it falls under."""
    paragraphs: list[Paragraph] = []
    section = ""
    for description in _x(root, "pat:Description"):
        for element in description.iter(f"{_COM}Heading", f"{_COM}P"):
            if xmlsafe.local(element.tag) == "Heading":
                section = text_of(element)
                continue
            if any(xmlsafe.local(a.tag) == "P" for a in element.iterancestors()):
                continue
            number = element.get(f"{_COM}pNumber") or str(len(paragraphs) + 1).zfill(4)
            paragraphs.append(Paragraph(paragraph_number(number), section, text_of(element)))
    return paragraphs


def _cpc_code(element: etree._Element) -> str:
    return (f"{_t(element, 'pat:CPCSection')}{_t(element, 'pat:Class')}"
            f"{_t(element, 'pat:Subclass')}{_t(element, 'pat:MainGroup')}/"
            f"{_t(element, 'pat:Subgroup')}")


def _patent_classifications(biblio: etree._Element, doc: str, problems: list[str]
                            ) -> list[Classification]:
    found: list[Classification] = []
    bag = "pat:PatentClassificationBag"
    for element in _x(biblio, f"{bag}/pat:IPCRClassificationBag/pat:IPCRClassification"):
        raw = (f"{_t(element, 'pat:Section')}{_t(element, 'pat:Class')}"
               f"{_t(element, 'pat:Subclass')}{_t(element, 'pat:MainGroup')}/"
               f"{_t(element, 'pat:Subgroup')}")
        try:
            found.append(Classification(Scheme.IPC, normalise_ipc(raw), raw=raw,
                                        main=_t(element, "com:SymbolPositionCode") == "F"))
        except ClassificationError as exc:
            problems.append(f"{doc}: IPC symbol {raw!r} could not be read ({exc}); it is "
                            "not kept.")
    for element in _x(biblio, f"{bag}/pat:CPCClassificationBag//pat:CPCClassification"):
        code = _cpc_code(element)
        main = any(xmlsafe.local(a.tag) == "MainCPC" for a in element.iterancestors())
        found.append(Classification(Scheme.CPC, code, main=main, raw=code))
    for element in _x(biblio, f"{bag}/pat:NationalClassification"):
        office = _t(element, "com:IPOfficeCode")
        for main in _x(element, "pat:MainNationalClassification|"
                                "pat:FurtherNationalClassification"):
            raw = f"{_t(main, 'pat:NationalClass')}/{_t(main, 'pat:NationalSubclass')}"
            found.append(Classification(Scheme.NATIONAL, raw, raw=raw, facet=office,
                                        main=xmlsafe.local(main.tag).startswith("Main")))
    return found


def _patent_parties(biblio: etree._Element) -> list[Party]:
    parties: list[Party] = []
    for path, role in (("pat:ApplicantBag/pat:Applicant", PartyRole.APPLICANT),
                       ("pat:InventorBag/pat:Inventor", PartyRole.INVENTOR),
                       ("pat:AssigneeBag/pat:Assignee", PartyRole.RIGHT_HOLDER),
                       ("pat:RegisteredPractitionerBag/pat:RegisteredPractitioner",
                        PartyRole.ATTORNEY)):
        for i, element in enumerate(_x(biblio, f"pat:PartyBag/{path}")):
            parties.append(Party(role, _name(element), sequence=int_or_none(
                element.get(f"{_COM}sequenceNumber")) or i + 1,
                address=_t(element, ".//com:PostalAddressText")))
    return parties


# --- designs ---------------------------------------------------------------------------

def _designs(root: etree._Element, result: ForeignRead) -> None:
    application_number = _t(root, "com:ApplicationNumber/com:ApplicationNumberText")
    office = (_t(root, "com:RegistrationOfficeCode")
              or _t(root, "com:ApplicationNumber/com:IPOfficeCode"))
    language = _t(root, "dgn:DesignApplicationLanguageCode").lower() or _language(root)
    shared_applicants = _x(root, "dgn:ApplicantBag/dgn:Applicant")
    for design in _x(root, "dgn:DesignBag/dgn:Design"):
        identifier = _t(design, "dgn:PublicationBag/dgn:Publication/com:PublicationIdentifier")
        if identifier and any(ch.isdigit() for ch in identifier):
            number = docdb_number(office, identifier)
            note = f"the design's publication identifier {identifier}"
        else:
            number = docdb_number(office, application_number)
            note = "the application number, as the instance gives no publication number"
        kind = "S"
        doc = f"{office}{number}{kind}"
        result.problems.append(f"{doc}: a design application instance; its number is "
                               f"{note}, its kind S (design) as it gives no kind code.")
        title = ""
        other: list[LocalText] = []
        for element in _x(design, "dgn:DesignTitleText"):
            lang = element.get(f"{_COM}languageCode", language).lower()
            if lang == language and not title:
                title = text_of(element)
            else:
                other.append(LocalText("title", lang, text_of(element)))
        paragraphs = [Paragraph(paragraph_number(e.get(f"{_COM}sequenceNumber"))
                                or str(i + 1).zfill(4), "", text_of(e))
                      for i, e in enumerate(_x(design, "dgn:DesignDescriptionText"))]
        claims = [Claim(i + 1, text_of(e)) for i, e in
                  enumerate(_x(design, "dgn:DesignClaim//dgn:DesignClaimText"))]
        drawings = [Drawing(number=_t(v, "dgn:ViewIdentifier") or str(i + 1),
                            file=_t(v, "com:FileName"),
                            image_format=_t(v, "dgn:ViewFileFormatCategory"))
                    for i, v in enumerate(_x(design, ".//dgn:View"))]
        classifications = [Classification(Scheme.LOCARNO, _t(b, "com:LocarnoClassificationText"),
                                          raw=_t(b, "com:LocarnoClassificationText"))
                           for b in _x(design, ".//com:LocarnoClassificationBag")]
        for bag in _x(design, ".//com:NationalDesignClassificationBag"):
            facet = _t(bag, "com:IPOfficeCode") or office
            classifications += [Classification(Scheme.NATIONAL, text_of(c), raw=text_of(c),
                                               facet=facet)
                                for c in _x(bag, "com:NationalDesignClassification")]
        applicants = _x(design, "dgn:ApplicantBag/dgn:Applicant") + shared_applicants
        parties: list[Party] = []
        seen: set[str] = set()
        for i, element in enumerate(applicants):
            name = _name(element)
            if name in seen:
                continue
            seen.add(name)
            parties.append(Party(PartyRole.APPLICANT, name, sequence=int_or_none(
                element.get(f"{_COM}sequenceNumber")) or i + 1))
        for path, role in (("dgn:DesignerBag/dgn:Designer", PartyRole.INVENTOR),
                           ("com:RepresentativeBag/com:Representative", PartyRole.ATTORNEY)):
            for i, element in enumerate(_x(design, path)):
                parties.append(Party(role, _name(element), sequence=int_or_none(
                    element.get(f"{_COM}sequenceNumber")) or i + 1,
                    agent_kind=_t(element, "com:RepresentativeCategory")))
        staff = [f"{_t(s, 'com:StaffName')} ({_t(s, 'com:OfficialTitleText')})"
                 for s in _x(design, "com:StaffBag/com:Staff")]
        if staff:
            result.problems.append(f"{doc}: the office staff named ({', '.join(staff)}) "
                                   "are not kept.")
        publication = Publication(
            country=office, kind=kind, st16_kind=kind, law=Law.DESIGN, number=number,
            date=_date(_t(design, "dgn:PublicationBag/dgn:Publication/com:PublicationDate")),
            application_number=application_number,
            filing_date=_date(_t(root, "com:ApplicationDate")), title=title,
            language=language, claims=tuple(claims), paragraphs=tuple(paragraphs),
            drawings=tuple(drawings), parties=tuple(parties),
            priorities=tuple(
                Priority(paris_application_number=_t(p, ".//com:ApplicationNumberText"),
                         paris_date=_date(_t(p, "com:PriorityApplicationFilingDate")),
                         paris_country=_t(p, "com:PriorityCountryCode"))
                for p in _x(design, "dgn:PriorityBag/dgn:Priority")),
            classifications=tuple(classifications),
            patent_citations=tuple(PatentCitation(_cited(c), order=i + 1) for i, c in
                                   enumerate(_x(design, "dgn:PatentIdentificationBag/"
                                                        "com:CitedPatentDocumentIdentification"))),
            registration_number=_t(design, "com:RegistrationNumber"),
            registration_date=_date(_t(design, "com:RegistrationDate")),
            other_texts=tuple(other))
        result.publications.append(publication)
        key = DocumentKey(office, kind, number)
        result.events.extend(
            ForeignEvent(key, _t(e, "dgn:DesignApplicationEventCategory"),
                         _iso(_t(e, "dgn:DesignApplicationEventDate")),
                         _t(e, "com:CommentText"), _t(e, "dgn:DesignApplicationEventCategory"))
            for e in _x(root, "dgn:DesignApplicationEventBag/dgn:DesignApplicationEvent"))


def _iso(value: str) -> str:
    date = _date(value)
    return date.isoformat() if date else value


# --- trademarks ------------------------------------------------------------------------

def nice_class(raw: str) -> str:
    """`009` → `09`: Nice classes as two digits."""
    value = raw.strip()
    return f"{int(value):02d}" if value.isdigit() else value


def _trademarks(root: etree._Element, result: ForeignRead) -> None:
    language = _language(root)
    for mark in _x(root, "tmk:TrademarkBag/tmk:Trademark"):
        office = (_t(mark, "com:RegistrationOfficeCode")
                  or _t(mark, "com:ApplicationNumber/com:IPOfficeCode"))
        application_number = _t(mark, "com:ApplicationNumber/com:ApplicationNumberText")
        number = docdb_number(office, application_number)
        kind = "T"
        doc = f"{office}{number}{kind}"
        result.problems.append(f"{doc}: a trademark application instance; its number is "
                               "the application number and its kind T, as it gives "
                               "neither a publication number nor a kind code.")
        verbal = _t(mark, ".//tmk:MarkVerbalElementText")
        images = [_t(i, "com:FileName") for i in _x(mark, ".//tmk:MarkImage")]
        sounds = [_t(s, "com:FileName") for s in _x(mark, ".//tmk:MarkSound")]
        vienna = [_vienna(v) for v in _x(mark, ".//com:ViennaClassification")]
        classifications = [Classification(Scheme.VIENNA, v, raw=v) for v in vienna]
        national_vienna = [text_of(v) for v in _x(mark, ".//tmk:NationalDesignCode")]
        classifications += [Classification(Scheme.VIENNA, v, raw=v, facet=office)
                            for v in national_vienna]
        vienna += national_vienna
        nice: list[str] = []
        domestic: list[str] = []
        for element in _x(mark, ".//tmk:GoodsServicesClassification"):
            code_kind = _t(element, "tmk:ClassificationKindCode").lower()
            if code_kind in ("nice", "primary") and _t(element, "tmk:ClassNumber"):
                value = nice_class(_t(element, "tmk:ClassNumber"))
                if value not in nice:
                    nice.append(value)
            elif _t(element, "tmk:NationalClassNumber"):
                domestic.append(_t(element, "tmk:NationalClassNumber"))
        goods = [GoodsServices(nice_class(_t(d, "tmk:ClassNumber")),
                               "\n".join(text_of(g) for g in
                                         _x(d, "tmk:GoodsServicesDescriptionText")))
                 for d in _x(mark, ".//tmk:ClassDescription")]
        for entry in goods:
            if entry.nice_class and entry.nice_class not in nice:
                nice.append(entry.nice_class)
        classifications += [Classification(Scheme.NICE, c, raw=c) for c in nice]
        classifications += [Classification(Scheme.NATIONAL, c, raw=c, facet=office)
                            for c in domestic]
        category = _t(mark, "tmk:MarkCategory").lower()
        info = TrademarkInfo(
            display=verbal, vienna_codes=tuple(vienna), goods_services=tuple(goods),
            kind_of_mark=_kind_of_mark(mark, verbal, images), collective="collective" in category,
            image_files=tuple(f for f in images if f), sound_files=tuple(f for f in sounds if f))
        included = _x(root, "com:DocumentIncludedBag/com:DocumentIncluded")
        if included:
            result.problems.append(f"{doc}: the {len(included)} file-wrapper documents the "
                                   "instance lists (com:DocumentIncludedBag) are not kept.")
        date = _date(_t(mark, "tmk:PublicationBag/tmk:Publication/com:PublicationDate"))
        if date is None:
            result.problems.append(f"{doc}: the instance gives no publication date.")
        result.publications.append(Publication(
            country=office, kind=kind, st16_kind=kind, law=Law.TRADEMARK, number=number,
            date=date, application_number=application_number,
            filing_date=_date(_t(mark, "com:ApplicationDate")), title=verbal,
            abstract="\n".join(text_of(d) for d in _x(mark, ".//tmk:MarkDescriptionText")),
            language=language, drawings=tuple(Drawing(str(i + 1), f) for i, f in
                                              enumerate(images) if f),
            parties=tuple(_trademark_parties(mark)),
            priorities=tuple(
                Priority(paris_application_number=_t(p, ".//com:ApplicationNumberText"),
                         paris_date=_date(_t(p, ".//com:PriorityApplicationFilingDate")),
                         paris_country=_t(p, ".//com:PriorityCountryCode"))
                for p in _x(mark, ".//tmk:Priority")),
            classifications=tuple(classifications),
            registration_number=_t(mark, "com:RegistrationNumber"),
            registration_date=_date(_t(mark, "com:RegistrationDate")), trademark=info))
        key = DocumentKey(office, kind, number)
        result.events.extend(
            ForeignEvent(key, _t(e, ".//tmk:MarkEventCode") or _t(e, "tmk:MarkEventCategory"),
                         _iso(_t(e, "tmk:MarkEventDate")),
                         _t(e, ".//tmk:MarkEventDescriptionText"),
                         _t(e, "tmk:MarkEventCategory"))
            for e in _x(mark, "tmk:MarkEventBag/tmk:MarkEvent"))


def _vienna(element: etree._Element) -> str:
    parts = [_t(element, f"com:{p}") for p in ("ViennaCategory", "ViennaDivision",
                                                "ViennaSection")]
    return ".".join(p for p in parts if p) or text_of(element)


def _kind_of_mark(mark: etree._Element, verbal: str, images: list[str]) -> str:
    """The `MarkFeatureCategory` where the instance gives one; else `character` for a
    standard-character mark, `combined` for words with an image, `figurative` for an
    image alone, `word` for words alone."""
    feature = _t(mark, ".//tmk:MarkFeatureCategory").lower()
    if feature:
        return MARK_KINDS.get(feature, feature.replace(" ", "-"))
    if _t(mark, ".//tmk:MarkStandardCharacterIndicator").lower() == "true":
        return "character"
    if images:
        return "combined" if verbal else "figurative"
    return "word" if verbal else ""


def _trademark_parties(mark: etree._Element) -> list[Party]:
    parties: list[Party] = []
    for i, element in enumerate(_x(mark, "tmk:ApplicantBag/tmk:Applicant")):
        comment = " ".join(text_of(c) for c in _x(element, "com:CommentText"))
        holder = any(w in comment.upper() for w in ("OWNER", "REGISTRANT", "HOLDER"))
        parties.append(Party(PartyRole.RIGHT_HOLDER if holder else PartyRole.APPLICANT,
                             _name(element.find(f"{_COM}Contact")) or _name(element),
                             sequence=int_or_none(element.get(f"{_COM}sequenceNumber"))
                             or i + 1))
    for i, element in enumerate(_x(mark, ".//com:RepresentativeBag/com:Representative")):
        parties.append(Party(PartyRole.ATTORNEY, _name(element), sequence=int_or_none(
            element.get(f"{_COM}sequenceNumber")) or i + 1,
            agent_kind=_t(element, "com:RepresentativeCategory") or "representative"))
    for element in _x(mark, "tmk:NationalCorrespondent"):
        parties.append(Party(PartyRole.ATTORNEY, _name(element), agent_kind="correspondent"))
    return parties
