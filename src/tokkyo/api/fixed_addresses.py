"""`jpp_fixed_address` when the loaded data holds no URL (jpo-api.md §11): the J-PlatPat
URL shape on tokkyo's own origin, with a token the portal can verify."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.api.answers import Answer
from tokkyo.documents.fixed_addresses import token
from tokkyo.model.laws import Law
from tokkyo.store.repositories import cases

SEGMENTS = {Law.PATENT: ("PU", "1"), Law.DESIGN: ("DE", "3"), Law.TRADEMARK: ("TR", "4")}


def url(secret: bytes, origin: str, law: Law, number: str) -> str:
    segment, digit = SEGMENTS[law]
    return (f"{origin}/c1800/{segment}/JP-{number[:4]}-{number[4:]}/"
            f"{token(secret, law, number)}/{digit}0/ja")


def answer(conn: sa.Connection, secret: bytes, origin: str, law: Law, number: str) -> Answer:
    if cases.application_id(conn, law, number) is None:
        return Answer("107", {})
    return Answer("100", {"URL": url(secret, origin, law, number)})
