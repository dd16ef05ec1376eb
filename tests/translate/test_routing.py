"""The operator's routing table: parsing, first match, and errors naming the place."""

from __future__ import annotations

import pytest

from tokkyo.translate import routing
from tokkyo.translate.errors import NoRoute, RoutingError
from tokkyo.translate.kinds import ContentKind as K

TABLE = """
[engines.dictionary]
type = "dictionary"
[engines.id]
type = "identity"
pairs = ["ja-en"]

[[routes]]
source = "ja"
target = "en"
kinds = ["title", "bibliographic"]
engine = "dictionary"

[[routes]]
source = "ja"
target = "en"
kinds = ["*"]
engine = "id"
mode = "accumulate"
"""


def test_first_matching_route_wins():
    table = routing.parse(TABLE, "t.toml")
    assert table.route("ja", "en", K.TITLE).engine == "dictionary"
    claims = table.route("ja", "en", K.CLAIMS)
    assert (claims.engine, claims.mode, claims.kinds) == ("id", "accumulate", None)
    assert table.engine("id").name == "identity"
    assert table.engine("id") is table.engine("id")
    assert table.pairs() == {("ja", "en")}


def test_the_built_in_table_routes_closed_vocabularies_only():
    table = routing.load("")
    assert table.route("ja", "en", K.DOCUMENT_NAME).engine == "dictionary"
    with pytest.raises(NoRoute) as raised:
        table.route("ja", "en", K.DESCRIPTION)
    assert str(raised.value) == ("no translation engine is configured for ja→en "
                                 "description (routing table: built-in); see README, "
                                 "'Machine translation'")


@pytest.mark.parametrize(("text", "message"), [
    ("[engines.x]\ntype = 'deepl'\n",
     "routing file f.toml: engine 'x' has type 'deepl'; use one of ctranslate2, "
     "dictionary, identity, libretranslate, openai-chat"),
    ("[[routes]]\nsource = 'ja'\ntarget = 'en'\nengine = 'nope'\n",
     "routing file f.toml: route 1 names engine 'nope', which [engines] does not define"),
    ("[engines.d]\ntype='dictionary'\n[[routes]]\nsource = 'xx'\ntarget = 'en'\n"
     "engine = 'd'\n",
     "routing file f.toml: route 1: 'xx' is not a language tokkyo knows (one of ja, en, zh, "
     "ko, de, fr, es, ru)"),
    ("[engines.d]\ntype='dictionary'\n[[routes]]\nsource = 'ja'\ntarget = 'en'\n"
     "kinds = ['claim']\nengine = 'd'\n",
     "routing file f.toml: route 1: 'claim' is not a content kind (one of title, abstract, "
     "claims, description, exam_document, bibliographic, document_name, code_label, "
     "non_patent, query)"),
    ("[engines.d]\ntype='dictionary'\n[[routes]]\ntarget = 'en'\nengine = 'd'\n",
     "routing file f.toml: route 1 needs 'source'"),
    ("[engines.d]\ntype='dictionary'\n[[routes]]\nsource='ja'\ntarget='en'\nengine='d'\n"
     "mode='batch'\n",
     "routing file f.toml: route 1: mode 'batch' is not one of realtime, accumulate"),
    ("routes = [", None),
])
def test_bad_routing_files(text, message):
    with pytest.raises(RoutingError) as raised:
        routing.parse(text, "f.toml")
    if message is None:
        assert str(raised.value).startswith("routing file f.toml: ")
    else:
        assert str(raised.value) == message


def test_a_missing_file_and_a_bad_engine(tmp_path):
    with pytest.raises(RoutingError) as raised:
        routing.load(tmp_path / "none.toml")
    assert str(raised.value) == f"routing file {tmp_path / 'none.toml'}: No such file or directory"
    table = routing.parse("[engines.x]\ntype = 'identity'\n", "f.toml")
    with pytest.raises(RoutingError) as raised:
        table.engine("x")
    assert str(raised.value) == ("engine 'x': 'pairs' is required (e.g. pairs = "
                                 "[\"ja-en\"])")
