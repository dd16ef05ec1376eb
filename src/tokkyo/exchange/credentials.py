"""Partner credentials sealed at rest with the server secret (exchange.md §3): passwords
and private keys are stored as AES-256-GCM tokens whose key is derived from the server
secret for this one purpose, so a copy of the database alone reveals no partner's
password, and the same key never serves two purposes."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tokkyo.errors import TerminalError

PURPOSE = b"tokkyo exchange credentials v1"
NONCE = 12


class CredentialsUnreadable(TerminalError):
    """A sealed credential does not open with this server's secret (the secret changed,
    or the value was altered)."""


def _key(secret: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret)


def seal(secret: bytes, plaintext: str) -> str:
    """The text to store for `plaintext` (URL-safe base64 of nonce + ciphertext)."""
    nonce = os.urandom(NONCE)
    sealed = AESGCM(_key(secret)).encrypt(nonce, plaintext.encode("utf-8"), PURPOSE)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(secret: bytes, token: str) -> str:
    """The plaintext `seal` was given; CredentialsUnreadable if it does not open."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        return AESGCM(_key(secret)).decrypt(raw[:NONCE], raw[NONCE:], PURPOSE).decode("utf-8")
    except (ValueError, InvalidTag) as exc:
        raise CredentialsUnreadable(
            "a stored partner credential does not open with this server's secret key "
            "(was TOKKYO_SECRET_KEY or secret.key changed?); enter the credential again"
        ) from exc
