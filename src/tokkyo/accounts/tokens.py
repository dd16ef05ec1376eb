"""Tokens: opaque random strings with a recognisable prefix, stored only as HMAC hashes.

`tk_at_…` access tokens (3600 s), `tk_rt_…` refresh tokens (28800 s). The answer of the
token endpoint also carries an OpenID-style `id_token`, a JWT signed with the server key
(PyJWT), as Keycloak's answers do; tokkyo never accepts it back as a credential.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

import jwt

ACCESS_PREFIX = "tk_at_"
REFRESH_PREFIX = "tk_rt_"
ACCESS_SECONDS = 3600
REFRESH_SECONDS = 28800


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode("utf-8"), hashlib.sha256).hexdigest()


def new_session() -> str:
    return str(uuid.uuid4())


def id_token(secret: bytes, *, issuer: str, user_id: str, session: str,
             now: dt.datetime) -> str:
    claims = {"iss": issuer, "sub": user_id, "preferred_username": user_id, "sid": session,
              "typ": "ID", "iat": int(now.timestamp()),
              "exp": int(now.timestamp()) + ACCESS_SECONDS}
    return jwt.encode(claims, secret, algorithm="HS256")
