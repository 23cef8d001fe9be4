"""Security headers on every kind of page: CSP, nosniff, referrer policy, frame denial, HSTS, cookies."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.browser.seed import make_seed_article


@pytest.fixture
def seed(db):
    return make_seed_article()


def pages(seed) -> list[str]:
    return [
        "/",
        seed.get_absolute_url(),
        "/search/?q=بايدن",
        "/accounts/login/",
        "/accounts/signup/",
        "/admin/login/",
        "/api/articles/",
        f"/api/articles/{seed.pk}/annotations/",
        "/api/docs/",
        "/api/schema/",
    ]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_has_the_security_headers(seed):
    client = Client()
    for path in pages(seed):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        csp = csp_directives(response["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"], path
        assert csp["script-src"] == ["'self'"], path  # no inline scripts, no eval
        assert csp["object-src"] == ["'none'"], path
        assert csp["base-uri"] == ["'none'"], path
        assert csp["frame-ancestors"] == ["'none'"], path
        assert csp["form-action"] == ["'self'"], path
        assert not any("unsafe" in value for values in csp.values() for value in values), (path, csp)


def test_https_responses_carry_hsts(seed, settings):
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_redirected_in_production(seed, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(seed.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{seed.get_absolute_url()}"


def test_session_cookie_is_http_only_and_same_site(db, settings, django_user_model):
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    UserFactory(username="nour")
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "nour", "password": "pass-word-123"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_production_cookie_and_proxy_settings():
    """The defaults when DEBUG is off (pytest.ini turns the Secure flags off for plain-HTTP tests)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k not in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT")}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_PROXY_SSL_HEADER, s.DATA_UPLOAD_MAX_MEMORY_SIZE)"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "newsreader.settings"},
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "2097152"]


def test_cors_only_for_allowed_origins_on_the_api(db, settings):
    """Issue 14: browser clients on other origins may use the API when their origin is listed."""
    from django.test import Client

    settings.CORS_ALLOWED_ORIGINS = ["https://annotator.example.org"]
    allowed = Client().options(
        "/api/articles/", HTTP_ORIGIN="https://annotator.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-match, prefer, content-type",
    )  # fmt: skip
    assert allowed["Access-Control-Allow-Origin"] == "https://annotator.example.org"
    assert {"if-match", "prefer", "authorization"} <= {h.strip() for h in allowed["Access-Control-Allow-Headers"].split(",")}
    response = Client().get("/api/articles/", HTTP_ORIGIN="https://annotator.example.org")
    assert response["Access-Control-Allow-Origin"] == "https://annotator.example.org"
    assert "ETag" in response["Access-Control-Expose-Headers"] and "Link" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    # Another origin, or a page outside /api/: nothing.
    assert "Access-Control-Allow-Origin" not in Client().get("/api/articles/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in Client().get("/", HTTP_ORIGIN="https://annotator.example.org")
