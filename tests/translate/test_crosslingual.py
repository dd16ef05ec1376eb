"""Cross-language search (issue 17, item 5): queries expanded through the operator's
glossary, the dictionary and JMdict, Japanese cut and normalised by SudachiPy; and, on
SQLite and PostgreSQL with the sample documents the `db` fixture loads, an English query
finds a Japanese gazette and a Japanese query finds an EP grant, which the same query
without expansion does not."""

from __future__ import annotations

import pytest

from tests.conftest import FOREIGN, GAZETTE, ingest
from tokkyo.documents import results as searching
from tokkyo.search.query import parse, show
from tokkyo.translate import jmdict
from tokkyo.translate.crosslingual import Expander, Rewrite, dropped_of, skeleton
from tokkyo.translate.glossary import Entry, Glossary
from tokkyo.translate.glossary import parse as parse_glossary

JP_DOCUMENT = "2021044377"          # 特開2021-044377: ウェーハの加工方法 (semiconductor wafers)


@pytest.fixture(scope="module")
def expander() -> Expander:
    # the operator pins the semiconductor industry's spelling (JIS: ウェーハ)
    return Expander(Glossary([Entry("ウェーハ", "wafer", "term", "operator")]))


def expanded(expander: Expander, query: str, dropped: tuple[str, ...] = ()) -> str:
    tree, _ = expander.expand(parse(query).tree, dropped)
    return show(tree)


def test_a_japanese_term_gets_its_english_and_the_original_stays_first(expander) -> None:
    assert expanded(expander, "電池/TX") == "電池/TX+battery/TX+cell/TX"
    assert expanded(expander, "制動/CL") == "制動/CL+braking/CL"


def test_spelling_variants_are_one_word(expander) -> None:
    # SudachiPy: ウェハ is ウエハー; the glossary's ウェーハ has the same skeleton
    assert skeleton("ウェーハ") == skeleton("ウエハー") == skeleton("ウェハ") == "ウエハ"
    assert expanded(expander, "ウェハ/TX") == (
        "ウェハ/TX+ウエハー/TX+ウェハー/TX+ウェーハ/TX+wafer/TX")


def test_an_english_term_leads_to_the_japanese_words_best_first(expander) -> None:
    _, found = expander.expand(parse("wafer/TX").tree)
    assert found[0].added[0] == "ウェーハ" and found[0].how[0] == "glossary"
    _, found = expander.expand(parse("battery/TX").tree)
    assert "電池" in found[0].added
    assert "砲列" not in found[0].added         # "battery (artillery)": a qualified sense


def test_a_compound_without_an_entry_is_searched_as_its_words(expander) -> None:
    assert expanded(expander, "半導体ウェーハ/TX") == (
        "半導体ウェーハ/TX+[semiconductor/TX*wafer/TX]")


def test_names_numbers_codes_and_proximity_are_left_alone(expander) -> None:
    for query in ("トヨタ/AP", "電池,5C,正極/TX", "H01M?/FI", "2021044377/PN"):
        tree, found = expander.expand(parse(query).tree)
        assert show(tree) == show(parse(query).tree) and found == []


def test_a_dropped_term_is_not_searched_and_is_said_so(expander) -> None:
    tree, found = expander.expand(parse("電池/TX").tree, ["CELL"])
    assert show(tree) == "電池/TX+battery/TX"
    assert (found[0].added, found[0].dropped) == (("battery",), ("cell",))
    assert dropped_of("cell|battery|") == ["cell", "battery"]


def test_the_tables_are_tokkyos_own_files() -> None:
    ja_en, en_ja = jmdict.load(jmdict.DATA), jmdict.load(jmdict.REVERSE)
    assert ja_en["電池"] == "battery|cell"
    assert en_ja["semiconductor"].split("|")[0] == "半導体"
    assert len(ja_en) > 200_000
    assert jmdict.gloss("to grind") == "grind"
    assert jmdict.gloss("(computer) circuit board") == "(computer) circuit board"
    assert jmdict.gloss("a very long gloss of many words") == ""


@pytest.fixture
def loaded(db):
    report = ingest(db, GAZETTE, FOREIGN / "ep" / "grant")
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    return db


def numbers(found: searching.Results) -> set[str]:
    return {row.publication_number or row.document_number for row in found.rows}


def test_an_english_query_finds_a_japanese_document(loaded, expander) -> None:
    with loaded.engine.connect() as conn:
        plain = searching.run(conn, "semiconductor/TX", law="patent")
        rewrite = Rewrite(expander)
        crossed = searching.run(conn, "semiconductor/TX", law="patent", rewrite=rewrite)
    assert JP_DOCUMENT not in numbers(plain)
    assert JP_DOCUMENT in numbers(crossed)
    assert crossed.expression == "semiconductor/TX"           # as typed
    assert rewrite.expression == ("semiconductor/TX+半導体/TX+セミコンダクタ/TX+"
                                  "セミコンダクター/TX")          # as searched, shown
    assert rewrite.as_json()["expansions"] == [{
        "field": "TX", "term": "semiconductor", "added": ["半導体", "セミコンダクタ",
                                                          "セミコンダクター"],
        "dropped": [], "from": ["JMdict", "JMdict", "variant"]}]


def test_a_japanese_query_finds_an_ep_document(loaded, expander) -> None:
    with loaded.engine.connect() as conn:
        plain = searching.run(conn, "ペプチド/TI", law="patent")
        rewrite = Rewrite(expander)
        crossed = searching.run(conn, "ペプチド/TI", law="patent", rewrite=rewrite)
        dropped = searching.run(conn, "ペプチド/TI", law="patent",
                                rewrite=Rewrite(expander, ["peptide"]))
    assert plain.total == 0 and dropped.total == 0
    assert crossed.total >= 2                   # the two EP grants about peptides
    assert {r.country for r in crossed.rows} == {"EP"}
    assert rewrite.expression == "ペプチド/TI+peptide/TI"


def test_the_committed_tables_are_what_the_export_writes(tmp_path) -> None:
    """Where jamdict-data is installed (the `jmdict` extra; not in CI): the export is
    reproducible and the files in the repository are its output, byte for byte."""
    pytest.importorskip("jamdict_data")
    from typer.testing import CliRunner

    from tokkyo.cli.main import app

    done = CliRunner().invoke(app, ["translate", "export-jmdict", "--to", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("264193 headwords written (JMdict, © the Electronic "
                                  "Dictionary Research and Development Group, CC BY-SA 4.0")
    for table in (jmdict.DATA, jmdict.REVERSE):
        assert (tmp_path / table.name).read_bytes() == table.read_bytes()


@pytest.fixture
def chinese(db):
    report = ingest(db, FOREIGN / "cn" / "cn_old3.xml")
    assert report.ok, [o.reason for o in report.outcomes if o.reason]
    return db


def test_a_japanese_query_finds_a_chinese_document_through_the_glossarys_zh_column(
        chinese) -> None:
    # 製造方法 (Japanese) is 制造方法 in simplified Chinese: no substring of one is in the
    # other, and JMdict knows no Chinese; the operator's glossary pins it
    glossary = parse_glossary("ja\ten\tcontext\tsource\tzh\n"
                              "製造方法\tproduction method\tclaims\toperator\t制造方法\n")
    expander = Expander(glossary)
    with chinese.engine.connect() as conn:
        plain = searching.run(conn, "製造方法/TI", law="patent")
        rewrite = Rewrite(expander)
        crossed = searching.run(conn, "製造方法/TI", law="patent", rewrite=rewrite)
        # and back: a Chinese query reaches the Japanese term
        back = Rewrite(expander)
        searching.run(conn, "制造方法/TI", law="patent", rewrite=back)
    assert plain.total == 0
    assert {r.country for r in crossed.rows} == {"CN"} and crossed.total == 1
    assert rewrite.as_json()["expansions"][0]["added"][0] == "制造方法"
    assert rewrite.as_json()["expansions"][0]["from"][0] == "glossary zh"
    assert "製造方法" in back.as_json()["expansions"][0]["added"]
