from __future__ import annotations

import hashlib

import pytest

from tokkyo.store.blobs import BlobMissing, LocalBlobStore


def test_put_get_is_content_addressed(tmp_path):
    store = LocalBlobStore(tmp_path)
    data = "特許".encode() * 1000
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    assert store.get(sha) == data and store.exists(sha)
    assert store.put(data) == sha                      # the same bytes twice: one file
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [store.path(sha)]


def test_no_temporary_files_are_left(tmp_path):
    store = LocalBlobStore(tmp_path)
    for i in range(20):
        store.put(bytes([i]) * 100)
    assert not [p for p in tmp_path.rglob(".incoming-*")]


def test_missing_blob_is_a_clear_error(tmp_path):
    with pytest.raises(BlobMissing, match=f"blob {'0' * 64} is not in {tmp_path}"):
        LocalBlobStore(tmp_path).get("0" * 64)
