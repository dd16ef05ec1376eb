"""The `sphinx` search backend: SphinxQL clusters (Sphinx 2.2 tested; Manticore Search,
its maintained fork, the production engine, untested). See backend.py."""

from tokkyo.search.backends.sphinx.backend import SphinxBackend
from tokkyo.search.backends.sphinx.cluster import SphinxError

__all__ = ["SphinxBackend", "SphinxError"]
