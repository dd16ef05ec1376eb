"""The metrics tokkyo exports at `/metrics` (docs/metrics.md lists them for Grafana).

Metrics a request updates live here, defined once at import as `prometheus_client` wants.
Several processes of one `tokkyo serve --workers N` share them through the client's
multiprocess mode: `tokkyo serve` points `PROMETHEUS_MULTIPROC_DIR` at an empty folder
before its workers start, each worker writes its values there, and whichever worker
answers `/metrics` sums them (`exposition.py`). Separate `tokkyo serve` instances (two
behind nginx) are separate scrape targets, as Prometheus expects of any service: each
answers for its own processes, and a dashboard sums over `instance`.

Labels are bounded: the route is the route's template (`/api/patent/v1/app_progress/
{number}`), never the path a client sent; a path no route matched is `(unmatched)`.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

SURFACES = ("api", "portal", "bulk", "other")
#: The route label of a request no route matched (404s for made-up paths).
UNMATCHED = "(unmatched)"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "tokkyo_http_requests", "HTTP requests answered, by surface, route template, method "
    "and HTTP status.", ("surface", "route", "method", "status"))
LATENCY = Histogram(
    "tokkyo_http_request_duration_seconds", "Time from a request's arrival to the end of "
    "its answer (a download's whole body included), by surface and route template.",
    ("surface", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0))
IN_FLIGHT = Gauge(
    "tokkyo_http_requests_in_flight", "Requests being answered now, by surface.",
    ("surface",), multiprocess_mode="livesum")
QUOTA_REFUSALS = Counter(
    "tokkyo_api_quota_refusals", "API calls refused by a quota: `rate` (statusCode 303, "
    "the per-minute limit) or `daily` (203, the day's cap).", ("kind",))
BULK_BYTES = Counter(
    "tokkyo_bulk_bytes_sent", "Bytes of bulk files sent to clients (ranges included).")
POOL_IN_USE = Gauge(
    "tokkyo_db_pool_connections_in_use", "Database connections checked out of the pool "
    "now.", multiprocess_mode="livesum")
POOL_CAPACITY = Gauge(
    "tokkyo_db_pool_capacity", "Connections the pool may hold (its size plus overflow).",
    multiprocess_mode="livesum")
MAINTENANCE_ANSWERS = Counter(
    "tokkyo_maintenance_refusals", "Requests answered 503 during a maintenance window, by "
    "surface.", ("surface",))

for _kind in ("rate", "daily"):
    QUOTA_REFUSALS.labels(_kind)
for _surface in ("api", "portal"):
    MAINTENANCE_ANSWERS.labels(_surface)


def surface_of(path: str, token_path: str) -> str:
    """Which surface a path belongs to: `api` (the JPO API, OPD, the token endpoint and
    the programs' account and admin routes), `bulk`, `other` (health, readiness,
    metrics, static files, the OpenAPI document) or `portal`."""
    if path.startswith(("/api/", "/opdapi/", "/api-files/", "/admin/", "/accounts/")) or (
            path == token_path):
        return "api"
    if path == "/bulk" or path.startswith("/bulk/"):
        return "bulk"
    if path in ("/health", "/ready", "/metrics", "/openapi.json") or path.startswith(
            ("/static/", "/docs")):
        return "other"
    return "portal"


def method_label(method: str) -> str:
    return method if method in METHODS else "other"
