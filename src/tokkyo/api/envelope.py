"""The JPO envelope: `{"result": {statusCode, errorMessage, remainAccessCount, data}}`.

Every value a string, compact separators, non-ASCII written literally (jpo-api.md §3);
each status code with its exact message and HTTP status (§4).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

MESSAGES = {
    "100": "",
    "107": "該当するデータがありません。",
    "108": "該当する書類実体がありません。",
    "111": "提供対象外の案件番号のため取得できませんでした。",
    "203": "1日のアクセス上限を超過したため閲覧を制限します。",
    "204": "パラメーターの入力された値に問題があります。",
    "208": "「タブ文字、,、 :、|」の文字は利用できません。",
    "210": "無効なトークンです。",
    "301": "指定されたURLは存在しません。",
    "302": "処理が時間内に終了しないため、タイムアウトになりました。",
    "303": "アクセスが集中しています。",
    "999": "想定外のエラーが発生しました。",
}
HTTP_STATUS = {"210": 401, "301": 404, "302": 504, "303": 429, "999": 500}
#: Answers that count against the daily cap and carry the remaining count (§3 rule 4, §5).
COUNTED = frozenset({"100", "107", "108"})


def http_status(code: str) -> int:
    return HTTP_STATUS.get(code, 200)


def body(code: str, data: Any = None, remain: int | None = None) -> dict[str, Any]:
    return {"result": {
        "statusCode": code,
        "errorMessage": MESSAGES[code],
        "remainAccessCount": str(remain) if code in COUNTED and remain is not None else "",
        "data": data if code == "100" and data is not None else {},
    }}


def dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def response(code: str, data: Any = None, remain: int | None = None,
             headers: dict[str, str] | None = None) -> Response:
    """The HTTP answer of one statusCode (JSON, UTF-8)."""
    return Response(dumps(body(code, data, remain)), status_code=http_status(code),
                    media_type="application/json", headers=headers)


@dataclass(frozen=True, slots=True)
class Encoded:
    """An answer with its `data` serialised once (the answer cache keeps it this way):
    each call then serialises only the envelope around it. `response` writes the same
    bytes as the function `response` does for the same code, data and count."""

    code: str
    data: bytes

    @classmethod
    def of(cls, code: str, data: Any) -> Encoded:
        return cls(code, dumps(body(code, data)["result"]["data"]))

    def response(self, remain: int | None, headers: dict[str, str] | None = None
                 ) -> Response:
        head = body(self.code, None, remain)["result"]
        del head["data"]                 # the last key: it follows, already serialised
        content = b'{"result":' + dumps(head)[:-1] + b',"data":' + self.data + b"}}"
        return Response(content, status_code=http_status(self.code),
                        media_type="application/json", headers=headers)
