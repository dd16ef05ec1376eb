"""The bare pipelines' index step (bench/ingest.py, bench/foreign.py): a bare tantivy add
of the text fields tokkyo's search documents carry, with none of tokkyo's layers.

One tantivy document per input document: for each of title, abstract, claims and
description, the units' character bigrams (after tokkyo's normalisation, the last
character paired with an end mark, units apart by a gap) in a whitespace-tokenised field
with positions, and the units' distinct characters in a field without them: the same
terms tokkyo's tantivy index holds for those fields (search/backends/tantivy/schema.py),
written in a few lines here. The writer commits when the pipeline's database does, once
per batch.
"""

from __future__ import annotations

import operator
from pathlib import Path

import tantivy

from tokkyo.search.normalize import normalise_text  # the callers put src/ on the path

FIELDS = ("TI", "AB", "CL", "DE")
_GAP = " " + " ".join(["\x1d"] * 32) + " "


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for field in FIELDS:
        sb.add_text_field("bi_" + field, tokenizer_name="whitespace", index_option="position")
        sb.add_text_field("uni_" + field, tokenizer_name="whitespace", index_option="freq")
    return sb.build()


class BareIndex:
    """A fresh tantivy index in `folder`; `add` one document's units, `commit` a batch."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(_schema(), path=str(folder))
        self.writer = self.index.writer(128_000_000, 1)      # as TantivyBackend writes

    def add(self, doc_id: int, units: list[tuple[str, int, str]]) -> None:
        texts: dict[str, list[str]] = {}
        for field, _position, text in units:
            normalised = normalise_text(text)
            if normalised and field in FIELDS:
                texts.setdefault(field, []).append(normalised)
        doc = tantivy.Document()
        doc.add_unsigned("id", doc_id)
        for field, values in texts.items():
            grams = []
            for value in values:
                marked = value.replace(" ", "\x1f") + "\x1e"
                grams.append(" ".join(map(operator.add, marked, marked[1:])))
            doc.add_text("bi_" + field, _GAP.join(grams))
            doc.add_text("uni_" + field, " ".join(sorted(set("".join(values)) - {" "})))
        self.writer.add_document(doc)

    def commit(self) -> None:
        self.writer.commit()

    def close(self) -> None:
        self.writer.wait_merging_threads()
