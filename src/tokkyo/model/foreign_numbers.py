"""Other offices' publication numbers (issue 15 §3): every common written form read into
the DOCDB doc-number form the foreign readers store, so that a lookup of `EP 1 234 567 B1`
finds the document a DOCDB delivery called `EP.1234567.B1`.

parse_foreign gives a ForeignNumber (country, DOCDB doc-number, kind) from the compact,
printed, epodoc and DOCDB forms, display() prints it, and is_foreign() tells a caller
which reader a query's number is for: JP numbers stay with `numbers.parse_number`
(parse_foreign refuses them and is_foreign does not claim them).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from enum import StrEnum

from tokkyo.model.eras import LAST_YEAR
from tokkyo.model.laws import Law
from tokkyo.model.numbers import NumberError, normalise_digits

#: WIPO ST.3 codes of offices and organisations: the states, the regional offices (AP ARIPO,
#: EA Eurasian, EM EUIPO, EP, GC Gulf, OA OAPI, XN Nordic, XV Visegrad, QZ CPVO, XU UPOV,
#: IB and WO WIPO) and the former states DOCDB still holds (CS, DD, SU, YU).
_ST3_TEXT = """
AD AE AF AG AI AL AM AO AP AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BM BN BO BQ BR BS BT BV
BW BX BY BZ CA CD CF CG CH CI CK CL CM CN CO CR CS CU CV CW CY CZ DD DE DJ DK DM DO DZ EA EC
EE EG EH EM EP ER ES ET FI FJ FK FO FR GA GB GC GD GE GG GH GI GL GM GN GQ GR GS GT GW GY HK
HN HR HT HU IB ID IE IL IM IN IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB
LC LI LK LR LS LT LU LV LY MA MC MD ME MG MK ML MM MN MO MP MR MS MT MU MV MW MX MY MZ NA NE
NG NI NL NO NP NR NZ OA OM PA PE PG PH PK PL PT PW PY QA QZ RO RS RU RW SA SB SC SD SE SG SH
SI SK SL SM SN SO SR SS ST SU SV SX SY SZ TC TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US
UY UZ VA VC VE VG VN VU WO WS XN XU XV YE YU ZA ZM ZW
"""
ST3_CODES = frozenset(_ST3_TEXT.split())

#: ST.16 kind codes each office publishes (its own table in WIPO ST.16 and in DOCDB); other
#: offices' kinds are not checked beyond the shape letter + optional digit.
FOREIGN_KINDS = {
    "EP": ("A1", "A2", "A3", "A4", "A8", "A9", "B1", "B2", "B3", "B8", "B9"),
    "US": ("A", "A1", "A2", "A9", "B1", "B2", "C1", "C2", "C3", "E", "H", "P", "P1", "P2",
           "P3", "P4", "P9", "S", "S1"),
    "WO": ("A1", "A2", "A3", "A4", "A8", "A9"),
    "CN": ("A", "B", "C", "U", "Y", "S", "D"),
}
#: US kinds of pre-grant publications (11-digit year + serial numbers) and of grants.
_US_APPLICATION_KINDS = ("A1", "A2", "A9", "P1", "P4", "P9")
#: US grant series written with a letter prefix, and the kinds each series is published as.
_US_SERIES = {
    "D": ("design", ("S", "S1")),  # S1 in the USPTO's XML and file names
    "RE": ("reissue", ("E",)),
    "PP": ("plant", ("P", "P2", "P3")),
    "H": ("statutory invention registration", ("H",)),
}
_US_UTILITY_KINDS = ("A", "B1", "B2", "C1", "C2", "C3")
_FIRST_PCT_YEAR = 1978
_FIRST_US_PUBLICATION_YEAR = 2001  # pre-grant publication began on 2001-03-15


class ForeignNumberError(NumberError):
    """A foreign publication number that cannot be read; the message names the input and
    what was wrong with it."""


class ForeignForm(StrEnum):
    """How a foreign number was written; the values are stable strings."""

    COMPACT = "compact"  # country, number and kind run together: EP1234567B1, USD435854S
    EPODOC = "epodoc"  # country and number, no kind: EP1234567, WO2022259205, US2001000044
    PRINTED = "printed"  # as printed, with spaces, commas or slashes: US 6,336,130 B1
    DOCDB = "docdb"  # EP.1234567.B1, EP.1234567.B1.20050101


@dataclass(frozen=True, slots=True)
class ForeignNumber:
    """A foreign publication number: ST.3 country, DOCDB doc-number, ST.16 kind ("" when the
    input gave none). `form` and `date` (the DOCDB form's publication date) record how it
    was written and take no part in equality."""

    country: str
    number: str
    kind: str = ""
    form: ForeignForm = field(default=ForeignForm.COMPACT, compare=False)
    date: datetime.date | None = field(default=None, compare=False)

    @property
    def law(self) -> Law | None:
        """The law the document falls under where number or kind tell (US D…, CN U/Y/S/D,
        DE/AT/… U utility models); None for a CN number without kind."""
        if self.country == "US":
            design = self.number.startswith("D") or self.kind[:1] == "S"
            return Law.DESIGN if design else Law.PATENT
        if self.country == "CN":
            return _CN_LAWS.get(self.kind[:1]) if self.kind else None
        if self.kind[:1] == "U" and self.country not in ("EP", "WO"):
            return Law.UTILITY
        if self.kind[:1] == "S" and self.country not in ("EP", "WO"):
            return Law.DESIGN
        return Law.PATENT

    def docdb(self) -> str:
        """`country.number.kind`, the DOCDB and OPS "docdb" form: "EP.1234567.B1"."""
        return ".".join(part for part in (self.country, self.number, self.kind) if part)

    def epodoc(self) -> str:
        """The epodoc form, without kind: "EP1234567", "WO2022259205"; US pre-grant
        publications lose the serial's leading zero (US20010000044 -> US2001000044)."""
        number = self.number
        if self.country == "US" and len(number) == 11 and number[4] == "0":
            number = number[:4] + number[5:]
        return f"{self.country}{number}"


_CN_LAWS = {"A": Law.PATENT, "B": Law.PATENT, "C": Law.PATENT, "U": Law.UTILITY,
            "Y": Law.UTILITY, "S": Law.DESIGN, "D": Law.DESIGN}

_FOREIGN_DOCDB = re.compile(
    r"\.(?P<number>[A-Z0-9]+)(?:\.(?P<kind>[A-Z][0-9]?)?)?(?:\.(?P<date>[0-9]{8}))?"
)
#: After the country: the number (optionally a letter series first), then an optional kind.
_FOREIGN_BODY = re.compile(
    r"(?P<sep>[\s/-]*)(?P<series>[A-Z]{1,3}(?=[\s,]*[0-9]))?(?P<number>[0-9][0-9\s,./-]*?)"
    r"[\s-]*(?P<kind>[A-Z][0-9]?)?"
)
#: How a foreign number starts, for is_foreign: country, then at most a space, a dot, a
#: hyphen or (WO only) a slash.
_FOREIGN_START = re.compile(r"(?P<cc>[A-Z]{2})(?P<sep>/|[\s.-]?)")
#: Five digits, perhaps with separators between them, or three and a kind code (AP 1206 A):
#: CO2 or NO2 stay words.
_FOREIGN_DIGITS = re.compile(r"(?:[0-9][\s,./-]?){5}|[0-9]{3,}[\s-]?[A-Z][0-9]?$")


#: Codes people write that ST.3 does not have, and the one they mean.
_COUNTRY_HINTS = {"UK": "the United Kingdom is GB", "EU": "European patents are EP"}


def _foreign_error(text: str, message: str) -> ForeignNumberError:
    return ForeignNumberError(f"{text}: {message}")


def _country(text: str, spaced: str) -> str:
    cc = spaced[:2]
    if not re.fullmatch(r"[A-Z]{2}", cc):
        raise _foreign_error(text, "no country code; a foreign number starts with the "
                                   "office's ST.3 code, e.g. EP1234567B1")
    if cc == "JP":
        raise _foreign_error(text, "a JP number; parse_number reads JP numbers")
    if cc not in ST3_CODES:
        hint = f" ({_COUNTRY_HINTS[cc]})" if cc in _COUNTRY_HINTS else ""
        raise _foreign_error(text, f"{cc} is not a WIPO ST.3 country code{hint}")
    return cc


def _kind_fits(kind: str, kinds: tuple[str, ...]) -> bool:
    """`kind` is one of `kinds`, or its letter alone as the EPO's citations write it
    (US 6180406 B, WO 2013176738 A)."""
    return kind in kinds or (len(kind) == 1 and any(k.startswith(kind) for k in kinds))


def _check_kind(text: str, cc: str, kind: str) -> None:
    known = FOREIGN_KINDS.get(cc)
    if kind and known is not None and not _kind_fits(kind, known):
        raise _foreign_error(text, f"kind {kind} does not exist for {cc}; {cc} kinds are "
                                   f"{', '.join(known)}")


def _plain_digits(text: str, cc: str, number: str) -> str:
    """The number without spaces and commas; refuses letters, year separators and 0."""
    digits = re.sub(r"[\s,]", "", number)
    if not digits.isdigit():
        if re.search(r"[/.-]", digits):
            example = f", e.g. {_EXAMPLES[cc]}" if cc in _EXAMPLES else ""
            raise _foreign_error(text, f"{cc} numbers have no parts separated by / - or .; "
                                       f"write the digits{example}")
        raise _foreign_error(text, f"letters in the number {digits}; {cc} numbers are digits")
    if int(digits) == 0:
        raise _foreign_error(text, "the number is 0")
    return digits


_EXAMPLES = {"EP": "EP1234567B1", "US": "US6336130B1", "WO": "WO2022/259205A1",
             "CN": "CN101234567A"}


def _ep_number(text: str, series: str, number: str, kind: str) -> str:
    if series:
        raise _foreign_error(text, f"letters in the number {series}{number.strip()}; "
                                   "EP numbers are digits")
    digits = _plain_digits(text, "EP", number)
    if len(digits) > 7:
        raise _foreign_error(text, f"{digits} has {len(digits)} digits; EP publication "
                                   "numbers have at most 7")
    return digits.zfill(7)


def _year_serial(text: str, number: str) -> tuple[str, str] | None:
    """Year and serial of a number written with a slash or hyphen (2001/0000044)."""
    if not re.search(r"[/-]", number):
        return None
    m = re.fullmatch(r"([0-9]{2}|[0-9]{4})\s*[/-]\s*([0-9]+)", number.strip())
    if m is None:
        raise _foreign_error(text, f"{number.strip()} is not a year, a slash and a serial")
    return m[1], m[2]


def _serial_of(text: str, serial: str, width: int, cc: str) -> str:
    if len(serial.lstrip("0")) > width:
        raise _foreign_error(text, f"serial {serial} has more than {width} digits; {cc} "
                                   f"serials have at most {width}")
    if int(serial) == 0:
        raise _foreign_error(text, "the serial is 0")
    return serial.lstrip("0").zfill(width)


def _us_application(text: str, year: str, serial: str, kind: str) -> str:
    if len(year) != 4 or not _FIRST_US_PUBLICATION_YEAR <= int(year) <= LAST_YEAR:
        raise _foreign_error(text, f"year {year} is outside {_FIRST_US_PUBLICATION_YEAR}–"
                                   f"{LAST_YEAR} (US pre-grant publication began in 2001)")
    if kind and not _kind_fits(kind, _US_APPLICATION_KINDS):
        raise _foreign_error(text, f"kind {kind} is a US grant kind, but {year}/{serial} is a "
                                   "pre-grant publication (kinds "
                                   f"{', '.join(_US_APPLICATION_KINDS)})")
    return year + _serial_of(text, serial, 7, "US")


def _us_number(text: str, series: str, number: str, kind: str) -> str:
    """US: grants without leading zeros (6336130), series with their letters (D435854,
    RE40000, PP12345, H1234), pre-grant publications as year + 7 digits (20010000044)."""
    if series:
        if series not in _US_SERIES:
            raise _foreign_error(text, f"letters in the number {series}{number.strip()}; US "
                                       "numbers are digits or D, RE, PP or H and digits")
        name, kinds = _US_SERIES[series]
        if kind and not _kind_fits(kind, kinds):
            raise _foreign_error(text, f"kind {kind} does not fit a US {name} number "
                                       f"({series}…), published as {', '.join(kinds)}")
        digits = _plain_digits(text, "US", number)
        return series + digits.lstrip("0")
    if parts := _year_serial(text, number):
        return _us_application(text, parts[0], parts[1], kind)
    digits = _plain_digits(text, "US", number)
    if len(digits) == 11 and digits[:2] in ("19", "20"):
        return _us_application(text, digits[:4], digits[4:], kind)
    if len(digits) == 10 and digits[:2] == "20":  # epodoc and DOCDB: year + 6 digits
        return _us_application(text, digits[:4], digits[4:], kind)
    if len(digits.lstrip("0")) > 8:
        raise _foreign_error(text, f"{digits} is neither a US grant number (up to 8 digits) "
                                   "nor a pre-grant publication (year and 7 digits, "
                                   "US 2001/0000044)")
    if kind and not _kind_fits(kind, _US_UTILITY_KINDS):
        raise _foreign_error(text, f"kind {kind} does not fit a US utility grant number; "
                                   f"those are published as {', '.join(_US_UTILITY_KINDS)}")
    return digits.lstrip("0")


def _wo_number(text: str, series: str, number: str, kind: str) -> str:
    """WO: 4-digit year + 6-digit serial (2022259205); 2-digit years (WO 99/61002, the
    DOCDB form WO9961002 before 2004) get their century."""
    if series:
        raise _foreign_error(text, f"letters in the number {series}{number.strip()}; "
                                   "WO numbers are a year and a serial")
    if parts := _year_serial(text, number):
        year, serial = parts
    else:
        digits = _plain_digits(text, "WO", number)
        if len(digits) == 10:
            year, serial = digits[:4], digits[4:]
        elif len(digits) == 7:
            year, serial = digits[:2], digits[2:]
        else:
            raise _foreign_error(text, f"{digits} has {len(digits)} digits; WO numbers are "
                                       "a 4-digit year and a 6-digit serial (WO2022/259205)")
    if len(year) == 2 and 4 <= int(year) < 78:
        raise _foreign_error(text, f"2-digit year {year}: WO numbers had 2-digit years from "
                                   "1978 to 2003 (WO 99/61002), 4-digit years since 2004")
    full = int(year) if len(year) == 4 else (1900 if int(year) >= 78 else 2000) + int(year)
    if not _FIRST_PCT_YEAR <= full <= LAST_YEAR:
        raise _foreign_error(text, f"year {year} is outside {_FIRST_PCT_YEAR}–{LAST_YEAR} "
                                   "(PCT began in 1978)")
    return f"{full}{_serial_of(text, serial, 6, 'WO')}"


def _cn_number(text: str, series: str, number: str, kind: str) -> str:
    """CN: digits as the publication reference gives them (CN101234567A, CN102015000481495)."""
    if series:
        raise _foreign_error(text, f"letters in the number {series}{number.strip()}; "
                                   "CN numbers are digits")
    digits = _plain_digits(text, "CN", number)
    if not 6 <= len(digits) <= 15:
        raise _foreign_error(text, f"{digits} has {len(digits)} digits; CN numbers have 6–15")
    return digits


def _kr_number(text: str, series: str, number: str, kind: str) -> str:
    """KR: the printed 10-2004-0032451 and KIPRIS's 1020040032451 (right code, year, serial)
    are the publication 20040032451 in DOCDB, the printed registration 10-0484299 is
    100484299; other digits as given."""
    if m := re.fullmatch(r"([1-4]0)[\s-]+([0-9]{4})[\s-]+([0-9]{7})", number.strip()):
        return m[2] + m[3]
    if m := re.fullmatch(r"([1-4]0)[\s-]+([0-9]{7})", number.strip()):
        return m[1] + m[2]
    digits = _other_number(text, "KR", series, number)
    if re.fullmatch(r"[1-4]0(?:19|20)[0-9]{9}", digits):  # KIPRIS 1020200012345
        return digits[2:]
    return digits


def _other_number(text: str, cc: str, series: str, number: str) -> str:
    """Other offices: the number as given (leading zeros and a letter series such as
    GE P20033014 kept), spaces and commas dropped."""
    return series + _plain_digits(text, cc, number)


_COUNTRY_NUMBERS = {"EP": _ep_number, "US": _us_number, "WO": _wo_number, "CN": _cn_number,
                    "KR": _kr_number}


def parse_foreign(text: str) -> ForeignNumber:
    """A foreign publication number in any common form, normalised to the DOCDB doc-number.

    Forms: EP1234567B1, EP 1 234 567 B1, US 6,336,130 B1, USD435854S, US D435,854 S,
    US20010000044A1, US 2001/0000044 A1, US 2001-0000044, US2001000044 (epodoc), CN101234567A,
    CN102015000481495, WO2022/259205, WO 2022/259205 A1, WO2022259205A1, WO 99/61002, and
    DOCDB EP.1234567.B1 or EP.1234567.B1.20050101. Numbers: EP 7 digits zero-padded, US grants
    without leading zeros (designs D435854), US pre-grant publications 11 digits, WO 10 digits,
    CN and other offices as given. ForeignNumberError names what was wrong; JP numbers are
    refused (parse_number reads them).
    """
    spaced = normalise_digits(text).strip().upper()
    if not spaced:
        raise ForeignNumberError("empty input: expected a foreign number such as EP1234567B1")
    cc = _country(text, spaced)
    rest = spaced[2:]
    if rest.startswith("."):
        m = _FOREIGN_DOCDB.fullmatch(rest)
        if m is None:
            raise _foreign_error(text, "not a DOCDB number; DOCDB writes country.number.kind"
                                       "[.date], e.g. EP.1234567.B1.20050101")
        form, kind, raw = ForeignForm.DOCDB, m["kind"] or "", m["number"]
        split = re.fullmatch(r"([A-Z]{0,3})([0-9].*)", raw)
        if split is None:
            raise _foreign_error(text, f"letters in the number {raw}; {cc} numbers are digits")
        series, number = split[1], split[2]
        date = _docdb_date(text, m["date"]) if m["date"] else None
    else:
        b = _FOREIGN_BODY.fullmatch(rest)
        if b is None:
            raise _foreign_error(text, _body_problem(cc, rest))
        kind, series, number, date = b["kind"] or "", b["series"] or "", b["number"], None
        if re.search(r"[\s,/-]", rest):
            form = ForeignForm.PRINTED
        else:
            form = ForeignForm.COMPACT if kind else ForeignForm.EPODOC
        if "/" in b["sep"] and cc != "WO":
            raise _foreign_error(text, f"a slash after {cc}; only WO numbers are written so")
    _check_kind(text, cc, kind)
    reader = _COUNTRY_NUMBERS.get(cc)
    normal = reader(text, series, number, kind) if reader else _other_number(text, cc, series,
                                                                             number)
    return ForeignNumber(cc, normal, kind, form, date)


def parse_document_id(country: str, doc_number: str, kind: str = "") -> ForeignNumber:
    """A `document-id` as the exchange formats give it (country, doc-number, kind), for the
    foreign readers: the doc-number may repeat the country, as USPTO citations do
    (`WO` + `WO 2005/023894`)."""
    cc = normalise_digits(country).strip().upper()
    number = normalise_digits(doc_number).strip().upper()
    if number[:2] == cc and not number[2:3].isalpha():
        number = number[2:].lstrip()
    if number.startswith("/") and cc == "WO":  # WO/2006/001333
        number = number[1:]
    return parse_foreign(f"{cc} {number} {kind.strip()}".strip())


def _body_problem(cc: str, rest: str) -> str:
    body = rest.strip()
    if not body:
        return f"{cc} is not followed by a number"
    if m := re.fullmatch(r"(.*[0-9])\s*([A-Z]{2,}[0-9]*|[A-Z][0-9]{2,})", body):
        return f"{m[2]} is not a kind code; kind codes are a letter and at most one digit"
    number = re.sub(r"[\s-]*[A-Z][0-9]?$", "", body) or body  # without its kind
    return f"letters in the number {number}; {cc} numbers are digits"


def _docdb_date(text: str, digits: str) -> datetime.date:
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _foreign_error(text, f"{digits} is not a real date") from None


def is_foreign(text: str) -> bool:
    """Whether `text` is written as a foreign number (parse_foreign's business) rather than
    a JP one (parse_number's): an ST.3 code other than JP, then the number (at least five
    digits, or three and a kind code, so that CO2 or NO2 in a search box stay words). It
    judges the shape only, so a malformed foreign number still routes here and
    parse_foreign says what is wrong with it. JP forms (特開2021-044377, 2021-044377, JP2021044377A,
    JP.2022012345.A), PCT/JP2019/011858 and Hague DM/091050 are not foreign.

    WO numbers are foreign (WIPO publications) but parse_number also reads them, as the
    international publication of a JP national phase; a lookup wanting both asks both.
    """
    spaced = normalise_digits(text).strip().upper()
    m = _FOREIGN_START.match(spaced)
    if m is None or m["cc"] == "JP" or m["cc"] not in ST3_CODES:
        return False
    if m["sep"] == "/" and m["cc"] != "WO":
        return False
    rest = spaced[m.end():]
    if m["cc"] == "US":
        rest = re.sub(r"^(?:D|RE|PP|H)\s?", "", rest)
    elif m["sep"] != ".":
        rest = re.sub(r"^[A-Z]{1,2}(?=[0-9]{5})", "", rest)  # GE P20033014 B, TN SN99097
    else:  # DOCDB, unambiguous: AP.1206.A, GE.P20033014.B
        return re.match(r"[A-Z]{0,3}[0-9]", rest) is not None
    return _FOREIGN_DIGITS.match(rest) is not None


def display(number: ForeignNumber | str) -> str:
    """The printed form: EP 1 234 567 B1, US 6,336,130 B1, US D435,854 S,
    US 2001/0000044 A1, WO 2022/259205 A1, CN 101234567 A. A string is parsed first."""
    if isinstance(number, str):
        number = parse_foreign(number)
    cc, digits = number.country, number.number
    if cc == "EP" and len(digits) == 7:
        printed = f"{digits[0]} {digits[1:4]} {digits[4:]}"
    elif cc == "US" and len(digits) == 11 and digits.isdigit():
        printed = f"{digits[:4]}/{digits[4:]}"
    elif cc == "US":
        series = digits.rstrip("0123456789")
        printed = f"{series}{int(digits[len(series):]):,}"
    elif cc == "WO" and len(digits) == 10:
        printed = f"{digits[:4]}/{digits[4:]}"
    else:
        printed = digits
    return " ".join(part for part in (cc, printed, number.kind) if part)
