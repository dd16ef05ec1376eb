"""Sealed download links (bulk.md §4): nothing can be forged, altered, read or extended."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from tokkyo.bulk import links
from tokkyo.bulk.errors import LinkRefused

KEYS = links.LinkKeys(b"a-server-secret-of-enough-length", current=2)
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
SHA = "ab" * 32


def issue(keys: links.LinkKeys = KEYS, at: dt.datetime = NOW) -> str:
    token, _ = links.issue(keys, 7, SHA, 3, "fingerprint00000", at, dt.timedelta(hours=24))
    return token


def refused(token: str, keys: links.LinkKeys = KEYS, at: dt.datetime = NOW) -> LinkRefused:
    with pytest.raises(LinkRefused) as caught:
        links.open_token(keys, token, at)
    return caught.value


def test_a_link_opens_to_what_it_was_issued_for():
    link = links.open_token(KEYS, issue(), NOW + dt.timedelta(hours=23))
    assert (link.file_id, link.sha_prefix, link.user_pk) == (7, SHA[:16], 3)
    assert link.expires_at - link.issued_at == dt.timedelta(hours=24)
    assert len(link.link_id) == 32


def test_every_link_is_different_and_says_nothing_readable():
    a, b = issue(), issue()
    assert a != b
    raw = base64.urlsafe_b64decode(a + "=" * (-len(a) % 4))
    assert b'"f"' not in raw and SHA[:16].encode() not in raw


def test_expired():
    error = refused(issue(), at=NOW + dt.timedelta(hours=24))
    assert (error.reason, error.status) == ("expired", 403)
    assert "expired" in str(error)


def test_every_altered_byte_is_refused():
    raw = bytearray(base64.urlsafe_b64decode(issue() + "=="))
    for position in (1, 5, 13, 20, len(raw) // 2, len(raw) - 1):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        token = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        assert refused(token).reason == "invalid"


def test_forged_and_garbage_tokens():
    other = links.LinkKeys(b"another-secret-entirely-unknown!", current=2)
    assert refused(issue(other)).reason == "invalid"
    for garbage in ("", "x", "!!!!", "A" * 80, "A" * 1000):
        assert refused(garbage).reason == "invalid"


def test_key_rotation_and_revocation():
    old = issue(links.LinkKeys(KEYS.secret, current=1))
    assert links.open_token(KEYS, old, NOW).file_id == 7        # kid 1 still valid
    revoked = links.LinkKeys(KEYS.secret, current=2, revoked=frozenset({1}))
    assert refused(old, revoked).reason == "revoked"
    future = issue(links.LinkKeys(KEYS.secret, current=3))
    assert refused(future).reason == "invalid"                 # a kid not yet in use


def test_fingerprint_changes_with_the_id_or_password():
    base = links.fingerprint(b"s", "abcd1234", "hash1")
    assert base == links.fingerprint(b"s", "abcd1234", "hash1")
    assert base != links.fingerprint(b"s", "abcd1235", "hash1")
    assert base != links.fingerprint(b"s", "abcd1234", "hash2")
