"""The demo's store served over real HTTP on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    env = dict(os.environ, TOKKYO_DATA_DIR=str(data), TOKKYO_DATABASE_URL="",
               TOKKYO_INGEST_WORKERS="0")
    loaded = subprocess.run([sys.executable, "-m", "tokkyo.cli.main", "demo", "--no-serve"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    # the demo's partners: the status table and each delivery's quality report, printed
    printed = " ".join(loaded.stdout.split())
    assert "exchange: SG Singapore: agreement ○, exchange × (never)" in printed
    assert printed.count("exchange: delivery ") == 4 and printed.count("completeness ") >= 4
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tokkyo.cli.main", "serve", "--port",
                                str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError("server did not start: " + process.stdout.read().decode())
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_index_counts(server):
    """The demo holds the JP samples (three gazettes, eight trademark gazettes, the
    recorded API answers) and the foreign samples."""
    from tests.conftest import GAZETTE, TRADEMARK_GAZETTES

    body = httpx.get(f"{server}/").json()
    jp = next(c for c in body["countries"] if c["country"] == "JP")
    # and one JP document an EPO OPS sample describes (biblio_example_2: JP 2005533465 A)
    assert jp["documents"] == (len(list(GAZETTE.glob("*.xml")))
                               + len(list(TRADEMARK_GAZETTES.glob("*.SGM"))) + 1)
    assert {"EP", "US", "CN", "WO"} <= {c["country"] for c in body["countries"]}
    assert body["holds"]["documents"] == sum(c["documents"] for c in body["countries"])


def test_document_list(server):
    body = httpx.get(f"{server}/documents", params={"limit": 500}).json()
    assert body["total"] == len(body["documents"]) > 3
    assert {"/d/JP/patent/pub/2021044377", "/d/JP/patent/pub/2021044249",
            "/d/JP/patent/pub/2021041306"} <= {d["url"] for d in body["documents"]}


def test_document_by_permalink(server):
    response = httpx.get(f"{server}/d/JP/patent/pub/2021044377")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    doc = response.json()
    assert doc["title"] == "ウェーハの加工方法"
    assert [c["number"] for c in doc["claims"]] == [1, 2, 3, 4, 5, 6]
    assert doc["paragraphs"][0]["label"] == "【0001】"
    assert doc["source"]["version"] == 1 and doc["case"] == "/d/JP/patent/app/2019165329"


def test_case_with_dossier_and_legal_events(server):
    case = httpx.get(f"{server}/d/JP/patent/app/2020123456").json()
    assert case["progress"]["title"] == "立体配線構造体の製造方法"
    assert len(case["progress"]["dossier"][0]["documents"]) == 12
    events = {(e["date"], e["st27_code"]) for e in case["events"]}
    assert ("2024-08-05", "F11") in events and ("2024-02-27", "D15") in events
    assert {b["document_code"] for b in case["bodies"]} == {"A53", "A523", "A131", "A01"}


def test_search(server):
    body = httpx.get(f"{server}/search", params={"q": "電池"}).json()
    assert [d["number"] for d in body["documents"]] == ["2021044249"]


def test_unknown_document_is_404(server):
    response = httpx.get(f"{server}/d/JP/patent/pub/2099000001")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not Found", "status": 404,
                               "detail": "no patent pub document JP 2099000001"}
