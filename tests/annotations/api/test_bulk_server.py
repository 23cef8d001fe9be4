"""Two 1,000-item bulk requests at once against a real server (issue 14, item 4).

Once, uvicorn killed a child process and both requests were lost. Here a real
uvicorn with two worker processes and a real task worker (the consumers of the
event log) take two concurrent 1,000-item bulk requests: both must be answered
within a few seconds and saved in full, no server process may die, and the task worker must go on working
after. (That a bulk request costs its size in the write budget: test_throttling.py.)
"""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from rest_framework.authtoken.models import Token

from annotations.models import Annotation
from arabic.anchoring import SpanError, check_span
from entities.models import EntityMention
from tests.browser.conftest import asgi_server_factory  # noqa: F401  (fixture)
from tests.factories import UserFactory
from tests.ops.conftest import wait_for, worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# The task queue in the database (as in production) for the server and the worker alike.
DB_TASKS = {"TASKS_BACKEND": "django_tasks_db.backend.DatabaseBackend"}
LABELS = ("PER", "ORG", "LOC", "MISC")
# "A few seconds" for each of the two concurrent requests, with room for a busy CI machine.
BULK_SECONDS = 5


def _spans(text: str) -> list[tuple[int, int]]:
    def whole(span) -> bool:
        try:
            check_span(text, *span)
        except SpanError:
            return False
        return True

    words = [s for s in ((m.start(), m.end()) for m in re.finditer(r"[^\s\"().,،:؛–-]{3,}", text)) if whole(s)]
    pairs = [(a[0], b[1]) for a, b in zip(words, words[1:]) if text[a[1] : b[0]] == " "]
    return words + pairs


def _items(text: str, count: int) -> list[dict]:
    spans = _spans(text)
    combos = [(span, label) for label in LABELS for span in spans]
    assert len(combos) >= count, "the seed article has too few words for the test"
    return [{"kind": "entity", "start": s, "end": e, "label": label} for (s, e), label in combos[:count]]


def _post(url: str, path: str, body: dict, token: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        connection.request(
            "POST", path, json.dumps(body),
            {"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _server_processes(server) -> dict[int, float]:
    """The uvicorn supervisor and its children: pid -> start time (a restarted child has a new pid)."""
    parent = psutil.Process(server.process.pid)
    return {p.pid: p.create_time() for p in [parent, *parent.children(recursive=True)]}


def test_two_concurrent_bulk_requests_of_1000_are_both_saved(seed_article, asgi_server_factory, worker_factory):  # noqa: F811
    server = asgi_server_factory(workers=2, env=DB_TASKS)
    worker = worker_factory("bulk", env=DB_TASKS)
    # Both uvicorn children are up (the supervisor answers as soon as one is).
    wait_for(lambda: len(_server_processes(server)) >= 3, timeout=60, message="two uvicorn children")
    before = _server_processes(server)

    users = [UserFactory(), UserFactory()]
    tokens = [Token.objects.create(user=user).key for user in users]
    text = seed_article.current_revision.text
    items = _items(text, 1000)
    path = f"/api/articles/{seed_article.pk}/annotations/bulk/"
    results: list = [None, None]
    seconds: list = [None, None]
    started = threading.Barrier(2)

    def send(i: int) -> None:
        started.wait()  # both at once
        begun = time.monotonic()
        try:
            results[i] = _post(server.url, path, {"items": items}, tokens[i])
        except Exception as exc:  # noqa: BLE001 - reported below with the server log
            results[i] = exc
        seconds[i] = time.monotonic() - begun

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)

    log = server.log()
    for result in results:
        assert isinstance(result, tuple), f"{result!r}\n{log[-3000:]}"
        status, body = result
        assert status == 201, (status, body[:500], log[-3000:])
        assert len(json.loads(body)["created"]) == 1000
    for user in users:
        assert Annotation.objects.filter(creator=user, article=seed_article).count() == 1000
    # Both answered within a few seconds (issue 14 measured 42-116 s of server time for one; a quiet machine
    # answers one in about 0.3 s, docs/annotations-api.md): the bound leaves room for a loaded 2-core machine.
    print(f"two concurrent bulk requests of 1,000 answered in {seconds[0]:.2f} s and {seconds[1]:.2f} s "
          f"(load {os.getloadavg()[0]:.1f})")  # fmt: skip
    assert max(seconds) < BULK_SECONDS, (seconds, os.getloadavg())

    # No server process died or was replaced, and nothing crashed.
    assert server.process.poll() is None, log[-3000:]
    assert _server_processes(server) == before, log[-3000:]
    assert "died" not in log.lower() and "Traceback" not in log, log[-3000:]

    # The task worker ran the consumers of the event log over both batches...
    created = Annotation.objects.filter(creator__in=users)
    wait_for(
        lambda: EntityMention.objects.filter(annotation__in=created).count() == 2000,
        timeout=180, interval=0.5, message=f"entity mentions of both batches\n{worker.log()[-3000:]}",
    )  # fmt: skip
    assert worker.process.poll() is None, worker.log()[-3000:]

    # ...and keeps working afterwards: a single create is consumed too.
    status, body = _post(
        server.url, f"/api/articles/{seed_article.pk}/annotations/",
        {"kind": "entity", "start": items[0]["start"], "end": items[0]["end"], "label": "PER"},
        Token.objects.create(user=UserFactory()).key,
    )  # fmt: skip
    assert status == 201, body[:500]
    new_id = json.loads(body)["id"]
    wait_for(
        lambda: EntityMention.objects.filter(annotation_id=new_id).exists(),
        timeout=60, interval=0.2, message=f"the entity mention of a later create\n{worker.log()[-3000:]}",
    )  # fmt: skip
    assert worker.process.poll() is None and server.process.poll() is None
    assert _server_processes(server) == before
    assert "Traceback" not in worker.log(), worker.log()[-3000:]
    Path(server.log_path).unlink(missing_ok=True)
