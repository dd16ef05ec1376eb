"""Japanese and English message catalogs and how a request chooses between them.

The language comes from `?lang=` (which also sets the `tokkyo_lang` cookie, so the
choice is remembered), else the cookie, else Accept-Language, else Japanese.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from starlette.requests import Request

LANGS = ("ja", "en")
DEFAULT = "ja"
COOKIE = "tokkyo_lang"


@cache
def catalog(lang: str) -> dict[str, str]:
    text = resources.files("tokkyo.portal").joinpath(f"messages/{lang}.json").read_text("utf-8")
    return json.loads(text)


def translate(lang: str, key: str, **args: Any) -> str:
    template = catalog(lang).get(key) or catalog("en").get(key) or key
    return template.format(**args) if args else template


def language_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGS:
        return remembered
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return DEFAULT


class Translator:
    """`t("key", **args)` in templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **args: Any) -> str:
        return translate(self.lang, key, **args)
