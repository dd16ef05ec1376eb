"""The bulk site's pages, feeds, replacements seen by the client, archive orders,
registration and maintenance, over real HTTP."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
import pytest
import sqlalchemy as sa
from lxml import etree

from tests.api.server import SECRET
from tests.bulk.conftest import PASSWORD
from tokkyo.bulk import links, publish
from tokkyo.bulk.client import BulkClient
from tokkyo.bulk.errors import LinkRefused
from tokkyo.store.engine import write_connection
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.tables import announcements, users

ATOM = "{http://www.w3.org/2005/Atom}"


def _csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf" value="')[1].split('"')[0]


def test_pages_in_both_languages(site):
    release = site.manifest("jp-gazette-a")
    for lang, words in (("en", ("List of provided data", "JP unexamined patent")),
                        ("ja", ("提供データ一覧", "公開特許公報"))):
        browser = site.browser(lang=lang)
        home = browser.get("/bulk")
        assert home.status_code == 200 and all(w in home.text for w in words)
        product = browser.get("/bulk/products/jp-gazette-a")
        assert release["release"] in product.text
        assert release["files"][0]["sha256"] in product.text
        page = browser.get(f"/bulk/releases/{release['release']}")
        assert page.status_code == 200 and "SHA256SUMS" in page.text
        for path in ("/bulk/announcements", "/bulk/terms", "/bulk/register",
                     f"/bulk/files/{release['files'][0]['id']}"):
            assert browser.get(path).status_code == 200, path
    assert site.browser().get("/bulk/products/nope").status_code == 404
    assert site.browser().get("/bulk/me").status_code == 303       # sign in first


def test_download_from_the_page_after_sign_in(site):
    entry = site.entry("jp-gazette-a", "jp-gazette-a-")
    visitor = site.browser().get(f"/bulk/files/{entry['id']}/download")
    assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login")
    browser = site.browser("bulk-user1")
    follow = browser.get(f"/bulk/files/{entry['id']}/download")
    assert follow.status_code == 303 and follow.headers["location"].startswith("/bulk/dl/")
    body = browser.get(follow.headers["location"]).content
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    mine = browser.get("/bulk/me")
    assert entry["name"] in mine.text


def test_a_replacement_shows_in_history_feeds_and_the_client_picks_it_up(site, tmp_path):
    folder = tmp_path / "mirror"
    with BulkClient(site.base, "bulk-user2", PASSWORD) as client:
        first = client.sync("legal-status", folder)
    assert len(first.downloaded) == 1 and not first.replaced
    manifest = site.manifest("legal-status")
    old = manifest["files"][0]
    corrected = tmp_path / "corrected.csv"
    corrected.write_bytes((folder / manifest["release"] / old["name"]).read_bytes()
                          + b'"patent","0000000000","9","2026-11-21","W10","","fix",""\r\n')
    db = site.database()
    with write_connection(db.engine) as conn, conn.begin():
        publish.replace(conn, db.blobs, manifest["release"], old["name"], corrected,
                        reason="one event was missing", now=dt.datetime.now(dt.UTC))
    with BulkClient(site.base, "bulk-user2", PASSWORD) as client:
        second = client.sync("legal-status", folder)
        third = client.sync("legal-status", folder)
    assert second.replaced == [f"{manifest['release']}/{old['name']}"]
    assert third.unchanged == second.replaced and not third.downloaded
    local = folder / manifest["release"] / old["name"]
    assert local.read_bytes() == corrected.read_bytes()
    after = httpx.get(f"{site.base}/bulk/releases/{manifest['release']}/manifest.json").json()
    assert after["revision"] == 2
    assert after["superseded"][0]["sha256"] == old["sha256"]
    sums = httpx.get(f"{site.base}/bulk/releases/{manifest['release']}/SHA256SUMS").text
    assert hashlib.sha256(corrected.read_bytes()).hexdigest() in sums
    assert old["sha256"] not in sums
    page = site.browser().get(f"/bulk/releases/{manifest['release']}")
    assert "one event was missing" in page.text and old["sha256"] in page.text
    feed = etree.fromstring(httpx.get(f"{site.base}/bulk/announcements.atom?lang=en").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles[0] == f"{old['name']} of {manifest['release']} replaced (revision 2)"
    json_feed = httpx.get(f"{site.base}/bulk/announcements.json").json()
    assert json_feed["items"][0]["tags"] == ["replacement"]
    # the user who downloaded the old file is told on the site
    home = site.browser("bulk-user2").get("/bulk")
    assert "A file you downloaded has been replaced" in home.text
    # the old file still downloads during its grace period
    old_url = site.link("bulk-user2", old["id"])
    assert hashlib.sha256(httpx.get(old_url).content).hexdigest() == old["sha256"]


def test_archive_orders_through_the_pages(site):
    user = site.browser("bulk-user1")
    page = user.get("/bulk/archive")
    assert "case-data" in page.text
    split = user.post("/bulk/archive", data={"csrf": _csrf(page), "unit": "legal-status"},
                      headers={"Accept": "text/html"})
    assert split.status_code == 422
    assert "units cannot be split: &#39;legal-status&#39; is part of unit" in split.text
    placed = user.post("/bulk/archive", data={"csrf": _csrf(page), "unit": "case-data",
                                              "delivery": "online", "purpose": "research"})
    assert placed.status_code == 303
    assert 'data-status="requested"' in user.get("/bulk/archive").text
    assert site.browser("bulk-user2").get("/bulk/admin/archive").status_code == 403
    admin = site.browser("bulk-admin1")
    queue = admin.get("/bulk/admin/archive")
    order_id = queue.text.split('class="order" data-id="')[1].split('"')[0]
    for state in ("verifying", "approved", "sized", "preparing", "ready"):
        moved = admin.post(f"/bulk/admin/archive/{order_id}",
                           data={"csrf": _csrf(queue), "to": state})
        assert moved.status_code == 303, moved.text
    wrong = admin.post(f"/bulk/admin/archive/{order_id}", data={"csrf": _csrf(queue),
                                                               "to": "approved"},
                       headers={"Accept": "application/json"})
    assert wrong.status_code == 400 and "it can go to delivered" in wrong.json()["message"]
    ready = user.get("/bulk/archive").text
    assert 'data-status="ready"' in ready and "case-progress-" in ready
    assert f'href="/bulk/archive/{order_id}/links.txt"' in ready


def test_a_ready_order_is_a_staging_set_with_30_day_links(site):
    user = site.browser("bulk-user1")
    page = user.get("/bulk/archive")
    placed = user.post("/bulk/archive", data={"csrf": _csrf(page), "unit": "case-data",
                                              "delivery": "online", "purpose": "mirror"})
    assert placed.status_code == 303
    admin = site.browser("bulk-admin1")
    queue = admin.get("/bulk/admin/archive")
    order_id = queue.text.split('class="order" data-id="')[1].split('"')[0]
    early = user.get(f"/bulk/archive/{order_id}/links.txt",
                     headers={"Accept": "application/json"})
    assert early.status_code == 409
    assert early.json()["message"] == (f"archive order {order_id} is requested; its files "
                                       "can be downloaded once it is ready")
    for state in ("verifying", "approved", "sized", "preparing", "ready"):
        assert admin.post(f"/bulk/admin/archive/{order_id}",
                          data={"csrf": _csrf(queue), "to": state}).status_code == 303
    sums = user.get(f"/bulk/archive/{order_id}/SHA256SUMS")
    listed = user.get(f"/bulk/archive/{order_id}/links.txt")
    assert sums.status_code == listed.status_code == 200
    assert listed.headers["cache-control"] == "private, no-store"
    expected = dict(reversed(line.split("  ", 1)) for line in sums.text.splitlines())
    urls = listed.text.splitlines()
    assert len(urls) == len(expected) >= 2          # case progress and legal status
    keys = links.LinkKeys(SECRET.encode(), 1)
    now = dt.datetime.now(dt.UTC)
    for url in urls:
        assert url.startswith(f"{site.base}/bulk/dl/")
        token, name = url.removeprefix(f"{site.base}/bulk/dl/").split("/")
        assert links.open_token(keys, token, now + dt.timedelta(days=29)).file_id
        with pytest.raises(LinkRefused, match="expired"):
            links.open_token(keys, token, now + dt.timedelta(days=31))
        answer = httpx.get(url)                      # no session needed: the link is enough
        assert hashlib.sha256(answer.content).hexdigest() == expected[name]
    other = site.browser("bulk-user2").get(f"/bulk/archive/{order_id}/links.txt",
                                           headers={"Accept": "application/json"})
    assert other.status_code == 404 and "of yours" in other.json()["message"]
    assert user.get(f"/bulk/archive/{order_id}/secrets.txt").status_code == 404
    assert httpx.get(f"{site.base}/bulk/archive/{order_id}/links.txt").status_code == 303


def test_registration_form(site):
    browser = site.browser()
    page = browser.get("/bulk/register")
    form = {"csrf": _csrf(page), "kind": "corporate", "name": "Example KK",
            "address": "Tokyo", "c0_name": "Taro", "c0_email": "taro@example.jp",
            "c0_phone": "03-0000-0000", "purpose": "in-house mirror", "s_bulk": "1"}
    refused = browser.post("/bulk/register", data=form)
    assert refused.status_code == 422 and "consent to the terms of use is required" in \
        refused.text
    assert 'value="Example KK"' in refused.text            # nothing typed is lost
    done = browser.post("/bulk/register", data=dict(form, consent="1"))
    assert done.status_code == 200 and 'id="registered"' in done.text
    with site.database().engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == "Example KK")).one()
    assert (row.status, row.bulk, row.api, row.consent_version) == (
        "submitted", True, False, "2026-04")


def test_maintenance_pauses_downloads_with_a_banner(site):
    entry = site.entry("jp-gazette-a", "jp-gazette-a-")
    url = site.link("bulk-user1", entry["id"])
    now = dt.datetime.now(dt.UTC)
    db = site.database()
    with write_connection(db.engine) as conn, conn.begin():
        pk = bulk_activity.announce(conn, published_at=now, category="maintenance",
                                    title_ja="定期メンテナンス", title_en="Scheduled maintenance",
                                    starts_at=now - dt.timedelta(minutes=1),
                                    ends_at=now + dt.timedelta(minutes=30))
    try:
        paused = httpx.get(url)
        assert paused.status_code == 503
        assert 1700 <= int(paused.headers["retry-after"]) <= 1800
        assert paused.json()["error"] == "maintenance"
        assert 'id="maintenance-banner"' in site.browser().get("/bulk").text
    finally:
        with write_connection(db.engine) as conn, conn.begin():
            conn.execute(sa.delete(announcements).where(announcements.c.id == pk))
    assert httpx.get(url).status_code == 200           # and resumes afterwards


def test_no_open_redirect_after_the_terms_form(site):
    browser = site.browser("bulk-user1")
    page = browser.get("/bulk/terms?next=//evil.example/x")
    assert "//evil.example" not in page.text
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example",
                   "javascript:alert(1)"):
        answer = browser.post("/bulk/terms", data={"csrf": _csrf(page), "next": target})
        assert answer.status_code in (303, 403), target
        if answer.status_code == 303:
            assert answer.headers["location"] == "/bulk", target
    with site.api("bulk-user1") as client:
        since = client.get("/bulk/api/v1/products/jp-gazette-a/releases?since=../../x")
    assert since.status_code == 422 and "is not YYYY-MM-DD" in since.json()["message"]
