"""Where the documents of a concatenated USPTO file start (`us_xml.document_starts`,
found with `bytes.find`), against the rule written as a regex: an XML declaration
followed by a space or tab, with only spaces and tabs before it on its line. And an
element's local name (`xmlsafe.local`, remembered per tag) as splitting it gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tokkyo.ingest.foreign import xmlsafe
from tokkyo.ingest.foreign.us_xml import document_starts

RULE = re.compile(rb"(?:\A|(?<=\n))[ \t]*<\?xml[ \t]")
PIECES = st.sampled_from([b"<?xml ", b"<?xml\t", b"<?xml-stylesheet ", b"<?xml", b"\n", b"\r\n",
                          b" ", b"\t", b"x", b"<a/>", b"\xef\xbb\xbf", b"?xml "])


def by_rule(data: bytes) -> list[int]:
    starts = [m.start() for m in RULE.finditer(data)]
    if not starts or data[:starts[0]].lstrip(b"\xef\xbb\xbf").strip():
        starts.insert(0, 0)
    return starts


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=30).map(b"".join))
def test_document_starts_follow_the_rule(data: bytes) -> None:
    assert document_starts(data) == by_rule(data)


def test_a_weekly_file_of_three_documents() -> None:
    one = b'<?xml version="1.0"?>\n<us-patent-grant/>\n'
    data = one + b"  " + one + b"x <?xml version='1.0'?>\n" + one
    assert document_starts(data) == [0, len(one), 2 * len(one) + 2 + 24]


def test_local_names() -> None:
    root = etree.fromstring(b'<a xmlns="urn:x"><b/><!-- c --><y:d xmlns:y="urn:y"/><e/></a>')
    assert [xmlsafe.local(e.tag) for e in root.iter()] == ["a", "b", "", "d", "e"]
    assert [xmlsafe.local(e.tag) for e in root.iter()] == ["a", "b", "", "d", "e"]
    assert xmlsafe.local(None) == ""
