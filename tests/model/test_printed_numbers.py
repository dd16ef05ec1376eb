"""Numbers and dates in the reader's form (J-PlatPat's, both languages) and the short
labels of ST.27 events and JPO citation types (issue 19, items 7 and 9)."""

from __future__ import annotations

import datetime as dt

import pytest

from tokkyo.model.code_labels import citation_type_label, st27_label
from tokkyo.model.numbers import parse_cited_document_number, parse_one
from tokkyo.model.printed_numbers import (
    application_label,
    cited_label,
    document_label,
    publication_label,
    registration_label,
    slash_date,
)


@pytest.mark.parametrize(("text", "label"), [
    # real/patent__v1__cite_doc_info__2020123456.json, as the decision to grant prints them
    ("JPA 414233033", "特開2002-233033"), ("JPA 404087383", "特開平04-087383"),
    ("JPA 360046093", "特開昭60-046093"), ("JPA 409074283", "特開平09-074283"),
    ("JPU 360046093", "実開昭60-046093"),
])
def test_cited_api_numbers_read_as_jplatpat_writes_them(text, label):
    assert cited_label(parse_cited_document_number(text)) == label


def test_other_readings_of_cited_numbers():
    assert cited_label(parse_one("特許第６１５１５５７号公報")) == "特許6151557"
    assert cited_label(parse_one("特表2021-500001号公報")) == "特表2021-500001"
    assert cited_label(parse_one("特願2019-165329")) == "特願2019-165329"


@pytest.mark.parametrize(("args", "label"), [
    (("JP", "patent", "A", "2021044377"), "特開2021-044377"),
    (("JP", "patent", "T", "2021500001"), "特表2021-500001"),
    (("JP", "patent", "B", "7533889"), "特許7533889"),
    (("JP", "utility", "U", "3244847"), "実登3244847"),
    (("JP", "design", "S", "1735126"), "意匠登録1735126"),
    (("JP", "trademark", "TM", "6481006"), "商標登録6481006"),
    (("EP", "patent", "B1", "1000000"), "EP 1 000 000 B1"),
])
def test_document_labels(args, label):
    assert document_label(*args) == label


def test_application_registration_publication_and_date_forms():
    assert application_label("JP", "patent", "2019165329") == "特願2019-165329"
    assert application_label("JP", "trademark", "2020012345") == "商願2020-012345"
    assert application_label("EP", "patent", "P1000000") == ""
    assert application_label("EP", "patent", "99123456") == "EP 99123456"
    assert registration_label("JP", "patent", "7533889") == "特許7533889"
    assert registration_label("JP", "patent", "") == ""
    assert publication_label("patent", "2021090037") == "特開2021-090037"
    assert slash_date("2021-03-18") == slash_date(dt.date(2021, 3, 18)) == "2021/03/18"
    assert slash_date("") == slash_date(None) == ""


def test_st27_labels_per_language():
    assert (st27_label("Q12", "ja"), st27_label("Q12", "en")) == ("出願公開",
                                                                   "Application published")
    assert st27_label("W10", "ja") == "その他の事象"
    # a code without its own label is shown by its category
    assert (st27_label("H11", "ja"), st27_label("H11", "en")) == ("権利の消滅",
                                                                   "IP right cessation")
    assert st27_label("", "ja") == ""


def test_citation_type_labels():
    assert citation_type_label("19", "ja") == "拒絶理由通知書の引用文献"
    assert citation_type_label("31", "en") == "Reference listed in the decision to grant"
    assert citation_type_label("89", "ja") == "先行技術文献調査結果の記録"
    assert (citation_type_label("42", "ja"), citation_type_label("42", "en")) == ("種別42",
                                                                                  "type 42")
