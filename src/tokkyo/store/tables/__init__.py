"""All tables of the store, on one `MetaData` with named constraints."""

from tokkyo.store.tables.accounts import (
    access_log,
    contacts,
    login_failures,
    quota_counters,
    quota_grants,
    rate_events,
    tokens,
    user_ids,
    users,
)
from tokkyo.store.tables.base import metadata
from tokkyo.store.tables.cases import (
    applications,
    case_sections,
    case_summaries,
    dossier_documents,
    dossier_groups,
    family_divisionals,
    family_parents,
    goods_services,
    legal_events,
    priorities,
    registrations,
    trademark_texts,
)
from tokkyo.store.tables.exchange import (
    exchange_agreements,
    exchange_deliveries,
    exchange_documents,
    exchange_files,
    exchange_leases,
    exchange_partners,
)
from tokkyo.store.tables.exchange_outbound import (
    exchange_sent,
    exchange_sent_documents,
    exchange_sent_files,
)
from tokkyo.store.tables.exchange_quality import (
    authority_entries,
    authority_imports,
    exchange_status_history,
    exchange_status_notes,
)
from tokkyo.store.tables.filings import filings
from tokkyo.store.tables.ingest import batches, blobs, quarantine, sources
from tokkyo.store.tables.portal import saved_formulas
from tokkyo.store.tables.products import (
    announcements,
    archive_orders,
    downloads,
    files,
    products,
    releases,
    revoked_links,
)
from tokkyo.store.tables.publications import (
    amendments,
    claims,
    drawings,
    paragraphs,
    publication_events,
    publication_files,
    publication_texts,
    publications,
    search_outbox,
)
from tokkyo.store.tables.shared import (
    citations,
    classifications,
    document_bodies,
    parties,
    party_names,
)
from tokkyo.store.tables.translations import (
    publication_views,
    stored_translations,
    translate_calls,
    translation_cache,
    translation_queue,
)

__all__ = [
    "access_log",
    "amendments",
    "announcements",
    "applications",
    "archive_orders",
    "authority_entries",
    "authority_imports",
    "batches",
    "blobs",
    "case_sections",
    "case_summaries",
    "citations",
    "claims",
    "classifications",
    "contacts",
    "document_bodies",
    "dossier_documents",
    "dossier_groups",
    "downloads",
    "drawings",
    "exchange_agreements",
    "exchange_deliveries",
    "exchange_documents",
    "exchange_files",
    "exchange_leases",
    "exchange_partners",
    "exchange_sent",
    "exchange_sent_documents",
    "exchange_sent_files",
    "exchange_status_history",
    "exchange_status_notes",
    "family_divisionals",
    "family_parents",
    "files",
    "filings",
    "goods_services",
    "legal_events",
    "login_failures",
    "metadata",
    "paragraphs",
    "parties",
    "party_names",
    "priorities",
    "products",
    "publication_events",
    "publication_files",
    "publication_texts",
    "publication_views",
    "publications",
    "quarantine",
    "quota_counters",
    "quota_grants",
    "rate_events",
    "registrations",
    "releases",
    "revoked_links",
    "saved_formulas",
    "search_outbox",
    "sources",
    "stored_translations",
    "tokens",
    "trademark_texts",
    "translate_calls",
    "translation_cache",
    "translation_queue",
    "user_ids",
    "users",
]

#: Indexes the migrations create outside this MetaData, on one backend only or with
#: columns that differ by backend: the code-point-order index of classification codes on
#: PostgreSQL (migration 0004); a case's publications and parties as result lists show
#: them, their texts included on SQLite only (PostgreSQL refuses index rows over a third
#: of a page), which also serve every lookup by case (migration 0011).
BACKEND_INDEXES = ("ix_classifications_scheme_code_c", "ix_publications_application_id_summary",
                   "ix_parties_application_id_role")
