"""Settings come from the environment; unsafe combinations are refused."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def _settings(**env):
    full = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    full.update(env, DJANGO_SETTINGS_MODULE="newsreader.settings", PYTHONWARNINGS="ignore")
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_secret_default_when_debug_is_off():
    run = _settings(DEBUG="false")
    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr


def test_secret_key_from_environment():
    run = _settings(DEBUG="false", SECRET_KEY="from-env-123")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["from-env-123", "False"]


def test_connections_are_reused_and_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    # Reused through a connection pool (the default: see DATABASE_POOL in settings), or kept
    # open for CONN_MAX_AGE seconds with DATABASE_POOL=false.
    database = settings.DATABASES["default"]
    assert database.get("OPTIONS", {}).get("pool") or database["CONN_MAX_AGE"] > 0
