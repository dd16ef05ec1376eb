"""Published documents with their text, and the search units the index is built from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from tokkyo.model.cases import ParentApplication, Priority
from tokkyo.model.citations import NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Classification, Scheme
from tokkyo.model.documents import Amendment, Claim, Drawing, LocalText, Paragraph, Publication
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole
from tokkyo.model.trademarks import GoodsServices, TrademarkInfo
from tokkyo.store.bulk import SizedIn, chunked, insert_rows
from tokkyo.store.repositories import parties
from tokkyo.store.repositories.cases import ensure_application, ensure_applications
from tokkyo.store.repositories.rows import obj_of, row_of
from tokkyo.store.tables import (
    amendments,
    applications,
    citations,
    claims,
    classifications,
    drawings,
    family_parents,
    paragraphs,
    priorities,
    publication_events,
    publication_files,
    publication_texts,
    publications,
)
from tokkyo.store.tables import parties as parties_table

_SCALARS = ("country", "kind", "st16_kind", "law", "number", "date", "filing_date", "title",
            "abstract", "language", "registration_number", "registration_date",
            "number_of_claims", "examination_requested", "filing_form", "total_pages",
            "representative_figure", "family_id", "repaired")
_CHILDREN = (claims, paragraphs, drawings, amendments, publication_texts)
_OWNED = (parties_table, priorities, classifications, citations, family_parents)

# The statements ingest runs for every document, built once: building a Core statement
# and its cache key on each call cost more than SQLite's execution of it (a small
# document runs a dozen or more of them). A built statement keeps its cache key, so
# executing it again goes straight to the compiled form.
_PUB: sa.BindParameter[int] = sa.bindparam("b_pub")
_FIND = sa.select(publications.c.id).where(
    publications.c.country == sa.bindparam("b_country"),
    publications.c.kind == sa.bindparam("b_kind"),
    publications.c.number == sa.bindparam("b_number"))
_CASE_OF = sa.select(publications.c.application_id).where(publications.c.id == _PUB)
_INSERT = sa.insert(publications).returning(publications.c.id)
_UPDATE = sa.update(publications).where(publications.c.id == _PUB)
_CLEAR = tuple(sa.delete(t).where(t.c.publication_id == _PUB) for t in _CHILDREN + _OWNED)
_HELD = sa.select(*(sa.exists().where(t.c.publication_id == _PUB).label(f"in_{t.name}")
                    for t in _CHILDREN + _OWNED))
_TEXT_HELD = sa.select(sa.or_(*(sa.exists().where(t.c.publication_id == _PUB)
                                for t in (claims, paragraphs, drawings))))
_ROWS_OF = {t.name: sa.select(t).where(t.c.publication_id == _PUB).order_by(t.c.position)
            for t in (*_CHILDREN, priorities, classifications, citations, parties_table)}
_PARENT_OF = sa.select(family_parents).where(family_parents.c.publication_id == _PUB)
_LOAD = (sa.select(publications, applications.c.application_number)
         .join(applications, applications.c.id == publications.c.application_id)
         .where(publications.c.id == _PUB))
_CLEAR_FILES = sa.delete(publication_files).where(publication_files.c.publication_id == _PUB)
_CLEAR_EVENTS = sa.delete(publication_events).where(
    publication_events.c.publication_id == _PUB)

# The same for a delivery's documents together, with IN lists (`SizedIn`, cut by
# `chunked`).
_FIND_MANY = SizedIn(lambda countries, kinds, numbers: sa.select(
    publications.c.id, publications.c.application_id, publications.c.country,
    publications.c.kind, publications.c.number).where(
        publications.c.country.in_(countries), publications.c.kind.in_(kinds),
        publications.c.number.in_(numbers)), "countries", "kinds", "numbers")
_INSERT_MANY = sa.insert(publications).returning(publications.c.id, sort_by_parameter_order=True)
_HELD_MANY = SizedIn(lambda pubs: sa.union_all(*(
    sa.select(sa.literal(t.name).label("name"), t.c.publication_id)
    .where(t.c.publication_id.in_(pubs)).distinct() for t in _CHILDREN + _OWNED)), "pubs")
_CLEAR_MANY = {t.name: SizedIn(lambda pubs, t=t: sa.delete(t).where(t.c.publication_id.in_(pubs)),
                               "pubs")
               for t in (*_CHILDREN, *_OWNED, publication_files, publication_events)}
_ROWS_OF_MANY = {t.name: SizedIn(lambda pubs, t=t: sa.select(t).where(t.c.publication_id.in_(pubs))
                                 .order_by(t.c.publication_id, t.c.position), "pubs")
                 for t in (*_CHILDREN, priorities, classifications, citations, parties_table)}
_PARENTS_OF_MANY = SizedIn(lambda pubs: sa.select(family_parents)
                           .where(family_parents.c.publication_id.in_(pubs))
                           .order_by(family_parents.c.publication_id, family_parents.c.id), "pubs")
_LOAD_MANY = SizedIn(lambda pubs: sa.select(publications, applications.c.application_number)
                     .join(applications, applications.c.id == publications.c.application_id)
                     .where(publications.c.id.in_(pubs)), "pubs")
_INSERT_PARENT = sa.insert(family_parents)

#: (country, kind, number): what identifies a stored publication.
Key = tuple[str, str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class Stored:
    """A stored publication as a delivery's writing needs it: its id, its case's id and
    the names of the tables that hold rows of it (`held`)."""

    id: int
    application_id: int
    held: frozenset[str] = frozenset()


def find(conn: sa.Connection, country: str, kind: str, number: str) -> int | None:
    return conn.execute(_FIND, {"b_country": country, "b_kind": kind, "b_number": number}
                        ).scalar_one_or_none()


def find_of_kinds(conn: sa.Connection, country: str, kinds: Sequence[str], number: str
                  ) -> sa.Row | None:
    """(id, kind, source_id) of the stored publication with that number and one of
    `kinds` (a stage's gazette kinds), None when there is none."""
    return conn.execute(sa.select(publications.c.id, publications.c.kind,
                                  publications.c.source_id)
                        .where(publications.c.country == country,
                               publications.c.kind.in_(kinds),
                               publications.c.number == number)).first()


def kinds_of_number(conn: sa.Connection, country: str, number: str) -> list[sa.Row]:
    """(id, kind, law, date, source_id) of the stored publications of one number (an EP
    A1 and its B1), oldest first."""
    return list(conn.execute(sa.select(publications.c.id, publications.c.kind,
                                       publications.c.law, publications.c.date,
                                       publications.c.source_id)
                             .where(publications.c.country == country,
                                    publications.c.number == number)
                             .order_by(publications.c.date, publications.c.id)))


def family_members(conn: sa.Connection, app_id: int) -> list[sa.Row]:
    """Publications of other cases in the same DOCDB family as any of this case's, or
    whose priority claims name this case's application (a foreign filing claiming a JP
    priority), as (country, kind, number, law, date, title)."""
    own = sa.select(publications.c.family_id).where(publications.c.application_id == app_id,
                                                    publications.c.family_id != "")
    number = sa.select(applications.c.application_number, applications.c.country).where(
        applications.c.id == app_id).subquery()
    claiming = (sa.select(priorities.c.publication_id)
                .join(number, sa.and_(priorities.c.paris_country == number.c.country,
                                      priorities.c.paris_application_number.in_(
                                          [number.c.application_number,
                                           sa.func.substr(number.c.application_number, 5)])))
                .where(priorities.c.publication_id.is_not(None)))
    return list(conn.execute(
        sa.select(publications.c.country, publications.c.kind, publications.c.number,
                  publications.c.law, publications.c.date, publications.c.title)
        .where(publications.c.application_id != app_id,
               sa.or_(publications.c.family_id.in_(own), publications.c.id.in_(claiming)))
        .order_by(publications.c.country, publications.c.date, publications.c.number)))


def count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(publications)).scalar_one()


def newest(conn: sa.Connection, limit: int, offset: int) -> list[sa.Row]:
    """(country, kind, number, date, title) of one page of publications, newest first."""
    return list(conn.execute(sa.select(publications.c.country, publications.c.kind,
                                       publications.c.number, publications.c.law,
                                       publications.c.date, publications.c.title)
                             .order_by(publications.c.date.desc(), publications.c.id)
                             .limit(limit).offset(offset)).all())


def case_of(conn: sa.Connection, pub_id: int) -> int:
    """The application id of a stored publication."""
    return conn.execute(_CASE_OF, {"b_pub": pub_id}).scalar_one()


def write(conn: sa.Connection, pub: Publication, source_id: int, existing: int | None
          ) -> tuple[int, int]:
    """Insert the publication, or replace the content of `existing`, the stored one with
    the same number (the caller has looked it up with `find`); returns its id and its
    case's."""
    app_id = ensure_application(conn, pub.law, case_number(pub), pub.country)
    values = _values(pub, source_id, app_id)
    if existing is None:
        pub_id = conn.execute(_INSERT, values).scalar_one()
    else:
        pub_id = existing
        _clear(conn, pub_id)
        conn.execute(_UPDATE, {"b_pub": pub_id, **values})
    _children(conn, [(app_id, pub_id, pub)])
    parties.learn_names(conn, pub.parties, origin="gazette")
    return pub_id, app_id


def write_many(conn: sa.Connection, pubs: Sequence[Publication], source_ids: Sequence[int],
               stored: Sequence[Stored | None]) -> list[tuple[int, int]]:
    """`write` for several documents (one delivery's, or a batch's files'), table by
    table: `pubs[i]` from source version `source_ids[i]`, `stored[i]` the stored
    publication it replaces (`find_many`, `held_many`), None for a new one. Their
    numbers must differ (a number twice is written one by one, each replacing
    the one before). One lookup and at most one insert for their cases, one clear per
    table holding replaced rows, one update of the replaced publications, one
    multi-row insert of the new ones (their ids in the delivery's order, as one by one)
    and one insert per child table; what is stored is what `write` stores for each in
    turn (only the child rows' own ids, which nothing refers to, may come out in
    another order). Returns (publication id, case id) of each."""
    app_ids = ensure_applications(conn, [(p.law, case_number(p), p.country) for p in pubs])
    values = [_values(p, source_id, app_id)
              for p, source_id, app_id in zip(pubs, source_ids, app_ids, strict=True)]
    replaced = [(old, row) for old, row in zip(stored, values, strict=True) if old is not None]
    _clear_many(conn, [old for old, _row in replaced])
    if replaced:
        conn.execute(_UPDATE, [{"b_pub": old.id, **row} for old, row in replaced])
    new = [row for old, row in zip(stored, values, strict=True) if old is None]
    new_ids = iter(conn.execute(_INSERT_MANY, new).scalars().all() if new else ())
    pub_ids = [old.id if old is not None else next(new_ids) for old in stored]
    _children(conn, list(zip(app_ids, pub_ids, pubs, strict=True)))
    parties.learn_names(conn, [party for p in pubs for party in p.parties], origin="gazette")
    return list(zip(pub_ids, app_ids, strict=True))


def _values(pub: Publication, source_id: int, app_id: int) -> dict[str, Any]:
    """The publications row of `pub`."""
    values = {name: getattr(pub, name) for name in _SCALARS}
    values["law"] = pub.law.value
    values["trademark"] = (json.dumps(dataclasses.asdict(pub.trademark), ensure_ascii=False)
                           if pub.trademark is not None else None)
    values["application_id"] = app_id
    values["source_id"] = source_id
    return values


def find_many(conn: sa.Connection, keys: Sequence[Key]) -> dict[Key, Stored]:
    """The stored publications of those (country, kind, number) keys, each with its
    case: `find` and `case_of` for many in one statement (per 500)."""
    wanted = set(keys)
    found: dict[Key, Stored] = {}
    for chunk in chunked(list(dict.fromkeys(keys))):
        rows = _FIND_MANY.execute(conn, {"countries": sorted({k[0] for k in chunk}),
                                         "kinds": sorted({k[1] for k in chunk}),
                                         "numbers": sorted({k[2] for k in chunk})})
        for row in rows:
            key = (row.country, row.kind, row.number)
            if key in wanted:
                found[key] = Stored(row.id, row.application_id)
    return found


def held_many(conn: sa.Connection, found: Sequence[Stored]) -> list[Stored]:
    """`found` with the names of the tables holding rows of each (`_held` for many in one
    statement), which its clearing, stored text and loading read."""
    held: dict[int, set[str]] = {s.id: set() for s in found}
    for chunk in chunked(list(held)):
        for row in _HELD_MANY.execute(conn, {"pubs": chunk}):
            held[row.publication_id].add(row.name)
    return [dataclasses.replace(s, held=frozenset(held[s.id])) for s in found]


def case_number(pub: Publication) -> str:
    """The number a publication's case is stored under: its application number, or for a
    foreign document whose source gives none, `P` and its publication number (which no
    application number has the form of)."""
    if pub.application_number or pub.country == "JP":
        return pub.application_number
    return f"P{pub.number}"


def delete(conn: sa.Connection, pub_id: int) -> None:
    """Remove a stored publication (a DOCDB delete record), and its case when it was the
    case's only one; what was delivered stays in the source history."""
    app_id = case_of(conn, pub_id)
    conn.execute(sa.delete(publications).where(publications.c.id == pub_id))
    left = conn.execute(sa.select(sa.func.count()).select_from(publications)
                        .where(publications.c.application_id == app_id)).scalar_one()
    if not left:
        conn.execute(sa.delete(applications).where(applications.c.id == app_id))


def attach_files(conn: sa.Connection, pub_id: int,
                 files: Sequence[tuple[str, str | None, str]]) -> None:
    """The files that came with a publication: (name, blob SHA-256 or None when it was
    missing from the delivery, media type)."""
    conn.execute(_CLEAR_FILES, {"b_pub": pub_id})
    _insert(conn, publication_files, [
        {"publication_id": pub_id, "position": i, "name": name, "blob_sha256": sha,
         "media_type": media_type} for i, (name, sha, media_type) in enumerate(files)])


def replace_events(conn: sa.Connection, pub_id: int,
                   events: Sequence[tuple[dt.date | None, str, str, str]]) -> None:
    """A publication's legal events as its latest report gives them: (date, code,
    description, category)."""
    conn.execute(_CLEAR_EVENTS, {"b_pub": pub_id})
    _insert(conn, publication_events, [
        {"publication_id": pub_id, "position": i, "date": date, "code": code,
         "description": description, "category": category}
        for i, (date, code, description, category) in enumerate(events)])


def attach_files_many(conn: sa.Connection,
                      owned: Sequence[tuple[int, Sequence[tuple[str, str | None, str]]]]
                      ) -> None:
    """`attach_files` for several publications (id, files) in one clear and one insert."""
    _clear_ids(conn, publication_files, [pub_id for pub_id, _files in owned])
    _insert(conn, publication_files, [
        {"publication_id": pub_id, "position": i, "name": name, "blob_sha256": sha,
         "media_type": media_type}
        for pub_id, files in owned for i, (name, sha, media_type) in enumerate(files)])


def replace_events_many(
        conn: sa.Connection,
        owned: Sequence[tuple[int, Sequence[tuple[dt.date | None, str, str, str]]]]) -> None:
    """`replace_events` for several publications (id, events) in one clear and one
    insert."""
    _clear_ids(conn, publication_events, [pub_id for pub_id, _events in owned])
    _insert(conn, publication_events, [
        {"publication_id": pub_id, "position": i, "date": date, "code": code,
         "description": description, "category": category}
        for pub_id, events in owned
        for i, (date, code, description, category) in enumerate(events)])


def events_of(conn: sa.Connection, pub_id: int) -> list[sa.Row]:
    """(date, code, description, category) of a publication's reported legal events."""
    e = publication_events.c
    return list(conn.execute(sa.select(e.date, e.code, e.description, e.category)
                             .where(e.publication_id == pub_id).order_by(e.position)))


def files_of(conn: sa.Connection, pub_id: int) -> list[sa.Row]:
    """(name, blob_sha256, media_type) of the files that came with a publication."""
    return list(conn.execute(sa.select(publication_files.c.name, publication_files.c.blob_sha256,
                                       publication_files.c.media_type)
                             .where(publication_files.c.publication_id == pub_id)
                             .order_by(publication_files.c.position)))


def _held(conn: sa.Connection, pub_id: int) -> set[str]:
    """The names of the tables that hold rows of the publication, asked in one statement
    (an indexed EXISTS per table), so that clearing or loading it runs no statement for
    the tables it has nothing in: a bibliographic record has no claims, paragraphs,
    drawings, amendments or parent, and most documents no other-language texts."""
    row = conn.execute(_HELD, {"b_pub": pub_id}).one()
    return {t.name for t, held in zip(_CHILDREN + _OWNED, row, strict=True) if held}


def _clear(conn: sa.Connection, pub_id: int) -> None:
    held = _held(conn, pub_id)
    for table, statement in zip(_CHILDREN + _OWNED, _CLEAR, strict=True):
        if table.name in held:
            conn.execute(statement, {"b_pub": pub_id})


def _clear_many(conn: sa.Connection, found: Sequence[Stored]) -> None:
    """`_clear` for many: per table, one DELETE of the publications holding rows in it."""
    for table in _CHILDREN + _OWNED:
        _clear_ids(conn, table, [s.id for s in found if table.name in s.held])


def _clear_ids(conn: sa.Connection, table: sa.Table, pub_ids: Sequence[int]) -> None:
    for chunk in chunked(pub_ids):
        _CLEAR_MANY[table.name].execute(conn, {"pubs": chunk})


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    insert_rows(conn, table, rows)


def _children(conn: sa.Connection, owners: Sequence[tuple[int, int, Publication]]) -> None:
    """The child rows of publications (case id, publication id, publication), each
    table's rows for all of them in one insert, in the owners' order."""
    def rows(table: sa.Table, parts: str) -> list[dict]:
        return [row_of(part, position=i, publication_id=pub_id)
                for _app_id, pub_id, pub in owners
                for i, part in enumerate(getattr(pub, parts))]

    _insert(conn, claims, rows(claims, "claims"))
    _insert(conn, paragraphs, rows(paragraphs, "paragraphs"))
    _insert(conn, drawings, rows(drawings, "drawings"))
    _insert(conn, amendments, rows(amendments, "amendments"))
    _insert(conn, publication_texts, rows(publication_texts, "other_texts"))
    parties.insert_many(conn, [(app_id, pub_id, pub.parties) for app_id, pub_id, pub in owners])
    _insert(conn, priorities, [row_of(p, position=i, application_id=app_id, publication_id=pub_id)
                               for app_id, pub_id, pub in owners
                               for i, p in enumerate(pub.priorities)])
    _insert(conn, classifications, [
        row_of(c, position=i, application_id=app_id, publication_id=pub_id,
               scheme=c.scheme.value)
        for app_id, pub_id, pub in owners for i, c in enumerate(pub.classifications)])
    for kind, attribute in (("patent", "patent_citations"),
                            ("non-patent", "non_patent_citations")):
        _insert(conn, citations, [row_of(c, rename={"order": "citation_order"}, kind=kind,
                                         position=i, application_id=app_id,
                                         publication_id=pub_id)
                                  for app_id, pub_id, pub in owners
                                  for i, c in enumerate(getattr(pub, attribute))])
    parents = [row_of(pub.parent, rename={"application_number": "parent_application_number"},
                      application_id=app_id, publication_id=pub_id)
               for app_id, pub_id, pub in owners if pub.parent is not None]
    if parents:
        conn.execute(_INSERT_PARENT, parents)


def stored_text(conn: sa.Connection, pub_id: int
                ) -> tuple[tuple[Claim, ...], tuple[Paragraph, ...], tuple[Drawing, ...]] | None:
    """The claims, paragraphs and drawings of a stored publication, or None when it has
    none of them (one indexed EXISTS, the common case of a bibliographic record)."""
    if not conn.execute(_TEXT_HELD, {"b_pub": pub_id}).scalar_one():
        return None

    def rows(table: sa.Table) -> Sequence[sa.Row]:
        return conn.execute(_ROWS_OF[table.name], {"b_pub": pub_id}).all()

    return (tuple(obj_of(Claim, r._mapping) for r in rows(claims)),
            tuple(obj_of(Paragraph, r._mapping) for r in rows(paragraphs)),
            tuple(obj_of(Drawing, r._mapping) for r in rows(drawings)))


def stored_texts(conn: sa.Connection, found: Sequence[Stored]
                 ) -> dict[int, tuple[tuple[Claim, ...], tuple[Paragraph, ...],
                                      tuple[Drawing, ...]]]:
    """`stored_text` for many (`held_many`'s): the claims, paragraphs and drawings of
    those that hold any, by publication id, one statement per table holding some."""
    with_text = [s for s in found if s.held & _TEXT_TABLES]
    parts = {t.name: _rows_by_publication(conn, t, [s.id for s in with_text if t.name in s.held])
             for t in (claims, paragraphs, drawings)}
    return {s.id: (tuple(obj_of(Claim, r._mapping) for r in parts["claims"].get(s.id, ())),
                   tuple(obj_of(Paragraph, r._mapping)
                         for r in parts["paragraphs"].get(s.id, ())),
                   tuple(obj_of(Drawing, r._mapping) for r in parts["drawings"].get(s.id, ())))
            for s in with_text}


def load_many(conn: sa.Connection, found: Sequence[Stored]) -> dict[int, Publication]:
    """`load` for many (`held_many`'s), by publication id: one statement for the
    publications and one per child table that holds rows of any of them."""
    ids = [s.id for s in found]
    rows = {row.id: row for chunk in chunked(ids)
            for row in _LOAD_MANY.execute(conn, {"pubs": chunk})}

    def children(table: sa.Table) -> dict[int, list[sa.Row]]:
        return _rows_by_publication(conn, table, [s.id for s in found if table.name in s.held])

    parts = {t.name: children(t) for t in (*_CHILDREN, priorities, classifications, citations,
                                           parties_table)}
    parents: dict[int, sa.Row] = {}
    for chunk in chunked([s.id for s in found if family_parents.name in s.held]):
        for parent in _PARENTS_OF_MANY.execute(conn, {"pubs": chunk}):
            parents.setdefault(parent.publication_id, parent)
    return {pub_id: _publication(rows[pub_id], {name: rows_of.get(pub_id, [])
                                                 for name, rows_of in parts.items()},
                                 parents.get(pub_id))
            for pub_id in ids}


def _rows_by_publication(conn: sa.Connection, table: sa.Table, pub_ids: Sequence[int]
                         ) -> dict[int, list[sa.Row]]:
    """The rows of `table` of those publications, each one's in the order of position."""
    found: dict[int, list[sa.Row]] = {}
    for chunk in chunked(pub_ids):
        for row in _ROWS_OF_MANY[table.name].execute(conn, {"pubs": chunk}):
            found.setdefault(row.publication_id, []).append(row)
    return found


_TEXT_TABLES = frozenset({claims.name, paragraphs.name, drawings.name})
_ROLES = frozenset(r.value for r in PartyRole)


def _publication(row: sa.Row, children: dict[str, list[sa.Row]], parent: sa.Row | None
                 ) -> Publication:
    """A publication from its row and its child rows by table (`load`, `load_many`)."""
    app_id = row.application_id
    cites = children[citations.name]
    rename = {"order": "citation_order"}
    return Publication(
        **{name: getattr(row, name) for name in _SCALARS if name != "law"},
        law=Law(row.law),
        application_number=("" if row.country != "JP" and row.application_number.startswith("P")
                            else row.application_number),
        other_texts=tuple(obj_of(LocalText, r._mapping)
                          for r in children[publication_texts.name]),
        trademark=trademark_of(row.trademark),
        claims=tuple(obj_of(Claim, r._mapping) for r in children[claims.name]),
        paragraphs=tuple(obj_of(Paragraph, r._mapping) for r in children[paragraphs.name]),
        drawings=tuple(obj_of(Drawing, r._mapping) for r in children[drawings.name]),
        amendments=tuple(obj_of(Amendment, r._mapping) for r in children[amendments.name]),
        parties=tuple(Party(role=PartyRole(r.role), name=r.name, code=r.code,
                            sequence=r.sequence, address=r.address, agent_kind=r.agent_kind)
                      for r in children[parties_table.name]
                      if r.application_id == app_id and r.role in _ROLES),
        priorities=tuple(obj_of(Priority, r._mapping) for r in children[priorities.name]),
        classifications=tuple(obj_of(Classification, r._mapping, scheme=Scheme(r.scheme))
                              for r in children[classifications.name]),
        patent_citations=tuple(obj_of(PatentCitation, r._mapping, rename) for r in cites
                               if r.kind == "patent"),
        non_patent_citations=tuple(obj_of(NonPatentCitation, r._mapping, rename) for r in cites
                                   if r.kind == "non-patent"),
        parent=obj_of(ParentApplication, parent._mapping,
                      rename={"application_number": "parent_application_number"})
        if parent else None,
    )


def load(conn: sa.Connection, pub_id: int) -> Publication:
    row = conn.execute(_LOAD, {"b_pub": pub_id}).one()
    held = _held(conn, pub_id)
    children = {t.name: (list(conn.execute(_ROWS_OF[t.name], {"b_pub": pub_id}))
                         if t.name in held else [])
                for t in (*_CHILDREN, priorities, classifications, citations, parties_table)}
    parent = (conn.execute(_PARENT_OF, {"b_pub": pub_id}).first()
              if family_parents.name in held else None)
    return _publication(row, children, parent)


def trademark_of(stored: str | None) -> TrademarkInfo | None:
    """A mark's particulars as `write` stored them (JSON)."""
    if stored is None:
        return None
    data: dict[str, Any] = json.loads(stored)
    goods = tuple(GoodsServices(g["nice_class"], g["names"], tuple(g["similar_codes"]))
                  for g in data.pop("goods_services", ()))
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in data.items()}
    return TrademarkInfo(**values, goods_services=goods)


def list_for_application(conn: sa.Connection, app_id: int) -> list[sa.Row]:
    return list(conn.execute(sa.select(publications.c.id, publications.c.country,
                                       publications.c.kind, publications.c.number,
                                       publications.c.law, publications.c.date,
                                       publications.c.title)
                             .where(publications.c.application_id == app_id)
                             .order_by(publications.c.date, publications.c.id)))
