"""The checks a received file passes before anything reads it, and the manifests a
delivery may carry: each refusal with its exact code and message."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from tokkyo.exchange import manifests, verify
from tokkyo.exchange.manifests import Entry, ManifestUnreadable


def write_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def test_a_link_member_is_refused(tmp_path):
    link = zipfile.ZipInfo("docs/evil")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = write_zip(tmp_path / "links.zip", [("docs/a.xml", b"<a/>"), (link, b"/etc/passwd")])
    assert verify.archive(path) == verify.Problem(
        "zip-link", "links.zip: member 'docs/evil' is a symbolic link")


def test_a_compression_bomb_is_refused_from_its_declared_sizes(tmp_path):
    path = write_zip(tmp_path / "bomb.zip", [("zeros.xml", bytes(verify.BOMB_FLOOR + 1))])
    problem = verify.archive(path)
    assert problem is not None and problem.code == "zip-bomb"
    assert problem.message.startswith(f"bomb.zip: declares {verify.BOMB_FLOOR + 1} bytes "
                                      "uncompressed from ")


def test_a_damaged_member_fails_its_crc(tmp_path):
    data = b"<doc>" + b"x" * 5000 + b"</doc>"
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.xml", data)
    raw = bytearray(path.read_bytes())
    raw[raw.index(b"xxxx")] = ord("y")
    path.write_bytes(bytes(raw))
    assert verify.archive(path) == verify.Problem(
        "zip-corrupt", "damaged.zip: member 'a.xml' fails its CRC")
    (tmp_path / "cut.zip").write_bytes(bytes(raw[:40]))
    problem = verify.archive(tmp_path / "cut.zip")
    assert problem is not None and problem.code == "zip-corrupt"


def test_a_sound_zip_and_a_plain_file_pass(tmp_path):
    assert verify.archive(write_zip(tmp_path / "ok.zip", [("a.xml", b"<a/>")])) is None
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    assert verify.archive(tmp_path / "a.xml") is None


def test_size_and_checksum_against_the_manifest():
    entry = Entry("a.xml", 10, "0" * 64)
    assert verify.against_manifest("a.xml", 11, "0" * 64, entry, True) == verify.Problem(
        "size-mismatch", "a.xml has 11 bytes, the manifest says 10")
    assert verify.against_manifest("b.xml", 1, "f" * 64, None, True) == verify.Problem(
        "not-in-manifest", "b.xml is not listed in the manifest")
    assert verify.against_manifest("b.xml", 1, "f" * 64, None, False) is None


@pytest.mark.parametrize(("name", "content", "message"), [
    ("manifest.json", b"{not json", "manifest.json is not JSON (Expecting property name "
                                    "enclosed in double quotes: line 1 column 2 (char 1))"),
    ("manifest.json", b'{"files": [{"name": "a.xml", "bytes": "ten"}]}',
     "manifest.json files[1]: bytes 'ten' is not a whole number"),
    ("manifest.json", b'{"files": [{"name": "../a.xml"}]}',
     "manifest.json files[1]: file '../a.xml' points outside the delivery"),
    ("manifest.csv", b"name,size\na.xml,3\n",
     "manifest.csv: the first line must be file,bytes,sha256,records"),
    ("manifest.csv", b"file,bytes,sha256,records\na.xml,3,abc,1\n",
     "manifest.csv line 2: sha256 'abc' is not 64 hexadecimal digits"),
    ("statistics_1.csv", b"Status,NrOfPNStatus\n",
     "statistics_1.csv: statistics-malformed at line 2: the column header "
     "Status,NrOfPNStatus,CC,KC,FirstPN,LastPN,FirstPubDate,LastPubDate,NrOfPN is missing"),
])
def test_an_unreadable_manifest_says_why(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ManifestUnreadable) as caught:
        manifests.read(tmp_path)
    assert str(caught.value) == message


def test_manifest_forms(tmp_path):
    assert manifests.read(tmp_path).kind == "no-manifest"
    (tmp_path / "manifest.json").write_text(json.dumps({
        "release": "jp-gazette-a-20210318-1",
        "files": [{"name": "a.zip", "bytes": 3, "sha256": "A" * 64,
                   "records": {"total": 3, "new": 3}}]}))
    read = manifests.read(tmp_path)
    assert (read.kind, read.delivery_id) == ("manifest-json", "jp-gazette-a-20210318-1")
    assert read.entries == {"a.zip": Entry("a.zip", 3, "a" * 64, 3)}
    assert manifests.is_metadata("READY") and manifests.is_metadata("statistics_x.CSV")
    assert not manifests.is_metadata("sub/READY.xml")
