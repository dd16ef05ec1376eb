"""Reader of CNIPA's newer full-text format, `<business:PatentDocumentAndRelated>`
(exchange.md §10).

The DOCTYPE of these files names the absolute path
`/DTDS/ExternalStandards/ipphdb-entities.dtd`; it is never resolved (`xmlsafe` loads no
DTD) and the files use no entity beyond the XML five. Elements are in the `business:`,
`base:` and (tables) `tbl:` namespaces; the reader matches local names only.

Bibliographic elements come twice, as `dataFormat="original"` (as the office printed
them: application `202111286633.X`) and `dataFormat="standard"` (normalised:
`102021001286633`); the reader keeps the original and falls back to the standard form
only where no original is given. The publication number is the publication
reference's `DocNumber` (`113781974`).

The description is divided into `TechnicalField`, `BackgroundArt`, `Disclosure`,
`DrawingsDescription` and `InventionMode`; numbered `base:Paragraphs` (`num="n0001"`,
kept as `0001`) are paragraphs, an unnumbered one with text is the heading of its
section (`技术领域`), an unnumbered one with only an image is an image reference. A
section without a printed heading takes the heading CNIPA prints for it.
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.cn_old import (
    cn_date,
    int_or_none,
    ipc,
    language,
    law_of_kind,
    paragraph_number,
    raw_text,
    text_of,
    unread_citations,
)
from tokkyo.ingest.foreign.reading import ForeignRead, missing_parts
from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.classifications import Classification, Scheme
from tokkyo.model.documents import Claim, Drawing, LocalText, Paragraph, Publication
from tokkyo.model.parties import Party, PartyRole

FORMAT = "business:PatentDocumentAndRelated"
ROOTS: tuple[str, ...] = ("business:PatentDocumentAndRelated",)

BUSINESS = "http://www.sipo.gov.cn/XMLSchema/business"
BASE = "http://www.sipo.gov.cn/XMLSchema/base"
NS = {"b": BUSINESS, "base": BASE}

#: The heading CNIPA prints for each description section, for a section that has none.
SECTION_HEADINGS = {"TechnicalField": "技术领域", "BackgroundArt": "背景技术",
                    "Disclosure": "发明内容", "DrawingsDescription": "附图说明",
                    "InventionMode": "具体实施方式"}


@cache
def _compiled(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NS)


def _x(element: etree._Element | None, path: str) -> list[etree._Element]:
    """The elements a path selects (compiled once per path: the readers use a few
    dozen paths many times)."""
    if element is None:
        return []
    found = _compiled(path)(element)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def _t(element: etree._Element | None, path: str) -> str:
    found = _x(element, path)
    return text_of(found[0]) if found else ""


def _raw(element: etree._Element, path: str) -> str:
    found = _x(element, path)
    return raw_text(found[0]) if found else ""


def _original(elements: list[etree._Element]) -> list[etree._Element]:
    """The `dataFormat="original"` copies of a repeated element, or all of them when
    the file gives no original."""
    originals = [e for e in elements if e.get("dataFormat", "original") == "original"]
    return originals or elements


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """The one publication of a `business:PatentDocumentAndRelated` file.

    `tolerant` is accepted for the common reader interface; these files need no repair
    and a file that is not well-formed fails (`ParseFailure`) either way.
    """
    root = xmlsafe.parse(name, data, format=FORMAT)
    if root.tag != f"{{{BUSINESS}}}PatentDocumentAndRelated":
        raise xmlsafe.ParseFailure(name, "unsupported-document", f"the root element is "
                                   f"<{xmlsafe.local(root.tag)}>, not "
                                   "<business:PatentDocumentAndRelated>", format=FORMAT)
    result = ForeignRead(format=FORMAT)
    result.publications.append(_publication(name, root, result.problems))
    return result


def _publication(name: str, root: etree._Element, problems: list[str]) -> Publication:
    biblio_found = _x(root, "b:BibliographicData")
    biblio = biblio_found[0] if biblio_found else etree.Element("none")
    pub_refs = _original(_x(biblio, "b:PublicationReference"))
    pub_id = pub_refs[0].find(f"{{{BASE}}}DocumentID") if pub_refs else None
    country = _t(pub_id, "base:WIPOST3Code") or root.get("country", "CN")
    number = _t(pub_id, "base:DocNumber") or root.get("docNumber", "")
    kind = _t(pub_id, "base:Kind") or root.get("kind", "")
    date = cn_date(_t(pub_id, "base:Date") or root.get("datePublication"))
    if not number:
        raise xmlsafe.ParseFailure(name, "missing-number", "the document has no "
                                   "PublicationReference DocNumber", format=FORMAT)
    doc = f"{country}{number}{kind}"
    if not kind:
        problems.append(f"{doc}: the publication reference gives no kind code.")
    app_refs = _original(_x(biblio, "b:ApplicationReference"))
    app_id = app_refs[0].find(f"{{{BASE}}}DocumentID") if app_refs else None
    doc_language = language(root.get("lang"))

    title = ""
    other: list[LocalText] = []
    for element in _original(_x(biblio, "b:InventionTitle")):
        lang = language(element.get("lang"), doc_language)
        if lang == doc_language and not title:
            title = text_of(element)
        else:
            other.append(LocalText("title", lang, text_of(element)))
    if not title:
        title = _t(root, "b:Description/b:InventionTitle")
    abstract = ""
    representative = ""
    for element in _original(_x(root, "b:Abstract")):
        lang = language(element.get("lang"), doc_language)
        text = "\n".join(t for t in (text_of(p) for p in _x(element, "base:Paragraphs"))
                         if t)
        if lang == doc_language and not abstract:
            abstract = text
        else:
            other.append(LocalText("abstract", lang, text))
        for image in _x(element, "b:AbstractFigure//base:Image"):
            representative = representative or image.get("file", "")

    claims: list[Claim] = []
    for claims_element in _x(root, "b:Claims"):
        lang = language(claims_element.get("lang"), doc_language)
        for claim in _x(claims_element, "b:Claim"):
            parts = [text_of(t) for t in _x(claim, "b:ClaimText")] or [text_of(claim)]
            claims.append(Claim(int(paragraph_number(claim.get("num")) or 0)
                                or len(claims) + 1, "\n".join(p for p in parts if p),
                                "" if lang == doc_language else lang))
    drawings: list[Drawing] = []
    for figure in _x(root, "b:Drawings/base:Figure"):
        for image in _x(figure, "base:Image"):
            drawings.append(_drawing(figure.get("num", ""), image))
    paragraphs, inline = _description(root)
    inline_images = [(where, image) for where, image in inline]
    for claim in _x(root, "b:Claims/b:Claim"):
        inline_images += [(f"claim {claim.get('num', '')}", image)
                          for image in _x(claim, ".//base:Image")]
    for where, image in inline_images:
        drawings.append(_drawing(where, image))
    if inline_images:
        problems.append(f"{doc}: {len(inline_images)} image(s) inside description "
                        "paragraphs or claims (formulae, structures, tables) are kept as "
                        "drawing references; their content is not text.")
    problems += missing_parts(doc, claims=bool(claims), description=bool(paragraphs),
                              abstract=bool(abstract))

    classifications: list[Classification] = []
    for i, element in enumerate(_x(biblio, "b:ClassificationIPCRDetails/b:ClassificationIPCR")):
        raw = _raw(element, "base:Text") or _ipc_parts(element)
        found = ipc(raw, i == 0, doc, problems)
        if found is not None:
            classifications.append(found)
    for element in _x(biblio, ".//b:ClassificationCPC"):
        raw = _raw(element, "base:Text") or _ipc_parts(element)
        classifications.append(Classification(Scheme.CPC, "".join(raw.split("(")[0].split()),
                                              raw=raw))
    for element in _x(biblio, ".//b:ClassificationLocarno"):
        raw = _raw(element, "base:Text") or text_of(element)
        classifications.append(Classification(Scheme.LOCARNO, raw.split("(")[0].strip(),
                                              raw=raw))

    priorities = [Priority(paris_application_number=_t(p, "base:DocNumber"),
                           paris_date=cn_date(_t(p, "base:Date")),
                           paris_country=_t(p, "base:WIPOST3Code"))
                  for p in _original(_x(biblio, "b:PriorityDetails/b:Priority"))
                  if p.get("kind", "international") != "national"]
    priorities += [Priority(national_application_number=_t(p, "base:DocNumber"),
                            national_date=cn_date(_t(p, "base:Date")))
                   for p in _original(_x(biblio, "b:PriorityDetails/b:Priority"))
                   if p.get("kind") == "national"]
    parent = None
    for doc_id in _x(biblio, "b:RelatedDocuments/b:Division//b:ParentDocument/base:DocumentID"):
        if _t(doc_id, "base:DocNumber"):
            parent = ParentApplication(_t(doc_id, "base:DocNumber"),
                                       cn_date(_t(doc_id, "base:Date")), "division")
            break

    pct = [f"{label} {_t(d, 'base:WIPOST3Code')} {_t(d, 'base:DocNumber')} "
           f"({_t(d, 'base:Date')})"
           for label, path in (("PCT application", "b:PCTOrRegionalApplicationData"),
                               ("PCT publication", "b:PCTOrRegionalPublishingData"))
           for d in _x(biblio, f"{path}/base:DocumentID")]
    entry = _t(biblio, "b:NationalStageEntryDate/base:Date")
    if entry:
        pct.append(f"national phase entry {entry}")
    pct_language = _t(biblio, "b:PCTPublicationLanguage")
    if pct_language:
        pct.append(f"published in {pct_language}")
    if pct:
        problems.append(f"{doc}: the PCT data ({'; '.join(pct)}) has no place in the "
                        "publication model and is not kept.")

    unread_citations(biblio, doc, problems)
    return Publication(
        country=country, kind=kind, st16_kind=kind, law=law_of_kind(kind),
        number=number, date=date, application_number=_t(app_id, "base:DocNumber"),
        filing_date=cn_date(_t(app_id, "base:Date")), title=title, abstract=abstract,
        language=doc_language, claims=tuple(claims), paragraphs=tuple(paragraphs),
        drawings=tuple(drawings), parties=tuple(_parties(biblio)),
        priorities=tuple(priorities), classifications=tuple(classifications),
        parent=parent, number_of_claims=len(claims) or None,
        representative_figure=representative, other_texts=tuple(other))


def _ipc_parts(element: etree._Element) -> str:
    """`G09G3/36` from the separate Section, MainClass, ... elements."""
    parts = [_t(element, f"b:{n}") for n in ("Section", "MainClass", "Subclass")]
    return f"{''.join(parts)}{_t(element, 'b:MainGroup')}/{_t(element, 'b:Subgroup')}"


def _description(root: etree._Element
                 ) -> tuple[list[Paragraph], list[tuple[str, etree._Element]]]:
    """The numbered paragraphs with their sections, and the images inside paragraphs
    with the number of the paragraph that holds them (or the id of an unnumbered one)."""
    paragraphs: list[Paragraph] = []
    images: list[tuple[str, etree._Element]] = []
    for description in _x(root, "b:Description"):
        section = ""
        for element in description.iter(f"{{{BASE}}}Paragraphs",
                                        *(f"{{{BUSINESS}}}{s}" for s in SECTION_HEADINGS)):
            name = xmlsafe.local(element.tag)
            if name in SECTION_HEADINGS:
                section = SECTION_HEADINGS[name]
                continue
            text = text_of(element)
            number = element.get("num")
            for image in element.iter(f"{{{BASE}}}Image"):
                images.append((paragraph_number(number) if number
                               else element.get("id", ""), image))
            if number is None:
                if text:
                    section = text.rstrip("：:")
                continue
            paragraphs.append(Paragraph(paragraph_number(number), section, text))
    return paragraphs, images


def _drawing(number: str, image: etree._Element) -> Drawing:
    return Drawing(number=paragraph_number(number), file=image.get("file", ""),
                   image_format=image.get("imgFormat", ""),
                   height=int_or_none(image.get("he")), width=int_or_none(image.get("wi")))


def _name(element: etree._Element) -> str:
    return (_t(element, "base:AddressBook/base:Name")
            or _t(element, "base:AddressBook/base:OrganizationName")
            or _t(element, ".//base:Name"))


def _parties(biblio: etree._Element) -> list[Party]:
    parties: list[Party] = []
    for i, applicant in enumerate(_original(_x(biblio, "b:Parties/b:ApplicantDetails/"
                                                       "b:Applicant"))):
        parties.append(Party(PartyRole.APPLICANT, _name(applicant),
                             sequence=int_or_none(applicant.get("sequence")) or i + 1,
                             address=_t(applicant, "base:AddressBook/base:Address/base:Text")))
    for i, inventor in enumerate(_original(_x(biblio, "b:Parties/b:InventorDetails/"
                                                      "b:Inventor"))):
        parties.append(Party(PartyRole.INVENTOR, _name(inventor),
                             sequence=int_or_none(inventor.get("sequence")) or i + 1))
    agencies: list[str] = []
    for i, agent in enumerate(_original(_x(biblio, "b:Parties/b:AgentDetails/b:Agent"))):
        agency = (_t(agent, "b:Agency/base:AddressBook/base:OrganizationName")
                  or _t(agent, "b:Agency/base:AddressBook/base:Name"))
        if agency and agency not in agencies:
            agencies.append(agency)
        parties.append(Party(PartyRole.ATTORNEY, _t(agent, "base:AddressBook/base:Name"),
                             sequence=int_or_none(agent.get("sequence")) or i + 1,
                             agent_kind=agent.get("repType", "agent")))
    for i, agency in enumerate(agencies):
        parties.append(Party(PartyRole.ATTORNEY, agency, sequence=i + 1,
                             agent_kind="agency"))
    return parties
