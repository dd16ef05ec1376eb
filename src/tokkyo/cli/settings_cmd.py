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
        value = getattr(current, setting.name)
        shown = ("(set)" if value else "(empty)") if setting.secret else repr(value)
        table.add_row(setting.env, repr(setting.default), shown, setting.help)
    context.console.print(table)
