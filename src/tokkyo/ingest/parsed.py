"""What a reader makes of one source item, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from tokkyo.ingest.foreign.reading import DocumentKey, ForeignEvent
from tokkyo.model.cases import CaseUpdate, PartyNames
from tokkyo.model.documents import Publication
from tokkyo.model.filings import Filing


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came with a publication (a trademark gazette's mark image, named by
    its ENTITY declaration); `data` is None when the delivery lacks it."""

    name: str
    data: bytes | None
    media_type: str = ""


@dataclass(frozen=True, slots=True)
class Delivery:
    """The publications of one file of another format than the JP gazette: one
    document, a weekly file of many, a DOCDB delivery with its deletions, an OPS answer.

    `partial`: each publication carries only some parts (an OPS claims answer) and is
    merged into the stored one. `attachments[i]` are the files of `publications[i]`."""

    publications: tuple[Publication, ...]
    deletions: tuple[DocumentKey, ...] = ()
    events: tuple[ForeignEvent, ...] = ()
    partial: bool = False
    attachments: tuple[tuple[Attachment, ...], ...] = ()


Payload = Publication | CaseUpdate | PartyNames | Delivery | Filing | None


@dataclass(frozen=True, slots=True)
class Parsed:
    """`key` names what the item is a version of (a publication, an API request, a body);
    `payload` is None for answers that carry no data (`107`, `108`)."""

    key: str
    format: str
    payload: Payload
    problems: tuple[str, ...] = ()
    kind: str = ""          # for reports: gazette kind or API operation
