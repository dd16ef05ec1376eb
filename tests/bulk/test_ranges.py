"""The Range header as bulk.md §5 answers it: one range 206, unsatisfiable 416, several
ranges or an invalid header the whole file."""

from __future__ import annotations

import pytest

from tokkyo.bulk.ranges import ByteRange, Unsatisfiable, parse

SIZE = 1000


@pytest.mark.parametrize(("header", "expected"), [
    (None, None),
    ("", None),
    ("bytes=0-99", ByteRange(0, 99)),
    ("bytes=100-", ByteRange(100, 999)),
    ("bytes=-100", ByteRange(900, 999)),
    ("bytes=-5000", ByteRange(0, 999)),          # suffix longer than the file: all of it
    ("bytes=990-5000", ByteRange(990, 999)),     # end past the file: clamped
    ("bytes=999-999", ByteRange(999, 999)),
    (" bytes = 5 - 9 ", ByteRange(5, 9)),
    ("bytes=0-1,5-6", None),                     # several ranges: the whole file
    ("bytes=9-5", None),                         # invalid spec: ignored
    ("bytes=abc", None),
    ("bytes=-", None),
    ("items=0-5", None),                         # another unit: ignored
    ("bytes=", None),
])
def test_ranges(header, expected):
    assert parse(header, SIZE) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse(header, SIZE)


def test_an_empty_file_satisfies_no_range():
    with pytest.raises(Unsatisfiable):
        parse("bytes=0-", 0)
    with pytest.raises(Unsatisfiable):
        parse("bytes=-1", 0)


def test_content_range():
    assert ByteRange(900, 999).content_range(SIZE) == "bytes 900-999/1000"
    assert ByteRange(900, 999).length == 100
