"""Partner credentials are sealed with the server secret and open only with it."""

from __future__ import annotations

import pytest

from tokkyo.exchange.credentials import CredentialsUnreadable, seal, unseal
from tokkyo.exchange.transports import open_transport
from tokkyo.exchange.transports.base import Endpoint, TransferRefused

SECRET = b"s" * 48


def test_sealed_password_opens_with_the_same_secret_only():
    token = seal(SECRET, "pässwörd-ftp")
    assert "pässwörd" not in token and token != seal(SECRET, "pässwörd-ftp")  # fresh nonce
    assert unseal(SECRET, token) == "pässwörd-ftp"
    with pytest.raises(CredentialsUnreadable, match="enter the credential again"):
        unseal(b"t" * 48, token)


def test_altered_token_is_refused():
    token = seal(SECRET, "secret")
    altered = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    with pytest.raises(CredentialsUnreadable):
        unseal(SECRET, altered)
    with pytest.raises(CredentialsUnreadable):
        unseal(SECRET, "not base64 at all !")


def test_unknown_scheme_is_refused_by_name():
    with pytest.raises(TransferRefused, match=r"gopher://x/: unsupported transport 'gopher'"):
        open_transport(Endpoint(url="gopher://x/"))
