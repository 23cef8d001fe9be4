"""Two app servers (uvicorn processes on different ports) side by side on one PostgreSQL.

What a load balancer may do to a user — send each request to another server —
must not matter: sessions, write budgets, login lockouts, live updates and
optimistic locking are all kept in the database, none in a server.
"""

from __future__ import annotations

import http.client
import os
import re
import threading

import pytest
import requests
from rest_framework.authtoken.models import Token

from annotations.models import Annotation, Group, Membership
from annotations.services import annotation_create
from tests.browser.conftest import start_asgi_server
from tests.browser.seed import make_seed_article
from tests.factories import UserFactory
from tests.live.conftest import SSEReader, labels, span  # noqa: F401  (fixture)
from tests.ops.conftest import DB_CACHE_URL, server_password

SHARED = {"CACHE_URL": DB_CACHE_URL, "LIVE_HEARTBEAT_SECONDS": "0.5", "API_WRITE_RATE": "5/min", "LOGIN_FAILURE_LIMIT": "3"}


@pytest.fixture(scope="module")
def _two_servers(django_db_setup):
    # Starting uvicorn takes seconds: one pair for the module (each test's data is its own).
    pair = []
    try:
        for _ in range(2):
            pair.append(start_asgi_server(env=SHARED))
        yield tuple(pair)
    finally:
        for server in pair:
            server.stop()


@pytest.fixture
def servers(_two_servers, shared_cache):
    for server in _two_servers:
        if server.process.poll() is not None:
            pytest.fail(f"an app server died:\n{server.log()[-3000:]}")
    return _two_servers


@pytest.fixture
def seed(transactional_db):
    return make_seed_article()


def log_in(server, username: str, password: str = "pass-word-123") -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    page = session.get(f"{server.url}/accounts/login/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{server.url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{server.url}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    return session, response


def test_a_user_logged_in_on_one_server_is_logged_in_on_the_other(servers):
    first, second = servers
    server_password(UserFactory(username="huda"))
    session, response = log_in(first, "huda")
    assert response.status_code == 302
    # The same cookies, the other server: the session is in the database.
    page = session.get(f"{second.url}/", timeout=10)
    assert page.status_code == 200 and "huda" in page.text
    assert session.get(f"{second.url}/api/groups/", timeout=10).status_code == 200
    # ...and logging out on the second ends it on the first.
    csrf = session.cookies["csrftoken"]
    logout = session.post(
        f"{second.url}/accounts/logout/", data={"csrfmiddlewaretoken": csrf}, headers={"Referer": f"{second.url}/"}, timeout=10
    )
    assert logout.status_code in (200, 302)
    assert session.get(f"{first.url}/api/groups/", timeout=10).status_code in (401, 403)


def test_an_annotation_made_through_one_server_reaches_a_reader_on_the_other(servers, seed, labels):  # noqa: F811
    first, second = servers
    author = UserFactory()
    token = Token.objects.create(user=author)
    reader = SSEReader(f"{second.url}/live/articles/{seed.pk}/events")
    try:
        assert reader.status == 200
        assert reader.next_event()["event"] == "hello"
        start, end = span(seed, "بايدن")
        created = requests.post(
            f"{first.url}/api/articles/{seed.pk}/annotations/",
            json={"kind": "entity", "start": start, "end": end, "label": "PER", "note": "من الخادم الأول"},
            headers={"Authorization": f"Token {token.key}"},
            timeout=10,
        )
        assert created.status_code == 201, created.text
        event = reader.next_event(timeout=5)
        assert event["event"] == "change"
        assert event["data"]["action"] == "created" and event["data"]["annotations"] == [created.json()["id"]]
        # The reader's page re-fetches the ids from its own server and gets the same annotation.
        again = requests.get(f"{second.url}/api/annotations/{created.json()['id']}/", timeout=10)
        assert again.status_code == 200 and again.json()["note"] == "من الخادم الأول"
    finally:
        reader.close()


def test_the_write_budget_is_shared_by_the_servers(servers, seed, labels):  # noqa: F811
    """API_WRITE_RATE=5/min per user, counted in the shared cache: switching servers does not reset it."""
    first, second = servers
    token = Token.objects.create(user=UserFactory())
    words = ["بايدن", "الكاظمي", "واشنطن", "بغداد", "العراق", "داعش"]
    statuses = []
    for n, word in enumerate(words):
        start, end = span(seed, word)
        server = (first, second)[n % 2]
        response = requests.post(
            f"{server.url}/api/articles/{seed.pk}/annotations/",
            json={"kind": "entity", "start": start, "end": end, "label": "MISC"},
            headers={"Authorization": f"Token {token.key}"},
            timeout=10,
        )
        statuses.append(response.status_code)
    assert statuses == [201] * 5 + [429], statuses
    assert "Retry-After" in response.headers
    assert Annotation.objects.count() == 5
    # another user has a budget of their own
    other = Token.objects.create(user=UserFactory())
    start, end = span(seed, "داعش")
    response = requests.post(
        f"{second.url}/api/articles/{seed.pk}/annotations/",
        json={"kind": "entity", "start": start, "end": end, "label": "MISC"},
        headers={"Authorization": f"Token {other.key}"},
        timeout=10,
    )
    assert response.status_code == 201


def test_a_login_lockout_holds_on_every_server(servers):
    """LOGIN_FAILURE_LIMIT=3: two wrong passwords on one server and one on the other lock the account out."""
    first, second = servers
    server_password(UserFactory(username="salma"))
    for server in (first, first):
        _session, response = log_in(server, "salma", "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    # the third failure, on the other server, reaches the limit
    _session, response = log_in(second, "salma", "wrong-password")
    assert response.status_code == 429
    for server in (first, second):
        _session, response = log_in(server, "salma")  # even the right password
        assert response.status_code == 429
        assert "محاولات دخول فاشلة كثيرة" in response.text
        assert int(response.headers["Retry-After"]) == 15 * 60


def test_ten_clients_patch_with_the_same_if_match_through_two_servers(servers, seed, labels):  # noqa: F811
    """Exactly one wins, nine get 412, and the stored annotation is the winner's (the version check is in the UPDATE)."""
    first, second = servers
    # A group annotation that its creator and four moderators may all change (two clients each:
    # within everyone's write budget).
    group = Group.objects.create(name="المحررون", slug="editors")
    editors = [UserFactory() for _ in range(5)]
    for n, user in enumerate(editors):
        Membership.objects.create(group=group, user=user, role="member" if n == 0 else "moderator")
    tokens = [Token.objects.create(user=user).key for user in editors]
    start, end = span(seed, "بايدن")
    annotation = annotation_create(
        user=editors[0], article=seed, kind="entity", start=start, end=end, label="PER", visibility="group", group=group
    )
    barrier = threading.Barrier(10)
    results: list = [None] * 10

    def patch(n: int) -> None:
        server = (first, second)[n % 2]
        session = requests.Session()
        barrier.wait(timeout=20)
        results[n] = session.patch(
            f"{server.url}/api/annotations/{annotation.pk}/",
            json={"note": f"client {n}"},
            headers={"Authorization": f"Token {tokens[n % 5]}", "If-Match": f'"{annotation.pk}-1"'},
            timeout=20,
        )

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = [r.status_code for r in results]
    assert sorted(statuses) == [200] + [412] * 9, statuses
    winner = statuses.index(200)
    annotation.refresh_from_db()
    assert annotation.note == f"client {winner}" and annotation.version == 2
    for n, response in enumerate(results):
        if n != winner:
            assert response.json()["current"]["note"] == f"client {winner}"
            assert response.json()["current_version"] == 2


def test_a_reader_whose_server_dies_catches_up_on_another(servers, asgi_server_factory, seed, labels):  # noqa: F811
    """The live connection drops (its server is killed); the reader reconnects elsewhere with Last-Event-ID."""
    import signal

    survivor = servers[1]
    doomed = asgi_server_factory(env=SHARED)
    token = Token.objects.create(user=UserFactory())
    headers = {"Authorization": f"Token {token.key}"}

    def annotate(server, word: str) -> int:
        start, end = span(seed, word)
        response = requests.post(
            f"{server.url}/api/articles/{seed.pk}/annotations/",
            json={"kind": "entity", "start": start, "end": end, "label": "LOC"},
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    reader = SSEReader(f"{doomed.url}/live/articles/{seed.pk}/events")
    try:
        reader.next_event()  # hello
        seen = annotate(survivor, "واشنطن")
        event = reader.next_event(timeout=5)
        assert event["data"]["annotations"] == [seen]
        last_id = event["id"]

        os.killpg(doomed.process.pid, signal.SIGKILL)
        doomed.process.wait(10)
        assert stream_ended(reader)
        # Missed while disconnected: two new marks and a change, made on the surviving server.
        missed = [annotate(survivor, "بغداد"), annotate(survivor, "العراق")]
        token_client = requests.Session()
        etag = token_client.get(f"{survivor.url}/api/annotations/{seen}/", timeout=10).headers["ETag"]
        patched = token_client.patch(
            f"{survivor.url}/api/annotations/{seen}/", json={"note": "عُدّلت أثناء الانقطاع"},
            headers={**headers, "If-Match": etag}, timeout=10,
        )  # fmt: skip
        assert patched.status_code == 200, patched.text
    finally:
        reader.close()

    # EventSource reconnects (to whichever server the balancer picks) sending the last id it saw.
    again = SSEReader(f"{survivor.url}/live/articles/{seed.pk}/events", headers={"Last-Event-ID": last_id})
    try:
        assert again.next_event()["event"] == "hello"
        replayed = [again.next_event(timeout=5) for _ in range(3)]
        assert [(e["data"]["action"], e["data"]["annotations"]) for e in replayed] == [
            ("created", [missed[0]]),
            ("created", [missed[1]]),
            ("updated", [seen]),
        ]
        assert [int(e["id"]) for e in replayed] == sorted(int(e["id"]) for e in replayed)
        assert all(int(e["id"]) > int(last_id) for e in replayed)
        # ...and it is live again.
        fresh = annotate(servers[0], "داعش")
        assert again.next_event(timeout=5)["data"]["annotations"] == [fresh]
    finally:
        again.close()


def stream_ended(reader) -> bool:
    """True when the stream has ended or broken (its server is gone), not merely gone quiet."""
    try:
        return reader.next_event(timeout=5) is None
    except TimeoutError:
        return False
    except (ConnectionError, OSError, http.client.HTTPException):
        return True
