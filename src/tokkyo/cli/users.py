"""`tokkyo users`: accounts from the command line (scripts and operators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
import typer

from tokkyo.accounts import service as accounts
from tokkyo.accounts.errors import AccountError
from tokkyo.accounts.policy import Policy
from tokkyo.cli import context

T = TypeVar("T")

app = typer.Typer(help="Users: add, list, approve, disable, reissue passwords, change IDs.",
                  no_args_is_help=True)


def _run(work: Callable[[sa.Connection, Policy], T], *, existing: bool = False) -> T:
    """`work`'s answer, in one transaction of the store; an account error is printed and
    ends the command (exit 1) with nothing written. `existing`: refuse a store that does
    not exist yet (read-only commands)."""
    config = context.settings()
    with context.opened(config, upgrade=True, existing=existing) as db:
        # after the store is known to exist: the policy may create the data folder's key
        policy = Policy.from_settings(config)
        try:
            with db.engine.begin() as conn:
                return work(conn, policy)
        except AccountError as exc:
            context.errors.print(f"[red]{exc}")
            raise typer.Exit(1) from None


@app.command()
def add(login_id: str = typer.Argument(..., help="The ID (8-15 of 0-9 a-z - _ .)."),
        password: str = typer.Option(..., help="At least 10 characters."),
        role: str = typer.Option("user", help="user, provider or admin."),
        name: str = typer.Option("", help="Organisation or person."),
        services: str = typer.Option("api,opd,bulk,archive",
                                     help="Services the user may use, comma-separated.")
        ) -> None:
    """Create an approved, active user at once."""
    wanted = [s.strip() for s in services.split(",") if s.strip()]
    _run(lambda conn, policy: accounts.add_user(conn, policy, login_id, password, role, name,
                                                wanted))
    context.console.print(f"user {login_id} added ({role})")


@app.command(name="list")
def list_users(status: str = typer.Option("", help="Only users in this state."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Users and registration requests."""
    rows = _run(lambda conn, policy: accounts.listing(conn, status or None), existing=True)

    def services(u: Any) -> list[str]:
        return [s for s in ("api", "opd", "bulk", "archive") if getattr(u, s)]
    if as_json:
        context.print_json([{"number": u.id, "login_id": u.login_id,
                             "desired_id": u.desired_id, "status": u.status, "role": u.role,
                             "kind": u.kind, "name": u.name, "services": services(u),
                             "created_at": u.created_at, "updated_at": u.updated_at}
                            for u in rows])
        return
    context.console.print(context.table(
        "users", ("#", "ID", "status", "role", "name", "services"),
        [(str(u.id), u.login_id or f"({u.desired_id or '-'})", u.status, u.role, u.name,
          " ".join(services(u))) for u in rows], ids=("#", "ID")))


@app.command()
def approve(registration: int = typer.Argument(..., help="The request's number (#)."),
            login_id: str = typer.Option("", help="ID to issue (default: the wanted one "
                                                  "or a new one)."),
            password: str = typer.Option("", help="Password (default: generated).")) -> None:
    """Approve a registration request: issue its ID and password (printed once)."""
    issued, secret = _run(lambda conn, policy: accounts.approve(
        conn, policy, registration, login_id, password))
    context.console.print(f"approved: ID {issued}  password {secret}")


@app.command()
def reject(registration: int = typer.Argument(...),
           reason: str = typer.Option("", help="Why.")) -> None:
    """Reject a registration request."""
    _run(lambda conn, policy: accounts.reject(conn, policy, registration, reason))
    context.console.print(f"registration {registration} rejected")


@app.command()
def disable(login_id: str) -> None:
    """Suspend a user; all its tokens are revoked."""
    _run(lambda conn, policy: accounts.set_status(conn, policy, login_id, "suspended"))
    context.console.print(f"{login_id} suspended")


@app.command()
def enable(login_id: str) -> None:
    """Reactivate a suspended user."""
    _run(lambda conn, policy: accounts.set_status(conn, policy, login_id, "active"))
    context.console.print(f"{login_id} active")


@app.command()
def reissue(login_id: str,
            password: str = typer.Option("", help="New password (default: generated).")
            ) -> None:
    """A new password (printed once); all tokens are revoked."""
    secret = _run(lambda conn, policy: accounts.reissue_password(conn, policy, login_id,
                                                                 password))
    context.console.print(f"{login_id}: new password {secret}")


@app.command(name="change-id")
def change_id(login_id: str,
              new_id: str = typer.Option("", help="The new ID (default: a new one).")) -> None:
    """Issue a new ID and delete the old one; all tokens of the old ID are revoked."""
    issued = _run(lambda conn, policy: accounts.change_id(conn, policy, login_id, new_id))
    context.console.print(f"{login_id} is now {issued}")


@app.command()
def grant(login_id: str, law: str = typer.Argument(..., help="patent, design or trademark"),
          operation: str = typer.Argument(...),
          factor: int = typer.Option(None, help="2 (corporate) or 5 (information provider)."),
          cap: int = typer.Option(None, help="An explicit daily cap instead."),
          reason: str = typer.Option("", help="Why it was granted.")) -> None:
    """Raise one daily cap for one user."""
    _run(lambda conn, policy: accounts.grant_quota(conn, policy, login_id, law, operation,
                                                   factor=factor, cap=cap, reason=reason))
    context.console.print(f"{login_id}: {law}/{operation} raised")
