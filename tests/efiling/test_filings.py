"""A converted e-filing package ingested as an unpublished application (issue 20, item 3),
end to end on SQLite and PostgreSQL: `tokkyo efile convert` then `tokkyo ingest` (the real
CLI, run in this process by Typer's runner with the store's environment), the operators'
pages over real HTTP (`tokkyo serve`), nothing public showing it,
malformed packages quarantined with their reason, and the gazette's publication of the
application linking the filing to its case."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from click.testing import Result
from typer.testing import CliRunner

from tests.api.server import SECRET, Server
from tests.conftest import GAZETTE, SAMPLES, fresh_database, table_counts
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.cli.main import app
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import applications, filings, quarantine, search_outbox, sources

SAMPLE = SAMPLES / "efiling" / "tokkyo-sample.htm"
OPERATOR, USER, PASSWORD = "office-op1", "plain-user1", "filings-password-1"
TITLE = "二次電池の電極"
KEY = "jp-efiling:patent/000000001/P2026-001"


def tokkyo(*args: str, env: dict[str, str], check: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == check, result.output
    return result


def counts(output: str) -> dict[str, int]:
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if "loaded" in line and "quarantined" in line)
    names = [c.strip() for c in lines[header].strip("┃│ ").replace("┃", "│").split("│")]
    values = next(line for line in lines[header + 1:] if any(ch.isdigit() for ch in line))
    return dict(zip(names, (int(c) for c in values.strip("│ ").split("│")), strict=True))


@dataclass
class Office:
    server: Server
    url: str
    env: dict[str, str]
    package: Path
    work: Path

    def client(self, login_id: str | None = None, accept: str = "text/html"
               ) -> httpx.Client:
        client = httpx.Client(base_url=self.server.base, timeout=60, follow_redirects=False,
                              headers={"Accept": accept, "Accept-Language": "en"})
        if login_id:
            answer = client.post("/login", data={"username": login_id, "password": PASSWORD,
                                                 "next": "/"})
            assert answer.status_code == 303, answer.text
        return client

    def rows(self) -> list[sa.Row]:
        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(sa.select(filings).order_by(filings.c.id)).all()
        finally:
            engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def office(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Office]:
    work = tmp_path_factory.mktemp("filings")
    with fresh_database(request.param, request, work) as url:
        env = dict(TOKKYO_DATA_DIR=str(work / "data"), TOKKYO_DATABASE_URL=url,
                   COLUMNS="250", TOKKYO_INGEST_WORKERS="0", TOKKYO_SECRET_KEY=SECRET)
        package = work / "package"
        tokkyo("efile", "convert", str(SAMPLE), "--to", str(package), env=env)
        engine = make_engine(url)
        with engine.begin() as conn:
            policy = Policy(secret=SECRET.encode())
            accounts.add_user(conn, policy, OPERATOR, PASSWORD, role="admin")
            accounts.add_user(conn, policy, USER, PASSWORD)
        engine.dispose()
        loaded = tokkyo("ingest", str(package), env=env)
        assert counts(loaded.output)["loaded"] == 1, loaded.output
        server = Server(url, work / "data")
        try:
            yield Office(server, url, env, package, work)
        finally:
            server.stop()


def test_the_package_is_one_unpublished_filing(office):
    [row] = office.rows()
    assert (row.key, row.reference, str(row.submission_date), row.title) == (
        KEY, "P2026-001", "2026-12-06", TITLE)
    assert (row.applicants, row.inventors, row.agents) == (
        "トッキョ電池株式会社", "特許　太郎", "弁理　花子")
    assert row.documents.split("\n") == ["特許願", "明細書", "特許請求の範囲", "要約書", "図面"]
    assert (row.source_version, row.application_number, row.application_id) == (1, None, None)
    engine = make_engine(office.url)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sources.c.format, sources.c.blob_sha256)
                            .where(sources.c.key == KEY)).one() == ("jp-efiling", row.blob_sha256)
        # not a case: nothing for search, the API or bulk to find
        assert conn.execute(sa.select(sa.func.count()).select_from(applications)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(search_outbox)).scalar() == 0
    engine.dispose()
    # the blob is the package: its three files
    blob = office.work / "data" / "blobs"
    stored = next(p for p in blob.rglob("*") if p.is_file() and row.blob_sha256 in p.name)
    assert sorted(zipfile.ZipFile(stored).namelist()) == sorted(
        p.name for p in office.package.iterdir())


def test_the_same_package_again_is_unchanged_as_a_folder_or_a_zip(office):
    again = tokkyo("ingest", str(office.package), env=office.env)
    assert counts(again.output)["unchanged"] == 1, again.output
    zipped = office.work / "package.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for p in sorted(office.package.iterdir(), reverse=True):
            archive.write(p, f"sent/{p.name}")
    as_zip = tokkyo("ingest", str(zipped), env=office.env)
    assert counts(as_zip.output)["unchanged"] == 1, as_zip.output
    assert [r.source_version for r in office.rows()] == [1]


def test_only_operators_see_filings(office):
    for path in ("/filings", "/filings/1", "/filings/1/package"):
        anonymous = office.client().get(path)
        assert anonymous.status_code == 401, path
        assert "Sign in as an operator to see the filings received." in anonymous.text
        plain = office.client(USER).get(path)
        assert plain.status_code == 403, path
        assert "only operators may see filings" in plain.text
        assert TITLE not in anonymous.text + plain.text
    refused = office.client(USER).post("/filings/1/number", data={"number": "2026012345"})
    assert refused.status_code == 403
    assert office.client(accept="application/json").get("/filings").status_code == 401


def test_the_operator_lists_and_reads_the_filing(office):
    client = office.client(OPERATOR)
    listing = client.get("/filings")
    assert listing.status_code == 200
    assert TITLE in listing.text and "P2026-001" in listing.text
    assert 'href="/filings/1?lang=en">P2026-001</a>' in listing.text
    assert "unpublished" in listing.text
    page = client.get("/filings/1")
    assert page.status_code == 200
    assert "Formality check: 0 errors, 0 warnings" in page.text
    # its documents as printed, by efiling's preview, with the drawing
    assert "【請求項１】" in page.text and "【書類名】図面" in page.text
    assert re.search(r'<img class="figure" src="data:image/gif;base64,', page.text)
    package = client.get("/filings/1/package")
    assert package.headers["content-type"] == "application/zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(package.content)).namelist()) == \
        sorted(p.name for p in office.package.iterdir())


def test_the_json_twins(office):
    client = office.client(OPERATOR, accept="application/json")
    listing = client.get("/filings").json()
    assert listing["total"] == 1
    [one] = listing["filings"]
    assert (one["reference"], one["title"], one["published"], one["version"]) == (
        "P2026-001", TITLE, False, 1)
    page = client.get("/filings/1").json()
    assert page["filing"]["applicants"] == ["トッキョ電池株式会社"]
    assert (page["ok"], page["errors"], page["warnings"], page["findings"]) == (True, 0, 0, [])
    assert [p["document"] for p in page["preview"]] == [
        "特許願", "明細書", "特許請求の範囲", "要約書", "図面"]
    missing = client.get("/filings/99")
    assert (missing.status_code, missing.json()["detail"]) == (404, "no filing 99")
    # the same for programs with an operator's Bearer token (the admin API)
    server = office.server
    token = server.token(OPERATOR, PASSWORD)
    assert server.get("/admin/filings", token).json() == listing
    assert server.get("/admin/filings/1", token).json() == page
    missing = server.get("/admin/filings/99", token)
    assert (missing.status_code, missing.json()["detail"]) == (404, "no filing 99")
    for path in ("/admin/filings", "/admin/filings/1"):
        assert server.get(path, server.token(USER, PASSWORD)).status_code == 403
        assert server.get(path, None).status_code == 401


def test_nothing_public_shows_it(office):
    public = office.client(accept="application/json")
    for term in (TITLE, "P2026-001", "トッキョ電池"):
        found = public.get("/search", params={"q": term})
        assert found.status_code == 200
        assert found.json()["total"] == 0, term
    assert TITLE not in office.client().get("/documents").text


def test_malformed_packages_are_quarantined_with_their_reason(office):
    before = table_counts(make_engine(office.url))
    bad = office.work / "bad"
    cases = {
        "no-request": ("JPOXMLDOC01-jpbibl.xml", None,
                       "the package holds JPOXMLDOC01-appb.xml but not JPOXMLDOC01-jpbibl.xml "
                       "(the request, 特許願); convert the application with its request"),
        "no-image": ("JPOXMLDOC01-appb-D000001.gif", None,
                     "JPOXMLDOC01-appb.xml shows the image JPOXMLDOC01-appb-D000001.gif, "
                     "which the package does not hold"),
        "no-reference": ("JPOXMLDOC01-jpbibl.xml", ("<jp:file-reference-id>P2026-001"
                                                    "</jp:file-reference-id>", ""),
                         "JPOXMLDOC01-jpbibl.xml: the request has no 整理番号 "
                         "(jp:file-reference-id), by which the office files a package"),
        "bad-date": ("JPOXMLDOC01-jpbibl.xml", ("<jp:date>20261206", "<jp:date>20261306"),
                     "JPOXMLDOC01-jpbibl.xml: 提出日 (jp:submission-date) '20261306' is not "
                     "a date written YYYYMMDD"),
        "cut-off": ("JPOXMLDOC01-jpbibl.xml", ("</jp:application-a63>\n</jp:pat-app-doc>\n",
                                               ""),
                    "JPOXMLDOC01-jpbibl.xml: file cut off: the document ends before its root "
                    "element is closed; the parser stopped with: Premature end of data in tag "
                    "application-a63 line 3 (line 22, column 1)"),
        "wrong-root": ("JPOXMLDOC01-appb.xml", ("application-body", "claims-only"),
                       "JPOXMLDOC01-appb.xml is <claims-only>, not <application-body>"),
    }
    for name, (file, change, _reason) in cases.items():
        folder = bad / name
        shutil.copytree(office.package, folder)
        target = folder / file
        if change is None:
            target.unlink()
        else:
            text = target.read_bytes().decode("cp932").replace(*change)
            target.write_bytes(text.encode("cp932"))
    result = tokkyo("ingest", *(str(bad / name) for name in cases), env=office.env, check=1)
    assert counts(result.output)["quarantined"] == len(cases), result.output
    engine = make_engine(office.url)
    with engine.connect() as conn:
        reasons = {r.name: (r.format, r.reason) for r in conn.execute(sa.select(quarantine))}
    engine.dispose()
    for name, (_file, _change, reason) in cases.items():
        path = str(bad / name)
        assert reasons[path] == ("jp-efiling", f"{path}: {reason}"), name
    after = table_counts(make_engine(office.url))
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "quarantine": len(cases), "blobs": len(cases)}
    assert len(office.rows()) == 1


def test_a_part_of_a_package_alone_is_refused_with_what_to_do(office):
    alone = office.work / "alone"
    alone.mkdir()
    shutil.copy(office.package / "JPOXMLDOC01-jpbibl.xml", alone / "request.xml")
    result = tokkyo("ingest", str(alone / "request.xml"), env=office.env, check=1)
    assert (f"{alone / 'request.xml'}: the request (JPOXMLDOC01-jpbibl.xml) of an e-filing "
            "package alone; ingest the package's folder or ZIP") in " ".join(
        result.output.split())


def test_a_changed_package_is_a_new_version_of_the_same_filing(office):
    changed = office.work / "changed"
    shutil.copytree(office.package, changed)
    body = changed / "JPOXMLDOC01-appb.xml"
    body.write_bytes(body.read_bytes().decode("cp932").replace(
        TITLE, "二次電池の電極およびその製造方法").encode("cp932"))
    result = tokkyo("ingest", str(changed), env=office.env)
    assert counts(result.output)["replaced"] == 1, result.output
    [row] = office.rows()
    assert (row.source_version, row.title) == (2, "二次電池の電極およびその製造方法")
    tokkyo("ingest", str(office.package), env=office.env)     # back to the first text
    [row] = office.rows()
    assert (row.source_version, row.title) == (3, TITLE)


def test_the_gazette_publication_of_its_number_links_the_filing(office):
    client = office.client(OPERATOR)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/filings/1").text)
    assert csrf is not None
    wrong = client.post("/filings/1/number", data={"csrf": csrf[1], "number": "特開2021-044377"})
    assert wrong.status_code == 400
    assert office.rows()[0].application_number is None
    given = client.post("/filings/1/number", data={"csrf": csrf[1], "number": "特願2019-165329"})
    assert (given.status_code, given.headers["location"]) == (303, "/filings/1")
    [row] = office.rows()
    assert (row.application_number, row.application_id) == ("2019165329", None)
    # given a number, still unpublished: the public answers not found for it, the JPO
    # API with its "no data" (107)
    assert office.client().get("/d/JP/patent/app/2019165329").status_code == 404
    token = office.server.token(USER, PASSWORD)
    answer = office.server.get("/api/patent/v1/app_progress/2019165329", token).json()
    assert answer["result"]["statusCode"] == "107"
    tokkyo("ingest", str(GAZETTE / "jp_example1.xml"), env=office.env)
    [row] = office.rows()
    assert (row.publication_number, str(row.published_on)) == ("2021044377", "2021-03-18")
    assert row.application_id is not None
    page = client.get("/filings")
    assert "published 2021044377 (2021-03-18)" in page.text
