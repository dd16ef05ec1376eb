"""Delivery records built from real corpus documents: the EP sample files read with the
real EP reader, turned into the rows the delivery pipeline records per document
(DeliveredDocument), and ST.37 authority files written from those same documents (no
real authority file is in the corpus)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import FOREIGN
from tokkyo.exchange.inputs import DeliveredDocument
from tokkyo.ingest.foreign import ep
from tokkyo.model.documents import Publication

EP_FILES = sorted((FOREIGN / "ep").rglob("*.xml"))


def sections(pub: Publication) -> frozenset[str]:
    present = {"bibliography"}
    if pub.abstract.strip():
        present.add("abstract")
    if pub.claims:
        present.add("claims")
    if pub.paragraphs:
        present.add("description")
    if pub.drawings:
        present.add("drawings")
    return frozenset(present)


def delivered(delivery_id: str, received: dt.datetime, files: list[Path] | None = None
              ) -> list[DeliveredDocument]:
    """Every EP sample file (or `files`) read with the real reader as one delivery's
    documents (tolerant mode, as an agreement allowing repairs would load them)."""
    out = []
    for path in files if files is not None else EP_FILES:
        read = ep.read(path.name, path.read_bytes(), tolerant=True)
        for pub in read.publications:
            present = sections(pub)
            out.append(DeliveredDocument(
                delivery_id=delivery_id, file=f"{path.parent.name}/{path.name}",
                country=pub.country, kind=pub.st16_kind or pub.kind, number=pub.number,
                publication_date=pub.date, filing_date=pub.filing_date, received_at=received,
                sections_present=present, legal_status=False,
                bibliographic_only=present == {"bibliography"},
                problems=(), repaired=pub.repaired, outcome="loaded"))
    return out
