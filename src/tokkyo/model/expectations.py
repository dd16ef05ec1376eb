"""What a publication should carry, by its source format, country and kind.

The quality report (`tokkyo report quality`, issue 15 item 6) judges what was loaded
against these expectations, so that a missing part is reported only where the kind of
document carries it: an EP B document has no abstract (the abstract is published with
the A document), an EP A3 is a search report, a DOCDB record or an OPS answer is
bibliographic by nature, a trademark carries a mark, goods and services and holders,
not claims. A part neither expected nor excluded (drawings of a patent, which many
inventions do not need) is counted but never called missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Part(StrEnum):
    """A part of a publication the quality report counts."""

    TITLE = "title"
    ABSTRACT = "abstract"
    CLAIMS = "claims"
    DESCRIPTION = "description"
    DRAWINGS = "drawings"
    PARTIES = "parties"
    CLASSIFICATIONS = "classifications"
    MARK_TEXT = "mark text"            # the mark as characters (trademark `display`)
    MARK_FILE = "mark image or sound"  # the mark's image or sound file, or a drawing
    NICE_CLASSES = "Nice classes"      # goods and services with their Nice classes
    RIGHT_HOLDERS = "right holders"    # right holders or, for an application, applicants


#: The parts of a patent, utility model or design document, in report order.
TEXT_PARTS = (Part.TITLE, Part.ABSTRACT, Part.CLAIMS, Part.DESCRIPTION, Part.DRAWINGS,
              Part.PARTIES, Part.CLASSIFICATIONS)
#: The parts of a trademark publication, in report order.
MARK_PARTS = (Part.MARK_TEXT, Part.MARK_FILE, Part.NICE_CLASSES, Part.RIGHT_HOLDERS)
ALL_PARTS = TEXT_PARTS + MARK_PARTS


class Nature(StrEnum):
    """What a group of publications is, which decides how it is judged."""

    FULL_TEXT = "full text"            # bibliographic-only documents are counted apart
    BIBLIOGRAPHIC = "bibliographic"    # by nature: missing text is not a defect
    TRADEMARK = "trademark"
    FILE_WRAPPER = "file wrapper"      # the office's file: what it holds varies
    UNKNOWN = "unknown"                # no expectation recorded: figures only


@dataclass(frozen=True, slots=True)
class Expectation:
    """What documents of one kind should carry (`expected`) and what they do not carry
    by nature (`not_expected`); `why` says it in words for the report."""

    nature: Nature
    expected: tuple[Part, ...]
    not_expected: tuple[Part, ...] = ()
    why: str = ""


_BIBLIO = (Part.TITLE, Part.PARTIES, Part.CLASSIFICATIONS)
_FULL = (Part.TITLE, Part.ABSTRACT, Part.CLAIMS, Part.DESCRIPTION, Part.PARTIES,
         Part.CLASSIFICATIONS)
_TEXT = (Part.ABSTRACT, Part.CLAIMS, Part.DESCRIPTION)

FULL_TEXT = Expectation(Nature.FULL_TEXT, _FULL, why="a full-text publication")
GRANT_WITHOUT_ABSTRACT = Expectation(
    Nature.FULL_TEXT, (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION, Part.PARTIES,
                       Part.CLASSIFICATIONS), (Part.ABSTRACT,),
    why="a granted patent: the abstract was published with the application")
DESIGN = Expectation(
    Nature.FULL_TEXT, (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION, Part.DRAWINGS,
                       Part.PARTIES, Part.CLASSIFICATIONS), (Part.ABSTRACT,),
    why="a design: its drawings are the design, it has no abstract")
JP_DESIGN = Expectation(
    Nature.FULL_TEXT, (Part.TITLE, Part.DRAWINGS, Part.PARTIES, Part.CLASSIFICATIONS),
    (Part.ABSTRACT,), why="a design gazette: the article and its drawings")
SEARCH_REPORT = Expectation(
    Nature.BIBLIOGRAPHIC, _BIBLIO, _TEXT,
    why="a search report published apart: no text of its own")
CORRECTION = Expectation(
    Nature.BIBLIOGRAPHIC, (Part.TITLE,), (),
    why="a correction: it carries what was corrected")
DOCDB = Expectation(
    Nature.BIBLIOGRAPHIC, _BIBLIO, (Part.CLAIMS, Part.DESCRIPTION),
    why="a DOCDB record is bibliographic by nature (not a defect)")
OPS = Expectation(
    Nature.BIBLIOGRAPHIC, (), (),
    why="an OPS answer is bibliographic by nature (not a defect): a family or search "
        "answer names the publication only")
FILE_WRAPPER = Expectation(
    Nature.FILE_WRAPPER, (), (Part.TITLE, Part.PARTIES, Part.CLASSIFICATIONS),
    why="an XML4IP file wrapper holds the office's file documents, no bibliographic data")
UNKNOWN = Expectation(Nature.UNKNOWN, (), why="no expectation recorded: figures only")

#: Kinds of mark that are the mark's characters alone (standard characters).
CHARACTER_MARKS = frozenset({"character"})


def trademark(kind_of_mark: str) -> Expectation:
    """A trademark: goods and services with their Nice classes and the right holders
    always; a mark in standard characters (`character`) is its text, any other known
    kind of mark (standard, three-dimensional, colour, position, sound, ...) is its
    image or sound; an unknown kind (`""`) expects either."""
    common = (Part.NICE_CLASSES, Part.RIGHT_HOLDERS)
    no_text = (Part.CLAIMS, Part.DESCRIPTION)
    if kind_of_mark in CHARACTER_MARKS:
        return Expectation(Nature.TRADEMARK, (Part.MARK_TEXT, *common), no_text,
                           why="a mark in standard characters")
    if kind_of_mark:
        return Expectation(Nature.TRADEMARK, (Part.MARK_FILE, *common), no_text,
                           why=f"a {kind_of_mark} mark: its image or sound")
    return Expectation(Nature.TRADEMARK, common, no_text, why="a mark of unstated kind")


#: Expectations by (country, kind) for the formats that carry full documents. Kinds
#: not listed are judged UNKNOWN (figures only), never guessed.
BY_KIND: dict[tuple[str, str], Expectation] = {
    **{("EP", k): FULL_TEXT for k in ("A1", "A2")},
    **{("EP", k): SEARCH_REPORT for k in ("A3", "A4")},
    **{("EP", k): GRANT_WITHOUT_ABSTRACT for k in ("B1", "B2", "B3")},
    **{("EP", k): CORRECTION for k in ("A8", "A9", "B8", "B9")},
    **{("US", k): FULL_TEXT for k in ("A", "A1", "A2", "A9", "B1", "B2", "E", "H",
                                      "P1", "P2", "P3", "P4")},
    ("US", "S"): DESIGN,
    **{("CN", k): FULL_TEXT for k in ("A", "B", "C", "U", "Y")},
    ("CN", "S"): DESIGN,
    **{("WO", k): FULL_TEXT for k in ("A1", "A2")},
    ("WO", "A3"): SEARCH_REPORT,
    **{("JP", k): FULL_TEXT for k in ("A", "T")},
    ("JP", "B"): Expectation(Nature.FULL_TEXT, (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION,
                                                Part.PARTIES, Part.CLASSIFICATIONS),
                             why="a patent gazette"),
    ("JP", "U"): Expectation(Nature.FULL_TEXT, (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION,
                                                Part.PARTIES, Part.CLASSIFICATIONS),
                             why="a registered utility model"),
    ("JP", "Y"): Expectation(Nature.FULL_TEXT, (Part.TITLE, Part.CLAIMS, Part.DESCRIPTION,
                                                Part.PARTIES, Part.CLASSIFICATIONS),
                             why="an examined utility model"),
    ("JP", "S"): JP_DESIGN,
}

#: Formats whose every publication is judged the same way, whatever its country and kind.
BY_FORMAT: dict[str, Expectation] = {
    "epo-docdb": DOCDB,
    "epo-ops": OPS,
    "us-xml4ip": FILE_WRAPPER,
}


def expectation(source_format: str, country: str, kind: str, law: str,
                kind_of_mark: str | None = None) -> Expectation:
    """What a publication read from `source_format` of `country` and `kind` (under
    `law`) should carry; for a trademark (`law` "trademark", or any record with
    trademark particulars, `kind_of_mark` not None) what its kind of mark should."""
    if source_format in BY_FORMAT:
        return BY_FORMAT[source_format]
    if law == "trademark" or kind_of_mark is not None:
        return trademark(kind_of_mark or "")
    if law == "design" and (country, kind) not in BY_KIND:
        return DESIGN
    return BY_KIND.get((country, kind), UNKNOWN)
