"""The gazette reader against the real JPO files: nothing of the main text is lost."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.conftest import GAZETTE
from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.gazette import read_gazette
from tokkyo.model.classifications import Scheme
from tokkyo.model.parties import PartyRole

FILES = sorted(GAZETTE.glob("*.xml"))
JP = "{http://www.jpo.go.jp}"


def source(path):
    """Facts read straight from the file with plain XPath, independently of the reader."""
    root = etree.parse(str(path)).getroot()
    bib = root.find("bibliographic-data")
    return {
        "claims": [int(c.get("num")) for c in root.findall("claims/claim")],
        "paragraph_numbers": [p.get("num") for p in root.find("description").iter("p")],
        "applicants": [n.text for n in bib.iterfind(
            f"parties/{JP}applicants-agents-article/{JP}applicants-agents/applicant/"
            "addressbook/name")],
        "agents": [n.text for n in bib.iterfind(
            f"parties/{JP}applicants-agents-article/{JP}applicants-agents/agent/addressbook/name")],
        "inventors": [n.text for n in bib.iterfind("parties/inventors/inventor/addressbook/name")],
        "ipc": [e.text for e in bib.find("classification-ipc") if e.tag.endswith("clsf")],
        "fi": [e.text for e in bib.find("classification-national") if e.tag.endswith("clsf")],
        "fterms": [e.text for e in bib.iter(f"{JP}f-term")],
        "themes": [e.text for e in bib.iter(f"{JP}theme-code")],
        "number": bib.findtext("publication-reference/document-id/doc-number"),
        "application": bib.findtext("application-reference/document-id/doc-number"),
        "title": bib.findtext("invention-title"),
        "figures": len(root.findall("drawings/figure")),
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_main_text_complete(path):
    expected = source(path)
    pub = read_gazette(path.name, path.read_bytes()).publication
    assert pub.number == expected["number"]
    assert pub.application_number == expected["application"]
    assert pub.title == expected["title"]
    assert [c.number for c in pub.claims] == expected["claims"]
    assert [p.number for p in pub.paragraphs] == expected["paragraph_numbers"]
    assert all(c.text for c in pub.claims)
    assert all(p.text for p in pub.paragraphs if p.number)   # table-only ones read 【表１】
    assert len(pub.drawings) == expected["figures"]
    names = {role: [p.name for p in pub.parties if p.role is role] for role in PartyRole}
    assert names[PartyRole.APPLICANT] == expected["applicants"]
    assert names[PartyRole.ATTORNEY] == expected["agents"]
    assert names[PartyRole.INVENTOR] == expected["inventors"]
    raw = {s: [c.raw for c in pub.classifications if c.scheme is s] for s in Scheme}
    assert raw[Scheme.IPC] == [t.strip() for t in expected["ipc"]]
    assert raw[Scheme.FI] == expected["fi"]
    assert raw[Scheme.FTERM] == expected["fterms"]
    assert raw[Scheme.THEME] == expected["themes"]


def test_example1_in_detail():
    result = read_gazette("jp_example1.xml", (GAZETTE / "jp_example1.xml").read_bytes())
    pub = result.publication
    assert result.problems == []
    assert (pub.kind, pub.st16_kind, pub.law.value) == ("A", "A", "patent")
    assert pub.date.isoformat() == "2021-03-18" and pub.filing_date.isoformat() == "2019-09-11"
    assert len(pub.claims) == 6 and pub.number_of_claims == 6
    assert pub.claims[5].text == ("該ウェーハは、Ｓｉ、ＧａＮ、ＧａＡｓ、ガラスのいずれかで"
                                  "構成されることを特徴とする請求項１記載のウェーハの加工方法。")
    assert pub.claims[0].text.count("\n") == 5        # six <br/>-separated lines
    assert pub.paragraphs[0].number == "0001"
    assert pub.paragraphs[0].section == "technical-field"
    assert pub.abstract.startswith(
        "【課題】品質を低下させることなくデバイスチップを形成する。\n【解決手段】")
    applicant = next(p for p in pub.parties if p.role is PartyRole.APPLICANT)
    assert (applicant.name, applicant.code) == ("株式会社ディスコ", "000134051")
    assert applicant.address == "東京都大田区大森北二丁目１３番１１号"
    codes = {s: [c.code for c in pub.classifications if c.scheme is s] for s in Scheme}
    assert codes[Scheme.IPC][:2] == ["H01L21/301", "H01L21/67"]
    assert codes[Scheme.FI][:2] == ["H01L21/78@M", "H01L21/78@B"]
    assert codes[Scheme.THEME] == ["4E168", "5F063", "5F131"]
    assert codes[Scheme.FTERM][0] == "4E168AE01"
    main = [c for c in pub.classifications if c.main]
    assert [(c.scheme, c.code) for c in main] == [(Scheme.IPC, "H01L21/301"),
                                                   (Scheme.FI, "H01L21/78@M")]
    assert [c.document_number for c in pub.patent_citations] == ["特許第６１５１５５７号公報",
                                                                  "特許第３０７６１７９号公報"]
    assert len(pub.amendments) == 2 and pub.amendments[0].document_code == "A16330"
    assert pub.amendments[0].text.startswith("【0001】本発明は")


def test_example2_priority_division_grant_and_fterm_additions():
    pub = read_gazette("x", (GAZETTE / "jp_example2.xml").read_bytes()).publication
    assert [(p.paris_country, p.paris_application_number, p.paris_date.isoformat())
            for p in pub.priorities] == [("US", "62/359,703", "2016-07-07")]
    assert pub.parent.application_number == "2018566929"
    assert (pub.registration_number, pub.registration_date.isoformat()) == ("6828214",
                                                                           "2021-02-10")
    fi = [c for c in pub.classifications if c.scheme is Scheme.FI]
    assert [(c.code, c.facet) for c in fi] == [("H01M10/54", "ZAB"), ("B09B3/00,304@H", "")]
    assert pub.examination_requested is True


def test_fterm_additional_codes_are_kept_and_tables_labelled():
    pub = read_gazette("x", (GAZETTE / "jp_example3.xml").read_bytes()).publication
    assert next(p.text for p in pub.paragraphs if p.number == "0065") == "【表１】"
    fterms = {c.raw: c.code for c in pub.classifications if c.scheme is Scheme.FTERM}
    assert fterms["3E067BA10C"] == "3E067BA10.C"


def cp932_round_trip(data: bytes) -> bytes:
    """What survives Shift_JIS: cp932 maps U+2212 to 0x817C, which reads back as U+FF0D."""
    return data.decode("utf-8").encode("cp932").decode("cp932").encode("utf-8")


def with_prolog(data: bytes, encoding: str = "UTF-8") -> bytes:
    text = data.decode("utf-8")
    prolog = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
              '<?xml-stylesheet type="text/xsl" href="jp-a.xsl"?>\n'
              '<!DOCTYPE jp-official-gazette PUBLIC "-//JPO//DTD JP-A 1.0//EN" "jp-a.dtd">\n')
    return (prolog + text).encode("cp932" if encoding == "Shift_JIS" else "utf-8")


@pytest.mark.parametrize("encoding", ["UTF-8", "Shift_JIS"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_result_with_declaration_and_missing_dtd(path, encoding):
    """Real bulk files carry the declaration and a DOCTYPE naming a DTD that is absent."""
    data = path.read_bytes()
    bare = read_gazette(path.name, cp932_round_trip(data) if encoding == "Shift_JIS" else data)
    full = read_gazette(path.name, with_prolog(data, encoding))
    assert full.publication == bare.publication
    assert full.problems == bare.problems


def test_declared_encoding_that_does_not_match_is_rejected():
    data = with_prolog((GAZETTE / "jp_example1.xml").read_bytes(), "UTF-8")
    data = data.replace(b'encoding="UTF-8"', b'encoding="Shift_JIS"', 1)
    with pytest.raises(Rejected) as caught:
        read_gazette("bad.xml", data)
    assert re.fullmatch(r"bad\.xml: wrong encoding: byte 0x[0-9a-f]{2} at offset \d+ is not "
                        r"shift_jis \(declared in the XML declaration\)", caught.value.reason)
