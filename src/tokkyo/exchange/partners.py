"""Partner offices and their agreements (exchange.md §1–§2): records checked before they
are written (ST.3 codes, known values, dates in order, a transport URL that fits the
transport), credentials sealed with the server secret, and the JSON the CLI and the admin
pages show (secrets never shown back, only whether they are set).

Every function takes the connection of the caller's unit of work and never commits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from tokkyo.exchange.credentials import seal
from tokkyo.exchange.errors import AgreementNotFound, InvalidRecord, PartnerNotFound
from tokkyo.model.exchange import (
    CONTENTS,
    DIRECTIONS,
    FREQUENCIES,
    PARTNER_STATUSES,
    RIGHTS,
    TRANSPORTS,
)
from tokkyo.store.repositories import exchange as repository
from tokkyo.store.repositories.exchange import AgreementRow, PartnerRow

SECTIONS = ("bibliography", "abstract", "claims", "description", "drawings", "gazettes")
#: The URL schemes each transport accepts (`inbox` needs none: the partner uploads).
TRANSPORT_SCHEMES = {"folder": ("file",), "ftp": ("ftp", "ftps"), "ftps": ("ftps",),
                     "sftp": ("sftp",), "https": ("https", "http")}
_KIND = re.compile(r"^[A-Z][0-9]?$")


@dataclass(frozen=True, slots=True)
class CountryCodes:
    """WIPO ST.3 codes: the current ones with their names, and the former ones (refused
    for a new partner, with the name they had)."""

    current: dict[str, str]
    former: dict[str, str]


@cache
def st3() -> CountryCodes:
    """The ST.3 table shipped in `tokkyo.model.codes` (see its PROVENANCE.md)."""
    text = resources.files("tokkyo.model.codes").joinpath("wipo_st3_codes.csv").read_text(
        "utf-8")
    current: dict[str, str] = {}
    former: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        (former if row["type"] == "WIPOFormerST3CodeType" else current)[row["code"]] = \
            row["documentation"]
    return CountryCodes(current, former)


def check_code(code: str) -> str:
    """`code` upper-cased if it is a current ST.3 code; InvalidRecord otherwise."""
    value = code.strip().upper()
    codes = st3()
    if value in codes.current:
        return value
    if value in codes.former:
        raise InvalidRecord(f"partner code {value!r} is a former WIPO ST.3 code "
                            f"({codes.former[value]}); use the current code of the office")
    raise InvalidRecord(f"partner code {code!r} is not a WIPO ST.3 code (two letters such "
                        "as SG, MY, EP)")


# --- partners ---------------------------------------------------------------------------

PARTNER_FIELDS = ("name", "contacts", "status", "public_provision", "terms", "notes",
                  "current_state")


def _partner_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(PARTNER_FIELDS))
    if unknown:
        raise InvalidRecord(f"unknown partner field(s) {', '.join(unknown)} "
                            f"(fields: {', '.join(PARTNER_FIELDS)})")
    values = {k: v for k, v in fields.items() if v is not None}
    if "status" in values and values["status"] not in PARTNER_STATUSES:
        raise InvalidRecord(f"status {values['status']!r} is none of "
                            f"{', '.join(PARTNER_STATUSES)}")
    if "public_provision" in values:
        values["public_provision"] = _flag("public_provision", values["public_provision"])
    if "name" in values and not str(values["name"]).strip():
        raise InvalidRecord("a partner's name cannot be empty")
    return values


def add_partner(conn: sa.Connection, code: str, **fields: Any) -> PartnerRow:
    """A new partner; its name defaults to the ST.3 table's. InvalidRecord when the code
    is not ST.3, is taken, or a field's value is not accepted (nothing written)."""
    value = check_code(code)
    values = _partner_values(fields)
    values.setdefault("name", st3().current[value])
    if repository.partner_by_code(conn, value) is not None:
        raise InvalidRecord(f"partner {value} exists already; edit it instead")
    partner_id = repository.add_partner(conn, {"code": value, **values})
    row = repository.partner(conn, partner_id)
    assert row is not None
    return row


def edit_partner(conn: sa.Connection, code: str, **fields: Any) -> PartnerRow:
    row = get_partner(conn, code)
    values = _partner_values(fields)
    if values:
        repository.update_partner(conn, row.id, values)
    return get_partner(conn, code)


def get_partner(conn: sa.Connection, code: str) -> PartnerRow:
    row = repository.partner_by_code(conn, code.strip().upper())
    if row is None:
        raise PartnerNotFound(f"no partner {code!r}; see `tokkyo exchange partners list`")
    return row


def list_partners(conn: sa.Connection) -> list[PartnerRow]:
    return repository.partners(conn)


def partner_json(row: PartnerRow) -> dict[str, Any]:
    return {"code": row.code, "name": row.name,
            "contacts": [c for c in row.contacts.splitlines() if c],
            "status": row.status, "public_provision": row.public_provision,
            "terms": row.terms, "notes": row.notes, "current_state": row.current_state,
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}


# --- agreements -------------------------------------------------------------------------

#: The fields an agreement row is given by (CLI options, form fields), each a string.
AGREEMENT_FIELDS = ("direction", "right", "product", "content", "format", "schema",
                    "kinds", "coverage_from", "coverage_to", "frequency", "transport", "url",
                    "username", "password", "private_key", "host_key", "allow_plain_ftp",
                    "required_sections", "legal_status", "max_delay_days",
                    "all_or_nothing", "tolerant", "extra", "active")
_REQUIRED = ("direction", "right", "product", "content", "format", "frequency",
             "transport")


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "on"):
        return True
    if text in ("no", "false", "0", "off", ""):
        return False
    raise InvalidRecord(f"{name} {value!r} is not yes or no")


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise InvalidRecord(f"{name} {value!r} is none of {', '.join(allowed)}")
    return text


def _date(name: str, value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date) or str(value).strip() == "":
        return value or None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidRecord(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _list(name: str, value: Any, allowed: tuple[str, ...] | None = None,
          pattern: re.Pattern[str] | None = None, upper: bool = False) -> str:
    items = [v.strip() for v in str(value).replace(";", ",").split(",") if v.strip()]
    items = [v.upper() if upper else v.lower() for v in items]
    for item in items:
        if allowed is not None and item not in allowed:
            raise InvalidRecord(f"{name}: {item!r} is none of {', '.join(allowed)}")
        if pattern is not None and not pattern.match(item):
            raise InvalidRecord(f"{name}: {item!r} is not a kind code (a letter, a digit "
                                "optional: A, B1, U, Y)")
    return ",".join(dict.fromkeys(items))


def _extra(value: Any) -> str:
    if isinstance(value, Mapping):
        return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)
    text = str(value).strip() or "{}"
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRecord(f"extra is not a JSON object ({exc.msg} at column "
                            f"{exc.colno})") from None
    if not isinstance(parsed, dict):
        raise InvalidRecord("extra must be a JSON object ({\"field\": \"value\", …})")
    return json.dumps(parsed, ensure_ascii=False, sort_keys=True)


def _agreement_values(fields: Mapping[str, Any], secret: bytes | None,
                      current: AgreementRow | None) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(AGREEMENT_FIELDS))
    if unknown:
        raise InvalidRecord(f"unknown agreement field(s) {', '.join(unknown)} "
                            f"(fields: {', '.join(AGREEMENT_FIELDS)})")
    given = {k: v for k, v in fields.items() if v is not None}
    if current is None:
        missing = [f for f in _REQUIRED if not str(given.get(f, "")).strip()]
        if missing:
            raise InvalidRecord(f"an agreement needs {', '.join(missing)}")
    values: dict[str, Any] = {}
    simple = {"direction": DIRECTIONS, "right": RIGHTS, "content": CONTENTS,
              "frequency": FREQUENCIES, "transport": TRANSPORTS}
    for name, allowed in simple.items():
        if name in given:
            values["ip_right" if name == "right" else name] = _one_of(name, given[name],
                                                                      allowed)
    for name in ("product", "format"):
        if name in given:
            if not str(given[name]).strip():
                raise InvalidRecord(f"{name} cannot be empty")
            values[name] = str(given[name]).strip()
    if "schema" in given:
        values["schema_version"] = str(given["schema"]).strip()
    if "kinds" in given:
        values["kind_codes"] = _list("kinds", given["kinds"], pattern=_KIND, upper=True)
    for name in ("coverage_from", "coverage_to"):
        if name in given:
            values[name] = _date(name, given[name])
    if "required_sections" in given:
        values["required_sections"] = _list("required_sections", given["required_sections"],
                                            SECTIONS)
    for name in ("allow_plain_ftp", "legal_status", "all_or_nothing", "tolerant", "active"):
        if name in given:
            values[name] = _flag(name, given[name])
    if "max_delay_days" in given:
        text = str(given["max_delay_days"]).strip()
        if text and (not text.isdigit()):
            raise InvalidRecord(f"max_delay_days {text!r} is not a whole number of days")
        values["max_delay_days"] = int(text) if text else None
    if "extra" in given:
        values["extra"] = _extra(given["extra"])
    for name in ("url", "username", "host_key"):
        if name in given:
            values["endpoint_url" if name == "url" else name] = str(given[name]).strip()
    for name in ("password", "private_key"):
        if name in given:
            text = str(given[name])
            if text and secret is None:
                raise InvalidRecord(f"a {name} can only be stored sealed with the server "
                                    "secret, which was not given")
            values[f"{name}_sealed"] = seal(secret, text) if text and secret else ""
    _check_consistent(values, current)
    return values


def _check_consistent(values: dict[str, Any], current: AgreementRow | None) -> None:
    def value(name: str) -> Any:
        if name in values:
            return values[name]
        return getattr(current, name) if current is not None else None

    start, end = value("coverage_from"), value("coverage_to")
    if start and end and end < start:
        raise InvalidRecord(f"coverage_to {end} is before coverage_from {start}")
    transport, url = value("transport"), value("endpoint_url") or ""
    if transport == "inbox":
        if url:
            raise InvalidRecord("an inbox agreement has no URL: the partner uploads to "
                                "{data}/exchange/inbox/{partner}/")
        return
    if not url:
        raise InvalidRecord(f"a {transport} agreement needs a url "
                            f"({'/'.join(TRANSPORT_SCHEMES[transport])}://…)")
    scheme = urlsplit(url).scheme
    if scheme not in TRANSPORT_SCHEMES[transport]:
        raise InvalidRecord(f"url {url!r} does not fit transport {transport} (a "
                            f"{' or '.join(TRANSPORT_SCHEMES[transport])} URL is expected)")
    if scheme == "ftp" and not value("allow_plain_ftp"):
        raise InvalidRecord(f"url {url!r} is plain FTP: use ftps://, or set "
                            "allow_plain_ftp=yes where the agreement says so")


def add_agreement(conn: sa.Connection, code: str, fields: Mapping[str, Any],
                  secret: bytes | None = None) -> AgreementRow:
    """A new agreement row for partner `code`. `secret` (the server secret) seals a
    password or private key given; InvalidRecord on any value refused (nothing written)."""
    partner = get_partner(conn, code)
    values = _agreement_values(fields, secret, None)
    agreement_id = repository.add_agreement(conn, {"partner_id": partner.id, **values})
    return get_agreement(conn, agreement_id)


def edit_agreement(conn: sa.Connection, agreement_id: int, fields: Mapping[str, Any],
                   secret: bytes | None = None) -> AgreementRow:
    current = get_agreement(conn, agreement_id)
    values = _agreement_values(fields, secret, current)
    if values:
        repository.update_agreement(conn, agreement_id, values)
    return get_agreement(conn, agreement_id)


def get_agreement(conn: sa.Connection, agreement_id: int) -> AgreementRow:
    row = repository.agreement(conn, agreement_id)
    if row is None:
        raise AgreementNotFound(f"no agreement {agreement_id}; see "
                                "`tokkyo exchange agreements list`")
    return row


def list_agreements(conn: sa.Connection, code: str | None = None) -> list[AgreementRow]:
    partner_id = get_partner(conn, code).id if code else None
    return repository.agreements(conn, partner_id)


def agreement_json(row: AgreementRow, partner_code: str = "") -> dict[str, Any]:
    return {"id": row.id, "partner": partner_code, "direction": row.direction,
            "right": row.ip_right, "product": row.product, "content": row.content,
            "format": row.format, "schema": row.schema_version,
            "kinds": [k for k in row.kind_codes.split(",") if k],
            "coverage_from": row.coverage_from.isoformat() if row.coverage_from else None,
            "coverage_to": row.coverage_to.isoformat() if row.coverage_to else None,
            "frequency": row.frequency, "transport": row.transport, "url": row.endpoint_url,
            "username": row.username, "password_set": bool(row.password_sealed),
            "private_key_set": bool(row.private_key_sealed), "host_key": row.host_key,
            "allow_plain_ftp": row.allow_plain_ftp,
            "required_sections": [s for s in row.required_sections.split(",") if s],
            "legal_status": row.legal_status, "max_delay_days": row.max_delay_days,
            "all_or_nothing": row.all_or_nothing, "tolerant": row.tolerant,
            "extra": json.loads(row.extra or "{}"), "active": row.active,
            "last_success_at": row.last_success_at.isoformat() if row.last_success_at
            else None}


def partner_of(conn: sa.Connection, agreement: AgreementRow) -> PartnerRow:
    """The partner an agreement row belongs to."""
    row = repository.partner(conn, agreement.partner_id)
    if row is None:                      # the foreign key makes this impossible
        raise PartnerNotFound(f"agreement {agreement.id} has no partner")
    return row
