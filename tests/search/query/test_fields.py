"""The field code table of portal.md §3.3 as data."""

from __future__ import annotations

from tokkyo.search.query import ALIASES, DEFAULT_FIELD, FIELDS, field_code
from tokkyo.search.query.fields import LAWS, SCREEN_LAWS, TYPES, applies

SPEC_CODES = ["TX", "TI", "AB", "CL", "DE", "FI", "FT", "TC", "IP", "CP", "AP", "IN", "AG",
              "AN", "PN", "RN", "AD", "PD", "RD", "KD", "ST", "CC", "AR", "DC", "DT", "LC",
              "TM", "CN", "GS", "NC", "SC", "VC"]


def test_every_code_of_the_spec_is_there_with_a_type_laws_and_labels():
    assert list(FIELDS) == SPEC_CODES
    for code, spec in FIELDS.items():
        assert spec.code == code and spec.type in TYPES
        assert spec.laws and spec.laws <= set(LAWS)
        assert spec.en and spec.ja and spec.label("ja") == spec.ja and spec.label("en") == spec.en


def test_types_and_laws_follow_the_table():
    types = {code: spec.type for code, spec in FIELDS.items()}
    assert types["FT"] == "fterm" and types["TC"] == "theme" and types["IP"] == "ipc"
    assert types["CP"] == "cpc" and types["TM"] == "mark" and types["AD"] == "date"
    assert {c for c, t in types.items() if t == "number"} == {"AN", "PN", "RN"}
    assert {c for c, t in types.items() if t == "code"} == {
        "KD", "ST", "CC", "DC", "DT", "LC", "NC", "SC", "VC"}
    assert FIELDS["TX"].laws == {"patent", "utility"}
    assert FIELDS["IN"].laws == {"patent", "utility", "design"}
    assert FIELDS["AP"].laws == set(LAWS)
    assert FIELDS["AR"].laws == {"design"} and FIELDS["GS"].laws == {"trademark"}
    assert FIELDS["CP"].foreign and FIELDS["CC"].foreign and not FIELDS["IP"].foreign
    assert FIELDS["FT"].status == "confirmed"


def test_labels():
    assert (FIELDS["TX"].en, FIELDS["TX"].ja) == ("full text", "全文")
    assert (FIELDS["TI"].en, FIELDS["TI"].ja) == ("title", "発明の名称")
    assert (FIELDS["AP"].en, FIELDS["AP"].ja) == ("applicant/right holder", "出願人/権利者")


def test_default_fields_per_screen():
    assert DEFAULT_FIELD == {"patent": "TX", "utility": "TX", "design": "AR",
                             "trademark": "TM", "all": "TX"}
    for screen, code in DEFAULT_FIELD.items():
        assert applies(code, screen)
    assert set(SCREEN_LAWS) == set(DEFAULT_FIELD)


def test_field_codes_are_read_case_insensitively_and_through_aliases():
    assert field_code("tx") == "TX" and field_code("Fi") == "FI" and field_code("ＦＴ") == "FT"
    assert field_code("ZZ") is None and field_code("") is None
    assert all(target in FIELDS for target in ALIASES.values())


def test_applies():
    assert applies("TM", "trademark") and not applies("TM", "patent") and applies("TM", "all")
    assert applies("CN", "trademark") and not applies("CN", "utility")
