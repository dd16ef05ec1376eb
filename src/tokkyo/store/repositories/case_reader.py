"""Reading a case back as model values: what the API answers are built from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from tokkyo.model.cases import (
    Divisional,
    Family,
    NumberReference,
    ParentApplication,
    Priority,
    Progress,
)
from tokkyo.model.citations import Citations, NonPatentCitation, PatentCitation
from tokkyo.model.classifications import Scheme
from tokkyo.model.dossier import DossierDocument, DossierGroup
from tokkyo.model.laws import Law
from tokkyo.model.legal_status import LegalEvent
from tokkyo.model.parties import PartyRole
from tokkyo.model.registrations import Registration
from tokkyo.model.trademarks import GoodsServices, TrademarkInfo
from tokkyo.store.repositories import legal_events, parties
from tokkyo.store.repositories.rows import obj_of
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
    publications,
    registrations,
    trademark_texts,
)


@dataclass(frozen=True, slots=True)
class BodyRef:
    document_code: str
    document_number: str
    file_name: str
    blob_sha256: str
    media_type: str
    position: int | None = None     # place in the document's ZIP as received
    received_in: str = ""           # operations whose ZIPs brought it


@dataclass
class CaseRecord:
    id: int
    law: Law
    application_number: str
    sections: set[str]
    progress: Progress
    numbers: NumberReference
    fixed_address: str
    priorities: tuple[Priority, ...] = ()
    family: Family | None = None
    registration: Registration | None = None
    citations: Citations = field(default_factory=Citations)
    trademark: TrademarkInfo | None = None
    bodies: tuple[BodyRef, ...] = ()
    events: tuple[LegalEvent, ...] = ()


def load_case(conn: sa.Connection, law: Law, number: str, country: str = "JP"
              ) -> CaseRecord | None:
    app = conn.execute(sa.select(applications).where(
        applications.c.country == country, applications.c.law == law.value,
        applications.c.application_number == number)).first()
    if app is None:
        return None
    app_id = app.id
    sections = set(conn.execute(sa.select(case_sections.c.section)
                                .where(case_sections.c.application_id == app_id)).scalars())
    record = CaseRecord(
        id=app_id, law=law, application_number=number, sections=sections,
        progress=_progress(conn, app),
        numbers=NumberReference(
            publication_number=app.ad_publication_number,
            national_publication_number=app.ad_national_publication_number,
            registration_number=app.registration_number,
            international_application_number=app.international_application_number,
            international_publication_number=app.international_publication_number,
            international_registration_number=app.international_registration_number,
            design_number=app.design_number),
        fixed_address=app.fixed_address_url,
        priorities=_priorities(conn, app_id),
        family=_family(conn, app_id) if "family" in sections else None,
        registration=_registration(conn, app_id),
        citations=_citations(conn, app_id),
        trademark=_trademark(conn, app_id) if "trademark" in sections else None,
        bodies=_bodies(conn, app_id),
        events=tuple(legal_events.select(conn, app_id)),
    )
    return record


def _progress(conn: sa.Connection, app: sa.Row) -> Progress:
    groups = []
    group_rows = conn.execute(sa.select(dossier_groups).where(
        dossier_groups.c.application_id == app.id).order_by(dossier_groups.c.position)).all()
    doc_rows = conn.execute(sa.select(dossier_documents).where(
        dossier_documents.c.application_id == app.id).order_by(
        dossier_documents.c.group_id, dossier_documents.c.position)).all()
    by_group: dict[int, list[DossierDocument]] = {}
    for row in doc_rows:
        by_group.setdefault(row.group_id, []).append(obj_of(DossierDocument, row._mapping))
    for g in group_rows:
        groups.append(DossierGroup(g.number_type, g.number, tuple(by_group.get(g.id, ()))))
    return obj_of(Progress, app._mapping,
                  parties=parties.select(conn, app.id, None,
                                         (PartyRole.APPLICANT, PartyRole.ATTORNEY,
                                          PartyRole.INVENTOR)),
                  dossier=tuple(groups))


def _priorities(conn: sa.Connection, app_id: int) -> tuple[Priority, ...]:
    rows = conn.execute(sa.select(priorities).where(
        priorities.c.application_id == app_id, priorities.c.publication_id.is_(None))
        .order_by(priorities.c.position)).all()
    return tuple(obj_of(Priority, r._mapping) for r in rows)


def _family(conn: sa.Connection, app_id: int) -> Family:
    parent = conn.execute(sa.select(family_parents).where(
        family_parents.c.application_id == app_id, family_parents.c.publication_id.is_(None))
    ).first()
    rows = conn.execute(sa.select(family_divisionals).where(
        family_divisionals.c.application_id == app_id).order_by(family_divisionals.c.position)
    ).all()
    return Family(
        parent=obj_of(ParentApplication, parent._mapping,
                      rename={"application_number": "parent_application_number"})
        if parent else None,
        divisionals=tuple(obj_of(Divisional, r._mapping) for r in rows))


def _registration(conn: sa.Connection, app_id: int) -> Registration | None:
    row = conn.execute(sa.select(registrations).where(registrations.c.application_id == app_id)
                       ).first()
    if row is None:
        return None
    holders = parties.select(conn, app_id, None, (PartyRole.RIGHT_HOLDER,))
    return obj_of(Registration, row._mapping, right_holders=holders)


def _citations(conn: sa.Connection, app_id: int) -> Citations:
    rows = conn.execute(sa.select(citations).where(
        citations.c.application_id == app_id, citations.c.publication_id.is_(None))
        .order_by(citations.c.kind.desc(), citations.c.position)).all()
    rename = {"order": "citation_order"}
    return Citations(
        patents=tuple(obj_of(PatentCitation, r._mapping, rename) for r in rows
                      if r.kind == "patent"),
        non_patents=tuple(obj_of(NonPatentCitation, r._mapping, rename) for r in rows
                          if r.kind == "non-patent"))


def _trademark(conn: sa.Connection, app_id: int) -> TrademarkInfo:
    texts = conn.execute(sa.select(trademark_texts).where(
        trademark_texts.c.application_id == app_id).order_by(trademark_texts.c.position)).all()
    goods = conn.execute(sa.select(goods_services).where(
        goods_services.c.application_id == app_id).order_by(goods_services.c.position)).all()
    vienna = conn.execute(sa.select(classifications.c.code).where(
        classifications.c.application_id == app_id, classifications.c.publication_id.is_(None),
        classifications.c.scheme == Scheme.VIENNA.value).order_by(classifications.c.position)
    ).scalars().all()
    return TrademarkInfo(
        display=next((t.text for t in texts if t.kind == "display"), ""),
        readings=tuple(t.text for t in texts if t.kind == "reading"),
        vienna_codes=tuple(vienna),
        goods_services=tuple(GoodsServices(g.nice_class, g.names, tuple(g.similar_codes.split()))
                             for g in goods))


def _bodies(conn: sa.Connection, app_id: int) -> tuple[BodyRef, ...]:
    rows = conn.execute(sa.select(document_bodies).where(
        document_bodies.c.application_id == app_id).order_by(
        document_bodies.c.document_number, document_bodies.c.file_name)).all()
    return tuple(BodyRef(r.document_code, r.document_number, r.file_name, r.blob_sha256,
                         r.media_type, r.position, r.received_in) for r in rows)


def classifications_of(conn: sa.Connection, app_id: int) -> list[sa.Row]:
    """(scheme, code) of every classification of the case's publications, in the order
    the publications and their classifications were stored (OPD global_cite_class)."""
    return list(conn.execute(sa.select(classifications.c.scheme, classifications.c.code)
                             .join(publications,
                                   publications.c.id == classifications.c.publication_id)
                             .where(classifications.c.application_id == app_id)
                             .order_by(classifications.c.publication_id,
                                       classifications.c.position)).all())


def registration_updated(conn: sa.Connection, app_id: int) -> dt.date | None:
    """The date of the case's registration record (what its status is read from)."""
    return conn.execute(sa.select(registrations.c.update_date).where(
        registrations.c.application_id == app_id)).scalar()
