"""Every document-ZIP shape of jpo-api.md §9 round-trips (issue 19, item 1).

For the three laws and the three `app_doc_cont_*` operations, ZIPs built in the table's
shapes (entry names, folders, order) go through the real ingest and come back from a
running tokkyo over HTTP with the same entries, names, order and bytes. Patent bodies are
the real recorded ZIPs; design and trademark bodies are HTM files written here in
Shift_JIS, with the real TIFF page images of the trademark gazette samples and a JPEG
made from one of them. A ZIP tokkyo could not give back so is refused with its reason,
and nothing of it is stored.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.api.conftest import UNLIMITED, Api
from tests.api.server import Server
from tests.conftest import EXAMPLES, REAL, TRADEMARK_GAZETTES, fresh_database, ingest, searched
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import applications, document_bodies

PREFIX = {"app_doc_cont_opinion_amendment": "docContOpinionAmendment",
          "app_doc_cont_refusal_reason_decision": "docContRefusalReasonDecision",
          "app_doc_cont_refusal_reason": "docContRefusalReason"}
CASES = {"design": "2023000101", "trademark": "2023000202"}
STAMP = (2026, 12, 6, 10, 0, 0)
# the real page images of the trademark gazette samples (bi-level TIFF)
PAGES = [(TRADEMARK_GAZETTES / f"{n}.IMG").read_bytes() for n in ("5721010", "5722115",
                                                                    "5742628")]


def jpeg() -> bytes:
    """A JPEG made from a real gazette image (the opinions' figure files are JPEGs)."""
    out = io.BytesIO()
    with Image.open(TRADEMARK_GAZETTES / "5808808.IMG") as image:
        image.convert("L").save(out, "JPEG", quality=75)
    return out.getvalue()


def htm(title: str, law: str, number: str, case: str = "") -> bytes:
    """A mailed or submitted document as JPO's design and trademark ZIPs hold it: HTML
    in Shift_JIS."""
    kind = "意匠" if law == "design" else "商標"
    return (f'<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; '
            f'charset=Shift_JIS"><TITLE>{title}</TITLE></HEAD><BODY>'
            f"<P>【書類名】　{title}</P><P>【{kind}登録出願の番号】　{case or CASES[law]}</P>"
            f"<P>【書類番号】　{number}</P></BODY></HTML>\r\n").encode("shift_jis")


def jpo_zip(files: list[tuple[str, bytes]]) -> bytes:
    """A ZIP as JPO writes one: a stored 0755 directory entry before each folder's first
    file, files deflated with mode 0644."""
    buffer = io.BytesIO()
    folders: set[str] = set()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            folder = name.rpartition("/")[0]
            if folder and folder not in folders:
                folders.add(folder)
                info = zipfile.ZipInfo(folder + "/", date_time=STAMP)
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def htm_bundles(law: str, case: str = "") -> dict[str, list[tuple[str, bytes]]]:
    """The design/trademark column of the §9 table, for one case of `law`.

    The amendment (A523) has the lower number, yet comes after the opinion (A53); the
    refusal notice is the same mailed document, byte for byte, in both notice ZIPs."""
    opinion, amendment = "52300100002", "52300100001"
    notice, decision = "06123000101", "06123000202"
    notice_files = [(f"{notice}P.HTM", htm("拒絶理由通知書", law, notice, case)),
                    (f"{notice}0001.tif", PAGES[0]), (f"{notice}0002.tif", PAGES[1])]
    return {
        "app_doc_cont_opinion_amendment": [
            (f"A53_{opinion}/JPOSGMLDOC1P.HTM", htm("意見書", law, opinion, case)),
            (f"A53_{opinion}/JPOSGMLDOC10001.JPG", jpeg()),
            (f"A523_{amendment}/JPOSGMLDOC1P.HTM", htm("手続補正書", law, amendment, case))],
        "app_doc_cont_refusal_reason": notice_files,
        "app_doc_cont_refusal_reason_decision": [
            *notice_files,
            (f"{decision}P.HTM", htm("拒絶査定", law, decision, case)),
            (f"{decision}0001.tif", PAGES[2])],
    }


DOSSIER_CASE = "2022012584"
DOSSIER_DECISIONS = [
    ("06322057705P.HTM", htm("拒絶理由通知書", "design", "06322057705", DOSSIER_CASE)),
    ("063220577050001.tif", PAGES[1]),
    ("06322071596P.HTM", htm("登録査定", "design", "06322071596", DOSSIER_CASE))]

LATER_CASE = "2023000505"
LOOSE_CASE = "2023000404"
LOOSE_FILES = [("06123000401P.HTM", htm("拒絶理由通知書", "trademark", "06123000401", LOOSE_CASE)),
               ("061230004010001.tif", PAGES[0]), ("061230004010002.tif", PAGES[2]),
               ("06123000402P.HTM", htm("拒絶査定", "trademark", "06123000402", LOOSE_CASE))]

# ZIPs tokkyo cannot give back as received: refused, each with its reason.
REFUSED = {
    "design__v1__app_doc_cont_refusal_reason_decision__2023000303.zip": (
        [("06123000302P.HTM", b"<HTML>2</HTML>"), ("06123000301P.HTM", b"<HTML>1</HTML>")],
        "a document ZIP tokkyo could not give back as received "
        "(app_doc_cont_refusal_reason_decision, jpo-api.md §9): entry 1 is "
        "'06123000302P.HTM' where tokkyo would give back '06123000301P.HTM'"),
    "trademark__v1__app_doc_cont_opinion_amendment__2023000303.zip": (
        [("A523_52300100001/JPOSGMLDOC1P.HTM", b"<HTML>A523</HTML>"),
         ("A53_52300100002/JPOSGMLDOC1P.HTM", b"<HTML>A53</HTML>")],
        "a document ZIP tokkyo could not give back as received "
        "(app_doc_cont_opinion_amendment, jpo-api.md §9): entry 1 is "
        "'A523_52300100001/JPOSGMLDOC1P.HTM' where tokkyo would give back "
        "'A53_52300100002/JPOSGMLDOC1P.HTM'"),
    "trademark__v1__app_doc_cont_refusal_reason__2023000303.zip": (
        [("06123000301P.HTM", b"<HTML>1</HTML>"), ("06123000301P.HTM", b"<HTML>1</HTML>")],
        "member 06123000301P.HTM: document 06123000301 holds 06123000301P.HTM twice"),
    "design__v1__app_progress__2023000303.zip": (
        [("06123000301P.HTM", b"<HTML>1</HTML>")],
        "document files in a ZIP named after app_progress, which answers JSON; document "
        "ZIPs answer app_doc_cont_opinion_amendment, app_doc_cont_refusal_reason_decision, "
        "app_doc_cont_refusal_reason"),
    "refusal-notice.zip": (
        [("06123000301P.HTM", b"<HTML>1</HTML>"), ("061230003010001.tif", PAGES[0])],
        "a document ZIP whose application cannot be told from its name or contents; "
        "keep the name LAW__v1__OPERATION__NUMBER.zip"),
}


@dataclass
class Store:
    api: Api
    token: str
    sent: dict[str, bytes]          # request path -> the ZIP that was ingested for it
    outcomes: dict[str, tuple[str, str]]     # file name -> (status, reason)


def write_inputs(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    sent: dict[str, bytes] = {}
    for law in CASES:
        for operation, files in htm_bundles(law).items():
            data = jpo_zip(files)
            (folder / f"{law}__v1__{operation}__{CASES[law]}.zip").write_bytes(data)
            sent[f"/api/{law}/v1/{operation}/{CASES[law]}"] = data
    # the SPEC example's design case: the ZIP comes before its dossier (names sort so),
    # and the dossier then says which of its HTM files is the A131 notice
    (folder / f"design__v1__app_progress__{DOSSIER_CASE}.json").write_bytes(
        (EXAMPLES / "design__v1__app_progress__application_number__200__100.json").read_bytes())
    data = jpo_zip(DOSSIER_DECISIONS)
    (folder / f"design__v1__app_doc_cont_refusal_reason_decision__{DOSSIER_CASE}.zip"
     ).write_bytes(data)
    sent[f"/api/design/v1/app_doc_cont_refusal_reason_decision/{DOSSIER_CASE}"] = data
    # an unzipped ZIP: its folder keeps the request's name, the files lie loose in it
    unzipped = folder / f"trademark__v1__app_doc_cont_refusal_reason_decision__{LOOSE_CASE}"
    unzipped.mkdir()
    for name, data in LOOSE_FILES:
        (unzipped / name).write_bytes(data)
    for path in REAL.glob("patent__v1__app_doc_cont_*.zip"):
        (folder / path.name).write_bytes(path.read_bytes())
        operation = path.stem.split("__")[2]
        sent[f"/api/patent/v1/{operation}/2020123456"] = path.read_bytes()
    with warnings.catch_warnings():     # zipfile warns of the duplicate entry we want
        warnings.simplefilter("ignore", UserWarning)
        for name, (files, _) in REFUSED.items():
            (folder / name).write_bytes(jpo_zip(files))
    return sent


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp(f"bundles-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        database = searched(Database(make_engine(url), LocalBlobStore(folder / "data" / "blobs")),
                            folder / "data" / "search")
        sent = write_inputs(folder / "in")
        report = ingest(database, folder / "in")
        outcomes = {Path(o.name).name: (o.status, o.reason) for o in report.outcomes}
        # the notice's refusal_reason ZIP after its refusal_reason_decision ZIP
        for operation in ("app_doc_cont_refusal_reason_decision", "app_doc_cont_refusal_reason"):
            files = htm_bundles("trademark", LATER_CASE)[operation]
            path = folder / f"trademark__v1__{operation}__{LATER_CASE}.zip"
            path.write_bytes(jpo_zip(files))
            sent[f"/api/trademark/v1/{operation}/{LATER_CASE}"] = path.read_bytes()
            report = ingest(database, path)
            outcomes |= {Path(o.name).name: (o.status, o.reason) for o in report.outcomes}
        server = Server(url, folder / "data", **UNLIMITED)
        try:
            api = Api(request.param, url, folder / "data", database, server)
            yield Store(api, api.token(), sent, outcomes)
        finally:
            server.stop()
            database.close()


def test_every_shape_is_loaded_and_every_unservable_zip_refused(store):
    loaded = {name: status for name, (status, _) in store.outcomes.items()
              if name not in REFUSED}
    assert loaded == {
        f"{law}__v1__{op}__{number}.zip": "loaded"
        for law, number in (*CASES.items(), ("patent", "2020123456"))
        for op in PREFIX} | {
        f"design__v1__app_doc_cont_refusal_reason_decision__{DOSSIER_CASE}.zip": "loaded",
        f"design__v1__app_progress__{DOSSIER_CASE}.json": "loaded",
        f"trademark__v1__app_doc_cont_refusal_reason_decision__{LATER_CASE}.zip": "loaded",
        f"trademark__v1__app_doc_cont_refusal_reason__{LATER_CASE}.zip": "loaded"} | {
        name: "loaded" for name, _ in LOOSE_FILES}
    for name, (_, reason) in REFUSED.items():
        assert store.outcomes[name][0] == "quarantined"
        assert store.outcomes[name][1].endswith(f"{name}: {reason}")


@pytest.mark.parametrize("path", sorted(
    [f"/api/{law}/v1/{op}/{number}" for law, number in
     (*CASES.items(), ("patent", "2020123456")) for op in PREFIX]
    + [f"/api/design/v1/app_doc_cont_refusal_reason_decision/{DOSSIER_CASE}",
       f"/api/trademark/v1/app_doc_cont_refusal_reason_decision/{LATER_CASE}",
       f"/api/trademark/v1/app_doc_cont_refusal_reason/{LATER_CASE}"]))
def test_each_zip_comes_back_entry_for_entry(store, path):
    answer = store.api.server.get(path, store.token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    operation, number = path.split("/")[4:6]
    assert answer.headers["content-disposition"] == (
        f"attachment;filename={PREFIX[operation]}_{number}.zip")
    with zipfile.ZipFile(io.BytesIO(answer.content)) as got, \
            zipfile.ZipFile(io.BytesIO(store.sent[path])) as sent:
        assert got.namelist() == sent.namelist()
        for mine, theirs in zip(got.infolist(), sent.infolist(), strict=True):
            assert (mine.is_dir(), mine.external_attr >> 16) == (
                theirs.is_dir(), theirs.external_attr >> 16)
            if not mine.is_dir():
                assert mine.compress_type == zipfile.ZIP_DEFLATED
                assert got.read(mine) == sent.read(theirs)


def test_the_design_zips_in_the_spec_shape(store):
    """The shape itself, spelled out once: folders for opinions and amendments, A53
    first; flat HTM with its tif pages; the same notice in both notice ZIPs."""
    def names(operation: str) -> list[str]:
        answer = store.api.server.get(f"/api/design/v1/{operation}/2023000101", store.token)
        with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
            return archive.namelist()

    assert names("app_doc_cont_opinion_amendment") == [
        "A53_52300100002/", "A53_52300100002/JPOSGMLDOC1P.HTM",
        "A53_52300100002/JPOSGMLDOC10001.JPG",
        "A523_52300100001/", "A523_52300100001/JPOSGMLDOC1P.HTM"]
    assert names("app_doc_cont_refusal_reason") == [
        "06123000101P.HTM", "061230001010001.tif", "061230001010002.tif"]
    assert names("app_doc_cont_refusal_reason_decision") == [
        "06123000101P.HTM", "061230001010001.tif", "061230001010002.tif",
        "06123000202P.HTM", "061230002020001.tif"]


@pytest.mark.parametrize("case", ["2023000202", LATER_CASE])
def test_the_notice_in_two_zips_is_stored_once(store, case):
    """Whichever ZIP came first (refusal_reason for 2023000202, refusal_reason_decision
    for the later case), the notice is one set of rows, an A131 in both ZIPs."""
    with store.api.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(document_bodies.c.document_number, document_bodies.c.file_name,
                      document_bodies.c.document_code, document_bodies.c.position,
                      document_bodies.c.received_in)
            .join(applications, applications.c.id == document_bodies.c.application_id)
            .where(applications.c.law == "trademark",
                   applications.c.application_number == case,
                   document_bodies.c.document_number.like("061%"))     # mailed documents
            .order_by(document_bodies.c.document_number, document_bodies.c.position)).all()
    both = "app_doc_cont_refusal_reason app_doc_cont_refusal_reason_decision"
    assert [tuple(r) for r in rows] == [
        ("06123000101", "06123000101P.HTM", "A131", 0, both),
        ("06123000101", "061230001010001.tif", "A131", 1, both),
        ("06123000101", "061230001010002.tif", "A131", 2, both),
        ("06123000202", "06123000202P.HTM", "", 0, "app_doc_cont_refusal_reason_decision"),
        ("06123000202", "061230002020001.tif", "", 1, "app_doc_cont_refusal_reason_decision"),
    ]


@pytest.mark.parametrize("path", [
    "/api/design/v1/app_doc_cont_refusal_reason_decision/2023000303",
    "/api/trademark/v1/app_doc_cont_opinion_amendment/2023000303",
    "/api/trademark/v1/app_doc_cont_refusal_reason/2023000303"])
def test_a_refused_zip_leaves_no_case(store, path):
    answer = store.api.server.get(path, store.token)
    assert answer.status_code == 200
    assert answer.json()["result"]["statusCode"] == "107"


def test_a_notice_the_dossier_names_is_served_in_refusal_reason(store):
    """The notice came only in a refusal_reason_decision ZIP, with no code of its own;
    the dossier loaded after it says 06322057705 is an A131 notice, so refusal_reason
    answers it (and not the 登録査定 beside it)."""
    answer = store.api.server.get(f"/api/design/v1/app_doc_cont_refusal_reason/"
                                  f"{DOSSIER_CASE}", store.token)
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == \
            DOSSIER_DECISIONS[:2]


def test_an_unzipped_zip_is_served_in_the_spec_shape(store):
    """The loose files of an unzipped trademark ZIP, pages included, come back as the
    ZIP: each HTM first, then its pages, documents by ascending number."""
    answer = store.api.server.get("/api/trademark/v1/app_doc_cont_refusal_reason_decision/"
                                  f"{LOOSE_CASE}", store.token)
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == LOOSE_FILES
