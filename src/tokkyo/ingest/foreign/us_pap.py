"""USPTO pre-grant publications 2001–2004 in `pap` v1.5 (`patent-application-publication`).

The document is in four sub-documents: `subdoc-bibliographic-information`,
`subdoc-abstract`, `subdoc-description` (`heading`s and `paragraph`s whose printed
number is a `<number>` child: `1.` or `&lsqb;0001&rsqb;` = `[0001]`, kept as `1` and
`0001`), `subdoc-claims` (`claim` with nested `claim-text`) and `subdoc-drawings`.
Like PATDOC the files use text entities only the external DTD defines, taken from the
bundled ISO 8879/MathML table (`entities=None` switches it off). `US20010000044A1.xml`
carries a wrong XHTML DOCTYPE: it is never loaded, so it does no harm.

Inventors whose `authority-applicant` is `INV` (or not given) are also the applicants:
before 16 September 2012 US applications were filed by their inventors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.entities import ISO_AND_MATHML
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.us_xml import (
    child_text,
    docdb_number,
    fold,
    ipc,
    missing_parts,
    paragraph_number,
    text_of,
    to_date,
)
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.cases import Priority
from tokkyo.model.classifications import Classification, Scheme
from tokkyo.model.documents import Claim, Drawing, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "us-pap"
ROOTS: tuple[str, ...] = ("patent-application-publication",)


def _name(holder: etree._Element) -> str:
    org = child_text(holder, "organization-name")
    if org:
        return org
    name = holder.find("name")
    if name is None:
        return ""
    family = child_text(name, "family-name")
    given = " ".join(part for part in (child_text(name, "given-name"),
                                       child_text(name, "middle-name")) if part)
    full = f"{family}, {given}" if family and given else family or given
    suffix = child_text(name, "name-suffix")
    return f"{full} {suffix}" if suffix else full


def _residence(holder: etree._Element) -> str:
    residence = holder.find("residence")
    if residence is None:
        residence = holder.find("address")
    if residence is None:
        return ""
    parts = [fold("".join(el.itertext())) for el in residence.iter()
             if el.tag in ("city", "state", "country-code")]
    return ", ".join(part for part in parts if part)


def _parties(bib: etree._Element) -> list[Party]:
    parties: list[Party] = []
    inventors = bib.findall("inventors/*")
    for sequence, inventor in enumerate(inventors, 1):
        name, address = _name(inventor), _residence(inventor)
        if child_text(inventor, "authority-applicant") in ("", "INV"):
            parties.append(Party(PartyRole.APPLICANT, name, sequence=sequence,
                                 address=address))
        parties.append(Party(PartyRole.INVENTOR, name, sequence=sequence, address=address))
    for sequence, assignee in enumerate(bib.iterfind("assignee"), 1):
        parties.append(Party(PartyRole.RIGHT_HOLDER, _name(assignee), sequence=sequence,
                             address=_residence(assignee)))
    for correspondence in bib.iterfind("correspondence-address"):
        name = " ".join(part for part in (child_text(correspondence, "name-1"),
                                          child_text(correspondence, "name-2")) if part)
        if name:
            parties.append(Party(PartyRole.ATTORNEY, name, address=_residence(
                correspondence), agent_kind="correspondence"))
    return parties


def _uspc(holder: etree._Element, main: bool) -> Classification:
    """`<class>313</class><subclass>503000</subclass>`: the subclass is three digits
    and three decimals (`042030` = 42.03)."""
    cls = child_text(holder, "class")
    raw_sub = child_text(holder, "subclass")
    sub = raw_sub
    if re.fullmatch(r"\d{6}", raw_sub):
        whole, decimals = str(int(raw_sub[:3])), raw_sub[3:].rstrip("0")
        sub = f"{whole}.{decimals}" if decimals else whole
    code = f"{cls.lstrip('0') or cls}/{sub}" if sub else cls
    return Classification(Scheme.NATIONAL, code, main=main, raw=f"{cls} {raw_sub}".strip(),
                          facet="US")


def _classifications(bib: etree._Element) -> list[Classification]:
    found: list[Classification] = []
    technical = bib.find("technical-information")
    if technical is None:
        return found
    for part, main in (("classification-ipc-primary", True),
                       ("classification-ipc-secondary", False)):
        for element in technical.iterfind(f"classification-ipc/{part}/ipc"):
            found.append(ipc(fold(element.text or ""), main=main))
    for part, main in (("classification-us-primary", True),
                       ("classification-us-secondary", False)):
        for element in technical.iterfind(f"classification-us/{part}/uspc"):
            found.append(_uspc(element, main))
    return found


def _claims(root: etree._Element) -> list[Claim]:
    claims: list[Claim] = []
    for index, claim in enumerate(root.iterfind("subdoc-claims/claim"), 1):
        digits = re.search(r"\d+", claim.get("id", ""))
        claims.append(Claim(int(digits.group(0)) if digits else index, text_of(claim)))
    return claims


def _paragraphs(root: etree._Element) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    description = root.find("subdoc-description")
    if description is None:
        return paragraphs
    section = ""
    for element in description.iter("heading", "paragraph"):
        if element.tag == "heading":
            section = text_of(element)
            continue
        number = paragraph_number(child_text(element, "number"))
        paragraphs.append(Paragraph(number, section,
                                    text_of(element, frozenset({"number"}))))
    return paragraphs


def publication(root: etree._Element) -> tuple[Publication, list[str]]:
    """One `patent-application-publication` as a publication and its problems."""
    bib = root.find("subdoc-bibliographic-information")
    if bib is None:
        raise ValueError("<patent-application-publication> has no bibliographic part")
    kind = child_text(bib, "document-id/kind-code")
    filing = bib.find("domestic-filing-data")
    priorities = [Priority(
        paris_application_number=child_text(prio, "priority-application-number/doc-number"),
        paris_date=to_date(child_text(prio, "filing-date")),
        paris_country=child_text(prio, "country-code"))
        for prio in bib.iterfind("foreign-priority-data")]
    drawings = [Drawing(re.sub(r"^EMI-D?", "", image.get("id", "")), image.get("file", ""),
                        image.get("imf", "").lower())
                for image in root.iterfind("subdoc-drawings/figure/image")]
    representative = child_text(root, "subdoc-drawings/representative-figure")
    abstract = root.find("subdoc-abstract")
    pub = Publication(
        country="US", kind=kind, st16_kind=kind, law=Law.PATENT,
        number=docdb_number(child_text(bib, "document-id/doc-number")),
        date=to_date(child_text(bib, "document-id/document-date")),
        application_number=child_text(filing, "application-number/doc-number"),
        filing_date=to_date(child_text(filing, "filing-date")),
        title=text_of(bib.find("technical-information/title-of-invention")),
        abstract=text_of(abstract, frozenset({"heading"})), language="en",
        claims=tuple(_claims(root)), paragraphs=tuple(_paragraphs(root)),
        drawings=tuple(drawings), parties=tuple(_parties(bib)),
        priorities=tuple(priorities), classifications=tuple(_classifications(bib)),
        representative_figure=representative,
    )
    return pub, missing_parts(pub, f"US {pub.number} {pub.kind}")


def read(name: str, data: bytes, *, tolerant: bool = False,
         entities: Mapping[str, str] | None = ISO_AND_MATHML) -> ForeignRead:
    """The publication of a `pap` v1.5 file. `entities=None` parses without the
    bundled DTD entity table; `tolerant` changes nothing yet."""
    del tolerant
    root = xmlsafe.parse(name, data, entities, format=FORMAT)
    if root.tag != "patent-application-publication":
        raise ParseFailure(name, "unknown-root", f"the root element is <{root.tag}>, not "
                           "<patent-application-publication>", format=FORMAT)
    pub, problems = publication(root)
    return ForeignRead(FORMAT, publications=[pub], problems=problems)
