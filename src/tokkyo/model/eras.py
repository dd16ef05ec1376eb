"""Japanese era years (gengō) and the JPO's era-coded numbers.

An era year counts from 1 in the year an era begins; the rest of that Western year is year 1
of the new era, so the years 1912, 1926, 1989 and 2019 each belong to two eras and need the
date to be told apart (Heisei starts on 1989-01-08, Reiwa on 2019-05-01).

The JPO API writes publication numbers in an era-coded 9-digit form: era digit (1 Meiji,
2 Taishō, 3 Shōwa, 4 Heisei, 5 Reiwa), 2-digit era year, 6-digit serial; `503090037` is
Reiwa 3 = 2021, serial 090037, which the `AD…` fields write as `2021090037` (jpo-api.md §6).

The `read_…` functions read the year part of a written number for numbers.py and return a
YearReading that says how the year was found (era given, 2-digit year guessed, era-coded).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

#: Plausible Western years for any JP number (Meiji 1 to the end of our horizon).
FIRST_YEAR = 1868
LAST_YEAR = 2100


class NumberError(ValueError):
    """A number (or era year) that cannot be read; the message names the input and the fault."""


@dataclass(frozen=True, slots=True)
class Era:
    """One era: its names, the API era digit and its first day."""

    name: str  # romanised, as shown in notes: "Heisei"
    kanji: str  # "平成"; the first character is the usual abbreviation (平)
    letter: str  # "H", as in epodoc JPH08179521
    digit: str  # "4", the JPO API era digit
    start: datetime.date  # first day of era year 1
    last_year: int  # the last era year (Heisei 31); Reiwa runs to LAST_YEAR

    @property
    def offset(self) -> int:
        """Western year = offset + era year (Heisei: 1988)."""
        return self.start.year - 1

    @property
    def end_year(self) -> int:
        """The Western year of the era's last year."""
        return self.offset + self.last_year


ERAS = (
    # Meiji 1 is counted from the start of 1868 (the era name was applied retroactively).
    Era("Meiji", "明治", "M", "1", datetime.date(1868, 1, 1), 45),
    Era("Taishō", "大正", "T", "2", datetime.date(1912, 7, 30), 15),
    Era("Shōwa", "昭和", "S", "3", datetime.date(1926, 12, 25), 64),
    Era("Heisei", "平成", "H", "4", datetime.date(1989, 1, 8), 31),
    Era("Reiwa", "令和", "R", "5", datetime.date(2019, 5, 1), LAST_YEAR - 2018),
)

_BY_NAME = {
    alias: era
    for era in ERAS
    for alias in (era.kanji, era.kanji[0], era.letter, era.digit)
}


def era_named(era: str) -> Era:
    """The era for 平成, 平, H or h, or the API digit 4 (full-width forms too)."""
    key = unicodedata.normalize("NFKC", era).strip().upper()
    if key not in _BY_NAME:
        raise NumberError(
            f"{era}: unknown era; use 明治/大正/昭和/平成/令和, 明/大/昭/平/令, M/T/S/H/R or the "
            "API era digit 1–5"
        )
    return _BY_NAME[key]


def era_to_western(era: str, year: int) -> int:
    """Western year of an era year: era_to_western("平成", 10) == 1998."""
    found = era_named(era)
    if not 1 <= year <= found.last_year:
        raise NumberError(
            f"{era}{year}: {found.name} years run 1–{found.last_year} "
            f"({found.start.year}–{found.end_year})"
        )
    return found.offset + year


def era_on(day: datetime.date) -> Era:
    """The era in force on a day."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise NumberError(f"{day.isoformat()}: outside {FIRST_YEAR}–{LAST_YEAR}")
    return [era for era in ERAS if era.start <= day][-1]


def _eras_of(year: int) -> list[Era]:
    return [era for era in ERAS if era.start.year <= year <= era.end_year]


def _changeover(year: int) -> str:
    """How a two-era year splits: 'Heisei 31 until 2019-04-30, Reiwa 1 from 2019-05-01'."""
    earlier, later = _eras_of(year)
    last_day = later.start - datetime.timedelta(days=1)
    return (
        f"{earlier.name} {year - earlier.offset} until {last_day.isoformat()}, "
        f"{later.name} 1 from {later.start.isoformat()}"
    )


def western_to_era(
    year: int, month: int | None = None, day: int | None = None
) -> tuple[str, int]:
    """Era letter and era year: western_to_era(2021) == ("R", 3).

    A year in which the era changed (1912, 1926, 1989, 2019) needs the month, and the day too
    when the change fell inside that month: western_to_era(2019, 5) == ("R", 1).
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NumberError(f"{year}: year outside {FIRST_YEAR}–{LAST_YEAR}")
    if day is not None and month is None:
        raise NumberError(f"{year}: day {day} given without a month")
    if month is not None:
        try:
            datetime.date(year, month, day or 1)
        except ValueError:
            raise NumberError(f"{year}-{month}-{day or 1}: not a calendar date") from None
    eras = _eras_of(year)
    era = eras[0]
    if len(eras) == 2:
        later = eras[1]
        if month is None or (
            month == later.start.month and day is None and later.start.day != 1
        ):
            raise NumberError(f"{year}: ambiguous, {_changeover(year)}; give the month and day")
        if datetime.date(year, month, day or 1) >= later.start:
            era = later
    return era.letter, year - era.offset


def _split_era_coded(number9: str, said: str) -> tuple[Era, int, int]:
    digits = unicodedata.normalize("NFKC", number9).strip()
    if not re.fullmatch(r"[0-9]{9}", digits):
        raise NumberError(
            f"{said}: an era-coded number has 9 digits (era digit, 2-digit era year, "
            "6-digit serial), e.g. 503090037"
        )
    if digits[0] not in "12345":
        raise NumberError(
            f"{said}: era digit {digits[0]} is not 1 (Meiji), 2 (Taishō), 3 (Shōwa), "
            "4 (Heisei) or 5 (Reiwa)"
        )
    era = _BY_NAME[digits[0]]
    era_year = int(digits[1:3])
    if not 1 <= era_year <= era.last_year:
        raise NumberError(
            f"{said}: {era.name} {era_year} does not exist; {era.name} years run "
            f"1–{era.last_year}"
        )
    serial = int(digits[3:])
    if serial == 0:
        raise NumberError(f"{said}: serial is 0; JP serials start at 1")
    return era, era_year, serial


def era_coded_to_ad(number9: str) -> str:
    """The 10-digit AD form of an era-coded number: "503090037" -> "2021090037"."""
    era, era_year, serial = _split_era_coded(number9, number9)
    return f"{era.offset + era_year:04d}{serial:06d}"


def ad_to_era_coded(number10: str, on: datetime.date | None = None) -> str:
    """The era-coded form of a 10-digit AD number: "2021090037" -> "503090037".

    `on` is the publication date; it is required when the era changed in the number's year
    (1989, 2019; also 1912 and 1926) and must fall in that year.
    """
    digits = unicodedata.normalize("NFKC", number10).strip()
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise NumberError(
            f"{number10}: an AD number has 10 digits (4-digit year, 6-digit serial), "
            "e.g. 2021090037"
        )
    year, serial = int(digits[:4]), int(digits[4:])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NumberError(f"{number10}: year {year} is outside {FIRST_YEAR}–{LAST_YEAR}")
    if serial == 0:
        raise NumberError(f"{number10}: serial is 0; JP serials start at 1")
    if on is not None and on.year != year:
        raise NumberError(f"{number10}: the date {on.isoformat()} is not in {year}")
    if on is None and len(_eras_of(year)) == 2:
        raise NumberError(
            f"{number10}: {year} is ambiguous, {_changeover(year)}; pass the publication "
            "date (on=)"
        )
    if on is None:
        letter, era_year = western_to_era(year)
    else:
        letter, era_year = western_to_era(year, on.month, on.day)
    return f"{era_named(letter).digit}{era_year:02d}{serial:06d}"


# --- the year part of a written number ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearReading:
    """The year part of a number as read: the Western year and how it was found."""

    year: int
    era: str = ""  # era letter, when the input gave or implied an era
    guessed: bool = False  # a 2-digit year without era, read as Heisei or Shōwa
    how: str = ""  # "Heisei 10 = 1998"
    era_coded: bool = False  # the API's 9-digit form


def read_era_year(source: str, era: str, year: str) -> YearReading:
    """平成 + "10" (or 元 for year 1); errors name `source`."""
    found = era_named(era)
    number = 1 if year == "元" else int(year)
    if not 1 <= number <= found.last_year:
        raise NumberError(
            f"{source}: {found.name} {number} does not exist; {found.name} years run "
            f"1–{found.last_year} ({found.start.year}–{found.end_year})"
        )
    western = found.offset + number
    return YearReading(western, found.letter, how=f"{found.name} {number} = {western}")


def read_short_year(source: str, year: str, *, western: bool = False) -> YearReading:
    """A 2-digit year: Heisei for 01–11, Shōwa for 12–64 (a guess, portal.md §5); with
    `western` (WO and PCT numbers) 78–99 are 1978–1999 and 00–77 are 2000–2077."""
    short = int(year)
    if western:
        full = (1900 if short >= 78 else 2000) + short
        return YearReading(full, how=f"2-digit year {short:02d} read as {full}")
    if not 1 <= short <= 64:
        raise NumberError(
            f"{source}: 2-digit year {short:02d} has no era; only 01–11 (read as Heisei) and "
            "12–64 (read as Shōwa) can be guessed, so write the era (平成, 昭和, H, S) or a "
            "4-digit year"
        )
    era = _BY_NAME["H" if short <= 11 else "S"]
    full = era.offset + short
    how = f"2-digit year {short:02d} read as {era.name} {short} = {full} (guessed)"
    return YearReading(full, era.letter, guessed=True, how=how)


def read_year(source: str, year: str, *, western: bool = False) -> YearReading:
    """A written year without era: 4 digits Western, 1–2 digits as read_short_year."""
    if len(year) == 4:
        return YearReading(int(year))
    if len(year) <= 2:
        return read_short_year(source, year, western=western)
    raise NumberError(
        f"{source}: year {year} is neither a 4-digit Western year nor a 2-digit era year"
    )


def read_era_coded(source: str, number9: str) -> tuple[YearReading, int]:
    """The year and serial of a 9-digit era-coded number; errors name `source`."""
    era, era_year, serial = _split_era_coded(number9, source)
    western = era.offset + era_year
    how = f"era-coded {number9}: {era.name} {era_year} = {western}"
    return YearReading(western, era.letter, how=how, era_coded=True), serial
