"""Downloads over real HTTP on loopback: signed links, Range and conditional requests,
an interrupted download resumed byte for byte, refused links and path traversal."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from tests.api.server import SECRET, Server, free_port
from tests.bulk.conftest import API_ONLY, PASSWORD
from tests.conftest import searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.app import create_app
from tokkyo.bulk import links
from tokkyo.bulk.client import BulkClient
from tokkyo.bulk.errors import BulkError, ChecksumMismatch
from tokkyo.bulk.slots import FileSlots
from tokkyo.config import load_settings
from tokkyo.store.database import Database
from tokkyo.store.engine import write_connection
from tokkyo.store.repositories import products as rows
from tokkyo.store.repositories import users
from tokkyo.store.tables import downloads, files


@pytest.fixture(scope="module")
def zip_entry(site):
    return site.entry("jp-gazette-a", "jp-gazette-a-")


@pytest.fixture(scope="module")
def url(site, zip_entry):
    return site.link("bulk-user1", zip_entry["id"])


def test_a_whole_download_matches_the_manifest(site, zip_entry, url):
    answer = httpx.get(url)                   # no cookie, no token: the link is enough
    assert answer.status_code == 200
    assert hashlib.sha256(answer.content).hexdigest() == zip_entry["sha256"]
    h = answer.headers
    assert int(h["content-length"]) == zip_entry["bytes"] == len(answer.content)
    assert h["etag"] == f'"sha256-{zip_entry["sha256"]}"'
    assert h["accept-ranges"] == "bytes"
    assert h["content-disposition"].startswith(f'attachment; filename="{zip_entry["name"]}"')
    assert h["repr-digest"] == "sha-256=:" + base64.b64encode(
        bytes.fromhex(zip_entry["sha256"])).decode() + ":"
    assert "last-modified" in h and h["content-type"] == "application/zip"
    head = httpx.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(zip_entry["bytes"])


def test_ranges(site, zip_entry, url):
    size = zip_entry["bytes"]
    whole = httpx.get(url).content
    for header, start, end in (("bytes=0-99", 0, 99), ("bytes=100-", 100, size - 1),
                               ("bytes=-500", size - 500, size - 1),
                               (f"bytes={size - 10}-{size + 500}", size - 10, size - 1)):
        answer = httpx.get(url, headers={"Range": header})
        assert answer.status_code == 206, header
        assert answer.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert answer.content == whole[start:end + 1]
        assert answer.headers["content-length"] == str(end - start + 1)
    for header in (f"bytes={size}-", "bytes=-0", f"bytes={size + 10}-{size + 20}"):
        answer = httpx.get(url, headers={"Range": header, "Accept": "application/json"})
        assert answer.status_code == 416, header
        assert answer.headers["content-range"] == f"bytes */{size}"
        assert answer.json()["error"] == "range"
    for header in ("bytes=0-1,5-6", "bytes=9-5", "lines=1-2", "bytes=abc"):
        answer = httpx.get(url, headers={"Range": header})
        assert answer.status_code == 200 and answer.content == whole, header


def test_conditional_requests(site, zip_entry, url):
    etag = f'"sha256-{zip_entry["sha256"]}"'
    same = httpx.get(url, headers={"Range": "bytes=10-19", "If-Range": etag})
    assert same.status_code == 206 and len(same.content) == 10
    changed = httpx.get(url, headers={"Range": "bytes=10-19", "If-Range": '"sha256-00"'})
    assert changed.status_code == 200 and len(changed.content) == zip_entry["bytes"]
    dated = httpx.get(url, headers={"Range": "bytes=10-19",
                                    "If-Range": "Sat, 21 Nov 2026 00:00:00 GMT"})
    assert dated.status_code == 200
    cached = httpx.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["etag"] == etag


def test_an_interrupted_download_resumes_byte_identical(site, zip_entry, url, tmp_path):
    target = tmp_path / zip_entry["name"]
    part = tmp_path / (zip_entry["name"] + ".part")
    half = zip_entry["bytes"] // 2
    with httpx.stream("GET", url) as answer, part.open("wb") as out:   # cut in the middle
        for chunk in answer.iter_raw(4096):
            out.write(chunk)
            if out.tell() >= half:
                break
    assert 0 < part.stat().st_size < zip_entry["bytes"]
    with BulkClient(site.base, "bulk-user1", PASSWORD) as client:
        client.fetch(zip_entry, target)          # resumes with Range + If-Range
    assert hashlib.sha256(target.read_bytes()).hexdigest() == zip_entry["sha256"]
    assert not part.exists()
    with site.database().engine.connect() as conn:   # the log shows the ranged request
        ranges = conn.execute(sa.select(downloads.c.byte_range, downloads.c.http_status)
                              .where(downloads.c.byte_range != "")).all()
    assert any(r.http_status == 206 and r.byte_range.endswith(f"-{zip_entry['bytes'] - 1}")
               for r in ranges)


def test_the_client_refuses_a_file_whose_checksum_differs(site, zip_entry, tmp_path):
    wrong = dict(zip_entry, sha256="0" * 64)
    target = tmp_path / "x.zip"
    with BulkClient(site.base, "bulk-user1", PASSWORD) as client, \
            pytest.raises(ChecksumMismatch, match="is not the manifest's 0000"):
        client.fetch(wrong, target)
    assert list(tmp_path.iterdir()) == []       # nothing kept, not even the .part


def _refused(answer: httpx.Response, status: int, reason: str) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] == reason and body["status"] == status and body["message"]


def test_tampered_forged_and_expired_links(site, zip_entry, url):
    token = url.split("/bulk/dl/")[1].split("/")[0]
    name = zip_entry["name"]
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    _refused(httpx.get(f"{site.base}/bulk/dl/{flipped}/{name}"), 403, "invalid")
    _refused(httpx.get(f"{site.base}/bulk/dl/{'A' * 60}/{name}"), 403, "invalid")
    other_key = links.LinkKeys(b"not-the-server-secret-at-all-xx", 1)
    forged, _ = links.issue(other_key, zip_entry["id"], zip_entry["sha256"], 1, "x" * 16,
                            dt.datetime.now(dt.UTC), dt.timedelta(hours=1))
    _refused(httpx.get(f"{site.base}/bulk/dl/{forged}/{name}"), 403, "invalid")
    # a genuine link, sealed with the server's own key, whose life is over
    with site.database().engine.connect() as conn:
        user = users.by_login(conn, "bulk-user1")
    keys = links.LinkKeys(SECRET.encode(), 1)
    expired, _ = links.issue(keys, zip_entry["id"], zip_entry["sha256"], user.id,
                             links.fingerprint(SECRET.encode(), user.login_id,
                                               user.password_hash),
                             dt.datetime.now(dt.UTC) - dt.timedelta(hours=25),
                             dt.timedelta(hours=24))
    answer = httpx.get(f"{site.base}/bulk/dl/{expired}/{name}")
    _refused(answer, 403, "expired")
    assert "ask for a new one" in answer.json()["message"]
    page = httpx.get(f"{site.base}/bulk/dl/{expired}/{name}", headers={"Accept": "text/html"})
    assert page.status_code == 403
    assert "Link expired" in page.text or "リンクの有効期限切れ" in page.text


def test_another_users_link_is_refused(site, url):
    with site.api("bulk-user2") as other:
        _refused(other.get(url), 403, "foreign")
    bob = site.browser("bulk-user2")
    assert bob.get(url).status_code == 403
    assert httpx.get(url).status_code == 200        # still fine for its owner


def test_links_die_with_a_new_password_and_users_without_bulk_get_none(site):
    entry = site.entry("legal-status", "legal-status-")
    url = site.link("bulk-rotate1", entry["id"])
    assert httpx.get(url).status_code == 200
    with write_connection(site.database().engine) as conn, conn.begin():
        accounts.reissue_password(conn, Policy(secret=SECRET.encode()), "bulk-rotate1",
                                  "another-password-9")
    _refused(httpx.get(url), 403, "revoked")
    with site.api(API_ONLY) as client:
        _refused(client.post(f"/bulk/api/v1/files/{entry['id']}/link"), 403, "not-entitled")
        _refused(client.get("/bulk/api/v1/products"), 403, "not-entitled")
    _refused(httpx.post(f"{site.base}/bulk/api/v1/files/{entry['id']}/link"), 401,
             "unauthenticated")


def test_new_terms_must_be_accepted_before_downloading(site):
    entry = site.entry("legal-status", "legal-status-")
    with site.api("old-terms1") as client:
        answer = client.post(f"/bulk/api/v1/files/{entry['id']}/link")
    _refused(answer, 403, "not-entitled")
    assert "accept them at /bulk/terms" in answer.json()["message"]
    browser = site.browser("old-terms1")
    follow = browser.get(f"/bulk/files/{entry['id']}/download")
    assert follow.status_code == 303 and follow.headers["location"].startswith("/bulk/terms")
    page = browser.get(follow.headers["location"])
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    accepted = browser.post("/bulk/terms", data={"csrf": csrf, "next": "/bulk"})
    assert accepted.status_code == 303
    assert site.link("old-terms1", entry["id"]).startswith(site.base + "/bulk/dl/")


# (a bare ".." is resolved by the HTTP client before it is sent, so only encoded forms)
TRAVERSALS = ["..%2F..%2Fsecret.key", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....%2F%2Fx",
              "%00", "a%5C..%5C..%5Csecret.key"]


def test_path_traversal_in_every_parameter(site, url, zip_entry):
    token = url.split("/bulk/dl/")[1].split("/")[0]
    secret = (site.data / "secret.key").read_bytes() if (site.data / "secret.key").exists() \
        else SECRET.encode()
    with site.api("bulk-user1") as client:
        for bad in TRAVERSALS:
            for path in (f"/bulk/dl/{token}/{bad}", f"/bulk/dl/{bad}/{zip_entry['name']}",
                         f"/bulk/products/{bad}", f"/bulk/releases/{bad}",
                         f"/bulk/releases/{bad}/manifest.json",
                         f"/bulk/releases/{bad}/SHA256SUMS", f"/bulk/files/{bad}",
                         f"/bulk/files/{bad}/download",
                         f"/bulk/api/v1/products/{bad}/releases",
                         f"/bulk/api/v1/releases/{bad}/manifest.json",
                         f"/bulk/api/v1/files/{bad}/link"):
                answer = client.request("POST" if path.endswith("/link") else "GET",
                                        site.base + path)
                assert answer.status_code in (403, 404, 405, 422), (path, answer.status_code)
                assert secret not in answer.content and b"root:" not in answer.content


def test_the_client_refuses_unusable_names_from_a_server():
    from tokkyo.bulk.client import _plain
    for bad in ("", ".", "..", "../x", "a/b", "a\\b", "x\x00"):
        with pytest.raises(BulkError, match="unusable name"):
            _plain(bad)


def test_a_file_missing_from_storage_is_a_clear_503_not_a_crash(site, tmp_path):
    source = tmp_path / "lost.bin"
    source.write_bytes(b"bytes that will be lost" * 100)
    db = site.database()
    with write_connection(db.engine) as conn, conn.begin():
        sha, size = db.blobs.put_file(source)
        release = rows.releases_of(conn, "jp-gazette-a")[0].id
        file_id = rows.insert_file(conn, release_id=release, name="lost.bin", bytes=size,
                                   sha256=sha, media_type="application/octet-stream",
                                   status="current", created_at=dt.datetime.now(dt.UTC))
    db.blobs.path(sha).unlink()
    url = site.link("bulk-user1", file_id)
    answer = httpx.get(url)
    _refused(answer, 503, "unavailable")
    assert answer.headers["retry-after"] == "3600"
    assert httpx.head(url).status_code == 200          # the record is still there
    with write_connection(db.engine) as conn, conn.begin():   # leave the release as it was
        conn.execute(sa.delete(downloads).where(downloads.c.file_id == file_id))
        conn.execute(sa.delete(files).where(files.c.id == file_id))


@pytest.mark.parametrize("servers", [1, 2])
def test_at_most_four_downloads_at_a_time_per_user(site, large_file, servers):
    """Across server processes: with two servers on one data folder, two downloads run on
    each, and a fifth is refused by either."""
    file_id, _, _ = large_file
    bases = [site.base]
    extra = None
    if servers == 2:
        extra = Server(site.url, site.data, bulk_terms_version="2026-04")
        bases.append(extra.base)
    path = site.link("bulk-user1", file_id).removeprefix(site.base)
    clients = [httpx.Client(timeout=60) for _ in range(7)]
    streams = []
    try:
        for k, client in enumerate(clients[:4]):   # four started, none read to the end
            stream = client.stream("GET", bases[k % len(bases)] + path)
            answer = stream.__enter__()
            assert answer.status_code == 200
            streams.append(stream)
        for base, client in zip(bases, clients[4:6], strict=False):
            fifth = client.get(base + path)
            assert fifth.status_code == 429 and fifth.headers["retry-after"] == "10"
            assert "at most 4 downloads at a time" in fifth.json()["message"]
        other = site.link("bulk-user2", file_id).removeprefix(site.base)
        assert clients[6].head(bases[-1] + other).status_code == 200  # others not held up
    finally:
        for stream in streams:
            stream.__exit__(None, None, None)
        for client in clients:
            client.close()
    try:
        for _ in range(50):              # the abandoned downloads are let go
            if httpx.get(bases[-1] + path, headers={"Range": "bytes=0-9"}).status_code == 206:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the four abandoned downloads were never released")
    finally:
        if extra is not None:
            extra.stop()


def test_a_slot_is_free_again_when_its_holder_dies(tmp_path):
    """A download slot on SQLite is a kernel lock: a process killed mid-download frees it."""
    slots = FileSlots(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from tokkyo.bulk.slots import "
        "FileSlots; s = FileSlots(Path(sys.argv[1])); "
        "held = [s.take(7, 2), s.take(7, 2)]; print(all(held), flush=True); time.sleep(60)"),
        str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        assert slots.take(7, 2) is None                  # both held by the other process
        assert slots.take(8, 2) is not None              # another user's are separate
    finally:
        holder.kill()
        holder.wait()
    mine = slots.take(7, 2)
    assert mine is not None
    mine.release()
    mine.release()                                       # releasing twice is harmless


@pytest.fixture
def large_file(site, tmp_path):
    """A 64 MB file in the release: larger than what loopback buffers hold."""
    source = tmp_path / "large-span.bin"
    with source.open("wb") as out:
        for _ in range(64):
            out.write(os.urandom(1 << 20))
    db = site.database()
    with write_connection(db.engine) as conn, conn.begin():
        sha, size = db.blobs.put_file(source)
        release = rows.releases_of(conn, "jp-gazette-a")[0].id
        file_id = rows.insert_file(conn, release_id=release, name="large-span.bin",
                                   bytes=size, sha256=sha, media_type="application/octet-stream",
                                   status="current", created_at=dt.datetime.now(dt.UTC))
    yield file_id, sha, size
    with write_connection(db.engine) as conn, conn.begin():
        conn.execute(sa.delete(downloads).where(downloads.c.file_id == file_id))
        conn.execute(sa.delete(files).where(files.c.id == file_id))
    db.blobs.path(sha).unlink()
    db.close()


@pytest.fixture
def plain_server(site):
    """The same app under plain uvicorn, which has no zero-copy send: the file is streamed
    in chunks read in worker threads."""
    settings = load_settings(database_url=site.url, data_dir=str(site.data), secret_key=SECRET,
                             bulk_terms_version="2026-04", environ={})
    db = searched(Database.open(settings), settings.search_path)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, db), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    db.close()


def _logged_bytes(site, file_id: int) -> list[int]:
    with site.database().engine.connect() as conn:
        return [row.bytes for row in conn.execute(
            sa.select(downloads.c.bytes).where(downloads.c.file_id == file_id)
            .order_by(downloads.c.id))]


def _download_then_abandon(url: str) -> str:
    """Read the whole file once (checking its digest), then only its first MB."""
    with httpx.stream("GET", url, timeout=60) as answer:
        digest = hashlib.sha256()
        for chunk in answer.iter_raw(1 << 20):
            digest.update(chunk)
    with httpx.stream("GET", url, timeout=60) as answer:
        got = 0
        for chunk in answer.iter_raw(65536):
            got += len(chunk)
            if got >= 1 << 20:
                break
    return digest.hexdigest()


@pytest.mark.parametrize("server", ["zero-copy (tokkyo serve)", "streamed (plain uvicorn)"])
def test_whole_and_abandoned_downloads_are_logged_with_the_bytes_sent(site, large_file,
                                                                        server, request):
    file_id, sha, size = large_file
    url = site.link("bulk-user1", file_id)
    if server.startswith("streamed"):
        url = request.getfixturevalue("plain_server") + url.removeprefix(site.base)
    assert _download_then_abandon(url) == sha
    for _ in range(100):                  # the abandoned one is logged when the server notices
        logged = _logged_bytes(site, file_id)
        if len(logged) == 2:
            break
        time.sleep(0.1)
    assert logged[0] == size
    assert 1 << 20 <= logged[1] < size, logged
    ranged = httpx.get(url, headers={"Range": "bytes=1000-1999"})
    assert ranged.status_code == 206 and len(ranged.content) == 1000
