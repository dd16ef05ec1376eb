"""An existing open-source JPO API client from PyPI (patent-client-agents 0.31.0), pointed
at tokkyo by its base URL only, reads the real case and parses every answer."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pytest

from tests.api.conftest import PASSWORD
from tests.conftest import REAL

APP = "2020123456"


@pytest.fixture
def quiet_home(tmp_path, monkeypatch):
    """The client keeps logs and a response cache under the home folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LAW_TOOLS_CORE_LOG_DIR", str(tmp_path / "logs"))


def test_patent_client_agents_reads_the_real_case(api, quiet_home):
    httpx2 = pytest.importorskip("httpx2")
    from patent_client_agents.jpo import JpoClient, parse_document_bundle

    login_id = api.user()

    async def session() -> dict:
        # `client=` gives the library our HTTP client, so its disk cache stays out of it.
        async with httpx2.AsyncClient(timeout=30.0) as http, JpoClient(
                username=login_id, password=PASSWORD, base_url=api.server.base,
                token_path="/auth/token", client=http) as client:
            return {
                "progress": await client.get_patent_progress(APP),
                "by_application": await client.get_patent_number_reference("application", APP),
                "by_publication": await client.get_patent_number_reference("publication", APP),
                "citations": await client.get_patent_cited_documents(APP),
                "registration": await client.get_patent_registration_info(APP),
                "refusal": await client.get_patent_refusal_notices(APP),
                "amendments": await client.get_patent_application_documents(APP),
            }

    got = asyncio.run(session())
    progress = got["progress"]
    assert progress.application_number == APP
    assert progress.invention_title == "立体配線構造体の製造方法"
    assert got["by_application"].publication_number == "2021090037"
    assert got["by_application"].registration_number == "7533889"
    assert got["by_publication"].application_number == "2019013554"
    assert len(got["citations"].patent_doc) == 13 and got["citations"].non_patent_doc == []
    assert got["registration"].registration_number == "7533889"
    assert got["registration"].next_pension_payment_date == "20270805"
    for key, kind, folder in (("refusal", "refusal", "patent__v1__app_doc_cont_refusal_reason"),
                              ("amendments", "application",
                               "patent__v1__app_doc_cont_opinion_amendment")):
        bundle = got[key]
        assert bundle.zip_bytes and "zip" in bundle.content_type
        parsed = parse_document_bundle(bundle.zip_bytes, kind, "patent", application_number=APP)
        assert parsed.entries and not any(e.parse_error for e in parsed.entries)
        recorded = zipfile.ZipFile(io.BytesIO((REAL / f"{folder}__{APP}.zip").read_bytes()))
        mine = zipfile.ZipFile(io.BytesIO(bundle.zip_bytes))
        assert mine.namelist() == recorded.namelist()
