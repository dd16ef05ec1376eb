"""`/health` (liveness), `/ready` (readiness) and `/metrics` (Prometheus)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from tokkyo.monitoring import exposition
from tokkyo.monitoring.probes import Probes
from tokkyo.web.deps import Ctx
from tokkyo.web.problems import problem

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Liveness: the process answers")
def health() -> dict[str, str]:
    """No store access: a database outage must not make a supervisor restart every
    server process (that is `/ready`'s to say)."""
    return {"status": "ok"}


@router.get("/ready", summary="Readiness: database, blob store (and every other probe)")
async def ready(request: Request) -> JSONResponse:
    probes: Probes = request.app.state.probes
    outcomes = await anyio.to_thread.run_sync(probes.run)
    checks: dict[str, Any] = {o.name: o.as_json() for o in outcomes}
    ok = all(o.ok for o in outcomes)
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks},
                        status_code=200 if ok else 503,
                        headers={"Cache-Control": "no-store"})


@router.get("/metrics", summary="Metrics in the Prometheus text format")
async def metrics(request: Request, ctx: Ctx) -> Response:
    client = request.client.host if request.client else ""
    if not exposition.allowed(ctx.settings, client, request.headers.get("authorization", "")):
        return problem(403, "the metrics are served to the addresses of TOKKYO_METRICS_FROM "
                            "or with the bearer token of TOKKYO_METRICS_TOKEN")
    body = await anyio.to_thread.run_sync(exposition.render, ctx.database)
    return Response(body, media_type=exposition.CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})
