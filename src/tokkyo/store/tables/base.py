"""The `MetaData` every table hangs on, with the constraint naming convention."""

from __future__ import annotations

import sqlalchemy as sa

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def id_column() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def application_fk(nullable: bool = False, index: bool = True) -> sa.Column[int]:
    """The case a row belongs to; `index` off where a wider index starts with it."""
    return sa.Column("application_id", sa.Integer,
                     sa.ForeignKey("applications.id", ondelete="CASCADE"),
                     nullable=nullable, index=index)


def publication_fk(nullable: bool = False) -> sa.Column[int]:
    return sa.Column("publication_id", sa.Integer,
                     sa.ForeignKey("publications.id", ondelete="CASCADE"),
                     nullable=nullable, index=True)


def text(name: str, nullable: bool = False) -> sa.Column[str]:
    """A text column that holds `''` rather than NULL for an absent value (JPO style)."""
    return sa.Column(name, sa.Text, nullable=nullable, server_default="" if not nullable else None,
                     default="" if not nullable else None)
