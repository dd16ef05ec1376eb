"""Download links that are encrypted, signed, per user and expiring (bulk.md §4).

A token is base64url(kid ‖ 96-bit nonce ‖ AES-256-GCM(key[kid], payload)); the payload
names the file (and the first bytes of its SHA-256), the user (and a fingerprint of the
user's ID and password, so an ID change or a new password revokes every link), the
issue and expiry instants and a random link id. Without the key a token can be neither
forged, altered nor guessed, and nothing in it can be read. Keys are derived from the
server secret per key id; rotating means raising the current kid (old kids stay valid
until their links expire) and revoking a kid means listing it as revoked.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tokkyo.bulk.errors import LinkRefused

VERSION = 1
NONCE = 12


@dataclass(frozen=True, slots=True)
class LinkKeys:
    secret: bytes
    current: int = 1
    revoked: frozenset[int] = frozenset()

    def key(self, kid: int) -> bytes:
        return hmac.new(self.secret, f"bulk-link-key:{kid}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class Link:
    file_id: int
    sha_prefix: str
    user_pk: int
    fingerprint: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    link_id: str


def fingerprint(secret: bytes, login_id: str, password_hash: str) -> str:
    """Changes whenever the user's ID or password does."""
    material = f"{login_id}\x00{password_hash}".encode()
    return hmac.new(secret, b"bulk-link-user:" + material, hashlib.sha256).hexdigest()[:16]


def issue(keys: LinkKeys, file_id: int, sha256: str, user_pk: int, user_fingerprint: str,
          now: dt.datetime, lifetime: dt.timedelta) -> tuple[str, Link]:
    link = Link(file_id, sha256[:16], user_pk, user_fingerprint, now, now + lifetime,
                secrets.token_hex(16))
    payload = json.dumps({"v": VERSION, "f": link.file_id, "s": link.sha_prefix,
                          "u": link.user_pk, "p": link.fingerprint,
                          "i": int(link.issued_at.timestamp()),
                          "e": int(link.expires_at.timestamp()), "l": link.link_id},
                         separators=(",", ":")).encode()
    kid = keys.current
    nonce = secrets.token_bytes(NONCE)
    sealed = AESGCM(keys.key(kid)).encrypt(nonce, payload, bytes([kid]))
    token = base64.urlsafe_b64encode(bytes([kid]) + nonce + sealed).rstrip(b"=").decode()
    return token, link


def open_token(keys: LinkKeys, token: str, now: dt.datetime) -> Link:
    """The link a token stands for; LinkRefused when it is not genuine or has expired."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise LinkRefused("invalid", "this download link is not valid") from None
    if len(raw) < 1 + NONCE + 16 or len(token) > 400:
        raise LinkRefused("invalid", "this download link is not valid")
    kid = raw[0]
    if kid < 1 or kid > keys.current:
        raise LinkRefused("invalid", "this download link is not valid")
    if kid in keys.revoked:
        raise LinkRefused("revoked", "this download link has been revoked; ask for a new one")
    try:
        payload = AESGCM(keys.key(kid)).decrypt(raw[1:1 + NONCE], raw[1 + NONCE:], bytes([kid]))
        data = json.loads(payload)
        link = Link(int(data["f"]), str(data["s"]), int(data["u"]), str(data["p"]),
                    dt.datetime.fromtimestamp(int(data["i"]), dt.UTC),
                    dt.datetime.fromtimestamp(int(data["e"]), dt.UTC), str(data["l"]))
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise LinkRefused("invalid", "this download link is not valid") from None
    if data.get("v") != VERSION:
        raise LinkRefused("invalid", "this download link is not valid")
    if link.expires_at <= now:
        raise LinkRefused("expired", "this download link has expired; ask for a new one "
                          "(a download resumes with a new link)")
    return link
