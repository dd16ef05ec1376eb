"""Reading the stored files again with this version's readers (`tokkyo reparse`): when a
reader learns to read more of a format (the gazette's 【特許文献１】 labels and nested
headings, say), the documents already loaded are rewritten from the bytes the store kept,
under their current versions, without a new delivery.

Not reread: JP trademark gazettes (their image files come from the delivery's folder, not
from the store) and JPO API answers (their document bodies and case sections have their
own history)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy.engine import Engine

from tokkyo.ingest.detect import READERS, Format
from tokkyo.ingest.items import SourceItem
from tokkyo.store.blobs import BlobStore
from tokkyo.store.repositories import sources

#: The formats whose stored files can be read again.
REREADABLE = tuple(sorted([Format.GAZETTE.value, *(f.value for f in READERS)]))


class NotRereadable(ValueError):
    """A format `tokkyo reparse` cannot read again."""


def stored_items(engine: Engine, blobs: BlobStore, formats: Sequence[str] = ()
                 ) -> tuple[int, Iterator[SourceItem]]:
    """How many stored files of `formats` (all rereadable ones when empty) there are, and
    each as a source item under the name it was delivered with."""
    wanted = list(formats) or list(REREADABLE)
    unknown = [f for f in wanted if f not in REREADABLE]
    if unknown:
        raise NotRereadable(f"{unknown[0]!r} cannot be read again; formats that can: "
                            + ", ".join(REREADABLE))
    with engine.connect() as conn:
        versions = sources.current_of_formats(conn, wanted)

    def items() -> Iterator[SourceItem]:
        for version in versions:
            yield SourceItem(version.name, blobs.get(version.blob_sha256))

    return len(versions), items()
