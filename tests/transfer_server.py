"""A real FTPS (pyftpdlib) or SFTP (asyncssh) server in its own process, for the transfer
tests and the benchmark: `python tests/transfer_server.py ftps|sftp --folder F --port P
--user NAME:PASSWORD:HOME …`. It prints `READY <port>` once it listens, and runs until
killed (tests stop it by PID). `--die-after N` makes the process kill itself with SIGKILL
once it has sent N bytes of file data: a server that crashes in the middle of a transfer,
at a byte count the test chooses rather than at a moment it has to guess.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path


def _die_when(sent: int, limit: int | None) -> None:
    if limit is not None and sent >= limit:
        os.kill(os.getpid(), signal.SIGKILL)


def run_ftps(args: argparse.Namespace) -> None:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, TLS_DTPHandler, TLS_FTPHandler
    from pyftpdlib.handlers.ftp.data import DTPHandler
    from pyftpdlib.servers import FTPServer

    authorizer = DummyAuthorizer()
    for user in args.user:
        name, password, home = user.split(":", 2)
        authorizer.add_user(name, password, home, perm="elradfmwMT")
    plain = args.plain
    base_dtp = DTPHandler if plain else TLS_DTPHandler
    limit = args.die_after

    class Dtp(base_dtp):  # type: ignore[misc, valid-type]
        def send(self, data: bytes) -> int:
            result: int = super().send(data)
            _die_when(self.tot_bytes_sent, limit)
            return result

    base = FTPHandler if plain else TLS_FTPHandler

    class Handler(base):  # type: ignore[misc, valid-type]
        pass

    Handler.authorizer = authorizer
    Handler.dtp_handler = Dtp
    Handler.use_sendfile = False
    Handler.passive_ports = None
    Handler.banner = "tokkyo test server"
    Handler.auth_failed_timeout = 0.1    # pyftpdlib waits 3 s after a bad login
    if not plain:
        Handler.certfile = args.cert
        Handler.keyfile = args.key
        Handler.tls_control_required = True
        Handler.tls_data_required = True
    if args.no_mlsd:
        Handler.proto_cmds = {k: v for k, v in base.proto_cmds.items()
                              if k not in ("MLSD", "MLST")}
    server = FTPServer(("127.0.0.1", args.port), Handler)
    server.max_cons = 64
    print(f"READY {server.address[1]}", flush=True)
    server.serve_forever(handle_exit=False)


def run_sftp(args: argparse.Namespace) -> None:
    import asyncssh

    users: dict[str, tuple[str, Path]] = {}
    for user in args.user:
        name, password, home = user.split(":", 2)
        users[name] = (password, Path(home))
    limit = args.die_after
    sent = [0]

    class Server(asyncssh.SSHServer):
        def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
            self.conn = conn

        def begin_auth(self, username: str) -> bool:
            if args.authorized_keys:
                self.conn.set_authorized_keys(args.authorized_keys)
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, password: str) -> bool:
            return username in users and users[username][0] == password

        def public_key_auth_supported(self) -> bool:
            return bool(args.authorized_keys)

    class Sftp(asyncssh.SFTPServer):
        """Each user's SFTP session is chrooted to its own home."""

        def __init__(self, chan: asyncssh.SSHServerChannel) -> None:
            name = chan.get_extra_info("username")
            super().__init__(chan, chroot=str(users[name][1]))

        def read(self, file_obj: object, offset: int, size: int) -> bytes:
            data: bytes = super().read(file_obj, offset, size)
            sent[0] += len(data)
            _die_when(sent[0], limit)
            return data

    async def main() -> None:
        server = await asyncssh.listen(
            "127.0.0.1", args.port, server_host_keys=[args.host_key],
            server_factory=Server, sftp_factory=Sftp, allow_scp=False)
        port = server.sockets[0].getsockname()[1]
        print(f"READY {port}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("protocol", choices=["ftps", "sftp"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user", action="append", default=[], help="NAME:PASSWORD:HOME")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--no-mlsd", action="store_true")
    parser.add_argument("--host-key")
    parser.add_argument("--authorized-keys")
    parser.add_argument("--die-after", type=int)
    args = parser.parse_args()
    (run_ftps if args.protocol == "ftps" else run_sftp)(args)


if __name__ == "__main__":
    main()
