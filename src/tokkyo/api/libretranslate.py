"""tokkyo's routing table served as a LibreTranslate-compatible service: the request form
(`q` a text or a list, `source`, `target`, `format`, `api_key`; JSON or a form) and the
errors in LibreTranslate's form, `{"error": "..."}` with its status codes (400 bad
request or an untranslatable one, 403 a key that is not a valid account token, 429 the
rate limit, 500 an engine failure that may pass). The API key is a tokkyo access token
(`/auth/token`), in `api_key` or as a Bearer token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.responses import Response

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import InvalidToken
from tokkyo.errors import TerminalError, TransientError
from tokkyo.translate.errors import TranslationError
from tokkyo.translate.kinds import ContentKind, kind_of
from tokkyo.translate.ratelimit import RateLimited
from tokkyo.web.context import context_of
from tokkyo.web.deps import bearer

PREFIXES = ("/translate", "/languages", "/v1/chat/completions")


class BadTranslateRequest(TranslationError, TerminalError):
    """The request lacks a field or has one tokkyo cannot use."""


class KeyRefused(TranslationError, TerminalError):
    """No API key, or one that is not an active tokkyo access token."""


@dataclass(frozen=True, slots=True)
class TranslateRequest:
    q: list[str]
    batch: bool                 # q was a list: answer a list
    source: str
    target: str
    kind: ContentKind
    key: str


async def read(request: Request) -> TranslateRequest:
    """The fields of a /translate request, JSON or form; BadTranslateRequest otherwise."""
    fields: dict[str, Any]
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            fields = json.loads(await request.body() or b"{}")
        except ValueError:
            raise BadTranslateRequest("the body is not valid JSON") from None
        if not isinstance(fields, dict):
            raise BadTranslateRequest("the body must be a JSON object")
    else:
        form = await request.form()
        fields = {k: (form.getlist(k) if k == "q" and len(form.getlist(k)) > 1 else v)
                  for k, v in form.items()}
    for name in ("q", "source", "target"):
        if not fields.get(name):
            raise BadTranslateRequest(f"Invalid request: missing {name} parameter")
    q = fields["q"]
    batch = isinstance(q, list)
    texts = q if batch else [q]
    if not all(isinstance(t, str) for t in texts):
        raise BadTranslateRequest("Invalid request: q must be a text or a list of texts")
    if fields.get("format", "text") not in ("text", "html"):
        raise BadTranslateRequest("Invalid request: format must be text or html")
    try:
        kind = kind_of(str(fields.get("kind") or "description"))
    except ValueError as exc:
        raise BadTranslateRequest(f"Invalid request: {exc}") from None
    if str(fields["source"]) == "auto":
        raise BadTranslateRequest("Invalid request: source auto (language detection) is "
                                  "not supported; name the source language")
    return TranslateRequest(texts, batch, str(fields["source"]), str(fields["target"]),
                            kind, str(fields.get("api_key") or bearer(request) or ""))


async def read_chat(request: Request) -> TranslateRequest:
    """An OpenAI-style chat request: `model` SOURCE-TARGET[:KIND], the last user message
    as the text, the key as a Bearer token."""
    try:
        fields = json.loads(await request.body() or b"{}")
        model = str(fields.get("model", ""))
        text = next(m["content"] for m in reversed(fields["messages"])
                    if m.get("role") == "user")
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration):
        raise BadTranslateRequest("Invalid request: a JSON body with messages and a user "
                                  "message is needed") from None
    pair, _, kind_name = model.partition(":")
    source, sep, target = pair.partition("-")
    if not sep or not isinstance(text, str):
        raise BadTranslateRequest(f"Invalid request: model {model!r} is not "
                                  "SOURCE-TARGET[:KIND] (e.g. ja-en:claims)")
    try:
        kind = kind_of(kind_name or "description")
    except ValueError as exc:
        raise BadTranslateRequest(f"Invalid request: {exc}") from None
    return TranslateRequest([text], False, source, target, kind, bearer(request) or "")


def admit(request: Request, key: str) -> str:
    """The login ID the key is a token of, counted by the rate limit; KeyRefused or
    RateLimited otherwise."""
    if not key:
        raise KeyRefused("Invalid API key: give a tokkyo access token as api_key")
    ctx = context_of(request)
    with ctx.database.read() as conn:
        try:
            caller = accounts.authenticate(conn, ctx.policy, key, "translate")
        except InvalidToken as exc:
            raise KeyRefused(f"Invalid API key ({exc})") from None
    request.app.state.translate_limit.admit(caller.login_id)
    return caller.login_id


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def answer(request: Request, exc: Exception) -> Response | None:
    """LibreTranslate's error form for the served endpoint's paths."""
    if isinstance(exc, KeyRefused):
        return error(403, str(exc))
    if isinstance(exc, RateLimited):
        return error(429, str(exc), {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, TransientError):
        return error(500, str(exc))
    if isinstance(exc, TerminalError):
        return error(400, str(exc))
    return None
