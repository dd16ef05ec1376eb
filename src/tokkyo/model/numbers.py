"""Japanese industrial-property numbers: read every written form, give one canonical key.

Accepted input (full- or half-width, spaces and hyphen variants anywhere; portal.md §5):

- Japanese: an optional prefix naming law and stage — 特願 実願 意願 商願 (applications),
  特開 実開 (publications), 特表 (national publications), 再表 (republications), 特公 実公
  (examined publications), 特許 実登 意匠登録 商標登録 (registrations), 国際登録, 異議 不服
  審判 (appeals), or a long form such as 特許出願公開 — then a year and a serial
  (`2020-123456`, `平成10-123456`, `平10-123456`, `H10-123456`, `令和元年第1号`), or a bare
  serial for registrations (`第7533889号`). `平成10年特許出願公開第123456号` puts the year first.
- Bare digits: 10 = Western year and serial (offered as application and as publication);
  9 = the API's era-coded form (`503090037` = 2021-090037, eras.py); 8 = a 2-digit year without
  era (guessed: 01–11 Heisei, 12–64 Shōwa) and serial; up to 7 = a registration.
- epodoc/OPS `JPH08179521`, `JP2011251389A` and the PatZilla/DEPATISnet spellings `JP8-179521`,
  `JP58002167U`, `JP002011251389A`, `JP00000S602468B2`; DOCDB `JP.2022012345.A`; the API's
  cite_doc_info `JPA 414233033` (country, kind code, era-coded number).
- PCT application `PCT/JP2019/011858` (key `JP2019011858`), international publication
  `WO2019/123456` (`WO2019123456`), Hague design registration `DM/091050`.

Keys: numbers with a year (application, publication, examined, appeal …) are the 4-digit
Western year and the 6-digit serial (`2020123456`); registrations are 7 digits (`0123456`).
Kind codes decide the kind: A publication (serial above 500000: national publication, whose
serials start at 500001), T national publication, B examined when the number has a year and
registration when not, U and Y likewise for utility models, S design registration.

Foreign publication numbers (EP, US, CN, WO and the other ST.3 offices) have their own reader,
parse_foreign, at the end of the module: it gives a ForeignNumber (country, DOCDB doc-number,
kind) from the compact, printed, epodoc and DOCDB forms, display() prints it, and
is_foreign() tells a caller which of the two readers a query's number is for.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum

from tokkyo.model.eras import (
    FIRST_YEAR,
    LAST_YEAR,
    NumberError,
    YearReading,
    ad_to_era_coded,
    era_coded_to_ad,
    era_named,
    era_on,
    era_to_western,
    read_era_coded,
    read_era_year,
    read_year,
    western_to_era,
)
from tokkyo.model.laws import Law

__all__ = [
    "FOREIGN_KINDS",
    "ST3_CODES",
    "ForeignForm",
    "ForeignNumber",
    "ForeignNumberError",
    "JPNumber",
    "NumberError",
    "NumberKind",
    "ad_to_era_coded",
    "display",
    "era_coded_to_ad",
    "era_to_western",
    "is_foreign",
    "normalise_digits",
    "parse_cited_document_number",
    "parse_document_id",
    "parse_foreign",
    "parse_number",
    "parse_one",
    "western_to_era",
]


class NumberKind(StrEnum):
    """What a number numbers; the values are stable strings."""

    APPLICATION = "application"
    PUBLICATION = "publication"  # 公開 (特開/実開), kind A/U
    NATIONAL_PUBLICATION = "national-publication"  # 特表 (PCT national phase), kind A (T)
    REPUBLICATION = "republication"  # 再表 / JPWO
    EXAMINED = "examined"  # 特公/実公, kind B/Y, until 1996
    REGISTRATION = "registration"  # 特許第…号, 実登, 意匠登録, 商標登録: 7 digits, no year
    INTERNATIONAL_APPLICATION = "international-application"  # PCT/JP2019/011858
    INTERNATIONAL_PUBLICATION = "international-publication"  # WO2019/123456
    INTERNATIONAL_REGISTRATION = "international-registration"  # Hague DM/091050, Madrid
    APPEAL = "appeal"  # 審判 / 不服 / 異議 (numberType 07)


_K = NumberKind
_DATED = frozenset({_K.APPLICATION, _K.PUBLICATION, _K.NATIONAL_PUBLICATION,
                    _K.REPUBLICATION, _K.EXAMINED, _K.APPEAL})
_UNDATED = frozenset({_K.REGISTRATION, _K.INTERNATIONAL_REGISTRATION})
#: Kinds the JPO numbered with era years until 1999.
_ERA_NUMBERED = frozenset({_K.APPLICATION, _K.PUBLICATION, _K.NATIONAL_PUBLICATION,
                           _K.EXAMINED, _K.APPEAL})
#: Kinds that exist for patents and utility models only.
_TECHNICAL = frozenset({_K.PUBLICATION, _K.NATIONAL_PUBLICATION, _K.REPUBLICATION,
                        _K.INTERNATIONAL_APPLICATION, _K.INTERNATIONAL_PUBLICATION})
_LAST_PUBLICATION_SERIAL = 500000  # 特表 serials start at 500001
#: Kinds whose 2-digit years are Western (WO98/12345), not era years.
_WESTERN_SHORT_YEARS = frozenset({_K.REPUBLICATION, _K.INTERNATIONAL_APPLICATION,
                                  _K.INTERNATIONAL_PUBLICATION})


@dataclass(frozen=True, slots=True)
class JPNumber:
    """One reading of a number. `era` and `kind_code` record how it was written (they feed
    epodoc() and docdb()) and take no part in equality."""

    kind: NumberKind
    law: Law | None  # None when the input does not say
    key: str  # canonical key, see the module docstring
    year: int | None  # Western year, where the number has one
    serial: int | None
    era_guessed: bool = False  # a 2-digit year without era was read as Heisei or Shōwa
    note: str = ""  # how it was read, e.g. "Heisei 10 = 1998"
    era: str = field(default="", compare=False)  # era letter the input gave or implied
    kind_code: str = field(default="", compare=False)  # kind code the input carried (A, B2 …)

    def docdb(self, kind_code: str | None = None) -> str:
        """`country.number.kind` as the OPD API takes it: "JP.2021090037.A".

        The number is always digits (the OPD pattern), so years before 2000 appear as Western
        years. Without `kind_code` the input's kind code is used, else the usual one: A, U for
        utility models, B2/Y2 for examined publications, B2/U/S for registrations, A1 for WO
        and republications.
        """
        if self.law is Law.TRADEMARK or self.kind in (
            _K.APPEAL, _K.INTERNATIONAL_APPLICATION, _K.INTERNATIONAL_REGISTRATION
        ):
            raise NumberError(f"{_label(self)}: has no DOCDB form")
        code = kind_code if kind_code is not None else self.kind_code or _usual_kind_code(self)
        if self.kind is _K.INTERNATIONAL_PUBLICATION:
            return f"WO.{self.key[2:]}.{code}"
        if self.kind is _K.REPUBLICATION:
            return f"JP.WO{self.key}.{code}"
        number = str(self.serial) if self.kind is _K.REGISTRATION else self.key
        return f"JP.{number}.{code}"

    def epodoc(self, kind_code: str | None = None) -> str:
        """epodoc/OPS form: "JPH08179521" before 2000, "JP2011251389" after, "JP3657641".

        The serial loses its leading zeros after an era year (JPS582167). The input's kind
        code is appended unless `kind_code` says otherwise ("" for none).
        """
        code = self.kind_code if kind_code is None else kind_code
        if self.kind in _ERA_NUMBERED and self.kind is not _K.APPEAL and self.year is not None:
            if self.law is Law.TRADEMARK:
                raise NumberError(f"{_label(self)}: has no epodoc form")
            if self.year >= 2000:
                return f"JP{self.key}{code}"
            era = era_named(self.era) if self.era else era_on(datetime.date(self.year, 7, 1))
            return f"JP{era.letter}{self.year - era.offset:02d}{self.serial}{code}"
        if self.kind is _K.REGISTRATION and self.law is not Law.TRADEMARK:
            return f"JP{self.serial}{code}"
        if self.kind is _K.REPUBLICATION:
            return f"JPWO{self.key}{code}"
        if self.kind is _K.INTERNATIONAL_PUBLICATION:
            return f"{self.key}{code}"
        raise NumberError(f"{_label(self)}: has no epodoc form")


def _usual_kind_code(number: JPNumber) -> str:
    utility = number.law is Law.UTILITY
    if number.kind in (_K.REPUBLICATION, _K.INTERNATIONAL_PUBLICATION):
        return "A1"
    if number.kind is _K.EXAMINED:
        return "Y2" if utility else "B2"
    if number.kind is _K.REGISTRATION:
        return "U" if utility else "S" if number.law is Law.DESIGN else "B2"
    return "U" if utility else "A"


def _label(number: JPNumber) -> str:
    law = f"{number.law.value} " if number.law else ""
    return f"{law}{number.kind.value} {number.key}"


def _labels(numbers: list[JPNumber]) -> str:
    return ", ".join(_label(n) for n in numbers)


# --- normalising -------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−⁃ー﹣－ｰ"), "-")


def normalise_digits(text: str) -> str:
    """NFKC (full-width digits, letters, ／ and U+3000 become ASCII), then every hyphen-like
    mark (－‐―ー− …) becomes "-"."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


# --- prefixes ----------------------------------------------------------------------------

_PREFIX_TABLE = """
patent     application                 特願 特許願 特許出願
utility    application                 実願 実用新案登録願 実用新案登録出願
design     application                 意願 意匠登録願 意匠登録出願
trademark  application                 商願 商標登録願 商標登録出願
patent     publication                 特開 特許出願公開 公開特許
utility    publication                 実開 実用新案出願公開 実用新案登録出願公開 公開実用新案
patent     national-publication        特表 特許出願公表 公表特許
utility    national-publication        実表
patent     republication               再表 再公表 再公表特許
patent     examined                    特公 特許出願公告
utility    examined                    実公 実用新案出願公告
patent     registration                特許 特許登録
utility    registration                実登 実用新案登録
design     registration                意匠登録
trademark  registration                商標登録
-          international-registration  国際登録
-          international-application   国際出願
-          international-publication   国際公開
-          appeal                      異議 不服 審判 無効 訂正 取消
"""
_PREFIXES = sorted(  # (alias, law, kind), longest alias first
    ((alias, None if law == "-" else Law(law), NumberKind(kind))
     for law, kind, *aliases in map(str.split, _PREFIX_TABLE.strip().splitlines())
     for alias in aliases),
    key=lambda row: -len(row[0]),
)


@dataclass(frozen=True, slots=True)
class _Prefix:
    alias: str
    law: Law | None
    kind: NumberKind


_ERA = "明治|大正|昭和|平成|令和|[明大昭平令MTSHR]"
_LEAD = re.compile(rf"(?P<era>{_ERA})?(?P<year>[0-9]{{1,4}}|元)年")
_TAIL = re.compile(r"号?(?:公報)?$")


def _match_prefix(compact: str) -> tuple[_Prefix, str] | None:
    for alias, law, kind in _PREFIXES:
        if compact.startswith(alias):
            return _Prefix(alias, law, kind), compact[len(alias):].removeprefix("第")
    return None


def _split_prefix(compact: str) -> tuple[_Prefix | None, str]:
    """The prefix and the rest; a year written first (平成10年特許出願公開第123456号) moves
    back in front of the serial (平成10-123456)."""
    if found := _match_prefix(compact):
        return found
    lead = _LEAD.match(compact)
    if lead and (found := _match_prefix(compact[lead.end():])):
        prefix, serial = found
        return prefix, f"{lead['era'] or ''}{lead['year']}-{serial}" if serial else ""
    return None, compact.removeprefix("第")


# --- years and serials -------------------------------------------------------------------

def _written_year(text: str, year: str, stage: NumberKind | None) -> YearReading:
    return read_year(text, year, western=stage in _WESTERN_SHORT_YEARS)


def _era_coded_year(text: str, digits: str) -> tuple[YearReading, str]:
    when, serial = read_era_coded(text, digits)
    return when, f"{serial:06d}"


def _serial(text: str, digits: str, limit: int, what: str) -> int:
    if not digits.isdigit():
        raise NumberError(f"{text}: no {what} after the year")
    value = int(digits)
    if value == 0:
        raise NumberError(f"{text}: {what} is 0; JP {what}s start at 1")
    width = len(str(value))
    if width > limit:
        raise NumberError(
            f"{text}: {what} {value} has {width} digits; a JP {what} has at most {limit}"
        )
    return value


def _era_remark(kind: NumberKind, when: YearReading) -> str:
    if kind not in _ERA_NUMBERED or when.era_coded or when.guessed:
        return ""
    if when.era and when.year >= 2000:
        return f"from 2000 the JPO writes the Western year {when.year}"
    if not when.era and when.year < 2000:
        eras = (era_on(datetime.date(when.year, 1, 1)), era_on(datetime.date(when.year, 12, 31)))
        written = " or ".join(dict.fromkeys(f"{e.letter}{when.year - e.offset}" for e in eras))
        return f"Western year; until 1999 the JPO wrote era years ({written})"
    return ""


def _dated(text: str, kind: NumberKind, law: Law | None, when: YearReading, serial_text: str,
           code: str = "") -> JPNumber:
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise NumberError(f"{text}: year {when.year} is outside {FIRST_YEAR}–{LAST_YEAR}")
    serial = _serial(text, serial_text, 6, "serial")
    note = "; ".join(part for part in (when.how, _era_remark(kind, when)) if part)
    return JPNumber(kind, law, f"{when.year:04d}{serial:06d}", when.year, serial,
                    when.guessed, note, when.era, code)


def _undated(text: str, kind: NumberKind, law: Law | None, digits: str,
             code: str = "") -> JPNumber:
    serial = _serial(text, digits, 7, "registration number")
    if kind is _K.INTERNATIONAL_REGISTRATION and law is None:
        law = Law.TRADEMARK  # digits only: Madrid; Hague numbers are DM/…
    return JPNumber(kind, law, f"{serial:07d}", None, serial, kind_code=code)


def _publication_kind(serial_text: str) -> NumberKind:
    # an empty or non-numeric serial is refused by `_serial` when the number is made
    if serial_text.isdigit() and int(serial_text) > _LAST_PUBLICATION_SERIAL:
        return _K.NATIONAL_PUBLICATION
    return _K.PUBLICATION


def _default_kinds(stage: NumberKind | None, serial_text: str) -> list[NumberKind]:
    return [stage] if stage else [_K.APPLICATION, _publication_kind(serial_text)]


# --- Japanese forms and bare digits ------------------------------------------------------

_ERA_FORM = re.compile(rf"(?P<era>{_ERA})(?P<year>[0-9]{{1,2}}|元)年?[-/]?第?(?P<serial>[0-9]+)")
_YEAR_FORM = re.compile(r"(?P<year>[0-9]{1,4})(?=[年/-])年?[-/]?第?(?P<serial>[0-9]+)")


def _japanese(text: str, body: str, stage: NumberKind | None) -> list[JPNumber]:
    if m := _ERA_FORM.fullmatch(body):
        return _dated_kinds(text, read_era_year(text, m["era"], m["year"]), m["serial"], stage)
    if m := _YEAR_FORM.fullmatch(body):
        when = _written_year(text, m["year"], stage)
        return _dated_kinds(text, when, m["serial"], stage)
    if re.fullmatch(r"[0-9]+", body):
        return _digits(text, body, stage)
    raise NumberError(
        f"{text}: not a JP number form; expected e.g. 特願2020-123456, 特開平10-123456, "
        "特許第7533889号, JP2011251389A or PCT/JP2019/011858"
    )


def _dated_kinds(text: str, when: YearReading, serial_text: str,
                 stage: NumberKind | None) -> list[JPNumber]:
    if stage in _UNDATED:
        raise NumberError(
            f"{text}: {stage.value} numbers have no year; write the number alone, "
            "e.g. 特許第7533889号"
        )
    return [_dated(text, kind, None, when, serial_text)
            for kind in _default_kinds(stage, serial_text)]


def _digits(text: str, digits: str, stage: NumberKind | None) -> list[JPNumber]:
    """Bare digits: 10 year + serial, 9 era-coded, 8 2-digit year + serial, ≤7 registration."""
    if stage is None:
        dated_ok, undated_ok = len(digits) >= 8, len(digits) <= 7 or digits.startswith("0")
    else:
        dated_ok, undated_ok = stage in _DATED, stage in _UNDATED
    found: list[JPNumber] = []
    problems: list[NumberError] = []
    if dated_ok:
        try:
            found += _dated_digits(text, digits, stage)
        except NumberError as problem:
            problems.append(problem)
    if undated_ok:
        try:
            found.append(_undated(text, stage or _K.REGISTRATION, None, digits))
        except NumberError as problem:
            problems.append(problem)
    if found:
        return found
    raise problems[0]


def _dated_digits(text: str, digits: str, stage: NumberKind | None) -> list[JPNumber]:
    when, serial_text = _year_and_serial(text, digits, stage)
    if stage is None and len(digits) == 9:
        kinds = [_publication_kind(serial_text)]  # the API era-codes publication numbers only
    else:
        kinds = _default_kinds(stage, serial_text)
    return [_dated(text, kind, None, when, serial_text) for kind in kinds]


def _year_and_serial(text: str, digits: str,
                     stage: NumberKind | None) -> tuple[YearReading, str]:
    """10 digits: Western year and serial; 9: era-coded; 8: 2-digit year and serial."""
    if len(digits) == 10:
        return YearReading(int(digits[:4])), digits[4:]
    if len(digits) == 9:
        return _era_coded_year(text, digits)
    if len(digits) == 8:
        return _written_year(text, digits[:2], stage), digits[2:]
    if len(digits) > 10:
        raise NumberError(f"{text}: {len(digits)} digits are too many for a year and a serial")
    raise NumberError(
        f"{text}: {digits} has no year; {stage or 'application and publication'} numbers are "
        "a year and a serial, e.g. 2020-123456 or H10-123456"
    )


# --- epodoc, DOCDB, cited documents ------------------------------------------------------

_EPODOC = re.compile(r"-?(?P<era>0*[MTSHR])?(?P<number>[0-9][0-9/-]*)(?P<code>[A-Z][0-9]?)?")
_DOCDB = re.compile(
    r"(?P<cc>[A-Z]{2})\.(?P<number>[A-Z0-9/-]+)(?:\.(?P<code>[A-Z][0-9]?))?(?:\.[0-9]{8})?"
)
_CITED = re.compile(r"(?P<cc>[A-Z]{2})(?P<code>[A-Z][0-9]?)\s+(?P<digits>[0-9]{9})")
_CITED_COMPACT = re.compile(r"(?P<code>[ABUY])(?P<digits>[0-9]{9})")
#: Kind code letter -> kind and law, for numbers with a year and for registrations.
_DATED_CODES = {
    "A": (_K.PUBLICATION, Law.PATENT), "T": (_K.NATIONAL_PUBLICATION, Law.PATENT),
    "B": (_K.EXAMINED, Law.PATENT), "U": (_K.PUBLICATION, Law.UTILITY),
    "Y": (_K.EXAMINED, Law.UTILITY),
}
_UNDATED_CODES = {
    "B": (_K.REGISTRATION, Law.PATENT), "U": (_K.REGISTRATION, Law.UTILITY),
    "Y": (_K.REGISTRATION, Law.UTILITY), "S": (_K.REGISTRATION, Law.DESIGN),
}


def _kind_from_code(text: str, code: str, serial_text: str | None) -> tuple[NumberKind, Law]:
    """Kind and law from a kind code; `serial_text` is None for numbers without a year."""
    table = _UNDATED_CODES if serial_text is None else _DATED_CODES
    if code[0] not in table:
        if code[0] in _DATED_CODES or code[0] in _UNDATED_CODES:
            shape = "a registration number" if serial_text is None else "a number with a year"
            raise NumberError(f"{text}: kind code {code} does not fit {shape}")
        raise NumberError(f"{text}: unknown JP kind code {code}; expected A, T, B, U, Y or S")
    kind, law = table[code[0]]
    if kind is _K.PUBLICATION and law is Law.PATENT and serial_text is not None:
        kind = _publication_kind(serial_text)
    return kind, law


def _cited(text: str, code: str, digits: str) -> JPNumber:
    when, serial_text = _era_coded_year(text, digits)
    kind, law = _kind_from_code(text, code, serial_text)
    return _dated(text, kind, law, when, serial_text, code)


def _epodoc(text: str, rest: str) -> tuple[list[JPNumber], bool]:
    """What follows "JP" in epodoc, OPS, DEPATISnet and J-PlatPat spellings."""
    if m := _CITED_COMPACT.fullmatch(rest):
        return [_cited(text, m["code"], m["digits"])], True
    m = _EPODOC.fullmatch(rest)
    if m is None:
        raise NumberError(
            f"{text}: not an epodoc or DOCDB JP number (JPH08179521, JP2011251389A, "
            "JP.2022012345.A)"
        )
    code, number, era = m["code"] or "", m["number"], (m["era"] or "").lstrip("0")
    parts = re.split(r"[/-]", number)
    when: YearReading | None = None
    if len(parts) > 2:
        raise NumberError(f"{text}: too many separators in {number}")
    if era or len(parts) == 2:
        year_text, serial_text = parts if len(parts) == 2 else (number[:2], number[2:])
        when = read_era_year(text, era, year_text) if era else _written_year(text, year_text, None)
    else:
        number = number.lstrip("0") if len(number) > 10 else number  # JP002011251389A
        padded_grant = len(number) == 8 and code[:1] == "B" and number[0] == "0"  # JP04219000B2
        if len(number) >= 8 and not padded_grant:
            when, serial_text = _year_and_serial(text, number, None)
    if when is None:
        if code:
            kind, law = _kind_from_code(text, code, None)
            return [_undated(text, kind, law, number, code)], True
        return [_undated(text, _K.REGISTRATION, None, number)], False
    if code:
        kind, law = _kind_from_code(text, code, serial_text)
        return [_dated(text, kind, law, when, serial_text, code)], True
    found = [_dated(text, _publication_kind(serial_text), None, when, serial_text)]
    if re.fullmatch(r"[0-9]{10}", number):  # JP2019011858 is also the API's PCT form
        found.append(_pct(text, "PCTJP" + number))
    return found, False


def parse_cited_document_number(text: str) -> JPNumber:
    """A cite_doc_info documentNumber: "JPA 414233033" -> publication 2002233033 (Heisei 14).

    Country and kind code, a space, and the 9-digit era-coded number (jpo-api.md §6).
    """
    m = re.fullmatch(r"(?P<cc>[A-Z]{2})(?P<code>[A-Z][0-9]?)\s*(?P<digits>[0-9]{9})",
                     normalise_digits(text).strip().upper())
    if m is None:
        raise NumberError(
            f"{text}: a cited document number is country, kind code, a space and 9 era-coded "
            "digits, e.g. JPA 414233033"
        )
    if m["cc"] != "JP":
        raise NumberError(f"{text}: country {m['cc']} is not JP")
    return _cited(text, m["code"], m["digits"])


# --- PCT, WO, Hague ----------------------------------------------------------------------

_PCT = re.compile(r"PCT[/-]?(?P<cc>[A-Z]{2})[/-]?(?:(?P<year>[0-9]{4}|[0-9]{2})[/-]"
                  r"(?P<serial>[0-9]+)|(?P<year4>[0-9]{4})(?P<serial6>[0-9]{6}))")
_WO = re.compile(r"WO[/-]?(?:(?P<year>[0-9]{4}|[0-9]{2})[/-](?P<serial>[0-9]+)"
                 r"|(?P<digits>[0-9]{7,10}))(?P<code>[A-Z][0-9]?)?")
_FOREIGN_PCT = re.compile(r"(?!JP|WO|DM)[A-Z]{2}[0-9]{10}")  # API form of PCT/US2019/…


def _pct_year(text: str, year_text: str) -> YearReading:
    when = _written_year(text, year_text, _K.INTERNATIONAL_APPLICATION)
    if not 1978 <= when.year <= LAST_YEAR:
        raise NumberError(f"{text}: year {when.year} is outside 1978–{LAST_YEAR} (PCT began "
                          "in 1978)")
    return when


def _pct(text: str, body: str) -> JPNumber:
    m = _PCT.fullmatch(body)
    if m is None:
        raise NumberError(
            f"{text}: a PCT application number is PCT/, country, year and serial, "
            "e.g. PCT/JP2019/011858"
        )
    when = _pct_year(text, m["year"] or m["year4"])
    serial = _serial(text, m["serial"] or m["serial6"], 6, "serial")
    return JPNumber(_K.INTERNATIONAL_APPLICATION, None, f"{m['cc']}{when.year}{serial:06d}",
                    when.year, serial, note=when.how)


def _wo(text: str, body: str, republication: bool) -> JPNumber:
    m = _WO.fullmatch(body)
    if m is None:
        raise NumberError(f"{text}: a WO number is WO, year and serial, e.g. WO2019/123456")
    if m["digits"]:
        digits = m["digits"]
        split = 4 if len(digits) >= 9 else 2  # 4+6, 4+5 (PatZilla), 2+6, 2+5 before 2004
        year_text, serial_text = digits[:split], digits[split:]
    else:
        year_text, serial_text = m["year"], m["serial"]
    when = _pct_year(text, year_text)
    serial = _serial(text, serial_text, 6, "serial")
    if republication:
        return JPNumber(_K.REPUBLICATION, None, f"{when.year}{serial:06d}", when.year, serial,
                        note=when.how, kind_code=m["code"] or "")
    return JPNumber(_K.INTERNATIONAL_PUBLICATION, None, f"WO{when.year}{serial:06d}",
                    when.year, serial, note=when.how, kind_code=m["code"] or "")


def _hague(text: str, body: str) -> JPNumber:
    m = re.fullmatch(r"DM[/-]?(?P<serial>[0-9]+)", body)
    if m is None:
        raise NumberError(f"{text}: a Hague international registration is DM/ and 6 digits, "
                          "e.g. DM/091050")
    serial = _serial(text, m["serial"], 6, "serial")
    return JPNumber(_K.INTERNATIONAL_REGISTRATION, Law.DESIGN, f"DM/{serial:06d}", None, serial)


# --- reading and narrowing ---------------------------------------------------------------

def _read_body(text: str, body: str,
               stage: NumberKind | None) -> tuple[list[JPNumber], bool]:
    """All readings of the part after any prefix, and whether the form itself fixes the kind."""
    if m := _DOCDB.fullmatch(body):
        number, code = m["number"], m["code"] or ""
        if m["cc"] == "WO":
            return [_wo(text, "WO" + number + code, republication=False)], True
        if m["cc"] != "JP":
            raise NumberError(f"{text}: country {m['cc']} is not JP")
        if number.startswith("WO"):
            return [_wo(text, number + code, republication=True)], True
        return _epodoc(text, number + code)
    if stage is _K.INTERNATIONAL_PUBLICATION and not body.startswith("WO"):
        body = "WO" + body
    if stage is _K.INTERNATIONAL_APPLICATION and not body.startswith("PCT"):
        body = "PCT" + body
    if body.startswith("PCT"):
        return [_pct(text, body)], True
    if body.startswith(("WO", "JPWO")):
        republication = stage is _K.REPUBLICATION or body.startswith("JP")
        return [_wo(text, body.removeprefix("JP"), republication)], True
    if body.startswith("DM"):
        return [_hague(text, body)], True
    if body.startswith("JP"):
        return _epodoc(text, body[2:])
    if _FOREIGN_PCT.fullmatch(body):
        return [_pct(text, "PCT" + body)], True
    return _japanese(text, body, stage), False


def _family(kind: NumberKind) -> str:
    return "dated" if kind in _DATED else "undated" if kind in _UNDATED else kind.value


def _narrow_kind(text: str, found: list[JPNumber], fixed: bool, kind: NumberKind | None,
                 said: str) -> list[JPNumber]:
    if kind is None:
        return found
    same = [n for n in found if n.kind is kind]
    if not same and not fixed:
        same = [replace(n, kind=kind) for n in found if _family(n.kind) == _family(kind)]
    if not same:
        raise NumberError(f"{text}: reads as {_labels(found)}, not as {kind.value} ({said})")
    return list(dict.fromkeys(same))


def _law_has(law: Law | None, kind: NumberKind) -> bool:
    if law in (Law.DESIGN, Law.TRADEMARK):
        return kind not in _TECHNICAL
    return kind is not _K.INTERNATIONAL_REGISTRATION or law is None


def _narrow_law(text: str, found: list[JPNumber], law: Law | None, said: str) -> list[JPNumber]:
    if law is None:
        return found
    fits = [n if n.law else replace(n, law=law) for n in found if n.law in (None, law)]
    if not fits:
        raise NumberError(f"{text}: reads as {_labels(found)}, not as {law.value} ({said})")
    possible = [n for n in fits if _law_has(n.law, n.kind)]
    if not possible:
        kinds = " or ".join(dict.fromkeys(n.kind.value for n in fits))
        raise NumberError(f"{text}: {law.value} has no {kinds} numbers")
    return possible


def parse_number(text: str, *, law: Law | None = None,
                 kind: NumberKind | None = None) -> list[JPNumber]:
    """All plausible readings of `text`, best first; NumberError when none fits.

    The input's prefix or kind code decides law and kind; `law` and `kind` narrow further
    (and must not contradict the input). A bare 10-digit number gives an application and a
    publication.
    """
    spaced = normalise_digits(text).strip().upper()
    if not spaced:
        raise NumberError("empty input: expected a number such as 特願2020-123456")
    if m := _CITED.fullmatch(spaced):
        if m["cc"] != "JP":
            raise NumberError(f"{text}: country {m['cc']} is not JP")
        found, fixed = [_cited(text, m["code"], m["digits"])], True
    else:
        compact = _TAIL.sub("", re.sub(r"\s+", "", spaced))
        prefix, body = _split_prefix(compact)
        if prefix is not None and not body:
            raise NumberError(f"{text}: {prefix.alias} is not followed by a number")
        stage = prefix.kind if prefix else kind
        found, fixed = _read_body(text, body, stage)
        if prefix is not None:
            said = f"prefix {prefix.alias}"
            found = _narrow_kind(text, found, fixed, prefix.kind, said)
            found = _narrow_law(text, found, prefix.law, said)
            fixed = True
    found = _narrow_kind(text, found, fixed, kind, f"kind={kind}")
    return _narrow_law(text, found, law, f"law={law}")


def parse_one(text: str, *, law: Law | None = None, kind: NumberKind | None = None) -> JPNumber:
    """The single reading of `text`; NumberError when none fits or several do."""
    found = parse_number(text, law=law, kind=kind)
    if len(found) > 1:
        raise NumberError(
            f"{text}: ambiguous, could be {_labels(found)}; add a prefix such as 特願 or 特開, "
            "or pass kind="
        )
    return found[0]


# --- foreign publication numbers ---------------------------------------------------------
#
# Foreign offices' publication numbers (issue 15 §3): read every common written form into
# the DOCDB doc-number form the foreign readers store, so that a lookup of `EP 1 234 567 B1`
# finds the document a DOCDB delivery called `EP.1234567.B1`. JP numbers stay with
# parse_number above: parse_foreign refuses them and is_foreign does not claim them.

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
