"""Tokens of the J-PlatPat-shaped fixed addresses tokkyo makes itself (jpo-api.md §11):
`/c1800/{PU|DE|TR}/JP-{yyyy}-{nnnnnn}/{token}/{L}0/{lang}`, token = upper-case hex
HMAC-SHA256(secret, `law|application number`). The API issues them; the portal checks
them (portal.md §7)."""

from __future__ import annotations

import hashlib
import hmac
import re

from tokkyo.model.laws import Law

TOKEN = re.compile(r"[0-9A-Fa-f]{64}")


def token(secret: bytes, law: Law, number: str) -> str:
    return hmac.new(secret, f"{law.value}|{number}".encode(), hashlib.sha256).hexdigest().upper()


def is_ours(secret: bytes, law: Law, number: str, candidate: str) -> bool:
    """True when `candidate` is the token tokkyo makes for this case; a J-PlatPat token
    (same shape, other key) is not ours."""
    return hmac.compare_digest(token(secret, law, number), candidate.upper())
