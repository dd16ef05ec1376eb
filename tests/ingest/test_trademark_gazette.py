"""JP trademark registration gazettes (SGML, TR.DTD): every real gazette of
`samples/jp-trademark-gazette/` read whole, its counts equal to plain regex counts of the
source, exact field values, the mark images converted to PNG, and bad input refused with
its code, line and column."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
from functools import cache
from pathlib import Path

import pytest

from tokkyo.documents.images import mark_pages, mark_png
from tokkyo.ingest import sgml
from tokkyo.ingest.foreign.xmlsafe import ParseFailure
from tokkyo.ingest.trademark_gazette import (
    ROOT,
    TrademarkGazetteRead,
    dtd,
    read,
    sniff,
)
from tokkyo.model.classifications import Scheme
from tokkyo.model.laws import Law
from tokkyo.model.parties import PartyRole

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "jp-trademark-gazette"
GAZETTES = sorted(p.name for p in SAMPLES.glob("*.SGM"))
IMAGES = sorted(p.name for p in SAMPLES.glob("*.IMG"))


@cache
def _source(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@cache
def _read(name: str) -> TrademarkGazetteRead:
    return read(name, _source(name))


def _contents(text: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}", text, re.DOTALL)


def source_counts(path: Path) -> dict[str, int]:
    """Counts taken from a gazette's SGML with plain regexes: claims and description
    paragraphs (a gazette has none), applicants (right holders), classifications (Nice
    classes + similar group codes + Vienna codes), and the parts: Nice classes, goods
    groups, right holders, attorneys, similar group codes, Vienna codes."""
    text = path.read_bytes().decode("euc_jp")
    nice = len(re.findall(r"<CLASS>", text))
    similar = sum(len([c for c in codes.split("、") if c.strip()])
                  for codes in _contents(text, "SIMILAR-GROUP-CODE"))
    vienna = sum(len([c for c in codes.split("；") if c.strip()])
                 for codes in _contents(text, "VIENNA-FIGURE-CLASSIFICATION"))
    holders = len(re.findall(r"<RIGHT-HOLDER[\s>]", text))
    return {
        "claims": 0,
        "paragraphs": 0,
        "applicants": holders,
        "classifications": nice + similar + vienna,
        "nice": nice,
        "goods_groups": len(re.findall(r"<GOODS-AND-SERVICE-CLASS-GROUP>", text)),
        "right_holders": holders,
        "attorneys": len(re.findall(r"<PROXY[\s>]", text)),
        "similar_codes": similar,
        "vienna": vienna,
        "images": len(re.findall(r"<IMAGE\s", text)),
    }


def test_every_gazette_of_the_samples_is_tested() -> None:
    assert len(GAZETTES) == 8
    assert len(IMAGES) == 7          # the regional mark is in standard characters: no image


@pytest.mark.parametrize("name", GAZETTES)
def test_counts_equal_the_source(name: str) -> None:
    expected = source_counts(SAMPLES / name)
    publication = _read(name).publication
    info = publication.trademark
    assert info is not None
    schemes = [c.scheme for c in publication.classifications]
    holders = [p for p in publication.parties if p.role is PartyRole.RIGHT_HOLDER]
    attorneys = [p for p in publication.parties if p.role is PartyRole.ATTORNEY]
    assert {
        "claims": len(publication.claims),
        "paragraphs": len(publication.paragraphs),
        "applicants": len(holders),
        "classifications": len(publication.classifications),
        "nice": schemes.count(Scheme.NICE),
        "goods_groups": len(info.goods_services),
        "right_holders": len(holders),
        "attorneys": len(attorneys),
        "similar_codes": schemes.count(Scheme.SIMILAR_GROUP),
        "vienna": len(info.vienna_codes),
        "images": expected["images"],
    } == expected
    assert schemes.count(Scheme.VIENNA) == expected["vienna"]
    assert sum(len(g.similar_codes) for g in info.goods_services) == expected["similar_codes"]
    assert all(len(p.code) == 9 and p.code.isdigit() for p in publication.parties)


# name: number, publication date, registration date, application, filing date, mark text,
# readings, kind of mark, (collective, regional, defensive), files
EXPECTED = {
    "3D(5742628).SGM": ("5742628", "2015-03-24", "2015-02-20", "2014088142", "2014-10-20",
                        "ＧＵＥＲＬＡＩＮ、ＧＵＥＲＬＡＩＮ", ("ゲラン",), "three-dimensional",
                        (False, False, False), ("5742628.IMG",)),
    "CHARACTER(6481006).SGM": ("6481006", "2021-12-21", "2021-12-03", "2021122738",
                               "2021-10-02", "和卵菓ららら", ("ワランカラララ",), "character",
                               (False, False, False), ("6481006.IMG",)),
    "COLLECTIVE(5722115).SGM": ("5722115", "2015-01-06", "2014-11-28", "2014059965",
                                "2014-07-17", "ク−ルブロックペイブ、ＣＯＯＬＢＬＯＣＫＰＡＶＥ",
                                ("クールブロックペイブ", "クールブロックペーブ", "クールブロック",
                                 "クール"), "standard", (True, False, False), ("5722115.IMG",)),
    "COLOR(6201646).SGM": ("6201646", "2019-12-24", "2019-11-29", "2015047686", "2015-05-21",
                           "", (), "colour", (False, False, False), ("6201646.IMG",)),
    "DEFENSIVE-MARK(5716200_01).SGM": ("5716200-01", "2016-10-18", "2016-09-16",
                                       "2016018668", "2016-02-22", "ＨＡＧＯＲＯＭＯ",
                                       ("ハゴロモ",), "standard", (False, False, True),
                                       ("5716200_01.IMG",)),
    "POSITION(5808808).SGM": ("5808808", "2016-01-05", "2015-11-27", "2015030239",
                              "2015-04-01", "", (), "position", (False, False, False),
                              ("5808808.IMG",)),
    "REGIONAL(5723524).SGM": ("5723524", "2015-01-13", "2014-12-05", "2011052490",
                              "2011-07-25", "蔵王かぼちゃ", ("ザオーカボチャ",), "character",
                              (False, True, False), ()),
    "TRADEMARK(5721010).SGM": ("5721010", "2015-01-06", "2014-11-28", "2013046965",
                               "2013-06-18", "古代酵素", ("コダイコーソ", "コダイ"), "standard",
                               (False, False, False), ("5721010.IMG",)),
}


@pytest.mark.parametrize("name", GAZETTES)
def test_field_values(name: str) -> None:
    (number, date, registered, application, filed, mark, readings, kind, flags,
     files) = EXPECTED[name]
    result = _read(name)
    p = result.publication
    assert (p.country, p.kind, p.st16_kind, p.law, p.language) == \
        ("JP", "TM", "", Law.TRADEMARK, "ja")
    assert (p.number, p.registration_number) == (number, number)
    assert p.date == dt.date.fromisoformat(date)
    assert p.registration_date == dt.date.fromisoformat(registered)
    assert p.application_number == application
    assert p.filing_date == dt.date.fromisoformat(filed)
    assert p.title == mark
    info = p.trademark
    assert info is not None
    assert info.display == mark
    assert info.readings == readings
    assert info.kind_of_mark == kind
    assert (info.collective, info.regional, info.defensive) == flags
    assert info.image_files == files and info.sound_files == ()
    assert result.files == files
    assert result.notations == dict.fromkeys(files, "TIFF")
    # the number is also what the file name (the source's renamed copy) says
    assert number.replace("-", "_") in name


def test_goods_services_and_codes_of_one_gazette() -> None:
    p = _read("CHARACTER(6481006).SGM").publication
    assert p.trademark is not None
    goods = p.trademark.goods_services
    assert [g.nice_class for g in goods] == ["29", "30", "35"]
    assert goods[0].names.startswith("卵，乳製品，加工野菜及び加工果実")
    assert goods[1].similar_codes == ("30A01", "32F03", "32F09")
    nice = [c for c in p.classifications if c.scheme is Scheme.NICE]
    assert [(c.code, c.raw) for c in nice] == [("29", "第２９類"), ("30", "第３０類"),
                                              ("35", "第３５類")]
    holder, attorney = p.parties
    assert (holder.role, holder.name, holder.code, holder.address) == (
        PartyRole.RIGHT_HOLDER, "有限会社卵明舎", "501447719", "栃木県宇都宮市針ヶ谷町２７７−１")
    assert (attorney.role, attorney.name, attorney.code, attorney.agent_kind) == (
        PartyRole.ATTORNEY, "藤掛\u3000宗則", "100144358", "representative")


def test_vienna_codes_and_explanation() -> None:
    p = _read("COLOR(6201646).SGM").publication
    assert p.trademark is not None
    assert p.trademark.vienna_codes == ("29.1.1.2", "29.1.6.2", "29.1.7.2", "29.1.13", "44.1")
    assert next(c.raw for c in p.classifications if c.scheme is Scheme.VIENNA) == "２９．１．１．２"
    assert p.abstract.startswith("商標登録を受けようとする商標（以下、「商標」という。）は、色彩")
    assert p.abstract.endswith("赤色４５パーセントとなっている。")


def test_text_the_model_cannot_hold_is_a_problem() -> None:
    problems = _read("POSITION(5808808).SGM").problems
    assert any("ＦＵＪＩＴＳＵ\u3000ＬＩＭＩＴＥＤ" in p and "5808808" in p for p in problems)
    assert any("石塚\u3000利恵" in p for p in problems)
    for name in GAZETTES:       # every gazette follows TR.DTD; only examiners go unstored
        others = [p for p in _read(name).problems
                  if "examiner" not in p and "own language" not in p]
        assert others == [], name


def test_sniff_and_root() -> None:
    assert ROOT == "TM-REG-GAZ"
    assert all(sniff(_source(name)) for name in GAZETTES)
    assert not sniff(b'<?xml version="1.0"?><jp-official-gazette/>')
    assert not sniff(b"<!DOCTYPE PATDOC [ ]><PATDOC>")


def test_bundled_dtd_is_jpos() -> None:
    bundled = Path(sgml.__file__).parent / "dtd" / "TR.DTD"
    assert bundled.read_bytes() == (SAMPLES / "dtd" / "TR.DTD").read_bytes()
    declared = dtd()
    assert declared.elements["IMAGE"].content == "EMPTY"
    assert declared.elements["COLLECTIVE-TRADEMARK-INDICATION"].omit_end
    assert not declared.elements["TM-REG-GAZ"].omit_end
    # TR8.DTD (2007) declares a subset of TR.DTD's elements
    older = sgml.parse_dtd((SAMPLES / "dtd" / "TR8.DTD").read_bytes().decode("euc_jp"))
    assert set(older.elements) < set(declared.elements)


# --- mark images -----------------------------------------------------------------------------

def _tiff_sizes(data: bytes) -> list[tuple[int, int]]:
    """(width, height) of each page, read from the TIFF's own IFDs (tags 256 and 257)."""
    order = "<" if data[:2] == b"II" else ">"
    assert struct.unpack(order + "H", data[2:4])[0] == 42
    offset = struct.unpack(order + "I", data[4:8])[0]
    sizes = []
    while offset:
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        tags = {}
        for i in range(count):
            entry = data[offset + 2 + 12 * i:offset + 14 + 12 * i]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            value = struct.unpack(order + ("H" if kind == 3 else "I"),
                                  entry[8:10] if kind == 3 else entry[8:12])[0]
            tags[tag] = value
        sizes.append((tags[256], tags[257]))
        (offset,) = struct.unpack(order + "I", data[offset + 2 + 12 * count:
                                                    offset + 6 + 12 * count])
    return sizes


@pytest.mark.parametrize("image", IMAGES)
def test_mark_image_converts_to_png_of_the_same_size(image: str) -> None:
    from PIL import Image

    data = _source(image)
    sizes = _tiff_sizes(data)
    assert mark_pages(data) == len(sizes)
    for page, size in enumerate(sizes):
        png = mark_png(data, page)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert Image.open(io.BytesIO(png)).size == size


def test_each_gazette_image_element_is_a_page_of_its_file() -> None:
    for name in GAZETTES:
        files = _read(name).publication.trademark.image_files  # type: ignore[union-attr]
        pages = sum(mark_pages(_source(f)) for f in files)
        assert pages == source_counts(SAMPLES / name)["images"], name


def test_a_file_that_is_not_a_tiff_is_refused() -> None:
    with pytest.raises(ValueError, match="TIFF"):
        mark_png(b"GIF89a not a tiff")
    with pytest.raises(ValueError, match="page 1"):
        mark_png(_source("5721010.IMG"), 1)


# --- bad input -------------------------------------------------------------------------------

def _failure(data: bytes, name: str = "bad.SGM") -> ParseFailure:
    with pytest.raises(ParseFailure) as caught:
        read(name, data)
    assert caught.value.format == "jp-trademark-gazette"
    return caught.value


def _end_position(data: bytes) -> tuple[int, int]:
    text = data.decode("euc_jp")
    return text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1


def test_a_truncated_gazette_fails_at_its_end() -> None:
    data = _source("TRADEMARK(5721010).SGM")
    cut = data[:data.index(b"<RIGHT-HOLDER-GROUP>")]
    failure = _failure(cut)
    assert failure.code == "truncated"
    assert (failure.line, failure.column) == _end_position(cut)
    assert "</TM-REG-GAZ>" in failure.message
    inside = data[:data.index(b"<RIGHT-HOLDER-GROUP>") + 8]       # inside a start tag
    assert _failure(inside).code == "truncated"
    text_cut = data[:data.index("エレメンツ".encode("euc_jp"))]      # inside NAME's text
    failure = _failure(text_cut)
    assert failure.code == "truncated" and "</NAME>" in failure.message


def test_a_wrong_encoding_fails_at_the_first_bad_byte() -> None:
    data = _source("TRADEMARK(5721010).SGM").decode("euc_jp").encode("utf-8")
    first = next(i for i, b in enumerate(data) if b >= 0x80)
    failure = _failure(data)
    assert failure.code == "encoding-error"
    assert str(first) in failure.message
    line = data.count(b"\n", 0, first) + 1
    assert (failure.line, failure.column) == (line, first - (data.rfind(b"\n", 0, first) + 1) + 1)
    assert _failure(b"   ").code == "empty"


def test_a_missing_required_end_tag_fails() -> None:
    data = _source("TRADEMARK(5721010).SGM").replace(b"</GOODS-AND-SERVICE\n>", b"", 1)
    failure = _failure(data)
    assert failure.code == "sgml-not-well-formed"
    assert "GOODS-AND-SERVICE" in failure.message and failure.line > 0


def test_an_undeclared_element_or_attribute_fails() -> None:
    data = _source("TRADEMARK(5721010).SGM")
    failure = _failure(data.replace(b"<PRONUNCIATION>", b"<READING>", 1))
    assert failure.code == "sgml-invalid" and "READING" in failure.message
    failure = _failure(data.replace(b'<IMAGE HEIGHT="17"', b'<IMAGE DEPTH="1" HEIGHT="17"', 1))
    assert failure.code == "sgml-invalid" and "DEPTH" in failure.message


def test_external_entities_are_refused_and_entities_capped() -> None:
    data = _source("TRADEMARK(5721010).SGM")
    subset = b'<!ENTITY MULTI SYSTEM "5721010.IMG" NDATA TIFF>'
    xxe = data.replace(subset, subset + b'\n<!ENTITY secret SYSTEM "/etc/passwd">', 1)
    failure = _failure(xxe)
    assert (failure.code, failure.line) == ("external-entity", 4)
    net = data.replace(subset, subset + b'\n<!ENTITY % dtd SYSTEM "http://example.org/x">', 1)
    assert _failure(net).code == "external-entity"
    bomb = b"".join(f'<!ENTITY b{i} "&b{i - 1};&b{i - 1};&b{i - 1};&b{i - 1};">\n'.encode()
                    for i in range(1, 12))
    bombed = data.replace(subset, subset + b'\n<!ENTITY b0 "lol">\n' + bomb, 1).replace(
        "古代酵素".encode("euc_jp"), b"&b11;", 1)
    assert _failure(bombed).code == "entity-expansion"
    unknown = data.replace("古代酵素".encode("euc_jp"), b"&gaiji01;", 1)
    failure = _failure(unknown)
    assert failure.code == "unknown-entity" and "gaiji01" in failure.message


def test_internal_entities_and_character_references_are_text() -> None:
    data = _source("TRADEMARK(5721010).SGM")
    subset = b'<!ENTITY MULTI SYSTEM "5721010.IMG" NDATA TIFF>'
    text = data.replace(subset, subset + '\n<!ENTITY kodai "古代">'.encode("euc_jp"), 1) \
        .replace("古代酵素".encode("euc_jp"), f"&kodai;&#{ord('酵')};素".encode("euc_jp"), 1)
    assert read("x.SGM", text).publication.title == "古代酵素"


def test_content_model_mismatch_is_a_problem_not_a_failure() -> None:
    data = _source("TRADEMARK(5721010).SGM")
    moved = data.replace(b"<DISTINCTION-OF-THE-LAW>", b"<XX>", 1)
    law = re.search(rb"<XX>.*?</DISTINCTION-OF-THE-LAW\n>", moved, re.DOTALL)
    assert law is not None
    block = law.group().replace(b"<XX>", b"<DISTINCTION-OF-THE-LAW>")
    moved = moved.replace(law.group(), b"", 1).replace(b"</TM-REG-GAZ", block + b"</TM-REG-GAZ")
    result = read("moved.SGM", moved)
    assert any("TM-REG-GAZ" in p and "content model" in p for p in result.problems)


# --- the SGML parser's omitted tags, on a small DTD -------------------------------------------

SMALL_DTD = """
<!ELEMENT DOC - - (HEAD, ITEM+)>
<!ELEMENT HEAD - - (#PCDATA)>
<!ELEMENT ITEM - O (#PCDATA | MARK)*>
<!ELEMENT MARK - O EMPTY>
<!ATTLIST MARK FLAG (TRUE | FALSE) #IMPLIED NOTE CDATA #IMPLIED>
"""


def test_omitted_end_tags_are_closed_by_the_dtds_rules() -> None:
    declared = sgml.parse_dtd(SMALL_DTD)
    text = ("<!DOCTYPE DOC [ ]><doc><HEAD>h</>\n<ITEM>one<MARK TRUE>\n<ITEM>two"
            "<MARK FLAG=false NOTE='a &#38; b'></DOC>")
    document = sgml.parse("small", text, declared)
    root = document.root
    assert [e.name for e in root.elements()] == ["HEAD", "ITEM", "ITEM"]
    first, second = root.findall("ITEM")
    assert first.text() == "one" and second.text() == "two"
    marks = [item.find("MARK") for item in (first, second)]
    assert [m.attributes if m else None for m in marks] == [
        {"FLAG": "TRUE"}, {"FLAG": "false", "NOTE": "a & b"}]
    assert document.problems == []
    missing_head = sgml.parse("small", "<DOC><ITEM>x</ITEM></DOC>", declared)
    assert [p for p in missing_head.problems if "DOC holds ITEM" in p]
    with pytest.raises(ParseFailure) as caught:
        sgml.parse("small", "<DOC><HEAD>h</HEAD><ITEM><MARK></MARK></DOC>", declared)
    assert caught.value.code == "sgml-not-well-formed" and "EMPTY" in caught.value.message
    with pytest.raises(ParseFailure) as caught:
        sgml.parse("small", "<DOC><HEAD>h<ITEM>x</DOC>", declared)
    assert caught.value.code == "sgml-invalid" and (caught.value.line, caught.value.column) \
        == (1, 13)
