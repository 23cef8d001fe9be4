"""The embedded PostgreSQL path (DATABASE_URL unset) works on a machine with no server."""

import json
import os
import subprocess
import sys

import psycopg

from newsreader.embedded_db import embedded_server
from tests.conftest import ROOT


def test_embedded_server_starts_answers_and_stops(tmp_path):
    # A process that died holding the server (SIGKILL) is still listed as one of its users:
    # it must not keep this process, the last live user, from stopping the server.
    script = "from newsreader.embedded_db import embedded_server; import sys; embedded_server(Path(sys.argv[1]))"
    killed = subprocess.Popen([sys.executable, "-c", f"from pathlib import Path; {script}; print('up', flush=True); input()",
                               str(tmp_path / "pgdata")], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert killed.stdout.readline().strip() == "up"
    killed.kill()  # no clean-up: its pid stays in the list, the server stays up
    killed.wait()
    killed.stdin.close()
    killed.stdout.close()
    assert json.loads((tmp_path / "pgdata" / ".handle_pids.json").read_text()) == [killed.pid]
    with embedded_server(tmp_path / "pgdata") as server:
        url = server.get_uri()
        assert str(tmp_path) in url  # a Unix socket inside the data folder, not port 5432
        with psycopg.connect(url) as conn:
            version = conn.execute("show server_version").fetchone()[0]
        assert (tmp_path / "pgdata" / "postmaster.pid").exists()
    assert version.startswith("16")
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()  # stopped
    assert json.loads((tmp_path / "pgdata" / ".handle_pids.json").read_text()) == []


def test_manage_py_works_against_embedded_database_with_nothing_set(tmp_path):
    """The README's commands on a checkout: no DATABASE_URL, no SECRET_KEY, no DEBUG."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "XDG_RUNTIME_DIR"}}
    env.update(NEWSREADER_VAR_DIR=str(tmp_path))
    (tmp_path / "run").mkdir(mode=0o755)  # made by an older checkout: put right, not warned about

    def manage(*args, **more_env):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env={**env, **more_env}, capture_output=True, text=True, timeout=300
        )

    run = manage("migrate", "--noinput")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Applying newsreader.0001_initial" in run.stdout
    assert "Warning" not in run.stderr, run.stderr[-2000:]
    assert (tmp_path / "pgdata" / "PG_VERSION").exists()
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    run = manage(
        "createsuperuser", "--noinput",
        DJANGO_SUPERUSER_USERNAME="boss", DJANGO_SUPERUSER_EMAIL="boss@example.org", DJANGO_SUPERUSER_PASSWORD="a-long-pass-123",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Superuser created successfully" in run.stdout


def test_non_postgres_database_url_is_refused(tmp_path):
    env = dict(os.environ, DATABASE_URL="mysql://root@127.0.0.1/test", PYTHONWARNINGS="ignore")
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=dict(env, DJANGO_SETTINGS_MODULE="newsreader.settings"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "PostgreSQL only" in run.stderr
