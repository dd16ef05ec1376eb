"""The server's log: one JSON object per line (`TOKKYO_LOG_FORMAT=json`, for a log
shipper) or lines for a person (`human`). Configured by the serving process only
(`tokkyo serve`, each of its workers), never by `create_app`: tests build many apps in
one process and keep pytest's own log capture.

A record may carry structured fields (`extra={"fields": {...}}`, as the request log's
lines do); the JSON form writes them as keys of the line, the human form appends the
request id. uvicorn's own access log is switched off: the request log replaces it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

FORMATS = ("human", "json")
_HUMAN = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC, ISO 8601), level, logger, message, its
    structured fields, and the traceback of an exception as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class HumanFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(_HUMAN)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and fields.get("request_id"):
            text += f" [{fields['request_id']}]"
        return text


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Send tokkyo's and uvicorn's records to stderr in `log_format` (one of FORMATS)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else HumanFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True

