"""From a source item to a `Parsed` value: format detection and the reader for it."""

from __future__ import annotations

import hashlib
import json

from tokkyo.ingest import filing_package, trademark_gazette
from tokkyo.ingest.detect import READERS, UNKNOWN, Format, detect
from tokkyo.ingest.errors import Rejected, Skipped
from tokkyo.ingest.foreign.reading import ForeignRead
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.ingest.gazette import read_gazette
from tokkyo.ingest.items import SourceItem
from tokkyo.ingest.mirror import read_answer, read_bundle, read_loose_document
from tokkyo.ingest.parsed import Attachment, Delivery, Parsed

#: ParseFailure codes that mean "not a publication", reported as skipped, not refused.
NOT_PUBLICATION_CODES = frozenset({"unsupported-document"})


def parse(item: SourceItem, *, tolerant: bool = False) -> Parsed:
    """Read one item; `Rejected` says why it cannot be loaded. `tolerant`: foreign XML
    that is not well-formed is repaired where exchange.md §11.3 allows, every repair
    logged (off by default)."""
    if item.error:
        raise Rejected(item.error, format=UNKNOWN)
    fmt = detect(item.name, item.data)
    try:
        return _read(fmt, item, tolerant)
    except ParseFailure as exc:
        if exc.code in NOT_PUBLICATION_CODES:
            raise Skipped(exc.reason) from None
        exc.format = fmt.value          # the store's name of the format, as reports use
        raise
    except Rejected as exc:
        exc.format = exc.format or fmt.value       # the format it was read as
        raise


def _read(fmt: Format, item: SourceItem, tolerant: bool) -> Parsed:
    module = READERS.get(fmt)
    if module is not None:
        return _delivery(fmt, item.name, module.read(item.name, item.data, tolerant=tolerant))
    if fmt is Format.TM_GAZETTE:
        return _trademark_gazette(item)
    if fmt is Format.EFILING:
        return filing_package.read(item.name, item.data)
    if fmt is Format.GAZETTE:
        result = read_gazette(item.name, item.data)
        pub = result.publication
        return Parsed(f"gazette:{pub.key}", fmt, pub, tuple(result.problems), kind=pub.kind)
    if fmt is Format.API_JSON:
        return read_answer(item.name, item.data)
    if fmt is Format.API_ZIP:
        return read_bundle(item.name, item.data)
    return read_loose_document(item.name, item.data)


def _delivery(fmt: Format, name: str, read: ForeignRead) -> Parsed:
    """A foreign file's publications as one payload. A file of one document is a version
    of that document (`ep-patent-document:EP/B1/1234567`); a file of many (a weekly
    file, a DOCDB delivery) is a version of itself, by name."""
    pubs = tuple(read.publications)
    if not pubs and not read.deletions:
        raise Rejected(f"{name}: no document in it: {'; '.join(read.problems) or 'empty'}",
                       format=read.format or fmt.value)
    if len(pubs) == 1 and not read.deletions:
        key = f"{fmt.value}:{pubs[0].key}"
        kind = pubs[0].kind
    else:
        key = f"{fmt.value}:file:{name.rsplit('/', 1)[-1]}"
        kind = "delivery"
    payload = Delivery(pubs, tuple(read.deletions), tuple(read.events), read.partial)
    problems = tuple(read.problems) + tuple(str(r) for r in read.repairs)
    return Parsed(key, fmt.value, payload, problems, kind=kind)


def _trademark_gazette(item: SourceItem) -> Parsed:
    """A trademark registration gazette with the files its ENTITY declarations name
    (the mark image), which the folder or ZIP it came in holds beside it."""
    result = trademark_gazette.read(item.name, item.data)
    pub = result.publication
    given = dict(item.attachments)
    files = tuple(Attachment(f, given.get(f), _media_type(f)) for f in result.files)
    problems = list(result.problems) + [
        f"{item.name}: the gazette names {a.name}, which is not in the delivery"
        for a in files if a.data is None]
    return Parsed(f"{Format.TM_GAZETTE.value}:{pub.key}", Format.TM_GAZETTE.value,
                  Delivery((pub,), attachments=(files,)), tuple(problems), kind=pub.kind)


def _media_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    return {"IMG": "image/tiff", "TIF": "image/tiff", "TIFF": "image/tiff",
            "WAV": "audio/wav", "MP3": "audio/mpeg"}.get(suffix, "application/octet-stream")


def fingerprint(parsed: Parsed, data: bytes, sha256: str | None = None) -> str:
    """What decides "unchanged": JSON answers compare without their remainAccessCount,
    e-filing packages by their files, whatever container brought them; anything else by
    the SHA-256 of its bytes (`sha256`, when the caller has it already: the blob store
    named the item's blob by it)."""
    if parsed.format == Format.API_JSON:
        result = dict(json.loads(data.decode("utf-8-sig"))["result"])
        result.pop("remainAccessCount", None)
        canonical = json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    if parsed.format == Format.EFILING:
        return filing_package.fingerprint(data)
    return sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
