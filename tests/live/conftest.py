"""Fixtures for the live-update tests: the seed article, an ASGI server, an SSE reader."""

from __future__ import annotations

import http.client
import json
import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import _session_asgi_server, asgi_server, asgi_server_factory  # noqa: F401  (fixtures)
from tests.browser.seed import make_seed_article


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are made in most tests; real password hashing takes seconds here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed(db):
    return make_seed_article()


class SSEReader:
    """A minimal server-sent events client over http.client (reads with a timeout)."""

    def __init__(self, url: str, *, headers: dict | None = None, timeout: float = 10):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.response = self.connection.getresponse()
        self.comments: list[str] = []
        self.retry: int | None = None

    @property
    def status(self) -> int:
        return self.response.status

    def next_event(self, timeout: float = 10) -> dict | None:
        """The next event as {"event", "id", "data"} (data parsed as JSON); None when the stream ends."""
        self.connection.sock.settimeout(timeout)
        event: dict = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                raw = self.response.readline()
            except (TimeoutError, socket.timeout):
                raise TimeoutError("no event in time") from None
            if not raw:
                return None
            line = raw.decode("utf-8").rstrip("\n")
            if not line:
                if "data" in event or "event" in event:
                    if "data" in event:
                        event["data"] = json.loads(event["data"])
                    return event
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "retry":
                self.retry = int(value)
            elif field == "data":
                event["data"] = event.get("data", "") + value
            else:
                event[field] = value
        raise TimeoutError("no event in time")

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def sse():
    readers: list[SSEReader] = []

    def open_stream(url, **options) -> SSEReader:
        reader = SSEReader(url, **options)
        readers.append(reader)
        return reader

    yield open_stream
    for reader in readers:
        reader.close()


@pytest.fixture
def labels(db):
    """The default label set (a transactional test before may have flushed the migration's rows)."""
    import importlib

    from django.apps import apps

    from annotations.models import Label, LabelSet

    if not LabelSet.objects.filter(is_default=True).exists():
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    return {label.code: label for label in Label.objects.filter(label_set__is_default=True)}


def span(article, needle: str, occurrence: int = 0) -> tuple[int, int]:
    text = article.current_revision.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def publish(*, action: str, annotation_ids: list[int], article_id: int):
    """Log an event as a change does and relay it (the live consumer gives it its stream position)."""
    from django.db import transaction

    from annotations import outbox
    from annotations.models import Event

    with transaction.atomic():
        pk = outbox.event_append(action=action, annotation_ids=annotation_ids, article_id=article_id)
    outbox.drain(["live"])  # done already after a real commit (transactional tests); inside a test's transaction not
    return Event.objects.get(pk=pk)
