"""What each country and kind should carry (model/expectations.py), and how a problem
line is filed under its family, on the kinds and problem texts the samples hold."""

from __future__ import annotations

import pytest

from tokkyo.ingest.quality import format_problems
from tokkyo.model.expectations import Nature, Part, expectation

FULL = (Part.TITLE, Part.ABSTRACT, Part.CLAIMS, Part.DESCRIPTION, Part.PARTIES,
        Part.CLASSIFICATIONS)
GRANT = (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION, Part.PARTIES, Part.CLASSIFICATIONS)


@pytest.mark.parametrize(("fmt", "country", "kind", "law", "nature", "expected", "not_expected"), [
    ("ep-patent-document", "EP", "A1", "patent", Nature.FULL_TEXT, FULL, ()),
    ("ep-patent-document", "EP", "A2", "patent", Nature.FULL_TEXT, FULL, ()),
    ("ep-patent-document", "EP", "A3", "patent", Nature.BIBLIOGRAPHIC,
     (Part.TITLE, Part.PARTIES, Part.CLASSIFICATIONS),
     (Part.ABSTRACT, Part.CLAIMS, Part.DESCRIPTION)),
    ("ep-patent-document", "EP", "B1", "patent", Nature.FULL_TEXT, GRANT, (Part.ABSTRACT,)),
    ("ep-patent-document", "EP", "B2", "patent", Nature.FULL_TEXT, GRANT, (Part.ABSTRACT,)),
    ("us-patent-xml", "US", "B2", "patent", Nature.FULL_TEXT, FULL, ()),
    ("us-pap", "US", "A1", "patent", Nature.FULL_TEXT, FULL, ()),
    ("us-greenbook", "US", "A", "patent", Nature.FULL_TEXT, FULL, ()),
    ("us-patdoc", "US", "S", "design", Nature.FULL_TEXT,
     (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION, Part.DRAWINGS, Part.PARTIES,
      Part.CLASSIFICATIONS), (Part.ABSTRACT,)),
    ("cn-business", "CN", "A", "patent", Nature.FULL_TEXT, FULL, ()),
    ("cn-patent-document", "CN", "U", "utility", Nature.FULL_TEXT, FULL, ()),
    ("epo-docdb", "DE", "B", "patent", Nature.BIBLIOGRAPHIC,
     (Part.TITLE, Part.PARTIES, Part.CLASSIFICATIONS), (Part.CLAIMS, Part.DESCRIPTION)),
    ("epo-ops", "WO", "A2", "patent", Nature.BIBLIOGRAPHIC, (), ()),
    ("us-xml4ip", "US", "IFW", "patent", Nature.FILE_WRAPPER, (),
     (Part.TITLE, Part.PARTIES, Part.CLASSIFICATIONS)),
    ("jp-gazette", "JP", "A", "patent", Nature.FULL_TEXT, FULL, ()),
    ("ep-patent-document", "EP", "C1", "patent", Nature.UNKNOWN, (), ()),
])
def test_expectation_by_format_country_and_kind(fmt, country, kind, law, nature, expected,
                                                not_expected):
    rule = expectation(fmt, country, kind, law)
    assert (rule.nature, rule.expected, rule.not_expected) == (nature, expected, not_expected)


@pytest.mark.parametrize(("kind_of_mark", "mark_part"), [
    ("character", Part.MARK_TEXT), ("standard", Part.MARK_FILE), ("colour", Part.MARK_FILE),
    ("position", Part.MARK_FILE), ("three-dimensional", Part.MARK_FILE),
    ("combined", Part.MARK_FILE)])
def test_a_mark_is_its_text_or_its_image(kind_of_mark, mark_part):
    for fmt, country, kind in (("jp-trademark-gazette", "JP", "TM"),
                               ("wipo-st96", "US", "T")):
        rule = expectation(fmt, country, kind, "trademark", kind_of_mark)
        assert rule.nature is Nature.TRADEMARK
        assert rule.expected == (mark_part, Part.NICE_CLASSES, Part.RIGHT_HOLDERS)
        assert rule.not_expected == (Part.CLAIMS, Part.DESCRIPTION)


def test_a_mark_of_unstated_kind_expects_goods_and_holders_only():
    assert expectation("jp-trademark-gazette", "JP", "TM", "trademark", "").expected == (
        Part.NICE_CLASSES, Part.RIGHT_HOLDERS)


def test_problem_lines_per_format_repairs_apart():
    """Problem texts as the readers write them (EP, DOCDB samples): repairs are counted
    apart from problems, and a family leaves out the document, values and names."""
    rows = [
        ("ep-patent-document",
         "EP 1921219 A1: the search report is published as 2 page image(s) (srep0001.tif, "
         "srep0002.tif), not read as text.\nrepaired at line 93, column 36: '&' → '&amp;'"),
        ("ep-patent-document",
         "EP 3882239 A1: the search report is published as 3 page image(s) (srep0001.tif, "
         "srep0002.tif, srep0003.tif), not read as text.\n"
         "EP 0874807 B2: opponents are not kept (the model has no opponent role): BASF "
         "Aktiengesellschaft Patente, Marken und Lizenzen."),
        ("ep-patent-document", ""),
        ("epo-docdb", "repaired at line 1, column 24: '<exch:exchange-document' → "
                      "'<exch:exchange-document xmlns:exch=\"http://www.epo.org/exchange\"'"),
    ]
    ep, docdb = format_problems(rows)
    assert (ep.format, ep.files, ep.with_problems, ep.problems, ep.repaired_files,
            ep.repairs) == ("ep-patent-document", 3, 2, 3, 1, 1)
    assert ep.families == [("the search report is published as page image", 2),
                           ("opponents are not kept", 1)]
    assert (docdb.files, docdb.with_problems, docdb.problems, docdb.repaired_files,
            docdb.repairs, docdb.families) == (1, 0, 0, 1, 1, [])
