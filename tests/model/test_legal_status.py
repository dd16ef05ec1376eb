from __future__ import annotations

import pytest

from tokkyo.model.dossier import strip_law_digit
from tokkyo.model.laws import Law
from tokkyo.model.legal_status import (
    CATEGORIES,
    detailed_event,
    grant_event,
    map_national_event,
    st27_codes,
)


def test_st27_table_is_loaded_whole():
    table = st27_codes()
    kinds = {kind for kind, _code in table}
    assert kinds == {"detailed", "key", "indicator"}
    assert len(table) == 246          # every row of the shipped CSV
    assert detailed_event("F11").text.startswith("IP right granted following substantive")
    assert detailed_event("F11").category == CATEGORIES["F"] == "IP right grant"
    assert detailed_event("W10").kind == "key"


def test_unknown_code_is_an_error():
    with pytest.raises(ValueError, match=r"'Z99' is not a WIPO ST\.27 event code"):
        detailed_event("Z99")


def test_jp_map_and_unmapped_events():
    assert map_national_event("A131") == "D15"
    assert map_national_event("A621") == "D11"
    assert map_national_event("A999") == "W10"
    for code in ("A12", "D11", "D16", "D14", "D15", "B15", "U11", "L11"):
        detailed_event(code)            # every mapped code exists in the table
    assert grant_event(Law.PATENT) == "F11" and grant_event(Law.UTILITY) == "F12"


def test_law_digit_of_document_codes():
    assert strip_law_digit("A1523", "1") == "A523"
    assert strip_law_digit("A153", "1") == "A53"
    with pytest.raises(ValueError, match="does not carry the law digit 3"):
        strip_law_digit("A1523", "3")
