"""Docs are tested against the code: every setting and command is in README.md."""

from __future__ import annotations

from pathlib import Path

import typer.main

from tokkyo.cli.main import app
from tokkyo.config import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def command_lines() -> list[str]:
    group = typer.main.get_command(app)
    lines = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            # a hidden command is the group's default (`tokkyo search EXPRESSION`)
            lines += [f"tokkyo {name} {child}" for child, c in sub.items() if not c.hidden]
        else:
            lines.append(f"tokkyo {name}")
    return lines


def test_every_setting_is_documented():
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in README]
    assert not missing


def test_every_command_is_documented():
    assert command_lines(), "no commands found"
    missing = [line for line in command_lines() if f"`{line}" not in README]
    assert not missing


def test_readme_gives_the_two_commands_near_the_top():
    head = README[:1500]
    assert "./dev demo" in head and "./dev test" in head
