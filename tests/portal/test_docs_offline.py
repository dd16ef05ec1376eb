"""/docs works offline (issue 19, item 14): Swagger UI's files come from tokkyo itself
(the swagger-ui-bundle-v2 package), not from a CDN, over loopback HTTP."""

from __future__ import annotations

import re


def test_docs_reference_no_external_host_and_their_assets_answer(portal):
    client = portal.client("en")
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "://" not in page.text, re.findall(r"[a-z]+://[^\"' ]+", page.text)
    assert "cdn" not in page.text.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/docs/assets/swagger-ui-bundle.js" in assets
    assert "/docs/assets/swagger-ui.css" in assets
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert answer.content, asset
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in bundle.headers["content-type"]
    # the page's OpenAPI document and the OAuth2 redirect page are tokkyo's own
    assert "url: '/openapi.json'" in page.text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert client.get("/docs/oauth2-redirect").status_code == 200
