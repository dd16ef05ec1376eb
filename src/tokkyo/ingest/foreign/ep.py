"""The EPO publication server's `ep-patent-document` (DTD v1.0–v1.5.1) as a `Publication`.

One file is one publication: A1/A2 (application with or without search report), A3
(search report), B1/B2 (patent specification, after opposition). The bibliographic part
is `SDOBI`, tagged with the INID-based `B…` codes (B110 number, B130 kind, B140 date,
B210/B220 application, B300 priorities, B510/B510EP IPC, B520EP CPC, B540 titles in
German, English and French, B560 citations, B700 parties); the text parts are `abstract`,
`description`, `claims` (one per language in grants) and `drawings`.

What varies between the DTD versions and is handled here: older files give the IPC as
printed strings (`B511` `7B 60L   7/26   A`, edition first), newer ones as
`classification-ipcr`; some files lack the XML declaration and DOCTYPE; the
`dtd-version` attribute may differ from the DOCTYPE (the `v1-01` files); claims may have
an empty `num`. The DTD is never loaded, so none of this matters to parsing.

What the model cannot hold is said in `ForeignRead.problems` (PCT data, opponents,
divisionals of this application, notes, the search report's page images, elements from
outside the DTD); designated and extension states and the bulletin's internal tags are
deliberately not kept (`IGNORED_SDOBI`).
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.foreign import repair, xmlsafe
from tokkyo.ingest.foreign.reading import ForeignRead, Repair
from tokkyo.ingest.foreign.vocabulary import EP_PATENT_DOCUMENT
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Classification, ClassificationError, Scheme, normalise_ipc
from tokkyo.model.documents import Claim, Drawing, LocalText, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "ep-patent-document"
#: Root element names this reader reads, as `tokkyo.ingest.detect.xml_root` gives them.
ROOTS: tuple[str, ...] = ("ep-patent-document",)

#: SDOBI groups not kept, on purpose: B000 the publisher's internal tags; B120 the
#: document's name; B240 procedural dates; B250–B260 languages of filing and
#: proceedings; B400 bulletin dates; B840–B849EP designated, extension and validation
#: states; B880 the date a deferred search report was published. They describe the
#: procedure, not the document, and the search portal does not show them.
IGNORED_SDOBI = frozenset({"B000", "B120", "B250", "B251EP", "B260", "B400", "B840",
                           "B844EP", "B845EP", "B848EP", "B849EP", "B880"})

#: Elements whose content is laid out as blocks: a space separates their texts.
_BLOCKS = frozenset({"p", "br", "li", "entry", "row", "claim-text", "dt", "dd", "heading",
                     "table", "tables", "maths", "chemistry", "ul", "ol", "dl", "title"})
_IPC_OLD = re.compile(r"^\s*\d*\s*([A-H])\s*(\d{2})\s*([A-Z])\s*(\d{1,4})\s*/\s*(\d{2,6})")
_SYMBOL = re.compile(r"^\s*([A-HY]\d{2}[A-Z])\s*(\d{1,4})\s*/\s*(\d{2,6})\s*(?P<rest>.*)$")
_IPCR_FLAGS = re.compile(r"^\d{8}\s*[A-Z ]?(?P<position>[FL])")


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """One `ep-patent-document` file. Strict by default; `tolerant=True` repairs bare
    `&` and stray `<` (exchange.md §11.3) and flags the publication `repaired`."""
    repairs: list[Repair] = []
    try:
        if tolerant:
            root, repairs = repair.parse(name, data, EP_PATENT_DOCUMENT, format=FORMAT)
        else:
            root = xmlsafe.parse(name, data, format=FORMAT)
    except ParseFailure as failure:
        failure.format = failure.format or FORMAT     # decoding failures come without it
        raise
    if xmlsafe.local(root.tag) != "ep-patent-document":
        raise Rejected(f"{name}: the root element is <{xmlsafe.local(root.tag)}>, not "
                       "<ep-patent-document>", format=FORMAT)
    result = ForeignRead(format=FORMAT, repairs=repairs)
    result.publications.append(_Document(root, result.problems).publication(bool(repairs)))
    return result


def text_of(element: etree._Element) -> str:
    """The text of an element: markup dropped, sub/superscripts kept as text, its own
    line breaks and block boundaries folded into single spaces."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        block = xmlsafe.local(node.tag) in _BLOCKS
        if block:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(element)
    return " ".join("".join(parts).split())


def _date(text: str | None) -> dt.date | None:
    value = (text or "").strip()
    if len(value) != 8 or not value.isdigit() or value == "00000000":
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _symbol(raw: str) -> tuple[str, str]:
    """An IPC/CPC symbol in canonical form (`C07D271/113`, `Y02A50/30`) and the rest of
    the printed text (`20060101AFI20200522BHEP`)."""
    match = _SYMBOL.match(raw)
    if not match:
        raise ClassificationError(f"symbol {raw.strip()!r} is not of the form H01M 8/02")
    return (f"{match.group(1)}{int(match.group(2))}/{match.group(3)}",
            match.group("rest").strip())


class _Document:
    """One parsed `ep-patent-document` and the problems found while reading it."""

    def __init__(self, root: etree._Element, problems: list[str]) -> None:
        self.root = root
        self.problems = problems
        self.sdobi = root.find("SDOBI")
        self.language = (root.get("lang") or (self.sdobi.get("lang") if self.sdobi is not None
                                              else "") or "").strip().lower()
        number = self._first("B100/B110") or root.get("doc-number", "")
        self.number = re.sub(r"[\s,/]", "", number)
        self.kind = (self._first("B100/B130") or root.get("kind", "")).strip()
        self.country = (self._first("B100/B190") or root.get("country") or "EP").strip()
        self.label = f"{self.country} {self.number} {self.kind}".strip()

    def _first(self, path: str) -> str:
        if self.sdobi is None:
            return ""
        found = self.sdobi.find(path)
        return text_of(found) if found is not None else ""

    def _say(self, sentence: str) -> None:
        self.problems.append(f"{self.label}: {sentence}")

    def publication(self, repaired: bool) -> Publication:
        title, other_texts = self._titles()
        abstract, other_abstracts = self._abstracts()
        claims = self._claims()
        paragraphs = self._paragraphs()
        self._check_parts(claims, paragraphs, abstract)
        patent_citations, non_patent_citations = self._citations()
        self._note_unkept()
        own_claims = sum(1 for c in claims if not c.language)
        return Publication(
            country=self.country, kind=self.kind, st16_kind=self.kind, law=Law.PATENT,
            number=self.number,
            date=_date(self._first("B100/B140/date")) or _date(self.root.get("date-publ")),
            application_number=re.sub(r"[\s,/]", "", self._first("B200/B210")),
            filing_date=_date(self._first("B200/B220/date")),
            title=title, abstract=abstract, language=self.language, claims=claims,
            paragraphs=paragraphs, drawings=self._drawings(), parties=self._parties(),
            priorities=self._priorities(), classifications=self._classifications(),
            patent_citations=patent_citations, non_patent_citations=non_patent_citations,
            parent=self._parent(),
            number_of_claims=own_claims or None,
            examination_requested=True if self._first("B200/B240/B241/date") else None,
            representative_figure=self._representative_figure(),
            repaired=repaired, other_texts=other_texts + other_abstracts)

    # -- bibliographic data -------------------------------------------------------------

    def _titles(self) -> tuple[str, tuple[LocalText, ...]]:
        if self.sdobi is None:
            self._say("the file has no SDOBI (bibliographic data).")
            return "", ()
        titles: list[tuple[str, str]] = []
        for b540 in self.sdobi.iterfind("B500/B540"):
            language = ""
            for child in b540:
                if child.tag == "B541":
                    language = text_of(child).lower()
                elif child.tag == "B542":
                    titles.append((language, text_of(child)))
                    language = ""
        index = next((i for i, (language, _) in enumerate(titles)
                      if language == self.language), None)
        if index is None and titles:
            index = 0
            self._say(f"no title in the document's language {self.language!r}; the "
                      f"{titles[0][0] or 'untagged'} title is used.")
        if index is None:
            self._say("no title (B540).")
            return "", ()
        others = tuple(LocalText("title", language, text)
                       for i, (language, text) in enumerate(titles) if i != index)
        return titles[index][1], others

    def _parties(self) -> tuple[Party, ...]:
        if self.sdobi is None:
            return ()
        parties: list[Party] = []
        roles = (("B710/B711", PartyRole.APPLICANT, ""), ("B720/B721", PartyRole.INVENTOR, ""),
                 ("B730/B731", PartyRole.RIGHT_HOLDER, ""),
                 ("B740/B741", PartyRole.ATTORNEY, "representative"))
        for path, role, agent_kind in roles:
            for sequence, element in enumerate(self.sdobi.iterfind(f"B700/{path}"), 1):
                name = " ".join(text_of(n) for n in element.iterfind("snm") if text_of(n))
                address = ", ".join(text_of(part) for part in element.iterfind("adr/*")
                                    if text_of(part))
                parties.append(Party(role=role, name=name, sequence=sequence,
                                     address=address, agent_kind=agent_kind))
        opponents = [text_of(n) for n in self.sdobi.iterfind("B700/B780/B781/snm")]
        if opponents:
            self._say(f"opponents are not kept (the model has no opponent role): "
                      f"{'; '.join(opponents)}.")
        return tuple(parties)

    def _priorities(self) -> tuple[Priority, ...]:
        if self.sdobi is None:
            return ()
        priorities: list[Priority] = []
        for b300 in self.sdobi.iterfind("B300"):
            current: dict[str, str] = {}
            for child in b300:
                if child.tag == "B310":
                    if current:
                        priorities.append(self._priority(current))
                    current = {"number": text_of(child)}
                elif child.tag == "B320":
                    current["date"] = child.findtext("date") or ""
                elif child.tag == "B330":
                    current["country"] = child.findtext("ctry") or text_of(child)
            if current:
                priorities.append(self._priority(current))
        return tuple(priorities)

    @staticmethod
    def _priority(fields: dict[str, str]) -> Priority:
        return Priority(paris_application_number=fields.get("number", ""),
                        paris_date=_date(fields.get("date")),
                        paris_country=fields.get("country", "").strip())

    def _classifications(self) -> tuple[Classification, ...]:
        if self.sdobi is None:
            return ()
        found: list[Classification] = []
        for element in self.sdobi.iterfind("B500/B510/*"):
            if element.tag not in ("B511", "B512", "B513"):
                continue                       # B516: the IPC edition, printed in each
            raw = text_of(element)
            match = _IPC_OLD.match(raw)
            if match is None:
                self._say(f"IPC symbol {raw!r} ({element.tag}) cannot be read.")
                continue
            code = f"{''.join(match.group(1, 2, 3))}{int(match.group(4))}/{match.group(5)}"
            found.append(Classification(Scheme.IPC, code, main=element.tag == "B511",
                                        raw=raw))
        for element in self.sdobi.iterfind("B500/B510EP/classification-ipcr"):
            raw = " ".join(text_of(element).split())
            try:
                code = normalise_ipc(raw)
                _, rest = _symbol(raw)
            except ClassificationError:
                self._say(f"IPC symbol {raw!r} cannot be read.")
                continue
            flags = _IPCR_FLAGS.match(rest)
            found.append(Classification(Scheme.IPC, code, raw=raw, main=bool(
                flags and flags.group("position") == "F")))
        for element in self.sdobi.iter("classification-cpc"):
            raw = " ".join(text_of(element).split())
            try:
                code, rest = _symbol(raw)
            except ClassificationError:
                self._say(f"CPC symbol {raw!r} cannot be read.")
                continue
            flags = _IPCR_FLAGS.match(rest)
            found.append(Classification(Scheme.CPC, code, raw=raw, main=bool(
                flags and flags.group("position") == "F")))
        present = {(c.scheme, c.code) for c in found}
        for element in self.sdobi.iterfind("B500/B510/B517EP"):
            # the linked indexing codes as printed (`// A01N43/08`): usually B513 again
            for piece in re.split(r"[,;/]{2}|[,;]", text_of(element)):
                match = _IPC_OLD.match(piece.strip())
                if match is None:
                    if piece.strip():
                        self._say(f"IPC indexing code {piece.strip()!r} (B517EP) cannot "
                                  "be read.")
                    continue
                code = (f"{''.join(match.group(1, 2, 3))}{int(match.group(4))}/"
                        f"{match.group(5)}")
                if (Scheme.IPC, code) not in present:
                    present.add((Scheme.IPC, code))
                    found.append(Classification(Scheme.IPC, code, raw=piece.strip()))
        return tuple(found)

    def _citations(self) -> tuple[tuple[PatentCitation, ...], tuple[NonPatentCitation, ...]]:
        """B560: the search report's citations (`search`); the reference list: the
        documents cited in the description (`description`)."""
        patents: list[PatentCitation] = []
        others: list[NonPatentCitation] = []
        if self.sdobi is not None:
            drafted = _date(self._first("B500/B560/B565EP/date"))
            for b560 in self.sdobi.iterfind("B500/B560"):
                for child in b560:
                    if child.tag == "B561":
                        patents.append(PatentCitation(text_of(child), draft_date=drafted,
                                                      citation_type="search",
                                                      order=len(patents) + 1))
                    elif child.tag == "B562":
                        others.append(NonPatentCitation(draft_date=drafted,
                                                        citation_type="search",
                                                        order=len(others) + 1,
                                                        title=text_of(child)))
        for listing in self.root.iterfind("ep-reference-list"):
            for patcit in listing.iter("patcit"):
                number = patcit.get("dnum") or text_of(patcit)
                patents.append(PatentCitation(number, citation_type="description",
                                              order=len(patents) + 1))
            for nplcit in listing.iter("nplcit"):
                others.append(self._nplcit(nplcit, len(others) + 1))
        return tuple(patents), tuple(others)

    @staticmethod
    def _nplcit(nplcit: etree._Element, order: int) -> NonPatentCitation:
        body = next((c for c in nplcit if c.tag in ("article", "book")), None)
        if body is None:
            return NonPatentCitation(citation_type="description", order=order,
                                     document_type=nplcit.get("npl-type", ""),
                                     title=text_of(nplcit))

        def field(path: str) -> str:
            found = body.find(path)
            return text_of(found) if found is not None else ""

        first, last = field(".//ppf"), field(".//ppl")
        return NonPatentCitation(
            citation_type="description", order=order, document_type=body.tag,
            author="; ".join(text_of(a) for a in body.iter("author")),
            title=field("atl") or field("book-title"),
            publication_name=field("serial/sertitle"),
            issue_date=field("serial/pubdate") or field(".//pubdate"),
            issue_number=field("serial/ino"),
            pages=f"{first}-{last}" if first and last else first or last,
            publisher=field("imprint/name"))

    def _parent(self) -> ParentApplication | None:
        if self.sdobi is None:
            return None
        parent = self.sdobi.find("B600/B620/parent/pdoc")
        result = None
        if parent is not None:
            result = ParentApplication(parent.findtext("dnum/anum") or "",
                                       _date(parent.findtext("date")), category="divisional")
        children = [c.findtext("dnum/anum") or "" for c in
                    self.sdobi.iterfind("B600/B620EP/parent/cdoc")]
        if children:
            self._say(f"the divisional applications of this application are not kept: "
                      f"{', '.join(children)}.")
        return result

    def _representative_figure(self) -> str:
        figure = self._first("B500/B590/B598")
        return "" if figure.upper() == "NONE" else figure

    def _note_unkept(self) -> None:
        """What SDOBI carries that the model has no place for, said once per kind."""
        if self.sdobi is None:
            return
        pct_application = self._first("B800/B860/B861/dnum/anum")
        pct_publication = self._first("B800/B870/B871/dnum/pnum")
        if pct_application or pct_publication:
            self._say("the international (PCT) application "
                      f"{pct_application or '(not given)'} and its publication "
                      f"{pct_publication or '(not given)'} are not kept.")
        notes = [text_of(n) for n in self.sdobi.iter("B052EP", "B053EP")]
        if notes:
            self._say(f"notes are not kept: {' | '.join(notes)}")
        known = IGNORED_SDOBI | {"B100", "B200", "B300", "B500", "B600", "B700", "B800",
                                 "B050EP", "B053EP"}
        for section in self.sdobi:
            if isinstance(section.tag, str) and section.tag not in known:
                self._say(f"SDOBI element <{section.tag}> is not read.")
        for child in self.root:
            if isinstance(child.tag, str) and child.tag not in (
                    "SDOBI", "abstract", "description", "claims", "drawings",
                    "search-report-data", "ep-reference-list"):
                self._say(f"element <{child.tag}> is not part of the ep-patent-document "
                          "format and is ignored.")
        for report in self.root.iterfind("search-report-data"):
            pages = [p.get("file", "") for p in report.iter("doc-page")]
            if pages:
                self._say(f"the search report is published as {len(pages)} page "
                          f"image(s) ({', '.join(pages)}), not read as text.")
            elif text_of(report):
                self._say("the search report's text is not kept.")

    # -- text ---------------------------------------------------------------------------

    def _abstracts(self) -> tuple[str, tuple[LocalText, ...]]:
        main = ""
        others: list[LocalText] = []
        for abstract in self.root.iterfind("abstract"):
            language = (abstract.get("lang") or self.language).lower()
            paragraphs = [text_of(p) for p in abstract.iter("p")] or [text_of(abstract)]
            text = "\n".join(t for t in paragraphs if t)
            if language == self.language and not main:
                main = text
            else:
                others.append(LocalText("abstract", language, text))
        return main, tuple(others)

    def _claims(self) -> tuple[Claim, ...]:
        claims: list[Claim] = []
        for group in self.root.iterfind("claims"):
            language = (group.get("lang") or self.language).lower()
            tag = "" if language == self.language else language
            for position, claim in enumerate(group.iterfind("claim"), 1):
                claims.append(Claim(self._claim_number(claim, position), text_of(claim),
                                    language=tag))
        return tuple(claims)

    @staticmethod
    def _claim_number(claim: etree._Element, position: int) -> int:
        number = (claim.get("num") or "").strip()
        if number.isdigit():
            return int(number)
        trailing = re.search(r"(\d+)$", claim.get("id") or "")
        return int(trailing.group(1)) if trailing else position

    def _paragraphs(self) -> tuple[Paragraph, ...]:
        paragraphs: list[Paragraph] = []
        for description in self.root.iterfind("description"):
            section = ""
            for child in description:
                if child.tag == "heading":
                    section = text_of(child)
                elif child.tag == "p":
                    number = (child.get("num") or "").strip().strip("[]【】")
                    paragraphs.append(Paragraph(number, section, text_of(child)))
                elif isinstance(child.tag, str):
                    text = text_of(child)
                    if text:
                        self._say(f"description element <{child.tag}> outside a paragraph "
                                  f"is not kept: {text[:60]!r}.")
        return tuple(paragraphs)

    def _drawings(self) -> tuple[Drawing, ...]:
        drawings: list[Drawing] = []
        for figure in self.root.iterfind("drawings/figure"):
            for img in figure.iter("img"):
                drawings.append(Drawing(
                    number=(figure.get("num") or "").strip() or (figure.get("id") or ""),
                    file=img.get("file", ""), image_format=img.get("img-format", ""),
                    height=_int(img.get("he")), width=_int(img.get("wi"))))
        return tuple(drawings)

    def _check_parts(self, claims: tuple[Claim, ...], paragraphs: tuple[Paragraph, ...],
                     abstract: str) -> None:
        if not claims and not paragraphs:
            self._say("bibliographic only: the file carries no description and no claims.")
            return
        if not claims:
            self._say("the file carries a description but no claims.")
        if not paragraphs:
            self._say("the file carries claims but no description.")
        if not abstract and self.kind.startswith("A"):
            self._say("the application carries no abstract in its own language.")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
