"""The quality report (`tokkyo report quality`, issue 15 item 6): what was loaded, per
source format, country and kind, judged against what the kind should carry
(`model/expectations.py`), with the validation problems and tolerant repairs per format
and the quarantine; and the quarantine listing (`tokkyo report quarantine`).

Everything here returns plain data (dataclasses of str, int, lists and dicts), so the
command line and later the portal show the same figures; the queries are in
`store/repositories/quality.py`.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from tokkyo.errors import TerminalError
from tokkyo.ingest.detect import READERS
from tokkyo.model.expectations import (
    MARK_PARTS,
    TEXT_PARTS,
    Expectation,
    Nature,
    Part,
    expectation,
)
from tokkyo.store.repositories import quality, sources
from tokkyo.store.repositories.quality import Completeness, PartCounts

#: How a tolerant repair is recorded among a source's problems (ingest/foreign/reading.py).
REPAIR_PREFIX = "repaired at line"
#: The commonest problem families listed per format.
FAMILIES_PER_FORMAT = 10
#: A file a reader refuses is quarantined under the reader's own name for its format
#: (`docdb`, `us-patent-grant`, ...); the report counts it under the source format the
#: store uses for what it loads (`epo-docdb`, `us-patent-xml`, ...), so the two agree.
SOURCE_FORMAT_OF_READER = {module.FORMAT: fmt.value for fmt, module in READERS.items()
                           if getattr(module, "FORMAT", None)}


class BadCountry(TerminalError):
    """A country filter that is not a two-letter code."""


def country_code(text: str) -> str:
    """`text` as a country code filter: two letters (ST.3), upper-cased (`ep` → `EP`)."""
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise BadCountry(f"{text!r} is not a country code: give two letters (ST.3), "
                         "such as JP, EP, US, CN, WO")
    return code


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    """One refused file (one per distinct content): as it was last seen (batch, name,
    format, reason), when it was first and last seen and how many times."""
    batch_id: int | None
    name: str
    format: str
    reason: str
    blob_sha256: str | None
    created_at: str
    last_seen_at: str
    times_seen: int


def quarantined(conn: sa.Connection) -> list[QuarantinedFile]:
    """Every refused file, one row per distinct content."""
    return [QuarantinedFile(r.batch_id, r.name, r.format, r.reason, r.blob_sha256,
                            r.created_at.isoformat(), r.last_seen_at.isoformat(),
                            r.times_seen) for r in sources.quarantined(conn)]


@dataclass(frozen=True, slots=True)
class PartFigure:
    """One part a group's documents are expected to carry: how many of those expected
    to (`of`) carry it (`present`) and how many do not (`missing`)."""
    part: str
    present: int
    of: int

    @property
    def missing(self) -> int:
        return self.of - self.present


@dataclass(frozen=True, slots=True)
class GroupQuality:
    """The publications of one source format, country, kind and law, judged.

    `present`: documents carrying each part (of all `documents`). `bibliographic_only`:
    documents with neither claims nor description (None for trademarks, which carry
    neither by nature); for a full-text kind they are counted apart and the others
    (`judged`) are judged; for other natures every document is judged. `expected`: the
    expected parts with their figures among the judged; `unexpected`: judged documents
    carrying a part their kind does not (an EP B with an abstract); `judgement`: it all
    in one line, starting with `label`."""
    format: str
    country: str
    kind: str
    law: str
    label: str
    nature: str
    why: str
    documents: int
    present: dict[str, int]
    bibliographic_only: int | None
    repaired: int
    judged: int
    expected: list[PartFigure]
    not_expected: list[str]
    unexpected: dict[str, int]
    complete: bool
    judgement: str


@dataclass(frozen=True, slots=True)
class FormatProblems:
    """The current source versions of one format: how many, how many have validation
    problems (repairs aside) and how many problem lines, how many were repaired by
    tolerant recovery and with how many repairs, and the commonest problem families."""
    format: str
    files: int
    with_problems: int
    problems: int
    repaired_files: int
    repairs: int
    families: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The whole report; `country` is the filter given (None: every country). The
    quarantine is by format for the whole store: a refused file has no country."""
    country: str | None
    groups: list[GroupQuality]
    cases: list[Completeness]
    problems: list[FormatProblems]
    quarantined: dict[str, int]


def build(conn: sa.Connection, country: str | None = None) -> QualityReport:
    """The quality report of the store, or of one country's publications and cases
    (`country`, already a code: see `country_code`)."""
    return QualityReport(
        country=country,
        groups=judge(quality.publication_parts(conn, country)),
        cases=quality.cases_by_law(conn, country),
        problems=format_problems(quality.source_problems(conn, country)),
        quarantined=quarantine_by_format(quality.quarantine_by_format(conn)))


def quarantine_by_format(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Refused files per source format, readers' format names turned into the store's."""
    out: Counter[str] = Counter()
    for name, n in rows:
        out[SOURCE_FORMAT_OF_READER.get(name, name)] += n
    return dict(sorted(out.items()))


def judge(rows: Iterable[PartCounts]) -> list[GroupQuality]:
    """Group the counted rows by (format, country, kind, law), merging the kinds of mark
    of trademarks, and judge each group against its expectations."""
    groups: dict[tuple[str, str, str, str], list[PartCounts]] = defaultdict(list)
    for row in rows:
        groups[row.format, row.country, row.kind, row.law].append(row)
    return [_judge_group(key, members) for key, members in groups.items()]


def _judge_group(key: tuple[str, str, str, str], members: list[PartCounts]
                 ) -> GroupQuality:
    fmt, country, kind, law = key
    label = f"{country} {kind}"
    trademark = any(m.kind_of_mark is not None for m in members)
    parts = MARK_PARTS if trademark else TEXT_PARTS
    documents = sum(m.documents for m in members)
    present = {p.value: sum(m.present[p.value] for m in members) for p in parts}
    biblio = None if trademark else sum(m.bibliographic_only for m in members)
    judged_total = 0
    expected: dict[Part, list[int]] = {}           # part → [present, of]
    unexpected: Counter[str] = Counter()
    not_expected: set[Part] = set()
    natures, whys = set(), []
    for member in members:
        rule = expectation(fmt, country, kind, law, member.kind_of_mark)
        natures.add(rule.nature)
        if rule.why not in whys:
            whys.append(rule.why)
        judged, counts = _judged(member, rule)
        judged_total += judged
        for part in rule.expected:
            figure = expected.setdefault(part, [0, 0])
            figure[0] += counts[part.value]
            figure[1] += judged
        for part in rule.not_expected:
            not_expected.add(part)
            if counts[part.value]:
                unexpected[part.value] += counts[part.value]
    nature = natures.pop() if len(natures) == 1 else Nature.UNKNOWN
    figures = [PartFigure(p.value, *expected[p]) for p in parts if p in expected]
    complete = all(f.missing == 0 for f in figures)
    group = GroupQuality(
        format=fmt, country=country, kind=kind, law=law, label=label, nature=nature.value,
        why="; ".join(whys), documents=documents, present=present,
        bibliographic_only=biblio, repaired=sum(m.repaired for m in members),
        judged=judged_total, expected=figures,
        not_expected=[p.value for p in parts if p in not_expected],
        unexpected=dict(unexpected), complete=complete, judgement="")
    return _with_judgement(group)


def _judged(member: PartCounts, rule: Expectation) -> tuple[int, dict[str, int]]:
    """How many of `member`'s documents are judged, and their part counts: for a
    full-text kind, the documents with text (bibliographic-only ones counted apart)."""
    if rule.nature is Nature.FULL_TEXT:
        return member.documents - member.bibliographic_only, member.present_with_text
    return member.documents, member.present


def _with_judgement(group: GroupQuality) -> GroupQuality:
    """`group` with its one-line judgement: what is missing, exactly, or that nothing is."""
    full_text = group.nature == Nature.FULL_TEXT.value
    noun = ("one with text" if group.judged == 1 else "with text") if full_text else (
        "document" if group.judged == 1 else "documents")
    said: list[str] = []
    if group.nature == Nature.BIBLIOGRAPHIC.value:
        said.append("bibliographic by nature (not a defect)")
    elif group.nature == Nature.UNKNOWN.value:
        said.append("no expectation recorded for this kind (figures only)")
    missing = [f for f in group.expected if f.missing]
    if missing:
        said += [f"{f.missing} of {f.of} without {f.part}" for f in missing]
    elif group.expected and group.judged:
        parts = ", ".join(f.part if f.of == group.judged else f"{f.part} ({f.of})"
                          for f in group.expected)
        said.append(f"complete: the {noun} carries {parts}" if group.judged == 1 else
                    f"complete: all {group.judged} {noun} carry {parts}")
    elif group.nature == Nature.FILE_WRAPPER.value:
        said.append("no part expected (" + group.why + ")")
    if full_text and not group.judged and group.documents:
        said.append("none with text")
    said += [f"{n} of {group.judged} carry {part}, which the kind does not"
             for part, n in group.unexpected.items()]
    if group.bibliographic_only and full_text:
        said.append(f"{group.bibliographic_only} of {group.documents} bibliographic only "
                    "(no claims, no description; counted apart)")
    if group.repaired:
        said.append(f"{group.repaired} of {group.documents} repaired (tolerant recovery)")
    return dataclasses.replace(group, judgement=f"{group.label}: " + "; ".join(said))


_PARENTHESISED = re.compile(r"\([^()]*\)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _family(problem: str) -> str:
    """A problem's family: its text without the document it is about (the part before
    the first ": "), without particular values (what follows a further ": " when it
    starts with a capital, as names and notes do; parenthesised and quoted parts; words
    with digits), cut to its first eight words."""
    head = problem.split(": ", 1)[-1]
    lead, colon, rest = head.partition(": ")
    if colon and rest[:1].isupper():          # "opponents are not kept: BASF …"
        head = lead
    head = _QUOTED.sub(" ", head)
    while True:
        shorter = _PARENTHESISED.sub(" ", head)
        if shorter == head:
            break
        head = shorter
    words = [w for w in head.split() if not any(ch.isdigit() for ch in w)]
    return " ".join(words[:8]).rstrip(".,;:")


def format_problems(rows: Iterable[tuple[str, str]]) -> list[FormatProblems]:
    """Per format, from (format, problems text) of each current source version: files,
    files with problems, problem lines, repaired files and repairs, commonest families."""
    files: Counter[str] = Counter()
    with_problems: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    repaired_files: Counter[str] = Counter()
    repairs: Counter[str] = Counter()
    families: dict[str, Counter[str]] = defaultdict(Counter)
    for fmt, text in rows:
        files[fmt] += 1
        lines = [line for line in text.splitlines() if line.strip()]
        fixed = sum(line.startswith(REPAIR_PREFIX) for line in lines)
        found = [line for line in lines if not line.startswith(REPAIR_PREFIX)]
        if fixed:
            repaired_files[fmt] += 1
            repairs[fmt] += fixed
        if found:
            with_problems[fmt] += 1
            problems[fmt] += len(found)
            families[fmt].update(_family(line) for line in found)
    return [FormatProblems(fmt, files[fmt], with_problems[fmt], problems[fmt],
                           repaired_files[fmt], repairs[fmt],
                           families[fmt].most_common(FAMILIES_PER_FORMAT))
            for fmt in sorted(files)]
