"""`tokkyo serve` on a PostgreSQL store without TOKKYO_SECRET_KEY says that every server
on the store must share one key (each data folder would make its own, and a token issued
on one machine would be refused on the next); on SQLite, one machine, it says nothing."""

from __future__ import annotations

from tokkyo.cli.serve import _warn_of_own_key
from tokkyo.config import load_settings


def _said(db, tmp_path, capsys, **settings: str) -> str:
    url = db.engine.url.render_as_string(hide_password=False)
    config = load_settings(environ={}, database_url=url, data_dir=str(tmp_path), **settings)
    _warn_of_own_key(config, db)
    return "".join(capsys.readouterr().err.split())    # however the console wrapped it


def test_a_shared_store_without_a_shared_key_is_pointed_out(db, backend, tmp_path, capsys):
    said = _said(db, tmp_path, capsys)
    if backend == "postgresql":
        assert said == "".join((
            f"tokens and links are signed with the key in {tmp_path}/secret.key: every "
            "server on this PostgreSQL store must use the same key, so set "
            "TOKKYO_SECRET_KEY to one value on all of them").split())
    else:
        assert said == ""
    assert _said(db, tmp_path, capsys, secret_key="k" * 32) == ""
