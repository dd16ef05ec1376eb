"""What `tokkyo db check` checks in the stored rows, beyond the schema itself.

- Foreign keys: SQLite enforces them only on connections that switch them on (tokkyo's
  do; another program's may not), so `PRAGMA foreign_key_check` looks for rows whose
  keys point nowhere. PostgreSQL enforces them always.
- CHECK constraints: each named CHECK of tokkyo's schema (checksum and number formats,
  known states, non-negative sizes) is evaluated again over its table's rows, on both
  databases: a row written with `PRAGMA ignore_check_constraints`, or by hand, is found.
- SQLite's `PRAGMA quick_check`: the file's pages, records and index order.
NOT NULL and UNIQUE are enforced by both databases on every write: not checked again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tokkyo.store.database import Database
from tokkyo.store.repositories import inventory


@dataclass
class Checked:
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check(db: Database) -> Checked:
    result = Checked()
    with db.read() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            broken = inventory.foreign_key_violations(conn)
            result.problems += [f"{b.rows} row(s) of {b.table} have a {b.what} that points "
                                "to no row" for b in broken]
            if not broken:
                result.passed.append("foreign keys: every key points to a row "
                                     "(PRAGMA foreign_key_check)")
        checks = list(inventory.check_constraints(conn))
        result.problems += [f"{rows} row(s) of {table} break CHECK constraint {name}"
                            for table, name, rows in checks if rows]
        if not any(rows for _, _, rows in checks):
            result.passed.append(f"CHECK constraints: all {len(checks)} hold on every row")
        if sqlite:
            damage = inventory.quick_check(conn)
            result.problems += [f"SQLite quick_check: {line}" for line in damage]
            if not damage:
                result.passed.append("SQLite quick_check: ok")
    return result
