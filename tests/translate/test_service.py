"""The platform around the engines: alignment by claim and paragraph, the cache, batches,
retries of transient failures and none of terminal ones."""

from __future__ import annotations

import pytest

from tokkyo.translate import routing
from tokkyo.translate.cache import MemoryCache, key
from tokkyo.translate.errors import (
    NoRoute,
    RoutingError,
    TerminalTranslationError,
    TransientTranslationError,
)
from tokkyo.translate.kinds import ContentKind as K
from tokkyo.translate.kinds import Translation
from tokkyo.translate.service import Platform, Retries

CLAIMS = ("【請求項１】\n基板１０と、前記基板１０上の膜２０とを有する装置。\n"
          "【請求項２】\n請求項１に記載の装置であって、図２に示す。")


def platform(spec: str = "", **options) -> Platform:
    table = routing.parse(f"[engines.e]\ntype = 'identity'\npairs = ['ja-en']\n{spec}\n"
                          "[[routes]]\nsource='ja'\ntarget='en'\nengine='e'\n", "t")
    return Platform(table, retries=Retries(3, 0.01), **options)


def test_claims_stay_aligned_and_numbers_come_out_in_english():
    out = platform().translate(CLAIMS, source="ja", target="en", kind=K.CLAIMS)
    assert [(u.label, u.text) for u in out.units] == [
        ("【請求項１】", "基板10と、前記基板10上の膜20とを有する装置。"),
        ("【請求項２】", "claim 1に記載の装置であって、FIG. 2に示す。")]
    assert (out.engine, out.version, out.segments, out.attempts) == ("identity", "1", 2, 1)


def test_paragraphs_keep_their_labels_and_headings():
    text = "【技術分野】\n【０００１】\n本発明は加工方法に関する。\n【０００２】\n第２文。第３文。"
    out = platform().translate(text, source="ja", target="en", kind=K.DESCRIPTION)
    assert [(u.label, u.source) for u in out.units] == [
        ("【技術分野】", ""), ("【０００１】", "本発明は加工方法に関する。"),
        ("【０００２】", "第２文。第３文。")]
    assert out.segments == 3


def test_the_cache_answers_the_second_time():
    cache = MemoryCache()
    p = platform(cache=cache)
    p.translate(CLAIMS, source="ja", target="en", kind=K.CLAIMS)
    again = p.translate(CLAIMS, source="ja", target="en", kind=K.CLAIMS)
    assert (again.cached, again.attempts) == (2, 0)
    other_kind = p.translate(CLAIMS, source="ja", target="en", kind=K.DESCRIPTION)
    assert other_kind.cached == 0


def test_cache_entries_expire():
    now = [0.0]
    cache = MemoryCache(ttl=10, clock=lambda: now[0])
    k = key("e", "1", "ja", "en", K.TITLE, "x")
    cache.put(k, Translation("x", "e", "1"))
    assert cache.get(k) is not None
    now[0] = 10.0
    assert cache.get(k) is None and len(cache) == 0


def test_batches_never_exceed_the_engines_maximum():
    p = platform("max_batch = 2")
    words = ["あ", "い", "う", "え", "お", "あ"]
    out = p.translate_segments(words, source="ja", target="en", kind=K.TITLE)
    assert [t.text for t in out[0]] == words
    assert out[1].attempts == 3


def test_transient_failures_are_retried_then_reported():
    p = platform("fail = 'transient'")
    with pytest.raises(TransientTranslationError) as raised:
        p.translate("文。", source="ja", target="en", kind=K.TITLE)
    assert str(raised.value) == ("the identity engine is set to fail (transient) (engine "
                                 "identity; gave up after 3 attempts)")


def test_terminal_failures_are_not_retried():
    p = platform("fail = 'terminal'")
    with pytest.raises(TerminalTranslationError) as raised:
        p.translate("文。", source="ja", target="en", kind=K.TITLE)
    assert str(raised.value) == "the identity engine is set to fail (terminal)"
    assert len(p.cache) == 0


def test_no_route():
    with pytest.raises(NoRoute):
        platform().translate("文", source="en", target="ja", kind=K.TITLE)


def test_a_route_to_an_engine_that_does_not_serve_the_pair():
    table = routing.parse("[engines.e]\ntype = 'identity'\npairs = ['ja-en']\n"
                          "[[routes]]\nsource='zh'\ntarget='ja'\nengine='e'\n", "t.toml")
    with pytest.raises(RoutingError) as raised:
        Platform(table).translate("文", source="zh", target="ja", kind=K.TITLE)
    assert str(raised.value) == ("routing table t.toml: zh→ja title is routed to engine "
                                 "'e', which serves ja-en")


def test_untranslated_spans_follow_the_restored_text():
    table = routing.load("")
    out = Platform(table).translate("図２及び謎の書類", source="ja", target="en",
                                    kind=K.BIBLIOGRAPHIC)
    unit = out.units[0]
    assert unit.text == "FIG. 2及び謎の書類"
    assert [unit.text[a:b] for a, b in unit.untranslated] == ["及び謎の書類"]
