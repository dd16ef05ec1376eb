"""The `file://` transport (operator media, local folders) and pulls through it: paths stay
under the root, a partial copy resumes to a byte-identical file, a pull agreement fetches
each remote delivery once and only when due; an inbox delivery without a READY marker
waits for its quiet period."""

from __future__ import annotations

import datetime as dt
import os
import time
import zipfile

import pytest

from tests.conftest import FOREIGN
from tokkyo.exchange import partners, schedule
from tokkyo.exchange.schedule import Places
from tokkyo.exchange.transports import open_transport
from tokkyo.exchange.transports.base import Endpoint, TransferRefused


def test_folder_transport_lists_resumes_and_stays_inside(tmp_path):
    root = tmp_path / "medium"
    (root / "d1").mkdir(parents=True)
    payload = os.urandom(3 << 20)
    (root / "d1" / "big.bin").write_bytes(payload)
    (root / "outside-link").symlink_to(tmp_path)
    transport = open_transport(Endpoint(root.as_uri()))
    [remote] = transport.list()
    assert (remote.path, remote.size) == ("d1/big.bin", len(payload))
    local = tmp_path / "copy.bin"
    local.write_bytes(payload[:1_000_000])              # an interrupted earlier copy
    assert transport.fetch(remote, local) == len(payload) - 1_000_000
    assert local.read_bytes() == payload
    with pytest.raises(TransferRefused, match="outside the endpoint's folder"):
        transport.list("../")
    with pytest.raises(TransferRefused, match="symbolic link"):
        transport.list("outside-link")
    transport.put(local, "up/again.bin")
    assert (root / "up" / "again.bin").read_bytes() == payload
    assert not list((root / "up").glob(".*part"))
    with pytest.raises(TransferRefused, match="names a local folder, not a host"):
        open_transport(Endpoint("file://example.org/x"))


def test_pull_agreement_fetches_each_delivery_once_when_due(sqlite_db, tmp_path):
    remote = tmp_path / "partner-server"
    (remote / "2024-w01").mkdir(parents=True)
    source = FOREIGN / "ep" / "grant" / "v1-2-B1.xml"
    (remote / "2024-w01" / source.name).write_bytes(source.read_bytes())
    with sqlite_db.transaction() as conn:
        partners.add_partner(conn, "EP")
        agreement = partners.add_agreement(conn, "EP", {
            "direction": "receive", "right": "patent", "product": "publication data",
            "content": "text", "format": "ST.36", "frequency": "weekly",
            "transport": "folder", "url": remote.as_uri()})
    places = Places.under(tmp_path / "data")
    first = schedule.run_due(sqlite_db, places, secret=None)
    [received] = first.partners[0].received
    assert (received.state, received.delivery) == ("loaded", "2024-w01")
    assert (places.received("EP") / f"2024-w01.{received.id}" / source.name).is_file()
    assert not places.staging("EP").joinpath("2024-w01").exists()
    # not due again before a week has passed; fetched now, the delivery is known already
    assert schedule.run_due(sqlite_db, places, secret=None).partners[0].received == []
    assert schedule.fetch(sqlite_db, places, "EP", secret=None).received == []
    week = dt.datetime.now(dt.UTC) + dt.timedelta(days=7, hours=1)
    later = schedule.run_due(sqlite_db, places, secret=None, now=week)
    assert later.partners[0].received == [] and not later.failed
    with sqlite_db.transaction() as conn:
        assert partners.get_agreement(conn, agreement.id).last_success_at is not None


def test_inbox_without_marker_waits_for_the_quiet_period(sqlite_db, tmp_path):
    with sqlite_db.transaction() as conn:
        partners.add_partner(conn, "ID")
    places = Places.under(tmp_path / "data")
    folder = places.inbox("ID") / "id-2024-01"
    folder.mkdir(parents=True)
    source = FOREIGN / "ep" / "grant" / "v1-3-B2.xml"
    (folder / source.name).write_bytes(source.read_bytes())
    quiet = dt.timedelta(minutes=10)
    run = schedule.run_due(sqlite_db, places, secret=None, quiet=quiet)
    assert run.partners[0].waiting == ["id-2024-01"] and run.partners[0].received == []
    past = time.time() - 11 * 60
    os.utime(folder / source.name, (past, past))
    assert schedule.ready(folder, quiet, time.time() + 11 * 60)
    run = schedule.run_due(sqlite_db, places, secret=None, quiet=dt.timedelta(0))
    [received] = run.partners[0].received
    assert received.state == "loaded" and received.report["manifest"] == "no-manifest"


def test_a_zip_file_of_several_documents_loads_whole(sqlite_db, tmp_path):
    with sqlite_db.transaction() as conn:
        partners.add_partner(conn, "PH")
    medium = tmp_path / "ph-2024-02"
    medium.mkdir()
    members = [FOREIGN / "ep" / "grant" / "v1-0-B2.xml", FOREIGN / "cn" / "cn_old3.xml"]
    with zipfile.ZipFile(medium / "weekly.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in members:
            archive.write(path, f"week/{path.name}")
    received = schedule.import_folder(sqlite_db, Places.under(tmp_path / "data"), "PH",
                                      medium)
    assert received.state == "loaded"
    [file] = received.report["files"]
    assert (file["name"], file["state"], file["records"]) == ("weekly.zip", "loaded", 2)
    assert file["format"] == "cn-patent-document,ep-patent-document"    # member order
