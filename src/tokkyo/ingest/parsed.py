"""What a reader makes of one source item, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from tokkyo.model.cases import CaseUpdate, PartyNames
from tokkyo.model.documents import Publication

Payload = Publication | CaseUpdate | PartyNames | None


@dataclass(frozen=True, slots=True)
class Parsed:
    """`key` names what the item is a version of (a publication, an API request, a body);
    `payload` is None for answers that carry no data (`107`, `108`)."""

    key: str
    format: str
    payload: Payload
    problems: tuple[str, ...] = ()
    kind: str = ""          # for reports: gazette kind or API operation
