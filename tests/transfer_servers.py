"""Real transfer servers on loopback for the exchange transports' tests and benchmark:
pyftpdlib FTPS and asyncssh SFTP each in their own process (tests/transfer_server.py),
Debian's nginx serving HTTPS with a JSON index and WebDAV PUT/MOVE. Certificates and SSH
keys are made here with `cryptography` and asyncssh; every server is stopped by its PID.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.nginx_proxy import _free_port, running_nginx

SCRIPT = Path(__file__).with_name("transfer_server.py")


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path

    @property
    def pem(self) -> str:
        return self.cert.read_text()


def make_certificate(folder: Path, name: str = "server") -> Tls:
    """A self-signed certificate for 127.0.0.1 and localhost (ECDSA P-256, one day)."""
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"tokkyo test {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return Tls(cert_path, key_path)


@dataclass(frozen=True)
class SshKey:
    private: Path
    public_line: str

    @property
    def private_text(self) -> str:
        return self.private.read_text()


def make_ssh_key(folder: Path, name: str) -> SshKey:
    """An Ed25519 key pair: the private key file and the public `ssh-ed25519 …` line."""
    folder.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = folder / name
    key.write_private_key(str(path))
    path.chmod(0o600)
    line = key.export_public_key().decode().strip()
    (folder / f"{name}.pub").write_text(line + "\n")
    return SshKey(path, line)


@dataclass
class ServerProcess:
    """A transfer server process: started, killed and restarted on the same port."""

    argv: list[str]
    log: Path
    port: int = 0
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    def start(self, *extra: str) -> ServerProcess:
        """Start (or restart, on the same port) and wait for its READY line."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(SCRIPT), *self.argv, "--port", str(self.port), *extra],
                stdout=subprocess.PIPE, stderr=log, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("READY "), (f"server did not start (exit {self.process.wait()}): "
                                           f"{self.log.read_text()}")
        self.port = int(line.split()[1])
        return self

    def wait_dead(self, timeout: float = 30) -> int:
        """Wait for the process to end (it was killed, or killed itself); its status."""
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


@contextmanager
def ftps_server(folder: Path, users: Sequence[tuple[str, str, Path]], tls: Tls,
                *extra: str) -> Iterator[ServerProcess]:
    """pyftpdlib with explicit TLS required on control and data, one home per user."""
    argv = ["ftps", "--cert", str(tls.cert), "--key", str(tls.key), *extra]
    for name, password, home in users:
        home.mkdir(parents=True, exist_ok=True)
        argv += ["--user", f"{name}:{password}:{home}"]
    server = ServerProcess(argv, folder / "ftps.log").start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def sftp_server(folder: Path, users: Sequence[tuple[str, str, Path]], host_key: SshKey,
                authorized_keys: Path | None = None) -> Iterator[ServerProcess]:
    """asyncssh's SFTP server, each user chrooted to its home."""
    argv = ["sftp", "--host-key", str(host_key.private)]
    if authorized_keys is not None:
        argv += ["--authorized-keys", str(authorized_keys)]
    for name, password, home in users:
        home.mkdir(parents=True, exist_ok=True)
        argv += ["--user", f"{name}:{password}:{home}"]
    server = ServerProcess(argv, folder / "sftp.log").start()
    try:
        yield server
    finally:
        server.stop()


HTTPS_SERVER = """\
    types {{ application/json json; application/xml xml; }}
    default_type application/octet-stream;
    sendfile on;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        root {root};
        client_max_body_size 0;
        location / {{
            auth_basic "partner";
            auth_basic_user_file {folder}/htpasswd;
            autoindex on;
            autoindex_format json;
            dav_methods PUT MOVE;
            create_full_put_path on;
            limit_rate {rate};
        }}
    }}
"""


@dataclass
class HttpsServer:
    url: str
    folder: Path
    pid: int


@contextmanager
def https_server(folder: Path, root: Path, tls: Tls, users: Sequence[tuple[str, str]],
                 rate: str = "0") -> Iterator[HttpsServer]:
    """Debian's nginx serving `root` over TLS (basic auth, JSON index, PUT/MOVE)."""
    folder.mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    (folder / "htpasswd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in users))
    port = _free_port()
    block = HTTPS_SERVER.format(folder=folder, port=port, cert=tls.cert, key=tls.key,
                                root=root, rate=rate)
    # pytest's folders are private to their owner: the worker serves files as that owner
    with running_nginx(folder, block, user="user root;\n" if os.geteuid() == 0 else "") as pid:
        yield HttpsServer(f"https://127.0.0.1:{port}", folder, pid)
