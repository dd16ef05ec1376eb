"""tokkyo's own SFTP inbox for partners who push (exchange.md §3): each partner account
logs in with its password (stored as an argon2id hash) or its SSH key and sees only its
own folder `inbox/{partner}/` as `/`; `..` cannot climb out of it and links cannot be
made, so no partner reads or writes another's deliveries. The delivery pipeline picks the
deliveries up from the same folders (READY marker or quiet period).

Run it beside tokkyo (documented in docs/exchange-inbox.md, with the OpenSSH
`ChrootDirectory` alternative):

    python -m tokkyo.exchange.inbox_server --root DATA/exchange --accounts inbox.json \\
        --host-key inbox_host_ed25519 --port 2222

`inbox.json`: `{"accounts": [{"partner": "SG", "username": "ipos", "password_argon2":
"$argon2id$…", "authorized_keys": ["ssh-ed25519 AAAA…"]}]}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncssh
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tokkyo.errors import ConfigError

PARTNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, slots=True)
class InboxAccount:
    """One partner's login: its folder name (`partner`), user name, and an argon2id
    password hash and/or OpenSSH public-key lines."""

    partner: str
    username: str
    password_argon2: str | None = None
    authorized_keys: tuple[str, ...] = ()


def load_accounts(path: Path) -> dict[str, InboxAccount]:
    """The accounts of `path` (JSON, see the module doc) by user name; ConfigError naming
    the entry for anything unusable."""
    try:
        entries = json.loads(path.read_text("utf-8"))["accounts"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not an inbox account file ({{\"accounts\": [...]}}): "
                          f"{exc}") from exc
    accounts: dict[str, InboxAccount] = {}
    for number, entry in enumerate(entries, 1):
        try:
            account = InboxAccount(str(entry["partner"]), str(entry["username"]),
                                   entry.get("password_argon2"),
                                   tuple(entry.get("authorized_keys", ())))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}: account {number} needs partner and username"
                              ) from exc
        if not PARTNER_NAME.match(account.partner):
            raise ConfigError(f"{path}: account {number}: partner {account.partner!r} is "
                              "not a folder name (letters, digits, '-', '_')")
        if not account.password_argon2 and not account.authorized_keys:
            raise ConfigError(f"{path}: account {number} ({account.username}) has neither "
                              "a password hash nor a key: nobody could log in")
        if account.username in accounts:
            raise ConfigError(f"{path}: user name {account.username!r} appears twice")
        accounts[account.username] = account
    return accounts


class _Auth(asyncssh.SSHServer):
    """Password (argon2id) or public-key login against the account file."""

    def __init__(self, accounts: dict[str, InboxAccount]) -> None:
        self._accounts = accounts
        self._hasher = PasswordHasher()

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn

    def begin_auth(self, username: str) -> bool:
        account = self._accounts.get(username)
        if account is not None and account.authorized_keys:
            self._conn.set_authorized_keys(asyncssh.import_authorized_keys(
                "\n".join(account.authorized_keys)))
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        account = self._accounts.get(username)
        if account is None or not account.password_argon2:
            return False
        try:
            return bool(self._hasher.verify(account.password_argon2, password))
        except (VerificationError, InvalidHashError):
            return False


class _Inbox(asyncssh.SFTPServer):
    """An SFTP session confined to the partner's own folder; no links (a link could point
    out of it)."""

    def __init__(self, chan: asyncssh.SSHServerChannel, root: Path,
                 accounts: dict[str, InboxAccount]) -> None:
        account = accounts[chan.get_extra_info("username")]
        home = root / "inbox" / account.partner
        home.mkdir(parents=True, exist_ok=True)
        super().__init__(chan, chroot=os.fsencode(home))

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPPermissionDenied("links are not allowed in the inbox")

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPPermissionDenied("links are not allowed in the inbox")


async def serve(root: Path, accounts: dict[str, InboxAccount], host_key: Path,
                host: str = "", port: int = 2222) -> asyncssh.SSHAcceptor:
    """Start the inbox server; the acceptor's `close()` stops it."""
    return await asyncssh.listen(
        host or None, port, server_host_keys=[str(host_key)],
        server_factory=lambda: _Auth(accounts),
        sftp_factory=lambda chan: _Inbox(chan, root, accounts),
        allow_scp=False, agent_forwarding=False, x11_forwarding=False,
        allow_pty=False)


def run(root: Path, accounts_file: Path, host_key: Path, host: str = "", port: int = 2222,
        on_ready: Callable[[str], None] = print) -> None:
    """Serve the inbox until the process is stopped: what `tokkyo exchange inbox-server`
    and `python -m tokkyo.exchange.inbox_server` run. A bad accounts file or host key
    raises ConfigError (one line, before anything listens)."""
    accounts = load_accounts(accounts_file)
    if not host_key.is_file():
        raise ConfigError(f"{host_key}: no such host key file (make one with "
                          "`ssh-keygen -t ed25519 -N '' -f FILE`)")
    try:
        asyncssh.read_private_key(str(host_key))
    except (asyncssh.KeyImportError, OSError) as exc:
        raise ConfigError(f"{host_key}: not a private key: {exc}") from None

    async def serving() -> None:
        acceptor = await serve(root, accounts, host_key, host, port)
        bound = acceptor.sockets[0].getsockname()[1]
        on_ready(f"inbox server listening on port {bound} for {len(accounts)} accounts")
        await acceptor.wait_closed()

    asyncio.run(serving())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tokkyo.exchange.inbox_server",
                                     description="tokkyo's SFTP inbox for partners")
    parser.add_argument("--root", type=Path, required=True,
                        help="the exchange folder; inboxes are ROOT/inbox/{partner}/")
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--host-key", type=Path, required=True)
    parser.add_argument("--host", default="")
    parser.add_argument("--port", type=int, default=2222)
    args = parser.parse_args(argv)
    try:
        run(args.root, args.accounts, args.host_key, args.host, args.port,
            lambda line: print(line, flush=True))
    except ConfigError as exc:
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    main()
