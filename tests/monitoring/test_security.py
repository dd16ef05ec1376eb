"""What is exposed (issue 21, item 6): every route that needs sign-in or a role refuses
without it (the route table is walked, so a new route cannot be forgotten: it must be
declared public below or refuse), security headers on pages, Secure cookies over HTTPS
behind a trusted proxy, login throttled per address as well as per ID, and no password
or token in the server's log. Real HTTP to `tokkyo serve` on SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.server import Server
from tests.conftest import fresh_database
from tests.monitoring import stores
from tests.monitoring.routes_walk import walk
from tests.monitoring.stores import APP_PROGRESS, PASSWORD, USER
from tokkyo.app import create_app
from tokkyo.config import load_settings

#: Routes anyone may call, with why. Every other route must refuse a caller without
#: credentials (401, 403, a redirect to /login, or the JPO's 210).
PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/"): "the portal's home / service description",
    ("GET", "/health"): "liveness for load balancers",
    ("GET", "/ready"): "readiness for load balancers",
    ("GET", "/metrics"): "guarded by address or token itself (test_operations)",
    ("GET", "/openapi.json"): "the API's published description",
    ("GET", "/docs"): "API documentation", ("GET", "/docs/oauth2-redirect"): "its login",
    ("GET", "/docs/assets/{path}"): "its files", ("GET", "/redoc"): "API documentation",
    ("GET", "/static/{path}"): "stylesheet and script",
    ("GET", "/login"): "the sign-in form", ("POST", "/login"): "signing in",
    ("POST", "/logout"): "signing out", ("POST", "/auth/token"): "the OAuth2 token endpoint",
    ("POST", "/accounts/registrations"): "registering for an account",
    ("GET", "/documents"): "published documents", ("GET", "/number"): "number lookup",
    ("GET", "/search"): "search", ("GET", "/search/{law}"): "search form",
    ("GET", "/search/{law}/run"): "search", ("GET", "/simple"): "simple search",
    ("GET", "/q/{law}"): "result list",
    ("GET", "/me/formulas"): "visitors keep formulas in their browser (portal.md §8)",
    ("GET", "/languages"): "LibreTranslate's language list (translating needs a key)",
    ("GET", "/efile"): "the e-filing check's form", ("POST", "/efile"): "the check itself: "
    "stateless, the upload is answered and forgotten",
    ("GET", "/q/s/{formula_id:int}"): "a shared formula",
    ("GET", "/d/{country}/{law}/{stage}/{number}"): "published documents",
    ("GET", "/d/{country}/{law}/{stage}/{number}/{section}"): "published documents",
    ("GET", "/d/{country}/{law}/{stage}/{number}/file/{position}"): "their images",
    ("GET", "/d/{country}/{law}/{stage}/{number}/translation"): "the machine translation "
    "beside a published document",
    ("GET", "/translation"): "which translation routes are in force (no text is translated)",
    ("GET", "/c1800/{section}/{number}/{token}/{code}/{lang}"): "J-PlatPat fixed address",
    ("GET", "/c1801/{section}/{number}/{code}/{lang}"): "J-PlatPat fixed address",
    ("GET", "/bulk"): "the bulk catalogue", ("GET", "/bulk/status"): "service status",
    ("GET", "/bulk/announcements"): "announcements",
    ("GET", "/bulk/announcements.atom"): "announcements",
    ("GET", "/bulk/announcements.json"): "announcements",
    ("GET", "/bulk/products/{product_id}"): "the catalogue",
    ("GET", "/bulk/releases/{release_id}"): "the catalogue",
    ("GET", "/bulk/releases/{release_id}/manifest.json"): "checksums are public (bulk.md)",
    ("GET", "/bulk/api/v1/releases/{release_id}/manifest.json"): "the same manifest",
    ("GET", "/bulk/releases/{release_id}/SHA256SUMS"): "checksums are public",
    ("GET", "/bulk/files/{file_id}"): "a file's history", ("GET", "/bulk/terms"): "terms",
    ("GET", "/bulk/register"): "the registration form",
    ("POST", "/bulk/register"): "registering (CSRF-checked)",
}
#: Bodies that make a request reach the credential check (a malformed body is refused
#: before it: that would not say whether a caller without credentials gets in).
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/translate"): {"q": "特許", "source": "ja", "target": "en"},
    ("POST", "/v1/chat/completions"): {"model": "ja-en",
                                       "messages": [{"role": "user", "content": "特許"}]},
}
#: Path parameters that make a request reach the credential check.
SAMPLES = {"law": "patent", "operation": "app_progress", "params": "2020123456",
           "name": "x.zip", "token": "not-a-link"}
REFUSED_PAGE = re.compile(r"/login\?next=")


def _path(template: str) -> str:
    if template.startswith("/opdapi/"):
        return "/opdapi/patent/v1/family_list/application/JP.2020123456.A"
    return re.sub(r"\{([^}:]+)(?::[^}]+)?\}", lambda m: SAMPLES.get(m[1], "1"), template)


def _refuses(answer: httpx.Response) -> bool:
    if answer.status_code in (401, 403):
        return True
    location = answer.headers.get("location", "")
    return answer.status_code in (302, 303) and bool(REFUSED_PAGE.search(location))


@dataclass
class Site:
    server: Server
    url: str
    data: Path


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("security")
    with fresh_database("sqlite", request, data) as url:
        stores.load(url, data)
        server = Server(url, data, log_format="json", trusted_proxies="127.0.0.1",
                        login_max_failures_per_ip="4", login_max_failures="50")
        try:
            yield Site(server, url, data)
        finally:
            server.stop()


def test_every_route_needing_credentials_refuses_without_them(site: Site,
                                                             tmp_path: Path) -> None:
    app = create_app(load_settings(data_dir=str(tmp_path), database_url=site.url))
    routes = sorted(set(walk(app.routes)))
    assert len(routes) > 60
    unknown_public = set(PUBLIC) - set(routes)
    assert not unknown_public, f"declared public but gone: {unknown_public}"
    open_routes = []
    client = httpx.Client(base_url=site.server.base, follow_redirects=False, timeout=30)
    for method, template in routes:
        if (method, template) in PUBLIC:
            continue
        answer = client.request(method, _path(template), headers={"Accept": "text/html"},
                                json=BODIES.get((method, template)))
        if not _refuses(answer):
            open_routes.append((method, template, answer.status_code))
    assert not open_routes, ("routes that answered a caller without credentials (declare "
                             f"them in PUBLIC if they are meant to): {open_routes}")


def test_pages_carry_security_headers(site: Site) -> None:
    page = site.server.client.get("/login", headers={"Accept": "text/html"})
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in page.headers        # plain HTTP
    # the templates have nothing inline that the policy would block
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", page.text)
    assert not re.search(r"\son[a-z]+=|\sstyle=|<style", page.text)
    api = site.server.client.get(APP_PROGRESS)
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in api.headers


def test_session_cookie_is_secure_over_https_from_a_trusted_proxy_only(site: Site) -> None:
    form = {"username": USER, "password": PASSWORD, "next": "/"}
    https = site.server.client.post("/login", data=form,
                                    headers={"X-Forwarded-Proto": "https"})
    assert https.status_code == 303
    assert "; secure" in https.headers["set-cookie"].lower()
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = site.server.client.post("/login", data=form)
    assert "; secure" not in plain.headers["set-cookie"].lower()


def test_login_is_throttled_per_address_whatever_ids_are_tried(site: Site) -> None:
    """Four failures from one address (the test server's TOKKYO_LOGIN_MAX_FAILURES_PER_IP),
    each for another ID, then even the right password is refused from it; another
    address (through the trusted proxy) signs in."""
    client = site.server.client
    attacker = {"X-Forwarded-For": "198.51.100.7"}
    for n in range(4):
        answer = client.post("/auth/token", headers=attacker, data={
            "grant_type": "password", "username": f"guess-{n:04d}", "password": "wrong"})
        assert answer.status_code == 401
    refused = client.post("/auth/token", headers=attacker, data={
        "grant_type": "password", "username": USER, "password": PASSWORD})
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_grant")
    page = client.post("/login", headers={**attacker, "Accept": "text/html"},
                       data={"username": USER, "password": PASSWORD, "next": "/"})
    assert page.status_code == 401
    elsewhere = client.post("/auth/token", headers={"X-Forwarded-For": "198.51.100.8"},
                            data={"grant_type": "password", "username": USER,
                                  "password": PASSWORD})
    assert elsewhere.status_code == 200
    rows = stores.rows(site.url, "SELECT login_id, locked_until IS NOT NULL FROM "
                                 "login_failures WHERE login_id LIKE 'ip:%'")
    assert [tuple(r) for r in rows] == [("ip:198.51.100.7", True)]


def test_portal_login_failures_count_towards_the_lockout(site: Site) -> None:
    client = site.server.client
    for _ in range(2):
        page = client.post("/login", headers={"X-Forwarded-For": "203.0.113.9"},
                           data={"username": "nobody-123", "password": "x", "next": "/"})
        assert page.status_code == 401
    rows = stores.rows(site.url, "SELECT failures FROM login_failures "
                                 "WHERE login_id = 'nobody-123'")
    assert [r[0] for r in rows] == [2]


def test_no_password_or_token_reaches_the_log(site: Site) -> None:
    """Sign in (form and token endpoint), call the API, fail logins: the log of the whole
    run holds none of the passwords, tokens or cookies."""
    client = site.server.client
    answer = site.server.token_answer(USER, PASSWORD).json()
    secrets = {PASSWORD, answer["access_token"], answer["refresh_token"]}
    site.server.get(APP_PROGRESS, answer["access_token"])
    client.post("/auth/token", data={"grant_type": "refresh_token",
                                     "refresh_token": answer["refresh_token"]})
    client.post("/auth/token", data={"grant_type": "password", "username": USER,
                                     "password": "a-wrong-password-never-logged"})
    secrets.add("a-wrong-password-never-logged")
    signed = client.post("/login", data={"username": USER, "password": PASSWORD,
                                         "next": "/"})
    secrets.add(signed.cookies.get("tokkyo_session") or "")
    log = site.server.log.read_text()
    assert '"logger": "tokkyo.request"' in log               # the log was written
    leaked = sorted(s[:6] + "…" for s in secrets if s and s in log)
    assert not leaked, f"secrets in the log: {leaked}"
