"""The exchange transports against real servers on loopback: pyftpdlib with explicit TLS,
asyncssh's SFTP server (each in its own process, stopped by PID) and Debian's nginx with
TLS. Partner files are real corpus documents; the large files are random bytes made once
per module."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.transfer_servers import (
    ServerProcess,
    Tls,
    ftps_server,
    https_server,
    make_certificate,
    make_ssh_key,
    sftp_server,
)
from tokkyo.exchange.transports import open_transport
from tokkyo.exchange.transports.base import (
    Endpoint,
    RemoteFile,
    TransferFailed,
    TransferRefused,
    Transport,
)
from tokkyo.exchange.transports.retry import RetryPolicy, fetch_with_retry, with_retry

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
USER, PASSWORD = "partner-sg", "s3cret-π"
FAST = RetryPolicy(attempts=5, first_delay_s=0.05, max_delay_s=0.5)
#: Long enough (~10 s) for a killed server process to start again on a loaded machine.
PATIENT = RetryPolicy(attempts=12, first_delay_s=0.1, max_delay_s=1.0)
BIG = 200 * 1024 * 1024
CUT = 48 * 1024 * 1024


def _random_file(path: Path, size: int) -> str:
    """`size` random bytes at `path`, written in 8 MiB steps; their SHA-256."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        left = size
        while left:
            block = os.urandom(min(left, 8 << 20))
            digest.update(block)
            out.write(block)
            left -= len(block)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """The partner's server-side folder, served by all three servers: a delivery of real
    corpus files in two levels, plus the large files."""
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus is not at {CORPUS}")
    base = tmp_path_factory.mktemp("partner") / "home"
    delivery = base / "out" / "d2026-001"
    (delivery / "ep").mkdir(parents=True)
    shutil.copy(CORPUS / "ep" / "grant" / "v1-3-B1.xml", delivery / "ep" / "v1-3-B1.xml")
    shutil.copy(CORPUS / "cn" / "cn_old1.xml", delivery / "cn_old1.xml")
    return base


@pytest.fixture(scope="module")
def big(root) -> Iterator[tuple[RemoteFile, str]]:
    path = root / "out" / "big" / "big.bin"
    sha = _random_file(path, BIG)
    yield RemoteFile("big/big.bin", BIG), sha
    path.unlink()                           # pytest keeps old temporary folders: no 200 MB


@pytest.fixture(scope="module")
def cut(root) -> Iterator[tuple[RemoteFile, str]]:
    path = root / "out" / "cut" / "cut.bin"
    sha = _random_file(path, CUT)
    yield RemoteFile("cut/cut.bin", CUT), sha
    path.unlink()


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    return {"tls": make_certificate(folder, "server"),
            "other_tls": make_certificate(folder, "other"),
            "host": make_ssh_key(folder, "host"),
            "other_host": make_ssh_key(folder, "other_host"),
            "client": make_ssh_key(folder, "client")}


@pytest.fixture(scope="module")
def ftps(tmp_path_factory, root, keys) -> Iterator[ServerProcess]:
    with ftps_server(tmp_path_factory.mktemp("ftps"), [(USER, PASSWORD, root)],
                     keys["tls"]) as server:
        yield server


@pytest.fixture(scope="module")
def sftp(tmp_path_factory, root, keys) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("sftp")
    authorized = folder / "authorized_keys"
    authorized.write_text(keys["client"].public_line + "\n")
    with sftp_server(folder, [(USER, PASSWORD, root)], keys["host"], authorized) as server:
        yield server


@pytest.fixture(scope="module")
def https(tmp_path_factory, root, keys):
    with https_server(tmp_path_factory.mktemp("nginx"), root, keys["tls"],
                      [(USER, PASSWORD)]) as server:
        yield server


def ftps_endpoint(port: int, tls: Tls, **kw) -> Endpoint:
    return Endpoint(**{"url": f"ftps://127.0.0.1:{port}/out", "username": USER,
                       "password": PASSWORD, "host_key": tls.pem, "timeout_s": 10, **kw})


def sftp_endpoint(port: int, host_line: str, **kw) -> Endpoint:
    return Endpoint(**{"url": f"sftp://127.0.0.1:{port}/out", "username": USER,
                       "password": PASSWORD, "host_key": host_line, "timeout_s": 10, **kw})


@pytest.fixture
def endpoints(ftps, sftp, https, keys) -> dict[str, Endpoint]:
    return {"ftps": ftps_endpoint(ftps.port, keys["tls"]),
            "sftp": sftp_endpoint(sftp.port, keys["host"].public_line),
            "https": Endpoint(url=f"{https.url}/out/", username=USER, password=PASSWORD,
                              host_key=keys["tls"].pem, timeout_s=10)}


PROTOCOLS = ["ftps", "sftp", "https"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_list_fetch_put(protocol, endpoints, root, tmp_path):
    transport = open_transport(endpoints[protocol])
    try:
        listed = {f.path: f.size for f in transport.list("d2026-001")}
        assert listed == {
            "d2026-001/cn_old1.xml": (root / "out/d2026-001/cn_old1.xml").stat().st_size,
            "d2026-001/ep/v1-3-B1.xml": (root / "out/d2026-001/ep/v1-3-B1.xml").stat().st_size}
        remote = RemoteFile("d2026-001/ep/v1-3-B1.xml", listed["d2026-001/ep/v1-3-B1.xml"])
        local = tmp_path / "staging" / "v1-3-B1.xml"
        assert transport.fetch(remote, local) == remote.size
        assert local.read_bytes() == (root / "out" / remote.path).read_bytes()
        assert transport.fetch(remote, local) == 0            # whole already: nothing moved

        sent = tmp_path / "ack.txt"
        sent.write_text(f"ACK over {protocol}\n")
        transport.put(sent, f"inbound/{protocol}/ACK")
        arrived = root / "out" / "inbound" / protocol
        assert (arrived / "ACK").read_text() == f"ACK over {protocol}\n"
        assert sorted(p.name for p in arrived.iterdir()) == ["ACK"]   # no staging name left
        assert "inbound/" + protocol + "/ACK" in {f.path for f in transport.list("inbound")}
    finally:
        transport.close()


def test_ftps_lists_with_list_and_size_where_the_server_has_no_mlsd(tmp_path, root, keys):
    with ftps_server(tmp_path, [(USER, PASSWORD, root)], keys["tls"], "--no-mlsd") as srv:
        transport = open_transport(ftps_endpoint(srv.port, keys["tls"]))
        try:
            listed = {f.path: f.size for f in transport.list("d2026-001")}
        finally:
            transport.close()
    assert listed["d2026-001/ep/v1-3-B1.xml"] == (
        root / "out/d2026-001/ep/v1-3-B1.xml").stat().st_size
    assert len(listed) == 2


def test_https_lists_from_the_delivery_manifest(endpoints, root, tmp_path):
    delivery = root / "out" / "d2026-002"
    delivery.mkdir()
    shutil.copy(root / "out/d2026-001/cn_old1.xml", delivery / "cn_old1.xml")
    size = (delivery / "cn_old1.xml").stat().st_size
    (delivery / "manifest.json").write_text(
        '{"format":"tokkyo-manifest","version":1,"files":[{"name":"cn_old1.xml",'
        f'"bytes":{size},"sha256":"{_sha256(delivery / "cn_old1.xml")}"}}]}}')
    (delivery / "not-in-manifest.xml").write_text("<x/>")
    transport = open_transport(endpoints["https"])
    try:
        listed = {f.path: f.size for f in transport.list("d2026-002")}
    finally:
        transport.close()
    assert listed == {"d2026-002/cn_old1.xml": size,
                      "d2026-002/manifest.json": (delivery / "manifest.json").stat().st_size}


def test_https_resumes_with_range_and_restarts_a_changed_file(endpoints, root, tmp_path):
    source = root / "out" / "changing.bin"
    _random_file(source, 3 << 20)
    remote = RemoteFile("changing.bin", 3 << 20)
    local = tmp_path / "changing.bin"
    transport = open_transport(endpoints["https"])
    try:
        transport.fetch(remote, local)
        with local.open("r+b") as f:          # an interrupted copy: its first 1 MiB
            f.truncate(1 << 20)
        assert transport.fetch(remote, local) == 2 << 20      # only the rest moved
        assert local.read_bytes() == source.read_bytes()

        with local.open("r+b") as f:
            f.truncate(1 << 20)
        _random_file(source, 3 << 20)                          # replaced on the server
        os.utime(source, (source.stat().st_mtime + 5,) * 2)
        assert transport.fetch(remote, local) == 3 << 20       # If-Range: from zero
        assert local.read_bytes() == source.read_bytes()
    finally:
        transport.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_local_copy_longer_than_the_file_starts_again(protocol, endpoints, root,
                                                         tmp_path):
    source = root / "out" / "d2026-001" / "cn_old1.xml"
    local = tmp_path / "cn_old1.xml"
    local.write_bytes(b"x" * (source.stat().st_size + 100))
    transport = open_transport(endpoints[protocol])
    try:
        moved = transport.fetch(RemoteFile("d2026-001/cn_old1.xml", source.stat().st_size),
                                local)
    finally:
        transport.close()
    assert moved == source.stat().st_size
    assert local.read_bytes() == source.read_bytes()


def _restart_when_dead(server: ServerProcess) -> threading.Thread:
    """Restart `server` on its port as soon as its process ends (it kills itself)."""
    def watch() -> None:
        server.wait_dead()
        server.start()
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("protocol", ["ftps", "sftp"])
def test_a_server_killed_mid_transfer_is_resumed_not_restarted(protocol, tmp_path, root,
                                                                keys, cut):
    remote, sha = cut
    users = [(USER, PASSWORD, root)]
    die = ["--die-after", str(CUT // 2)]
    if protocol == "ftps":
        server = ServerProcess(["ftps", "--cert", str(keys["tls"].cert), "--key",
                                str(keys["tls"].key), "--user", f"{USER}:{PASSWORD}:{root}"],
                               tmp_path / "ftps.log").start(*die)
        endpoint = ftps_endpoint(server.port, keys["tls"])
    else:
        server = ServerProcess(["sftp", "--host-key", str(keys["host"].private), "--user",
                                f"{USER}:{PASSWORD}:{root}"], tmp_path / "sftp.log").start(*die)
        endpoint = sftp_endpoint(server.port, keys["host"].public_line)
    assert users
    watcher = _restart_when_dead(server)
    local = tmp_path / "cut.bin"
    try:
        outcome = fetch_with_retry(lambda: open_transport(endpoint), remote, local, PATIENT)
        watcher.join(30)
    finally:
        server.stop()
    assert _sha256(local) == sha
    local.unlink()
    assert outcome.attempts >= 2 and outcome.errors
    assert 0 < outcome.moved[0] < CUT                  # the first attempt broke off
    assert outcome.moved[-1] < CUT                     # the last resumed, not restarted
    assert outcome.total == CUT


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_200_mb_file_arrives_whole(protocol, endpoints, big, tmp_path):
    remote, sha = big
    local = tmp_path / "big.bin"
    transport = open_transport(endpoints[protocol])
    try:
        assert transport.fetch(remote, local) == BIG
    finally:
        transport.close()
    assert _sha256(local) == sha
    local.unlink()


# -- refusals and failures: each its exact error, no file left behind ---------------------

def test_wrong_password_is_refused_and_not_retried(ftps, sftp, https, keys, tmp_path):
    cases = {
        "ftps": ftps_endpoint(ftps.port, keys["tls"], password="wrong"),
        "sftp": sftp_endpoint(sftp.port, keys["host"].public_line, password="wrong"),
        "https": Endpoint(url=f"{https.url}/out/", username=USER, password="wrong",
                          host_key=keys["tls"].pem)}
    messages = {
        "ftps": rf"ftps://127.0.0.1:{ftps.port}/out: login refused for user 'partner-sg' "
                r"\(wrong user name or password\)",
        "sftp": rf"sftp://127.0.0.1:{sftp.port}/out: login refused for user 'partner-sg' "
                r"\(wrong password or key\)",
        "https": rf"{https.url}/out/: cannot read 'd2026-001/manifest.json': login refused "
                 r"or not permitted \(HTTP 401\)"}
    for protocol, endpoint in cases.items():
        tries: list[int] = []

        def connect(endpoint: Endpoint = endpoint, tries: list[int] = tries) -> Transport:
            tries.append(1)
            return open_transport(endpoint)

        with pytest.raises(TransferRefused, match=messages[protocol]):
            if protocol == "https":                  # HTTP learns of it on the request
                connect().list("d2026-001")
            else:
                fetch_with_retry(connect, RemoteFile("d2026-001/cn_old1.xml", 1),
                                 tmp_path / protocol, FAST)
        assert tries == [1], protocol
        assert not (tmp_path / protocol).exists()


def test_sftp_with_a_private_key(sftp, keys, root, tmp_path):
    endpoint = sftp_endpoint(sftp.port, keys["host"].public_line, password=None,
                             private_key=keys["client"].private_text)
    transport = open_transport(endpoint)
    try:
        remote = RemoteFile("d2026-001/cn_old1.xml", 0)
        transport.fetch(remote, tmp_path / "x.xml")
    finally:
        transport.close()
    assert (tmp_path / "x.xml").read_bytes() == (root / "out" / remote.path).read_bytes()


def test_unknown_host_key_or_certificate_is_refused(ftps, sftp, https, keys, tmp_path):
    with pytest.raises(TransferRefused, match=r"the server's host key is not the one "
                                              r"recorded for this partner"):
        open_transport(sftp_endpoint(sftp.port, keys["other_host"].public_line))
    with pytest.raises(TransferRefused, match=r"no SSH host key is recorded for this "
                                              r"partner; tokkyo never trusts an unknown key"):
        open_transport(sftp_endpoint(sftp.port, None))
    with pytest.raises(TransferRefused, match=r"the server's TLS certificate is not the one "
                                              r"agreed for this partner"):
        open_transport(ftps_endpoint(ftps.port, keys["other_tls"]))
    with pytest.raises(TransferRefused, match=r"the server's TLS certificate is not the one "
                                              r"agreed for this partner"):
        open_transport(Endpoint(url=f"{https.url}/out/", username=USER, password=PASSWORD,
                                host_key=keys["other_tls"].pem)).list()
    assert list(tmp_path.iterdir()) == []


def test_plain_ftp_needs_the_agreement(tmp_path):
    with pytest.raises(TransferRefused, match=r"^ftp://127.0.0.1:1/out: plain FTP sends the "
                                              r"password and the data unencrypted; the "
                                              r"agreement must allow plain FTP for this "
                                              r"partner, or use ftps://$"):
        open_transport(Endpoint(url="ftp://127.0.0.1:1/out", username=USER,
                                password=PASSWORD))


def test_plain_http_with_a_password_needs_the_agreement():
    with pytest.raises(TransferRefused, match=r"^http://127.0.0.1:1/out/: plain HTTP would "
                                              r"send the password unencrypted; the agreement "
                                              r"must allow unencrypted transfer"):
        open_transport(Endpoint(url="http://127.0.0.1:1/out/", username=USER,
                                password=PASSWORD))


def test_plain_ftp_where_allowed(tmp_path, root, keys):
    with ftps_server(tmp_path, [(USER, PASSWORD, root)], keys["tls"], "--plain") as srv:
        transport = open_transport(Endpoint(url=f"ftp://127.0.0.1:{srv.port}/out",
                                            username=USER, password=PASSWORD,
                                            allow_plain_ftp=True))
        try:
            assert "d2026-001/cn_old1.xml" in {f.path for f in transport.list()}
        finally:
            transport.close()


def test_a_dead_server_fails_after_the_agreed_attempts(tmp_path, keys):
    from tests.nginx_proxy import _free_port
    port = _free_port()                                   # nothing listens there
    waits: list[float] = []
    local = tmp_path / "never.xml"
    for endpoint, scheme in ((ftps_endpoint(port, keys["tls"]), "ftps"),
                             (sftp_endpoint(port, keys["host"].public_line), "sftp")):
        with pytest.raises(TransferFailed, match=rf"^gave up after 3 attempts: {scheme}://"
                                                 rf"127.0.0.1:{port}/out: cannot connect: "):
            fetch_with_retry(lambda endpoint=endpoint: open_transport(endpoint),
                             RemoteFile("a.xml", 1), local,
                             RetryPolicy(attempts=3, first_delay_s=1, jitter=0.5),
                             sleep=waits.append)
    endpoint = Endpoint(url=f"https://127.0.0.1:{port}/out/", host_key=keys["tls"].pem)
    with pytest.raises(TransferFailed, match=rf"^https://127.0.0.1:{port}/out/: cannot "
                                             r"connect: "):
        open_transport(endpoint).fetch(RemoteFile("a.xml", 1), local)
    assert not local.exists()
    assert len(waits) == 4 and all(0.5 <= w <= 1 for w in waits[::2])
    assert all(1 <= w <= 2 for w in waits[1::2])          # back-off doubles, with jitter


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("path", ["../home/out/d2026-001/cn_old1.xml", "/etc/passwd",
                                  "d2026-001/../../x", "a\\..\\b"])
def test_a_path_outside_the_root_is_refused_before_any_io(protocol, path, endpoints,
                                                          tmp_path):
    transport = open_transport(endpoints[protocol])
    local = tmp_path / "staging" / "x"
    try:
        with pytest.raises(TransferRefused, match=rf"^remote path {path!r} refused: ".replace(
                "\\", "\\\\").replace("(", r"\(").replace(".", r"\.")):
            transport.fetch(RemoteFile(path, 10), local)
        with pytest.raises(TransferRefused, match=r"refused"):
            transport.put(Path(__file__), path)
        with pytest.raises(TransferRefused, match=r"refused"):
            transport.list(path)
    finally:
        transport.close()
    assert not local.parent.exists()


def test_retry_policy_delays():
    policy = RetryPolicy(attempts=10, first_delay_s=1, multiplier=2, max_delay_s=8,
                         jitter=0.25)
    for attempt, base in ((1, 1), (2, 2), (3, 4), (4, 8), (9, 8)):
        assert all(base * 0.75 <= policy.delay(attempt) <= base for _ in range(50))
    with pytest.raises(ValueError, match="at least 1 attempt"):
        RetryPolicy(attempts=0)


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_https_worker_killed_mid_transfer_is_resumed_not_restarted(tmp_path, root, keys,
                                                                    cut):
    """nginx at a limited rate; once a quarter of the file is here its worker process is
    killed (the master starts another) and the retry resumes with Range + If-Range."""
    remote, sha = cut
    local = tmp_path / "cut.bin"
    with https_server(tmp_path / "nginx", root, keys["tls"], [(USER, PASSWORD)],
                      rate="48m") as server:
        endpoint = Endpoint(url=f"{server.url}/out/", username=USER, password=PASSWORD,
                            host_key=keys["tls"].pem, timeout_s=10)
        killed: list[int] = []

        def kill_at_a_quarter() -> None:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:             # bounded: 20 s at most
                if local.exists() and local.stat().st_size >= CUT // 4:
                    for worker in _children(server.pid):
                        os.kill(worker, signal.SIGKILL)
                        killed.append(worker)
                    return
                time.sleep(0.005)

        killer = threading.Thread(target=kill_at_a_quarter, daemon=True)
        killer.start()
        outcome = fetch_with_retry(lambda: open_transport(endpoint), remote, local, PATIENT)
        killer.join(30)
    assert killed
    assert _sha256(local) == sha
    local.unlink()
    assert outcome.attempts >= 2 and 0 < outcome.moved[0] < CUT
    assert outcome.moved[-1] < CUT and outcome.total == CUT


@pytest.mark.parametrize("url", ["ftps://127.0.0.1:1/out/../..", "sftp://127.0.0.1:1/../etc",
                                 "https://127.0.0.1:1/a/../../b/"])
def test_an_endpoint_whose_root_climbs_out_is_refused_before_connecting(url, keys):
    endpoint = Endpoint(url=url, username=USER, password=PASSWORD,
                        host_key=keys["host"].public_line if url.startswith("sftp")
                        else keys["tls"].pem)
    with pytest.raises(TransferRefused, match=r"refused: '\.\.' would leave the endpoint's "
                                              r"root"):
        open_transport(endpoint)


def test_listing_with_retry_reconnects_until_the_server_is_back(tmp_path, root, keys):
    """The partner's server is down at first (seed 002: "often cannot access download
    site"); it comes back while tokkyo waits between attempts."""
    server = ServerProcess(["ftps", "--cert", str(keys["tls"].cert), "--key",
                            str(keys["tls"].key), "--user", f"{USER}:{PASSWORD}:{root}"],
                           tmp_path / "ftps.log")
    from tests.nginx_proxy import _free_port
    server.port = _free_port()
    endpoint = ftps_endpoint(server.port, keys["tls"])
    waits: list[float] = []

    def wait_then_start(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            server.start()                  # up again after the second failed attempt

    try:
        listed = with_retry(lambda: open_transport(endpoint),
                            lambda t: [f.path for f in t.list("d2026-001")],
                            FAST, sleep=wait_then_start)
    finally:
        server.stop()
    assert listed == ["d2026-001/cn_old1.xml", "d2026-001/ep/v1-3-B1.xml"]
    assert len(waits) == 2
