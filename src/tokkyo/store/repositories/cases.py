"""Writing what a source says about a case, section by section.

A section carried by a source replaces that section of the case whole: the rows it had
are deleted and the source's rows written (the previous source version stays in the
history). Sections a source does not carry are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from tokkyo.model import bundle_layout
from tokkyo.model.cases import CaseUpdate, Family, NumberReference, Priority, Progress
from tokkyo.model.citations import Citations
from tokkyo.model.classifications import Scheme
from tokkyo.model.dossier import DocumentBody
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyRole
from tokkyo.model.registrations import Registration
from tokkyo.model.trademarks import TrademarkInfo
from tokkyo.store.bulk import SizedIn, chunked, insert_rows
from tokkyo.store.repositories import legal_events, parties
from tokkyo.store.repositories.rows import row_of
from tokkyo.store.tables import (
    applications,
    case_sections,
    citations,
    classifications,
    document_bodies,
    dossier_documents,
    dossier_groups,
    family_divisionals,
    family_parents,
    goods_services,
    priorities,
    registrations,
    trademark_texts,
)
from tokkyo.store.tables import parties as parties_table

# Statements ingest runs for every document, built once (a built statement keeps its
# cache key; see repositories/publications.py).
_APPLICATION_ID = sa.select(applications.c.id).where(
    applications.c.country == sa.bindparam("b_country"),
    applications.c.law == sa.bindparam("b_law"),
    applications.c.application_number == sa.bindparam("b_number"))
_NEW_APPLICATION = sa.insert(applications).returning(applications.c.id)
_APPLICATION_IDS = SizedIn(lambda countries, laws, numbers: sa.select(
    applications.c.id, applications.c.country, applications.c.law,
    applications.c.application_number).where(
        applications.c.country.in_(countries), applications.c.law.in_(laws),
        applications.c.application_number.in_(numbers)), "countries", "laws", "numbers")
# one multi-row INSERT … RETURNING, the ids in the order of the rows given
_NEW_APPLICATIONS = sa.insert(applications).returning(applications.c.id,
                                                      sort_by_parameter_order=True)
_TRADEMARK_SECTION = sa.select(case_sections.c.section).where(
    case_sections.c.application_id == sa.bindparam("b_app"),
    case_sections.c.section == "trademark")
_CLEAR_TRADEMARK_TEXTS = sa.delete(trademark_texts).where(
    trademark_texts.c.application_id == sa.bindparam("b_app"))
_CLEAR_GOODS = sa.delete(goods_services).where(
    goods_services.c.application_id == sa.bindparam("b_app"))
_INSERT_TRADEMARK_TEXTS = sa.insert(trademark_texts)
_TRADEMARK_SECTIONS = SizedIn(lambda apps: sa.select(case_sections.c.application_id).where(
    case_sections.c.application_id.in_(apps), case_sections.c.section == "trademark"), "apps")
_CLEAR_TRADEMARK_TEXTS_MANY = SizedIn(lambda apps: sa.delete(trademark_texts).where(
    trademark_texts.c.application_id.in_(apps)), "apps")
_CLEAR_GOODS_MANY = SizedIn(lambda apps: sa.delete(goods_services).where(
    goods_services.c.application_id.in_(apps)), "apps")
_INSERT_GOODS = sa.insert(goods_services)


def application_id(conn: sa.Connection, law: Law, number: str, country: str = "JP"
                   ) -> int | None:
    return conn.execute(_APPLICATION_ID, {"b_country": country, "b_law": law.value,
                                          "b_number": number}).scalar_one_or_none()


def exists(conn: sa.Connection, app_id: int) -> bool:
    return conn.execute(sa.select(applications.c.id).where(applications.c.id == app_id)
                        ).first() is not None


def count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(applications)).scalar_one()


def ensure_application(conn: sa.Connection, law: Law, number: str, country: str = "JP"
                       ) -> int:
    found = application_id(conn, law, number, country)
    if found is not None:
        return found
    return conn.execute(_NEW_APPLICATION, {"country": country, "law": law.value,
                                           "application_number": number}).scalar_one()


def ensure_applications(conn: sa.Connection, wanted: Sequence[tuple[Law, str, str]]
                        ) -> list[int]:
    """The application ids of (law, number, country) cases, in order, each created when
    the store has none: what `ensure_application` does for each in turn, in one lookup
    and one insert for a whole delivery. New cases are inserted in the order of their
    first mention, so they get the ids one-by-one creation would give them."""
    keys = [(country, law.value, number) for law, number, country in wanted]
    distinct = list(dict.fromkeys(keys))
    found: dict[tuple[str, str, str], int] = {}
    for chunk in chunked(distinct):
        for row in _APPLICATION_IDS.execute(conn, {
                "countries": sorted({k[0] for k in chunk}),
                "laws": sorted({k[1] for k in chunk}),
                "numbers": sorted({k[2] for k in chunk})}):
            found[(row.country, row.law, row.application_number)] = row.id
    missing = [k for k in distinct if k not in found]
    if missing:
        new_ids = conn.execute(_NEW_APPLICATIONS, [
            {"country": country, "law": law, "application_number": number}
            for country, law, number in missing]).scalars().all()
        found.update(zip(missing, new_ids, strict=True))
    return [found[k] for k in keys]



def apply_update(conn: sa.Connection, update: CaseUpdate, source_id: int,
                 blob_shas: Sequence[str] = ()) -> int:
    """Write every section `update` carries; returns the application id."""
    app_id = ensure_application(conn, update.law, update.application_number)
    sections: list[str] = []
    if update.progress is not None:
        _progress(conn, app_id, update.progress)
        sections.append("progress")
    if update.priorities is not None:
        _replace_priorities(conn, app_id, update.priorities)
        sections.append("priorities")
    if update.family is not None:
        _family(conn, app_id, update.family)
        sections.append("family")
    if update.registration is not None:
        _registration(conn, app_id, update.registration)
        sections.append("registration")
    if update.citations is not None:
        _citations(conn, app_id, update.citations)
        sections.append("citations")
    if update.fixed_address is not None:
        conn.execute(sa.update(applications).where(applications.c.id == app_id)
                     .values(fixed_address_url=update.fixed_address))
        sections.append("fixed_address")
    if update.numbers is not None:
        _numbers(conn, app_id, update.numbers)
        sections.append("numbers")
    if update.trademark is not None:
        _trademark(conn, app_id, update.trademark)
        sections.append("trademark")
    if update.bodies:
        _bodies(conn, app_id, update.bodies, blob_shas, source_id)
    for section in sections:
        _mark_section(conn, app_id, section, source_id)
    if {"progress", "registration"} & set(sections):
        legal_events.refresh(conn, app_id, update.law)
    return app_id


def _mark_section(conn: sa.Connection, app_id: int, section: str, source_id: int) -> None:
    where = (case_sections.c.application_id == app_id) & (case_sections.c.section == section)
    if conn.execute(sa.select(case_sections.c.section).where(where)).first():
        conn.execute(sa.update(case_sections).where(where).values(source_id=source_id))
    else:
        conn.execute(sa.insert(case_sections).values(application_id=app_id, section=section,
                                                     source_id=source_id))


_PROGRESS_COLUMNS = ("title", "filing_date", "publication_number", "ad_publication_number",
                     "national_publication_number", "ad_national_publication_number",
                     "publication_date", "registration_number", "registration_date",
                     "international_application_number", "international_publication_number",
                     "international_publication_date", "erasure_identifier", "expire_date",
                     "disappearance_date", "design_class", "principal_design_application_number")


def _progress(conn: sa.Connection, app_id: int, info: Progress) -> None:
    values = {c: getattr(info, c) for c in _PROGRESS_COLUMNS if getattr(info, c) is not None}
    conn.execute(sa.update(applications).where(applications.c.id == app_id).values(**values))
    _replace_case_parties(conn, app_id, (PartyRole.APPLICANT, PartyRole.ATTORNEY,
                                         PartyRole.INVENTOR), info.parties)
    conn.execute(sa.delete(dossier_groups).where(dossier_groups.c.application_id == app_id))
    for position, group in enumerate(info.dossier):
        group_id = conn.execute(sa.insert(dossier_groups).values(
            application_id=app_id, position=position, number_type=group.number_type,
            number=group.number).returning(dossier_groups.c.id)).scalar_one()
        insert_rows(conn, dossier_documents, [
            row_of(doc, group_id=group_id, application_id=app_id, position=i)
            for i, doc in enumerate(group.documents)])
    _codes_from_dossier(conn, app_id)


def _codes_from_dossier(conn: sa.Connection, app_id: int) -> None:
    """Stored files whose document code was not known when they came (a design or
    trademark HTM) take the code the dossier gives their document number."""
    code = (sa.select(dossier_documents.c.document_code)
            .where(dossier_documents.c.application_id == app_id,
                   dossier_documents.c.document_number == document_bodies.c.document_number,
                   dossier_documents.c.document_code != "")
            .limit(1).scalar_subquery())
    conn.execute(sa.update(document_bodies).where(
        document_bodies.c.application_id == app_id, document_bodies.c.document_code == "",
        code.is_not(None)).values(document_code=code))


def _replace_case_parties(conn: sa.Connection, app_id: int, roles: Sequence[PartyRole],
                          rows: Sequence[Party]) -> None:
    conn.execute(sa.delete(parties_table).where(
        parties_table.c.application_id == app_id, parties_table.c.publication_id.is_(None),
        parties_table.c.role.in_([r.value for r in roles])))
    parties.insert(conn, app_id, None, rows)
    parties.learn_names(conn, rows, origin="case")


def _replace_priorities(conn: sa.Connection, app_id: int, rows: Sequence[Priority]) -> None:
    conn.execute(sa.delete(priorities).where(priorities.c.application_id == app_id,
                                             priorities.c.publication_id.is_(None)))
    if rows:
        conn.execute(sa.insert(priorities), [row_of(p, application_id=app_id, position=i)
                                             for i, p in enumerate(rows)])


def _family(conn: sa.Connection, app_id: int, family: Family) -> None:
    conn.execute(sa.delete(family_parents).where(family_parents.c.application_id == app_id,
                                                 family_parents.c.publication_id.is_(None)))
    conn.execute(sa.delete(family_divisionals)
                 .where(family_divisionals.c.application_id == app_id))
    if family.parent is not None:
        conn.execute(sa.insert(family_parents).values(
            row_of(family.parent, rename={"application_number": "parent_application_number"},
                   application_id=app_id)))
    if family.divisionals:
        conn.execute(sa.insert(family_divisionals), [
            row_of(d, application_id=app_id, position=i) for i, d in enumerate(family.divisionals)])


def _registration(conn: sa.Connection, app_id: int, reg: Registration) -> None:
    conn.execute(sa.delete(registrations).where(registrations.c.application_id == app_id))
    conn.execute(sa.insert(registrations).values(
        row_of(reg, exclude=("right_holders",), application_id=app_id)))
    _replace_case_parties(conn, app_id, (PartyRole.RIGHT_HOLDER,), reg.right_holders)


def _citations(conn: sa.Connection, app_id: int, cites: Citations) -> None:
    conn.execute(sa.delete(citations).where(citations.c.application_id == app_id,
                                            citations.c.publication_id.is_(None)))
    for kind, rows in (("patent", cites.patents), ("non-patent", cites.non_patents)):
        if rows:
            conn.execute(sa.insert(citations), [
                row_of(c, rename={"order": "citation_order"}, application_id=app_id, kind=kind,
                       position=i) for i, c in enumerate(rows)])


def _numbers(conn: sa.Connection, app_id: int, refs: NumberReference) -> None:
    mapping = {"publication_number": "ad_publication_number",
               "national_publication_number": "ad_national_publication_number"}
    values = {mapping.get(name, name): value for name, value in row_of(refs).items()
              if value is not None}
    if values:
        conn.execute(sa.update(applications).where(applications.c.id == app_id).values(**values))


def fill_trademark(conn: sa.Connection, app_id: int, info: TrademarkInfo) -> None:
    """A registration gazette's mark text, readings and goods as the case's, so that mark,
    reading and goods searches find a case the API mirror has not described. The
    mirror's own trademark section, when the case has one or it arrives later, wins.
    Vienna codes stay with the gazette's classifications."""
    has_section = conn.execute(_TRADEMARK_SECTION, {"b_app": app_id}).first()
    if has_section is None:
        _trademark_texts(conn, app_id, info)


def fill_trademarks(conn: sa.Connection, fills: Sequence[tuple[int, TrademarkInfo]]) -> None:
    """`fill_trademark` for several (case id, mark) in turn, in a statement per table:
    one read of which cases have the mirror's section, one clear per table, one insert
    per table. A case filled twice keeps the later mark, as filling in turn leaves it."""
    last: dict[int, TrademarkInfo] = {}
    for app_id, info in fills:
        last.pop(app_id, None)      # in the order of the fills that stay
        last[app_id] = info
    if not last:
        return
    described = {row.application_id for chunk in chunked(list(last))
                 for row in _TRADEMARK_SECTIONS.execute(conn, {"apps": chunk})}
    filled = [(app_id, info) for app_id, info in last.items() if app_id not in described]
    for chunk in chunked([app_id for app_id, _info in filled]):
        _CLEAR_TRADEMARK_TEXTS_MANY.execute(conn, {"apps": chunk})
        _CLEAR_GOODS_MANY.execute(conn, {"apps": chunk})
    texts = [row for app_id, info in filled for row in _text_rows(app_id, info)]
    if texts:
        conn.execute(_INSERT_TRADEMARK_TEXTS, texts)
    goods = [row for app_id, info in filled for row in _goods_rows(app_id, info)]
    if goods:
        conn.execute(_INSERT_GOODS, goods)


def _trademark(conn: sa.Connection, app_id: int, info: TrademarkInfo) -> None:
    _trademark_texts(conn, app_id, info)
    conn.execute(sa.delete(classifications).where(
        classifications.c.application_id == app_id, classifications.c.publication_id.is_(None),
        classifications.c.scheme == Scheme.VIENNA.value))
    if info.vienna_codes:
        conn.execute(sa.insert(classifications), [
            {"application_id": app_id, "publication_id": None, "scheme": Scheme.VIENNA.value,
             "position": i, "code": code, "raw": code, "main": False, "facet": ""}
            for i, code in enumerate(info.vienna_codes)])


def _trademark_texts(conn: sa.Connection, app_id: int, info: TrademarkInfo) -> None:
    conn.execute(_CLEAR_TRADEMARK_TEXTS, {"b_app": app_id})
    conn.execute(_CLEAR_GOODS, {"b_app": app_id})
    conn.execute(_INSERT_TRADEMARK_TEXTS, _text_rows(app_id, info))
    if info.goods_services:
        conn.execute(_INSERT_GOODS, _goods_rows(app_id, info))


def _text_rows(app_id: int, info: TrademarkInfo) -> list[dict[str, object]]:
    texts: list[dict[str, object]] = [
        {"application_id": app_id, "kind": "display", "position": 0, "text": info.display}]
    texts += [{"application_id": app_id, "kind": "reading", "position": i, "text": t}
              for i, t in enumerate(info.readings)]
    return texts


def _goods_rows(app_id: int, info: TrademarkInfo) -> list[dict[str, object]]:
    return [{"application_id": app_id, "position": i, "nice_class": g.nice_class,
             "names": g.names, "similar_codes": " ".join(g.similar_codes)}
            for i, g in enumerate(info.goods_services)]


def _bodies(conn: sa.Connection, app_id: int, bodies: Sequence[DocumentBody],
            shas: Sequence[str], source_id: int) -> None:
    """Store each file once per (case, document number, file name). A file seen again
    keeps the operations of the ZIPs that brought it before (`received_in` grows), takes
    the new bytes, place and known code, and keeps a known code or place it already had
    when the new delivery does not say (a loose file, an HTM without code)."""
    for body, sha in zip(bodies, shas, strict=True):
        where = ((document_bodies.c.application_id == app_id)
                 & (document_bodies.c.document_number == body.document_number)
                 & (document_bodies.c.file_name == body.file_name))
        existing = conn.execute(sa.select(
            document_bodies.c.id, document_bodies.c.blob_sha256, document_bodies.c.document_code,
            document_bodies.c.position, document_bodies.c.received_in).where(where)).first()
        code = (body.document_code or (existing.document_code if existing else "")
                or _code_from_dossier(conn, app_id, body.document_number))
        values = {"document_code": code, "blob_sha256": sha, "media_type": body.media_type,
                  "source_id": source_id,
                  "position": body.position if body.position is not None or existing is None
                  else existing.position,
                  "received_in": bundle_layout.with_operation(
                      existing.received_in if existing else "", body.received_in)}
        if existing is None:
            conn.execute(sa.insert(document_bodies).values(
                application_id=app_id, document_number=body.document_number,
                file_name=body.file_name, **values))
        elif (existing.blob_sha256, existing.document_code, existing.position,
              existing.received_in) != (sha, code, values["position"], values["received_in"]):
            conn.execute(sa.update(document_bodies).where(document_bodies.c.id == existing.id)
                         .values(**values))


def _code_from_dossier(conn: sa.Connection, app_id: int, document_number: str) -> str:
    return conn.execute(sa.select(dossier_documents.c.document_code).where(
        dossier_documents.c.application_id == app_id,
        dossier_documents.c.document_number == document_number).limit(1)
    ).scalar_one_or_none() or ""


def bodies_changed(conn: sa.Connection, update: CaseUpdate, shas: Sequence[str]) -> bool:
    """Whether any body of `update` is new, differs from the stored one, or now belongs
    to a document ZIP it was not part of."""
    app_id = application_id(conn, update.law, update.application_number)
    if app_id is None:
        return True
    for body, sha in zip(update.bodies, shas, strict=True):
        stored = conn.execute(sa.select(document_bodies.c.blob_sha256,
                                        document_bodies.c.document_code,
                                        document_bodies.c.received_in).where(
            document_bodies.c.application_id == app_id,
            document_bodies.c.document_number == body.document_number,
            document_bodies.c.file_name == body.file_name)).first()
        if stored is None or stored.blob_sha256 != sha:
            return True
        if bundle_layout.serves_more(stored.document_code, stored.received_in,
                                     body.document_code, body.received_in):
            return True     # the same bytes, now also served in another operation's ZIP
    return False
