"""Real-time translation for pages (translate/realtime.py) with real engines: a part done
in time, a slow one pending then done, a failing one remembered for a while and then
tried again, a part with no route, and runs of one part shared by two pages."""

from __future__ import annotations

import threading
import time

from tokkyo.translate import routing
from tokkyo.translate.kinds import ContentKind as K
from tokkyo.translate.realtime import Part, Realtime, State
from tokkyo.translate.service import Platform, Retries

TABLE = """
[engines.fast]
type = "identity"
pairs = ["ja-en"]
[engines.slow]
type = "identity"
pairs = ["ja-en"]
delay_ms = 600
[engines.broken]
type = "identity"
pairs = ["ja-en"]
fail = "transient"
retries = 1
[[routes]]
source = "ja"
target = "en"
kinds = ["claims"]
engine = "fast"
[[routes]]
source = "ja"
target = "en"
kinds = ["description"]
engine = "slow"
[[routes]]
source = "ja"
target = "en"
kinds = ["abstract"]
engine = "broken"
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now


def realtime(clock: Clock | None = None) -> Realtime:
    platform = Platform(routing.parse(TABLE, "test"), retries=Retries(1, 0.01))
    return Realtime(platform, wait=0.2, retry_after=60, clock=clock or time.monotonic)


CLAIMS = Part("claims", K.CLAIMS, ("基板１０を備える装置。", "請求項１に記載の装置。"))
DESCRIPTION = Part("description", K.DESCRIPTION, ("本発明は装置に関する。",))
ABSTRACT = Part("abstract", K.ABSTRACT, ("要約。",))
TITLE = Part("title", K.TITLE, ("装置",))


def test_each_part_in_its_state_and_the_slow_one_later() -> None:
    rt = realtime()
    started = time.monotonic()
    parts = rt.translate([CLAIMS, DESCRIPTION, ABSTRACT, TITLE], source="ja", target="en")
    assert time.monotonic() - started < 0.6                   # never the slow engine's time
    by = {p.name: p for p in parts}
    assert by["claims"].state is State.DONE and len(by["claims"].units) == 2
    assert by["claims"].units[0] == "基板10を備える装置。"   # the sign restored, half width
    assert (by["claims"].engine, by["claims"].version) == ("identity", "1")
    assert by["description"].state is State.PENDING and by["description"].units == []
    assert by["abstract"].state is State.FAILED
    assert by["abstract"].notice == ("the identity engine is set to fail (transient) "
                                     "(engine identity; gave up after 1 attempt)")
    assert by["title"].state is State.UNROUTED
    assert by["title"].notice.startswith("no translation engine is configured for ja→en title")
    time.sleep(0.8)
    again = rt.translate([DESCRIPTION], source="ja", target="en")[0]
    assert again.state is State.DONE and again.units == ["本発明は装置に関する。"]
    rt.close()


def test_a_failure_is_answered_from_memory_until_its_time_is_up() -> None:
    clock = Clock()
    rt = realtime(clock)
    first = rt.translate([ABSTRACT], source="ja", target="en")[0]
    assert first.state is State.FAILED and first.engine == ""   # from the run itself
    second = rt.translate([ABSTRACT], source="ja", target="en")[0]
    # answered from memory (no run started): the failure names the engine it remembers
    assert second.state is State.FAILED and second.engine == "identity"
    assert second.notice == first.notice
    clock.now += 61
    third = rt.translate([ABSTRACT], source="ja", target="en")[0]
    assert third.state is State.FAILED and third.engine == ""  # tried again, failed again
    rt.close()


def test_two_pages_share_one_run() -> None:
    rt = realtime()
    first = rt.translate([DESCRIPTION], source="ja", target="en", wait=0)[0]
    second = rt.translate([DESCRIPTION], source="ja", target="en", wait=0)[0]
    assert first.state is second.state is State.PENDING
    assert len(rt._running) == 1
    rt.close()
