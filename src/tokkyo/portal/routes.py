"""Read-only JSON views: documents by permalink, cases, substring search (portal.md §7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from tokkyo.documents import service
from tokkyo.model.laws import Law

router = APIRouter()


def _conn(request: Request) -> Any:
    return request.app.state.database.engine.connect()


@router.get("/", summary="What this tokkyo holds")
def index(request: Request) -> dict[str, Any]:
    with _conn(request) as conn:
        counts = service.overview(conn)
    return {"service": "tokkyo", "holds": counts,
            "links": {"documents": "/documents", "search": "/search?q=電池",
                      "health": "/health"}}


@router.get("/health", summary="Liveness and database check")
def health(request: Request) -> dict[str, str]:
    with _conn(request) as conn:
        conn.exec_driver_sql("SELECT 1")
    return {"status": "ok"}


@router.get("/documents", summary="Published documents, newest first")
def documents(request: Request, limit: int = Query(50, ge=1, le=500),
              offset: int = Query(0, ge=0)) -> dict[str, Any]:
    with _conn(request) as conn:
        return service.list_documents(conn, limit, offset)


@router.get("/d/{country}/{law}/{stage}/{number}", summary="A document by permalink")
def document(request: Request, country: str, law: str, stage: str, number: str
             ) -> dict[str, Any]:
    if law not in {x.value for x in Law} or stage not in service.STAGES:
        raise HTTPException(404, f"no such document address: {law}/{stage}")
    with _conn(request) as conn:
        try:
            return service.document(conn, service.DocumentRef(country.upper(), law, stage,
                                                              number))
        except service.NotFound as exc:
            raise HTTPException(404, str(exc)) from None


@router.get("/search", summary="Substring search over the full text")
def search(request: Request, q: str = Query(..., min_length=1, max_length=200),
           limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    with _conn(request) as conn:
        return service.text_search(conn, q, limit)
