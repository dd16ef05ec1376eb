"""The bulk product "Foreign publications" on SQLite and PostgreSQL: the real foreign
samples loaded (tolerantly, as `tokkyo ingest --tolerant samples/foreign`), published as
one release per country, downloaded through the real bulk site over HTTP byte for byte,
the counts equal to the publications stored, and an EP document replaced by a later
delivery shown in the manifests of both releases."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.api.server import SECRET, Server
from tests.bulk.conftest import PASSWORD, TERMS, Site
from tests.cli.test_cli import tokkyo
from tests.conftest import SAMPLES, fresh_database, searched
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.bulk import catalog, publish
from tokkyo.bulk.publish import Published
from tokkyo.config import load_settings
from tokkyo.ingest.detect import READERS, Format
from tokkyo.ingest.items import walk
from tokkyo.ingest.service import Ingestor
from tokkyo.model.jst import japan_day
from tokkyo.store.database import Database
from tokkyo.store.repositories import bulk_sources, users
from tokkyo.store.tables import publications, sources

FOREIGN = SAMPLES / "foreign"
PRODUCT = "foreign-publications"
USER = "foreign-user1"
REPLACED = FOREIGN / "ep" / "grant" / "v1-5-B1.xml"            # EP 3404678 B1
CORRECTED_NAME = "v1-5-B1-corrected.xml"
TITLE = b"HIGH VOLTAGE ASSEMBLY AND METHOD TO OPERATE THE HIGH VOLTAGE ASSEMBLY"
#: (files, publications) per country: 67 files of 78 publications; the OPS answers and
#: the JP publication one of them holds are not part of the product.
EXPECTED = {"AP": (1, 1), "CN": (9, 9), "DE": (1, 10), "EP": (33, 33), "US": (20, 24),
            "WO": (2, 2), "XX": (1, 1)}


@dataclass
class Loaded:
    site: Site
    day: str                      # YYYYMMDD of the releases (JST)
    backfile: Published
    delta: Published
    again: Published
    corrected: bytes
    stored: dict[str, int]        # publications of the product's formats per country
    client: httpx.Client          # the catalogue API, signed in once as USER

    def release(self, release_id: str) -> dict[str, Any]:
        answer = self.client.get(f"/bulk/api/v1/releases/{release_id}/manifest.json")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def download(self, file_id: int) -> bytes:
        """The file through a signed link of its own, as a user downloads it."""
        link = self.client.post(f"/bulk/api/v1/files/{file_id}/link")
        assert link.status_code == 200, link.text
        answer = httpx.get(link.json()["url"], timeout=60)
        assert answer.status_code == 200, answer.text
        return answer.content


def _ingest(db: Database, path: Path) -> dict[str, int]:
    report = Ingestor(db.engine, db.blobs, tolerant=True).run(walk([path]))
    return dict(report.counts)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Loaded]:
    data = tmp_path_factory.mktemp(f"foreign-{request.param}")
    with fresh_database(request.param, request, data) as url:
        settings = load_settings(database_url=url, data_dir=str(data), secret_key=SECRET,
                                 environ={})
        db = searched(Database.open(settings), settings.search_path)
        assert _ingest(db, FOREIGN) == {"loaded": 78, "replaced": 4, "skipped": 7}
        policy = Policy(secret=SECRET.encode())
        with db.engine.begin() as conn:
            users.update(conn, accounts.add_user(conn, policy, USER, PASSWORD, "user"),
                         consent_version=TERMS)
            catalog.ensure_products(conn)
            backfile = publish.publish(conn, db.blobs, PRODUCT, release_type="backfile",
                                       now=dt.datetime.now(dt.UTC), workdir=data / "work")
        # a later delivery of the same document with a corrected title
        corrected = REPLACED.read_bytes().replace(TITLE, b"HIGH-VOLTAGE ASSEMBLY")
        later = data / "delivery-2"
        later.mkdir()
        (later / CORRECTED_NAME).write_bytes(corrected)
        assert _ingest(db, later) == {"replaced": 1}
        with db.engine.begin() as conn:
            now = dt.datetime.now(dt.UTC)
            delta = publish.publish(conn, db.blobs, PRODUCT, now=now, workdir=data / "work")
            again = publish.publish(conn, db.blobs, PRODUCT, release_type="backfile",
                                    now=now + dt.timedelta(minutes=1), workdir=data / "work")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(
                sa.select(publications.c.country, sa.func.count())
                .join(sources, sources.c.id == publications.c.source_id)
                .where(sources.c.format.in_(bulk_sources.FOREIGN_FORMATS),
                       publications.c.country != "JP")
                .group_by(publications.c.country)).all())
        db.close()
        server = Server(url, data, bulk_terms_version=TERMS)
        site = Site(server, data, url)
        try:
            with site.api(USER) as client:
                yield Loaded(site, f"{japan_day(now):%Y%m%d}", backfile, delta, again,
                             corrected, stored, client)
        finally:
            server.stop()


def _id(loaded: Loaded, country: str, serial: int = 1) -> str:
    return f"{PRODUCT}-{country.lower()}-{loaded.day}-{serial}"


def test_the_product_formats_are_the_foreign_readers_but_ops() -> None:
    assert set(bulk_sources.FOREIGN_FORMATS) == {f.value for f in READERS} - {Format.OPS}


def test_one_backfile_release_per_country(loaded: Loaded) -> None:
    assert loaded.backfile.release_ids == [_id(loaded, c) for c in sorted(EXPECTED)]
    assert loaded.backfile.release_id == _id(loaded, "AP")
    for country, (files, records) in EXPECTED.items():
        manifest = loaded.release(_id(loaded, country))
        assert (manifest["product"], manifest["country"], manifest["type"]) == (
            PRODUCT, country, "backfile")
        assert len(manifest["files"]) == files
        assert sum(f["records"]["total"] for f in manifest["files"]) == records
        assert all(f["records"]["new"] == f["records"]["total"] for f in manifest["files"])
        assert manifest["superseded"] == [] and manifest["completeness"] == ""
    de = loaded.release(_id(loaded, "DE"))["files"]
    assert [(f["name"], f["records"]["total"], f["coverage"], f["media_type"]) for f in de] == [
        ("DE-backfile.xml", 10, {"from": "1968-01-04", "to": "1968-01-04"},
         "application/xml")]
    us = {f["name"]: f for f in loaded.release(_id(loaded, "US"))["files"]}
    assert us["sample_XML4IP.ZIP"]["records"]["total"] == 5
    assert us["sample_XML4IP.ZIP"]["media_type"] == "application/zip"
    assert us["US03932709.greenbook"]["media_type"] == "text/plain"


def test_counts_equal_the_publications_stored(loaded: Loaded) -> None:
    assert loaded.stored == {c: records for c, (_, records) in EXPECTED.items()}


def test_every_file_downloads_as_received(loaded: Loaded) -> None:
    received = {p.name: p for p in FOREIGN.rglob("*") if p.is_file()}
    downloaded = 0
    for country in EXPECTED:
        release = _id(loaded, country)
        manifest = loaded.release(release)
        sums = httpx.get(f"{loaded.site.base}/bulk/releases/{release}/SHA256SUMS").text
        assert sums.splitlines() == [f"{f['sha256']}  {f['name']}" for f in manifest["files"]]
        for entry in manifest["files"]:
            body = loaded.download(entry["id"])
            assert body == received[entry["name"]].read_bytes(), entry["name"]
            assert (hashlib.sha256(body).hexdigest(), len(body)) == (
                entry["sha256"], entry["bytes"])
            downloaded += 1
    assert downloaded == 67


def test_a_replaced_document_shows_in_both_releases(loaded: Loaded) -> None:
    old_release, new_release = _id(loaded, "EP", 1), _id(loaded, "EP", 2)
    assert loaded.delta.release_ids == [new_release]
    delta = loaded.release(new_release)
    assert (delta["type"], delta["country"]) == ("delta", "EP")
    [entry] = delta["files"]
    assert (entry["name"], entry["version"], entry["records"]) == (
        CORRECTED_NAME, 2, {"total": 1, "new": 0, "changed": 1, "deleted": 0})
    assert loaded.download(entry["id"]) == loaded.corrected
    original = REPLACED.read_bytes()
    old_entry = next(f for f in loaded.release(old_release)["files"]
                     if f["name"] == "v1-5-B1.xml")
    [replaced] = entry["replaces"]
    assert {k: replaced[k] for k in ("version", "name", "sha256", "bytes", "releases")} == {
        "version": 1, "name": "v1-5-B1.xml",
        "sha256": hashlib.sha256(original).hexdigest(), "bytes": len(original),
        "releases": [{"release": old_release, "file": old_entry["id"],
                      "name": "v1-5-B1.xml"}]}
    assert replaced["superseded_at"] >= replaced["received_at"] != ""
    assert entry["replaced_by"] == []
    # the release the old file is in says what replaced it; the old bytes stay there
    assert (old_entry["version"], old_entry["replaces"], old_entry["status"]) == (
        1, [], "current")
    [later] = old_entry["replaced_by"]
    assert {k: later[k] for k in ("version", "name", "sha256", "superseded_at",
                                  "releases")} == {
        "version": 2, "name": CORRECTED_NAME,
        "sha256": hashlib.sha256(loaded.corrected).hexdigest(), "superseded_at": "",
        "releases": [{"release": new_release, "file": entry["id"],
                      "name": CORRECTED_NAME}]}
    assert loaded.download(old_entry["id"]) == original
    assert loaded.stored["EP"] == 33            # the same document, not another one


def test_publishing_again_publishes_nothing(loaded: Loaded) -> None:
    assert loaded.again.release_ids == [] and loaded.again.release_id is None
    assert len(loaded.again.unchanged) == 67
    assert CORRECTED_NAME in loaded.again.unchanged
    assert "v1-5-B1.xml" not in loaded.again.unchanged


def test_the_operator_publishes_it_with_the_cli(database_url: str, tmp_path: Path) -> None:
    """`tokkyo ingest --tolerant samples/foreign`, then `tokkyo bulk publish`: every
    country's release named, then nothing new."""
    env = dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"), COLUMNS="200",
               TOKKYO_DATABASE_URL=database_url, TOKKYO_INGEST_WORKERS="0")
    tokkyo("ingest", "--tolerant", str(FOREIGN), env=env, check=0)
    first = tokkyo("bulk", "publish", PRODUCT, "--backfile", env=env, check=0).stdout
    day = first.split(f"{PRODUCT}-ap-")[1].split("-")[0]
    lines = first.splitlines()
    assert lines[:7] == [f"{PRODUCT}: release {PRODUCT}-{c.lower()}-{day}-1"
                         for c in sorted(EXPECTED)]
    assert len(lines) == 7 + 67                # and a line per file
    assert sum(line.endswith("  DE-backfile.xml  (57,194 bytes)") for line in lines) == 1
    again = tokkyo("bulk", "publish", PRODUCT, env=env, check=0).stdout
    assert again == f"{PRODUCT}: nothing new to publish\n"


def test_the_release_pages_show_the_other_deliveries(loaded: Loaded) -> None:
    old_release, new_release = _id(loaded, "EP", 1), _id(loaded, "EP", 2)
    browser = loaded.site.browser(USER)           # signed in (the client is open)
    try:
        new_page = browser.get(f"/bulk/releases/{new_release}")
        old_page = browser.get(f"/bulk/releases/{old_release}").text
        ja_page = browser.get(f"/bulk/releases/{new_release}",
                              headers={"Accept-Language": "ja"}).text
        us_page = browser.get(f"/bulk/releases/{_id(loaded, 'US')}").text
    finally:
        browser.close()
    assert new_page.status_code == 200
    rows = new_page.text.split('<table class="deliveries">')[1].split("</table>")[0]
    assert rows.count('<tr class="replaces">') == 1 and 'class="replaced_by"' not in rows
    assert "<td>replaced by this file</td><td>v1-5-B1.xml</td>" in rows
    assert f'<a href="/bulk/releases/{old_release}">{old_release}</a>' in rows
    assert "Country or office: EP" in new_page.text
    old_rows = old_page.split('<table class="deliveries">')[1].split("</table>")[0]
    assert old_rows.count("<tr class=") == 1
    assert f"<td>replaces this file</td><td>{CORRECTED_NAME}</td>" in old_rows
    assert f'<a href="/bulk/releases/{new_release}">{new_release}</a>' in old_rows
    assert "同じ文献の他の受領分" in ja_page and "このファイルで差替え" in ja_page
    assert "Country or office: US" in us_page and 'class="deliveries"' not in us_page


def test_each_release_is_announced_with_its_country(loaded: Loaded) -> None:
    feed = httpx.get(f"{loaded.site.base}/bulk/announcements.json",
                     headers={"Accept-Language": "en"}).json()["items"]
    titles = [item["title"] for item in feed]
    assert titles[0] == (f"Foreign publications (EP): release {_id(loaded, 'EP', 2)} "
                         "published (1 file)")
    assert sorted(titles[1:]) == [
        f"Foreign publications ({c}): release {_id(loaded, c)} published ({files} file"
        f"{'' if files == 1 else 's'})" for c, (files, _) in sorted(EXPECTED.items())]
    ja = httpx.get(f"{loaded.site.base}/bulk/announcements.json",
                   headers={"Accept-Language": "ja"}).json()["items"]
    assert ja[0]["title"] == f"外国公報（EP）：{_id(loaded, 'EP', 2)} を公開しました（1 ファイル）"
