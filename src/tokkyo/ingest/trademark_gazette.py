"""JP trademark registration gazettes (商標公報) in the JPO's SGML form (`TR.DTD`).

A gazette is one EUC-JP file `<!DOCTYPE TM-REG-GAZ PUBLIC "-//JAPANESE PATENT
OFFICE//DTD JPO Trademark Registration Gazette//EN" [...]>`; its internal subset declares
the mark's image (and sound) files as NDATA entities (`<!ENTITY MULTI SYSTEM
"5721010.IMG" NDATA TIFF>`), which lie beside the gazette under those names. The file is
parsed strictly by `tokkyo.ingest.sgml` against JPO's `TR.DTD` (bundled in
`ingest/dtd/`; `TR8.DTD` and `TR10.DTD` declare subsets of it), which infers the end tags
the JPO omitted. The text is decoded strictly as EUC-JP (JIS X 0213 for the NEC/JIS2004
row-13 characters EUC-JP lacks); a byte that is neither fails with `encoding-error` at
its offset.

The publication (`kind="TM"`, `law=Law.TRADEMARK`, `country="JP"`):

- `number` and `registration_number`: the 7-digit registration number (`5721010`). A
  defensive mark registration (防護標章登録, `KIND-OF-REGISTRATION-NUMBER="PROTECTION"`,
  printed `商標登録第５７１６２００号の防護標章登録第１号（Ｔ５７１６２００／１）`) gets the
  registration number of the mark it protects, a hyphen and its own 2-digit serial:
  `5716200-01`.
- `application_number`: the 10-digit key of the application (`商願２０１３−４６９６５` →
  `2013046965`); `date`, `filing_date`, `registration_date` from the AD form of dates the
  gazette prints in both era and AD form (a disagreement is a problem line).
- `title` and `trademark.display`: the mark text (the standard-character mark's
  `CHARACTER`, else `TRADEMARK-FOR-INDICATION`); `abstract`: the detailed explanation of
  the mark (`DETAIL-EXPLANATION-OF-THE-TRADEMARK`, the description of a colour, position,
  motion, ... mark), which is the one free text a gazette carries.
- `parties`: right holders (`RIGHT_HOLDER`, or `APPLICANT` where the gazette says so) and
  attorneys (`ATTORNEY`, `agent_kind` `representative`, ...) with their 9-digit codes.
- `classifications`: the Nice class of each goods group (`第１類` → `01`; a pre-1992
  Japanese class is `NATIONAL` with facet `JP`), every similar group code of each class
  (`SIMILAR_GROUP`) and every Vienna code (`VIENNA`, e.g. `1.15.25`); `raw` the printed form.
- `trademark`: readings (`PRONUNCIATION` split on 、), Vienna codes, goods and services with
  their similar group codes, the kind of mark, collective/regional/defensive, and the image
  and sound files the mark's `IMAGE`/`SOUND` elements name.

Kinds of mark (`TrademarkInfo.kind_of_mark`): `three-dimensional`, `motion`, `hologram`,
`colour`, `sound`, `position`, `other` from the gazette's indication flags; otherwise
`character` for a standard-character mark (標準文字, `KIND-OF-TRADEMARK="CHARACTER"`) and
`standard` for an ordinary mark shown by its image.

Never silently dropped: text the model cannot hold (examiners' names, right holders'
original-language names and addresses, appeal numbers, any element this reader does not
know) is named in `problems`. Deliberately ignored, as data rather than text the model
has no place for: the law revision the registration was examined under
(`DISTINCTION-OF-THE-LAW`, e.g. 平成２３年改正), the Nice edition (`VERSION-OF-NICE-CLASS`),
the accelerated-examination flag, the kind of attorney's licence, image sizes and the
JPO's internal original file names; and the publishing country and gazette kind, which
are checked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from tokkyo.ingest.foreign.xmlsafe import MAX_BYTES, ParseFailure, position_of
from tokkyo.ingest.sgml import Dtd, Element, SgmlDocument, parse, parse_dtd
from tokkyo.model.cases import Priority
from tokkyo.model.classifications import Classification, Scheme
from tokkyo.model.documents import Publication
from tokkyo.model.eras import era_to_western
from tokkyo.model.laws import Law
from tokkyo.model.numbers import NumberError, normalise_digits, parse_one
from tokkyo.model.parties import Party, PartyRole
from tokkyo.model.trademarks import GoodsServices, TrademarkInfo

FORMAT = "jp-trademark-gazette"
#: The document element this reader reads (as `sniff` finds it in the DOCTYPE).
ROOT = "TM-REG-GAZ"
#: The notations of sound files (everything else an entity names is an image).
SOUND_NOTATIONS = frozenset({"WAV", "MP3", "MPEG", "AIFF", "SOUND", "AUDIO"})

#: Elements whose content this reader stores or checks.
_READ = frozenset({
    "PUBLICATION-COUNTRY", "PUBLICATION-DATE", "KIND-OF-OFFICIAL-GAZETTE",
    "REGISTRATION-NUMBER", "REGISTRATION-DATE", "CHARACTER", "TRADEMARK-FOR-INDICATION",
    "PRONUNCIATION", "DETAIL-EXPLANATION-OF-THE-TRADEMARK",
    "DETAIL-EXPLANATION-OF-THE-DEFENSIVE-MARK", "NUMBER-OF-GOODS-SERVICE-CLASS", "CLASS",
    "GOODS-AND-SERVICE", "APPLICATION-NUMBER", "FILING-DATE", "IDENTIFICATION-NUMBER", "NAME",
    "ADDRESS", "NATION", "SIMILAR-GROUP-CLASSIFICATION", "SIMILAR-GROUP-CODE",
    "VIENNA-FIGURE-CLASSIFICATION", "ORIGINAL-NAME", "ORIGINAL-ADDRESS",
})
#: Text elements deliberately not stored, with the reason (no problem line for them).
IGNORED = {
    "DISTINCTION-OF-THE-LAW": "the revision of the Trademark Act the registration was "
                              "examined under (平成２３年改正): the model has no field for it",
}
#: Law provisions a flag marks as applied; a TRUE flag is a problem line (no model field).
_PROVISIONS = {
    "TRADEMARK-LAW-SEC-3-2-APPLIED": "Trademark Act Art. 3(2) (distinctiveness acquired by use)",
    "TRADEMARK-LAW-SEC-9-1-APPLIED": "Trademark Act Art. 9(1) (exhibition)",
    "TRADEMARK-LAW-SEC-5-4-APPLIED": "Trademark Act Art. 5(4)",
    "TRADEMARK-LAW-SEC-68-32-1-APPLIED": "Trademark Act Art. 68-32(1)",
    "TRADEMARK-LAW-SEC-68-33-1-APPLIED": "Trademark Act Art. 68-33(1)",
    "TRADEMARK-LAW-SEC-68-37-APPLIED": "Trademark Act Art. 68-37",
}
_KINDS = {"TD": "three-dimensional", "MOTION": "motion", "HOLOGRAM": "hologram",
          "COLOR": "colour", "SOUND": "sound", "POSITION": "position", "OTHER": "other"}
_DATE = re.compile(r"(?:(?P<era>明治|大正|昭和|平成|令和)(?P<ey>[0-9]+|元)年(?P<em>[0-9]+)月"
                   r"(?P<ed>[0-9]+)日)?\s*(?:\((?P<y>[0-9]{4})\.(?P<m>[0-9]{1,2})\."
                   r"(?P<d>[0-9]{1,2})\))?")
_REGISTRATION = re.compile(r"\(T(?P<number>[0-9]+)(?:/(?P<serial>[0-9]+))?\)")
_PRINTED_REGISTRATION = re.compile(
    r"第(?P<number>[0-9]+)号(?:の防護標章登録第(?P<serial>[0-9]+)号)?")
_CLASS = re.compile(r"第?(?P<cls>[0-9]{1,2})類?")
_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+TM-REG-GAZ\b"
                    rb"|<TM-REG-GAZ[\s>])", re.IGNORECASE | re.DOTALL)


@dataclass
class TrademarkGazetteRead:
    """One gazette read: its publication, the files its ENTITY declarations name (in
    declaration order, e.g. `5721010.IMG`) with each file's notation (`TIFF`, ...), and
    what could not be stored or did not agree (`problems`, one sentence each)."""

    format: str
    publication: Publication
    files: tuple[str, ...] = ()
    notations: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def sniff(data: bytes) -> bool:
    """Whether `data` is a trademark registration gazette (its DOCTYPE or root names
    TM-REG-GAZ)."""
    return _SNIFF.match(data[:4096]) is not None


@lru_cache(maxsize=1)
def dtd() -> Dtd:
    """JPO's TR.DTD (bundled), parsed once."""
    text = resources.files("tokkyo.ingest").joinpath("dtd/TR.DTD").read_bytes()
    return parse_dtd(text.decode("euc_jp"), source="TR.DTD", format=FORMAT)


def decode(name: str, data: bytes) -> str:
    """The gazette's text: EUC-JP, strictly (JIS X 0213's EUC form for the row-13
    characters plain EUC-JP lacks); an undecodable byte fails with `encoding-error` at its
    offset, line and column."""
    if not data.strip():
        raise ParseFailure(name, "empty", "the file holds nothing", format=FORMAT)
    if len(data) > MAX_BYTES:
        raise ParseFailure(name, "too-large", f"{len(data)} bytes", format=FORMAT)
    try:
        return data.decode("euc_jp")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("euc_jis_2004")
    except UnicodeDecodeError as exc:
        line, column = position_of(data, exc.start)
        raise ParseFailure(name, "encoding-error", f"byte 0x{data[exc.start]:02x} at offset "
                           f"{exc.start} is not EUC-JP (trademark gazettes are EUC-JP)",
                           line=line, column=column, format=FORMAT) from None


def read(name: str, data: bytes, *, tolerant: bool = False) -> TrademarkGazetteRead:
    """The publication of one gazette file; `ParseFailure` when it cannot be read exactly.
    `tolerant` is accepted for the readers' common signature; this reader repairs
    nothing."""
    document = parse(name, decode(name, data), dtd(), format=FORMAT)
    if document.root.name != ROOT:
        raise ParseFailure(name, "sgml-invalid", f"the document element is "
                           f"{document.root.name}, not {ROOT}", format=FORMAT)
    return _Reader(name, document).read()


class _Reader:
    def __init__(self, name: str, document: SgmlDocument) -> None:
        self.name = name
        self.document = document
        self.root = document.root
        self.problems: list[str] = []
        self.label = name
        # every element in document order, and the document element's children by name
        # (the first of each): walked and looked up once, not once per question
        self.elements = list(self.root.iter())
        self.top: dict[str, Element] = {}
        for child in self.root.children:
            if isinstance(child, Element):
                self.top.setdefault(child.name, child)

    def text(self, element: Element | None) -> str:
        return _clean(element.text()) if element is not None else ""

    def child_text(self, parent: Element, tag: str) -> str:
        return self.text(parent.find(tag))

    def find(self, tag: str) -> Element | None:
        """The document element's first child `tag` (`Element.find`, from the index)."""
        return self.top.get(tag)

    def top_text(self, tag: str) -> str:
        return self.text(self.top.get(tag))

    def problem(self, sentence: str) -> None:
        self.problems.append(f"Trademark gazette {self.label}: {sentence}")

    def date(self, element: Element | None, what: str) -> dt.date | None:
        printed = self.text(element)
        if not printed:
            return None
        m = _DATE.fullmatch(normalise_digits(printed).replace(" ", ""))
        if m is None or not (m.group("era") or m.group("y")):
            self.problem(f"the {what} {printed!r} is not a date")
            return None
        era_date = ad_date = None
        try:
            if m.group("y"):
                ad_date = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            if m.group("era"):
                year = 1 if m["ey"] == "元" else int(m["ey"])
                era_date = dt.date(era_to_western(m["era"], year), int(m["em"]), int(m["ed"]))
        except (ValueError, NumberError) as exc:
            self.problem(f"the {what} {printed!r} is not a date ({exc})")
            return ad_date
        if era_date and ad_date and era_date != ad_date:
            self.problem(f"the {what} is printed as {printed!r}, whose era date "
                         f"({era_date.isoformat()}) and AD date ({ad_date.isoformat()}) "
                         "disagree; the AD date is used")
        return ad_date or era_date

    def number(self) -> tuple[str, bool]:
        element = self.find("REGISTRATION-NUMBER")
        printed = self.text(element)
        compact = normalise_digits(printed).replace(" ", "")
        m = _REGISTRATION.search(compact) or _PRINTED_REGISTRATION.search(compact)
        if m is None:
            raise ParseFailure(self.name, "sgml-invalid", f"the registration number "
                               f"{printed!r} cannot be read", line=getattr(element, "line", 0),
                               column=getattr(element, "column", 0), format=FORMAT)
        other = _PRINTED_REGISTRATION.search(compact)
        if other is not None and (other["number"], other["serial"]) != (m["number"],
                                                                         m["serial"]):
            self.problem(f"the registration number {printed!r} is printed with two "
                         "different numbers; the one in parentheses is used")
        number = m["number"].zfill(7)
        protection = element is not None and \
            element.attributes.get("KIND-OF-REGISTRATION-NUMBER") == "PROTECTION"
        if m["serial"]:
            return f"{number}-{int(m['serial']):02d}", True
        if protection:
            self.problem(f"the defensive mark registration number {printed!r} has no "
                         "serial of its own")
        return number, protection

    def read(self) -> TrademarkGazetteRead:
        number, protection = self.number()
        self.label = number
        self.problems += [f"Trademark gazette {number}: {p}" for p in self.document.problems]
        country = self.top_text("PUBLICATION-COUNTRY")
        if country and "JP" not in normalise_digits(country):
            self.problem(f"the publishing office is {country!r}, not the JPO")
        gazette = self.top_text("KIND-OF-OFFICIAL-GAZETTE")
        if gazette and gazette != "商標公報":
            self.problem(f"the gazette is a {gazette!r}, read as a trademark gazette (商標公報)")
        files, notations, images, sounds = self.files()
        info, classifications = self.trademark(protection, images, sounds)
        application = ""
        printed_application = self.top_text("APPLICATION-NUMBER")
        if printed_application:
            try:
                application = parse_one(printed_application.split("（")[0].split("(")[0],
                                        law=Law.TRADEMARK).key
            except NumberError as exc:
                self.problem(f"the application number {printed_application!r} cannot be "
                             f"read ({exc})")
        else:
            self.problem("the gazette gives no application number")
        explanation = "\n".join(
            t for t in (self.top_text("DETAIL-EXPLANATION-OF-THE-TRADEMARK"),
                        self.top_text("DETAIL-EXPLANATION-OF-THE-DEFENSIVE-MARK")) if t)
        publication = Publication(
            country="JP", kind="TM", st16_kind="", law=Law.TRADEMARK, number=number,
            date=self.date(self.find("PUBLICATION-DATE"), "publication date"),
            application_number=application,
            filing_date=self.date(self.find("FILING-DATE"), "filing date"),
            title=info.display, abstract=explanation, language="ja",
            parties=self.parties(), priorities=self.priorities(),
            classifications=classifications, registration_number=number,
            registration_date=self.date(self.find("REGISTRATION-DATE"), "registration date"),
            trademark=info)
        self.unread()
        return TrademarkGazetteRead(FORMAT, publication, files, notations, self.problems)

    def files(self) -> tuple[tuple[str, ...], dict[str, str], tuple[str, ...],
                             tuple[str, ...]]:
        entities = {n: e for n, e in self.document.entities.items()
                    if e.notation and not e.parameter}
        files = tuple(dict.fromkeys(e.system or "" for e in entities.values() if e.system))
        notations = {e.system: e.notation.upper() for e in entities.values() if e.system}
        images: list[str] = []
        sounds: list[str] = []
        used: set[str] = set()
        for element in self.elements:
            entity = element.attributes.get("FILE-NAME")
            if entity is None:
                continue
            used.add(entity)
            decl = entities.get(entity)
            if decl is None or not decl.system:
                self.problem(f"{element.name} names the entity {entity!r}, which declares "
                             "no file")
                continue
            (sounds if element.name == "SOUND" else images).append(decl.system)
        for entity, decl in entities.items():
            if entity not in used and decl.system:
                target = sounds if decl.notation.upper() in SOUND_NOTATIONS else images
                target.append(decl.system)
                self.problem(f"the file {decl.system} ({decl.notation}) is declared but no "
                             "element shows it")
        return (files, notations, tuple(dict.fromkeys(images)),
                tuple(dict.fromkeys(sounds)))

    def trademark(self, protection: bool, images: tuple[str, ...], sounds: tuple[str, ...]
                  ) -> tuple[TrademarkInfo, tuple[Classification, ...]]:
        root = self.root
        mark = self.find("TRADEMARK")
        kind_attr = mark.attributes.get("KIND-OF-TRADEMARK", "") if mark else ""
        character = self.child_text(mark, "CHARACTER") if mark else ""
        indication = self.top_text("TRADEMARK-FOR-INDICATION")
        display = character or indication
        if character and indication and character != indication:
            self.problem(f"the mark text for indication {indication!r} differs from the "
                         f"standard-character mark {character!r} and is not stored")
        flags = {e.name: e.attributes for e in root.elements()}
        kind = ""
        defensive = protection or kind_attr.startswith("DEFENSIVE")
        for prefix, name in _KINDS.items():
            mark_flag = flags.get(f"{prefix}-TRADEMARK-INDICATION", {}).get(
                f"{prefix}-TRADEMARK-FLAG") == "TRUE"
            defensive_flag = flags.get(f"{prefix}-DEFENSIVE-MARK-INDICATION", {}).get(
                f"{prefix}-DEFENSIVE-MARK-FLAG") == "TRUE"
            if mark_flag or defensive_flag:
                kind = kind or name
                defensive = defensive or defensive_flag
        if not kind:
            kind = "character" if kind_attr in ("CHARACTER", "DEFENSIVE-CHARACTER") \
                else "standard"
        if kind == "character" and not display:
            self.problem("the standard-character mark has no text")
        collective = flags.get("COLLECTIVE-TRADEMARK-INDICATION", {}).get(
            "COLLECTIVE-TRADEMARK-FLAG") == "TRUE"
        regional = flags.get("REGIONAL-TRADEMARK-INDICATION", {}).get(
            "REGIONAL-TRADEMARK-FLAG") == "TRUE"
        for element, provision in _PROVISIONS.items():
            found = self.find(element)
            if found is not None and any(v == "TRUE" for v in found.attributes.values()):
                self.problem(f"the registration applies {provision}, which tokkyo's model "
                             "cannot hold")
        readings = tuple(r.strip() for r in
                         self.top_text("PRONUNCIATION").split("、") if r.strip())
        goods, classifications = self.goods()
        vienna_printed = [v.strip() for v in
                          self.top_text("VIENNA-FIGURE-CLASSIFICATION").split("；")
                          if v.strip()]
        vienna = tuple(normalise_digits(v).replace(" ", "") for v in vienna_printed)
        classifications += tuple(Classification(Scheme.VIENNA, code, raw=raw)
                                 for code, raw in zip(vienna, vienna_printed, strict=True))
        info = TrademarkInfo(display=display, readings=readings, vienna_codes=vienna,
                             goods_services=goods, kind_of_mark=kind, collective=collective,
                             regional=regional, defensive=defensive, image_files=images,
                             sound_files=sounds)
        return info, classifications

    def goods(self) -> tuple[tuple[GoodsServices, ...], tuple[Classification, ...]]:
        block = self.find("CLASS-OF-GOODS-AND-SERVICE")
        if block is None and self.find("REPLACED-CLASS-OF-GOODS") is not None:
            block = self.find("REPLACED-CLASS-OF-GOODS")
        before = self.find("BEFORE-REPLACED-CLASS-OF-GOODS")
        if before is not None:
            self.problem(f"the goods before their replacement ({self.text(before)[:200]!r}) "
                         "are not stored")
        japanese = block is not None and block.attributes.get("CLASSIFICATION") == "JAPANESE"
        similar: dict[str, list[tuple[str, str]]] = {}
        group_block = self.find("SIMILAR-GROUP-CODE-GROUP")
        for group in group_block.findall("SIMILAR-GROUP") if group_block else []:
            cls = self.class_code(self.child_text(group, "SIMILAR-GROUP-CLASSIFICATION"))
            for printed in self.child_text(group, "SIMILAR-GROUP-CODE").split("、"):
                if printed.strip():
                    similar.setdefault(cls, []).append(
                        (normalise_digits(printed).replace(" ", ""), printed.strip()))
        goods: list[GoodsServices] = []
        classifications: list[Classification] = []
        for group in block.findall("GOODS-AND-SERVICE-CLASS-GROUP") if block else []:
            printed = self.child_text(group, "CLASS")
            cls = self.class_code(printed)
            codes = similar.get(cls, [])
            goods.append(GoodsServices(cls, self.child_text(group, "GOODS-AND-SERVICE"),
                                       tuple(code for code, _ in codes)))
            if japanese:
                classifications.append(Classification(Scheme.NATIONAL, cls, raw=printed,
                                                      facet="JP"))
            else:
                classifications.append(Classification(Scheme.NICE, cls, raw=printed))
        classes = [g.nice_class for g in goods]
        for cls, codes in similar.items():
            classifications += [Classification(Scheme.SIMILAR_GROUP, code, raw=raw)
                                for code, raw in codes]
            if cls not in classes:
                self.problem(f"similar group codes are given for class {cls}, which has no "
                             "goods or services; they are kept as classifications only")
        stated = normalise_digits(self.top_text("NUMBER-OF-GOODS-SERVICE-CLASS"))
        if stated.isdigit() and int(stated) != len(goods):
            self.problem(f"the gazette says it has {stated} classes of goods and services "
                         f"but lists {len(goods)}")
        if not goods:
            self.problem("the gazette lists no goods or services")
        return tuple(goods), tuple(classifications)

    def class_code(self, printed: str) -> str:
        m = _CLASS.fullmatch(normalise_digits(printed).replace(" ", ""))
        if m is None:
            if printed:
                self.problem(f"the class {printed!r} is not a class number")
            return printed
        return m["cls"].zfill(2)

    def parties(self) -> tuple[Party, ...]:
        group = self.find("RIGHT-HOLDER-GROUP")
        parties: list[Party] = []
        for sequence, element in enumerate(group.elements() if group else [], 1):
            name = self.child_text(element, "NAME")
            code = normalise_digits(self.child_text(element, "IDENTIFICATION-NUMBER"))
            if element.name == "RIGHT-HOLDER":
                role = PartyRole.APPLICANT if element.attributes.get(
                    "KIND-OF-RIGHT-HOLDER") == "APPLICANT" else PartyRole.RIGHT_HOLDER
                parties.append(Party(role, name, code, sequence,
                                     self.child_text(element, "ADDRESS")))
                original = [t for t in (self.child_text(element, "ORIGINAL-NAME"),
                                        self.child_text(element, "ORIGINAL-ADDRESS")) if t]
                if original:
                    self.problem(f"the right holder {name}'s name and address in their own "
                                 f"language ({' / '.join(original)}) are not stored")
            elif element.name == "PROXY":
                parties.append(Party(PartyRole.ATTORNEY, name, code, sequence,
                                     agent_kind=element.attributes.get(
                                         "KIND-OF-ATTORNEY", "").lower()))
        if not any(p.role is not PartyRole.ATTORNEY for p in parties):
            self.problem("the gazette names no right holder")
        return tuple(parties)

    def priorities(self) -> tuple[Priority, ...]:
        article = self.find("PARIS-PRIORITY-CLAIM-ARTICLE")
        out: list[Priority] = []
        for group in article.findall("PARIS-PRIORITY-GROUP") if article else []:
            # paris_country: the country as printed (a Japanese name); there is no ST.3 code
            out.append(Priority(
                paris_application_number=normalise_digits(
                    self.child_text(group, "APPLICATION-NUMBER")),
                paris_date=self.date(group.find("FILING-DATE"), "priority date"),
                paris_country=self.child_text(group, "NATION")))
        return tuple(out)

    def unread(self) -> None:
        """A problem line for each text-bearing element this reader does not store."""
        for element in self.elements:
            if element.name in _READ or element.name in IGNORED or element is self.root:
                continue
            own = _clean("".join(c for c in element.children if isinstance(c, str)))
            if not own:
                continue
            if element.name in ("EXAMINER", "APPEAL-EXAMINER", "APPEAL-EXAMINER-IN-CHIEF"):
                continue                              # their NAME is reported below
            self.problem(f"{element.name} {own[:200]!r} is not stored")
        for tag, what in (("EXAMINER-GROUP", "examiner"),
                          ("APPEAL-EXAMINER-GROUP", "appeal examiner")):
            group = self.find(tag)
            names = [self.text(n) for n in group.iter("NAME")] if group else []
            titles = [self.text(t) for t in group.iter("OFFICIAL-TITLE")] if group else []
            if names or titles:
                self.problem(f"the {what}'s name ({'、'.join(names + titles)}) is not "
                             "stored (tokkyo's publications have no examiners)")


def _clean(text: str) -> str:
    """Text with its own line breaks folded and the ends trimmed (gazette fields are one
    line; a record end inside one is a line the JPO's typesetting broke)."""
    return _BREAK.sub(_fold, text).strip(" \t\r\n")


_BREAK = re.compile(r"(?P<before>.?)[ \t]*\r?\n[ \t]*(?P<after>.?)")


def _fold(m: re.Match[str]) -> str:
    """A line break between two ASCII characters becomes a space, else nothing (Japanese
    text has no spaces between words)."""
    before, after = m["before"], m["after"]
    joiner = " " if before.isascii() and after.isascii() and before and after else ""
    return before + joiner + after
