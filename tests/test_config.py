"""Settings come from one table: every field of `Settings` is a row of `SETTINGS` with its
default and parser, a bad value is one ConfigError naming the variable, and the accounts'
policy takes its defaults from the same table."""

from __future__ import annotations

import dataclasses

import pytest

from tokkyo.accounts.caps import DEFAULT_CAPS
from tokkyo.accounts.policy import Policy, caps_of
from tokkyo.config import SETTINGS, QuotaCap, Settings, load_settings
from tokkyo.errors import ConfigError


def test_the_table_is_the_dataclass():
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Settings)]
    defaults = Settings()
    for row in SETTINGS:
        assert getattr(defaults, row.name) == row.default, row.name
        assert row.help and row.env == "TOKKYO_" + row.name.upper()
    assert load_settings(environ={}) == defaults


def test_every_parser_reads_the_environment():
    settings = load_settings(environ={
        "TOKKYO_INGEST_BATCH_SIZE": "7", "TOKKYO_INGEST_WORKERS": "auto",
        "TOKKYO_SQL_ECHO": "yes", "TOKKYO_SECRET_KEY": "s" * 32,
        "TOKKYO_QUOTA_CAPS": "patent/app_progress=800, design/app_progress = 5",
        "TOKKYO_BULK_LINK_KID": "255", "TOKKYO_BULK_REVOKED_KIDS": "1, 3,",
        "TOKKYO_BLOB_STORE": "file:///srv/blobs", "TOKKYO_PORT": "9000"})
    assert settings.ingest_batch_size == 7 and settings.ingest_workers is None
    assert settings.sql_echo is True and settings.secret_key == "s" * 32
    assert settings.quota_caps == (QuotaCap("patent", "app_progress", 800),
                                   QuotaCap("design", "app_progress", 5))
    assert settings.bulk_link_kid == 255 and settings.bulk_revoked_kids == frozenset({1, 3})
    assert settings.blob_store == "file:///srv/blobs" and settings.port == 9000


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("TOKKYO_INGEST_BATCH_SIZE", "0", "TOKKYO_INGEST_BATCH_SIZE='0': '0' must be a positive "
     "integer"),
    ("TOKKYO_INGEST_BATCH_SIZE", "zero", "TOKKYO_INGEST_BATCH_SIZE='zero': invalid literal "
     "for int() with base 10: 'zero'"),
    ("TOKKYO_INGEST_WORKERS", "-1", "TOKKYO_INGEST_WORKERS='-1': '-1' must be 'auto' or a "
     "whole number of processes (0 or more)"),
    ("TOKKYO_SQL_ECHO", "maybe", "TOKKYO_SQL_ECHO='maybe': 'maybe' is not a boolean (use "
     "1/0, true/false, yes/no, on/off)"),
    ("TOKKYO_SECRET_KEY", "short", "TOKKYO_SECRET_KEY=(hidden): must be at least 32 "
     "characters (it signs tokens and links)"),
    ("TOKKYO_QUOTA_CAPS", "patent/app_progress:800", "TOKKYO_QUOTA_CAPS="
     "'patent/app_progress:800': quota cap 'patent/app_progress:800' is not "
     "LAW/OPERATION=NUMBER (e.g. patent/app_progress=800)"),
    ("TOKKYO_BULK_LINK_KID", "256", "TOKKYO_BULK_LINK_KID='256': '256' must be a key id "
     "between 1 and 255"),
    ("TOKKYO_BULK_REVOKED_KIDS", "1,two", "TOKKYO_BULK_REVOKED_KIDS='1,two': give key ids "
     "as whole numbers separated by commas"),
    ("TOKKYO_BLOB_STORE", "/srv/blobs", "TOKKYO_BLOB_STORE='/srv/blobs': give a URL "
     "(file:///srv/tokkyo/blobs) or leave it empty"),
    ("TOKKYO_PORT", "-80", "TOKKYO_PORT='-80': '-80' must be a positive integer"),
    # an old setting file naming the retired SQL index
    ("TOKKYO_SEARCH_ENGINE", "sql", "TOKKYO_SEARCH_ENGINE='sql': the store's own SQL search "
     "index was retired (migration 0020); use tantivy (embedded, the default) or sphinx (a "
     "SphinxQL cluster)"),
    ("TOKKYO_SEARCH_ENGINE", "solr", "TOKKYO_SEARCH_ENGINE='solr': 'solr' is not a search "
     "engine (use tantivy or sphinx)"),
    ("TOKKYO_TRUSTED_PROXIES", "10.0.0.1,proxy", "TOKKYO_TRUSTED_PROXIES='10.0.0.1,proxy': "
     "give IP addresses or networks (10.0.0.0/8) separated by commas"),
    ("TOKKYO_PUBLIC_ORIGIN", "ip-data.example.org", "TOKKYO_PUBLIC_ORIGIN="
     "'ip-data.example.org': 'ip-data.example.org' is not an origin (scheme and host, e.g. "
     "https://ip-data.example.org)"),
    ("TOKKYO_PUBLIC_ORIGIN", "https://example.org/tokkyo", "TOKKYO_PUBLIC_ORIGIN="
     "'https://example.org/tokkyo': 'https://example.org/tokkyo' is not an origin (scheme "
     "and host, e.g. https://ip-data.example.org)"),
])
def test_a_bad_value_names_its_variable(variable, value, message):
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={variable: value})
    assert str(caught.value) == message


def test_origins_and_trusted_proxies():
    """Links default to the address served on; only listed proxies are believed."""
    assert Settings().bound_origin == "http://127.0.0.1:8000"
    assert load_settings(environ={"TOKKYO_HOST": "::1", "TOKKYO_PORT": "9000"}
                         ).bound_origin == "http://[::1]:9000"
    assert load_settings(environ={"TOKKYO_PUBLIC_ORIGIN": "https://ip.example.org/"}
                         ).public_origin == "https://ip.example.org"
    assert not Settings().trusts("127.0.0.1")
    proxies = load_settings(environ={"TOKKYO_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1"})
    assert all(proxies.trusts(a) for a in ("127.0.0.1", "10.2.3.4", "::1"))
    assert not any(proxies.trusts(a) for a in ("127.0.0.2", "11.0.0.1", "", "proxy"))


def test_text_overrides_are_parsed_typed_ones_taken():
    assert load_settings(environ={}, port="81").port == 81
    assert load_settings(environ={}, port=82, ingest_workers=None).port == 82
    with pytest.raises(ConfigError, match=r"^TOKKYO_BULK_LINK_KID='0': "):
        load_settings(environ={}, bulk_link_kid="0")
    with pytest.raises(TypeError, match="no such settings: colour"):
        load_settings(environ={}, colour="red")


def test_the_policy_defaults_are_the_settings_defaults():
    built = Policy(secret=b"k" * 32)
    from_table = Policy.from_settings(Settings(secret_key="k" * 32))
    for name in ("max_failures", "failure_window", "lockout", "quota_multiplier", "caps",
                 "rate_limits", "log_retention", "registration_open"):
        assert getattr(built, name) == getattr(from_table, name), name


def test_quota_caps_change_the_handbook_caps():
    settings = load_settings(environ={"TOKKYO_QUOTA_CAPS": "patent/app_progress=800"})
    caps = caps_of(settings)
    assert caps[("patent", "app_progress")] == 800
    assert {k: v for k, v in caps.items() if k != ("patent", "app_progress")} == {
        k: v for k, v in DEFAULT_CAPS.items() if k != ("patent", "app_progress")}


def test_an_unknown_quota_operation_names_its_variable():
    settings = load_settings(environ={"TOKKYO_QUOTA_CAPS": "patent/no_such_thing=5"})
    with pytest.raises(ConfigError) as caught:
        caps_of(settings)
    assert str(caught.value) == ("TOKKYO_QUOTA_CAPS: patent/no_such_thing is not an "
                                 "operation with a daily cap (e.g. patent/app_progress=800)")
