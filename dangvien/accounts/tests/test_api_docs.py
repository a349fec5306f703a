"""The API docs page (/api/v1/docs) is served wholly from the product: swagger-ui
from django-ninja's static files, no CDN (the CSP allows only 'self')."""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db


def _referenced_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)


def test_docs_page_references_only_same_origin_files_that_answer(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = _referenced_urls(html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls), urls
    assert any(u.endswith("swagger-ui.css") for u in urls), urls
    assert "cdn" not in html.lower()
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url  # same origin
        assert url.startswith("/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        b"".join(asset.streaming_content) if asset.streaming else asset.content


def test_docs_settings_point_at_our_openapi_document_and_no_validator(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_docs_page_csp_allows_only_self(client):
    csp = client.get("/api/v1/docs")["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    for name in ("default-src", "script-src", "style-src"):
        assert directives[name] == ["'self'"], (name, csp)
    assert "http" not in csp
