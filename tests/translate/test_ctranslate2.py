"""The `ctranslate2` engine with a tiny model built here (seeded random weights, a
SentencePiece model trained on the sample gazettes' text): it loads in a worker process,
translates batches, and placeholders survive its meaningless output. Nothing asserts
translation quality."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GAZETTE
from tokkyo.translate import fixture_model, routing
from tokkyo.translate.engines.ct2 import CTranslate2Engine
from tokkyo.translate.errors import RoutingError, TransientTranslationError
from tokkyo.translate.kinds import ContentKind as K
from tokkyo.translate.service import Platform

CLAIMS = ("【請求項１】\n基板１０と、ＳｉＯ２膜２０とを有する装置。\n"
          "【請求項２】\n請求項１又は２に記載の装置であって、図２に示す【数１】を満たす。")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_model.build(tmp_path_factory.mktemp("tiny-model"),
                               fixture_model.sample_lines(GAZETTE))


@pytest.fixture(scope="module")
def platform(model: Path) -> Iterator[Platform]:
    table = routing.parse(f"""
[engines.nmt]
type = "ctranslate2"
model = "{model}"
pairs = ["ja-en"]
max_batch = 2
max_decoding_length = 24
[[routes]]
source = "ja"
target = "en"
engine = "nmt"
""", "t")
    yield Platform(table)
    table.close()


def test_the_tiny_model_translates_claims_in_a_worker(platform):
    before = {p.pid for p in multiprocessing.active_children()}
    out = platform.translate(CLAIMS, source="ja", target="en", kind=K.CLAIMS)
    workers = {p.pid for p in multiprocessing.active_children()} - before
    assert len(workers) == 1
    assert [u.label for u in out.units] == ["【請求項１】", "【請求項２】"]
    assert out.engine == "ctranslate2" and re.fullmatch(r"[0-9a-f]{12}", out.version)
    first, second = (u.text for u in out.units)
    for kept in ("10", "SiO2", "20"):
        assert kept in first
    for kept in ("claim 1 or 2", "FIG. 2", "[Math. 1]"):
        assert kept in second
    assert "⟦" not in first + second


def test_batches_and_the_same_output_for_the_same_input(platform, model):
    sentences = [f"{w}を加工する。" for w in ("基板", "ウェーハ", "切削ブレード", "保護膜", "基板")]
    done, result = platform.translate_segments(sentences, source="ja", target="en",
                                               kind=K.DESCRIPTION)
    assert len(done) == 5 and result.attempts == 2        # 4 distinct in batches of 2
    assert done[0].text == done[4].text
    table = routing.parse(f"[engines.nmt]\ntype='ctranslate2'\nmodel='{model}'\n"
                          "pairs=['ja-en']\nmax_decoding_length=24\n[[routes]]\nsource='ja'\n"
                          "target='en'\nengine='nmt'\n", "t")
    again = Platform(table).translate_segments(sentences, source="ja", target="en",
                                               kind=K.DESCRIPTION)[0]
    table.close()
    assert [t.text for t in again] == [t.text for t in done]


def test_a_folder_without_a_model(tmp_path):
    table = routing.parse(f"[engines.nmt]\ntype='ctranslate2'\nmodel='{tmp_path}'\n"
                          "pairs=['ja-en']\n", "t")
    with pytest.raises(RoutingError) as raised:
        table.engine("nmt")
    assert str(raised.value) == (f"engine 'nmt': no SentencePiece model in {tmp_path} "
                                 "(looked for source.spm, sentencepiece.model, "
                                 "sentencepiece.bpe.model)")
    (tmp_path / "source.spm").write_bytes(b"x")
    (tmp_path / "target.spm").write_bytes(b"x")
    with pytest.raises(RoutingError) as raised:
        table.engine("nmt")
    assert str(raised.value) == (f"engine 'nmt': {tmp_path} is not a CTranslate2 model "
                                 "directory (no model.bin)")


def _children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children()}


def _settled(expected: set[int]) -> set[int]:
    """This process's children once they are `expected`, or after 5 s: a stopped worker
    is reaped by whichever thread waits for it first (the engine's or the pool's own),
    and until then may still be listed."""
    deadline = time.monotonic() + 5
    while (children := _children()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return children


def test_a_batch_past_its_timeout_stops_its_worker_and_the_retry_is_served(model):
    engine = CTranslate2Engine.from_spec({"model": str(model), "timeout": 0.001,
                                          "max_decoding_length": 24}, {("ja", "en")})
    before = _children()
    try:
        with pytest.raises(TransientTranslationError) as raised:
            engine.translate(["基板を加工する。"], source="ja", target="en", kind=K.DESCRIPTION)
        assert str(raised.value) == "ctranslate2: no result within 0.001 s"
        assert _settled(before) == before   # the worker that was busy with it is stopped
        engine.timeout = 120.0
        out = engine.translate(["基板を加工する。"], source="ja", target="en",
                               kind=K.DESCRIPTION)
        assert len(out) == 1 and out[0].text and out[0].engine == "ctranslate2"
    finally:
        engine.close()


def test_a_dead_worker_is_replaced(model):
    engine = CTranslate2Engine.from_spec({"model": str(model), "max_decoding_length": 24},
                                         {("ja", "en")})
    before = _children()
    try:
        first = engine.translate(["保護膜を形成する。"], source="ja", target="en",
                                 kind=K.DESCRIPTION)
        (worker,) = _children() - before
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(TransientTranslationError) as raised:
            # the pool learns of the death at once or at the next batch
            for _ in range(50):
                engine.translate(["保護膜を形成する。"], source="ja", target="en",
                                 kind=K.DESCRIPTION)
                time.sleep(0.1)
        assert str(raised.value) == "ctranslate2: a worker process died"
        again = engine.translate(["保護膜を形成する。"], source="ja", target="en",
                                 kind=K.DESCRIPTION)
        assert [t.text for t in again] == [t.text for t in first]
        assert worker not in _settled(_children() - {worker})
    finally:
        engine.close()
