"""Saved search formulas of signed-in users."""

from __future__ import annotations

import sqlalchemy as sa

from tokkyo.store.tables import saved_formulas


def list_for(conn: sa.Connection, user_pk: int) -> list[sa.Row]:
    return list(conn.execute(sa.select(saved_formulas)
                             .where(saved_formulas.c.user_id == user_pk)
                             .order_by(saved_formulas.c.created_at, saved_formulas.c.id)))


def count_for(conn: sa.Connection, user_pk: int) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(saved_formulas)
                        .where(saved_formulas.c.user_id == user_pk)).scalar_one()


def by_name(conn: sa.Connection, user_pk: int, name: str) -> sa.Row | None:
    return conn.execute(sa.select(saved_formulas).where(
        saved_formulas.c.user_id == user_pk, saved_formulas.c.name == name)).first()


def by_id(conn: sa.Connection, user_pk: int, formula_id: int) -> sa.Row | None:
    return conn.execute(sa.select(saved_formulas).where(
        saved_formulas.c.user_id == user_pk, saved_formulas.c.id == formula_id)).first()


def insert(conn: sa.Connection, user_pk: int, name: str, law: str, expression: str,
           options: str) -> int:
    return conn.execute(sa.insert(saved_formulas).values(
        user_id=user_pk, name=name, law=law, expression=expression, options=options)
        .returning(saved_formulas.c.id)).scalar_one()


def update(conn: sa.Connection, formula_id: int, law: str, expression: str,
           options: str) -> None:
    conn.execute(sa.update(saved_formulas).where(saved_formulas.c.id == formula_id)
                 .values(law=law, expression=expression, options=options))


def delete(conn: sa.Connection, user_pk: int, formula_id: int) -> bool:
    return conn.execute(sa.delete(saved_formulas).where(
        saved_formulas.c.user_id == user_pk, saved_formulas.c.id == formula_id)).rowcount > 0


def lock_user(conn: sa.Connection, user_pk: int) -> None:
    """Serialise formula changes of one user (the limit of five is checked under it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7411, :u)"), {"u": user_pk})
