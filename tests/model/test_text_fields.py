"""The text fields of publications (model/text_fields.py): one code per stored text, the
party roles each name field holds, and the table refusing what it cannot store."""

from __future__ import annotations

import pytest

from tokkyo.model.parties import PartyRole
from tokkyo.model.text_fields import (
    BY_CODE,
    NAME_FIELDS,
    ROLE_FIELDS,
    TEXT_FIELDS,
    TextField,
    roles_of,
)


def test_each_code_reads_one_stored_text():
    assert {f.code: f.source for f in TEXT_FIELDS} == {
        "TI": "title", "AB": "abstract", "CL": "claims", "DE": "paragraphs",
        "AP": "parties", "IN": "parties", "AG": "parties"}
    assert list(BY_CODE) == [f.code for f in TEXT_FIELDS]


def test_every_party_role_has_one_name_field():
    assert ROLE_FIELDS == {"applicant": "AP", "right-holder": "AP", "inventor": "IN",
                           "attorney": "AG"}
    assert set(ROLE_FIELDS) == {role.value for role in PartyRole}
    assert ROLE_FIELDS[PartyRole.RIGHT_HOLDER] == "AP"      # a role itself is a key too
    assert {"AP", "IN", "AG"} == NAME_FIELDS


def test_roles_of_fields():
    assert roles_of(("AP",)) == ("applicant", "right-holder")
    assert roles_of(["IN", "AG"]) == ("inventor", "attorney")
    assert roles_of(("TI", "AB", "CL", "DE")) == ()


@pytest.mark.parametrize(("field", "message"), [
    (lambda: TextField("XX", "drawings"), "unknown text source 'drawings'"),
    (lambda: TextField("AP", "parties"), "AP: party roles go with party names only"),
    (lambda: TextField("TI", "title", (PartyRole.INVENTOR,)),
     "TI: party roles go with party names only"),
])
def test_the_table_refuses_what_it_cannot_store(field, message):
    with pytest.raises(ValueError) as error:
        field()
    assert str(error.value) == message
