"""A real tokkyo server for the tests: `tokkyo serve` in its own process, over loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

SECRET = "test-secret-key-for-tokkyo-api-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, data_dir: Path, workers: int = 1,
                 port: int | None = None, **settings: str) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, TOKKYO_DATABASE_URL=database_url,
                        TOKKYO_DATA_DIR=str(data_dir), TOKKYO_SECRET_KEY=SECRET,
                        TOKKYO_INGEST_WORKERS="0",
                        **{f"TOKKYO_{k.upper()}": v for k, v in settings.items()})
        self.log = data_dir / f"server-{self.port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tokkyo.cli.main", "serve", "--port", str(self.port),
             "--workers", str(workers)], env=self.env, stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT)
        self.client = httpx.Client(base_url=self.base, timeout=60)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise AssertionError("server did not start:\n" + self.log.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def token_answer(self, login_id: str, password: str) -> httpx.Response:
        return self.client.post("/auth/token", data={"grant_type": "password",
                                                     "username": login_id,
                                                     "password": password})

    def token(self, login_id: str, password: str) -> str:
        answer = self.token_answer(login_id, password)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def get(self, path: str, token: str | None, headers: Mapping[str, str] | None = None
            ) -> httpx.Response:
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(path, headers={**auth, **(headers or {})})
