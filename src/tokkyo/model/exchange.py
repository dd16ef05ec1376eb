"""The values the exchange records take (exchange.md §1–§6): partner agreement status,
agreement row fields, where a delivery came from, its manifest, and the states of
deliveries, files and documents. The store's CHECK constraints and the exchange service
both read them from here."""

from __future__ import annotations

PARTNER_STATUSES = ("none", "negotiating", "signed", "renewing", "expired")
DIRECTIONS = ("send", "receive")
RIGHTS = ("patent", "design", "trademark")
CONTENTS = ("image", "text", "bibliographic")
FREQUENCIES = ("daily", "weekly", "biweekly", "monthly", "quarterly")
TRANSPORTS = ("inbox", "folder", "ftp", "ftps", "sftp", "https")
ORIGINS = ("inbox", "pull", "import")
MANIFEST_KINDS = ("manifest-json", "manifest-csv", "docdb-statistics", "no-manifest")
DELIVERY_STATES = ("received", "loaded", "partially-loaded", "quarantined", "rejected",
                   "already-loaded")
FILE_STATES = ("received", "verified", "parsed", "loaded", "quarantined", "duplicate",
               "held-back")
DOCUMENT_OUTCOMES = ("loaded", "unchanged", "deleted", "held-back")
#: What became of a delivery tokkyo sent (exchange.md §12): built and recorded, placed
#: (pushed to the partner's server or written to its outbox), removed from the outbox
#: after its retention.
SENT_STATES = ("built", "placed", "removed")
#: How a sent delivery reaches the partner: pushed to its server, or left in the outbox.
PLACEMENTS = ("push", "outbox")
