"""Fixtures for the live-update tests: the seed article, an ASGI server, an SSE reader."""

from __future__ import annotations

import http.client
import json
import re
import select
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


class RawStream:
    """The bytes of a stream as they arrive, over a plain socket (bare ``id:`` lines and comments included;
    the chunked encoding's size lines are left in and never look like a field)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.socket = socket.create_connection((parts.hostname, parts.port), timeout=10)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.socket.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.pending = b""
        while b"\r\n\r\n" not in self.pending:
            self.pending += self.socket.recv(65536)
        head, _, self.pending = self.pending.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head

    def read(self, seconds: float) -> str:
        """What arrives in the next ``seconds``."""
        data, self.pending = self.pending, b""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0 and select.select([self.socket], [], [], left)[0]:
            chunk = self.socket.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8")

    def read_until(self, pattern: str, seconds: float = 10) -> str:
        text = ""
        deadline = time.monotonic() + seconds
        while not re.search(pattern, text, re.MULTILINE) and time.monotonic() < deadline:
            text += self.read(0.1)
        return text

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def raw_stream():
    streams: list[RawStream] = []

    def open_stream(url) -> RawStream:
        stream = RawStream(url)
        streams.append(stream)
        return stream

    yield open_stream
    for stream in streams:
        stream.close()


def ids_in(text: str) -> list[int]:
    return [int(found) for found in re.findall(r"^id: (\d+)$", text, re.MULTILINE)]


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
