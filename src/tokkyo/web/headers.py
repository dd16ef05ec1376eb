"""Security headers on every answer.

Every answer: `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin` (a
search's address, which holds the query, is not sent to other sites). Pages (HTML) also
get a Content-Security-Policy that allows scripts, styles and images from this origin only
(no `unsafe-inline`: the templates have no inline script, style or event handler; the one
`<script type="application/json">` holds data, which CSP does not run), and may not be
framed (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers). The
API documentation at `/docs` is Swagger UI, which starts itself with an inline script and
styles itself inline: its policy allows that, for those pages only. An answer over HTTPS
(directly, or a trusted proxy's `X-Forwarded-Proto`) carries `Strict-Transport-Security`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
               "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
               "object-src 'none'; base-uri 'self'; form-action 'self'; "
               "frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000"
ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))


class SecurityHeaders:
    """ASGI middleware adding the headers above (a header the answer set itself stays)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] == "/docs" or scope["path"].startswith("/docs/")
        https = scope.get("scheme") == "https"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                have = {k.lower() for k, _ in headers}
                extra = [h for h in ALWAYS if h[0] not in have]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"),
                                    b"")
                if content_type.startswith(b"text/html"):
                    policy = DOCS_POLICY if docs else PAGE_POLICY
                    extra += [(b"content-security-policy", policy.encode()),
                              (b"x-frame-options", b"DENY")]
                if https:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                message["headers"] = headers + [h for h in extra if h[0] not in have]
            await send(message)

        await self.app(scope, receive, sending)
