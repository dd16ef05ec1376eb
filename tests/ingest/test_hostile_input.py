"""Hostile and broken deliveries through the real ingest, on SQLite and PostgreSQL: an
entity bomb, external entities that try to read /etc/passwd or fetch from a real HTTP
server on loopback (which must see no request), a ZIP whose member leaves the archive,
and a truncated file and a wrong encoding declaration of each foreign format. Each is
quarantined with its code, nothing of it is stored, and the good files beside it load."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FOREIGN, GAZETTE, ingest, table_counts

BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE ep-patent-document [\n'
        b'<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
        + b"".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">\n'.encode()
                   for p, n in zip("abcdefgh", "bcdefghi", strict=True))
        + b']>\n<ep-patent-document id="EP1" lang="en">&i;</ep-patent-document>\n')


def _xxe(system: str, parameter: bool = False) -> bytes:
    if parameter:
        return (b'<?xml version="1.0"?>\n<!DOCTYPE ep-patent-document [\n'
                b'<!ENTITY % p SYSTEM "' + system.encode() + b'">\n%p;\n]>\n'
                b'<ep-patent-document id="EP1" lang="en"/>\n')
    return (b'<?xml version="1.0"?>\n<!DOCTYPE ep-patent-document [\n'
            b'<!ENTITY x SYSTEM "' + system.encode() + b'">\n]>\n'
            b'<ep-patent-document id="EP1" lang="en">&x;</ep-patent-document>\n')


#: The paths the loopback server was asked for.
SEEN: list[str] = []


class _Recorder(http.server.BaseHTTPRequestHandler):

    def do_GET(self) -> None:
        SEEN.append(self.path)
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    """A real HTTP server on loopback that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _cases(listener: str) -> dict[str, tuple[bytes, str]]:
    ep = (FOREIGN / "ep" / "grant" / "v1-5-B1.xml").read_bytes()
    return {
        "bomb.xml": (BOMB, "entity-expansion"),
        "passwd.xml": (_xxe("file:///etc/passwd"), "external-entity"),
        "network.xml": (_xxe(f"{listener}/entity"), "external-entity"),
        "parameter.xml": (_xxe(f"{listener}/dtd", parameter=True), "external-entity"),
        "cut.xml": (ep[:len(ep) // 2], "truncated"),
        "latin1.xml": (ep.replace(b'encoding="UTF-8"', b'encoding="US-ASCII"', 1)
                       if b'encoding="UTF-8"' in ep else b"", "encoding-error"),
        "traversal.zip": (_zip_with({"../../etc/cron.d/evil.xml": ep}), "zip-traversal"),
    }


def test_hostile_files_are_refused_with_their_code_and_nothing_is_read(
        db, tmp_path: Path, listener: str):
    folder = tmp_path / "delivery"
    folder.mkdir()
    cases = _cases(listener)
    for name, (data, _code) in cases.items():
        assert data, name
        (folder / name).write_bytes(data)
    before = table_counts(db.engine)
    report = ingest(db, folder)
    refused = {Path(o.name.split("!")[0]).name: o for o in report.outcomes}
    assert {name: o.status for name, o in refused.items()} == {
        name: "quarantined" for name in cases}
    for name, (_data, code) in cases.items():
        assert f": {code}" in refused[name].reason, (name, refused[name].reason)
    assert SEEN == []
    after = table_counts(db.engine)
    changed = {t for t in after if after[t] != before.get(t)}
    assert changed <= {"quarantine", "blobs", "batches"}, changed
    assert after["publications"] == before["publications"] == 0


def test_good_files_beside_hostile_ones_load(db, tmp_path: Path, listener: str):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "passwd.xml").write_bytes(_xxe("file:///etc/passwd"))
    (folder / "gazette.xml").write_bytes((GAZETTE / "jp_example1.xml").read_bytes())
    (folder / "ep.xml").write_bytes((FOREIGN / "ep" / "grant" / "v1-5-B1.xml").read_bytes())
    report = ingest(db, folder)
    assert sorted((Path(o.name).name, o.status) for o in report.outcomes) == [
        ("ep.xml", "loaded"), ("gazette.xml", "loaded"), ("passwd.xml", "quarantined")]
    assert table_counts(db.engine)["publications"] == 2
    assert SEEN == []


def test_a_jp_gazette_declaring_an_external_entity_is_refused(db, tmp_path: Path):
    good = (GAZETTE / "jp_example1.xml").read_bytes()
    hostile = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE jp-official-gazette '
               b'[<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
               + good.replace(b"<jp:invention-title>", b"<jp:invention-title>&x;", 1))
    path = tmp_path / "gazette.xml"
    path.write_bytes(hostile)
    [outcome] = ingest(db, path).outcomes
    assert outcome.status == "quarantined"
    assert outcome.reason == (
        f"{path}: external-entity at line 2, column 32: the document declares the external "
        "entity 'x' (SYSTEM \"file:///etc/passwd\"); tokkyo never reads external entities")
    assert table_counts(db.engine)["publications"] == 0
