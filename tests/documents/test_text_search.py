"""`/search?q=` (documents.service.text_search) runs through the query language and the
search engine, as the result lists do: the query is one quoted term in every text and name
field, the limit is applied in the query, and the answer keeps its JSON shape
(`query`, `total`, `documents` of number, kind, title and url)."""

from __future__ import annotations

import pytest

from tests.conftest import GAZETTE, REAL, ingest
from tokkyo.documents import results, service


@pytest.fixture
def loaded(db):
    assert ingest(db, GAZETTE, REAL).ok
    return db


def test_a_term_finds_its_document_in_the_json_shape_of_the_route(loaded):
    with loaded.engine.connect() as conn:
        assert service.text_search(conn, "電池") == {
            "query": "電池", "total": 1, "documents": [
                {"number": "2021044249", "kind": "A", "title": "リチウムイオン電池のリサイクル方法",
                 "url": "/d/JP/patent/pub/2021044249"}]}


def test_the_limit_is_applied_in_the_query_and_total_counts_every_hit(loaded):
    with loaded.engine.connect() as conn:
        everything = service.text_search(conn, "方法", limit=50)
        first_two = service.text_search(conn, "方法", limit=2)
    assert everything["total"] == first_two["total"] == 4
    assert len(everything["documents"]) == 4
    assert first_two["documents"] == everything["documents"][:2]


@pytest.mark.parametrize("query", ["方法", "株式会社", "配線", "の"])
def test_hits_are_the_result_lists_hits_for_the_same_expression(loaded, query):
    with loaded.engine.connect() as conn:
        found = service.text_search(conn, query)
        listed = results.run(conn, service.text_expression(query))
    assert found["total"] == listed.total
    assert [d["url"] for d in found["documents"]] == [r.permalink for r in listed.rows]


def test_a_case_without_documents_is_shown_as_the_case(loaded):
    # the API mirror case 2020-123456 has no publication; its own title holds 配線
    with loaded.engine.connect() as conn:
        found = service.text_search(conn, "配線")
    assert {"number": "2020123456", "kind": "", "title": "立体配線構造体の製造方法",
            "url": "/d/JP/patent/app/2020123456"} in found["documents"]


@pytest.mark.parametrize("query", ["*", "[", '"', "電池/TX", "a+b-c"])
def test_operator_characters_are_text_not_syntax(loaded, query):
    with loaded.engine.connect() as conn:
        found = service.text_search(conn, query)
    assert found["query"] == query and found["total"] == len(found["documents"])


@pytest.mark.parametrize("query", [" ", "\u3000", "\t"])
def test_a_query_of_only_spaces_finds_nothing(loaded, query):
    with loaded.engine.connect() as conn:
        assert service.text_search(conn, query) == {"query": query, "total": 0,
                                                     "documents": []}
