"""What the HTTP adapters share: one httpx client with the engine's timeout, a client-side
rate limit, and the failure classes of translation.md §2: a timeout, a refused connection,
429 and 5xx are transient (the platform retries them, honouring Retry-After); any other
4xx is terminal."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from tokkyo.translate.engine import Pair
from tokkyo.translate.errors import TerminalTranslationError, TransientTranslationError


class RetryLater(TransientTranslationError):
    """A transient failure whose service said when to come back."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class HttpEngine:
    """Base of the adapters: `url`, `key` (or `key_env`, the variable holding it),
    `model`, `timeout` (seconds per call), `pairs`, `rate_limit` (calls per minute to the
    service, 0 for none), `max_batch`, `version` (the operator's name for what the
    service runs: change it when the service's model changes, so cached output is
    not reused)."""

    name = "http"

    def __init__(self, url: str, pairs: set[Pair], *, key: str = "", model: str = "",
                 timeout: float = 30.0, rate_limit: int = 0, max_batch: int = 32,
                 version: str = "1") -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"url {url!r} must start with http:// or https://")
        self.url = url.rstrip("/")
        self._pairs = set(pairs)
        self.key, self.model, self.timeout = key, model, timeout
        self.max_batch = max_batch
        self.version = f"{model or 'default'}@{version}"
        self.interval = 60.0 / rate_limit if rate_limit > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self.client = httpx.Client(timeout=timeout)

    @classmethod
    def options(cls, spec: Mapping[str, Any]) -> dict[str, Any]:
        key = str(spec.get("key", ""))
        if not key and spec.get("key_env"):
            key = os.environ.get(str(spec["key_env"]), "")
        if "url" not in spec:
            raise ValueError("'url' is required")
        return {"url": str(spec["url"]), "key": key, "model": str(spec.get("model", "")),
                "timeout": float(spec.get("timeout", 30)),
                "rate_limit": int(spec.get("rate_limit", 0)),
                "max_batch": int(spec.get("max_batch", 32)),
                "version": str(spec.get("version", "1"))}

    def pairs(self) -> set[Pair]:
        return set(self._pairs)

    def _throttle(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            time.sleep(wait)

    def post(self, path: str, body: Mapping[str, Any],
             headers: Mapping[str, str] | None = None) -> Any:
        """The JSON answer of a POST; the transient or terminal error otherwise."""
        self._throttle()
        where = f"{self.name} {self.url}{path}"
        try:
            answer = self.client.post(self.url + path, json=body, headers=headers)
        except httpx.TimeoutException:
            raise TransientTranslationError(f"{where}: no answer within {self.timeout:g} s"
                                            ) from None
        except httpx.TransportError as exc:
            raise TransientTranslationError(f"{where}: {exc.__class__.__name__}: {exc}"
                                            ) from None
        if answer.status_code == 429 or answer.status_code >= 500:
            raise RetryLater(f"{where}: HTTP {answer.status_code}: {_said(answer)}",
                             _retry_after(answer))
        if answer.status_code >= 400:
            raise TerminalTranslationError(
                f"{where}: HTTP {answer.status_code}: {_said(answer)}")
        try:
            return answer.json()
        except ValueError:
            raise TerminalTranslationError(f"{where}: the answer is not JSON") from None

    def close(self) -> None:
        self.client.close()


def _said(answer: httpx.Response) -> str:
    """The service's own message (LibreTranslate's `error`, OpenAI's `error.message`)."""
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:200] or answer.reason_phrase
    if isinstance(body, dict):
        found = body.get("error") or body.get("detail") or body
        if isinstance(found, dict):
            found = found.get("message", found)
        return str(found)[:300]
    return str(body)[:300]


def _retry_after(answer: httpx.Response) -> float | None:
    try:
        return float(answer.headers["retry-after"])
    except (KeyError, ValueError):
        return None
