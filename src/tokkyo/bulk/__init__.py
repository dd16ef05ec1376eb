"""The bulk data download site: products, releases and files with checksums and
manifests, signed per-user links, resumable downloads, announcements, replacement
history and archived-data orders (bulk.md)."""
