"""The JPO-compatible Patent Information Retrieval API."""
