"""tokkyo's SFTP inbox server, run as its operators run it (`tokkyo exchange
inbox-server`, its own process, stopped by PID): each partner sees only its
own folder; `..`, absolute paths and links cannot reach another partner's."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from argon2 import PasswordHasher

from tests.transfer_servers import make_ssh_key
from tokkyo.errors import ConfigError
from tokkyo.exchange.inbox_server import load_accounts
from tokkyo.exchange.transports import open_transport
from tokkyo.exchange.transports.base import Endpoint, RemoteFile, TransferRefused

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("inbox")
    host = make_ssh_key(folder / "keys", "host")
    my_key = make_ssh_key(folder / "keys", "my")
    accounts = folder / "inbox.json"
    accounts.write_text(json.dumps({"accounts": [
        {"partner": "SG", "username": "ipos", "password_argon2":
         PasswordHasher().hash("sg-password")},
        {"partner": "MY", "username": "myipo", "authorized_keys": [my_key.public_line]}]}))
    root = folder / "exchange"
    (root / "inbox" / "MY" / "d1").mkdir(parents=True)
    (root / "inbox" / "MY" / "d1" / "secret.xml").write_text("<my-only/>")
    # `tokkyo exchange inbox-server` serving DATA_DIR/exchange/inbox/
    process = subprocess.Popen(
        [sys.executable, "-m", "tokkyo.cli.main", "exchange", "inbox-server",
         "--accounts", str(accounts), "--host-key", str(host.private), "--host",
         "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(SRC), "TOKKYO_DATA_DIR": str(folder)})
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "listening on port" in line, process.stderr.read() if process.stderr else ""
    port = int(line.split("port ")[1].split()[0])
    try:
        yield {"port": port, "root": root, "host": host, "my_key": my_key}
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(10)
        process.stdout.close()
        if process.stderr:
            process.stderr.close()


def _sg(inbox: dict, password: str = "sg-password") -> Endpoint:
    return Endpoint(url=f"sftp://127.0.0.1:{inbox['port']}/", username="ipos",
                    password=password, host_key=inbox["host"].public_line)


def test_a_partner_pushes_into_its_own_folder_only(inbox, tmp_path):
    delivery = tmp_path / "a.xml"
    delivery.write_text("<sg/>")
    transport = open_transport(_sg(inbox))
    try:
        transport.put(delivery, "d2026-01/a.xml")
        listed = {f.path for f in transport.list()}
        assert "d2026-01/a.xml" in listed and "d1/secret.xml" not in listed  # not MY's
    finally:
        transport.close()
    assert (inbox["root"] / "inbox" / "SG" / "d2026-01" / "a.xml").read_text() == "<sg/>"

    my = open_transport(Endpoint(url=f"sftp://127.0.0.1:{inbox['port']}/",
                                 username="myipo", private_key=inbox["my_key"].private_text,
                                 host_key=inbox["host"].public_line))
    try:
        assert [f.path for f in my.list()] == ["d1/secret.xml"]
        with pytest.raises(TransferRefused, match=r"^remote path '\.\./SG/d2026-01/a\.xml' "
                                                  r"refused: '\.\.' would leave"):
            my.fetch(RemoteFile("../SG/d2026-01/a.xml", 5), tmp_path / "x")
    finally:
        my.close()


def test_the_server_itself_keeps_a_partner_out_of_other_folders(inbox, tmp_path):
    """A client that is not tokkyo's (asyncssh's own, no client-side checks) tries '..',
    absolute paths and a link: the server maps them all inside the partner's folder."""
    async def attempt() -> dict[str, str]:
        results: dict[str, str] = {}
        async with asyncssh.connect(
                "127.0.0.1", inbox["port"], username="ipos", password="sg-password",
                known_hosts=([asyncssh.import_public_key(inbox["host"].public_line)], [],
                             []), client_keys=None, agent_path=None, config=[]) as conn, \
                conn.start_sftp_client() as sftp:
            for path in ("../MY/d1/secret.xml", "/../../MY/d1/secret.xml",
                         str(inbox["root"] / "inbox/MY/d1/secret.xml")):
                try:
                    async with sftp.open(path, "rb") as f:
                        results[path] = (await f.read()).decode()
                except asyncssh.SFTPNoSuchFile:
                    results[path] = "no such file"
            async with sftp.open("../../planted.xml", "wb") as f:
                await f.write(b"<planted/>")
            try:
                await sftp.symlink("/../MY/d1/secret.xml", "link.xml")
                results["symlink"] = "made"
            except asyncssh.SFTPError as exc:
                results["symlink"] = exc.reason
        return results

    results = asyncio.run(attempt())
    assert results == {"../MY/d1/secret.xml": "no such file",
                       "/../../MY/d1/secret.xml": "no such file",
                       str(inbox["root"] / "inbox/MY/d1/secret.xml"): "no such file",
                       "symlink": "links are not allowed in the inbox"}
    assert not (inbox["root"] / "inbox" / "planted.xml").exists()
    assert not (inbox["root"] / "planted.xml").exists()
    assert (inbox["root"] / "inbox" / "SG" / "planted.xml").read_text() == "<planted/>"
    assert not (inbox["root"] / "inbox" / "SG" / "link.xml").exists()


def test_wrong_password_is_refused(inbox):
    with pytest.raises(TransferRefused, match=r"login refused for user 'ipos'"):
        open_transport(_sg(inbox, password="sg-wrong"))


def test_account_file_errors_name_the_entry(tmp_path):
    path = tmp_path / "inbox.json"
    for accounts, message in (
            ([{"partner": "../SG", "username": "x", "password_argon2": "h"}],
             r"account 1: partner '\.\./SG' is not a folder name"),
            ([{"partner": "SG", "username": "x"}],
             r"account 1 \(x\) has neither a password hash nor a key"),
            ([{"username": "x"}], r"account 1 needs partner and username")):
        path.write_text(json.dumps({"accounts": accounts}))
        with pytest.raises(ConfigError, match=message):
            load_accounts(path)
    path.write_text("[]")
    with pytest.raises(ConfigError, match=r"not an inbox account file"):
        load_accounts(path)


def test_the_inbox_server_command_refuses_a_missing_host_key(tmp_path):
    accounts = tmp_path / "inbox.json"
    accounts.write_text(json.dumps({"accounts": [
        {"partner": "SG", "username": "ipos", "password_argon2":
         PasswordHasher().hash("sg-password")}]}))
    done = subprocess.run(
        [sys.executable, "-m", "tokkyo.cli.main", "exchange", "inbox-server",
         "--accounts", str(accounts), "--port", "0"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(SRC), "TOKKYO_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2
    key = tmp_path / "exchange" / "inbox_host_ed25519"
    assert " ".join(done.stderr.split()) == (
        f"{key}: no such host key file (make one with `ssh-keygen -t ed25519 -N '' -f FILE`)")
    assert not (tmp_path / "exchange" / "inbox").exists()
