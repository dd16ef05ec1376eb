"""USPTO APS "Green Book" full text (grants 1976–2001): fixed-field text, not XML.

A record starts with a `PATN` line; each line carries a 4-character field tag in
columns 1–4 and its value from column 6; lines that start with spaces continue the
previous field (a table `TBL` keeps its line breaks, every other field is folded).
Group tags without a value (`INVT`, `ASSG`, `PRIR`, `RLAP`, `CLAS`, `UREF`, `FREF`,
`OREF`, `LREP`, `PCTA`, `ABST`, `BSUM`, `DRWD`, `DETD`, `PARN`, `GOVT`, `CLMS`,
`DCLM`) open the parts of a record. One file may hold many patents.

What is made of it: `WKU` (number with a check digit; the digit is dropped), `APT`
(kind: 1 utility `A`, 2 reissue `E`, 4 design `S`, 5 defensive publication `I`, 6
plant `P`, 7 SIR `H`), `SRC`+`APN` (series code and serial, the check digit dropped:
the ST.36 form `05184541`), `APD`, `ISD`, `TTL`; inventors (`INVT`, also the
applicants: before 16 September 2012 US applications were filed by their inventors),
assignees (`ASSG`, right holders), attorneys (`LREP`); priorities (`PRIR`); `OCL`/`XCL`
USPC and `ICL` IPC; citations (`UREF`, `FREF`, `OREF`); the abstract (`PAL`
paragraphs), the description (`PAC` headings, `PAR`/`PA1`–`PA9`/`TBL`/`EQU`
paragraphs, numbered in order because APS prints no paragraph numbers) and the claims
(`NUM` starts a claim). What the model cannot hold (PCT filing data, related US
applications beyond the first parent, government interest) is named in
`ForeignRead.problems`. The field of search (`FSC`/`FSS`) is not the document's
classification and is not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.us_xml import docdb_number, fold, ipc, missing_parts, to_date, uspc
from tokkyo.ingest.foreign.xmlsafe import ParseFailure, position_of
from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Classification
from tokkyo.model.documents import Claim, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole

FORMAT = "us-aps-greenbook"

GROUPS = frozenset({"PATN", "INVT", "ASSG", "PRIR", "REIS", "RLAP", "CLAS", "UREF",
                    "FREF", "OREF", "LREP", "PCTA", "ABST", "GOVT", "PARN", "BSUM",
                    "DRWD", "DETD", "CLMS", "DCLM"})
#: Description groups and the heading their paragraphs get before a `PAC`.
DESCRIPTION = {"PARN": "Related applications", "GOVT": "Government interest",
               "BSUM": "Brief summary", "DRWD": "Description of the drawings",
               "DETD": "Detailed description"}
#: Paragraph fields of the description, the abstract and the claims.
PARAGRAPH_TAGS = re.compile(r"^(?:PAR|PA\d|TBL\d?|EQU|PAL)$")
KINDS = {"1": "A", "2": "E", "4": "S", "5": "I", "6": "P", "7": "H"}
_TAG = re.compile(r"^([A-Z][A-Z0-9]{2}[A-Z0-9 ])(?: (.*))?$")


def sniff(data: bytes) -> bool:
    """Whether `data` is APS Green Book text: it starts with a `PATN` line followed by
    a `WKU` field."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"PATN") and re.match(rb"PATN\s*\r?\nWKU ", head) is not None


@dataclass
class Field:
    """One field: its tag, its value lines, and the line of the file it starts on."""

    tag: str
    lines: list[str]
    line: int

    @property
    def value(self) -> str:
        if self.tag.startswith("TBL"):
            return "\n".join(line.rstrip() for line in self.lines if line.strip()).strip()
        # the spaces that open a continuation line (and end a line) join the run the
        # line break makes, which folding turns into one space: dropped first, so that
        # most fields have no run left to fold (same text, a third of the cost)
        return fold(" ".join(line.strip(" ") for line in self.lines))

    @property
    def raw(self) -> str:
        """The value with its spacing: classification fields are fixed-width
        (`G06F  728` = G06F 7/28)."""
        return " ".join(self.lines).strip()


@dataclass
class Group:
    tag: str
    fields: list[Field] = field(default_factory=list)

    def get(self, tag: str) -> str:
        for item in self.fields:
            if item.tag == tag:
                return item.value
        return ""

    def all(self, tag: str) -> list[str]:
        return [item.value for item in self.fields if item.tag == tag]


def records(name: str, data: bytes) -> list[list[Group]]:
    """The records of a file, each a list of groups (the `PATN` group first)."""
    if not data.strip():
        raise ParseFailure(name, "empty", "the file holds no text", format=FORMAT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at_line, at_column = position_of(data, exc.start)
        raise ParseFailure(name, "encoding-error", f"byte 0x{data[exc.start]:02x} is "
                           "neither ASCII nor UTF-8", line=at_line, column=at_column,
                           format=FORMAT) from None
    if not text.endswith("\n"):
        lines = text.split("\n")
        raise ParseFailure(name, "truncated", "the file ends in the middle of a line "
                           "(APS records end with a line break)", line=len(lines),
                           column=len(lines[-1].encode("utf-8")) + 1,
                           context=lines[-1][-30:], format=FORMAT)
    out: list[list[Group]] = []
    current: Field | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        match = _TAG.match(line) if line[:1].strip() else None
        if match is None:
            if current is not None:
                current.lines.append(line)
            elif line.strip():
                raise ParseFailure(name, "not-aps", "text before the first PATN record",
                                   line=number, column=1, context=line[:30],
                                   format=FORMAT)
            continue
        tag, value = match.group(1).strip(), match.group(2) or ""
        if tag in GROUPS and not value.strip():
            if tag == "PATN":
                out.append([])
            if not out:
                raise ParseFailure(name, "not-aps", f"group {tag} before the first "
                                   "PATN record", line=number, column=1, format=FORMAT)
            out[-1].append(Group(tag))
            current = None
            continue
        if not out:
            raise ParseFailure(name, "not-aps", f"field {tag} before the first PATN "
                               "record", line=number, column=1, format=FORMAT)
        current = Field(tag, [value], number)
        out[-1][-1].fields.append(current)
    return out


def _country(raw: str) -> str:
    """APS country codes carry an `X` after the two-letter code (`JPX`)."""
    return raw[:2] if len(raw) == 3 and raw.endswith("X") else raw


def _person(raw: str) -> str:
    """`Daniels; Everette E.` → `Daniels, Everette E.`"""
    return raw.replace("; ", ", ").replace(";", ", ")


def _address(group: Group) -> str:
    parts = [group.get("STR"), group.get("CTY"), group.get("STA"),
             _country(group.get("CNT"))]
    return ", ".join(part for part in parts if part)


def publication(name: str, groups: list[Group]) -> tuple[Publication, list[str]]:
    """One APS record as a publication and its problems."""
    patn = groups[0]
    kind = KINDS.get(patn.get("APT"), "A")
    wku = patn.get("WKU")
    number = docdb_number(wku[:-1] if len(wku) == 9 else wku)
    label = f"US {number} {kind}"
    apn = patn.get("APN")
    application = (f"{patn.get('SRC').zfill(2)}{apn[:6]}" if len(apn) == 7 and
                   patn.get("SRC") else apn)
    problems: list[str] = []
    parties: list[Party] = []
    priorities: list[Priority] = []
    classes: list[Classification] = []
    patents: list[PatentCitation] = []
    others: list[NonPatentCitation] = []
    paragraphs: list[Paragraph] = []
    claims: list[Claim] = []
    abstract: list[str] = []
    parent: ParentApplication | None = None
    inventors = assignees = 0
    for group in groups[1:]:
        if group.tag == "INVT":
            inventors += 1
            name_ = _person(group.get("NAM"))
            parties.append(Party(PartyRole.APPLICANT, name_, sequence=inventors,
                                 address=_address(group)))
            parties.append(Party(PartyRole.INVENTOR, name_, sequence=inventors,
                                 address=_address(group)))
        elif group.tag == "ASSG":
            assignees += 1
            parties.append(Party(PartyRole.RIGHT_HOLDER, _person(group.get("NAM")),
                                 sequence=assignees, address=_address(group)))
        elif group.tag == "LREP":
            for tag in ("FRM", "FR2", "AAT", "AGT", "ATT"):
                for value in group.all(tag):
                    parties.append(Party(PartyRole.ATTORNEY, _person(value),
                                         agent_kind=tag))
        elif group.tag == "PRIR":
            priorities.append(Priority(paris_application_number=group.get("APN"),
                                       paris_date=to_date(group.get("APD")),
                                       paris_country=_country(group.get("CNT"))))
        elif group.tag == "CLAS":
            for item in group.fields:
                if item.tag in ("OCL", "XCL"):
                    national = uspc(item.raw)
                    if national is not None:
                        classes.append(Classification(national.scheme, national.code,
                                                      main=item.tag == "OCL",
                                                      raw=national.raw, facet="US"))
                elif item.tag == "ICL":
                    classes.append(ipc(item.raw, main=not any(
                        c.scheme.value == "ipc" for c in classes)))
        elif group.tag in ("UREF", "FREF"):
            country = "US" if group.tag == "UREF" else _country(group.get("CNT"))
            pno = group.get("PNO")
            number_ = docdb_number(pno) if country == "US" else pno.replace(" ", "")
            patents.append(PatentCitation(f"{country}{number_}",
                                          draft_date=to_date(group.get("ISD")),
                                          order=len(patents) + len(others) + 1))
        elif group.tag == "OREF":
            for value in group.all("PAL") or [item.value for item in group.fields]:
                others.append(NonPatentCitation(title=value,
                                                order=len(patents) + len(others) + 1))
        elif group.tag == "RLAP":
            if parent is None:
                parent = ParentApplication(group.get("APN"), to_date(group.get("APD")),
                                           category=group.get("COD"))
            else:
                problems.append(f"{label}: the related application {group.get('APN')} "
                                "(RLAP) is not held: the model holds one parent.")
        elif group.tag == "PCTA":
            held = "; ".join(f"{item.tag} {item.value}" for item in group.fields)
            problems.append(f"{label}: the PCT data ({held}) is not held: the model has "
                            "no field for it.")
        elif group.tag == "REIS":
            held = "; ".join(f"{item.tag} {item.value}" for item in group.fields)
            problems.append(f"{label}: the reissue data ({held}) is not held: the model "
                            "has no field for it.")
        elif group.tag == "ABST":
            abstract.extend(item.value for item in group.fields
                            if PARAGRAPH_TAGS.match(item.tag))
        elif group.tag in DESCRIPTION:
            section = DESCRIPTION[group.tag]
            for item in group.fields:
                if item.tag == "PAC":
                    section = item.value
                elif PARAGRAPH_TAGS.match(item.tag):
                    paragraphs.append(Paragraph(f"{len(paragraphs) + 1:04d}", section,
                                                item.value))
        elif group.tag in ("CLMS", "DCLM"):
            for item in group.fields:
                if item.tag == "NUM":
                    digits = re.match(r"\d+", item.value)
                    claims.append(Claim(int(digits.group(0)) if digits
                                        else len(claims) + 1, ""))
                elif PARAGRAPH_TAGS.match(item.tag):
                    if not claims:
                        claims.append(Claim(1, ""))
                    last = claims[-1]
                    text = f"{last.text}\n{item.value}" if last.text else item.value
                    claims[-1] = Claim(last.number, text)
    ncl = patn.get("NCL")
    pub = Publication(
        country="US", kind=kind, st16_kind=kind,
        law=Law.DESIGN if kind == "S" else Law.PATENT, number=number,
        date=to_date(patn.get("ISD")), application_number=application,
        filing_date=to_date(patn.get("APD")), title=patn.get("TTL"),
        abstract="\n".join(abstract), language="en", claims=tuple(claims),
        paragraphs=tuple(paragraphs), parties=tuple(parties),
        priorities=tuple(priorities), classifications=tuple(classes),
        patent_citations=tuple(patents), non_patent_citations=tuple(others),
        parent=parent, number_of_claims=int(ncl) if ncl.isdigit() else None,
    )
    return pub, missing_parts(pub, label) + problems


def read(name: str, data: bytes, *, tolerant: bool = False) -> ForeignRead:
    """Every patent of an APS Green Book file. `tolerant` changes nothing: the format
    has no markup to repair."""
    del tolerant
    result = ForeignRead(FORMAT)
    for groups in records(name, data):
        pub, problems = publication(name, groups)
        result.publications.append(pub)
        result.problems.extend(problems)
    if not result.publications:
        raise ParseFailure(name, "not-aps", "no PATN record in the file", format=FORMAT)
    return result
