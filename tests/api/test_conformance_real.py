"""Conformance on the real recorded answers (jpo-api.md §12): every recorded request sent
to a running tokkyo over HTTP gets the recorded body back (only remainAccessCount may
differ), and the document ZIPs have the same entries with the same bytes."""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import quote

import pytest

from tests.conftest import REAL
from tokkyo.ingest.mirror_names import parse_mirror_name

REAL_JSON = sorted(REAL.glob("*.json"))
REAL_ZIPS = sorted(REAL.glob("*.zip"))


def request_path(name: str) -> str:
    mirror = parse_mirror_name(name)
    return "/api/" + "/".join((mirror.law.value, "v1", mirror.operation,
                               *(quote(p) for p in mirror.params)))


@pytest.fixture(scope="module")
def token(api):
    return api.token()


@pytest.mark.parametrize("path", REAL_JSON, ids=lambda p: p.name[:60])
def test_json_answers_match_the_recordings(api, token, path):
    recorded = json.loads(path.read_text("utf-8"))
    answer = api.server.get(request_path(path.name), token)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    remain = body["result"].pop("remainAccessCount")
    assert remain.isdigit()
    recorded["result"].pop("remainAccessCount")
    assert body == recorded
    # the wire form too: compact, non-ASCII written literally, keys in the recorded order
    assert list(body["result"]["data"]) == list(recorded["result"]["data"])
    assert "\\u" not in answer.text and ", " not in answer.text[:40]


@pytest.mark.parametrize("path", REAL_ZIPS, ids=lambda p: p.name[:60])
def test_zip_answers_match_the_recordings(api, token, path):
    answer = api.server.get(request_path(path.name), token)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    operation = parse_mirror_name(path.name).operation
    prefix = {"app_doc_cont_opinion_amendment": "docContOpinionAmendment",
              "app_doc_cont_refusal_reason_decision": "docContRefusalReasonDecision",
              "app_doc_cont_refusal_reason": "docContRefusalReason"}[operation]
    assert answer.headers["content-disposition"] == f"attachment;filename={prefix}_2020123456.zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as got, \
            zipfile.ZipFile(io.BytesIO(path.read_bytes())) as recorded:
        assert got.namelist() == recorded.namelist()
        unzipped = REAL / path.stem
        for info in recorded.infolist():
            mine = got.getinfo(info.filename)
            assert mine.is_dir() == info.is_dir()
            if info.is_dir():
                assert mine.external_attr >> 16 == 0o40755
                continue
            assert got.read(info) == recorded.read(info) == (unzipped / info.filename
                                                             ).read_bytes()
            assert mine.compress_type == zipfile.ZIP_DEFLATED
            assert mine.external_attr >> 16 == 0o100644
