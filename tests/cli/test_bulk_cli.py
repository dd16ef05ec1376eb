"""`tokkyo bulk` as an operator and a downloader run it: real processes, real databases,
a real server over loopback."""

from __future__ import annotations

import hashlib
import json
import os

import httpx

from tests.api.server import SECRET, Server
from tests.cli.test_cli import tokkyo
from tests.conftest import GAZETTE, REAL
from tokkyo.bulk.catalog import PRODUCTS


def test_publish_replace_announce_and_download(database_url, tmp_path):
    data = tmp_path / "data"
    env = dict(os.environ, TOKKYO_DATA_DIR=str(data), TOKKYO_DATABASE_URL=database_url,
               COLUMNS="200", TOKKYO_INGEST_WORKERS="0", TOKKYO_SECRET_KEY=SECRET)
    tokkyo("ingest", str(GAZETTE), str(REAL), env=env, check=0)
    tokkyo("users", "add", "mirror-user1", "--password", "mirror-password-1", env=env,
           check=0)
    first = tokkyo("bulk", "publish", "all", "--backfile", env=env, check=0).stdout
    assert "jp-gazette-a: release jp-gazette-a-" in first
    again = tokkyo("bulk", "publish", "all", env=env, check=0).stdout
    assert again.count("nothing new to publish") == len(PRODUCTS)   # every product
    bad = tokkyo("bulk", "publish", "nope", env=env, check=1)
    assert "no product 'nope'" in bad.stderr
    release = first.split("jp-gazette-a: release ")[1].split()[0]
    tokkyo("bulk", "announce", "--category", "maintenance", "--title-ja", "保守",
           "--title-en", "Maintenance", env=env, check=2)        # needs a window
    server = Server(database_url, data)
    try:
        mirror = tmp_path / "mirror"
        args = ("bulk", "download", "jp-gazette-a", "--to", str(mirror), "--server",
                server.base, "--user", "mirror-user1", "--password", "mirror-password-1")
        out = tokkyo(*args, env=env, check=0).stdout
        assert "2 downloaded, 0 replaced, 0 unchanged" in out
        sums = httpx.get(f"{server.base}/bulk/releases/{release}/SHA256SUMS").text
        for line in sums.splitlines():
            sha, name = line.split("  ")
            assert hashlib.sha256((mirror / release / name).read_bytes()).hexdigest() == sha
        corrected = tmp_path / "fixed.csv"
        corrected.write_text("date,publication_number,state,reason\r\n", "utf-8")
        replaced = tokkyo("bulk", "replace", release, "completeness.csv", str(corrected),
                          "--reason", "recount", env=env, check=0)
        assert "replaced" in replaced.stdout
        out = tokkyo(*args, env=env, check=0).stdout
        assert "0 downloaded, 1 replaced, 1 unchanged" in out
        assert (mirror / release / "completeness.csv").read_bytes() == corrected.read_bytes()
        narrow = dict(env, COLUMNS="80")              # ids whole in an 80-column terminal
        releases = [r for p in json.loads(tokkyo("bulk", "products", "--json", env=narrow,
                                                 check=0).stdout)
                    for r in p["latest_releases"]]
        assert release in releases
        listed = tokkyo("bulk", "products", env=narrow, check=0).stdout
        listing = tokkyo(*args[:2], *args[5:], env=narrow, check=0).stdout
        for out in (listed, listing):
            for r in releases:
                assert r in out, out
        manifests = json.loads(tokkyo(*args[:2], *args[5:], "--json", env=narrow,
                                      check=0).stdout)
        assert release in {r["release"] for p in manifests for r in p["releases"]}
        users = json.loads(tokkyo("users", "list", "--json", env=narrow, check=0).stdout)
        assert [u["login_id"] for u in users] == ["mirror-user1"]
        assert "password_hash" not in users[0]
        refused = tokkyo("bulk", "download", "--server", server.base, "--user",
                         "mirror-user1", "--password", "wrong-password-9", env=env, check=1)
        assert "sign-in as mirror-user1 refused" in refused.stderr
    finally:
        server.stop()
