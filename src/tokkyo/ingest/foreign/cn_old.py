"""Reader of CNIPA's older full-text format, `<cn-patent-document>` (exchange.md §10).

The files come as CNIPA publishes them: some start with a UTF-8 byte order mark, most
carry an `xml-stylesheet` processing instruction, and some (`cn_old3.xml`) declare
`standalone="yes"` and no encoding (UTF-8 then). None needs a DTD. One file is one
publication: a published application (`A`), a granted invention (`B`), a utility model
(`U`, older `Y`: `Law.UTILITY`) or a design (`S`: `Law.DESIGN`).

What is read: the publication and application references (the number as the
publication reference prints it, `104223352`; the application number with its check
digit, `201410408762.5`), priorities (Paris and CN domestic), IPC (normalised) and CPC
where present, the Chinese title, abstract, claims and description (language `zh`),
titles or abstracts in another language as `other_texts`, applicants, inventors, agents
and their agencies, drawings and the abstract drawing. Description paragraphs keep
their printed numbers; the headings CNIPA prints as numbered paragraphs of their own
(`技术领域`, `背景技术`, ...) stay paragraphs (they carry a number) and give the
`section` of the paragraphs that follow. What the model cannot hold (PCT filing and
publication data, images inside paragraphs) is named in `ForeignRead.problems`.

The text helpers here (`fold`, `text_of`) are shared with `cn_new`, which reads the
same content in CNIPA's newer schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.reading import ForeignRead, missing_parts
from tokkyo.model.cases import Priority
from tokkyo.model.classifications import Classification, ClassificationError, Scheme, normalise_ipc
from tokkyo.model.documents import Claim, Drawing, LocalText, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "cn-patent-document"
ROOTS: tuple[str, ...] = ("cn-patent-document",)

#: The headings CNIPA prints in descriptions, as paragraphs of their own (old format)
#: or as unnumbered paragraphs opening a section (new format).
HEADINGS = frozenset({
    "技术领域", "背景技术", "发明内容", "实用新型内容", "附图说明", "具体实施方式",
    "发明概述", "发明详述", "技术问题", "技术方案", "有益效果", "实施例", "对照例",
    "本发明的有益效果", "发明的有益效果", "外观设计简要说明"})

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_BLOCK_CELLS = frozenset({"entry", "row"})
_PARAGRAPH_NUMBER = re.compile(r"^\[?[A-Za-z]?(?P<n>\d+)\]?$")


def fold(text: str) -> str:
    """A paragraph's own line breaks folded: a break next to a Chinese character joins
    the two lines (Chinese has no spaces between words), any other run of white space
    becomes one space."""
    if "\n" not in text:
        return " ".join(text.split())
    out = ""
    for line in text.split("\n"):
        piece = " ".join(line.split())
        if not piece:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(piece[0])):
            out += " "
        out += piece
    return out


def _pieces(element: etree._Element, out: list[str]) -> None:
    text = element.text
    if text:
        out.append(text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str):                 # not a comment or PI left by the parser
            name = tag[tag.rfind("}") + 1:].lower()
            if name == "br":
                out.append("\n")
            else:
                _pieces(child, out)
                if name in _BLOCK_CELLS:
                    out.append(" ")              # table cells stay apart
        tail = child.tail
        if tail:
            out.append(tail)


def text_of(element: etree._Element | None) -> str:
    """An element's text with its markup dropped: sub- and superscripts kept as text,
    table cells separated by a space, line breaks folded."""
    if element is None:
        return ""
    if len(element) == 0:
        return fold(element.text or "")
    out: list[str] = []
    _pieces(element, out)
    return fold("".join(out))


def raw_text(element: etree._Element) -> str:
    """An element's text exactly as printed (inner spacing kept), for `raw` forms."""
    return "".join(element.itertext()).strip()


def cn_date(value: str | None) -> dt.date | None:
    """`20141224` (or `2014-12-24`) as a date; `00000000`, blanks and nonsense as None."""
    digits = (value or "").strip().replace("-", "")
    if len(digits) != 8 or not digits.isdigit() or digits == "00000000":
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def law_of_kind(kind: str) -> Law:
    """CNIPA kinds: `U`/`Y` utility models, `S` designs, anything else a patent."""
    if kind[:1] in ("U", "Y"):
        return Law.UTILITY
    if kind[:1] == "S":
        return Law.DESIGN
    return Law.PATENT


def paragraph_number(raw: str | None) -> str:
    """The printed paragraph number without brackets or a leading letter
    (`0001`, `[0001]`, `n0001` → `0001`)."""
    value = (raw or "").strip()
    match = _PARAGRAPH_NUMBER.match(value)
    return match.group("n") if match else value


def language(value: str | None, default: str = "zh") -> str:
    """CNIPA writes `ZH`, `zh` and (for the body) `CN`: ISO 639-1 lower case."""
    code = (value or "").strip().lower()
    if not code or code == "cn":
        return default
    return code


def ipc(raw: str, main: bool, where: str, problems: list[str]) -> Classification | None:
    """An IPC symbol as printed (`A24B   15/18    (2006.01)`), normalised; a symbol that
    cannot be normalised is reported, not dropped silently."""
    try:
        return Classification(Scheme.IPC, normalise_ipc(raw), main=main, raw=raw.strip())
    except ClassificationError as exc:
        problems.append(f"{where}: IPC symbol {raw.strip()!r} could not be read ({exc}); "
                        "it is not kept.")
        return None


def int_or_none(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def unread_citations(biblio: etree._Element, doc: str, problems: list[str]) -> None:
    """No CNIPA sample carries citations, so their elements are not known here: a
    document that has any says so rather than losing them silently."""
    names = sorted({xmlsafe.local(e.tag) for e in biblio.iter()
                    if isinstance(e.tag, str) and "citation" in xmlsafe.local(e.tag).lower()})
    if names:
        problems.append(f"{doc}: the citations it carries ({', '.join(names)}) are not "
                        "read yet and are not kept.")


def sections(paragraphs: Iterable[tuple[str, str]], initial: str = ""
             ) -> list[Paragraph]:
    """Numbered paragraphs `(number, text)` with the section each falls under: a
    paragraph whose whole text is a known heading opens a section."""
    out: list[Paragraph] = []
    section = initial
    for number, text in paragraphs:
        if text.rstrip("：:") in HEADINGS:
            section = text.rstrip("：:")
        out.append(Paragraph(number, section, text))
    return out


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return text_of(found) if found is not None else ""


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """The one publication of a `cn-patent-document` file.

    `tolerant` is accepted for the common reader interface; CNIPA files need no repair
    and a file that is not well-formed fails (`ParseFailure`) either way.
    """
    root = xmlsafe.parse(name, data, format=FORMAT)
    if xmlsafe.local(root.tag) != "cn-patent-document":
        raise xmlsafe.ParseFailure(name, "unsupported-document", f"the root element is "
                                   f"<{xmlsafe.local(root.tag)}>, not <cn-patent-document>",
                                   format=FORMAT)
    result = ForeignRead(format=FORMAT)
    result.publications.append(_publication(name, root, result.problems))
    return result


def _publication(name: str, root: etree._Element, problems: list[str]) -> Publication:
    biblio = root.find("cn-bibliographic-data")
    if biblio is None:
        biblio = etree.Element("cn-bibliographic-data")
    pub_id = biblio.find("cn-publication-reference/document-id")
    country = _text(pub_id, "country") or root.get("country", "CN")
    number = _text(pub_id, "doc-number")
    kind = _text(pub_id, "kind")
    date = cn_date(_text(pub_id, "date"))
    if not number:
        raise xmlsafe.ParseFailure(name, "missing-number", "the document has no "
                                   "cn-publication-reference doc-number", format=FORMAT)
    doc = f"{country}{number}{kind}"
    if not kind:
        problems.append(f"{doc}: the publication reference gives no kind code.")
    app_id = biblio.find("application-reference/document-id")
    doc_language = language(root.get("lang"))

    title = ""
    other: list[LocalText] = []
    for element in biblio.findall("invention-title"):
        lang = language(element.get("lang"), doc_language)
        if lang == doc_language and not title:
            title = text_of(element)
        else:
            other.append(LocalText("title", lang, text_of(element)))
    body = root.find("application-body")
    if not title and body is not None:
        title = _text(body, "description/invention-title")
    abstract = ""
    for element in biblio.findall("abstract"):
        lang = language(element.get("lang"), doc_language)
        text = "\n".join(t for t in (text_of(p) for p in element.findall("p")) if t)
        if lang == doc_language and not abstract:
            abstract = text
        else:
            other.append(LocalText("abstract", lang, text))

    drawings: list[Drawing] = []
    representative = ""
    for img in biblio.findall("cn-abstract-drawing/figure/img"):
        representative = representative or img.get("file", "")
    claims: list[Claim] = []
    paragraphs: list[Paragraph] = []
    if body is not None:
        for claim in body.findall("claims/claim"):
            parts = [text_of(t) for t in claim.findall("claim-text")] or [text_of(claim)]
            claims.append(Claim(int(paragraph_number(claim.get("num")) or 0)
                                or len(claims) + 1, "\n".join(p for p in parts if p)))
        numbered = [(paragraph_number(p.get("num")), text_of(p))
                    for p in body.findall("description/p")]
        paragraphs = sections(numbered)
        for figure in body.findall("drawings/figure"):
            for img in figure.findall("img"):
                drawings.append(_drawing(figure.get("num", ""), img))
        inline = [(p.get("num", ""), img) for p in body.findall("description/p")
                  for img in p.iter("img")]
        inline += [(f"claim {c.get('num', '')}", img) for c in body.findall("claims/claim")
                   for img in c.iter("img")]
        for where, img in inline:
            drawings.append(_drawing(paragraph_number(where) if where[:1].isdigit()
                                     else where, img))
        if inline:
            problems.append(f"{doc}: {len(inline)} image(s) inside description paragraphs "
                            "or claims (formulae, structures, tables) are kept as drawing "
                            "references; their content is not text.")
    problems += missing_parts(doc, claims=bool(claims), description=bool(paragraphs),
                              abstract=bool(abstract))

    classifications: list[Classification] = []
    for i, element in enumerate(biblio.findall("classifications-ipcr/classification-ipcr")):
        printed = element.find("text")
        found = ipc(raw_text(printed if printed is not None else element), i == 0, doc,
                    problems)
        if found is not None:
            classifications.append(found)
    for element in biblio.iter("classification-cpc", "patent-classification"):
        printed = element.find("text")
        raw = raw_text(printed if printed is not None else element)
        classifications.append(Classification(Scheme.CPC, "".join(raw.split("(")[0].split()),
                                              raw=raw))
    for element in biblio.iter("classification-locarno"):
        printed = element.find("text")
        raw = raw_text(printed if printed is not None else element)
        classifications.append(Classification(Scheme.LOCARNO, raw.split("(")[0].strip(),
                                              raw=raw))

    priorities = [Priority(paris_application_number=_text(p, "doc-number"),
                           paris_date=cn_date(_text(p, "date")),
                           paris_country=_text(p, "country"))
                  for p in biblio.findall("priority-claims/priority-claim")]
    for claim in biblio.iter("cn-domestic-priority-claim"):
        for doc_id in claim.iter("document-id"):
            priorities.append(Priority(national_application_number=_text(doc_id, "doc-number"),
                                       national_date=cn_date(_text(doc_id, "date"))))

    pct = [f"{tag} {_text(d, 'country')} {_text(d, 'doc-number')} ({_text(d, 'date')})"
           for tag, path in (("PCT application", "pct-or-regional-filing-data/document-id"),
                             ("PCT publication", "pct-or-regional-publishing-data/document-id"))
           for d in biblio.findall(path)]
    entry = _text(biblio, "date-pct-article-22-39-fulfilled/date")
    if entry:
        pct.append(f"national phase entry {entry}")
    if pct:
        problems.append(f"{doc}: the PCT data ({'; '.join(pct)}) has no place in the "
                        "publication model and is not kept.")

    unread_citations(biblio, doc, problems)
    return Publication(
        country=country, kind=kind, st16_kind=kind, law=law_of_kind(kind), number=number,
        date=date, application_number=_text(app_id, "doc-number"),
        filing_date=cn_date(_text(app_id, "date")), title=title, abstract=abstract,
        language=doc_language, claims=tuple(claims), paragraphs=tuple(paragraphs),
        drawings=tuple(drawings), parties=tuple(_parties(biblio)),
        priorities=tuple(priorities), classifications=tuple(classifications),
        number_of_claims=len(claims) or None, representative_figure=representative,
        other_texts=tuple(other))


def _drawing(number: str, img: etree._Element) -> Drawing:
    return Drawing(number=paragraph_number(number), file=img.get("file", ""),
                   image_format=img.get("img-format", ""),
                   height=int_or_none(img.get("he")), width=int_or_none(img.get("wi")))


def _parties(biblio: etree._Element) -> list[Party]:
    parties: list[Party] = []
    for i, applicant in enumerate(biblio.findall("cn-parties/cn-applicants/cn-applicant")):
        parties.append(Party(PartyRole.APPLICANT, _text(applicant, ".//name"),
                             sequence=int_or_none(applicant.get("sequence")) or i + 1,
                             address=_text(applicant, ".//address/text")))
    for i, inventor in enumerate(biblio.findall("cn-parties/cn-inventors/cn-inventor")):
        parties.append(Party(PartyRole.INVENTOR, _text(inventor, ".//name"),
                             sequence=int_or_none(inventor.get("sequence")) or i + 1))
    agencies: list[str] = []
    for i, agent in enumerate(biblio.findall("cn-parties/cn-agents/cn-agent")):
        agency = _text(agent, "cn-agency/name")
        if agency and agency not in agencies:
            agencies.append(agency)
        parties.append(Party(PartyRole.ATTORNEY, _text(agent, "name"),
                             sequence=int_or_none(agent.get("sequence")) or i + 1,
                             agent_kind=agent.get("rep-type", "agent")))
    for i, agency in enumerate(agencies):
        parties.append(Party(PartyRole.ATTORNEY, agency, sequence=i + 1,
                             agent_kind="agency"))
    return parties
