"""Number reading (tokkyo.model.numbers) and era years (tokkyo.model.eras).

The first block is the test-vector table of portal.md §5, row by row. Where a row expects a
*case* relation (publication 2021-090037 belongs to application 2020-123456), that needs stored
data and is out of scope here: these tests check only how the number itself is read.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import random

import pytest

from tokkyo.model.eras import ERAS, era_named, era_on
from tokkyo.model.laws import Law
from tokkyo.model.numbers import (
    JPNumber,
    NumberError,
    NumberKind,
    ad_to_era_coded,
    era_coded_to_ad,
    era_to_western,
    normalise_digits,
    parse_cited_document_number,
    parse_number,
    parse_one,
    western_to_era,
)

K = NumberKind
P, U, D, T = Law.PATENT, Law.UTILITY, Law.DESIGN, Law.TRADEMARK


def readings(text: str, **wishes) -> list[tuple[NumberKind, Law | None, str]]:
    return [(n.kind, n.law, n.key) for n in parse_number(text, **wishes)]


# --- portal.md §5 test vectors -----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "kind", "law", "key"),
    [
        # real/patent__v1__app_progress__2020123456.json
        ("特願2020-123456", K.APPLICATION, P, "2020123456"),
        # "publication of application 2020123456": the case link needs stored data; the number
        # itself is publication 2021-090037 (ADPublicationNumber of the same app_progress file)
        ("特開2021-090037", K.PUBLICATION, P, "2021090037"),
        ("503090037", K.PUBLICATION, None, "2021090037"),
        # "application 2020123456": case link out of scope; registrationNumber 7533889
        ("特許7533889", K.REGISTRATION, P, "7533889"),
        ("特許第7533889号", K.REGISTRATION, P, "7533889"),
        # case_number_reference/publication/2020123456 gives application 2019013554 and
        # registration 7193363: out of scope; the number is publication 2020-123456
        ("特開2020-123456", K.PUBLICATION, P, "2020123456"),
        # cite_doc_info documentNumber
        ("JPA 414233033", K.PUBLICATION, P, "2002233033"),
        ("JPA 360046093", K.PUBLICATION, P, "1985046093"),
        # easy_patents converter
        ("特願２０２０－８４２３号", K.APPLICATION, P, "2020008423"),
        # EPO JP numbering page; PatZilla
        ("特開昭60-001789", K.PUBLICATION, P, "1985001789"),
        ("実願平3-034781", K.APPLICATION, U, "1991034781"),
        ("特開平10-123456", K.PUBLICATION, P, "1998123456"),
        ("特開H10-123456", K.PUBLICATION, P, "1998123456"),
        ("平成10年特許出願公開第123456号", K.PUBLICATION, P, "1998123456"),
        # note.com/sasiapi_, pe-sawaki.com/tool/jppl: one case (link out of scope)
        ("特願2021-208845", K.APPLICATION, P, "2021208845"),
        ("特開2023-093799", K.PUBLICATION, P, "2023093799"),
        ("特許7243802", K.REGISTRATION, P, "7243802"),
        # "registered as 実登3244847": link out of scope, both numbers read
        ("実願2023-003687", K.APPLICATION, U, "2023003687"),
        ("実登3244847", K.REGISTRATION, U, "3244847"),
        # JPO OpenAPI example for pct_national_phase_application_number
        ("PCT/JP2019/011858", K.INTERNATIONAL_APPLICATION, None, "JP2019011858"),
        # examples/design__…app_progress…: application 2022012584 is a case link
        ("意匠登録1735126", K.REGISTRATION, D, "1735126"),
        # examples/design__…case_number_reference…: application 2016500748 is a case link
        ("意匠登録1581216", K.REGISTRATION, D, "1581216"),
        ("DM/091050", K.INTERNATIONAL_REGISTRATION, D, "DM/091050"),
        # examples/trademark__…case_number_reference…: application 2018009480 is a case link
        ("商標登録6036291", K.REGISTRATION, T, "6036291"),
        # examples/patent__…app_progress…: numberType 07
        ("異議2020-700850", K.APPEAL, None, "2020700850"),
        # shinketsu.jp
        ("不服2007-15581", K.APPEAL, None, "2007015581"),
    ],
)
def test_vector(text, kind, law, key):
    number = parse_one(text)
    assert (number.kind, number.law, number.key) == (kind, law, key)


def test_vector_bare_ten_digits_gives_application_and_publication():
    assert readings("2020123456") == [
        (K.APPLICATION, None, "2020123456"),
        (K.PUBLICATION, None, "2020123456"),
    ]


def test_vector_cited_documents_years_and_serials():
    heisei = parse_cited_document_number("JPA 414233033")
    assert (heisei.year, heisei.serial, heisei.note) == (
        2002, 233033, "era-coded 414233033: Heisei 14 = 2002")
    showa = parse_cited_document_number("JPA 360046093")
    assert (showa.year, showa.serial, showa.note) == (
        1985, 46093, "era-coded 360046093: Shōwa 60 = 1985")
    assert showa.epodoc() == "JPS6046093A"


@pytest.mark.parametrize(
    ("text", "note"),
    [("特開昭60-001789", "Shōwa 60 = 1985"), ("実願平3-034781", "Heisei 3 = 1991"),
     ("特開平10-123456", "Heisei 10 = 1998"), ("特開H10-123456", "Heisei 10 = 1998"),
     ("平成10年特許出願公開第123456号", "Heisei 10 = 1998")],
)
def test_vector_era_notes(text, note):
    number = parse_one(text)
    assert number.note == note
    assert number.era_guessed is False


def test_vector_era_letter_without_prefix():
    found = parse_number("H10-123456")
    assert [(n.kind, n.key, n.note) for n in found] == [
        (K.APPLICATION, "1998123456", "Heisei 10 = 1998"),
        (K.PUBLICATION, "1998123456", "Heisei 10 = 1998"),
    ]


@pytest.mark.parametrize(
    ("text", "epodoc"),
    [("JP8-179521", "JPH08179521"), ("JP58002167U", "JPS582167U"),
     ("JP002011251389A", "JP2011251389A"), ("JP00000S602468B2", "JPS602468B2")],
)
def test_vector_patzilla_spellings(text, epodoc):
    assert parse_one(text).epodoc() == epodoc


def test_vector_patzilla_readings():
    assert readings("JP8-179521") == [(K.PUBLICATION, None, "1996179521")]
    assert readings("JP58002167U") == [(K.PUBLICATION, U, "1983002167")]
    assert readings("JP002011251389A") == [(K.PUBLICATION, P, "2011251389")]
    # B2 with an era year is an examined publication (特公昭60-2468), not a grant
    assert readings("JP00000S602468B2") == [(K.EXAMINED, P, "1985002468")]
    guessed = parse_one("JP58002167U")
    assert guessed.era_guessed is True
    assert guessed.note == "2-digit year 58 read as Shōwa 58 = 1983 (guessed)"


# --- real values from the corpus ---------------------------------------------------------

def test_app_progress_publication_numbers_are_era_coded():
    # real/patent__v1__app_progress__2020123456.json and examples/patent__…app_progress…
    assert era_coded_to_ad("503090037") == "2021090037"
    assert era_coded_to_ad("503022359") == "2021022359"
    assert ad_to_era_coded("2021022359") == "503022359"


@pytest.mark.parametrize(
    ("document_number", "key"),
    [("JPA 414233033", "2002233033"), ("JPA 416064039", "2004064039"),
     ("JPA 404087383", "1992087383"), ("JPA 360046093", "1985046093"),
     ("JPA 408167522", "1996167522"), ("JPA 409074283", "1997074283"),
     ("JPA 415248131", "2003248131")],
)
def test_cite_doc_info_numbers(document_number, key):
    # every patentDoc of real/patent__v1__cite_doc_info__2020123456.json
    number = parse_cited_document_number(document_number)
    assert (number.kind, number.law, number.key, number.kind_code) == (
        K.PUBLICATION, P, key, "A")
    assert parse_number(document_number) == [number]


# --- other forms -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JP.2022012345.A", [(K.PUBLICATION, P, "2022012345")]),
        ("JP.2015500001.A", [(K.NATIONAL_PUBLICATION, P, "2015500001")]),
        ("JP.6249966.B2", [(K.REGISTRATION, P, "6249966")]),
        ("JP.H08179521.A", [(K.PUBLICATION, P, "1996179521")]),
        ("JP.WO2022012345.A1", [(K.REPUBLICATION, None, "2022012345")]),
        ("JP.2006147056.A.20060526", [(K.PUBLICATION, P, "2006147056")]),
        ("JPH08179521", [(K.PUBLICATION, None, "1996179521")]),
        ("JP3657641B2", [(K.REGISTRATION, P, "3657641")]),
        ("JP04219000B2", [(K.REGISTRATION, P, "4219000")]),
        ("JP3244847U", [(K.REGISTRATION, U, "3244847")]),
        ("JP1735126S", [(K.REGISTRATION, D, "1735126")]),
        ("JP2005500001T", [(K.NATIONAL_PUBLICATION, P, "2005500001")]),
        ("JP58012345Y2", [(K.EXAMINED, U, "1983012345")]),
        ("JP-2021-208845", [(K.PUBLICATION, None, "2021208845")]),
        ("JP-7243802", [(K.REGISTRATION, None, "7243802")]),
        ("JPA414233033", [(K.PUBLICATION, P, "2002233033")]),
        ("JP2019011858", [(K.PUBLICATION, None, "2019011858"),
                          (K.INTERNATIONAL_APPLICATION, None, "JP2019011858")]),
        ("WO2019/123456", [(K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]),
        ("WO2019123456", [(K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]),
        ("WO/2019/123456", [(K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]),
        ("WO99/12345", [(K.INTERNATIONAL_PUBLICATION, None, "WO1999012345")]),
        ("WO0112345", [(K.INTERNATIONAL_PUBLICATION, None, "WO2001012345")]),
        ("WO2019123456A1", [(K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]),
        ("WO.2019123456.A1", [(K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]),
        ("国際公開第2019/123456号", [(K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]),
        ("PCT/JP03/012345", [(K.INTERNATIONAL_APPLICATION, None, "JP2003012345")]),
        ("PCT/US1999/9417", [(K.INTERNATIONAL_APPLICATION, None, "US1999009417")]),
        ("pct/jp2019/011858", [(K.INTERNATIONAL_APPLICATION, None, "JP2019011858")]),
        ("US2019011858", [(K.INTERNATIONAL_APPLICATION, None, "US2019011858")]),
        ("国際出願PCT/JP2019/011858", [(K.INTERNATIONAL_APPLICATION, None, "JP2019011858")]),
        ("DM091050", [(K.INTERNATIONAL_REGISTRATION, D, "DM/091050")]),
        ("国際登録DM/091050", [(K.INTERNATIONAL_REGISTRATION, D, "DM/091050")]),
        ("国際登録第1234567号", [(K.INTERNATIONAL_REGISTRATION, T, "1234567")]),
        ("再表2004/012345", [(K.REPUBLICATION, P, "2004012345")]),
        ("再表WO2004/012345", [(K.REPUBLICATION, P, "2004012345")]),
        ("再表99/12345", [(K.REPUBLICATION, P, "1999012345")]),
        ("JPWO2004012345A1", [(K.REPUBLICATION, None, "2004012345")]),
        ("特表2005-500001", [(K.NATIONAL_PUBLICATION, P, "2005500001")]),
        ("特公昭60-2468", [(K.EXAMINED, P, "1985002468")]),
        ("実公平2-12345", [(K.EXAMINED, U, "1990012345")]),
        ("実開昭58-2167", [(K.PUBLICATION, U, "1983002167")]),
        ("意願2022-012584", [(K.APPLICATION, D, "2022012584")]),
        ("商願2018-009480", [(K.APPLICATION, T, "2018009480")]),
        ("審判2019-000123", [(K.APPEAL, None, "2019000123")]),
        ("特許第123456号", [(K.REGISTRATION, P, "0123456")]),
        ("特許出願公開第2021-090037号公報", [(K.PUBLICATION, P, "2021090037")]),
        ("特開2021-090037号公報", [(K.PUBLICATION, P, "2021090037")]),
        ("特願平成3年第34781号", [(K.APPLICATION, P, "1991034781")]),
        ("特願第2020-123456号", [(K.APPLICATION, P, "2020123456")]),
        ("特開2020/8423", [(K.PUBLICATION, P, "2020008423")]),
        ("特願 2020 - 123456", [(K.APPLICATION, P, "2020123456")]),
        ("特願2020‐123456", [(K.APPLICATION, P, "2020123456")]),
        ("特願2020―123456", [(K.APPLICATION, P, "2020123456")]),
        ("特願2020ー123456", [(K.APPLICATION, P, "2020123456")]),
        ("特願2020−123456", [(K.APPLICATION, P, "2020123456")]),
        ("特願2020-0123456", [(K.APPLICATION, P, "2020123456")]),
        ("特願平10123456", [(K.APPLICATION, P, "1998123456")]),
        ("特願410123456", [(K.APPLICATION, P, "1998123456")]),
        ("特願2020123456", [(K.APPLICATION, P, "2020123456")]),
        ("2020年特許願第123456号", [(K.APPLICATION, P, "2020123456")]),
        ("令和元年特許願第1号", [(K.APPLICATION, P, "2019000001")]),
        ("昭和64年特許願第1号", [(K.APPLICATION, P, "1989000001")]),
        ("S60-1789", [(K.APPLICATION, None, "1985001789"), (K.PUBLICATION, None, "1985001789")]),
        ("2015500001", [(K.APPLICATION, None, "2015500001"),
                        (K.NATIONAL_PUBLICATION, None, "2015500001")]),
        ("7533889", [(K.REGISTRATION, None, "7533889")]),
        ("0007533889", [(K.REGISTRATION, None, "7533889")]),
        ("405123456", [(K.PUBLICATION, None, "1993123456")]),
        ("405523456", [(K.NATIONAL_PUBLICATION, None, "1993523456")]),
        ("01123456", [(K.APPLICATION, None, "1989123456"), (K.PUBLICATION, None, "1989123456"),
                      (K.REGISTRATION, None, "1123456")]),
    ],
)
def test_forms(text, expected):
    assert readings(text) == expected


def test_era_and_kind_code_are_kept_but_not_compared():
    showa = parse_one("特開昭64-000001")
    heisei = parse_one("特開平1-000001")
    assert showa.key == heisei.key == "1989000001"
    assert (showa.era, heisei.era) == ("S", "H")
    assert (showa.epodoc(), heisei.epodoc()) == ("JPS641", "JPH011")
    assert parse_one("JP3657641B2").kind_code == "B2"
    assert parse_one("JP3657641B2") == JPNumber(K.REGISTRATION, P, "3657641", None, 3657641)
    assert parse_one("特開平10-123456") == JPNumber(
        K.PUBLICATION, P, "1998123456", 1998, 123456, note="Heisei 10 = 1998")


def test_guessed_two_digit_years():
    heisei = parse_number("10-123456")
    assert [(n.key, n.era_guessed) for n in heisei] == [("1998123456", True)] * 2
    assert heisei[0].note == "2-digit year 10 read as Heisei 10 = 1998 (guessed)"
    showa = parse_one("特開12-123456")
    assert (showa.key, showa.era_guessed) == ("1937123456", True)
    assert parse_one("特開64-1").key == "1989000001"


def test_notes_for_years_outside_their_period():
    western = parse_one("特開1998-123456")
    assert western.note == "Western year; until 1999 the JPO wrote era years (H10)"
    assert parse_one("特開1989-000123").note == (
        "Western year; until 1999 the JPO wrote era years (S64 or H1)")
    era = parse_one("特開平12-123456")
    assert era.key == "2000123456"
    assert era.note == "Heisei 12 = 2000; from 2000 the JPO writes the Western year 2000"
    assert parse_one("特開2021-090037").note == ""


# --- docdb and epodoc --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "docdb", "epodoc"),
    [
        ("特開2021-090037", "JP.2021090037.A", "JP2021090037"),
        ("JP.2022012345.A", "JP.2022012345.A", "JP2022012345A"),
        ("特願2020-123456", "JP.2020123456.A", "JP2020123456"),
        ("特開平8-179521", "JP.1996179521.A", "JPH08179521"),
        ("実開昭58-2167", "JP.1983002167.U", "JPS582167"),
        ("特公昭60-2468", "JP.1985002468.B2", "JPS602468"),
        ("実公平2-12345", "JP.1990012345.Y2", "JPH0212345"),
        ("特許7533889", "JP.7533889.B2", "JP7533889"),
        ("特許第123456号", "JP.123456.B2", "JP123456"),
        ("実登3244847", "JP.3244847.U", "JP3244847"),
        ("意匠登録1735126", "JP.1735126.S", "JP1735126"),
        ("JP.6249966.B1", "JP.6249966.B1", "JP6249966B1"),
        ("再表2004/012345", "JP.WO2004012345.A1", "JPWO2004012345"),
        ("WO2019/123456", "WO.2019123456.A1", "WO2019123456"),
        ("特表2005-500001", "JP.2005500001.A", "JP2005500001"),
        ("特開平1-000001", "JP.1989000001.A", "JPH011"),
    ],
)
def test_docdb_and_epodoc(text, docdb, epodoc):
    number = parse_one(text)
    assert number.docdb() == docdb
    assert number.epodoc() == epodoc


def test_explicit_kind_codes():
    number = parse_one("特開2021-090037")
    assert number.docdb("A") == "JP.2021090037.A"
    assert number.epodoc("A") == "JP2021090037A"
    assert parse_one("JP58002167U").epodoc("") == "JPS582167"
    assert parse_one("特許7533889").docdb("B1") == "JP.7533889.B1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("商標登録6036291", "trademark registration 6036291: has no DOCDB form"),
        ("異議2020-700850", "appeal 2020700850: has no DOCDB form"),
        ("PCT/JP2019/011858", "international-application JP2019011858: has no DOCDB form"),
        ("DM/091050", "design international-registration DM/091050: has no DOCDB form"),
    ],
)
def test_docdb_refuses(text, message):
    with pytest.raises(NumberError) as caught:
        parse_one(text).docdb()
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("商標登録6036291", "trademark registration 6036291: has no epodoc form"),
        ("商願2018-009480", "trademark application 2018009480: has no epodoc form"),
        ("不服2007-15581", "appeal 2007015581: has no epodoc form"),
        ("DM/091050", "design international-registration DM/091050: has no epodoc form"),
    ],
)
def test_epodoc_refuses(text, message):
    with pytest.raises(NumberError) as caught:
        parse_one(text).epodoc()
    assert str(caught.value) == message


# --- law and kind wishes -----------------------------------------------------------------

def test_kind_picks_one_reading():
    assert readings("2020123456", kind=K.PUBLICATION) == [(K.PUBLICATION, None, "2020123456")]
    assert readings("2020700850", kind=K.APPEAL) == [(K.APPEAL, None, "2020700850")]
    assert readings("503090037", kind=K.APPLICATION) == [(K.APPLICATION, None, "2021090037")]
    assert readings("JP2019011858", kind=K.INTERNATIONAL_APPLICATION) == [
        (K.INTERNATIONAL_APPLICATION, None, "JP2019011858")]
    assert readings("JPH08179521", kind=K.APPLICATION) == [(K.APPLICATION, None, "1996179521")]
    assert readings("99/12345", kind=K.REPUBLICATION) == [(K.REPUBLICATION, None, "1999012345")]
    assert readings("2019/123456", kind=K.INTERNATIONAL_PUBLICATION) == [
        (K.INTERNATIONAL_PUBLICATION, None, "WO2019123456")]
    assert readings("1234567", kind=K.INTERNATIONAL_REGISTRATION) == [
        (K.INTERNATIONAL_REGISTRATION, T, "1234567")]


def test_law_fills_in_and_drops_what_the_law_lacks():
    assert readings("2020123456", law=P) == [
        (K.APPLICATION, P, "2020123456"), (K.PUBLICATION, P, "2020123456")]
    assert readings("2022012584", law=D) == [(K.APPLICATION, D, "2022012584")]
    assert readings("7533889", law=U) == [(K.REGISTRATION, U, "7533889")]
    assert readings("特願2020-123456", law=P) == [(K.APPLICATION, P, "2020123456")]
    assert parse_one("2020123456", law=P, kind=K.APPLICATION).key == "2020123456"


# --- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "wishes", "message"),
    [
        ("", {}, "empty input: expected a number such as 特願2020-123456"),
        ("　", {}, "empty input: expected a number such as 特願2020-123456"),
        ("特願2020-12345678", {},
         "特願2020-12345678: serial 12345678 has 8 digits; a JP serial has at most 6"),
        ("特願2020-000000", {}, "特願2020-000000: serial is 0; JP serials start at 1"),
        ("特許第12345678号", {},
         "特許第12345678号: registration number 12345678 has 8 digits; a JP registration "
         "number has at most 7"),
        ("特許第0号", {},
         "特許第0号: registration number is 0; JP registration numbers start at 1"),
        ("特願7533889", {},
         "特願7533889: 7533889 has no year; application numbers are a year and a serial, "
         "e.g. 2020-123456 or H10-123456"),
        ("12345678901", {},
         "12345678901: 11 digits are too many for a year and a serial"),
        ("特願1700-123456", {}, "特願1700-123456: year 1700 is outside 1868–2100"),
        ("9999999999", {}, "9999999999: year 9999 is outside 1868–2100"),
        ("特願202-123456", {},
         "特願202-123456: year 202 is neither a 4-digit Western year nor a 2-digit era year"),
        ("99-123456", {},
         "99-123456: 2-digit year 99 has no era; only 01–11 (read as Heisei) and 12–64 (read "
         "as Shōwa) can be guessed, so write the era (平成, 昭和, H, S) or a 4-digit year"),
        ("特開平32-123456", {},
         "特開平32-123456: Heisei 32 does not exist; Heisei years run 1–31 (1989–2019)"),
        ("特開昭65-1", {},
         "特開昭65-1: Shōwa 65 does not exist; Shōwa years run 1–64 (1926–1989)"),
        ("特許2020-123456", {},
         "特許2020-123456: registration numbers have no year; write the number alone, "
         "e.g. 特許第7533889号"),
        ("特願", {}, "特願: 特願 is not followed by a number"),
        ("abc", {},
         "abc: not a JP number form; expected e.g. 特願2020-123456, 特開平10-123456, "
         "特許第7533889号, JP2011251389A or PCT/JP2019/011858"),
        ("623090037", {},
         "623090037: era digit 6 is not 1 (Meiji), 2 (Taishō), 3 (Shōwa), 4 (Heisei) or "
         "5 (Reiwa)"),
        ("432090037", {}, "432090037: Heisei 32 does not exist; Heisei years run 1–31"),
        ("JP2011251389X", {},
         "JP2011251389X: unknown JP kind code X; expected A, T, B, U, Y or S"),
        ("JP3657641A", {}, "JP3657641A: kind code A does not fit a registration number"),
        ("JP2011251389S", {}, "JP2011251389S: kind code S does not fit a number with a year"),
        ("JPX123", {},
         "JPX123: not an epodoc or DOCDB JP number (JPH08179521, JP2011251389A, "
         "JP.2022012345.A)"),
        ("JP1-2-3", {}, "JP1-2-3: too many separators in 1-2-3"),
        ("US.2019123456.A1", {}, "US.2019123456.A1: country US is not JP"),
        ("USA 414233033", {}, "USA 414233033: country US is not JP"),
        ("PCT/JP2019", {},
         "PCT/JP2019: a PCT application number is PCT/, country, year and serial, "
         "e.g. PCT/JP2019/011858"),
        ("PCT/JP1970/012345", {},
         "PCT/JP1970/012345: year 1970 is outside 1978–2100 (PCT began in 1978)"),
        ("WO2019", {}, "WO2019: a WO number is WO, year and serial, e.g. WO2019/123456"),
        ("DM/ABC", {},
         "DM/ABC: a Hague international registration is DM/ and 6 digits, e.g. DM/091050"),
        ("特願2020-123456", {"kind": K.PUBLICATION},
         "特願2020-123456: reads as patent application 2020123456, not as publication "
         "(kind=publication)"),
        ("特願2020-123456", {"law": D},
         "特願2020-123456: reads as patent application 2020123456, not as design "
         "(law=design)"),
        ("JP3657641B2", {"kind": K.APPLICATION},
         "JP3657641B2: reads as patent registration 3657641, not as application "
         "(kind=application)"),
        ("特開JP3657641B2", {},
         "特開JP3657641B2: reads as patent registration 3657641, not as publication "
         "(prefix 特開)"),
        ("7533889", {"kind": K.APPLICATION},
         "7533889: 7533889 has no year; application numbers are a year and a serial, "
         "e.g. 2020-123456 or H10-123456"),
        ("2020123456", {"kind": K.REGISTRATION},
         "2020123456: registration number 2020123456 has 10 digits; a JP registration "
         "number has at most 7"),
        ("503090037", {"law": D}, "503090037: design has no publication numbers"),
        ("国際登録1234567", {"law": D},
         "国際登録1234567: reads as trademark international-registration 1234567, not as "
         "design (law=design)"),
    ],
)
def test_parse_errors(text, wishes, message):
    with pytest.raises(NumberError) as caught:
        parse_number(text, **wishes)
    assert str(caught.value) == message


def test_number_error_is_a_value_error():
    assert issubclass(NumberError, ValueError)


def test_parse_one_refuses_ambiguity():
    with pytest.raises(NumberError) as caught:
        parse_one("2020123456")
    assert str(caught.value) == (
        "2020123456: ambiguous, could be application 2020123456, publication 2020123456; "
        "add a prefix such as 特願 or 特開, or pass kind="
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("JPA414", "JPA414: a cited document number is country, kind code, a space and 9 "
                   "era-coded digits, e.g. JPA 414233033"),
        ("EPA 414233033", "EPA 414233033: country EP is not JP"),
        ("JPA 014233033", "JPA 014233033: era digit 0 is not 1 (Meiji), 2 (Taishō), "
                          "3 (Shōwa), 4 (Heisei) or 5 (Reiwa)"),
        ("JPS 414233033", "JPS 414233033: kind code S does not fit a number with a year"),
        ("JPQ 414233033", "JPQ 414233033: unknown JP kind code Q; expected A, T, B, U, Y or S"),
    ],
)
def test_cited_document_errors(text, message):
    with pytest.raises(NumberError) as caught:
        parse_cited_document_number(text)
    assert str(caught.value) == message


def test_cited_document_kinds():
    assert parse_cited_document_number("JPU 358002167").kind is K.PUBLICATION
    assert parse_cited_document_number("JPU 358002167").law is U
    assert parse_cited_document_number("JPB 360002468").kind is K.EXAMINED
    assert parse_cited_document_number("JPT 417500001").kind is K.NATIONAL_PUBLICATION
    assert parse_cited_document_number("ＪＰＡ　４１４２３３０３３").key == "2002233033"


# --- eras --------------------------------------------------------------------------------

@pytest.mark.parametrize("era", ["平成", "平", "H", "h", "Ｈ", "4"])
def test_era_to_western_accepts_every_heisei_spelling(era):
    assert era_to_western(era, 10) == 1998


@pytest.mark.parametrize(
    ("era", "year", "western"),
    [("明治", 1, 1868), ("明", 45, 1912), ("M", 45, 1912), ("大正", 1, 1912), ("T", 15, 1926),
     ("昭和", 1, 1926), ("s", 64, 1989), ("3", 60, 1985), ("平成", 1, 1989), ("H", 31, 2019),
     ("令和", 1, 2019), ("令", 3, 2021), ("r", 3, 2021), ("5", 82, 2100)],
)
def test_era_to_western(era, year, western):
    assert era_to_western(era, year) == western


@pytest.mark.parametrize(
    ("era", "year", "message"),
    [
        ("H", 32, "H32: Heisei years run 1–31 (1989–2019)"),
        ("昭和", 0, "昭和0: Shōwa years run 1–64 (1926–1989)"),
        ("T", 16, "T16: Taishō years run 1–15 (1912–1926)"),
        ("R", 83, "R83: Reiwa years run 1–82 (2019–2100)"),
        ("X", 1, "X: unknown era; use 明治/大正/昭和/平成/令和, 明/大/昭/平/令, M/T/S/H/R or the "
                 "API era digit 1–5"),
        ("6", 1, "6: unknown era; use 明治/大正/昭和/平成/令和, 明/大/昭/平/令, M/T/S/H/R or the "
                 "API era digit 1–5"),
    ],
)
def test_era_to_western_errors(era, year, message):
    with pytest.raises(NumberError) as caught:
        era_to_western(era, year)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("when", "expected"),
    [((2021,), ("R", 3)), ((1998,), ("H", 10)), ((1985,), ("S", 60)), ((1868,), ("M", 1)),
     ((2100,), ("R", 82)), ((2019, 4, 30), ("H", 31)), ((2019, 5, 1), ("R", 1)),
     ((2019, 4), ("H", 31)), ((2019, 5), ("R", 1)), ((1989, 1, 7), ("S", 64)),
     ((1989, 1, 8), ("H", 1)), ((1989, 2), ("H", 1)), ((1926, 12, 24), ("T", 15)),
     ((1926, 12, 25), ("S", 1)), ((1912, 7, 29), ("M", 45)), ((1912, 7, 30), ("T", 1))],
)
def test_western_to_era(when, expected):
    assert western_to_era(*when) == expected


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ((2019,), "2019: ambiguous, Heisei 31 until 2019-04-30, Reiwa 1 from 2019-05-01; "
                  "give the month and day"),
        ((1989,), "1989: ambiguous, Shōwa 64 until 1989-01-07, Heisei 1 from 1989-01-08; "
                  "give the month and day"),
        ((1989, 1), "1989: ambiguous, Shōwa 64 until 1989-01-07, Heisei 1 from 1989-01-08; "
                    "give the month and day"),
        ((1867,), "1867: year outside 1868–2100"),
        ((2101,), "2101: year outside 1868–2100"),
        ((2019, None, 5), "2019: day 5 given without a month"),
        ((2019, 2, 30), "2019-2-30: not a calendar date"),
        ((2019, 13), "2019-13-1: not a calendar date"),
    ],
)
def test_western_to_era_errors(when, message):
    with pytest.raises(NumberError) as caught:
        western_to_era(*when)
    assert str(caught.value) == message


def test_era_coded_conversions():
    assert era_coded_to_ad("503090037") == "2021090037"
    assert era_coded_to_ad("414233033") == "2002233033"
    assert era_coded_to_ad("360046093") == "1985046093"
    assert ad_to_era_coded("2021090037") == "503090037"
    assert ad_to_era_coded("1985046093") == "360046093"
    assert ad_to_era_coded("2019123456", datetime.date(2019, 4, 26)) == "431123456"
    assert ad_to_era_coded("2019123456", datetime.date(2019, 5, 8)) == "501123456"
    assert ad_to_era_coded("1989000123", datetime.date(1989, 1, 5)) == "364000123"
    assert ad_to_era_coded("1989000123", datetime.date(1989, 6, 1)) == "401000123"


@pytest.mark.parametrize(
    ("number9", "message"),
    [
        ("50309003", "50309003: an era-coded number has 9 digits (era digit, 2-digit era year, "
                     "6-digit serial), e.g. 503090037"),
        ("2021090037", "2021090037: an era-coded number has 9 digits (era digit, 2-digit era "
                       "year, 6-digit serial), e.g. 503090037"),
        ("603090037", "603090037: era digit 6 is not 1 (Meiji), 2 (Taishō), 3 (Shōwa), "
                      "4 (Heisei) or 5 (Reiwa)"),
        ("000003207", "000003207: era digit 0 is not 1 (Meiji), 2 (Taishō), 3 (Shōwa), "
                      "4 (Heisei) or 5 (Reiwa)"),
        ("432000001", "432000001: Heisei 32 does not exist; Heisei years run 1–31"),
        ("300000001", "300000001: Shōwa 0 does not exist; Shōwa years run 1–64"),
        ("503000000", "503000000: serial is 0; JP serials start at 1"),
    ],
)
def test_era_coded_to_ad_errors(number9, message):
    with pytest.raises(NumberError) as caught:
        era_coded_to_ad(number9)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("number10", "on", "message"),
    [
        ("2019123456", None, "2019123456: 2019 is ambiguous, Heisei 31 until 2019-04-30, "
                             "Reiwa 1 from 2019-05-01; pass the publication date (on=)"),
        ("1989000123", None, "1989000123: 1989 is ambiguous, Shōwa 64 until 1989-01-07, "
                             "Heisei 1 from 1989-01-08; pass the publication date (on=)"),
        ("2021090037", datetime.date(2020, 6, 10),
         "2021090037: the date 2020-06-10 is not in 2021"),
        ("202109003", None, "202109003: an AD number has 10 digits (4-digit year, 6-digit "
                            "serial), e.g. 2021090037"),
        ("1850090037", None, "1850090037: year 1850 is outside 1868–2100"),
        ("2021000000", None, "2021000000: serial is 0; JP serials start at 1"),
    ],
)
def test_ad_to_era_coded_errors(number10, on, message):
    with pytest.raises(NumberError) as caught:
        ad_to_era_coded(number10, on)
    assert str(caught.value) == message


def test_era_table_is_continuous():
    for earlier, later in itertools.pairwise(ERAS):
        assert earlier.end_year == later.start.year
        last_day = later.start - datetime.timedelta(days=1)
        assert era_on(last_day) is earlier
        assert era_on(later.start) is later
    assert era_named("平").name == "Heisei"


# --- normalising -------------------------------------------------------------------------

def test_normalise_digits():
    assert normalise_digits("特願２０２０－８４２３号") == "特願2020-8423号"
    assert normalise_digits("ＪＰ　Ｈ０８／１７９５２１") == "JP H08/179521"
    for dash in "－‐‑‒–—―ー−﹣ｰ":
        assert normalise_digits(f"2020{dash}1") == "2020-1"
    assert normalise_digits("平成１０年") == "平成10年"


# --- properties (standard library random, fixed seed) ------------------------------------

def _random_day_in(rng: random.Random, era_index: int, year: int) -> datetime.date:
    """A random day of `year` that falls in ERAS[era_index]."""
    era = ERAS[era_index]
    first = max(datetime.date(year, 1, 1), era.start)
    last = datetime.date(year, 12, 31)
    if era_index + 1 < len(ERAS):
        last = min(last, ERAS[era_index + 1].start - datetime.timedelta(days=1))
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def test_era_coded_round_trip():
    rng = random.Random(20240805)
    for _ in range(2000):
        index = rng.randrange(len(ERAS))
        era = ERAS[index]
        era_year = rng.randint(1, era.last_year)
        serial = rng.randint(1, 999999)
        coded = f"{era.digit}{era_year:02d}{serial:06d}"
        ad = era_coded_to_ad(coded)
        assert ad == f"{era.offset + era_year:04d}{serial:06d}"
        on = _random_day_in(rng, index, era.offset + era_year)
        assert ad_to_era_coded(ad, on) == coded
        if era_on(datetime.date(on.year, 1, 1)) is era_on(datetime.date(on.year, 12, 31)):
            assert ad_to_era_coded(ad) == coded  # no date needed outside changeover years


_WIDE_DASHES = "－‐―ー−"


def _full_width(text: str, rng: random.Random) -> str:
    wide = []
    for char in text:
        if char == "-":
            wide.append(rng.choice(_WIDE_DASHES))
        elif char == " ":
            wide.append("\u3000")
        elif "!" <= char <= "~":
            wide.append(chr(ord(char) + 0xFEE0))
        else:
            wide.append(char)
    return "".join(wide)


def _random_input(rng: random.Random) -> str:
    year, serial = rng.randint(2000, 2030), rng.randint(1, 999999)
    era_year = rng.randint(1, 31)
    templates = [
        f"特願{year}-{serial}",
        f"特開{year}-{serial:06d}",
        f"特開平{era_year}-{serial}",
        f"H{era_year}-{serial}",
        f"実願昭{rng.randint(1, 64)}-{serial}",
        f"特許第{rng.randint(1, 9999999)}号",
        f"{year}{serial:06d}",
        f"JP{year}{serial:06d}A",
        f"JP.{year}{serial:06d}.A",
        f"PCT/JP{year}/{serial:06d}",
        f"WO{year}/{serial:06d}",
        f"JPA 4{rng.randint(1, 11):02d}{serial:06d}",
        f"異議{year}-{serial}",
    ]
    return rng.choice(templates)


def test_full_width_parses_like_half_width():
    rng = random.Random(8423)
    for _ in range(1000):
        text = _random_input(rng)
        wide = _full_width(text, rng)
        assert wide != text
        assert parse_number(wide) == parse_number(text), (text, wide)


@pytest.mark.parametrize("text", ["JPH10", "JPS60A", "JP2020-", "JP1/", "JPH10-"])
def test_a_year_without_a_serial_is_refused(text):
    # these reached int("") and escaped as a bare ValueError (a server error in the portal)
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert str(caught.value) == f"{text}: no serial after the year"


def test_mangled_input_only_ever_raises_number_error():
    """Every prefix of a valid input, and inputs with characters dropped, doubled or swapped
    for number syntax, are read or refused with NumberError, never another exception."""
    rng = random.Random(2167)
    syntax = "-/.年第号 AHSTBUYRM0JP平昭令特開願許"
    tried = 0
    for _ in range(400):
        era_year, serial = rng.randint(1, 64), rng.randint(1, 999999)
        text = rng.choice([_random_input(rng), f"JPH{era_year:02d}{serial:06d}",
                           f"JPS{era_year}-{serial}A", f"JP{era_year}/{serial}U"])
        variants = [text[:i] for i in range(1, len(text))]
        for _ in range(10):
            i = rng.randrange(len(text))
            variants += [text[:i] + text[i + 1:], text[:i] + text[i] + text[i:],
                         text[:i] + rng.choice(syntax) + text[i + 1:]]
        for variant in variants:
            with contextlib.suppress(NumberError):
                parse_number(variant)
            tried += 1
    assert tried > 10_000
