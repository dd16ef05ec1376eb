"""tantivy, embedded: the default search engine for one machine (design.md, "Search")."""

from tokkyo.search.backends.tantivy.index import IndexBusy, TantivyBackend

__all__ = ["IndexBusy", "TantivyBackend"]
