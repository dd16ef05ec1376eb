"""Reader of JPO gazette XML (`jp-official-gazette`, kinds A, T, B, U, Y, S).

Streams the file top-level block by top-level block (bibliographic data, description,
claims, abstract, drawings, amendments) and builds one `Publication`. Only the main
text counts as the document's claims and description; texts inside printed amendments
are kept as amendments. Works with and without the XML declaration and DOCTYPE lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.xmlread import NS, iter_children, local, text_of
from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import (
    Classification,
    ClassificationError,
    Scheme,
    normalise_fi,
    normalise_ipc,
    normalise_theme,
    parse_fterm,
)
from tokkyo.model.documents import Amendment, Claim, Drawing, Paragraph, Publication
from tokkyo.model.kinds import gazette_kind
from tokkyo.model.laws import Law
from tokkyo.model.numbers import NumberError, NumberKind, parse_one
from tokkyo.model.parties import Party, PartyRole

JP = "{http://www.jpo.go.jp}"
_BLOCKS = ("bibliographic-data", "description", "claims", "abstract", "drawings",
           f"{JP}written-amendment-group")


@dataclass
class GazetteResult:
    publication: Publication
    problems: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.values: dict[str, object] = {}
        self.claims: list[Claim] = []
        self.paragraphs: list[Paragraph] = []
        self.patent_citations: list[PatentCitation] = []
        self.non_patent_citations: list[NonPatentCitation] = []
        self.drawings: list[Drawing] = []
        self.amendments: list[Amendment] = []

    def date(self, text: str | None, what: str, required: bool = False) -> dt.date | None:
        text = (text or "").strip()
        if not text:
            if required:
                raise Rejected(f"{self.name}: {what} is missing")
            return None
        try:
            return dt.datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            message = f"{what} {text!r} is not a date of the form YYYYMMDD"
            if required:
                raise Rejected(f"{self.name}: {message}") from None
            self.problems.append(message)
            return None

    def integer(self, text: str | None, what: str) -> int | None:
        text = (text or "").strip().replace("\xa0", "")
        if not text:
            return None
        if not text.isdigit():
            self.problems.append(f"{what} {text!r} is not a whole number")
            return None
        return int(text)


def read_gazette(name: str, data: bytes) -> GazetteResult:
    """Parse one gazette file; `Rejected` with the reason when it cannot be loaded."""
    b = _Builder(name)
    blocks = iter_children(name, data, _BLOCKS)
    root = next(blocks, None)
    if root is None or local(root.tag) != "jp-official-gazette":
        raise Rejected(f"{name}: not a jp-official-gazette document")
    kind_code = root.get("kind-of-jp", "")
    try:
        kind = gazette_kind(kind_code)
    except ValueError as exc:
        raise Rejected(f"{name}: {exc}") from None
    st16 = root.get("kind-of-st16") or kind.st16
    country = root.get("country") or "JP"
    language = root.get("lang") or "ja"
    seen_bibliography = False
    for block in blocks:
        tag = local(block.tag)
        if tag == "bibliographic-data":
            _bibliography(b, block)
            seen_bibliography = True
        elif tag == "description":
            _description(b, block)
        elif tag == "claims":
            b.claims = _claims(b, block)
        elif tag == "abstract":
            b.values["abstract"] = "\n".join(text_of(p) for p in block.iter("p")) or text_of(block)
        elif tag == "drawings":
            _drawings(b, block)
        elif block.tag == f"{JP}written-amendment-group":
            _amendments(b, block)
    if not seen_bibliography:
        raise Rejected(f"{name}: no bibliographic-data element: not a complete gazette")
    number = _number(name, str(b.values.pop("number", "")), "publication number", kind.law,
                     (7, 10))
    app_number = _number(name, str(b.values.pop("application_number", "")),
                         "application number", kind.law, (10,), NumberKind.APPLICATION)
    publication = Publication(
        country=country, kind=kind.code, st16_kind=st16, law=kind.law, number=number,
        application_number=app_number, language=language,
        claims=tuple(b.claims), paragraphs=tuple(b.paragraphs), drawings=tuple(b.drawings),
        patent_citations=tuple(b.patent_citations),
        non_patent_citations=tuple(b.non_patent_citations), amendments=tuple(b.amendments),
        **b.values,  # type: ignore[arg-type]
    )
    return GazetteResult(publication, b.problems)


def _number(name: str, raw: str, what: str, law: Law, lengths: tuple[int, ...],
            kind: NumberKind | None = None) -> str:
    """A number as the store keys it; gazettes print plain digits, other forms are read."""
    raw = raw.strip()
    if raw.isdigit() and len(raw) in lengths:
        return raw
    if not raw:
        raise Rejected(f"{name}: {what} is missing")
    try:
        key = parse_one(raw, law=law, kind=kind).key
    except NumberError as exc:
        raise Rejected(f"{name}: {what}: {exc}") from None
    if not key.isdigit() or len(key) not in lengths:
        raise Rejected(f"{name}: {what} {raw!r} reads as {key}, which is not a "
                       f"{' or '.join(map(str, lengths))}-digit number")
    return key


def _first(element: etree._Element, path: str) -> etree._Element | None:
    return element.find(path, NS)


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, NS)
    return text_of(found) if found is not None else ""


def _bibliography(b: _Builder, bib: etree._Element) -> None:
    pub = _first(bib, "publication-reference/document-id")
    if pub is None:
        raise Rejected(f"{b.name}: bibliographic-data has no publication-reference")
    b.values["number"] = _text(pub, "doc-number")
    b.values["date"] = b.date(_text(pub, "date"), "publication date", required=True)
    app = _first(bib, "application-reference/document-id")
    if app is None:
        raise Rejected(f"{b.name}: bibliographic-data has no application-reference")
    b.values["application_number"] = _text(app, "doc-number")
    b.values["filing_date"] = b.date(_text(app, "date"), "filing date")
    b.values["title"] = _text(bib, "invention-title")
    b.values["parties"] = tuple(_parties(b, bib))
    b.values["priorities"] = tuple(_priorities(b, bib))
    b.values["classifications"] = tuple(_classifications(b, bib))
    grant = _first(bib, "dates-of-public-availability/printed-with-grant/document-id")
    if grant is not None:
        b.values["registration_number"] = _text(grant, "doc-number")
        b.values["registration_date"] = b.date(_text(grant, "date"), "grant date")
    b.values["number_of_claims"] = b.integer(_text(bib, "number-of-claims"), "number-of-claims")
    b.values["representative_figure"] = _text(bib, "figure-to-publish/fig-number")
    request = _first(bib, "jp:request-for-examination")
    if request is not None:
        b.values["examination_requested"] = request.get("true-or-false") == "true"
    b.values["filing_form"] = _text(bib, "jp:filing-form")
    b.values["total_pages"] = b.integer(_text(bib, "jp:total-pages"), "jp:total-pages")
    parent = _first(bib, "related-documents/division/relation/parent-doc/document-id")
    if parent is not None:
        b.values["parent"] = ParentApplication(
            application_number=_text(parent, "doc-number"),
            filing_date=b.date(_text(parent, "date"), "parent filing date"))


def _party_code(b: _Builder, book: etree._Element) -> str:
    code = _text(book, "registered-number")
    if code and (len(code) != 9 or not code.isdigit()):
        b.problems.append(f"registered-number {code!r} is not a 9-digit JPO code")
        return ""
    return code


def _sequence(b: _Builder, element: etree._Element) -> int | None:
    return b.integer(element.get("sequence"), f"{local(element.tag)} sequence")


def _parties(b: _Builder, bib: etree._Element) -> list[Party]:
    parties: list[Party] = []
    for group in bib.iterfind("parties/jp:applicants-agents-article/jp:applicants-agents", NS):
        for element in group:
            tag = local(element.tag)
            book = _first(element, "addressbook")
            if book is None or tag not in ("applicant", "agent"):
                continue
            role = PartyRole.APPLICANT if tag == "applicant" else PartyRole.ATTORNEY
            parties.append(Party(role=role, name=_text(book, "name"), code=_party_code(b, book),
                                 sequence=_sequence(b, element),
                                 address=_text(book, "address/text"),
                                 agent_kind=element.get(f"{JP}kind", "")))
    for element in bib.iterfind("parties/inventors/inventor", NS):
        book = _first(element, "addressbook")
        if book is not None:
            parties.append(Party(role=PartyRole.INVENTOR, name=_text(book, "name"),
                                 code=_party_code(b, book), sequence=_sequence(b, element),
                                 address=_text(book, "address/text")))
    return parties


def _priorities(b: _Builder, bib: etree._Element) -> list[Priority]:
    out = []
    for claim in bib.iterfind("priority-claims/priority-claim", NS):
        country = _text(claim, "country")
        number = _text(claim, "doc-number")
        date = b.date(_text(claim, "date"), "priority date")
        if (country and country != "JP") or claim.get(f"{JP}kind") == "international":
            out.append(Priority(paris_application_number=number, paris_date=date,
                                paris_country=country))
        else:
            out.append(Priority(national_application_number=number, national_date=date,
                                national_law_code="1"))
    return out


def _classification(b: _Builder, scheme: Scheme, raw: str, main: bool, facet: str = ""
                    ) -> Classification | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        if scheme is Scheme.IPC:
            code = normalise_ipc(raw)
        elif scheme is Scheme.FI:
            code = normalise_fi(raw)
        elif scheme is Scheme.FTERM:
            code = parse_fterm(raw).code
        else:
            code = normalise_theme(raw)
    except ClassificationError as exc:
        b.problems.append(str(exc))
        code = raw
    return Classification(scheme, code, main=main, raw=raw, facet=facet)


def _classifications(b: _Builder, bib: etree._Element) -> list[Classification]:
    found: list[Classification | None] = []
    for path, scheme in (("classification-ipc", Scheme.IPC),
                         ("classification-national", Scheme.FI)):
        block = _first(bib, path)
        if block is None:
            continue
        for element in block:
            tag = local(element.tag)
            if tag in ("main-clsf", "further-clsf"):
                found.append(_classification(b, scheme, element.text or "", tag == "main-clsf",
                                             element.get(f"{JP}facet", "")))
    for element in bib.iterfind("jp:theme-code-info/jp:theme-code", NS):
        found.append(_classification(b, Scheme.THEME, element.text or "", False))
    for element in bib.iterfind("jp:f-term-info/jp:f-term", NS):
        found.append(_classification(b, Scheme.FTERM, element.text or "", False))
    return [c for c in found if c is not None]


def _section(description: etree._Element, p: etree._Element) -> str:
    """The sections a paragraph sits in, outermost first and joined by "/"
    (`summary-of-invention/tech-problem`): the gazette prints the heading of each
    (【発明の概要】 then 【発明が解決しようとする課題】); "description" for a paragraph
    directly under the description."""
    names: list[str] = []
    parent = p.getparent()
    while parent is not None and parent is not description:
        names.append(local(parent.tag))
        parent = parent.getparent()
    return "/".join(reversed(names)) or "description"


def _description(b: _Builder, description: etree._Element) -> None:
    for p in description.iter("p"):
        b.paragraphs.append(Paragraph(number=p.get("num", ""), section=_section(description, p),
                                      text=text_of(p)))
    for cite in description.iter("patcit", "nplcit"):
        order = b.integer(cite.get("num"), f"{cite.tag} num")
        if cite.tag == "patcit":
            b.patent_citations.append(PatentCitation(document_number=text_of(cite),
                                                     order=order))
        else:
            b.non_patent_citations.append(NonPatentCitation(title=text_of(cite), order=order))


def _claims(b: _Builder, claims: etree._Element) -> list[Claim]:
    out: list[Claim] = []
    for claim in claims.iterfind("claim"):
        number = b.integer(claim.get("num"), "claim num")
        if number is None:
            b.problems.append(f"claim without a number after claim {len(out)}")
            number = len(out) + 1
        out.append(Claim(number=number, text=text_of(claim)))
    return out


def _drawings(b: _Builder, drawings: etree._Element) -> None:
    for figure in drawings.iterfind("figure"):
        img = figure.find("img")
        attrs = img.attrib if img is not None else {}
        b.drawings.append(Drawing(
            number=figure.get("num", ""), file=attrs.get("file", ""),
            image_format=attrs.get("img-format", ""),
            height=b.integer(attrs.get("he"), "img he"),
            width=b.integer(attrs.get("wi"), "img wi")))


def _amendments(b: _Builder, group: etree._Element) -> None:
    for written in group.iterfind("jp:written-amendment", NS):
        date = b.date(_text(written, "date"), "amendment date")
        for item in written.iterfind("jp:amendment-article/jp:amendment-group", NS):
            contents = _first(item, "jp:contents-of-amendment")
            b.amendments.append(Amendment(
                date=date, document_code=_text(item, "jp:document-code"),
                item=_text(item, "jp:item-of-amendment"), way=_text(item, "jp:way-of-amendment"),
                target=contents.get(f"{JP}kind-of-document", "") if contents is not None else "",
                text=_amended_text(contents)))


def _amended_text(contents: etree._Element | None) -> str:
    """Amended claims and paragraphs one per line, numbered as JPO prints them."""
    if contents is None:
        return ""
    lines = [f"【請求項{claim.get('num', '')}】{text_of(claim)}"
             for claim in contents.iter("claim")]
    lines += [f"【{p.get('num')}】{text_of(p)}" if p.get("num") else text_of(p)
              for p in contents.iter("p")]
    return "\n".join(lines) if lines else text_of(contents)
