"""`manage.py check --deploy` with the production settings: not a single warning."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from tests.conftest import ROOT

# What an operator sets (.env.example); everything else is the production default.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "news.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
}
# pytest.ini turns these off for the test client; production leaves them unset.
TEST_OVERRIDES = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST",
                  "WHITENOISE_USE_FINDERS", "TASKS_BACKEND", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # fmt: skip


def run_check(**extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in TEST_OVERRIDES}
    env.update(PRODUCTION, **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_check_deploy_gives_no_warnings_with_production_settings():
    run = run_check()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout


def test_check_deploy_would_notice_an_insecure_setting():
    """The check above can fail: turning one protection off is reported."""
    run = run_check(SESSION_COOKIE_SECURE="false")
    assert run.returncode != 0
    assert "security.W012" in run.stdout + run.stderr


def test_no_secret_key_no_start():
    env = {k: v for k, v in os.environ.items() if k not in TEST_OVERRIDES and k != "SECRET_KEY"}
    env.update({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    # A deployment names its database server (only a checkout without one makes its own secret);
    # the settings refuse to start before connecting, so the server need not exist.
    env["DATABASE_URL"] = "postgres://newsreader@db.example.org:5432/newsreader"
    run = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "SECRET_KEY must be set" in run.stderr
