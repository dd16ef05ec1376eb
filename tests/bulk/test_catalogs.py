"""The bulk site's message catalogs: the same keys and placeholders in ja and en, and a
message for every refusal reason, announcement category and order state the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tokkyo.bulk.archive import NEXT
from tokkyo.store.tables.products import ANNOUNCEMENT_CATEGORIES, FILE_STATES, ORDER_STATES

SRC = Path(__file__).resolve().parents[2] / "src" / "tokkyo" / "bulk"
EN = json.loads((SRC / "messages" / "en.json").read_text("utf-8"))
JA = json.loads((SRC / "messages" / "ja.json").read_text("utf-8"))


def test_same_keys_and_placeholders():
    assert EN.keys() == JA.keys()
    for key in EN:
        assert set(re.findall(r"{(\w+)}", EN[key])) == set(re.findall(r"{(\w+)}", JA[key])), key


def test_every_reason_category_and_state_has_a_message():
    code = "\n".join(p.read_text("utf-8") for p in SRC.glob("*.py"))
    reasons = set(re.findall(r'LinkRefused\("([a-z-]+)"', code))
    reasons |= set(re.findall(r'refusal\(request, [^,]+, "([a-z-]+)"', code))
    reasons |= set(re.findall(r'getattr\(exc, "reason", "([a-z-]+)"\)', code))
    assert {"invalid", "expired", "revoked", "withdrawn", "foreign", "range", "busy",
            "maintenance", "unavailable"} <= reasons
    for reason in reasons:
        assert f"error.{reason}" in EN, reason
    for category in ANNOUNCEMENT_CATEGORIES:
        assert f"bulk.cat.{category}" in EN
    for state in ORDER_STATES:
        assert f"bulk.order.{state}" in EN
    assert set(NEXT) <= set(ORDER_STATES)
    for state in FILE_STATES:
        assert f"bulk.status.{state}" in EN
