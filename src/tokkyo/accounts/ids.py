"""User IDs: the rules of bulk.md §1.3 (API and bulk alike), and IDs the system issues."""

from __future__ import annotations

import re
import secrets

from tokkyo.accounts.errors import InvalidUserId

_FORM = re.compile(r"^[0-9a-z._-]{8,15}$")
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"     # no 0/o, 1/l/i: IDs are read aloud


def check_user_id(user_id: str) -> str:
    """The ID when it is valid; `InvalidUserId` naming the rule it breaks otherwise."""
    if not 8 <= len(user_id) <= 15:
        raise InvalidUserId(f"ID {user_id!r} has {len(user_id)} characters; an ID has 8 to 15")
    bad = sorted({c for c in user_id if not re.match(r"[0-9a-z._-]", c)})
    if bad:
        raise InvalidUserId(f"ID {user_id!r} contains {''.join(bad)!r}; only 0-9, a-z, '-', "
                            "'_' and '.' are allowed")
    assert _FORM.match(user_id)
    classes = (any(c.isdigit() for c in user_id) + any(c.isalpha() for c in user_id)
               + any(c in "._-" for c in user_id))
    if classes < 2:
        raise InvalidUserId(f"ID {user_id!r} uses one kind of character; use at least two of "
                            "digits, letters and the symbols - _ .")
    return user_id


def issue_user_id() -> str:
    """A new valid ID of 10 characters, letters and digits mixed."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        try:
            return check_user_id(candidate)
        except InvalidUserId:
            continue
