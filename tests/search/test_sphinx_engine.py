"""The sphinx backend on a 3-shard cluster (tests/sphinx_cluster.py) gives tantivy's hit
sets and counts (the default engine, held to the recorded oracle by
test_recorded_oracle.py) for the query set of test_engine.py and more of each kind of
atom, on SQLite and PostgreSQL stores holding the sample corpus; the orders by date,
filing and number are tantivy's, ties included, and pages put together give the whole
order."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import (
    FOREIGN,
    GAZETTE,
    REAL,
    TRADEMARK_GAZETTES,
    fresh_database,
    index_due,
    ingest,
)
from tests.ingest.builders import retitled_copy
from tests.search.test_engine import TITLES
from tests.sphinx_cluster import SphinxCluster, sphinx_cluster  # noqa: F401 - the fixture
from tokkyo.documents.results import parse_for
from tokkyo.search import documents
from tokkyo.search import query as q
from tokkyo.search import service as search_service
from tokkyo.search.backends.sphinx import SphinxBackend, tokens
from tokkyo.search.backends.sphinx.compiler import QueryCompiler
from tokkyo.search.backends.tantivy import TantivyBackend
from tokkyo.search.variants import Folds
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.translate import accumulate, routing
from tokkyo.translate.glossary import Entry, Glossary
from tokkyo.translate.service import Platform

#: Every foreign language of the corpus to Japanese by the identity engine.
ROUTES = """
[engines.id]
type = "identity"
pairs = ["en-ja", "zh-ja", "ko-ja", "de-ja"]
version = "1"
""" + "".join(f"""
[[routes]]
source = "{language}"
target = "ja"
kinds = ["*"]
engine = "id"
mode = "accumulate"
""" for language in ("en", "zh", "ko", "de"))
KANA, LONG, BOTH = Folds(kana=True), Folds(long_vowel=True), Folds(kana=True, long_vowel=True)
#: (expression, law, folds): test_engine.py's queries, and more of each kind of atom.
QUERIES = [
    ("電池/TI", "all", None), ("池の正/TI", "all", None), ("池のリ/TI", "all", None),
    ("燃/TI", "all", None), ("池/TI", "all", None), ("車/TX", "all", None),
    ("ウェーハ", "all", None), ("ウェーハ/TI", "all", None), ("立体配線構造体/TI", "all", None),
    ("ディスコ/AP", "all", None), ("松本昂/AG", "all", None), ('"松本 昂"/AG', "all", None),
    ("H01L21/78/FI", "all", None), ("B01D53/14/FI", "all", None),
    ("B01D53/14,311/FI", "all", None), ("H01L21/?/FI", "all", None), ("H01L?/IP", "all", None),
    ("5F063AA04/FT", "all", None), ("5F063AA/FT", "all", None), ("5F063/FT", "all", None),
    ("3E067<C,B;BA10,BA12>/FT", "all", None), ("3E067<C,C;BA10,BA12>/FT", "all", None),
    ("3E067<A,B;BA10,BA12>/FT", "all", None), ("5F063/TC", "all", None),
    ("3E067BA10.C/FT", "all", None), ("3E067BA10.c/FT", "all", None),
    ('"特願2020-123456"/AN', "all", None), ('"特開2021-090037"/PN', "all", None),
    ("503090037/PN", "all", None), ("特許第7533889号/RN", "all", None),
    ('"特開2020-123456"/PN', "all", None), ("2021044377/PN", "all", None),
    ("電池/TI-燃料/TI", "all", None), ("[燃料/TI+正極/TI]*電池/TI", "all", None),
    ("リチウム,2C,電池/TI", "all", None), ("リチウム,3C,電池/TI", "all", None),
    ("リチウム,5C,電池/TI", "all", None), ("電池,5C,リチウム/TI", "all", None),
    ("電池,5N,リチウム/TI", "all", None), ("(燃料+セパレータ)/TI", "all", None),
    ("20210311/PD", "all", None), ("20210311:20210312/PD", "all", None),
    ("2020/AD", "all", None), ("2019/AD*電池/TI", "all", None), (":20200101/AD", "all", None),
    ("20210301:/PD", "all", None), ("2020/RD", "all", None),
    ("ｾﾊﾟﾚｰﾀ/TI", "all", None), ("せぱれーた/TI", "all", None), ("せぱれーた/TI", "all", KANA),
    ("セパレーター/TI", "all", None), ("セパレーター/TI", "all", LONG),
    ("燃料,3C,セパレーター/TI", "all", None), ("燃料,3C,セパレーター/TI", "all", LONG),
    ("燃料,2C,セパレーター/TI", "all", LONG), ("燃料,3C,せぱれーたー/TI", "all", BOTH),
    ('"in-force"/ST', "all", None), ("unknown/ST", "all", None), ("pending/ST", "all", None),
    ("expired/ST", "all", None), ("ceased/ST", "all", None), ("lapse?/ST", "all", None),
    ("電池/TI*unknown/ST", "all", None), ("電池-unknown/ST", "all", None),
    ("ディスコ/AP", "design", None), ("ディスコ/AP", "patent", None), ("電池", "utility", None),
    ("20210311:20210312/PD*電池/TI", "all", None), ("電池/TI*20210311:20210312/PD", "all", None),
    ("電池/TI-20210311:20210312/PD", "all", None),
    ("20210311:20210313/PD*20210312/PD", "all", None),
    ("[電池/TI*20210311/PD]+燃料/TI", "all", None),
    ("リチウム,5C,電池,1C,正極/TI", "all", None), ("リチウム,5C,電池,0C,正極/TI", "all", None),
    ("正極,1N,電池,5N,リチウム/TI", "all", None), ("池,1C,正/TI", "all", None),
    ("池,0C,正/TI", "all", None), ("セパレータ,0C,燃料電池用/TI", "all", None),
    ("セパレータ,0N,燃料電池用/TI", "all", None), ("せぱれーた,0N,燃料電池用/TI", "all", KANA),
    ("せぱれーた,0C,燃料電池用/TI", "all", KANA), ("ウェーハ,5C,分割", "all", None),
    ("ウェーハ,20N,分割/DE-燃料/TI", "all", None), ("電池+リチウム,3C,電池/TI", "all", None),
    ("池,0N,電池/TX", "all", None), ("電,0N,池電/TX", "all", None),
    ("池電,1C,電池/TX", "all", None),
    ("[電池/TI+ウェーハ]-燃料/TI", "all", None),
    ("電池/TI*[ウェーハ+リチウム/TI]-[燃料/TI*セパレータ/TI]", "all", None),
    ("[電池/TI-燃料/TI]+[ウェーハ-電池]", "all", None), ("電池/TI+電池/TI", "all", None),
    ("電池*電池/TI-電池/TI", "all", None), ("20210311:20210313/PD+ウェーハ/TI", "all", None),
    ("[20210311:20210312/PD+20210313/PD]*電池/TI", "all", None),
    ("電池/TI*[20210311/PD+燃料/TI]", "all", None),
    ("H01L21/?/FI*[ウェーハ/TI+電池/TI]", "all", None),
    ("ディスコ/AP-H01L21/78/FI", "all", None), ("JP/CC", "all", None), ("A/KD", "all", None),
    ("?/TM", "all", None), ("A?/TM", "all", None), ("ABC/TM", "all", None),
    ("電池-3E067<C,B;BA10,BA12>/FT", "all", None), ("電池+3E067<C,B;BA10,BA12>/FT", "all", None),
    # foreign documents (test_foreign_search.py) and trademarks
    ("vehicle/CL*EP/CC", "patent", None), ("VEHICLE/CL", "patent", None),
    ("vehicle/CL-EP/CC", "patent", None), ("Druckmaschine/CL*EP/CC", "patent", None),
    ("clay/DE*EP/CC", "patent", None), ("telephone/TI*US/CC", "patent", None),
    ("electroluminescence/TI*US/CC", "patent", None), ("显示设备/TI", "patent", None),
    ("区块链", "patent", None), ("甘草*CN/CC", "patent", None), ("H04L?/IP*CN/CC", "patent", None),
    ("G06F17/60/IP-EP/CC", "patent", None), ("H01L?/IP*US/CC", "patent", None),
    ("[H01L21/78/FI+H01L21/30/IP]*US/CC", "patent", None), ("CN/CC", "all", None),
    ("EP/CC", "all", None), ("XX/CC", "all", None), ("Chair/AR", "design", None),
    ("H01L?/CP", "all", None), ("B?/KD", "all", None), ("A1/KD+B2/KD", "all", None),
    ('"US 8936998 B2"/PN', "all", None), ('"EP1019261"/PN', "all", None),
    ('"EP1019261B"/PN', "all", None), ('"EP1019261B1"/PN', "all", None),
    ("古代?/TM", "trademark", None), ("?酵素/TM", "trademark", None),
    ("古代/TM", "trademark", None), ("古代酵素/TM", "trademark", None),
    ("コダイ/CN", "trademark", None), ("コダイコーソ/CN", "trademark", None),
    ("?蔵王?/TM", "trademark", None), ("ザオーカボチャ/CN", "trademark", None),
    ("?guerlain?/TM", "trademark", None), ("?ｇｕｅ?ａｉｎ/TM", "trademark", None),
    ("ゲラン/CN", "trademark", None), ("?/TM", "trademark", None),
    ("?/TM-?酵素/TM", "trademark", None), ("[古代?/TM+ゲラン/CN]*?素/TM", "trademark", None),
    ("?/TM-[?酵?/TM*コダイ/CN]", "trademark", None), ("ゲ,1C,ン/CN", "trademark", None),
    ("03?/NC", "trademark", None), ("?/TM*09/NC", "trademark", None),
    ("01B01/SC", "trademark", None), ("01?/SC", "trademark", None),
    ("コダイ,2N,ソ/CN-?/TM", "trademark", None), ("食品/GS", "trademark", None),
]
SORTED = ["電池+ウェーハ+脱酸素剤+立体配線構造体/TI", "電池+ウェーハ+脱酸素剤", "JP/CC",
          "電池+リチウム,3C,電池/TI"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, sphinx_cluster: SphinxCluster,  # noqa: F811
          tmp_path_factory: pytest.TempPathFactory):
    """The corpus of test_engine.py in a store searched with tantivy, and every case of it
    in the cluster."""
    folder = tmp_path_factory.mktemp(f"sphinx-{request.param}")
    titled = folder / "titled"
    titled.mkdir()
    for serial, title in enumerate(TITLES):
        data = retitled_copy(serial, title).replace(
            b"<date>20210318</date>", f"<date>2021031{serial + 1}</date>".encode())
        (titled / f"t{serial}.xml").write_bytes(data)
    with fresh_database(request.param, request, folder) as url:
        db = Database(make_engine(url), LocalBlobStore(folder / "blobs"))
        tantivy = TantivyBackend(folder / "tantivy")
        search_service.attach(db.engine, tantivy)        # `ingest` writes it
        report = ingest(db, GAZETTE, REAL, titled, FOREIGN, TRADEMARK_GAZETTES, tolerant=True)
        assert report.counts.get("failed", 0) == 0
        # stored Japanese translations of the English documents (the identity engine,
        # the glossary pinning peptide as ペプチド), in tantivy through the outbox
        translated = accumulate.run(db, Platform(routing.parse(ROUTES, "test"),
                                                 glossary=Glossary([Entry("ペプチド", "peptide")])))
        assert translated.publications > 0 and not translated.failures
        index_due(db)
        backend = sphinx_cluster.backend()
        backend.clear()
        with db.engine.connect() as conn:
            for chunk in documents.all_documents(conn, chunk=7):
                backend.write(chunk, [])
        yield db, backend
        backend.close()
        tantivy.close()
        db.engine.dispose()


def _both(store, expression: str, law: str = "all", folds: Folds | None = None, **options):
    db, backend = store
    tree = parse_for(expression, law).tree
    with db.engine.connect() as conn, conn.begin():
        tantivy = search_service.search(conn, tree, law=law, folds=folds, **options)
    with db.engine.connect() as conn, conn.begin():
        sphinx = backend.search(conn, tree, law=law, folds=folds, **options)
    return tantivy, sphinx


def test_the_cluster_holds_every_case(store):
    db, backend = store
    with db.engine.connect() as conn:
        cases = conn.execute(sa.text("SELECT count(*) FROM applications")).scalar_one()
        docs = [d for chunk in documents.all_documents(conn) for d in chunk]
    assert backend.count() == cases == len(docs) >= 8
    assert backend.digests([d.id for d in docs]) == {d.id: documents.digest(d) for d in docs}


@pytest.mark.parametrize(("expression", "law", "folds"), QUERIES)
def test_the_same_hits_and_counts_as_tantivy(store, expression, law, folds):
    tantivy, sphinx = _both(store, expression, law, folds, limit=1000, sort="date")
    assert sphinx.total == tantivy.total
    assert sphinx.ids == tantivy.ids


#: Text atoms over stored translations (the identity engine keeps the English, the
#: glossary writes peptide as ペプチド): terms, proximity, and with other atoms.
TRANSLATED = ["ペプチド/TX", "ペプチド/TI", "ペプチド/CL", "ペプチド/AP", "peptide/TX",
              "ペプチド,20N,peptide/TX", "ペプチド,10C,a/TX", "ペプチド/TX*EP/CC",
              "ペプチド/TX-ペプチド/TI", "ペプチド/TI+電池/TI", "ペプ/TX", "チ/TI"]


@pytest.mark.parametrize("scope", ["both", "translation", "original"])
@pytest.mark.parametrize("expression", TRANSLATED)
def test_stored_translations_as_tantivy(store, expression, scope):
    """Hit sets, counts and the "machine translation" marks of each scope are
    tantivy's."""
    tantivy, sphinx = _both(store, expression, folds=Folds(scope=scope), limit=1000,
                            sort="date")
    assert (sphinx.total, sphinx.ids) == (tantivy.total, tantivy.ids)
    assert sphinx.translated == tantivy.translated


def test_a_stored_translation_is_found_in_its_scopes(store):
    """A Japanese translation of foreign documents is found by a TX query in the
    translation and both scopes, marked, and not in the original scope."""
    db, backend = store
    tree = parse_for("ペプチド/TX", "all").tree
    with db.engine.connect() as conn:
        found = {scope: backend.search(conn, tree, folds=Folds(scope=scope), limit=1000)
                 for scope in ("both", "translation", "original")}
        docs = [d for chunk in documents.all_documents(conn) for d in chunk]
    holding = {d.id for d in docs
               if any("ペプチド" in u for k, units in d.translated.items() for u in units)}
    assert holding and not any("ペプチド" in u for d in docs for units in d.texts.values()
                               for u in units)
    assert set(found["both"].ids) == set(found["translation"].ids) == holding
    assert set(found["both"].translated) == holding == set(found["translation"].translated)
    assert found["original"].total == 0 and found["original"].ids == []
    # an English term in the originals is not marked as found in a translation
    with db.engine.connect() as conn:
        original = backend.search(conn, parse_for("peptide/TX", "all").tree,
                                  folds=Folds(scope="original"), limit=1000)
    assert original.total > 0 and original.translated == []


def test_the_queries_find_something(store):
    """The query set is not vacuous: most of it finds cases."""
    db, backend = store
    with db.engine.connect() as conn:
        found = [backend.search(conn, parse_for(e, law).tree, law=law, folds=f, limit=0).total
                 for e, law, f in QUERIES]
    assert sum(1 for n in found if n) > len(QUERIES) * 2 // 3


@pytest.mark.parametrize("sort", ["date", "filing", "number"])
@pytest.mark.parametrize("expression", SORTED)
def test_orders_and_pages_equal_tantivys(store, expression, sort):
    tantivy, sphinx = _both(store, expression, sort=sort, limit=100)
    assert sphinx.total == tantivy.total >= 2
    assert sphinx.ids == tantivy.ids
    pages = [_both(store, expression, sort=sort, offset=o, limit=2)[1]
             for o in range(0, tantivy.total + 2, 2)]
    assert [i for p in pages for i in p.ids] == tantivy.ids
    assert {p.total for p in pages} == {tantivy.total}


@pytest.mark.parametrize("expression", SORTED)
def test_relevance_pages_give_the_whole_order(store, expression):
    _, whole = _both(store, expression, sort="relevance", limit=100)
    pages = [_both(store, expression, sort="relevance", offset=o, limit=2)[1]
             for o in range(0, whole.total + 2, 2)]
    assert [i for p in pages for i in p.ids] == whole.ids
    assert {p.total for p in pages} == {whole.total}


def test_relevance_puts_title_hits_first(store):
    db, _ = store
    _, found = _both(store, "ウェーハ", sort="relevance")
    with db.engine.connect() as conn:
        docs, _ = documents.build(conn, found.ids[:1])
    assert any("ウェーハ" in t for t in docs[0].texts["TI"])


def test_a_status_is_read_for_the_day_asked(store):
    for day in (dt.date(2000, 1, 1), dt.date(2027, 12, 1), dt.date(2030, 6, 1),
                dt.date(2060, 1, 1)):
        for status in ('"in-force"/ST', "expired/ST", "grace/ST", "lapse-presumed/ST"):
            tantivy, sphinx = _both(store, status, on=day, limit=1000, sort="date")
            assert sphinx.ids == tantivy.ids and sphinx.total == tantivy.total, (day, status)


@pytest.mark.parametrize("value", [
    q.Fterm("3E067", "BA", "C"), q.Fterm("3E067", "B", "B"), q.Fterm("3E067", "", "C"),
    q.Fterm("3E067", "BA", "c"), q.Fterm("3E067", "BA1", "B"), q.Fterm("3E067", "BB", "BB"),
])
def test_a_viewpoint_with_an_additional_code_as_tantivy(store, value):
    """A partial F-term with an additional code (`starts with the stem, ends with .X`),
    which the query language builds for F-term sets' members and parses from no text."""
    db, backend = store
    tree = q.Atom("FT", value)
    with db.engine.connect() as conn, conn.begin():
        tantivy = search_service.search(conn, tree, sort="date")
        found = backend.search(conn, tree, sort="date")
    assert (found.total, found.ids) == (tantivy.total, tantivy.ids)


@pytest.mark.parametrize("parts", [("1", "10"), ("10", "1"), ("0", "10"), ("00", "0")])
def test_proximity_of_parts_sharing_characters_as_tantivy(store, parts):
    """Parts that share a character (`1,0N,10`): searchd's NEAR pairs occurrences
    greedily and missed such matches, so these are candidates by AND, verified."""
    db, backend = store
    tree = q.Atom("TX", q.Text(parts, (q.Gap(0, False),)))
    with db.engine.connect() as conn, conn.begin():
        tantivy = search_service.search(conn, tree, sort="date")
        found = backend.search(conn, tree, sort="date")
    assert (found.total, found.ids) == (tantivy.total, tantivy.ids)
    assert tantivy.total > 0 or parts == ("00", "0")


def test_a_covering_phrase_finds_what_the_phrase_of_every_pair_finds(store):
    """A term's phrase leaves every other inner pair a `*` (tokens.covering_words): on
    the cluster it finds exactly the cases the phrase of all its pairs finds, for
    substrings of the documents' units of 3 to 9 characters and for strings that run
    across the break between two units (found by neither)."""
    db, backend = store
    with db.engine.connect() as conn:
        docs = [d for chunk in documents.all_documents(conn) for d in chunk]
    units = [u for d in docs for values in d.texts.values() for u in values if len(u) >= 9]
    terms = {u[i:i + n] for k, u in enumerate(units[:400:7])
             for n, i in ((3 + k % 7, k % 5),)}
    terms |= {a[-3:] + b[:4] for d in docs[:20] for values in d.texts.values()
              for a, b in itertools.pairwise(values) if len(a) >= 3 and len(b) >= 4}
    assert len(terms) > 40
    for term in sorted(terms):
        every = {int(r[0]) for r in backend._every(tokens.term_phrase(term))}
        covering = {int(r[0]) for r in backend._every(tokens.covering_phrase(term))}
        assert covering == every, term


def test_proximity_across_a_unit_break_is_not_a_match(store):
    """`A,0C,B` where A ends one claim and B begins the next is no match: its exact
    phrase (`"A * B"`: B one pair word after A) does not reach across the phrase
    boundary between the claims, in the index itself, and tantivy agrees."""
    db, backend = store
    with db.engine.connect() as conn:
        docs = [d for chunk in documents.all_documents(conn) for d in chunk]
    word = re.compile(r"\w\w")
    doc, left, right = next(
        (d, a[-2:], b[:2]) for d in docs for a, b in itertools.pairwise(d.texts.get("CL", ()))
        if word.fullmatch(a[-2:]) and word.fullmatch(b[:2])
        and not any(a[-2:] + b[:2] in u for x in docs for u in x.texts.get("CL", ())))
    atom = q.Atom("CL", q.Text((left, right), (q.Gap(0, True),)))
    compiled = QueryCompiler(Folds(), dt.date(2026, 1, 1)).atom(atom)
    assert compiled.verify == "" and " * " in compiled.expression
    # each claim alone is found by its own two characters: the words are in the index
    for term in (left, right):
        single = QueryCompiler(Folds(), dt.date(2026, 1, 1)).atom(q.Atom("CL", q.Text((term,))))
        assert doc.id in {int(r[0]) for r in backend._every(single.expression)}
    assert doc.id not in {int(r[0]) for r in backend._every(compiled.expression)}
    with db.engine.connect() as conn, conn.begin():
        tantivy = search_service.search(conn, atom, sort="date")
        found = backend.search(conn, atom, sort="date")
    assert (found.total, found.ids) == (tantivy.total, tantivy.ids)


@pytest.mark.parametrize(("distance", "chain", "folds", "exact"), [
    (5, False, Folds(), True), (20, False, Folds(kana=True), True), (21, False, Folds(), False),
    (5, True, Folds(), False), (5, False, Folds(long_vowel=True), False)])
def test_which_proximities_compile_to_exact_phrases(distance, chain, folds, exact):
    """Two parts up to 20 characters apart without the long-vowel fold: exact phrases,
    nothing to verify; otherwise candidates, every one verified."""
    parts = ("ウェーハ", "分割", "装置") if chain else ("ウェーハ", "分割")
    atom = q.Atom("TX", q.Text(parts, tuple(q.Gap(distance, True) for _ in parts[1:])))
    compiled = QueryCompiler(folds, dt.date(2026, 1, 1)).atom(atom)
    assert compiled.verify == ("" if exact else "near")
    # "ウェーハ" (its covering pairs ウェ and ーハ) then "分割" with no character
    # between: one pair word between them
    assert ('"y30a6_30a7 * y30fc_30cf * y5206_5272"' in compiled.expression) == exact


def test_a_page_past_the_end_and_an_empty_page_still_count(store):
    tantivy, sphinx = _both(store, "電池/TI", limit=2, offset=10, sort="date")
    assert sphinx.total == tantivy.total == 4 and sphinx.ids == []
    _, none = _both(store, "電池/TI", limit=0)
    assert none.total == 4 and none.ids == []


def test_an_unknown_sort_or_law_is_refused(store):
    db, backend = store
    tree = parse_for("電池", "all").tree
    with db.engine.connect() as conn:
        with pytest.raises(ValueError) as sort:
            backend.search(conn, tree, sort="size")
        assert str(sort.value) == ("sort must be one of relevance, date, filing, number, "
                                   "not 'size'")
        with pytest.raises(ValueError) as law:
            backend.search(conn, tree, law="plant")
        assert str(law.value) == ("law must be all or one of patent, utility, design, "
                                  "trademark, not 'plant'")


def test_backend_settings_text_is_read_as_written():
    backend = SphinxBackend.from_text("h1:1|h2:2:s0, h3:3:s1", "h1:4|h2:5:tk")
    assert [(s.name, [str(n) for n in s.nodes]) for s in backend.shards] == [
        ("s0", ["h1:1", "h2:2"]), ("s1", ["h3:3"])]
    assert backend.reader.name == "tk" and [str(n) for n in backend.reader.nodes] == [
        "h1:4", "h2:5"]


# --- generated queries against tantivy --------------------------------------------------------

_PLAIN = re.compile(r"[\w\u3040-\u30ff\u4e00-\u9fff]+")


@pytest.fixture(scope="module")
def material(store):
    """Terms and codes the generated queries are made of, taken from the stored cases."""
    db, _ = store
    with db.engine.connect() as conn:
        docs = [d for chunk in documents.all_documents(conn) for d in chunk]
    texts = [run for d in docs for field in ("TI", "AB", "CL") for unit in d.texts.get(field, ())
             for run in _PLAIN.findall(unit)[:20] if len(run) >= 2]
    fi = sorted({c for d in docs for c in d.codes.get("fi", ())})
    return texts, fi


def _atoms(data, texts: list[str], fi: list[str]) -> q.Atom:
    kind = data.draw(st.sampled_from(["text", "text", "near", "fi", "date", "status"]))
    if kind in ("text", "near"):
        def term() -> str:
            run = data.draw(st.sampled_from(texts))
            start = data.draw(st.integers(0, len(run) - 1))
            return run[start:start + data.draw(st.integers(1, 4))]
        field = data.draw(st.sampled_from(["TX", "TI", "AB", "CL"]))
        if kind == "text":
            return q.Atom(field, q.Text((term(),)))
        parts = tuple(term() for _ in range(data.draw(st.integers(2, 3))))
        gaps = tuple(q.Gap(data.draw(st.integers(0, 12)), data.draw(st.booleans()))
                     for _ in parts[1:])
        return q.Atom(field, q.Text(parts, gaps))
    if kind == "fi":
        code = data.draw(st.sampled_from(fi))
        cut = data.draw(st.integers(1, len(code)))
        return q.Atom("FI", q.Fi(code[:cut], prefix=cut < len(code)))
    if kind == "date":
        start = dt.date(2018, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 1500)))
        end = start + dt.timedelta(days=data.draw(st.integers(0, 900)))
        return q.Atom(data.draw(st.sampled_from(["PD", "AD"])), q.DateRange(start, end))
    return q.Atom("ST", q.Code(data.draw(st.sampled_from(["in-force", "unknown", "p"]))))


def _tree(data, texts, fi, depth: int = 0) -> q.Node:
    if depth >= 2 or data.draw(st.integers(0, 2)) == 0:
        return _atoms(data, texts, fi)
    operator = data.draw(st.sampled_from([q.And, q.Or, q.AndNot]))
    return operator(_tree(data, texts, fi, depth + 1), _tree(data, texts, fi, depth + 1))


@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_queries_give_tantivys_hits(store, material, data):
    db, backend = store
    tree = _tree(data, *material)
    sort = data.draw(st.sampled_from(["date", "filing", "number"]))
    with db.engine.connect() as conn, conn.begin():
        tantivy = search_service.search(conn, tree, sort=sort, limit=1000)
    with db.engine.connect() as conn, conn.begin():
        found = backend.search(conn, tree, sort=sort, limit=1000)
    assert (found.total, found.ids) == (tantivy.total, tantivy.ids)
