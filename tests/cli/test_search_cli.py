"""`tokkyo search`: the portal's search from a shell, as a user runs it (a real process, a
store loaded with the samples, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os

import pytest

from tests.cli.test_cli import tokkyo
from tests.conftest import FOREIGN, GAZETTE, REAL

HIT_KEYS = {"country", "application", "law", "document", "kind", "title", "applicants",
            "filing_date", "publication_date", "registration", "registration_date",
            "design_class", "mark", "classes", "status", "url"}


@pytest.fixture
def loaded(database_url, tmp_path):
    env = dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"),
               TOKKYO_DATABASE_URL=database_url, COLUMNS="80", TOKKYO_INGEST_WORKERS="0")
    tokkyo("ingest", "--quiet", str(GAZETTE), str(REAL), env=env, check=0)
    return env


def test_a_term_finds_a_sample_document_in_a_table_and_as_the_portals_json(loaded):
    table = tokkyo("search", "電池/TX", env=loaded, check=0)
    # an 80-column terminal: the numbers are whole, on one line each
    assert "特願2020-185474" in table.stdout
    assert "特開2021-044249" in table.stdout
    assert "1 hit: 電池/TX (all)" in table.stdout
    assert table.stderr == ""

    answer = json.loads(tokkyo("search", "電池/TX", "--json", env=loaded, check=0).stdout)
    assert set(answer) == {"expression", "law", "total", "page", "pages", "sort", "warnings",
                           "permalink", "formula", "data_as_of", "numbers", "coverage",
                           "hits"}
    assert answer["total"] == 1 and answer["law"] == "all"
    [hit] = answer["hits"]
    assert set(hit) == HIT_KEYS
    assert (hit["application"], hit["document"], hit["kind"]) == ("2020185474", "2021044249",
                                                                  "A")
    assert hit["title"] == "リチウムイオン電池のリサイクル方法"


def test_no_hits_is_an_empty_table_and_exit_0(loaded):
    result = tokkyo("search", "存在しない語句ですよ/TX", env=loaded, check=0)
    assert "0 hits" in result.stdout and "application" in result.stdout
    assert json.loads(tokkyo("search", "存在しない語句ですよ/TX", "--json", env=loaded,
                             check=0).stdout)["hits"] == []


def test_csv_is_the_portals_csv(loaded):
    result = tokkyo("search", "電池/TX", "--csv", env=loaded, check=0)
    lines = result.stdout.split("\n")
    assert lines[0].startswith('\ufeff"Document number","Country","Kind","Application number",'
                               '"Filing date"')
    assert lines[0].rstrip("\r").endswith('"Status","URL"')
    assert lines[1].startswith('"特開2021-044249","JP","A","特願2020-185474","2020/11/06"')
    assert len([line for line in lines if line]) == 2
    ja = tokkyo("search", "電池/TX", "--csv", "--lang", "ja", env=loaded, check=0)
    assert ja.stdout.startswith('\ufeff"文献番号"')


def test_a_malformed_expression_says_what_and_where_on_stderr_and_exits_2(loaded):
    result = tokkyo("search", "[電池/TX", env=loaded, check=2)
    assert result.stdout == ""
    assert "Position 1: '[' is never closed; expected ']'." in result.stderr
    assert "Traceback" not in result.stderr
    design = tokkyo("search", "電池/TX", "--law", "design", "--json", env=loaded, check=2)
    assert design.stdout == ""
    assert "the field /TX (full text) cannot be used in a design search" in design.stderr


def test_law_chooses_the_screen(loaded):
    def found(law):
        answer = json.loads(tokkyo("search", "株式会社/AP", "--law", law, "--json",
                                   env=loaded, check=0).stdout)
        return answer["law"], sorted(h["law"] for h in answer["hits"])

    assert found("all") == ("all", ["patent", "patent", "patent"])
    assert found("patent") == ("patent", ["patent", "patent", "patent"])
    assert found("design") == ("design", [])
    assert found("trademark") == ("trademark", [])
    unknown = tokkyo("search", "株式会社/AP", "--law", "utility-model", env=loaded, check=2)
    assert "'utility-model' is not one of" in unknown.stderr   # (in a box, wrapped)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_no_store_no_search(tmp_path, backend):
    env = dict(os.environ, TOKKYO_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    env.pop("TOKKYO_DATABASE_URL", None)
    result = tokkyo("search", "電池/TX", env=env, check=1)
    assert result.stderr.startswith("no tokkyo store at")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_statuses_are_read_for_the_apps_day_as_the_portals(loaded):
    """TOKKYO_NOW sets the day statuses are read for, on the command line as in the portal
    (特願2020-123456's registration and fees are in the samples)."""
    def status(now):
        answer = json.loads(tokkyo("search", "メイショウ/AP", "--json",
                                   env=dict(loaded, TOKKYO_NOW=now), check=0).stdout)
        return [hit["status"] for hit in answer["hits"]]

    assert status("2022-06-01T12:00:00+09:00") == ["in-force"]
    assert status("2070-01-01T12:00:00+09:00") == ["expired"]


def test_country_limits_the_search_to_some_offices(loaded):
    """--country adds the country condition (as the portal's selector does): the EP
    grants and the 2014 USPTO grants of the samples, found by a word of their claims."""
    grants = FOREIGN / "ep" / "grant"
    tokkyo("ingest", "--quiet", str(grants), str(FOREIGN / "us" / "xml2014"), env=loaded,
           check=0)
    answer = json.loads(tokkyo("search", "--country", "ep", "--json", "--limit", "100",
                               "[EP/CC+US/CC+JP/CC]", env=loaded, check=0).stdout)
    assert answer["expression"] == "[EP/CC+US/CC+JP/CC]*EP/CC"
    assert answer["total"] == len(list(grants.glob("*.xml")))
    assert {h["country"] for h in answer["hits"]} == {"EP"}
    both = json.loads(tokkyo("search", "-c", "EP", "-c", "US", "--json", "--limit", "100",
                             "[EP/CC+US/CC+JP/CC]", env=loaded, check=0).stdout)
    assert {h["country"] for h in both["hits"]} == {"EP", "US"}
    bad = tokkyo("search", "--country", "EUR", "x/TX", env=loaded, check=2)
    assert "--country 'EUR': a two-letter office code" in bad.stderr
