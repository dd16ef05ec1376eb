"""The LibreTranslate-compatible endpoint (`/translate`, `/languages`): tools made for
LibreTranslate, and other tokkyo instances (`libretranslate` engine), use this server's
routing table. Errors are answered by `api.libretranslate.answer`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from tokkyo.api import libretranslate
from tokkyo.translate import setup
from tokkyo.translate.kinds import LANGUAGES, Translation
from tokkyo.translate.service import Platform, Result
from tokkyo.web.context import context_of

router = APIRouter(tags=["translation"])


def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.translate
    return platform


def _translate(request: Request, asked: libretranslate.TranslateRequest
               ) -> tuple[list[Translation], Result]:
    """The caller admitted (key, rate limit), then the texts translated with the caller's
    own glossary over the operator's (in a worker thread: engines block)."""
    login_id = libretranslate.admit(request, asked.key)
    mine = setup.user_glossary(context_of(request).settings, login_id)
    return _platform(request).translate_segments(asked.q, source=asked.source,
                                                 target=asked.target, kind=asked.kind,
                                                 glossary=mine)


@router.get("/languages")
def languages(request: Request) -> list[dict[str, Any]]:
    """The languages the routing table translates from, each with its targets."""
    targets: dict[str, set[str]] = {}
    for source, target in _platform(request).table.pairs():
        targets.setdefault(source, set()).add(target)
    return [{"code": s, "name": LANGUAGES.get(s, s), "targets": sorted(t)}
            for s, t in sorted(targets.items())]


@router.post("/translate")
async def translate(request: Request) -> dict[str, Any]:
    """`{"translatedText": ...}` (a text, or a list for a list `q`), translated by the
    engine the routing table names for the pair and `kind` (a tokkyo extension; default
    description). Extra answer fields name the engine and its version."""
    asked = await libretranslate.read(request)
    done, result = await run_in_threadpool(_translate, request, asked)
    texts = [t.text for t in done]
    return {"translatedText": texts if asked.batch else texts[0],
            "engine": result.engine, "version": result.version}


@router.post("/v1/chat/completions")
async def chat_completions(request: Request) -> dict[str, Any]:
    """The routing table behind the OpenAI-compatible chat protocol (the `openai-chat`
    engine of another tokkyo): `model` is `SOURCE-TARGET` or `SOURCE-TARGET:KIND`, the
    last user message is the text; the answer is one choice."""
    asked = await libretranslate.read_chat(request)
    done, result = await run_in_threadpool(_translate, request, asked)
    return {"object": "chat.completion", "model": f"{result.engine}@{result.version}",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": done[0].text}}]}
