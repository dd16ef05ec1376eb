"""An answer whose data is serialised once answers the same bytes as one serialised whole."""

from __future__ import annotations

import pytest

from tokkyo.api import envelope

DATA = {"applicationNumber": "2020123456", "inventionTitle": "発明の名称 \"引用\"\n",
        "applicantAttorney": [{"name": "特許 太郎", "ranking": "1"}], "empty": {}}


@pytest.mark.parametrize("code", sorted(envelope.MESSAGES))
@pytest.mark.parametrize("remain", [None, 0, 7, 123456])
@pytest.mark.parametrize("data", [DATA, {}, None])
def test_encoded_answers_the_same_bytes(code, remain, data):
    headers = {"RateLimit-Remaining": str(remain)}
    whole = envelope.response(code, data, remain, headers)
    once = envelope.Encoded.of(code, data).response(remain, headers)
    assert once.body == whole.body
    assert once.status_code == whole.status_code
    assert once.headers == whole.headers
