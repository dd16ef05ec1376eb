"""The body of `/metrics`: the request metrics of this server's processes, the pool's
use, and what the store says of ingest, in the Prometheus text format.

In multiprocess mode (`PROMETHEUS_MULTIPROC_DIR` set by `tokkyo serve --workers N`) the
values of every worker are read from that folder and summed; otherwise this process's
registry is read. Metrics of the store (`StoreCollector`) are read from the database at
each scrape, so they are right whichever process or command (`tokkyo ingest`) did the
work. Exchange deliveries and the batch translation queue are exported as 0 until the
`exchange` package and batch translation exist, so that dashboards can be built now.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

import sqlalchemy as sa
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from tokkyo.config import Settings
from tokkyo.store.database import Database
from tokkyo.store.repositories import health

log = logging.getLogger("tokkyo.metrics")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: The states an exchange delivery moves through (spec/exchange.md), exported as 0 now.
DELIVERY_STATES = ("scheduled", "sending", "delivered", "failed")


class StoreCollector(Collector):
    """Ingest totals read from the store at scrape time, and the placeholders."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        documents = CounterMetricFamily(
            "tokkyo_ingest_documents", "Documents ingest has loaded, replaced or found "
            "unchanged, over all finished batches.", labels=("outcome",))
        quarantined = CounterMetricFamily(
            "tokkyo_ingest_quarantined", "Files ingest has quarantined, over all finished "
            "batches.")
        try:
            with self.database.read() as conn:
                totals = health.ingest_totals(conn)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("ingest metrics not read: %s", type(exc).__name__)
        else:
            for outcome in ("loaded", "replaced", "unchanged"):
                documents.add_metric([outcome], totals[outcome])
            quarantined.add_metric([], totals["quarantined"])
            yield documents
            yield quarantined
        deliveries = GaugeMetricFamily(
            "tokkyo_exchange_deliveries", "Exchange deliveries by state (0 until the "
            "exchange package exists).", labels=("state",))
        for state in DELIVERY_STATES:
            deliveries.add_metric([state], 0)
        yield deliveries
        yield GaugeMetricFamily("tokkyo_translation_queue_length", "Texts waiting for "
                                "batch translation (0 until batch translation "
                                "exists).", value=0)


def render(database: Database) -> bytes:
    """The text of one scrape."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    store = CollectorRegistry()
    store.register(StoreCollector(database))
    return body + generate_latest(store)


def process_ended() -> None:
    """In multiprocess mode, drop this process's live gauges (requests in flight, pool
    use) from the sums: called when a worker's app shuts down."""
    if os.environ.get(MULTIPROCESS_DIR):
        mark_process_dead(os.getpid())


def allowed(settings: Settings, client: str, authorization: str) -> bool:
    """Whether a caller may read the metrics: from an address of TOKKYO_METRICS_FROM, or
    with `Authorization: Bearer TOKKYO_METRICS_TOKEN` when that is set."""
    token = settings.metrics_token
    if token and authorization.startswith("Bearer ") and hmac.compare_digest(
            authorization[7:].strip().encode(), token.encode()):
        return True
    try:
        ip = ipaddress.ip_address(client)
    except ValueError:
        return False
    return any(ip in network for network in settings.metrics_from)
