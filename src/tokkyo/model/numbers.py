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

Foreign publication numbers (EP, US, CN, WO and the other ST.3 offices) have their own reader
in `foreign_numbers.py`.
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
    "JPNumber",
    "NumberError",
    "NumberKind",
    "ad_to_era_coded",
    "era_coded_to_ad",
    "era_to_western",
    "normalise_digits",
    "parse_cited_document_number",
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
