"""The bulk download client behind `tokkyo bulk download` (bulk.md §3.3–§5).

Signs in with the API's password grant, reads the catalogue, asks for signed links and
downloads into `NAME.part`, resuming with `Range` + `If-Range` (the strong ETag is
known from the manifest's SHA-256, so a file that changed meanwhile is fetched whole).
A finished file is verified against the manifest's SHA-256 before it takes its name;
a mismatch is refused and nothing is kept. `sync` keeps a folder in step with a product:
only files that are new, or whose current SHA-256 differs from the local copy, are
downloaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tokkyo.bulk.errors import BulkError, ChecksumMismatch

CHUNK = 1 << 20
Progress = Callable[[str, int, int], None]      # name, bytes done, bytes total


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _plain(name: str) -> str:
    """A file or release name from the server, made safe to use as a path part."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise BulkError(f"the server sent an unusable name {name!r}")
    return name


@dataclass(slots=True)
class SyncReport:
    downloaded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class BulkClient:
    def __init__(self, base_url: str, login_id: str, password: str, *,
                 token_path: str = "/auth/token", timeout: float = 60.0) -> None:
        self.base = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base, timeout=timeout)
        self.login_id = login_id
        self.password = password
        self.token_path = token_path
        self._token = ""

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> BulkClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def sign_in(self) -> None:
        answer = self.http.post(self.token_path, data={
            "grant_type": "password", "username": self.login_id, "password": self.password})
        body = answer.json() if answer.headers.get("content-type", "").startswith(
            "application/json") else {}
        token = body.get("access_token")
        if answer.status_code != 200 or not token:
            raise BulkError(f"sign-in as {self.login_id} refused: {answer.status_code} "
                            f"{body.get('error_description') or body or answer.text[:200]}")
        self._token = token

    def _get(self, path: str, **params: Any) -> Any:
        if not self._token:
            self.sign_in()
        answer = self.http.get(path, params=params or None,
                               headers={"Authorization": f"Bearer {self._token}"})
        if answer.status_code != 200:
            raise BulkError(f"GET {path}: {answer.status_code} {_message(answer)}")
        return answer.json()

    def products(self) -> list[dict[str, Any]]:
        return self._get("/bulk/api/v1/products")["products"]

    def releases(self, product: str, since: str = "") -> list[dict[str, Any]]:
        params = {"since": since} if since else {}
        return self._get(f"/bulk/api/v1/products/{product}/releases", **params)["releases"]

    def link(self, file_id: int) -> str:
        if not self._token:
            self.sign_in()
        answer = self.http.post(f"/bulk/api/v1/files/{file_id}/link",
                                headers={"Authorization": f"Bearer {self._token}"})
        if answer.status_code != 200:
            raise BulkError(f"no link for file {file_id}: {answer.status_code} "
                            f"{_message(answer)}")
        return answer.json()["url"]

    def fetch(self, entry: dict[str, Any], target: Path, progress: Progress | None = None
              ) -> Path:
        """Download one manifest file entry to `target`, resuming a `.part` left by an
        interrupted run; verify its SHA-256; ChecksumMismatch keeps nothing."""
        part = target.with_name(target.name + ".part")
        target.parent.mkdir(parents=True, exist_ok=True)
        have = part.stat().st_size if part.exists() else 0
        size, sha = int(entry["bytes"]), entry["sha256"]
        if have > size:
            part.unlink()
            have = 0
        if have < size or size == 0:
            headers = {"If-Range": f'"sha256-{sha}"', "Range": f"bytes={have}-"} if have else {}
            with self.http.stream("GET", self.link(int(entry["id"])), headers=headers) as answer:
                if answer.status_code == 200:
                    have = 0                     # the server sends it whole: start over
                elif answer.status_code != 206:
                    answer.read()
                    raise BulkError(f"download of {entry['name']}: {answer.status_code} "
                                    f"{_message(answer)}")
                with part.open("r+b" if have else "wb") as out:
                    out.seek(have)
                    out.truncate()
                    try:
                        # what arrives is written at once (no chunk size: httpx would hold
                        # up to a chunk back), so a dropped connection keeps every byte
                        # received and the next run resumes after it
                        for chunk in answer.iter_bytes():
                            out.write(chunk)
                            have += len(chunk)
                            if progress:
                                progress(entry["name"], have, size)
                    finally:
                        out.flush()
                        os.fsync(out.fileno())
            if have < size:
                raise BulkError(f"download of {entry['name']}: the server ended the answer "
                                f"after {have:,} of {size:,} bytes; run the same command "
                                f"again to resume")
        actual = _sha256_of(part)
        if actual != sha:
            part.unlink()
            raise ChecksumMismatch(f"{entry['name']}: SHA-256 {actual} is not the manifest's "
                                   f"{sha}; the file was not kept")
        os.replace(part, target)
        return target

    def sync(self, product: str, folder: Path, progress: Progress | None = None,
             since: str = "") -> SyncReport:
        """Make `folder/{release}/{file}` hold every current file of the product."""
        report = SyncReport()
        for manifest in reversed(self.releases(product, since)):
            release = _plain(manifest["release"])
            for entry in manifest["files"]:
                target = folder / release / _plain(entry["name"])
                label = f"{release}/{entry['name']}"
                if target.exists():
                    if _sha256_of(target) == entry["sha256"]:
                        report.unchanged.append(label)
                        continue
                    report.replaced.append(label)
                else:
                    report.downloaded.append(label)
                self.fetch(entry, target, progress)
        return report


def _message(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:200]
    return body.get("message") or body.get("detail") or str(body)[:200]
