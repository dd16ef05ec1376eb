"""Machine translation: one `Translator` interface, a routing table chosen by the operator,
segmentation and placeholders around every engine, glossaries (translation.md §1–§3)."""
