"""Passwords: argon2id hashes (argon2-cffi), and the rules a new password must meet."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tokkyo.accounts.errors import AccountError

_HASHER = PasswordHasher()
MIN_LENGTH = 10

# Verified when the ID is unknown, so that a wrong ID costs the same time as a wrong
# password and timing does not tell whether an ID exists.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def check_new_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise AccountError(f"a password needs at least {MIN_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(check_new_password(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A password for an operator to hand over once (re-issue, approval)."""
    return secrets.token_urlsafe(15)
