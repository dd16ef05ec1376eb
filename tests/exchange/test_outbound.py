"""Sending JP data to partners (issue 16 item 8, exchange.md §12) on SQLite and PostgreSQL
with the sample JP gazettes loaded by the real ingest: a delivery carries the covered
publications as received, with manifest.json, SHA256SUMS and the ST.37 authority file of
exactly what it carries; built twice it is the same bytes; a second send with nothing new
sends nothing; a push to a real SFTP server (asyncssh's, in its own process) arrives whole
and `sha256sum -c` verifies it there; a partner's ACK is recorded, a partial one lists the
missing files, a bad one changes nothing; run-due sends on the agreed frequency and
removes outbox deliveries after 90 days."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.conftest import GAZETTE, ingest, table_counts
from tests.transfer_servers import make_ssh_key, sftp_server
from tokkyo.cli.main import app
from tokkyo.exchange import authority, deliveries, manifests, outbound, partners
from tokkyo.exchange.errors import ExchangeError
from tokkyo.exchange.schedule import Places
from tokkyo.exchange.st37 import AuthorityEntry
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import publications, sources

SECRET = b"k" * 40
TODAY = dt.date(2026, 12, 7)
TODAY_OF_GAZETTE = dt.date(2021, 3, 18)        # the sample gazettes' publication day
SENDING = {"direction": "send", "right": "patent", "product": "publication data",
           "content": "text", "format": "XML", "kinds": "A,B,U,Y", "frequency": "weekly",
           "transport": "inbox"}


def _partner(db, code: str = "SG", **fields) -> int:
    with db.engine.begin() as conn:
        partners.add_partner(conn, code)
        row = partners.add_agreement(conn, code, {**SENDING, **fields}, SECRET)
    return row.id


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _jp_publications(db) -> list[sa.Row]:
    with db.engine.connect() as conn:
        return conn.execute(
            sa.select(publications.c.number, publications.c.st16_kind, publications.c.date,
                      sources.c.blob_sha256, sources.c.name)
            .join(sources, sources.c.id == publications.c.source_id)
            .where(publications.c.country == "JP").order_by(publications.c.number)).all()


@pytest.fixture
def loaded(db):
    ingest(db, GAZETTE)
    return db


def test_a_delivery_carries_what_is_covered_as_received_and_builds_twice_the_same(
        loaded, tmp_path):
    db = loaded
    agreement = _partner(db)
    places = Places(tmp_path / "exchange")
    run = outbound.send(db, places, "SG", secret=SECRET, today=TODAY)
    assert run.failures == []
    [sent] = run.sent
    published = _jp_publications(db)
    assert (sent.delivery, sent.placement, sent.documents, sent.again) == (
        f"jp-{agreement}-00001", "outbox", len(published), False)
    folder = places.root / "outbox" / "SG" / sent.delivery
    files = _files(folder)
    days = sorted({p.date for p in published})
    archives = [f"JP-A-{d:%Y%m%d}.zip" for d in days]
    assert sorted(files) == sorted([*archives, "JP-authority.csv", "JP-authority.xml",
                                    "SHA256SUMS", "manifest.json"])

    # the source files as received, one ZIP per kind and day, fixed entry times
    received = {p.name.rsplit("/", 1)[-1]: (GAZETTE / p.name.rsplit("/", 1)[-1]).read_bytes()
                for p in published}
    carried: dict[str, bytes] = {}
    for name in archives:
        with zipfile.ZipFile(folder / name) as archive:
            for info in archive.infolist():
                assert info.date_time[3:] == (0, 0, 0)
                carried[info.filename.rsplit("/", 1)[-1]] = archive.read(info)
    assert carried == received

    # SHA256SUMS covers every data and authority file; manifest.json reads back with the
    # receiving side's own reader and agrees with it
    sums = dict(reversed(line.split("  ", 1)) for line in
                files["SHA256SUMS"].decode().splitlines())
    assert sorted(sums) == sorted(n for n in files if n not in ("SHA256SUMS",
                                                                "manifest.json"))
    assert all(hashlib.sha256(files[n]).hexdigest() == h for n, h in sums.items())
    read = manifests.read(folder)
    assert (read.kind, read.delivery_id) == ("manifest-json", sent.delivery)
    assert {n: (e.bytes, e.sha256) for n, e in read.entries.items()} == {
        n: (len(files[n]), sums[n]) for n in archives}     # the authority files describe it
    manifest = json.loads(files["manifest.json"])
    assert (manifest["format"], manifest["to"], manifest["documents"]) == (
        "tokkyo-manifest", "SG", len(published))
    assert manifest["published_at"] == "2026-12-07T00:00:00+09:00"

    # built again from what was recorded (twice): the same bytes
    with db.engine.connect() as conn:
        partner = partners.get_partner(conn, "SG")
        row = outbound.repository.sent_by_key(conn, partner.id, sent.delivery)
        assert row is not None
        plan = outbound.recorded_plan(conn, partner, row)
    for again in ("a", "b"):
        built = outbound.build(plan, db.blobs, tmp_path / again)
        assert _files(tmp_path / again) == files
        assert built.sums_sha256 == hashlib.sha256(files["SHA256SUMS"]).hexdigest()

    # the ST.37 file of the delivery, re-imported, is exactly what was sent
    sent_entries = sorted(AuthorityEntry("JP", p.number.lstrip("0"), p.st16_kind, p.date)
                          for p in published)
    for name in ("JP-authority.csv", "JP-authority.xml"):
        with db.engine.begin() as conn:
            authority.import_file(conn, "JP-sent", name, files[name])
        with db.engine.connect() as conn:
            assert sorted(authority.entries(conn, "JP-sent")) == sent_entries
            assert sorted(authority.holding(conn)) == sent_entries

    # nothing new: a second send sends nothing and writes nothing but the run's time
    before = table_counts(db.engine)
    again = outbound.send(db, places, "SG", secret=SECRET, today=TODAY)
    assert (again.sent, again.nothing_new, again.failures) == ([], [agreement], [])
    assert table_counts(db.engine) == before
    assert sorted(p.name for p in (places.root / "outbox" / "SG").iterdir()) == [
        sent.delivery]

    # sent again on request: the same bytes in the outbox
    shutil.rmtree(folder)
    resent = outbound.send_again(db, places, "SG", sent.delivery, secret=SECRET)
    assert [s.again for s in resent.sent] == [True]
    assert _files(folder) == files


def test_kinds_coverage_and_rows_tokkyo_cannot_send(loaded, tmp_path):
    db = loaded
    places = Places(tmp_path / "exchange")
    with db.engine.begin() as conn:
        partners.add_partner(conn, "TH")
    with pytest.raises(ExchangeError, match="partner TH has no active sending agreement"):
        outbound.send(db, places, "TH", secret=SECRET)
    only_b = _partner(db, "MY", kinds="B,U")
    before_2021 = _partner(db, "VN", coverage_to="2020-12-31")
    pdf = _partner(db, "ID", format="PDF")
    designs = _partner(db, "PH", right="design")
    for code, agreement in (("MY", only_b), ("VN", before_2021)):
        run = outbound.send(db, places, code, secret=SECRET)
        assert (run.sent, run.nothing_new, run.failures) == ([], [agreement], [])
    run = outbound.send(db, places, "ID", secret=SECRET)
    assert run.failures == [f"agreement {pdf}: format PDF cannot be sent: tokkyo sends "
                            "the JP gazette XML as received (format XML)"]
    run = outbound.send(db, places, "PH", secret=SECRET)
    assert run.failures == [f"agreement {designs}: tokkyo sends JP patent and utility "
                            "model publications, not design data"]
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM exchange_sent")).scalar() == 0
    assert not (places.root / "outbox").exists()


def test_acks_partial_complete_and_unreadable(loaded, tmp_path):
    db = loaded
    _partner(db)
    places = Places(tmp_path / "exchange")
    [sent] = outbound.send(db, places, "SG", secret=SECRET, today=TODAY).sent
    names = sorted(f.name for f in sent.files)
    hashes = {f.name: f.sha256 for f in sent.files}
    folder = places.root / "outbox" / "SG" / sent.delivery

    # a bad ACK: its line said, nothing recorded
    (folder / "ACK").write_text(f"{hashes[names[0]]}  {names[0]}\nnot-a-hash\n")
    run = outbound.send(db, places, "SG", secret=SECRET)
    assert run.acks == []
    assert run.failures == [f"{folder / 'ACK'}: ACK line 2: 'not-a-hash' is not a SHA-256 "
                            "(64 hexadecimal digits)"]
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM exchange_sent_files "
                                    "WHERE acked_at IS NOT NULL")).scalar() == 0

    # a partial ACK beside the delivery, sha256sum style, plus a hash it was never sent
    stranger = "0" * 64
    (folder / "ACK").write_text("".join(f"{hashes[n]}  {n}\n" for n in names[:-1])
                                + f"# received 2026-12-08\n{stranger}\n")
    run = outbound.send(db, places, "SG", secret=SECRET)
    [ack] = run.acks
    assert (ack.complete, ack.acknowledged, ack.missing, ack.unknown) == (
        False, tuple(names[:-1]), (names[-1],), (stranger,))
    # the same ACK again is not read again
    assert outbound.send(db, places, "SG", secret=SECRET).acks == []

    # the rest, in tokkyo's inbox as {delivery}.ACK: complete
    inbox = places.inbox("SG")
    inbox.mkdir(parents=True)
    (inbox / f"{sent.delivery}.ACK").write_text(hashes[names[-1]].upper() + "\n")
    [ack] = outbound.send(db, places, "SG", secret=SECRET).acks
    assert (ack.complete, ack.missing) == (True, ())
    with db.engine.connect() as conn:
        listed = outbound.sent_json(conn, "SG")
    assert [(d["delivery"], d["acknowledged"], d["missing"]) for d in listed] == [
        (sent.delivery, names, [])]
    with pytest.raises(ExchangeError, match="partner SG was sent no such delivery"):
        outbound.record_ack(db, "SG", "jp-9-00001", b"")


def test_run_due_sends_on_the_frequency_and_removes_old_outbox_deliveries(loaded, tmp_path):
    db = loaded
    agreement = _partner(db)
    places = Places(tmp_path / "exchange")
    start = dt.datetime.now(dt.UTC)
    [first] = outbound.run_due(db, places, secret=SECRET, now=start)
    assert [s.delivery for s in first.sent] == [f"jp-{agreement}-00001"]
    [second] = outbound.run_due(db, places, secret=SECRET, now=start + dt.timedelta(days=1))
    assert (second.sent, second.nothing_new) == ([], [])       # weekly: not due yet
    later = start + dt.timedelta(days=91)
    [third] = outbound.run_due(db, places, secret=SECRET, now=later)
    assert (third.sent, third.nothing_new) == ([], [agreement])
    assert third.removed == [f"SG/jp-{agreement}-00001"]
    assert not (places.root / "outbox" / "SG" / f"jp-{agreement}-00001").exists()
    with db.engine.connect() as conn:
        assert [d["state"] for d in outbound.sent_json(conn, "SG")] == ["removed"]


@pytest.fixture(scope="module")
def partner_sftp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sftp-partner")
    host = make_ssh_key(folder / "keys", "host")
    home = folder / "home"
    (home / "in").mkdir(parents=True)
    with sftp_server(folder, [("jpo-out", "pw-ω", home)], host) as server:
        yield server, host, home


def test_a_push_to_sftp_arrives_whole_and_verifies_and_its_ack_is_fetched(
        loaded, tmp_path, partner_sftp):
    db = loaded
    server, host, home = partner_sftp
    agreement = _partner(db, "EP", transport="sftp",
                         url=f"sftp://127.0.0.1:{server.port}/in", username="jpo-out",
                         password="pw-ω", host_key=host.public_line)
    places = Places(tmp_path / "exchange")
    run = outbound.send(db, places, "EP", secret=SECRET, today=TODAY)
    assert run.failures == []
    [sent] = run.sent
    assert sent.destination == f"sftp://127.0.0.1:{server.port}/in/{sent.delivery}/"
    arrived = home / "in" / sent.delivery
    names = sorted(f.name for f in sent.files)
    assert sorted(p.name for p in arrived.iterdir()) == sorted(
        [*names, "SHA256SUMS", "manifest.json", "READY"])       # no temporary names left
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=arrived,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names)
    assert not (places.root / "building" / "EP" / sent.delivery).exists()

    # the partner's ACK on its own server, beside the delivery
    first = next(f for f in sent.files if f.name == names[0])
    (arrived / "ACK").write_text(f"{first.sha256}  {first.name}\n")
    [ack] = outbound.send(db, places, "EP", secret=SECRET).acks
    assert (ack.acknowledged, ack.missing) == ((names[0],), tuple(names[1:]))
    shutil.rmtree(arrived)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT placement, state FROM exchange_sent WHERE "
                                    "agreement_id = :a"), {"a": agreement}).all() == [
            ("push", "placed")]


def test_the_send_command(database_url, tmp_path):
    env = {"TOKKYO_DATA_DIR": str(tmp_path / "data"), "TOKKYO_DATABASE_URL": database_url,
           "COLUMNS": "200",
           "TOKKYO_SECRET_KEY": SECRET.decode()}
    runner = CliRunner()

    def tokkyo(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    tokkyo("ingest", str(GAZETTE))
    assert "no partner 'SG'" in tokkyo("exchange", "send", "SG", code=2)
    tokkyo("exchange", "partners", "add", "SG")
    tokkyo("exchange", "agreements", "add", "SG", "--direction", "send", "--format", "XML",
           "--kinds", "A,B,U,Y", "--frequency", "monthly")
    out = tokkyo("exchange", "send", "SG")
    assert "SG jp-1-00001: 3 publication(s) in 3 file(s) sent → outbox" in out
    assert "SG: agreement 1: nothing new to send" in tokkyo("exchange", "send", "SG")
    assert "sent again" in tokkyo("exchange", "send", "SG", "--again", "jp-1-00001")
    [shown] = json.loads(tokkyo("exchange", "partners", "show", "SG"))["sent"]
    assert (shown["delivery"], shown["state"], shown["placement"], shown["missing"]) == (
        "jp-1-00001", "placed", "outbox",
        ["JP-A-20210318.zip", "JP-authority.csv", "JP-authority.xml"])
    assert "was sent no delivery 'jp-1-00009'" in tokkyo(
        "exchange", "send", "SG", "--again", "jp-1-00009", code=2)


def test_a_corrected_publication_is_sent_again_in_the_next_delivery(loaded, tmp_path):
    db = loaded
    _partner(db)
    places = Places(tmp_path / "exchange")
    [first] = outbound.send(db, places, "SG", secret=SECRET, today=TODAY).sent
    corrected = tmp_path / "corrected" / "jp_example1.xml"
    corrected.parent.mkdir()
    corrected.write_bytes((GAZETTE / "jp_example1.xml").read_bytes() + b"\n<!-- fixed -->\n")
    ingest(db, corrected.parent)
    [second] = outbound.send(db, places, "SG", secret=SECRET, today=TODAY).sent
    assert (first.documents, second.documents) == (3, 1)
    folder = places.root / "outbox" / "SG" / second.delivery
    [archive] = folder.glob("JP-A-*.zip")
    with zipfile.ZipFile(archive) as opened:
        [entry] = opened.infolist()
        assert opened.read(entry) == corrected.read_bytes()
    assert (folder / "JP-authority.csv").read_text() == "JP;2021044377;A;20210318;\n"


def test_a_push_that_fails_is_recorded_and_placed_later_with_the_same_bytes(
        loaded, tmp_path, partner_sftp):
    db = loaded
    server, host, home = partner_sftp
    agreement = _partner(db, "AU", transport="sftp",
                         url=f"sftp://127.0.0.1:{server.port}/in", username="jpo-out",
                         password="wrong", host_key=host.public_line)
    places = Places(tmp_path / "exchange")
    failed = outbound.send(db, places, "AU", secret=SECRET, today=TODAY)
    assert failed.sent == []
    [failure] = failed.failures
    assert failure == (f"agreement {agreement}: sftp://127.0.0.1:{server.port}/in: login "
                       "refused for user 'jpo-out' (wrong password or key)")
    with db.engine.connect() as conn:
        [(key, state, sums)] = conn.execute(sa.text(
            "SELECT delivery_key, state, sums_sha256 FROM exchange_sent")).all()
    assert state == "built"
    assert not (home / "in" / key).exists()
    with db.engine.begin() as conn:
        partners.edit_agreement(conn, agreement, {"password": "pw-ω"}, SECRET)
    run = outbound.send(db, places, "AU", secret=SECRET, today=TODAY + dt.timedelta(days=3))
    assert [(s.delivery, s.again) for s in run.sent] == [(key, True)]
    assert run.nothing_new == [agreement]
    arrived = home / "in" / key
    assert hashlib.sha256((arrived / "SHA256SUMS").read_bytes()).hexdigest() == sums
    assert b'date-produced="20261207"' in (arrived / "JP-authority.xml").read_bytes()
    shutil.rmtree(arrived)


def test_a_partner_running_tokkyo_receives_the_delivery_whole_and_as_sent(loaded, tmp_path,
                                                              sqlite_template):
    db = loaded
    _partner(db)
    places = Places(tmp_path / "exchange")
    [sent] = outbound.send(db, places, "SG", secret=SECRET, today=TODAY).sent
    copy = tmp_path / "partner.sqlite3"
    copy.write_bytes(sqlite_template.read_bytes())
    partner_side = Database(make_engine(f"sqlite:///{copy}"),
                            LocalBlobStore(tmp_path / "partner-blobs"))
    try:
        with partner_side.engine.begin() as conn:
            partners.add_partner(conn, "JP")
        received = deliveries.receive(partner_side, "JP",
                                      places.root / "outbox" / "SG" / sent.delivery,
                                      origin="import", delivery_key=sent.delivery)
        assert (received.state, received.report["manifest"]) == ("loaded", "manifest-json")
        assert [(f["name"], f["state"]) for f in received.report["files"]] == [
            (f"JP-A-{TODAY_OF_GAZETTE:%Y%m%d}.zip", "loaded")]
        assert received.report["documents"]["loaded"] == sent.documents
        with partner_side.engine.connect() as conn:
            theirs = conn.execute(sa.select(publications.c.number, sources.c.blob_sha256)
                                  .join(sources, sources.c.id == publications.c.source_id)
                                  .order_by(publications.c.number)).all()
        assert theirs == [(p.number, p.blob_sha256) for p in _jp_publications(db)]
    finally:
        partner_side.close()


def test_two_sends_at_once_send_one_delivery(database_url, tmp_path):
    """Two `tokkyo exchange send` processes at once: one builds and places the delivery,
    the other finds the partner busy (or, later, nothing new); one delivery recorded."""
    data = tmp_path / "data"
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, TOKKYO_DATA_DIR=str(data), TOKKYO_DATABASE_URL=database_url,
               TOKKYO_SECRET_KEY=SECRET.decode(),
               COLUMNS="200", TOKKYO_INGEST_WORKERS="0",
               PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH"))
                                          if p))
    engine = make_engine(database_url)
    db = Database(engine, LocalBlobStore(data / "blobs"))
    try:
        ingest(db, GAZETTE)
        _partner(db)
        first, second = (subprocess.Popen(
            [sys.executable, "-m", "tokkyo.cli.main", "exchange", "send", "SG"], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2))
        outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0], outputs
        assert sum("publication(s) in" in out for out in outputs) == 1, outputs
        assert all("publication(s) in" in out or "busy" in out or "nothing new" in out
                   for out in outputs), outputs
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM exchange_sent")).scalar() == 1
        assert len(list((data / "exchange" / "outbox" / "SG").iterdir())) == 1
    finally:
        db.close()
