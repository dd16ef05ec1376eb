"""How the API's surfaces answer errors: the JPO envelope on the JPO paths (a store kept
busy past the call's time is statusCode 302), a JSON problem body on the admin, account and
token paths of programs."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response

from tokkyo.accounts.errors import AccountError, InvalidCredentials, InvalidToken, NotFound
from tokkyo.api import envelope
from tokkyo.errors import TransientError
from tokkyo.filings.errors import FilingError
from tokkyo.monitoring.maintenance import Window
from tokkyo.web.errors import BearerRequired, Forbidden
from tokkyo.web.problems import problem

#: Paths where a refused account request is a form that cannot be accepted (422), not a
#: conflict with the account's state (409).
FORMS = ("/accounts/registrations",)


async def jpo_answer(request: Request, exc: Exception) -> Response | None:
    if isinstance(exc, TransientError):
        return envelope.response("302")
    return None


async def program_answer(request: Request, exc: Exception) -> Response | None:
    if isinstance(exc, BearerRequired | InvalidToken | InvalidCredentials):
        return problem(401, str(exc))
    if isinstance(exc, Forbidden):
        return problem(403, str(exc))
    if isinstance(exc, NotFound):
        return problem(404, str(exc))
    if isinstance(exc, FilingError):
        return problem(exc.status, str(exc))
    if isinstance(exc, AccountError):
        return problem(422 if request.url.path in FORMS else 409, str(exc))
    if isinstance(exc, TransientError):
        return problem(503, "the store is busy; try again shortly", headers={"Retry-After": "5"})
    return None


def maintenance_answer(request: Request, window: Window, now: dt.datetime) -> Response:
    """A JPO API call during announced maintenance: the envelope of statusCode 303 (the
    JPO's code for "the service cannot take the call now": its clients wait and retry),
    with HTTP 503, `Retry-After` until the window's end and a `Link` to the announcement.
    The JPO has no code of its own for maintenance (it announces it on its site)."""
    answer = envelope.response("303", headers=window.headers(now))
    answer.status_code = 503
    return answer
