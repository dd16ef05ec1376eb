"""The e-filing page over real HTTP (`tokkyo serve` on loopback): the upload form, the
findings linked to their lines, the preview, the package to download, the JSON twin, and
refused uploads (with the reason, nothing kept)."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.server import Server
from tokkyo.config import load_settings
from tokkyo.store.database import Database

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "efiling"
SAMPLE = SAMPLES / "tokkyo-sample.htm"
FIGURE = SAMPLES / "tokkyo-sample.files" / "image001.gif"
DEFECTS = SAMPLES / "defects" / "tokkyo-defects.htm"
DEFECT_IMAGE = SAMPLES / "defects" / "image001.png"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("efile-page")
    url = f"sqlite:///{data / 'tokkyo.sqlite3'}"
    db = Database.open(load_settings(database_url=url, data_dir=str(data), environ={}))
    db.upgrade()
    db.close()
    running = Server(url, data)
    try:
        yield running
    finally:
        running.stop()


def post(server: Server, *paths: Path, headers: dict[str, str] | None = None,
         lang: str = "en") -> httpx.Response:
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    return server.client.post(f"/efile?lang={lang}", files=files, headers=headers or {})


def test_the_form(server):
    page = server.client.get("/efile?lang=en", headers=HTML)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="files"' in page.text
    assert "Nothing you upload is stored" in page.text
    twin = server.client.get("/efile").json()
    assert twin["field"] == "files" and len(twin["codes"]) == 20


def test_the_sample_has_no_finding_and_a_package_to_download(server):
    page = post(server, SAMPLE, FIGURE, headers=HTML)
    assert page.status_code == 200
    assert "tokkyo-sample.htm: 0 errors, 0 warnings (read as cp932)" in page.text
    link = re.search(r'<a id="efile-download"[^>]* href="data:application/zip;base64,'
                     r'([^"]+)" download="JPOXMLDOC01.zip"', page.text)
    assert link, page.text[:2000]
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(link.group(1)))).namelist()
    assert names == ["JPOXMLDOC01-jpbibl.xml", "JPOXMLDOC01-appb.xml",
                     "JPOXMLDOC01-appb-D000001.gif"]
    assert "【発明の名称】</span>二次電池の電極" in page.text
    assert '<img class="figure" src="data:image/gif;base64,' in page.text


def test_findings_link_to_their_lines(server):
    page = post(server, DEFECTS, DEFECT_IMAGE, headers=HTML, lang="ja")
    assert page.status_code == 200
    assert "tokkyo-defects.htm：エラー 8 件、警告 1 件" in page.text
    assert 'id="efile-download"' not in page.text
    text = DEFECTS.read_text("utf-8")
    line = text[:text.index("①")].count("\n") + 1
    row = re.search(r'<tr id="F(\d+)" data-code="character-not-in-jis-x-0208" '
                    rf'data-line="{line}">(.*?)</tr>', page.text, re.S)
    assert row and f'href="#L{line}"' in row.group(2)
    assert "「（１）」と書いてください。" in row.group(2)
    target = re.search(rf'<p id="L{line}" class="text flagged">(.*?)</p>', page.text, re.S)
    assert target and f'href="#F{row.group(1)}"' in target.group(1)


def test_the_json_twin(server):
    answer = post(server, DEFECTS, DEFECT_IMAGE)
    body = answer.json()
    assert (answer.status_code, body["ok"], body["errors"], body["warnings"]) == (
        200, False, 8, 1)
    assert body["package"] is None
    assert {f["code"] for f in body["findings"]} >= {"claim-number-gap", "image-dpi"}
    clean = post(server, SAMPLE, FIGURE).json()
    assert clean["ok"] and clean["package"]["name"] == "JPOXMLDOC01.zip"


def test_a_zip_upload(server, tmp_path):
    bundle = tmp_path / "application.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(SAMPLE, "tokkyo-sample.htm")
        z.write(FIGURE, "tokkyo-sample.files/image001.gif")
    body = post(server, bundle).json()
    assert (body["ok"], body["findings"]) == (True, [])


def test_refused_uploads(server, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("hello")
    answer = post(server, note)
    assert answer.status_code == 400
    assert answer.json()["detail"] == "upload exactly one .htm or .html file (there were 0)"
    page = post(server, note, headers=HTML, lang="en")
    assert page.status_code == 400
    assert ("The upload cannot be checked: <span lang=\"en\" translate=\"no\">upload exactly "
            "one .htm or .html file (there were 0)</span>") in page.text
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert post(server, broken).json()["detail"] == "broken.zip: not a ZIP file"
