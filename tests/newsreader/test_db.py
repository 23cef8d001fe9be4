"""newsreader.db: one place turns Django's database settings into libpq parameters and a URL."""

from __future__ import annotations

import environ
import psycopg
import pytest
from django.db import connection

from newsreader.db import connection_kwargs, database_url


def test_the_url_reaches_the_test_database_itself(db):
    """Whatever the server (TCP or the embedded one's socket), the URL leads to the database the tests use."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), inet_server_port(), current_setting('data_directory', true)")
        expected = cursor.fetchone()
    with psycopg.connect(database_url()) as other:
        found = other.execute("SELECT current_database(), inet_server_port(), current_setting('data_directory', true)").fetchone()
    assert found == expected
    assert found[0] == connection.settings_dict["NAME"]  # pytest-django's test database, not the main one


def test_the_url_gives_a_server_subprocess_the_same_connection_settings(db):
    """The settings of a subprocess (django-environ reads DATABASE_URL) end with the same libpq parameters."""
    config = environ.Env.db_url_config(database_url())
    params = connection_kwargs()
    assert config["NAME"] == params["dbname"]
    assert (config["HOST"] or config["OPTIONS"].get("host")) == params.get("host", "")


@pytest.mark.parametrize(
    ("params", "url"),
    [
        (
            {"dbname": "test_x", "user": "postgres", "host": "127.0.0.1", "port": 5432},
            "postgres://postgres@127.0.0.1:5432/test_x",
        ),
        (
            # The embedded server: a socket folder, no port, an empty password.
            {"dbname": "test_x", "user": "postgres", "password": "", "host": "/srv/app/var/pgdata"},
            "postgres://postgres@/test_x?host=%2Fsrv%2Fapp%2Fvar%2Fpgdata",
        ),
        (
            {"dbname": "news db", "user": "us@r", "password": "p:w/d?", "host": "::1", "port": "5433"},
            "postgres://us%40r:p%3Aw%2Fd%3F@[::1]:5433/news%20db",
        ),
        (
            {"dbname": "d", "host": "/run/pg", "port": "5433", "sslmode": "disable", "client_encoding": "UTF8"},
            "postgres:///d?sslmode=disable&host=%2Frun%2Fpg&port=5433",
        ),
    ],
    ids=["tcp", "socket", "quoted", "socket-with-port"],
)
def test_url_from_parameters(monkeypatch, params, url):
    monkeypatch.setattr(connection, "get_connection_params", lambda: dict(params))
    assert database_url() == url


def test_extra_parameters_are_added(monkeypatch):
    monkeypatch.setattr(connection, "get_connection_params", lambda: {"dbname": "d", "host": "/run/pg"})
    url = database_url(options="-c search_path=s", application_name="pool-test")
    config = environ.Env.db_url_config(url)
    assert config["OPTIONS"] == {"host": "/run/pg", "options": "-c search_path=s", "application_name": "pool-test"}
    assert psycopg.conninfo.conninfo_to_dict(url)["options"] == "-c search_path=s"
