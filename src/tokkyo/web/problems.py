"""JSON problem bodies (RFC 9457) for everything outside the JPO envelope."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 422: "Unprocessable Content",
          429: "Too Many Requests", 500: "Internal Server Error",
          503: "Service Unavailable"}


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
            ) -> JSONResponse:
    return JSONResponse({"type": "about:blank", "title": TITLES.get(status, "Error"),
                         "status": status, "detail": detail, **extra}, status_code=status,
                        media_type="application/problem+json", headers=headers)
