"""`tokkyo settings`: every setting, its environment variable, default and current value."""

from __future__ import annotations

from rich.table import Table

from tokkyo.cli import context
from tokkyo.config import SETTINGS


def settings() -> None:
    """List the settings (read from TOKKYO_* environment variables)."""
    current = context.settings()
    table = Table(title="settings")
    for column in ("variable", "default", "current", "meaning"):
        table.add_column(column)
    for setting in SETTINGS:
        table.add_row(setting.env, repr(setting.default),
                      repr(getattr(current, setting.name)), setting.help)
    context.console.print(table)
