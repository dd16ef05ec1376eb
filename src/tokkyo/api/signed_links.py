"""Signed, expiring download links for large document ZIPs (jpo-api.md §9).

`/api-files/{law}/{prefix}_{app}.zip?Expires={unix}&KeyId={kid}&Signature={b64url}`:
the signature is an HMAC-SHA256 over a namespaced message that includes the expiry, so a
link cannot be reused for another bundle or after its time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

NAMESPACE = "tokkyo.api-files.v1"
KEY_ID = "k1"


def _signature(secret: bytes, path: str, expires: int) -> str:
    message = f"{NAMESPACE}\n{path}\n{expires}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(secret: bytes, path: str, expires: int) -> str:
    return f"{path}?Expires={expires}&KeyId={KEY_ID}&Signature={_signature(secret, path, expires)}"


def verify(secret: bytes, path: str, expires: str, key_id: str, signature: str, now: int
           ) -> str | None:
    """None when the link is good, else why it is not."""
    if key_id != KEY_ID or not expires.isdigit():
        return "malformed link"
    if not hmac.compare_digest(_signature(secret, path, int(expires)), signature):
        return "bad signature"
    if int(expires) < now:
        return "link expired"
    return None
