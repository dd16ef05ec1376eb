"""Gazette kinds A, T, B, U, Y and S. The corpus holds real kind A files only; the other
kinds are built from them by changing the kind and the number as those gazettes print
them, to check that each kind lands under the right law and stage."""

from __future__ import annotations

import pytest

from tests.conftest import ingest
from tests.ingest.builders import EXAMPLE1
from tokkyo.documents import service
from tokkyo.ingest.errors import Rejected
from tokkyo.ingest.gazette import read_gazette

A = EXAMPLE1.read_bytes()


def as_kind(kind: str, number: str, st16: str) -> bytes:
    return (A.replace(b'kind-of-jp="A" kind-of-st16="A"',
                      f'kind-of-jp="{kind}" kind-of-st16="{st16}"'.encode(), 1)
            .replace(b"<doc-number>2021044377<", f"<doc-number>{number}<".encode(), 1))


@pytest.mark.parametrize(("kind", "number", "st16", "law", "stage"), [
    ("A", "2021044377", "A", "patent", "pub"),
    ("T", "2021500123", "A", "patent", "pub"),
    ("B", "6828214", "B2", "patent", "reg"),
    ("U", "3244847", "U", "utility", "reg"),
    ("Y", "2601234", "Y2", "utility", "reg"),
    ("S", "1735126", "S", "design", "reg"),
])
def test_kinds(kind, number, st16, law, stage):
    pub = read_gazette("x", as_kind(kind, number, st16)).publication
    assert (pub.kind, pub.number, pub.st16_kind, pub.law.value) == (kind, number, st16, law)
    assert service.ref_of("JP", kind, number).path == f"/d/JP/{law}/{stage}/{number}"


def test_same_number_in_two_kinds_are_two_documents(sqlite_db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.xml").write_bytes(A)
    (folder / "t.xml").write_bytes(as_kind("T", "2021044377", "A"))
    report = ingest(sqlite_db, folder)
    assert report.counts == {"loaded": 2}


def test_short_registration_numbers_are_zero_padded():
    assert read_gazette("x", as_kind("B", "12345", "B2")).publication.number == "0012345"


def test_a_number_that_is_no_number_is_refused():
    with pytest.raises(Rejected) as caught:
        read_gazette("x", as_kind("B", "第ABC号", "B2"))
    assert caught.value.reason.startswith("x: publication number: 第ABC号: ")
