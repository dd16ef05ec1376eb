"""The local blob store, used through the `BlobStore` Protocol, and the factory that
chooses the implementation from `TOKKYO_BLOB_STORE`."""

from __future__ import annotations

import hashlib
import io

import pytest

from tokkyo.config import load_settings
from tokkyo.errors import ConfigError
from tokkyo.store.blobs import BlobMissing, BlobStore, LocalBlobStore, open_blob_store

MISSING = "0" * 64


def files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_get_is_content_addressed(tmp_path):
    local = LocalBlobStore(tmp_path)
    store: BlobStore = local
    data = "特許".encode() * 1000
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert local.path(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    stat = store.stat(sha)
    assert store.get(sha) == data and stat is not None and stat.size == len(data)
    assert store.put(data) == sha                      # the same bytes twice: one file
    assert files(tmp_path) == [local.path(sha)]


def test_put_from_a_stream_and_a_file(tmp_path):
    store: BlobStore = LocalBlobStore(tmp_path / "blobs")
    data = bytes(range(256)) * 9000                    # more than one copy chunk
    sha, size = store.put_stream(io.BytesIO(data))
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    assert store.put_file(source) == (sha, size)       # the same bytes: the same blob
    assert files(tmp_path / "blobs") == [tmp_path / "blobs" / sha[:2] / sha[2:4] / sha]


def test_stream_range_and_delete(tmp_path):
    store: BlobStore = LocalBlobStore(tmp_path)
    data = b"0123456789" * 10
    sha = store.put(data)
    with store.open(sha) as stream:
        stream.seek(95)
        assert stream.read() == b"56789"
    assert store.read_range(sha, 10, 5) == b"01234"
    assert store.read_range(sha, 98, 10) == b"89"      # past the end: what there is
    assert store.delete(sha) is True
    assert store.stat(sha) is None and files(tmp_path) == []
    assert store.delete(sha) is False


def test_no_temporary_files_are_left(tmp_path):
    store = LocalBlobStore(tmp_path)
    for i in range(20):
        store.put(bytes([i]) * 100)
    assert not [p for p in tmp_path.rglob(".incoming-*")]


@pytest.mark.parametrize("read", [
    lambda store, sha: store.get(sha),
    lambda store, sha: store.open(sha),
    lambda store, sha: store.read_range(sha, 0, 1),
])
def test_missing_blob_is_a_clear_error(tmp_path, read):
    store: BlobStore = LocalBlobStore(tmp_path)
    with pytest.raises(BlobMissing) as caught:
        read(store, MISSING)
    assert str(caught.value) == f"blob {MISSING} is not in {tmp_path}"
    assert store.stat(MISSING) is None


class BreaksAfter(io.RawIOBase):
    """A source whose reading fails part way, as a dropped upload or a bad disk does."""

    def __init__(self, good: bytes) -> None:
        self.good = io.BytesIO(good)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        got = self.good.readinto(buffer)
        if not got:
            raise OSError("the source broke off")
        return got


def test_a_truncated_write_leaves_nothing(tmp_path):
    store: BlobStore = LocalBlobStore(tmp_path)
    with pytest.raises(OSError, match="the source broke off"):
        store.put_stream(io.BufferedReader(BreaksAfter(b"x" * 3_000_000)))
    assert files(tmp_path) == []
    assert store.stat(hashlib.sha256(b"x" * 3_000_000).hexdigest()) is None


def test_the_settings_choose_the_store(tmp_path):
    default = open_blob_store(load_settings(environ={}, data_dir=str(tmp_path)))
    assert isinstance(default, LocalBlobStore) and default.root == tmp_path / "blobs"
    folder = open_blob_store(load_settings(environ={}, blob_dir=str(tmp_path / "b")))
    assert isinstance(folder, LocalBlobStore) and folder.root == tmp_path / "b"
    url = open_blob_store(load_settings(environ={
        "TOKKYO_BLOB_STORE": f"file://{tmp_path}/my%20blobs"}))
    assert isinstance(url, LocalBlobStore) and url.root == tmp_path / "my blobs"


def test_an_unknown_scheme_names_the_variable():
    settings = load_settings(environ={"TOKKYO_BLOB_STORE": "s3://bucket/blobs"})
    with pytest.raises(ConfigError) as caught:
        open_blob_store(settings)
    assert str(caught.value) == ("TOKKYO_BLOB_STORE='s3://bucket/blobs': no blob store for "
                                 "s3:// (tokkyo keeps blobs in a local folder: "
                                 "file:///path, or leave it empty)")
