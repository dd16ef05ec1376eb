"""OPD for JP cases from the store, as JSON and as `<api-data>` XML."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

NS = {"j": "https://www.jpo.go.jp"}


@pytest.fixture(scope="module")
def token(api):
    return api.token()


def test_family_list_json(api, token):
    body = api.server.get("/opdapi/patent/v1/family_list/application/JP.2020123456.A",
                          token).json()["result"]
    assert body["statusCode"] == "100" and body["remainAccessCount"] == "299"
    [member] = body["data"]["familyListData"]["familyLists"]
    assert member["applicationNumber"] == {"documentNumber": "JP.2020123456.A",
                                           "date": "20200720"}
    assert member["publicationNumbers"] == [{"documentNumber": "JP.2021090037.A",
                                             "date": "20210610"}]
    assert member["registrationNumbers"][0]["documentNumber"] == "JP.7533889.B"


def test_family_by_publication_xml(api, token):
    answer = api.server.get("/opdapi/patent/v1/family/publication/JP.2021090037.A", token,
                            {"Accept": "application/xml"})
    assert answer.headers["content-type"] == "application/xml"
    root = etree.fromstring(answer.content)
    assert root.tag == "{https://www.jpo.go.jp}api-data"
    assert root.findtext("j:statusCode", namespaces=NS) == "100"
    assert root.findtext("j:family-data/j:family-members/j:family-member/j:application-number/"
                         "j:document-number", namespaces=NS) == "JP.2020123456.A"


def test_document_list_and_citations(api, token):
    docs = api.server.get("/opdapi/patent/v1/global_doc_list/JP.2020123456.A", token
                          ).json()["result"]["data"]["documentListData"]
    assert docs["bibliographic"]["original"]["inventionTitle"] == "立体配線構造体の製造方法"
    assert len(docs["documentLists"]) == 15      # 12 under the application, 3 under the grant
    assert docs["documentLists"][7]["original"]["documentDescription"] == "拒絶理由通知書"
    cites = api.server.get("/opdapi/patent/v1/global_cite_class/JP.2020123456.A", token
                           ).json()["result"]["data"]["citationAndClassificationData"]
    assert cites["citations"][0]["documentNumber"] == "JPA 414233033"


def test_document_contents(api, token):
    answer = api.server.get("/opdapi/patent/v1/jp_doc_cont/JP.2020123456.A/06124084096", token)
    assert answer.headers["content-type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(answer.content)).namelist() == ["06124084096-jpntce.xml"]
    pdf = api.server.get("/opdapi/patent/v1/global_doc_cont/JP.2020123456.A/x_1_JP", token)
    assert pdf.json()["result"]["statusCode"] == "108"


@pytest.mark.parametrize(("path", "code"), [
    ("/opdapi/patent/v1/family/application/EP.06834636.A", "107"),
    ("/opdapi/patent/v1/family/application/JP-2020-123456", "204"),
    ("/opdapi/patent/v1/family/registration/JP.7533889.B", "204"),
    ("/opdapi/patent/v1/global_doc_list/JP.2020,123456.A", "208"),
])
def test_errors(api, token, path, code):
    assert api.server.get(path, token).json()["result"]["statusCode"] == code


def test_unknown_operation_and_missing_token(api, token):
    unknown = api.server.get("/opdapi/patent/v1/nothing/JP.2020123456.A", token)
    assert unknown.status_code == 404 and unknown.json()["result"]["statusCode"] == "301"
    assert api.server.get("/opdapi/patent/v1/global_doc_list/JP.2020123456.A", None
                          ).status_code == 401
