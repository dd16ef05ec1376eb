"""Search builds on the text fields of model/text_fields.py: every stored text field is
packed in unit keys, every query text field reads only stored text fields, and each
query field's case-level names are those of its fields' roles."""

from __future__ import annotations

import pytest

from tokkyo.model.text_fields import BY_CODE
from tokkyo.search.query import FIELDS, Field
from tokkyo.search.units import FIELD_CODES, unit_key, unit_ref


def test_unit_keys_pack_exactly_the_stored_text_fields():
    assert set(FIELD_CODES) == set(BY_CODE)
    assert len(set(FIELD_CODES.values())) == len(FIELD_CODES)
    for field in BY_CODE:
        ref = unit_ref(unit_key(12345, field, 7))
        assert (ref.publication_id, ref.field, ref.position) == (12345, field, 7)


def test_query_text_fields_read_stored_text_fields():
    units = {code: f.units for code, f in FIELDS.items() if f.units}
    assert units == {"TX": ("TI", "AB", "CL", "DE"), "TI": ("TI",), "AB": ("AB",),
                     "CL": ("CL",), "DE": ("DE",), "AP": ("AP",), "IN": ("IN",),
                     "AG": ("AG",), "AR": ("TI",)}
    # each stored text field is searched under its own code
    assert all(FIELDS[code].units == (code,) for code in BY_CODE)


@pytest.mark.parametrize(("field", "message"), [
    (lambda: Field("ZZ", "text", frozenset(), "", "", units=("XX",)),
     "ZZ: no text field ['XX']"),
    (lambda: Field("ZZ", "code", frozenset(), "", "", units=("TI",)),
     "ZZ: no text field ('TI',)"),
])
def test_a_query_field_cannot_read_what_is_not_stored(field, message):
    with pytest.raises(ValueError) as error:
        field()
    assert str(error.value) == message
