"""Tolerant recovery (exchange.md §11.3): what it changes, where it says it changed it,
and where it stops."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES
from tokkyo.ingest.foreign import repair
from tokkyo.ingest.foreign.entities import ISO_AND_MATHML
from tokkyo.ingest.foreign.reading import Repair
from tokkyo.ingest.foreign.vocabulary import BY_FORMAT, EP_PATENT_DOCUMENT
from tokkyo.ingest.foreign.xmlsafe import ParseFailure

WORDS = frozenset({"doc", "p", "b", "heading"})
EP = SAMPLES / "foreign" / "ep"


def recover(text: str, vocabulary: frozenset[str] = WORDS,
            entities: dict[str, str] | None = None):
    return repair.parse("t.xml", text.encode("utf-8"), vocabulary, entities)


def test_well_formed_file_is_untouched():
    root, repairs = recover("<doc><p>a &amp; b &#38; &#x26; &lt;x</p></doc>")
    assert repairs == [] and root.findtext("p") == "a & b & & <x"


def test_bare_ampersands_in_original_coordinates():
    text = "<doc>\n<p>R & D & Co &x y</p>\n<p a='1 & 2'>é & z</p></doc>"
    root, repairs = recover(text)
    assert [p.text for p in root] == ["R & D & Co &x y", "é & z"]
    assert root[1].get("a") == "1 & 2"
    assert repairs == [Repair(2, 6, "&", "&amp;"), Repair(2, 10, "&", "&amp;"),
                       Repair(2, 15, "&", "&amp;"), Repair(3, 9, "&", "&amp;"),
                       Repair(3, 16, "&", "&amp;")]
    lines = text.split("\n")
    assert all(lines[r.line - 1][r.column - 1] == "&" for r in repairs)


def test_comments_and_cdata_are_never_changed():
    text = "<doc><!-- a & <b --><p><![CDATA[x & <y]]> & </p></doc>"
    root, repairs = recover(text)
    assert repairs == [Repair(1, 43, "&", "&amp;")]
    assert root.findtext("p") == "x & <y & "


def test_stray_lt_before_the_error_becomes_text():
    text = "<doc>\n<heading><First Embodiment</heading>\n<p>a < b and c <3 d</p></doc>"
    root, repairs = recover(text)
    assert root.findtext("heading") == "<First Embodiment"
    assert root.findtext("p") == "a < b and c <3 d"
    assert repairs == [Repair(2, 10, "<", "&lt;"), Repair(3, 6, "<", "&lt;"),
                       Repair(3, 16, "<", "&lt;")]


def test_stray_lt_after_entities_and_earlier_repairs_is_placed_in_the_original():
    text = "<doc><p>&lsquo;q&rsquo; & <Nope here</p></doc>"
    root, repairs = recover(text, entities=ISO_AND_MATHML)
    assert root.findtext("p") == "‘q’ & <Nope here"
    assert repairs == [Repair(1, 25, "&", "&amp;"), Repair(1, 27, "<", "&lt;")]


def test_an_element_of_the_vocabulary_is_never_escaped():
    with pytest.raises(ParseFailure) as failure:
        recover("<doc><p>a <b>bold</p></doc>")
    assert failure.value.code == "xml-not-well-formed"


def test_what_recovery_does_not_touch_fails_as_in_strict_mode():
    with pytest.raises(ParseFailure) as failure:
        recover("<doc><p>&bogus; & x</p></doc>")
    assert failure.value.code == "unknown-entity"
    with pytest.raises(ParseFailure) as failure:
        recover("<doc><p>a & b</p><p>cut")
    assert failure.value.code == "truncated"


def test_failure_after_repairs_is_placed_in_the_original():
    with pytest.raises(ParseFailure) as failure:
        recover("<doc>\n<p>a & b</p>\n<p>x</b></doc>")
    assert (failure.value.code, failure.value.line) == ("xml-not-well-formed", 3)
    assert "after 1 tolerant repairs" in failure.value.message


def test_fifty_repairs_pass_fifty_one_fail():
    data = (EP / "application/v1-2-A1.xml").read_bytes()          # one bare & of its own
    marker = b"UDAPI & ASOCIADOS"
    assert data.count(marker) == 1

    def with_extra(n: int) -> bytes:
        return data.replace(marker, marker + b" R & D" * n)

    _root, repairs = repair.parse("ep.xml", with_extra(49), EP_PATENT_DOCUMENT)
    assert len(repairs) == repair.MAX_REPAIRS == 50
    with pytest.raises(ParseFailure) as failure:
        repair.parse("ep.xml", with_extra(50), EP_PATENT_DOCUMENT)
    assert failure.value.code == "xml-not-well-formed"
    assert "more than 50 repairs" in failure.value.message
    line = with_extra(50).split(b"\n")[failure.value.line - 1].decode()
    assert line[failure.value.column - 1] == "&"
    assert failure.value.column == line.rindex("&") + 1


def test_fifty_one_stray_lt_fail():
    body = "".join(f"<heading><Part {i}</heading>" for i in range(51))
    with pytest.raises(ParseFailure) as failure:
        recover(f"<doc>{body}</doc>")
    assert "more than 50 repairs" in failure.value.message
    _root, repairs = recover(f"<doc>{body[:body.index('<heading><Part 50')]}</doc>")
    assert len(repairs) == 50


def test_vocabulary_holds_every_element_of_the_ep_samples():
    import re

    names: set[str] = set()
    for path in EP.glob("*/*.xml"):
        text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        names.update(re.findall(r"</?([A-Za-z][\w.:-]*)", text))
    stray = {"First", "Second", "Third", "Fourth"}     # the four bare `<` of v1-5-1-A1-2
    assert names - stray <= EP_PATENT_DOCUMENT
    assert not stray & EP_PATENT_DOCUMENT
    assert BY_FORMAT["ep-patent-document"] is EP_PATENT_DOCUMENT
