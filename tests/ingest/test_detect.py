from __future__ import annotations

import pytest

from tests.conftest import GAZETTE, REAL
from tokkyo.ingest.detect import Format, detect, xml_root
from tokkyo.ingest.errors import Skipped
from tokkyo.ingest.mirror_names import parse_mirror_name
from tokkyo.model.laws import Law


@pytest.mark.parametrize(("path", "expected"), [
    (GAZETTE / "jp_example1.xml", Format.GAZETTE),
    (REAL / "patent__v1__app_progress__2020123456.json", Format.API_JSON),
    (REAL / "patent__v1__app_doc_cont_refusal_reason__2020123456.zip", Format.API_ZIP),
    (REAL / "patent__v1__app_doc_cont_refusal_reason__2020123456" / "06124084096-jpntce.xml",
     Format.DOCUMENT),
])
def test_formats_by_content_not_name(path, expected, tmp_path):
    renamed = tmp_path / "no-hint.bin"
    renamed.write_bytes(path.read_bytes())
    assert detect(str(renamed), renamed.read_bytes()) is expected


def test_root_behind_declaration_doctype_and_comments():
    data = (b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n'
            b'<!DOCTYPE jp:pat-amnd PUBLIC "-//JPO//DTD" "pat-amnd.dtd" [\n]>\n<jp:pat-amnd/>')
    assert xml_root(data) == "jp:pat-amnd"


def test_schema_files_are_skipped():
    with pytest.raises(Skipped, match=r"jp-a\.dtd: a DTD \(document type definition\), not a "
                                      r"document"):
        detect("jp-a.dtd", b"<!ELEMENT x ANY>")


def test_mirror_names():
    name = parse_mirror_name("patent__v1__applicant_attorney__%E3%83%88%E3%83%A8%E3%82%BF.json")
    assert (name.law, name.operation, name.params) == (Law.PATENT, "applicant_attorney",
                                                       ("トヨタ",))
    example = parse_mirror_name("design__v1__case_number_reference__kind__number__200__100.json")
    assert example.example and (example.http_status, example.status_code) == ("200", "100")
    assert parse_mirror_name("utility__v1__app_progress__2020123456.json") is None
    assert parse_mirror_name("patent__v1__no_such_operation__1.json") is None
    assert parse_mirror_name("notes.json") is None
