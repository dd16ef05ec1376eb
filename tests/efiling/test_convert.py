"""The XML package of the clean application: well-formed Shift_JIS, the element names of
the JPO's real XML in the corpus, the same from both HTML styles, and back to HTML with
the same items and text. Bad input is refused with its reason and nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import GAZETTE, REAL
from tests.efiling.applications import CLEAN, images, replace, template_html, word_html
from tokkyo.efiling import review, service
from tokkyo.efiling.errors import BadPackage, NotConverted, UnreadableHtml

BIBL, BODY = "JPOXMLDOC01-jpbibl.xml", "JPOXMLDOC01-appb.xml"


def package(data: bytes) -> dict[str, bytes]:
    return service.convert(service.check(service.Upload("a.html", data, images())))


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return package(word_html(CLEAN))


def names(root: etree._Element) -> set[str]:
    return {etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}


def corpus_names() -> set[str]:
    found: set[str] = set()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    for path in [*GAZETTE.glob("*.xml"), *REAL.rglob("*.xml")]:
        found |= names(etree.parse(str(path), parser).getroot())
    return found


def test_the_package_holds_the_two_documents_and_the_image(files):
    assert list(files) == [BIBL, BODY, "JPOXMLDOC01-appb-D000001.gif"]
    assert files["JPOXMLDOC01-appb-D000001.gif"].startswith(b"GIF8")


@pytest.mark.parametrize("name", [BIBL, BODY])
def test_well_formed_shift_jis(files, name):
    data = files[name]
    assert data.startswith(b'<?xml version="1.0" encoding="Shift_JIS"?>')
    data.decode("shift_jis")                   # JIS X 0208 only: no cp932 extension
    root = etree.fromstring(data)
    assert root.getroottree().docinfo.encoding == "Shift_JIS"


def test_the_body_uses_the_element_names_of_the_real_xml(files):
    body = etree.fromstring(files[BODY])
    ours = names(body) - {"application-body"}      # the root of an application's body
    assert ours <= corpus_names(), ours - corpus_names()
    claims = body.findall("claims/claim")
    assert [c.get("num") for c in claims] == ["1", "2", "3", "4"]
    assert "".join(claims[2].find("claim-text").itertext()) == (
        "　活物質層がＬｉを含む請求項１又は２に記載の電極。")
    assert body.find("description/summary-of-invention/tech-solution/p").get("num") == "0005"
    assert etree.tostring(body.find("description//tech-solution/p"), encoding="unicode"
                          ).count("<sub>") == 2
    figure = body.find("drawings/figure/img")
    assert (figure.get("file"), figure.get("img-format"), figure.get("wi"), figure.get("he")
            ) == ("JPOXMLDOC01-appb-D000001.gif", "gif", "25", "19")


def test_the_request_as_pat_app_doc(files):
    root = etree.fromstring(files[BIBL])
    jp = "{http://www.jpo.go.jp}"
    assert root.tag == f"{jp}pat-app-doc"
    doc = root[0]
    assert doc.findtext(f"{jp}document-code") == "A163"
    assert doc.findtext(f"{jp}file-reference-id") == "P2026-001"
    assert doc.findtext(f"{jp}submission-date/{jp}date") == "20261206"
    assert doc.findtext(f"{jp}applicants/{jp}applicant/{jp}addressbook/{jp}name") == (
        "トッキョ電池株式会社")
    assert doc.find(f"{jp}agents/{jp}agent/{jp}attorney") is not None
    assert [g.findtext(f"{jp}document-name") for g in doc.iterfind(
        f"{jp}submission-object-list-article/{jp}list-group")] == [
        "明細書", "特許請求の範囲", "要約書", "図面"]
    # the names the real JPO bibliographic XML (an amendment, a response) also uses
    shared = {"document-code", "addressed-to-person", "applicants", "applicant",
              "addressbook", "name", "registered-number", "agents", "agent", "attorney",
              "phone", "document-name"}
    assert shared <= names(root) & corpus_names()


def test_both_styles_and_encodings_give_the_same_package(files):
    for data in (template_html(CLEAN), template_html(CLEAN, "cp932"),
                 word_html(CLEAN, "utf-8")):
        assert package(data) == files


def items(result: service.Result) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    return [(d.name, [(i.label, i.value, [line.text for line in i.body]) for i in d.items])
            for d in result.application.documents]


def test_round_trip_reproduces_the_items_and_text(files):
    original = service.check(service.Upload("a.html", word_html(CLEAN), images()))
    html = review.to_html(files)
    again = service.check(service.Upload("review.html", html.encode("utf-8"), files))
    assert again.findings == []
    assert items(again) == items(original)
    assert "<sub>２</sub>" in html and "<u>電池の容量が大きくなる</u>" in html
    assert service.convert(again)[BODY] == files[BODY]


def test_an_application_with_errors_is_not_converted(tmp_path):
    lines = replace(CLEAN, "【請求項４】", "【請求項５】")
    result = service.check(service.Upload("a.html", template_html(lines), images()))
    with pytest.raises(NotConverted, match=r"^a\.html: 1 error; correct them first "):
        service.convert(result)


def test_a_folder_is_written_whole_or_not_at_all(tmp_path, files):
    out = tmp_path / "out"
    service.write_folder(files, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    with pytest.raises(NotConverted, match="is not empty; give a new or empty folder"):
        service.write_folder(files, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]     # no work folder left


def test_undecodable_html_is_refused():
    data = b'<html><meta charset="utf-8"><p>\xff\xfe</p></html>'
    with pytest.raises(UnreadableHtml) as caught:
        service.check(service.Upload("a.html", data))
    assert str(caught.value) == ("the file is not valid UTF-8: byte 31 (0xFF) cannot be read; "
                                 "save the HTML again as UTF-8 or Shift_JIS")


def test_a_zip_upload(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("出願/出願.htm", word_html(CLEAN))
        z.writestr("出願/fig1.gif", images()["fig1.gif"])
    upload = service.from_zip("a.zip", buffer.getvalue())
    assert (upload.name, list(upload.files)) == ("出願.htm", ["fig1.gif"])
    assert service.convert(service.check(upload)) == files


def test_a_zip_without_one_html_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("fig1.gif", b"x")
    with pytest.raises(BadPackage, match=r"^a\.zip: a ZIP must hold exactly one \.htm or "
                                         r"\.html file \(it holds 0\)$"):
        service.from_zip("a.zip", buffer.getvalue())
    with pytest.raises(BadPackage, match=r"^b\.zip: not a ZIP file$"):
        service.from_zip("b.zip", b"PK\x03\x04 broken")


def test_from_path_reads_the_images_beside_the_html(tmp_path: Path, files):
    folder = tmp_path / "app"
    (folder / "出願.files").mkdir(parents=True)
    lines = replace(CLEAN, '<img src="fig1.gif">', '<img src="出願.files/fig1.gif">')
    (folder / "出願.htm").write_bytes(word_html(lines))
    (folder / "出願.files" / "fig1.gif").write_bytes(images()["fig1.gif"])
    upload = service.from_path(folder / "出願.htm")
    assert list(upload.files) == ["出願.files/fig1.gif"]
    assert service.check(upload).findings == []


def test_formulas_and_tables_as_images_round_trip():
    """【化１】 and 【表１】 in a paragraph: their images become `chemistry` and `tables`
    inside the paragraph's `p`, and come back as the same items."""
    old = next(line for line in CLEAN if line.startswith("　電極は、集電体と、Ｌｉ"))
    lines = replace(CLEAN, old, ["　活物質は次の式で表される。", "【化１】",
                                 '<img src="chem1.gif">', "【表１】", '<img src="table1.gif">'])
    files = {**images(), "chem1.gif": images()["fig1.gif"], "table1.gif": images()["fig1.gif"]}
    checked = service.check(service.Upload("a.html", template_html(lines), files))
    assert checked.findings == []
    package = service.convert(checked)
    body = etree.fromstring(package[BODY])
    p = body.find("description//tech-solution/p")
    assert [(e.tag, e.get("num"), e.find("img").get("img-content")) for e in p
            if e.tag in ("chemistry", "tables")] == [("chemistry", "1", "chem"),
                                                     ("tables", "1", "table")]
    assert sorted(n for n in package if n.endswith(".gif")) == [
        "JPOXMLDOC01-appb-D000001.gif", "JPOXMLDOC01-appb-D000002.gif",
        "JPOXMLDOC01-appb-D000003.gif"]
    again = service.check(service.Upload("r.html", review.to_html(package).encode(), package))
    assert again.findings == [] and items(again) == items(checked)

