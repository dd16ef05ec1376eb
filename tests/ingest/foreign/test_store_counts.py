"""Every real file of every foreign format, and every JP trademark gazette, loaded through
the ingest service into SQLite and PostgreSQL: the claims, description paragraphs,
applicants and classification codes the store holds equal the counts taken from the
source by each reader's test module (`source_counts`, a plain XPath, regex or SGML count),
not numbers copied from a run (issue 15, "Tests that must exist").

The store keeps one document per (country, kind, number). Where several files carry the
same document (the EPO OPS answers about EP1000000), the store holds their merge, and
the test derives what that merge must hold from the source counts of the answers that
carry each part. OPS answers of one document merge in either order: a claims answer
after a biblio answer, and a biblio answer after a claims answer."""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import SAMPLES, fresh_database, searched
from tests.ingest import test_trademark_gazette
from tests.ingest.foreign import test_cn, test_docdb, test_ep, test_ops, test_st96, test_us
from tokkyo.documents.images import mark_pages
from tokkyo.ingest.errors import Skipped
from tokkyo.ingest.items import walk
from tokkyo.ingest.parsed import Delivery
from tokkyo.ingest.readers import parse
from tokkyo.ingest.service import Ingestor, RunReport
from tokkyo.store.blobs import LocalBlobStore
from tokkyo.store.database import Database
from tokkyo.store.engine import make_engine
from tokkyo.store.tables import (
    claims,
    classifications,
    goods_services,
    paragraphs,
    parties,
    publication_files,
    publications,
)

FOREIGN = SAMPLES / "foreign"
TRADEMARKS = SAMPLES / "jp-trademark-gazette"
OPS = FOREIGN / "epo-ops" / "epo_ops_xml"

#: (country, kind, number): a document as the store keys it.
Key = tuple[str, str, str]

#: Each format folder's `source_counts`, from the reader's own test module.
COUNTERS: dict[str, Callable[[Path], dict[str, int]]] = {
    "ep": test_ep.source_counts, "us": test_us.source_counts, "cn": test_cn.source_counts,
    "st96": test_st96.source_counts, "docdb": test_docdb.source_counts,
    "epo-ops": test_ops.source_counts,
}


def counter_of(path: Path) -> Callable[[Path], dict[str, int]]:
    """The `source_counts` of the reader a sample belongs to (by its folder)."""
    if path.is_relative_to(TRADEMARKS):
        return test_trademark_gazette.source_counts
    return COUNTERS[path.relative_to(FOREIGN).parts[0]]


def applicant_roles(path: Path) -> tuple[str, ...]:
    """The party roles each reader test counts as the source's applicants: EP applicants
    (B711) and proprietors (B731), ST.96 trademark applicants and owners, a trademark
    gazette's right holders; elsewhere applicants."""
    if path.is_relative_to(TRADEMARKS):
        return ("right-holder",)
    if path.is_relative_to(FOREIGN / "ep") or path.name == test_st96.TRADEMARK:
        return ("applicant", "right-holder")
    return ("applicant",)


@dataclass(frozen=True)
class Corpus:
    """What ingest reads from the two sample folders: each loadable file (by path) with
    the documents it carries, in the order ingest loads them, the repaired documents and
    the files ingest skips (licences, DTDs, manifests, answers that hold no document)."""

    files: dict[Path, tuple[Key, ...]]
    partial: frozenset[Path]
    repaired: frozenset[Key]
    skipped: tuple[str, ...]

    def holders(self) -> dict[Key, list[Path]]:
        """Each document with the files that carry it, in load order."""
        found: dict[Key, list[Path]] = {}
        for path, keys in self.files.items():
            for key in keys:
                found.setdefault(key, []).append(path)
        return found

    def shared(self) -> set[Key]:
        """The documents more than one file carries."""
        return {key for key, paths in self.holders().items() if len(paths) > 1}


@functools.cache
def corpus() -> Corpus:
    """Each item of the two folders read the way ingest reads it (tolerantly), for the
    identity of the documents it carries; the counts come from `source_counts`."""
    files: dict[Path, tuple[Key, ...]] = {}
    partial: set[Path] = set()
    repaired: set[Key] = set()
    skipped: list[str] = []
    for item in walk([FOREIGN, TRADEMARKS]):
        try:
            payload = parse(item, tolerant=True).payload
        except Skipped:
            skipped.append(item.name)
            continue
        assert isinstance(payload, Delivery), item.name
        path = Path(item.name)
        files[path] = tuple((p.country, p.kind, p.number) for p in payload.publications)
        if payload.partial:
            partial.add(path)
        repaired |= {(p.country, p.kind, p.number) for p in payload.publications if p.repaired}
    return Corpus(files, frozenset(partial), frozenset(repaired), tuple(skipped))


def load(db: Database, *paths: Path) -> RunReport:
    """`paths` loaded with the real ingest service, tolerant mode and the search index
    (what `tokkyo ingest --tolerant` does)."""
    return Ingestor(db.engine, db.blobs, batch_size=50, tolerant=True).run(walk(list(paths)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Database, RunReport]]:
    """Both sample folders loaded once per backend."""
    folder = tmp_path_factory.mktemp(f"foreign-{request.param}")
    with fresh_database(request.param, request, folder) as url:
        db = searched(Database(make_engine(url), LocalBlobStore(folder / "blobs")),
                            folder / "search")
        try:
            yield db, load(db, FOREIGN, TRADEMARKS)
        finally:
            db.close()


def publication_id(conn: sa.Connection, key: Key) -> int | None:
    country, kind, number = key
    return conn.execute(sa.select(publications.c.id).where(
        publications.c.country == country, publications.c.kind == kind,
        publications.c.number == number)).scalar_one_or_none()


def store_counts(db: Database, keys: tuple[Key, ...] | list[Key],
                 roles: tuple[str, ...]) -> dict[str, int]:
    """Claims, paragraphs, parties of `roles` and classification codes the store holds
    for the documents `keys` (each must be stored), summed."""
    with db.engine.connect() as conn:
        ids = [publication_id(conn, key) for key in keys]
        assert None not in ids, [key for key, i in zip(keys, ids, strict=True) if i is None]

        def count(table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
            return conn.execute(sa.select(sa.func.count()).select_from(table).where(
                table.c.publication_id.in_(ids), *where)).scalar_one()

        return {"claims": count(claims), "paragraphs": count(paragraphs),
                "applicants": count(parties, parties.c.role.in_(roles)),
                "classifications": count(classifications)}


def source_counts(path: Path) -> dict[str, int]:
    """The four counts of issue 15 taken from the source by the reader's test module."""
    counts = counter_of(path)(path)
    return {name: counts[name] for name in ("claims", "paragraphs", "applicants",
                                             "classifications")}


def alone() -> list[Path]:
    """The files none of whose documents another file also carries."""
    shared = corpus().shared()
    return [path for path, keys in corpus().files.items() if not shared & set(keys)]


def test_the_load_skips_only_what_is_no_document(store):
    _db, report = store
    assert report.counts["quarantined"] == report.counts["failed"] == 0
    assert sorted(o.name for o in report.outcomes if o.status == "skipped") == sorted(
        corpus().skipped)
    assert sorted(Path(o.name) for o in report.outcomes
                  if o.status in ("loaded", "replaced")) == sorted(corpus().files)
    # every file each reader's tests read, and nothing else
    assert sorted(corpus().files) == sorted(
        [*(test_ep.EP / name for name in test_ep.FILES), *test_us.ALL,
         *(test_cn.CN / name for name in test_cn.FILES),
         *(test_st96.ST96 / name for name in test_st96.PUBLICATIONS), *test_docdb.FILES,
         *test_ops.FILES, *(TRADEMARKS / name for name in test_trademark_gazette.GAZETTES)])


def test_the_store_holds_exactly_the_documents_of_the_files(store):
    db, _report = store
    with db.engine.connect() as conn:
        stored = {tuple(row) for row in conn.execute(
            sa.select(publications.c.country, publications.c.kind, publications.c.number))}
        repaired = {tuple(row) for row in conn.execute(
            sa.select(publications.c.country, publications.c.kind, publications.c.number)
            .where(publications.c.repaired))}
    assert stored == set(corpus().holders())
    assert repaired == corpus().repaired
    assert {country for country, _kind, number in repaired} == {"EP", "WO"}
    assert len(repaired) == len(test_ep.MALFORMED) + len(test_docdb.UNDECLARED)


@pytest.mark.parametrize("path", alone(), ids=lambda p: str(p.relative_to(SAMPLES)))
def test_counts_in_the_store_equal_the_source(store, path):
    db, _report = store
    assert store_counts(db, corpus().files[path], applicant_roles(path)) == source_counts(path)


def test_the_ops_answers_about_ep1000000_are_merged(store):
    """Seven OPS answers carry EP1000000A1 and three EP1000000B1: the claims answer, the
    description answer, abstract and family answers, two biblio answers of both. The
    store holds one document each: the claims and the description of their own answers
    (which nothing later replaces: every other answer carries neither), and the parties
    and codes of the last complete biblio answer loaded, `full_cycle_example.xml`, which
    holds both documents. The family answer's other members carry nothing counted."""
    db, _report = store
    shared = {("EP", "A1", "1000000"), ("EP", "B1", "1000000")}
    assert corpus().shared() == shared
    holders = corpus().holders()
    answers = sorted({path for key in shared for path in holders[key]})
    assert [path.name for path in answers] == [
        "claims_example.xml", "description_example.xml", "ep1000000_abstract_result.xml",
        "ep1000000_full_cycle_result.xml", "example_1.xml", "example_2.xml",
        "family_input.xml", "full_cycle_example.xml"]
    counts = {path.name: source_counts(path) for path in answers}
    with_claims = [name for name, c in counts.items() if c["claims"]]
    with_paragraphs = [name for name, c in counts.items() if c["paragraphs"]]
    assert with_claims == ["claims_example.xml"]
    assert with_paragraphs == ["description_example.xml"]
    complete = [path.name for path in answers if path not in corpus().partial]
    assert complete == ["ep1000000_full_cycle_result.xml", "full_cycle_example.xml"]
    last = OPS / complete[-1]
    assert set(corpus().files[last]) == shared          # it carries both documents
    keys = sorted({key for path in answers for key in corpus().files[path]})
    assert store_counts(db, keys, ("applicant",)) == {
        "claims": counts["claims_example.xml"]["claims"],
        "paragraphs": counts["description_example.xml"]["paragraphs"],
        "applicants": counts[last.name]["applicants"],
        "classifications": counts[last.name]["classifications"]}
    assert counts["family_input.xml"] == dict.fromkeys(counts[last.name], 0)


def _document(db: Database, key: Key) -> dict[str, object]:
    with db.engine.connect() as conn:
        pub_id = publication_id(conn, key)
        row = conn.execute(sa.select(publications.c.title, publications.c.abstract)
                           .where(publications.c.id == pub_id)).one()
        texts = conn.execute(sa.select(claims.c.number, claims.c.text)
                             .where(claims.c.publication_id == pub_id)
                             .order_by(claims.c.position)).all()
        described = conn.execute(sa.select(sa.func.count()).select_from(paragraphs)
                                 .where(paragraphs.c.publication_id == pub_id)).scalar_one()
    return {"title": row.title, "claims": [(n, t[:40]) for n, t in texts],
            "paragraphs": described}


def _answers(tmp_path: Path, *names: str) -> list[Path]:
    """Copies of OPS answers, each in a folder of its own, to be loaded one by one."""
    copies = []
    for i, name in enumerate(names):
        folder = tmp_path / f"answer{i}"
        folder.mkdir()
        copies.append(Path(shutil.copy(OPS / name, folder / name)))
    return copies


A1 = ("EP", "A1", "1000000")
TITLE = "Apparatus for manufacturing green bricks for the brick manufacturing industry"


def test_a_claims_answer_after_a_biblio_answer_keeps_the_title(db, tmp_path):
    biblio, claimed = _answers(tmp_path, "full_cycle_example.xml", "claims_example.xml")
    assert load(db, biblio).counts["loaded"] == 1
    before = _document(db, A1)
    assert before == {"title": TITLE, "claims": [], "paragraphs": 0}
    assert load(db, claimed).counts["loaded"] == 1
    after = _document(db, A1)
    assert after["title"] == TITLE
    assert len(after["claims"]) == source_counts(OPS / "claims_example.xml")["claims"] == 11
    assert after["claims"][0] == (1, "Apparatus for manufacturing green bricks")


def test_a_biblio_answer_after_claims_and_description_keeps_them(db, tmp_path):
    """A biblio answer carries no claims and no description: loading it after them must
    not delete them (the store would silently lose text it received)."""
    claimed, described, biblio = _answers(tmp_path, "claims_example.xml",
                                          "description_example.xml",
                                          "full_cycle_example.xml")
    load(db, claimed)
    load(db, described)
    assert load(db, biblio).counts["loaded"] == 1
    after = _document(db, A1)
    assert after["title"] == TITLE
    assert len(after["claims"]) == source_counts(OPS / "claims_example.xml")["claims"]
    assert after["paragraphs"] == source_counts(OPS / "description_example.xml")["paragraphs"]


@pytest.mark.parametrize("name", test_trademark_gazette.GAZETTES)
def test_trademark_particulars_in_the_store_equal_the_gazette(store, name):
    """Beyond the four counts: a gazette's Nice classes, similar-group and Vienna codes
    (as the publication's codes), its goods groups (as its case's), attorneys, and its
    mark images: one stored file per ENTITY declaration, holding one page per <IMAGE>
    (a 3-D mark's views share one TIFF), against the SGML's own counts."""
    db, _report = store
    path = TRADEMARKS / name
    [key] = corpus().files[path]
    expected = test_trademark_gazette.source_counts(path)
    with db.engine.connect() as conn:
        pub_id = publication_id(conn, key)
        app_id = conn.execute(sa.select(publications.c.application_id)
                              .where(publications.c.id == pub_id)).scalar_one()
        schemes = conn.execute(sa.select(classifications.c.scheme)
                               .where(classifications.c.publication_id == pub_id)
                               ).scalars().all()
        attorneys = conn.execute(sa.select(sa.func.count()).select_from(parties).where(
            parties.c.publication_id == pub_id, parties.c.role == "attorney")).scalar_one()
        goods = conn.execute(sa.select(sa.func.count()).select_from(goods_services)
                             .where(goods_services.c.application_id == app_id)).scalar_one()
        files = conn.execute(sa.select(publication_files.c.name, publication_files.c.blob_sha256)
                             .where(publication_files.c.publication_id == pub_id)).all()
    assert {
        "nice": schemes.count("nice"), "similar_codes": schemes.count("similar-group"),
        "vienna": schemes.count("vienna"), "goods_groups": goods, "attorneys": attorneys,
        "images": sum(mark_pages(db.blobs.get(sha)) for _name, sha in files),
    } == {name: expected[name] for name in ("nice", "similar_codes", "vienna",
                                             "goods_groups", "attorneys", "images")}
    declared = re.findall(r'<!ENTITY\s+\S+\s+SYSTEM\s+"([^"]+)"',
                          path.read_bytes().decode("euc_jp"))
    assert [file_name for file_name, _sha in files] == declared
    for file_name, sha in files:                 # each image as it lies beside its gazette
        assert db.blobs.get(sha) == (TRADEMARKS / file_name).read_bytes()
