"""USPTO grants 2001–2004 in the ST.32 SGML-derived XML `PATDOC` (DTD 2.4/2.5).

The files declare their page images as NDATA entities in the internal subset (names
only, never read) and use text entities (`&lsquo;`, `&lsqb;`, `&agr;`) that only the
USPTO's external DTD defines; those come from the bundled ISO 8879/MathML table
(`entities.ISO_AND_MATHML`), which is exact parsing, not repair. `read(...,
entities=None)` switches the table off: the same files then fail with `unknown-entity`
at the first such name (exchange.md §11).

Mapping: SDOBI `B110` number, `B130` kind, `B140` date, `B210`/`B220` application,
`B300` priorities, `B511`/`B512` IPC (Locarno for designs), `B521`/`B522` USPC, `B540`
title, `B561`/`B562` citations, `B721` inventors, `B731` assignees, `B741` attorneys;
SDOAB abstract, SDODE description (`H` headings, `PARA` paragraphs, `CWU` formula and
table blocks), SDOCL claims, SDODR drawings; related documents (`B600`) are named in
`ForeignRead.problems`, the model having no field for them. The paragraph number is the one of the
`PARA` ID (`P-00003` → `00003`): these grants printed none.
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
    locarno,
    missing_parts,
    text_of,
    to_date,
    uspc,
)
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.cases import Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Classification, Scheme
from tokkyo.model.documents import Claim, Drawing, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "us-patdoc"
ROOTS: tuple[str, ...] = ("PATDOC",)

#: Description parts and the heading a paragraph gets before the part's first `H`.
_PARTS = {"RELAPP": "Related applications", "BRFSUM": "Brief summary",
          "DRWDESC": "Description of the drawings", "DETDESC": "Detailed description"}


def _pdat(element: etree._Element | None, path: str) -> str:
    return child_text(element, path)


def _name(party: etree._Element) -> str:
    nam = party.find("NAM")
    if nam is None:
        return ""
    org = _pdat(nam, "ONM")
    if org:
        return org
    family, given = _pdat(nam, "SNM"), _pdat(nam, "FNM")
    return f"{family}, {given}" if family and given else family or given


def _address(party: etree._Element) -> str:
    adr = party.find("ADR")
    if adr is None:
        return ""
    return ", ".join(part for part in (fold("".join(el.itertext())) for el in adr) if part)


def _parties(bib: etree._Element) -> list[Party]:
    """Inventors are also the applicants: under US law before 16 September 2012 an
    application was filed by its inventors (the ST.36 files of the same years say so
    with `app-type="applicant-inventor"`)."""
    parties: list[Party] = []
    for sequence, holder in enumerate(bib.iterfind("B700/B720/B721/PARTY-US"), 1):
        name, address = _name(holder), _address(holder)
        parties.append(Party(PartyRole.APPLICANT, name, sequence=sequence, address=address))
        parties.append(Party(PartyRole.INVENTOR, name, sequence=sequence, address=address))
    for sequence, holder in enumerate(bib.iterfind("B700/B730/B731/PARTY-US"), 1):
        parties.append(Party(PartyRole.RIGHT_HOLDER, _name(holder), sequence=sequence,
                             address=_address(holder)))
    for sequence, holder in enumerate(bib.iterfind("B700/B740/B741/PARTY-US"), 1):
        parties.append(Party(PartyRole.ATTORNEY, _name(holder), sequence=sequence,
                             address=_address(holder)))
    return parties


def _classifications(bib: etree._Element, law: Law) -> list[Classification]:
    found: list[Classification] = []
    for tag in ("B511", "B512"):
        for element in bib.iterfind(f"B500/B510/{tag}"):
            raw = fold("".join(element.itertext()))
            if law is Law.DESIGN and re.fullmatch(r"\d{3,4}", raw):
                found.append(Classification(Scheme.LOCARNO, locarno(raw),
                                            main=tag == "B511", raw=raw))
            else:
                found.append(ipc(raw, main=tag == "B511"))
    for tag in ("B521", "B522"):
        for element in bib.iterfind(f"B500/B520/{tag}"):
            national = uspc("".join(element.itertext()))
            if national is not None:
                found.append(Classification(national.scheme, national.code,
                                            main=tag == "B521", raw=national.raw,
                                            facet="US"))
    return found


def _citations(bib: etree._Element) -> tuple[list[PatentCitation], list[NonPatentCitation]]:
    patents: list[PatentCitation] = []
    others: list[NonPatentCitation] = []
    for order, holder in enumerate(bib.iterfind("B500/B560/*"), 1):
        category = ("cited by examiner" if holder.find("CITED-BY-EXAMINER") is not None
                    else "cited by other" if holder.find("CITED-BY-OTHER") is not None
                    else "")
        if holder.tag == "B561":
            doc = holder.find("PCIT/DOC")
            country = _pdat(doc, "CTRY") or "US"
            number = _pdat(doc, "DNUM")
            number = docdb_number(number) if country == "US" else number
            patents.append(PatentCitation(f"{country}{number}{_pdat(doc, 'KIND')}",
                                          draft_date=to_date(_pdat(doc, "DATE")),
                                          citation_type=category, order=order))
        elif holder.tag == "B562":
            others.append(NonPatentCitation(citation_type=category, order=order,
                                            title=text_of(holder.find("NCIT"))))
    return patents, others


def _claims(root: etree._Element) -> list[Claim]:
    claims: list[Claim] = []
    for index, claim in enumerate(root.iterfind("SDOCL/CL/CLM"), 1):
        digits = re.search(r"\d+", claim.get("ID", ""))
        claims.append(Claim(int(digits.group(0)) if digits else index, text_of(claim)))
    return claims


def _paragraphs(root: etree._Element) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    description = root.find("SDODE")
    if description is None:
        return paragraphs
    for part in description:
        section = _PARTS.get(part.tag, part.tag)
        for element in part.iter("H", "PARA", "CWU"):
            if element.tag == "H":
                section = text_of(element)
            elif element.tag == "PARA" or not any(
                    ancestor.tag == "PARA" for ancestor in element.iterancestors()):
                digits = re.search(r"\d+", element.get("ID", ""))
                number = digits.group(0) if digits and element.tag == "PARA" else ""
                paragraphs.append(Paragraph(number, section, text_of(element)))
    return paragraphs


def publication(root: etree._Element) -> tuple[Publication, list[str]]:
    """One `PATDOC` as a publication and the problems it has."""
    bib = root.find("SDOBI")
    if bib is None:
        raise ValueError("<PATDOC> has no SDOBI bibliographic part")
    kind = _pdat(bib, "B100/B130")
    law = Law.DESIGN if kind.startswith("S") else Law.PATENT
    patents, others = _citations(bib)
    claims_count = _pdat(bib, "B500/B570/B577")
    priorities = [Priority(paris_application_number=_pdat(group, "B310"),
                           paris_date=to_date(_pdat(group, "B320")),
                           paris_country=_pdat(group, "B330"))
                  for group in bib.iterfind("B300")]
    drawings = [Drawing(re.sub(r"^EMI-D?", "", emi.get("ID", "")), emi.get("FILE", ""),
                        emi.get("FILE", "").rsplit(".", 1)[-1].lower())
                for emi in root.iterfind("SDODR/EMI")]
    pub = Publication(
        country=_pdat(bib, "B100/B190") or "US", kind=kind, st16_kind=kind, law=law,
        number=docdb_number(_pdat(bib, "B100/B110")),
        date=to_date(_pdat(bib, "B100/B140")),
        application_number=_pdat(bib, "B200/B210"),
        filing_date=to_date(_pdat(bib, "B200/B220")),
        title=text_of(bib.find("B500/B540")),
        abstract=text_of(root.find("SDOAB")), language="en",
        claims=tuple(_claims(root)), paragraphs=tuple(_paragraphs(root)),
        drawings=tuple(drawings), parties=tuple(_parties(bib)),
        priorities=tuple(priorities),
        classifications=tuple(_classifications(bib, law)),
        patent_citations=tuple(patents), non_patent_citations=tuple(others),
        number_of_claims=int(claims_count) if claims_count.isdigit() else None,
    )
    problems = missing_parts(pub, f"US {pub.number} {pub.kind}")
    related = bib.find("B600")
    held = " ".join(part.strip() for part in related.itertext() if part.strip()) if (
        related is not None) else ""
    if held:
        problems.append(f"US {pub.number} {pub.kind}: the related US documents (B600: "
                        f"{held}) are not held: the model has no field for them.")
    return pub, problems


def read(name: str, data: bytes, *, tolerant: bool = False,
         entities: Mapping[str, str] | None = ISO_AND_MATHML) -> ForeignRead:
    """The grant of a `PATDOC` file. `entities=None` parses without the bundled DTD
    entity table (for the exchange.md §11 tests); `tolerant` changes nothing yet."""
    del tolerant
    root = xmlsafe.parse(name, data, entities, format=FORMAT)
    if root.tag != "PATDOC":
        raise ParseFailure(name, "unknown-root", f"the root element is <{root.tag}>, "
                           "not <PATDOC>", format=FORMAT)
    pub, problems = publication(root)
    return ForeignRead(FORMAT, publications=[pub], problems=problems)
