"""`tokkyo translate` through the real CLI: the routing table, a text, glossaries, the
fixture model; bad files are one line, exit 2, and change nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tokkyo.cli.main import app

runner = CliRunner()
ROUTES = """
[engines.dictionary]
type = "dictionary"
[engines.id]
type = "identity"
pairs = ["ja-en"]
[[routes]]
source = "ja"
target = "en"
kinds = ["document_name"]
engine = "dictionary"
[[routes]]
source = "ja"
target = "en"
engine = "id"
mode = "accumulate"
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("translate-cli")
    (folder / "routes.toml").write_text(ROUTES, "utf-8")
    return {"TOKKYO_DATA_DIR": str(folder / "data"), "TOKKYO_DATABASE_URL": "",
            "TOKKYO_TRANSLATE_ROUTES": str(folder / "routes.toml"),
            "TOKKYO_TRANSLATE_GLOSSARY": "", "COLUMNS": "200"}


def invoke(env: dict[str, str], *args: str, stdin: str | None = None):
    return runner.invoke(app, ["translate", *args], env=env, input=stdin)


def test_routes(env):
    result = invoke(env, "routes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["routes"] == [
        {"source": "ja", "target": "en", "kinds": "document_name", "engine": "dictionary",
         "type": "dictionary", "mode": "realtime"},
        {"source": "ja", "target": "en", "kinds": "*", "engine": "id", "type": "identity",
         "mode": "accumulate"}]
    built_in = invoke({**env, "TOKKYO_TRANSLATE_ROUTES": ""}, "routes")
    assert "routing table (built-in)" in built_in.stdout
    assert "bibliographic, code_label, document_name" in built_in.stdout


def test_text_keeps_claims_aligned(env):
    result = invoke(env, "text", "-", "--kind", "claims",
                    stdin="【請求項１】基板１０。【請求項２】請求項１に記載の基板。")
    assert result.exit_code == 0, result.output
    assert result.stdout == "【請求項１】基板10。\n【請求項２】claim 1に記載の基板。\n"
    assert "machine translation: identity 1, 2 segments" in result.stderr
    named = invoke(env, "text", "拒絶理由通知書", "--kind", "document_name", "--json")
    assert json.loads(named.stdout)["units"] == [
        {"label": "", "source": "拒絶理由通知書", "text": "Notice of Reasons for Refusal",
         "untranslated": []}]


def test_text_without_a_route_or_with_bad_options(env):
    result = invoke(env, "text", "hello", "--from", "en", "--to", "ja")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "no translation engine is configured for en→ja description (routing table: "
        f"{env['TOKKYO_TRANSLATE_ROUTES']}); see README, 'Machine translation'")
    bad_kind = invoke(env, "text", "x", "--kind", "claim")
    assert bad_kind.exit_code == 2 and "'claim' is not a content kind" in bad_kind.stderr


def test_a_bad_routing_file(env, tmp_path):
    (tmp_path / "bad.toml").write_text("[engines.x]\ntype = 'deepl'\n", "utf-8")
    result = invoke({**env, "TOKKYO_TRANSLATE_ROUTES": str(tmp_path / "bad.toml")}, "routes")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"routing file {tmp_path / 'bad.toml'}: engine 'x' has type 'deepl'; use one of "
        "ctranslate2, dictionary, identity, libretranslate, openai-chat")


def test_glossary_import_export_and_pinning(env, tmp_path):
    glossary_env = {**env, "TOKKYO_TRANSLATE_GLOSSARY": str(tmp_path / "g.tsv")}
    (tmp_path / "in.tsv").write_text("ja\ten\tcontext\tsource\n基板\tsubstrate\t\tme\n",
                                     "utf-8")
    result = invoke(glossary_env, "glossary", "import", str(tmp_path / "in.tsv"))
    assert result.exit_code == 0, result.output
    assert f"1 terms imported; 1 in {tmp_path / 'g.tsv'}" in result.stdout
    pinned = invoke(glossary_env, "text", "基板１０。")
    assert pinned.stdout == "substrate10。\n"
    (tmp_path / "bad.tsv").write_text("基板\tboard\nウェーハ\n", "utf-8")
    refused = invoke(glossary_env, "glossary", "import", str(tmp_path / "bad.tsv"))
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        f"{tmp_path / 'bad.tsv'}, line 2: expected 2 to 4 tab-separated columns (ja, en, "
        "context, source), found 1")
    exported = invoke(glossary_env, "glossary", "export")
    assert exported.stdout == "ja\ten\tcontext\tsource\n基板\tsubstrate\t\tme\n"


def test_a_users_glossary_needs_the_user(env, tmp_path):
    data = {**env, "TOKKYO_DATA_DIR": str(tmp_path / "data")}
    added = runner.invoke(app, ["users", "add", "glossary-user", "--password",
                                "a-long-password"], env=data)
    assert added.exit_code == 0, added.output
    (tmp_path / "mine.tsv").write_text("基板\tboard\n", "utf-8")
    unknown = invoke(data, "glossary", "import", str(tmp_path / "mine.tsv"), "--user",
                     "nobody-here")
    assert (unknown.exit_code, unknown.stderr.strip()) == (2, "no user nobody-here")
    assert not (tmp_path / "data" / "translate").exists()
    mine = invoke(data, "glossary", "import", str(tmp_path / "mine.tsv"), "--user",
                  "glossary-user")
    assert mine.exit_code == 0, mine.output
    assert invoke(data, "text", "基板。", "--user", "glossary-user").stdout == "board。\n"
    assert invoke(data, "text", "基板。").stdout == "基板。\n"


def test_fixture_model(env, tmp_path):
    result = invoke(env, "fixture-model", str(tmp_path / "model"))
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "model").iterdir()} >= {
        "model.bin", "source.spm", "target.spm", "config.json"}
    again = invoke(env, "fixture-model", str(tmp_path / "model"))
    assert (again.exit_code, again.stderr.strip()) == (2, f"{tmp_path / 'model'} is not empty")


def test_serve_refuses_a_bad_routing_file_in_one_line(env, tmp_path):
    data = {**env, "TOKKYO_DATA_DIR": str(tmp_path / "data"),
            "TOKKYO_TRANSLATE_ROUTES": str(tmp_path / "bad.toml")}
    (tmp_path / "bad.toml").write_text("[[routes]]\nsource='ja'\n", "utf-8")
    assert runner.invoke(app, ["db", "upgrade"], env=data).exit_code == 0
    result = runner.invoke(app, ["serve", "--port", "1"], env=data)
    assert (result.exit_code, result.stderr.strip()) == (
        2, f"routing file {tmp_path / 'bad.toml'}: route 1 needs 'target'")
