"""Search engines behind one interface (design.md, "Search"): a parsed query in, the
exact hit count and one page of case ids out; case documents (search/documents.py) in
from the index worker. The store stays the source of truth: an engine holds what the
worker last gave it and can be rebuilt from the store at any time."""

from tokkyo.search.backends.base import SORTS, Found, SearchBackend

__all__ = ["SORTS", "Found", "SearchBackend"]
