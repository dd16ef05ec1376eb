"""Search: normalisation, the character n-gram index and its backends (SQLite FTS5, PostgreSQL)."""
