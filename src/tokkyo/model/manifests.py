"""The tokkyo manifest format (bulk.md §3.3), shared by the bulk site's releases and the
deliveries sent to exchange partners (exchange.md §4, §12): a file's entry in
`manifest.json`, `SHA256SUMS` in the `sha256sum -c` format, and the manifest's bytes.

Pure functions of their arguments: the same files give the same bytes, so a delivery
built twice, or a release asked for twice, is identical."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

FORMAT = "tokkyo-manifest"
VERSION = 1


def file_entry(*, name: str, size: int, sha256: str, media_type: str, records: int,
               new: int = 0, changed: int = 0, deleted: int = 0, coverage_from: str = "",
               coverage_to: str = "", status: str = "current",
               file_id: int | None = None) -> dict[str, Any]:
    """One file of `files`: name, bytes, SHA-256, media type, record counts, the dates it
    covers (ISO, "" when unknown) and its status; `id` first when the file has one."""
    entry: dict[str, Any] = {} if file_id is None else {"id": file_id}
    entry.update({"name": name, "bytes": size, "sha256": sha256, "media_type": media_type,
                  "records": {"total": records, "new": new, "changed": changed,
                              "deleted": deleted},
                  "coverage": {"from": coverage_from, "to": coverage_to},
                  "status": status})
    return entry


def sha256sums(files: Iterable[tuple[str, str]]) -> str:
    """`<64 hex>  <name>` per (name, SHA-256), in the order given, as `sha256sum -c`
    reads it."""
    return "".join(f"{sha256}  {name}\n" for name, sha256 in files)


def dump(manifest: dict[str, Any]) -> bytes:
    """The manifest's bytes: UTF-8, keys in the order built, two-space indent, final
    newline (stable: no time of writing, no set order)."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
