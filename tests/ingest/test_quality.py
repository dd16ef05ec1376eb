"""The quality report (issue 15 item 6) on the real samples, SQLite and PostgreSQL, strict
and tolerant: figures per source format, country and kind computed here from the sample
files with plain regular expressions, and the judgement lines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, fresh_database, searched
from tests.ingest.foreign.test_docdb import UNDECLARED
from tests.ingest.foreign.test_ep import MALFORMED
from tokkyo.ingest import quality
from tokkyo.ingest.items import walk
from tokkyo.ingest.quality import GroupQuality, QualityReport
from tokkyo.ingest.service import Ingestor
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine

FOREIGN = SAMPLES / "foreign"
TRADEMARKS = SAMPLES / "jp-trademark-gazette"
EP_FULL = "title, abstract, claims, description, parties, classifications"
EP_GRANT = "title, claims, description, parties, classifications"
COUNTED_APART = "bibliographic only (no claims, no description; counted apart)"


@dataclass(frozen=True)
class Loaded:
    tolerant: bool
    report: QualityReport
    us_report: QualityReport           # --country US

    def group(self, fmt: str, label: str) -> GroupQuality:
        [found] = [g for g in self.report.groups if g.format == fmt and g.label == label]
        return found


@pytest.fixture(scope="module", params=[("sqlite", False), ("sqlite", True),
                                        ("postgresql", False), ("postgresql", True)],
                ids=["sqlite-strict", "sqlite-tolerant", "postgresql-strict",
                     "postgresql-tolerant"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Loaded]:
    """The foreign samples and the JP trademark gazettes loaded once per backend and
    mode, and the report built from them."""
    backend, tolerant = request.param
    folder = tmp_path_factory.mktemp(f"quality-{backend}-{tolerant}")
    with fresh_database(backend, request, folder) as url:
        db = searched(Database(make_engine(url), LocalBlobStore(folder / "blobs")),
                            folder / "search")
        try:
            Ingestor(db.engine, db.blobs, workers=0, tolerant=tolerant).run(
                walk([FOREIGN, TRADEMARKS]))
            with db.engine.connect() as conn:
                yield Loaded(tolerant, quality.build(conn), quality.build(conn, "US"))
        finally:
            db.close()


# --- what the samples hold, counted in their bytes -------------------------------------

@dataclass(frozen=True)
class Doc:
    kind: str
    abstract: bool
    claims: bool
    description: bool
    repaired: bool


def _has(tag: str, text: str) -> bool:
    return re.search(rf"<{tag}[\s>]", text) is not None


def ep_documents(tolerant: bool) -> list[Doc]:
    """The ep-patent-documents the store holds: all, or without the malformed strictly."""
    out = []
    for path in sorted((FOREIGN / "ep").glob("*/*.xml")):
        relative = str(path.relative_to(FOREIGN / "ep"))
        if relative in MALFORMED and not tolerant:
            continue
        text = re.sub(r"<!--.*?-->", "", path.read_text("utf-8"), flags=re.DOTALL)
        [kind] = re.findall(r"<ep-patent-document\b[^>]*\bkind=\"(\w+)\"", text)
        out.append(Doc(kind, _has("abstract", text), _has("claim", text),
                       _has("description", text), relative in MALFORMED))
    return out


def us_patent_xml() -> list[Doc]:
    out = []
    for path in sorted((FOREIGN / "us").glob("xml*/*.xml")):
        text = path.read_text("utf-8")
        kind = re.search(r"<publication-reference>.*?<kind>(\w+)</kind>", text, re.DOTALL)
        assert kind is not None, path
        out.append(Doc(kind[1], _has("abstract", text), _has("claim", text),
                       _has("description", text), False))
    return out


def docdb_records(tolerant: bool) -> Counter[tuple[str, str]]:
    """(country, kind) of every DOCDB record the store holds."""
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted((FOREIGN / "docdb").glob("*.xml")):
        if path.name in UNDECLARED and not tolerant:
            continue
        for tag in re.findall(r"<(?:exch:)?exchange-document\s[^>]*>", path.read_text("utf-8")):
            found[re.findall(r'\bcountry="(\w+)"', tag)[0],
                  re.findall(r'\bkind="(\w+)"', tag)[0]] += 1
    return found


def expected_full_text(docs: list[Doc], kind: str, parts: str, fmt_label: str) -> str:
    """The judgement line of a complete full-text group, as the report words it."""
    of_kind = [d for d in docs if d.kind == kind]
    biblio = sum(not d.claims and not d.description for d in of_kind)
    repaired = sum(d.repaired for d in of_kind)
    with_text = len(of_kind) - biblio
    said = [f"complete: the one with text carries {parts}" if with_text == 1 else
            f"complete: all {with_text} with text carry {parts}"]
    if biblio:
        said.append(f"{biblio} of {len(of_kind)} {COUNTED_APART}")
    if repaired:
        said.append(f"{repaired} of {len(of_kind)} repaired (tolerant recovery)")
    return f"{fmt_label}: " + "; ".join(said)


# --- the report --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["A1", "A2"])
def test_ep_applications_bibliographic_only_apart(loaded: Loaded, kind: str) -> None:
    docs = [d for d in ep_documents(loaded.tolerant) if d.kind == kind]
    group = loaded.group("ep-patent-document", f"EP {kind}")
    assert group.documents == len(docs)
    assert group.bibliographic_only == sum(not d.claims and not d.description for d in docs)
    assert group.judged == sum(d.claims or d.description for d in docs)
    assert group.present["abstract"] == sum(d.abstract for d in docs)
    assert group.present["claims"] == sum(d.claims for d in docs)
    assert group.present["description"] == sum(d.description for d in docs)
    assert group.repaired == sum(d.repaired for d in docs)
    assert group.nature == "full text" and group.complete
    assert group.judgement == expected_full_text(docs, kind, EP_FULL, f"EP {kind}")


def test_ep_a1_judgement_in_words(loaded: Loaded) -> None:
    """The line a user reads, spelt out: 4 of the 11 EP A1 samples are bibliographic-only
    (one of them malformed) and 4 are malformed, so strictly 3 of 7."""
    line = loaded.group("ep-patent-document", "EP A1").judgement
    if loaded.tolerant:
        assert line == (f"EP A1: complete: all 7 with text carry {EP_FULL}; 4 of 11 "
                        f"{COUNTED_APART}; 4 of 11 repaired (tolerant recovery)")
    else:
        assert line == f"EP A1: complete: all 4 with text carry {EP_FULL}; 3 of 7 {COUNTED_APART}"


@pytest.mark.parametrize("kind", ["B1", "B2"])
def test_ep_grants_expect_no_abstract(loaded: Loaded, kind: str) -> None:
    docs = [d for d in ep_documents(loaded.tolerant) if d.kind == kind]
    group = loaded.group("ep-patent-document", f"EP {kind}")
    assert group.documents == len(docs) == 7
    assert group.present["abstract"] == sum(d.abstract for d in docs) == 0
    assert group.not_expected == ["abstract"] and group.unexpected == {}
    assert [f.part for f in group.expected] == EP_GRANT.split(", ")
    assert group.judgement == f"EP {kind}: complete: all 7 with text carry {EP_GRANT}"


def test_us_patent_xml(loaded: Loaded) -> None:
    docs = us_patent_xml()
    for kind in sorted({d.kind for d in docs}):
        of_kind = [d for d in docs if d.kind == kind]
        group = loaded.group("us-patent-xml", f"US {kind}")
        assert group.documents == len(of_kind)
        assert group.present["claims"] == sum(d.claims for d in of_kind)
        assert group.judgement == expected_full_text(of_kind, kind, EP_FULL, f"US {kind}")
    assert loaded.group("us-patent-xml", "US B2").judgement == (
        f"US B2: complete: all 5 with text carry {EP_FULL}")


def test_us_design_and_file_wrapper(loaded: Loaded) -> None:
    design = loaded.group("us-patdoc", "US S")
    assert design.judgement == ("US S: complete: the one with text carries title, claims, "
                                "description, drawings, parties, classifications")
    assert design.not_expected == ["abstract"]
    wrapper = loaded.group("us-xml4ip", "US IFW")
    assert wrapper.nature == "file wrapper" and wrapper.expected == []
    assert wrapper.judgement.startswith("US IFW: no part expected (an XML4IP file wrapper")


def test_cn_old_and_new(loaded: Loaded) -> None:
    roots = Counter("cn-business" if b"business:PatentDocumentAndRelated" in p.read_bytes()
                    [:4000] else "cn-patent-document"
                    for p in sorted((FOREIGN / "cn").iterdir()))
    for fmt, files in roots.items():
        group = loaded.group(fmt, "CN A")
        assert group.documents == files
        assert group.judgement == f"CN A: complete: all {files} with text carry {EP_FULL}"


def test_docdb_is_bibliographic_by_nature(loaded: Loaded) -> None:
    records = docdb_records(loaded.tolerant)
    groups = {g.label: g for g in loaded.report.groups if g.format == "epo-docdb"}
    assert {label: g.documents for label, g in groups.items()} == {
        f"{c} {k}": n for (c, k), n in records.items()}
    for (country, kind), n in records.items():
        group = groups[f"{country} {kind}"]
        assert group.nature == "bibliographic" and group.bibliographic_only == n
        carry = "the document carries" if n == 1 else f"all {n} documents carry"
        repaired = (f"; {n} of {n} repaired (tolerant recovery)"
                    if country == "WO" else "")
        assert group.judgement == (f"{country} {kind}: bibliographic by nature (not a defect); "
                                   f"complete: {carry} title, parties, classifications"
                                   f"{repaired}")
    assert ("WO", "A1") in records if loaded.tolerant else ("WO", "A1") not in records


def test_ops_answers_judged_bibliographic(loaded: Loaded) -> None:
    groups = [g for g in loaded.report.groups if g.format == "epo-ops"]
    assert groups and all(g.nature == "bibliographic" and g.complete for g in groups)
    assert loaded.group("epo-ops", "US A1").judgement == (
        "US A1: bibliographic by nature (not a defect)")


def test_trademark_gazettes(loaded: Loaded) -> None:
    gazettes = sorted(TRADEMARKS.glob("*.SGM"))
    character = sum(re.search(rb'KIND-OF-TRADEMARK="(?:DEFENSIVE-)?CHARACTER"',
                              p.read_bytes()) is not None for p in gazettes)
    group = loaded.group("jp-trademark-gazette", "JP TM")
    n = len(gazettes)
    assert (group.documents, group.bibliographic_only, group.nature) == (n, None, "trademark")
    figures = {f.part: (f.present, f.of) for f in group.expected}
    assert figures == {"mark text": (character, character),
                       "mark image or sound": (n - character, n - character),
                       "Nice classes": (n, n), "right holders": (n, n)}
    assert group.judgement == (
        f"JP TM: complete: all {n} documents carry mark text ({character}), mark image or "
        f"sound ({n - character}), Nice classes, right holders")
    assert group.present == {"mark text": 6, "mark image or sound": 7, "Nice classes": 8,
                             "right holders": 8}


def test_problems_repairs_and_quarantine_by_format(loaded: Loaded) -> None:
    by_format = {p.format: p for p in loaded.report.problems}
    ep, docdb = by_format["ep-patent-document"], by_format["epo-docdb"]
    ep_files = len(list((FOREIGN / "ep").glob("*/*.xml")))
    docdb_files = len(list((FOREIGN / "docdb").glob("*.xml")))
    biblio_only = sum(not d.claims and not d.description
                      for d in ep_documents(loaded.tolerant))
    assert dict(ep.families)["bibliographic only: the file carries no description and"] \
        == biblio_only
    if loaded.tolerant:
        assert (ep.files, ep.repaired_files, ep.repairs) == (
            ep_files, len(MALFORMED), sum(r for _l, _c, r in MALFORMED.values()))
        assert (docdb.files, docdb.repaired_files, docdb.repairs) == (
            docdb_files, len(UNDECLARED), len(UNDECLARED))
        assert loaded.report.quarantined == {}
    else:
        assert (ep.files, ep.repaired_files, ep.repairs) == (ep_files - len(MALFORMED), 0, 0)
        assert (docdb.files, docdb.repaired_files) == (docdb_files - len(UNDECLARED), 0)
        assert loaded.report.quarantined == {"ep-patent-document": len(MALFORMED),
                                             "epo-docdb": len(UNDECLARED)}


def test_country_filter(loaded: Loaded) -> None:
    us = loaded.us_report
    assert us.country == "US" and {g.country for g in us.groups} == {"US"}
    assert [(g.format, g.label) for g in us.groups] == [
        (g.format, g.label) for g in loaded.report.groups if g.country == "US"]
    formats = {p.format for p in us.problems}
    assert formats == {g.format for g in us.groups}
    assert us.quarantined == loaded.report.quarantined      # refused files have no country


@pytest.mark.parametrize("text", ["USA", "1", "", "E P"])
def test_a_bad_country_is_refused_clearly(text: str) -> None:
    with pytest.raises(quality.BadCountry, match="is not a country code: give two letters"):
        quality.country_code(text)


def test_country_code_is_upper_cased() -> None:
    assert quality.country_code(" ep ") == "EP"


# --- what is missing, said exactly ----------------------------------------------------

def _without(path: Path, *tags: str) -> bytes:
    """A real sample with the elements `tags` taken out, in every language (a delivery
    that lost them)."""
    text = path.read_text("utf-8")
    for tag in tags:
        text, n = re.subn(rf"<{tag}\b.*?</{tag}>", "", text, flags=re.DOTALL)
        assert n >= 1, (path, tag)
    return text.encode("utf-8")


def test_missing_parts_are_named(db: Database, tmp_path: Path) -> None:
    """EP A1 samples, one of which lost its claims and one its abstract; an EP B1 that
    lost both claims and description (bibliographic only, counted apart); an EP B2
    given an abstract its kind does not carry."""
    ep = FOREIGN / "ep"
    abstract = re.search(r"<abstract\b.*?</abstract>",
                         (ep / "application" / "v1-5-A1.xml").read_text("utf-8"),
                         re.DOTALL)
    assert abstract is not None
    b2 = (ep / "grant" / "v1-4-B2.xml").read_text("utf-8")          # in English
    files = {
        "a1-no-claims.xml": _without(ep / "application" / "v1-5-A1.xml", "claims"),
        "a1-no-abstract.xml": _without(ep / "application" / "v1-5-1-A1.xml", "abstract"),
        "a1.xml": (ep / "application" / "v1-0-A1.xml").read_bytes(),
        "b1-biblio.xml": _without(ep / "grant" / "v1-5-B1.xml", "description", "claims"),
        "b2-abstract.xml": b2.replace("<description", abstract[0] + "<description", 1)
                             .encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    Ingestor(db.engine, db.blobs, workers=0).run(walk([tmp_path]))
    with db.engine.connect() as conn:
        report = quality.build(conn, "EP")
    lines = {g.label: (g.complete, g.judgement) for g in report.groups}
    assert lines == {
        "EP A1": (False, "EP A1: 1 of 3 without abstract; 1 of 3 without claims"),
        "EP B1": (True, f"EP B1: none with text; 1 of 1 {COUNTED_APART}"),
        "EP B2": (True, "EP B2: complete: the one with text carries title, claims, "
                        "description, parties, classifications; 1 of 1 carry abstract, "
                        "which the kind does not"),
    }
    [a1] = [g for g in report.groups if g.label == "EP A1"]
    assert [(f.part, f.present, f.of, f.missing) for f in a1.expected] == [
        ("title", 3, 3, 0), ("abstract", 2, 3, 1), ("claims", 2, 3, 1),
        ("description", 3, 3, 0), ("parties", 3, 3, 0), ("classifications", 3, 3, 0)]
