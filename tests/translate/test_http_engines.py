"""The HTTP adapters against the LibreTranslate-compatible and OpenAI-compatible endpoints
of a second tokkyo (`tokkyo serve` in its own process, real HTTP over loopback), on SQLite
and PostgreSQL (the endpoint's API key is an account token in the store).

The second tokkyo's routing table makes it answer every case for real: `identity` for
ja→en, the dictionary for document names, a slow engine for ja→zh (the client times out),
a failing one for ja→ko (500, transient), a refusing one for ja→de (400, terminal); its
rate limit gives the 429."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.server import SECRET, Server
from tests.conftest import fresh_database
from tokkyo.accounts import service as accounts
from tokkyo.accounts.policy import Policy
from tokkyo.store.engine import make_engine, write_connection
from tokkyo.translate import routing
from tokkyo.translate.cache import key
from tokkyo.translate.errors import TerminalTranslationError, TransientTranslationError
from tokkyo.translate.kinds import ContentKind as K
from tokkyo.translate.service import Platform, Retries

PASSWORD = "a-long-test-password"
RATE = 40
SERVED = """
[engines.id]
type = "identity"
pairs = ["ja-en"]
[engines.dictionary]
type = "dictionary"
[engines.slow]
type = "identity"
pairs = ["ja-zh"]
delay_ms = 2000
[engines.busy]
type = "identity"
pairs = ["ja-ko"]
fail = "transient"
retries = 1
[engines.refusing]
type = "identity"
pairs = ["ja-de"]
fail = "terminal"

[[routes]]
source = "ja"
target = "en"
kinds = ["document_name"]
engine = "dictionary"
[[routes]]
source = "ja"
target = "en"
engine = "id"
[[routes]]
source = "ja"
target = "zh"
engine = "slow"
[[routes]]
source = "ja"
target = "ko"
engine = "busy"
[[routes]]
source = "ja"
target = "de"
engine = "refusing"
"""
CLAIMS = ("【請求項１】\n基板１０と、ＳｉＯ２膜２０とを有する装置。\n"
          "【請求項２】\n請求項１に記載の装置であって、図２に示す【数１】を満たす。")


@dataclass
class Remote:
    server: Server
    url: str
    counter: itertools.count[int]
    shared: str = ""

    def token(self) -> str:
        """The access token of one user the tests share (its rate-limit window holds
        their calls)."""
        if not self.shared:
            self.shared = self.new_token()
        return self.shared

    def new_token(self) -> str:
        """A new user's access token (a rate-limit window of its own)."""
        return self.new_user()[1]

    def new_user(self) -> tuple[str, str]:
        """A new user's login ID and access token."""
        login_id = f"trans-{next(self.counter):04d}"
        engine = make_engine(self.url)
        # the server writes too (its rate limit is counted in the store): take SQLite's
        # write lock at once, as the server's own writers do
        with write_connection(engine) as conn, conn.begin():
            accounts.add_user(conn, Policy(secret=SECRET.encode()), login_id, PASSWORD,
                              "user")
        engine.dispose()
        return login_id, self.server.token(login_id, PASSWORD)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def remote(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Remote]:
    folder = tmp_path_factory.mktemp("second-tokkyo")
    (folder / "routes.toml").write_text(SERVED, "utf-8")
    with fresh_database(request.param, request, folder) as url:
        server = Server(url, folder, translate_routes=str(folder / "routes.toml"),
                        translate_rate_limit_per_minute=str(RATE))
        try:
            yield Remote(server, url, itertools.count(1))
        finally:
            server.stop()


def platform(remote: Remote, engine: str, pairs: str, *, timeout: float = 10,
             key: str | None = None) -> Platform:
    """A platform of this process routing the pair to the second tokkyo."""
    key = remote.token() if key is None else key
    table = routing.parse(f"""
[engines.remote]
type = "{engine}"
url = "{remote.server.base}"
key = "{key}"
model = "{pairs}"
timeout = {timeout}
pairs = ["{pairs}"]
[[routes]]
source = "{pairs[:2]}"
target = "{pairs[3:5]}"
engine = "remote"
""", "client.toml")
    return Platform(table, retries=Retries(3, 0.01, max_wait=0.05))


@pytest.mark.parametrize("engine", ["libretranslate", "openai-chat"])
def test_claims_through_a_second_tokkyo_keep_their_numbers(remote, engine):
    p = platform(remote, engine, "ja-en")
    out = p.translate(CLAIMS, source="ja", target="en", kind=K.CLAIMS)
    assert [(u.label, u.text) for u in out.units] == [
        ("【請求項１】", "基板10と、SiO2膜20とを有する装置。"),
        ("【請求項２】", "claim 1に記載の装置であって、FIG. 2に示す[Math. 1]を満たす。")]
    assert (out.engine, out.attempts) == (engine, 1)
    p.table.close()


def test_the_content_kind_reaches_the_second_tokkyos_routing(remote):
    p = platform(remote, "libretranslate", "ja-en")
    out = p.translate("拒絶理由通知書", source="ja", target="en", kind=K.DOCUMENT_NAME)
    assert out.text == "Notice of Reasons for Refusal"
    p.table.close()


@pytest.mark.parametrize("engine", ["libretranslate", "openai-chat"])
def test_a_timeout_is_transient_and_retried(remote, engine):
    p = platform(remote, engine, "ja-zh", timeout=0.3)
    with pytest.raises(TransientTranslationError) as raised:
        p.translate_segments(["基板"], source="ja", target="zh", kind=K.TITLE)
    path = "/translate" if engine == "libretranslate" else "/v1/chat/completions"
    assert str(raised.value) == (f"{engine} {remote.server.base}{path}: no answer within "
                                 f"0.3 s (engine {engine}; gave up after 3 attempts)")
    p.table.close()


def test_a_500_is_transient_and_retried(remote):
    p = platform(remote, "libretranslate", "ja-ko")
    with pytest.raises(TransientTranslationError) as raised:
        p.translate_segments(["基板"], source="ja", target="ko", kind=K.TITLE)
    assert str(raised.value) == (
        f"libretranslate {remote.server.base}/translate: HTTP 500: the identity engine is "
        "set to fail (transient) (engine identity; gave up after 1 attempt) (engine "
        "libretranslate; gave up after 3 attempts)")
    p.table.close()


def test_a_429_is_transient_and_retried(remote):
    p = platform(remote, "libretranslate", "ja-en", key=remote.new_token())
    for i in range(RATE):
        p.translate_segments([f"文{chr(0x3042 + i)}"], source="ja", target="en",
                             kind=K.TITLE)
    with pytest.raises(TransientTranslationError) as raised:
        p.translate_segments(["もう一つ"], source="ja", target="en", kind=K.TITLE)
    message = str(raised.value)
    assert message.startswith(f"libretranslate {remote.server.base}/translate: HTTP 429: "
                              f"too many requests: {RATE} per 60 s; try again in ")
    assert message.endswith("(engine libretranslate; gave up after 3 attempts)")
    p.table.close()


@pytest.mark.parametrize("engine", ["libretranslate", "openai-chat"])
def test_a_400_is_terminal_and_not_retried(remote, engine):
    p = platform(remote, engine, "ja-de")
    with pytest.raises(TerminalTranslationError) as raised:
        p.translate_segments(["基板"], source="ja", target="de", kind=K.TITLE)
    path = "/translate" if engine == "libretranslate" else "/v1/chat/completions"
    assert str(raised.value) == (f"{engine} {remote.server.base}{path}: HTTP 400: the "
                                 "identity engine is set to fail (terminal)")
    assert p.cache.get(key(p.table.engine("remote").name, p.table.engine("remote").version,
                           "ja", "de", K.TITLE, "基板")) is None
    p.table.close()


def test_a_key_that_is_no_token_is_refused(remote):
    p = platform(remote, "libretranslate", "ja-en", key="not-a-token")
    with pytest.raises(TerminalTranslationError) as raised:
        p.translate_segments(["基板"], source="ja", target="en", kind=K.TITLE)
    assert str(raised.value) == (f"libretranslate {remote.server.base}/translate: HTTP 403: "
                                 "Invalid API key (unknown token)")
    p.table.close()


def test_the_endpoint_speaks_libretranslate(remote):
    base = remote.server.base
    assert httpx.get(f"{base}/languages").json() == [
        {"code": "ja", "name": "Japanese", "targets": ["de", "en", "ko", "zh"]}]
    token = remote.token()
    one = httpx.post(f"{base}/translate", data={"q": "特許査定", "source": "ja",
                                                "target": "en", "api_key": token,
                                                "kind": "document_name"})
    assert one.status_code == 200
    assert one.json()["translatedText"] == "Decision to Grant a Patent"
    missing = httpx.post(f"{base}/translate", json={"source": "ja", "target": "en",
                                                    "api_key": token})
    assert (missing.status_code, missing.json()) == (
        400, {"error": "Invalid request: missing q parameter"})
    unrouted = httpx.post(f"{base}/translate", json={"q": "x", "source": "en", "target": "ja",
                                                     "api_key": token})
    assert (unrouted.status_code, unrouted.json()["error"]) == (
        400, "no translation engine is configured for en→ja description (routing table: "
             f"{Path(remote.server.env['TOKKYO_TRANSLATE_ROUTES'])}); see README, "
             "'Machine translation'")
    nokey = httpx.post(f"{base}/translate", json={"q": "x", "source": "ja", "target": "en"})
    assert (nokey.status_code, nokey.json()) == (
        403, {"error": "Invalid API key: give a tokkyo access token as api_key"})


def test_a_callers_own_glossary_is_pinned(remote):
    login_id, token = remote.new_user()
    mine = remote.server.env["TOKKYO_DATA_DIR"] + f"/translate/glossaries/{login_id}.tsv"
    Path(mine).parent.mkdir(parents=True, exist_ok=True)
    Path(mine).write_text("ウェーハ\twafer\n", "utf-8")
    asked = {"q": ["ウェーハ１を切る。"], "source": "ja", "target": "en"}
    pinned = httpx.post(f"{remote.server.base}/translate", json={**asked, "api_key": token})
    assert pinned.json()["translatedText"] == ["wafer1を切る。"]
    other = httpx.post(f"{remote.server.base}/translate",
                       json={**asked, "api_key": remote.token()})
    assert other.json()["translatedText"] == ["ウェーハ1を切る。"]
