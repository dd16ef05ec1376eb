"""Archived-data orders (bulk.md §7, seed 000 §4): whole units only, an operator's queue,
states from `requested` to `delivered`."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.bulk.access import BulkContext, link_path
from tokkyo.bulk.errors import BulkError, NotEntitled, NotFound, NotReady, SplitUnit
from tokkyo.store.repositories import bulk_activity
from tokkyo.store.repositories import products as rows
from tokkyo.store.repositories.users import UserRow

NEXT: dict[str, tuple[str, ...]] = {
    "requested": ("verifying", "rejected", "cancelled"),
    "verifying": ("approved", "rejected", "cancelled"),
    "approved": ("sized", "cancelled"),
    "sized": ("preparing", "cancelled"),
    "preparing": ("ready",),
    "ready": ("delivered",),
    "delivered": ("closed",),
}
USER_MAY_CANCEL = ("requested", "verifying", "approved", "sized")
DELIVERY = ("online", "media")


def place(conn: sa.Connection, ctx: BulkContext, user: UserRow, units: list[str],
          delivery: str = "online", purpose: str = "") -> int:
    """A new order for whole units; SplitUnit when a part of a unit is named."""
    if not user.archive and user.role != "admin":
        raise NotEntitled("this account is not registered for archived data; ask for the "
                          "archive service on the registration form")
    known = rows.units_of(conn)
    chosen = list(dict.fromkeys(u.strip() for u in units if u.strip()))
    if not chosen:
        raise BulkError("choose at least one unit of the list of provided data")
    for unit in chosen:
        if unit in known:
            continue
        holder = next((name for name, members in known.items() if unit in members), None)
        if holder is not None:
            raise SplitUnit(f"units cannot be split: {unit!r} is part of unit {holder!r} "
                            f"({', '.join(known[holder])}); order the whole unit")
        raise BulkError(f"{unit!r} is not a unit of the list of provided data")
    if delivery not in DELIVERY:
        raise BulkError(f"delivery {delivery!r} is neither online nor media")
    now = ctx.now()
    return bulk_activity.insert_order(conn, user_id=user.id, units="\n".join(chosen),
                                      status="requested", purpose=purpose, delivery=delivery,
                                      created_at=now, updated_at=now)


def advance(conn: sa.Connection, ctx: BulkContext, order_id: int, to: str,
            note: str = "") -> None:
    """An operator moves the order on; approval freezes the scope, sizing measures it."""
    row = bulk_activity.order(conn, order_id)
    if row is None:
        raise NotFound(f"no archive order {order_id}")
    if to not in NEXT.get(row.status, ()):
        allowed = ", ".join(NEXT.get(row.status, ())) or "nothing"
        raise BulkError(f"order {order_id} is {row.status}; it can go to {allowed}, "
                        f"not {to}")
    now = ctx.now()
    fields: dict[str, object] = {"status": to, "updated_at": now}
    if note:
        fields["operator_note"] = note
    if to == "approved":
        fields["snapshot_at"] = now
    if to == "sized":
        members = [p for unit in row.units.splitlines()
                   for p in rows.units_of(conn).get(unit, [])]
        fields["size_bytes"], fields["file_count"] = rows.unit_size(conn, members)
    bulk_activity.update_order(conn, order_id, **fields)


def cancel(conn: sa.Connection, ctx: BulkContext, user: UserRow, order_id: int) -> None:
    row = bulk_activity.order(conn, order_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"no archive order {order_id} of yours")
    if row.status not in USER_MAY_CANCEL:
        raise BulkError(f"order {order_id} is {row.status} and can no longer be cancelled")
    bulk_activity.update_order(conn, order_id, status="cancelled", updated_at=ctx.now())


def files_of_order(conn: sa.Connection, order_id: int) -> list[sa.Row]:
    """The current files of the order's units (online delivery, once ready)."""
    row = bulk_activity.order(conn, order_id)
    if row is None:
        raise NotFound(f"no archive order {order_id}")
    units = rows.units_of(conn)
    found: list[sa.Row] = []
    for unit in row.units.splitlines():
        for product_id in units.get(unit, []):
            found.extend(rows.current_files_of_product(conn, product_id))
    return found


def staging_set(conn: sa.Connection, ctx: BulkContext, user: UserRow, order_id: int
                ) -> list[tuple[sa.Row, str]]:
    """The online delivery of a ready (or delivered) order of the user: each file with a
    download path valid for the archive link lifetime (bulk.md §7: 30 days)."""
    row = bulk_activity.order(conn, order_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"no archive order {order_id} of yours")
    if row.status not in ("ready", "delivered"):
        raise NotReady(f"archive order {order_id} is {row.status}; its files can be "
                       "downloaded once it is ready")
    return [(f, link_path(conn, ctx, user, f.id, ctx.archive_link_lifetime))
            for f in files_of_order(conn, order_id)]
