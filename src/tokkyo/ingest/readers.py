"""From a source item to a `Parsed` value: format detection and the reader for it."""

from __future__ import annotations

import hashlib
import json

from tokkyo.ingest.detect import UNKNOWN, Format, detect
from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.gazette import read_gazette
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.mirror import read_answer, read_bundle, read_loose_document
from tokkyo.ingest.parsed import Parsed


def parse(item: SourceItem) -> Parsed:
    """Read one item; `Rejected` says why it cannot be loaded."""
    if item.error:
        raise Rejected(item.error, format=UNKNOWN)
    fmt = detect(item.name, item.data)
    try:
        return _read(fmt, item)
    except Rejected as exc:
        exc.format = exc.format or fmt.value       # the format it was read as
        raise


def _read(fmt: Format, item: SourceItem) -> Parsed:
    if fmt is Format.GAZETTE:
        result = read_gazette(item.name, item.data)
        pub = result.publication
        return Parsed(f"gazette:{pub.key}", fmt, pub, tuple(result.problems), kind=pub.kind)
    if fmt is Format.API_JSON:
        return read_answer(item.name, item.data)
    if fmt is Format.API_ZIP:
        return read_bundle(item.name, item.data)
    return read_loose_document(item.name, item.data)


def fingerprint(parsed: Parsed, data: bytes) -> str:
    """What decides "unchanged": JSON answers compare without their remainAccessCount."""
    if parsed.format == Format.API_JSON:
        result = dict(json.loads(data.decode("utf-8-sig"))["result"])
        result.pop("remainAccessCount", None)
        canonical = json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return hashlib.sha256(data).hexdigest()
