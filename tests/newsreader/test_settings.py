"""Settings come from the environment; unsafe combinations are refused."""

import os
import subprocess
import sys

from newsreader.embedded_db import local_secret_key
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
    # A deployment names its database server; it must bring its own secret.
    run = _settings(DEBUG="false", DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything")
    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr


def test_a_checkout_makes_its_secret_once_and_keeps_it_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = local_secret_key(path)
    assert len(key) >= 50
    assert local_secret_key(path) == key  # the same on every start: sessions survive restarts
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left behind


def test_connections_are_reused_and_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    # Reused through a connection pool (the default: see DATABASE_POOL in settings), or kept
    # open for CONN_MAX_AGE seconds with DATABASE_POOL=false.
    database = settings.DATABASES["default"]
    assert database.get("OPTIONS", {}).get("pool") or database["CONN_MAX_AGE"] > 0
