"""The JPO wire format, read and written from the same field tables."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, REAL
from tokkyo.model.laws import Law
from tokkyo.model.wire import decode, encode
from tokkyo.model.wire.records import WireError


def data_of(path):
    return json.loads(path.read_text("utf-8"))["result"]["data"]


def test_progress_round_trip_keeps_order_and_every_value():
    data = data_of(REAL / "patent__v1__app_progress__2020123456.json")
    update, problems = decode.progress(data, Law.PATENT, simple=False)
    assert problems == []
    back = encode.progress(Law.PATENT, update.application_number, update.progress,
                           simple=False, priority_rows=update.priorities, family=update.family)
    assert json.dumps(back, ensure_ascii=False) == json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("law", [Law.PATENT, Law.DESIGN, Law.TRADEMARK])
def test_registration_round_trip(law):
    data = data_of(EXAMPLES / f"{law.value}__v1__registration_info__application_number__200__100"
                              ".json")
    update, problems = decode.registration(data, law)
    back = encode.registration(law, update.application_number, update.registration,
                               update.trademark)
    assert list(back) == [k.rstrip("'") for k in data]
    if law is Law.PATENT:     # the SPEC example's typo key `nextPensionPaymentDate'` (§10.11)
        assert problems == ["data: key \"nextPensionPaymentDate'\" read as "
                            "'nextPensionPaymentDate' (typo in the source)"]
        assert back["nextPensionPaymentDate"] == data["nextPensionPaymentDate'"]
    else:
        assert problems == [] and back == data


def test_trademark_indexed_objects_and_multi_code_similar_groups():
    data = data_of(EXAMPLES / "trademark__v1__app_progress__application_number__200__100.json")
    update, _ = decode.progress(data, Law.TRADEMARK, simple=False)
    assert update.trademark.readings[0].startswith("ローカルスペシャルティー")
    assert update.trademark.vienna_codes[12] == "29.1.11"
    assert update.trademark.goods_services[0].similar_codes[:2] == ("09G53", "11C01")
    back = encode.trademark(update.trademark)
    assert back["viennaClass"]["10"] == "29.1.3.2"


@pytest.mark.parametrize(("change", "message"), [
    ({"filingDate": "2020-07-20"}, "data.filingDate: '2020-07-20' is not a date of the form "
                                   "YYYYMMDD"),
    ({"filingDate": 20200720}, "data.filingDate: expected a string, got int 20200720"),
    ({"applicationNumber": "2020"}, "data.applicationNumber: '2020' is not a 10-digit "
                                    "application number"),
    ({"applicantAttorney": [{"applicantAttorneyClass": "3", "name": "x"}]},
     "data.applicantAttorney[0]: applicantAttorneyClass '3' is neither 1 (applicant) nor 2 "
     "(attorney)"),
    ({"bibliographyInformation": "none"}, "data.bibliographyInformation: expected an array, "
                                          "got str"),
])
def test_bad_values_name_the_key(change, message):
    data = data_of(REAL / "patent__v1__app_progress__2020123456.json") | change
    with pytest.raises(WireError) as caught:
        decode.progress(data, Law.PATENT, simple=False)
    assert str(caught.value) == message


def test_unknown_keys_are_reported_not_lost():
    data = data_of(REAL / "patent__v1__registration_info__2020123456.json") | {"newField": "x"}
    _update, problems = decode.registration(data, Law.PATENT)
    assert problems == ["data: unknown key 'newField'"]
