"""Transports by URL scheme: each module implements `base.Transport` and defines
`open(endpoint) -> Transport`. Looked up by name, so a deployment without an SFTP library
can still use FTP, HTTPS and folders."""

from __future__ import annotations

import importlib
from urllib.parse import urlsplit

from tokkyo.exchange.transports.base import Endpoint, TransferRefused, Transport

#: URL scheme → module under tokkyo.exchange.transports.
SCHEMES = {"file": "folder", "ftp": "ftp", "ftps": "ftp", "sftp": "sftp",
           "https": "https", "http": "https"}


def open_transport(endpoint: Endpoint) -> Transport:
    """An open connection to `endpoint`, by its URL's scheme."""
    scheme = urlsplit(endpoint.url).scheme
    if scheme not in SCHEMES:
        raise TransferRefused(f"{endpoint.url}: unsupported transport {scheme!r} "
                              f"(use one of {', '.join(sorted(SCHEMES))})")
    module = importlib.import_module(f"tokkyo.exchange.transports.{SCHEMES[scheme]}")
    transport: Transport = module.open(endpoint)
    return transport
