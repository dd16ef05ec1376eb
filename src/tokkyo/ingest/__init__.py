"""Ingest: one reader per format, batch loading, quarantine and quality reports."""
