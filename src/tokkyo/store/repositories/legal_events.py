"""Legal events of a case, derived from its dossier and registration (WIPO ST.27)."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.model.laws import Law
from tokkyo.model.legal_status import LegalEvent, grant_event, map_national_event
from tokkyo.store.tables import applications, dossier_documents, legal_events


def refresh(conn: sa.Connection, app_id: int, law: Law) -> None:
    """Rebuild the events of one case from what the store now holds about it."""
    events: dict[tuple, LegalEvent] = {}
    docs = conn.execute(sa.select(dossier_documents).where(
        dossier_documents.c.application_id == app_id).order_by(
        dossier_documents.c.group_id, dossier_documents.c.position)).all()
    for doc in docs:
        if doc.legal_date is None:
            continue
        key = (doc.legal_date, doc.document_code, doc.document_number)
        if key not in events:
            events[key] = LegalEvent(doc.legal_date, map_national_event(doc.document_code),
                                     doc.document_code, doc.description, doc.document_number)
    case = conn.execute(sa.select(applications.c.publication_date,
                                  applications.c.registration_date)
                        .where(applications.c.id == app_id)).one()
    if case.publication_date:
        events[(case.publication_date, "publication", "")] = LegalEvent(
            case.publication_date, "Q12", "", "公開")
    if case.registration_date:
        events[(case.registration_date, "registration", "")] = LegalEvent(
            case.registration_date, grant_event(law), "", "設定登録")
    conn.execute(sa.delete(legal_events).where(legal_events.c.application_id == app_id))
    ordered = sorted(events.values(), key=lambda e: (e.date, e.national_code))
    if ordered:
        conn.execute(sa.insert(legal_events), [
            {"application_id": app_id, "position": i, "date": e.date, "st27_code": e.st27_code,
             "national_code": e.national_code, "description": e.description,
             "document_number": e.document_number} for i, e in enumerate(ordered)])


def select(conn: sa.Connection, app_id: int) -> list[LegalEvent]:
    rows = conn.execute(sa.select(legal_events).where(legal_events.c.application_id == app_id)
                        .order_by(legal_events.c.position)).all()
    return [LegalEvent(r.date, r.st27_code, r.national_code, r.description, r.document_number)
            for r in rows]


