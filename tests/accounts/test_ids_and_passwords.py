from __future__ import annotations

import pytest

from tokkyo.accounts.errors import InvalidUserId
from tokkyo.accounts.ids import check_user_id, issue_user_id
from tokkyo.accounts.passwords import hash_password, verify_password


@pytest.mark.parametrize(("user_id", "why"), [        # bulk.md §1.3
    ("abcd1234", None), ("abc-defg", None), ("1234_567", None),
    ("abcdefgh", "uses one kind of character"), ("12345678", "uses one kind of character"),
    ("ABCD1234", "contains 'ABCD'"), ("abc1234", "has 7 characters"),
    ("abcdefgh12345678", "has 16 characters"), ("abc@1234", "contains '@'"),
])
def test_id_rules(user_id, why):
    if why is None:
        assert check_user_id(user_id) == user_id
    else:
        with pytest.raises(InvalidUserId, match=why):
            check_user_id(user_id)


def test_issued_ids_follow_the_rules():
    ids = {issue_user_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(check_user_id(i) for i in ids)
    assert not any(c in "01oil" for i in ids for c in i)      # read aloud without mistakes


def test_passwords():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse battery!")
    assert not verify_password(None, "correct horse battery")
    with pytest.raises(Exception, match="at least 10 characters"):
        hash_password("short")
