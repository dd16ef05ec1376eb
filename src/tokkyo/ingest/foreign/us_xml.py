"""USPTO ST.36 XML: `us-patent-grant` v4.0/4.2/4.5 and `us-patent-application` v4.0.

The USPTO's weekly bulk files concatenate many complete XML documents, each with its
own `<?xml` declaration and DOCTYPE. `read` splits such a file at the declarations and
parses one document at a time, so a broken document costs only itself: it is reported
in `ForeignRead.problems` with its position (document index and line of the file) and
the others still load. A file holding one document that cannot be read raises
`ParseFailure`, as every reader does.

The small text and code conventions every USPTO reader shares (text extraction, dates,
DOCDB numbers, USPC and IPC forms) live here too, because they are the USPTO's own
conventions rather than general utilities; `us_patdoc`, `us_pap`, `us_greenbook` and
`us_xml4ip` import them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import (
    Classification,
    ClassificationError,
    Scheme,
    normalise_ipc,
)
from tokkyo.model.documents import Claim, Drawing, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "us-patent-grant"
ROOTS: tuple[str, ...] = ("us-patent-grant", "us-patent-application")

#: Elements whose text starts a new line in extracted text (paragraph-like blocks).
BLOCKS = frozenset({
    "p", "claim-text", "li", "heading", "row", "PARA", "CLMSTEP", "H", "paragraph",
    "in-line-formula", "ClaimText", "P", "Heading",
})
#: Elements whose content stays inline even where it holds blocks (pap's
#: `<dependent-claim-reference><claim-text>claim 1</claim-text>`).
INLINE = frozenset({"dependent-claim-reference", "claim-ref", "CLREF"})

_SPACE = re.compile(r"[ \t\r\n\u00a0]+")
#: ASCII characters `str.split()` splits at that `_SPACE` does not fold.
_OTHER_SPLIT_SPACE = re.compile(r"[\x0b\x0c\x1c-\x1f]")


# --------------------------------------------------------------------------- text


def fold(text: str) -> str:
    """Whitespace runs (the source's own line breaks included) folded to one space.

    Text whose runs are all single spaces is only stripped; ASCII text without the
    control characters `str.split` also splits at (form feed, vertical tab,
    file/group/record/unit separators) is split and joined. Both give the same text as
    the `_SPACE` substitution, at a fraction of its cost (APS Green Book text is folded
    field by field)."""
    if ("  " not in text and "\t" not in text and "\n" not in text and "\r" not in text
            and "\u00a0" not in text):
        return text.strip()                # every run is one space already
    if text.isascii() and _OTHER_SPLIT_SPACE.search(text) is None:
        return " ".join(text.split())
    return _SPACE.sub(" ", text).strip()


def text_of(element: etree._Element | None, skip: frozenset[str] = frozenset()) -> str:
    """The text of an element with markup dropped: block children (paragraphs, claim
    elements, list items) on lines of their own, everything inside a line folded;
    sub/sup text is kept as text. Elements named in `skip` are left out (not their
    tails)."""
    if element is None:
        return ""
    lines: list[list[str]] = [[]]

    # each of lxml's .tag, .text and .tail makes a new string: read once
    def walk(node: etree._Element, tag: object, inline: bool) -> None:
        name = xmlsafe.local(tag)
        if name in skip:
            return
        inline = inline or name in INLINE
        block = name in BLOCKS and not inline
        if block:
            lines.append([])
        text = node.text
        if text:
            lines[-1].append(text)
        for child in node:
            child_tag = child.tag
            if isinstance(child_tag, str):
                walk(child, child_tag, inline)
            tail = child.tail
            if tail:
                lines[-1].append(tail)
        if block:
            lines.append([])

    walk(element, element.tag, False)
    out = [fold("".join(parts)) for parts in lines]
    return "\n".join(line for line in out if line)


def child_text(element: etree._Element | None, path: str) -> str:
    """Folded text of the first element `path` finds under `element` ("" if none)."""
    if element is None:
        return ""
    found = element.find(path)
    return fold("".join(found.itertext())) if found is not None else ""


def to_date(raw: str) -> dt.date | None:
    """`YYYYMMDD` or `YYYY-MM-DD` as a date; `None` where the source gives no day
    (`19981000`: citation dates carry only year and month) or nothing."""
    digits = raw.strip().replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def docdb_number(raw: str) -> str:
    """A USPTO document number in DOCDB doc-number form: grants without leading zeros
    (`06336130` → `6336130`, `D0435854` → `D435854`, `RE038000` → `RE38000`),
    applications as printed (`20010000044`), separators dropped."""
    text = re.sub(r"[\s,/.-]", "", raw.strip())
    match = re.fullmatch(r"([A-Z]*)0*(\d+)", text)
    if match is None:
        return text
    prefix, digits = match.groups()
    if not prefix and len(digits) == 11:          # pre-grant publication: keep as is
        return text
    return prefix + digits


def uspc(raw: str) -> Classification | None:
    """A US national classification (USPC) as printed in the 6+ character field form
    (`709202` = 709/202, `705 26` = 705/26, `D14480` = D14/480, `224 42.03R`):
    class = the first three characters, subclass = the rest."""
    text = raw.strip()
    if not text:
        return None
    cls, sub = text[:3].strip(), text[3:].strip()
    cls = cls.lstrip("0") or cls
    sub = re.sub(r"^0+(?=\d)", "", sub)
    code = f"{cls}/{sub}" if sub else cls
    return Classification(Scheme.NATIONAL, code, raw=text, facet="US")


def ipc(raw: str, *, main: bool = False) -> Classification:
    """An IPC symbol in any of the USPTO's forms (`G06F015/00`, `H01J001/62`, and the
    fixed ST.32/APS form `G06F 1516`, `B60R  900` = subclass, a 3-character group and
    the subgroup); a symbol that fits none is kept as printed."""
    text = raw.strip()
    candidates = [text]
    fixed = re.fullmatch(r"([A-H]\d\d[A-Z])(.{3})(\d{2,})\s*", text)
    if fixed and "/" not in text:
        candidates.insert(0, f"{fixed.group(1)}{fixed.group(2).strip() or '0'}/"
                             f"{fixed.group(3)}")
    for candidate in candidates:
        try:
            return Classification(Scheme.IPC, normalise_ipc(candidate), main=main, raw=text)
        except ClassificationError:
            continue
    return Classification(Scheme.IPC, re.sub(r"\s+", "", text), main=main, raw=text)


def paragraph_number(raw: str) -> str:
    """A printed paragraph number without its brackets or trailing dot
    (`[0001]` → `0001`, `1.` → `1`)."""
    return raw.strip().strip("[]【】").rstrip(".").strip()


def missing_parts(pub: Publication, label: str) -> list[str]:
    """The sentences `ForeignRead.problems` carries for the parts a document should
    have and lacks (designs carry no abstract and a one-sentence description)."""
    problems = []
    if not pub.title:
        problems.append(f"{label} has no title.")
    if not pub.claims:
        problems.append(f"{label} carries no claims.")
    if pub.law is not Law.DESIGN:
        if not pub.abstract:
            problems.append(f"{label} carries no abstract.")
        if not pub.paragraphs:
            problems.append(f"{label} carries no description.")
    return problems


# ------------------------------------------------------------------ ST.36 document


def _name(addressbook: etree._Element | None) -> str:
    if addressbook is None:
        return ""
    org = child_text(addressbook, "orgname")
    if org:
        return org
    last = child_text(addressbook, "last-name")
    first = child_text(addressbook, "first-name")
    middle = child_text(addressbook, "middle-name")
    given = " ".join(part for part in (first, middle) if part)
    return f"{last}, {given}" if last and given else last or given


def _address(addressbook: etree._Element | None) -> str:
    if addressbook is None:
        return ""
    address = addressbook.find("address")
    if address is None:
        return ""
    parts = [fold("".join(el.itertext())) for el in address]
    return ", ".join(part for part in parts if part and part not in ("unknown", "omitted"))


def _sequence(element: etree._Element) -> int | None:
    raw = element.get("sequence", "")
    return int(raw) if raw.isdigit() else None


def _parties(bib: etree._Element) -> list[Party]:
    parties: list[Party] = []
    for applicant in bib.iterfind(".//applicants/applicant") if bib.find(
            "parties") is not None else bib.iterfind(".//us-applicants/us-applicant"):
        book = applicant.find("addressbook")
        party = Party(PartyRole.APPLICANT, _name(book), sequence=_sequence(applicant),
                      address=_address(book))
        parties.append(party)
        if applicant.get("app-type", "") == "applicant-inventor":
            parties.append(Party(PartyRole.INVENTOR, party.name, sequence=party.sequence,
                                 address=party.address))
    for inventor in bib.iterfind(".//inventors/inventor"):
        book = inventor.find("addressbook")
        parties.append(Party(PartyRole.INVENTOR, _name(book), sequence=_sequence(inventor),
                             address=_address(book)))
    for index, assignee in enumerate(bib.iterfind("assignees/assignee"), 1):
        book = assignee.find("addressbook")
        name = _name(book) if book is not None else _name(assignee)
        parties.append(Party(PartyRole.RIGHT_HOLDER, name, sequence=index,
                             address=_address(book if book is not None else assignee)))
    for agent in bib.iterfind(".//agents/agent"):
        book = agent.find("addressbook")
        parties.append(Party(PartyRole.ATTORNEY, _name(book), sequence=_sequence(agent),
                             address=_address(book), agent_kind=agent.get("rep-type", "")))
    return parties


def st36_classifications(bib: etree._Element) -> list[Classification]:
    """IPC (`classification-ipc` of v4.0, `classifications-ipcr`), CPC
    (`classifications-cpc`), USPC (`classification-national`) and Locarno
    (`classification-locarno`) of the bibliographic part itself; the field of search
    and the classes printed with citations are not the document's own."""
    found: list[Classification] = []
    for holder in bib.iterfind("classification-ipc"):
        for element in holder:
            if element.tag in ("main-classification", "further-classification"):
                found.append(ipc(fold(element.text or ""),
                                 main=element.tag == "main-classification"))
    for record in bib.iterfind("classifications-ipcr/classification-ipcr"):
        symbol = (f"{child_text(record, 'section')}{child_text(record, 'class')}"
                  f"{child_text(record, 'subclass')}{child_text(record, 'main-group')}"
                  f"/{child_text(record, 'subgroup')}")
        found.append(ipc(symbol, main=child_text(record, "symbol-position") == "F"))
    for part in ("main-cpc", "further-cpc"):
        for record in bib.iterfind(f"classifications-cpc/{part}/classification-cpc"):
            code = (f"{child_text(record, 'section')}{child_text(record, 'class')}"
                    f"{child_text(record, 'subclass')}{child_text(record, 'main-group')}"
                    f"/{child_text(record, 'subgroup')}")
            found.append(Classification(Scheme.CPC, code, main=part == "main-cpc",
                                        raw=code))
    for holder in bib.iterfind("classification-national"):
        for element in holder:
            if element.tag in ("main-classification", "further-classification"):
                national = uspc(element.text or "")
                if national is not None:
                    found.append(Classification(
                        national.scheme, national.code,
                        main=element.tag == "main-classification", raw=national.raw,
                        facet=national.facet))
    for holder in bib.iterfind("classification-locarno"):
        raw = child_text(holder, "main-classification")
        if raw:
            found.append(Classification(Scheme.LOCARNO, locarno(raw), main=True, raw=raw))
    return found


def locarno(raw: str) -> str:
    """A Locarno class as the USPTO prints it (`1402`, `0602`) in the `14-02` form."""
    text = raw.strip()
    if re.fullmatch(r"\d{3,4}", text):
        return f"{text[:-2].zfill(2)}-{text[-2:]}"
    return text


def _citations(bib: etree._Element) -> tuple[list[PatentCitation], list[NonPatentCitation]]:
    patents: list[PatentCitation] = []
    others: list[NonPatentCitation] = []
    holders = bib.findall("references-cited/citation") + bib.findall(
        "us-references-cited/us-citation")
    for order, citation in enumerate(holders, 1):
        category = child_text(citation, "category")
        patcit = citation.find("patcit")
        if patcit is not None:
            doc = patcit.find("document-id")
            country = child_text(doc, "country") or "US"
            number = child_text(doc, "doc-number")
            number = docdb_number(number) if country == "US" else number
            patents.append(PatentCitation(f"{country}{number}{child_text(doc, 'kind')}",
                                          draft_date=to_date(child_text(doc, "date")),
                                          citation_type=category, order=order))
            continue
        nplcit = citation.find("nplcit")
        if nplcit is not None:
            others.append(NonPatentCitation(citation_type=category, order=order,
                                            title=text_of(nplcit)))
    return patents, others


_RELATIONS = ("continuation", "continuation-in-part", "division", "reissue",
              "us-reexamination-reissue-merger", "substitution", "us-division-reissue",
              "continuing-reissue", "addition")


def _related(bib: etree._Element, label: str
             ) -> tuple[ParentApplication | None, list[str]]:
    """The first parent application of `us-related-documents` (continuation,
    division, …) as the publication's parent; the other related documents
    (further parents, provisional applications, the earlier publication) named as
    problems, because the model holds one parent."""
    related = bib.find("us-related-documents")
    if related is None:
        return None, []
    parent: ParentApplication | None = None
    others: list[str] = []
    for element in related:
        kind = element.tag
        if kind in _RELATIONS:
            for relation in element.iterfind(".//relation"):
                doc = relation.find("parent-doc/document-id")
                number = child_text(doc, "doc-number")
                if parent is None and number:
                    parent = ParentApplication(number, to_date(child_text(doc, "date")),
                                               category=kind)
                elif number:
                    others.append(f"{kind} of {number}")
        else:
            doc = element.find(".//document-id")
            number = child_text(doc, "doc-number")
            if number:
                others.append(f"{kind} {number} ({child_text(doc, 'date')})")
    problems = ([f"{label}: related documents not held (the model holds one parent): "
                 f"{'; '.join(others)}."] if others else [])
    return parent, problems


def _priorities(bib: etree._Element) -> list[Priority]:
    return [Priority(paris_application_number=child_text(claim, "doc-number"),
                     paris_date=to_date(child_text(claim, "date")),
                     paris_country=child_text(claim, "country"))
            for claim in bib.iterfind("priority-claims/priority-claim")]


def _claims(root: etree._Element) -> list[Claim]:
    claims: list[Claim] = []
    for index, claim in enumerate(root.iterfind("claims/claim"), 1):
        raw = claim.get("num", "")
        number = int(raw) if raw.isdigit() else index
        claims.append(Claim(number, text_of(claim)))
    return claims


def _paragraphs(root: etree._Element) -> list[Paragraph]:
    description = root.find("description")
    if description is None:
        return []
    paragraphs: list[Paragraph] = []
    section = ""
    for element in description.iter("heading", "p"):
        if element.tag == "heading":
            section = text_of(element)
            continue
        if any(ancestor.tag == "p" for ancestor in element.iterancestors()):
            continue
        paragraphs.append(Paragraph(paragraph_number(element.get("num", "")), section,
                                    text_of(element)))
    return paragraphs


def _drawings(root: etree._Element) -> list[Drawing]:
    drawings: list[Drawing] = []
    for figure in root.iterfind("drawings/figure"):
        img = figure.find("img")
        if img is None:
            continue
        height, width = img.get("he", ""), img.get("wi", "")
        drawings.append(Drawing(figure.get("num", "") or img.get("id", ""),
                                img.get("file", ""), img.get("img-format", ""),
                                _measure(height), _measure(width)))
    return drawings


def _measure(raw: str) -> int | None:
    digits = re.match(r"\d+", raw)
    return int(digits.group(0)) if digits else None


def publication(root: etree._Element) -> tuple[Publication, list[str]]:
    """One `us-patent-grant` or `us-patent-application` element as a publication and
    the problems it has (missing parts)."""
    bib = root.find("us-bibliographic-data-grant")
    if bib is None:
        bib = root.find("us-bibliographic-data-application")
    if bib is None:
        raise ValueError(f"<{root.tag}> has no bibliographic part")
    pub_id = bib.find("publication-reference/document-id")
    app = bib.find("application-reference")
    app_id = app.find("document-id") if app is not None else None
    kind = child_text(pub_id, "kind")
    appl_type = app.get("appl-type", "") if app is not None else ""
    law = Law.DESIGN if appl_type == "design" or kind.startswith("S") else Law.PATENT
    patents, others = _citations(bib)
    number_of_claims = child_text(bib, "number-of-claims")
    label = f"US {docdb_number(child_text(pub_id, 'doc-number'))} {kind}"
    parent, related = _related(bib, label)
    pub = Publication(
        country=child_text(pub_id, "country") or "US", kind=kind, st16_kind=kind, law=law,
        number=docdb_number(child_text(pub_id, "doc-number")),
        date=to_date(child_text(pub_id, "date")),
        application_number=child_text(app_id, "doc-number"),
        filing_date=to_date(child_text(app_id, "date")),
        title=text_of(bib.find("invention-title")),
        abstract=text_of(root.find("abstract")),
        language=(root.get("lang", "") or "en").lower(),
        claims=tuple(_claims(root)), paragraphs=tuple(_paragraphs(root)),
        drawings=tuple(_drawings(root)), parties=tuple(_parties(bib)),
        priorities=tuple(_priorities(bib)),
        classifications=tuple(st36_classifications(bib)),
        patent_citations=tuple(patents), non_patent_citations=tuple(others),
        number_of_claims=int(number_of_claims) if number_of_claims.isdigit() else None,
        parent=parent,
    )
    return pub, missing_parts(pub, label) + related


# --------------------------------------------------------------- weekly files


def document_starts(data: bytes) -> list[int]:
    """Byte offsets where the documents of a (possibly concatenated) file start: at
    each XML declaration that begins a line; a file without one is one document."""
    starts = []
    # a declaration begins a line when only spaces and tabs come before it on the line;
    # found by `bytes.find` (a regex tried at every byte of a weekly file takes far longer)
    at = data.find(b"<?xml")
    while at != -1:
        line_start = data.rfind(b"\n", 0, at) + 1
        if data[at + 5:at + 6] in (b" ", b"\t") and not data[line_start:at].strip(b" \t"):
            starts.append(line_start)
        at = data.find(b"<?xml", at + 5)
    if not starts or data[:starts[0]].lstrip(b"\xef\xbb\xbf").strip():
        starts.insert(0, 0)
    return starts


def documents(data: bytes, starts: list[int] | None = None
              ) -> Iterator[tuple[int, int, bytes]]:
    """The documents of a file, one at a time (only one document's bytes are copied
    at once): (1-based index, 1-based line of the file where it starts, its bytes)."""
    if starts is None:
        starts = document_starts(data)
    line = 1
    previous = 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(data)
        line += data.count(b"\n", previous, start)
        previous = start
        yield index + 1, line, data[start:end]


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """Every `us-patent-grant` / `us-patent-application` document of a file (one, or a
    weekly file's many). `tolerant` changes nothing yet: the ST.36 files are
    well-formed and xmlsafe has no repair mode."""
    del tolerant
    if not data.strip():
        raise ParseFailure(name, "empty", "the file holds no XML", format=FORMAT)
    result = ForeignRead(FORMAT)
    starts = document_starts(data)
    total = len(starts)
    single = total == 1
    for index, line, chunk in documents(data, starts):
        try:
            root = xmlsafe.parse(name, chunk, format=FORMAT)
        except ParseFailure as exc:
            if single:
                raise
            where = (f" at line {exc.line + line - 1}, column {exc.column}"
                     if exc.line else "")
            result.problems.append(
                f"{name}: document {index} of {total} (starting at line {line}) "
                f"cannot be read: {exc.code}{where}: {exc.message}; the other documents "
                "are loaded.")
            continue
        if root.tag not in ROOTS:
            result.problems.append(f"{name}: document {index} (line {line}) is a "
                                   f"<{root.tag}>, not a USPTO ST.36 document; skipped.")
            continue
        result.format = root.tag
        pub, problems = publication(root)
        result.publications.append(pub)
        result.problems.extend(problems)
    if single and not result.publications and result.problems:
        raise ParseFailure(name, "unknown-root", result.problems[0], format=FORMAT)
    return result

