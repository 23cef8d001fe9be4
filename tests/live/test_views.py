"""GET /live/articles/<id>/events: server-sent events under uvicorn, on the test database."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing

import psycopg
import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from annotations.services import annotation_create, annotation_update
from live.models import Event
from live import views
from live.views import _position
from tests.factories import UserFactory
from tests.live.conftest import ids_in, publish, span

# Quick heartbeats so a test need not wait 15 s.
FAST = {"LIVE_HEARTBEAT_SECONDS": "0.5"}


def events_url(server, article) -> str:
    return server.url + reverse("live:article-events", args=[article.pk])


def create_entity(article, user=None, needle="بايدن", **fields):
    start, end = span(article, needle)
    return annotation_create(
        user=user or UserFactory(), article=article, kind="entity", start=start, end=end, exact=needle, label="PER", **fields
    )


@pytest.fixture
def server(asgi_server):
    return asgi_server


def test_a_new_reader_starts_at_the_newest_event(server, sse, seed, labels):
    older = publish(action="created", annotation_ids=[1], article_id=seed.pk)
    stream = sse(events_url(server, seed))
    assert stream.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    assert stream.response.getheader("Cache-Control") == "no-cache, no-transform"
    hello = stream.next_event()
    assert hello == {"event": "hello", "id": str(older.position), "data": {"last": older.position}}
    assert stream.retry == 3000


def test_a_new_reader_starts_at_the_whole_log_s_position_not_the_article_s(server, sse, seed, labels):
    """The article's newest position would date its newest change, seen or not (polish, session 9)."""
    from tests.factories import make_article

    publish(action="created", annotation_ids=[1], article_id=seed.pk)
    newest = publish(action="created", annotation_ids=[2], article_id=make_article(title="آخر", body="نص.").pk)
    hello = sse(events_url(server, seed)).next_event()
    assert hello == {"event": "hello", "id": str(newest.position), "data": {"last": newest.position}}


def test_a_change_reaches_the_reader(server, sse, seed, labels):
    """Pushed, not polled: the event arrives without reconnecting (bench/annotator_render.py times it)."""
    stream = sse(events_url(server, seed))
    stream.next_event()  # hello: listening
    annotation = create_entity(seed)  # committed (transactional_db): NOTIFY goes out
    event = stream.next_event(timeout=5)
    logged = Event.objects.get(annotation_ids=[annotation.pk])
    assert event == {
        "event": "change",
        "id": str(logged.position),
        "data": {"id": logged.position, "action": "created", "article": seed.pk, "annotations": [annotation.pk]},
    }


def test_a_reply_reaches_the_reader(server, sse, seed, labels):
    """Replies are pushed too, in the same shape: the annotation whose thread changed."""
    from annotations.services import reply_create

    annotation = create_entity(seed)
    stream = sse(events_url(server, seed))
    stream.next_event()  # hello: listening
    reply_create(user=UserFactory(), annotation_id=annotation.pk, text="من قال هذا؟")
    event = stream.next_event(timeout=5)
    logged = Event.objects.get(action="reply_created")
    assert event == {
        "event": "change",
        "id": str(logged.position),
        "data": {"id": logged.position, "action": "reply_created", "article": seed.pk, "annotations": [annotation.pk]},
    }


def session_cookie(user) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def test_a_reader_hears_only_of_annotations_it_may_see(server, sse, seed, labels):
    """Issue 14 (7): no id or action of somebody's private annotation reaches other readers."""
    from annotations.services import reply_create

    alice = UserFactory()
    private = create_entity(seed, alice, visibility="private")
    anonymous = sse(events_url(server, seed))
    owner = sse(events_url(server, seed), headers=session_cookie(alice))
    anonymous.next_event()
    owner.next_event()
    reply_create(user=alice, annotation_id=private.pk, text="ملاحظة لنفسي")
    annotation_update(user=alice, annotation_id=private.pk, expected_version=None, note="سر")
    public = create_entity(seed, alice, needle="بغداد")
    # The owner hears all three; the anonymous reader only the public annotation.
    owned = [owner.next_event(timeout=5) for _ in range(3)]
    assert [(e["data"]["action"], e["data"]["annotations"]) for e in owned] == [
        ("reply_created", [private.pk]), ("updated", [private.pk]), ("created", [public.pk])
    ]  # fmt: skip
    heard = anonymous.next_event(timeout=5)
    assert heard["data"] == {"id": owned[2]["data"]["id"], "action": "created", "article": seed.pk, "annotations": [public.pk]}
    # Replayed after a reconnection: the same rule.
    again = sse(events_url(server, seed), headers={"Last-Event-ID": str(owned[0]["data"]["id"] - 1)})
    again.next_event()  # hello
    assert again.next_event(timeout=5)["data"]["annotations"] == [public.pk]


def test_changes_a_reader_may_not_see_send_it_nothing_at_all(server, sse, raw_stream, seed, labels):
    """Polish (session 9): an anonymous stream got a bare `id:` line for each change of a private annotation;
    no data, but the moment of somebody's private work. Now: not a byte (no keep-alive is due within the test)."""
    alice = UserFactory()
    private = create_entity(seed, alice, visibility="private")
    anonymous = raw_stream(events_url(server, seed))
    owner = sse(events_url(server, seed), headers=session_cookie(alice))
    assert "event: hello" in anonymous.read_until("^event: hello$")
    owner.next_event()
    for note in ("أ", "ب", "ج"):
        annotation_update(user=alice, annotation_id=private.pk, expected_version=None, note=note)
    assert len([owner.next_event(timeout=5) for _ in range(3)]) == 3  # relayed to who may see them
    assert anonymous.read(1.5) == ""
    public = create_entity(seed, alice, needle="بغداد")
    heard = anonymous.read_until("^data: ")
    logged = Event.objects.get(annotation_ids=[public.pk])
    assert ids_in(heard) == [logged.position] and "event: change" in heard  # the first thing it hears


def test_the_keep_alive_keeps_its_time_whatever_the_reader_may_not_see(asgi_server_factory, raw_stream, seed, labels):
    """The keep-alive is due a heartbeat after the last thing sent to this reader: a stream of private changes
    (every 0.2 s, heartbeat 0.5 s) used to hold it back, each queued event starting the wait again."""
    server = asgi_server_factory(env=FAST)
    alice = UserFactory()
    private = create_entity(seed, alice, visibility="private")
    anonymous = raw_stream(events_url(server, seed))
    anonymous.read_until("^event: hello$")
    text = ""
    for n in range(12):
        annotation_update(user=alice, annotation_id=private.pk, expected_version=None, note=str(n))
        text += anonymous.read(0.2)
    assert text.count(": keep-alive") >= 3, text
    assert "event: change" not in text


def test_the_keep_alive_moves_the_reader_past_what_it_may_not_see_and_resuming_from_it_works(
    asgi_server_factory, sse, raw_stream, seed, labels
):
    """The keep-alive carries the position through which the stream has dealt with every event (the whole log's,
    not the article's), so a reconnecting reader does not replay the private changes again, and misses nothing."""
    server = asgi_server_factory(env=FAST)
    alice = UserFactory()
    private = create_entity(seed, alice, visibility="private")
    anonymous = raw_stream(events_url(server, seed))
    hello = ids_in(anonymous.read_until("^event: hello$"))
    for note in ("أ", "ب"):
        annotation_update(user=alice, annotation_id=private.pk, expected_version=None, note=note)
    newest = Event.objects.order_by("position").last().position
    assert newest > hello[0]
    text = anonymous.read_until(f"^id: {newest}$", seconds=5) + anonymous.read(0.1)
    assert ids_in(text)[-1] == newest, text
    assert f"id: {newest}\n: keep-alive" in text  # with a keep-alive, never with a message of its own
    assert "event: change" not in text
    # A public change while the reader is away: resuming from the keep-alive's position gets it, and only it.
    public = create_entity(seed, alice, needle="بغداد")
    again = sse(events_url(server, seed), headers={"Last-Event-ID": str(newest)})
    assert again.next_event()["data"] == {"last": newest}
    assert again.next_event(timeout=5)["data"]["annotations"] == [public.pk]


def test_a_reader_is_told_when_an_annotation_it_could_see_leaves_its_sight(server, sse, seed, labels):
    """Issue 14 (7), the other way: a reader that could see an annotation hears that it was hidden by a moderator
    or made private by its creator (its page drops it then), though it may not see the annotation any more."""
    from annotations.services import annotation_set_hidden

    alice, moderator = UserFactory(), UserFactory(is_staff=True)
    abusive = create_entity(seed, alice)
    retracted = create_entity(seed, alice, needle="بغداد")
    anonymous = sse(events_url(server, seed))
    anonymous.next_event()
    annotation_set_hidden(user=moderator, annotation_id=abusive.pk, hidden=True)
    annotation_update(user=alice, annotation_id=retracted.pk, expected_version=None, visibility="private")
    annotation_update(user=alice, annotation_id=retracted.pk, expected_version=None, note="سر")  # private by now
    heard = [anonymous.next_event(timeout=5)["data"] for _ in range(2)]
    assert [(e["action"], e["annotations"]) for e in heard] == [("hidden", [abusive.pk]), ("updated", [retracted.pk])]
    # Once out of sight, its later changes are not announced to that reader (the third change above).
    public = create_entity(seed, alice, needle="واشنطن")
    assert anonymous.next_event(timeout=5)["data"]["annotations"] == [public.pk]


def test_the_deletion_of_a_private_annotation_reaches_only_who_could_see_it(server, sse, seed, labels):
    """Issue 14 (7): not even "annotation 17 was deleted" reaches a reader that never could see 17."""
    from annotations.services import annotation_delete

    alice = UserFactory()
    private = create_entity(seed, alice, visibility="private")
    public = create_entity(seed, alice, needle="بغداد")
    anonymous = sse(events_url(server, seed))
    owner = sse(events_url(server, seed), headers=session_cookie(alice))
    anonymous.next_event()
    owner.next_event()
    annotation_delete(user=alice, annotation_id=private.pk, expected_version=None)
    annotation_delete(user=alice, annotation_id=public.pk, expected_version=None)
    assert [owner.next_event(timeout=5)["data"]["annotations"] for _ in range(2)] == [[private.pk], [public.pk]]
    assert anonymous.next_event(timeout=5)["data"]["annotations"] == [public.pk]


def test_a_replayed_deletion_reaches_only_who_could_see_the_annotation(server, sse, seed, labels):
    """Issue 14 (7): also in the events replayed when a stream starts (Last-Event-ID, or since the page's
    render), the deletion of a private annotation is named only to readers that could see it."""
    from annotations.services import annotation_delete, annotations_delete_many

    alice = UserFactory()
    private = create_entity(seed, alice, visibility="private")
    public = create_entity(seed, alice, needle="بغداد")
    other_private = create_entity(seed, alice, needle="واشنطن", visibility="private")
    rendered = Event.objects.order_by("position").last().position
    annotation_delete(user=alice, annotation_id=private.pk, expected_version=None)
    annotation_delete(user=alice, annotation_id=public.pk, expected_version=None)
    annotations_delete_many(annotation_ids=[other_private.pk])  # the admin's path
    for headers, expected in (
        ({}, [[public.pk]]),
        (session_cookie(alice), [[private.pk], [public.pk], [other_private.pk]]),
        (session_cookie(UserFactory()), [[public.pk]]),
    ):
        for start in ({"Last-Event-ID": str(rendered)}, {}):
            url = events_url(server, seed) + ("" if start else f"?last_event_id={rendered}")
            stream = sse(url, headers={**headers, **start})
            assert stream.next_event()["event"] == "hello"
            assert [stream.next_event(timeout=5)["data"]["annotations"] for _ in expected] == expected
            with pytest.raises(TimeoutError):
                stream.next_event(timeout=1.2)  # nothing more: the private deletions sent nothing


def test_only_the_article_s_own_events_are_streamed(server, sse, seed, labels):
    from tests.factories import make_article

    other = make_article(title="مقال آخر", body="فيه بايدن أيضا.")
    stream = sse(events_url(server, seed))
    stream.next_event()
    create_entity(other)
    mine = create_entity(seed)
    event = stream.next_event(timeout=5)
    assert event["data"]["annotations"] == [mine.pk]


def test_reconnecting_with_last_event_id_replays_what_was_missed(server, sse, seed, labels):
    user = UserFactory()
    first = create_entity(seed, user)
    seen = Event.objects.get().position
    # While the reader is away: an update and a new mark.
    annotation_update(user=user, annotation_id=first.pk, expected_version=1, note="ملاحظة")
    second = create_entity(seed, user, needle="الكاظمي")
    stream = sse(events_url(server, seed), headers={"Last-Event-ID": str(seen)})
    assert stream.next_event()["event"] == "hello"
    replayed = [stream.next_event(), stream.next_event()]
    assert [(e["data"]["action"], e["data"]["annotations"]) for e in replayed] == [
        ("updated", [first.pk]),
        ("created", [second.pk]),
    ]
    assert [int(e["id"]) for e in replayed] == sorted(int(e["id"]) for e in replayed)
    assert all(int(e["id"]) > seen for e in replayed)
    # ...and then it carries on live.
    third = create_entity(seed, user, needle="واشنطن")
    assert stream.next_event(timeout=5)["data"]["annotations"] == [third.pk]


def test_the_query_parameter_is_the_first_position_and_the_header_wins(server, sse, seed, labels):
    # A real annotation: a replay names no id that no longer exists unless its deletion says the reader saw it.
    mark = create_entity(seed)
    a = publish(action="updated", annotation_ids=[mark.pk], article_id=seed.pk)
    b = publish(action="updated", annotation_ids=[mark.pk], article_id=seed.pk)
    from_query = sse(events_url(server, seed) + f"?last_event_id={a.position}")
    from_query.next_event()
    assert from_query.next_event()["data"]["id"] == b.position
    header_wins = sse(events_url(server, seed) + "?last_event_id=0", headers={"Last-Event-ID": str(b.position)})
    header_wins.next_event()
    with pytest.raises(TimeoutError):
        header_wins.next_event(timeout=1.2)  # nothing after b


def test_a_reader_behind_pruned_events_is_told_to_reload(server, sse, seed, labels):
    events = [publish(action="created", annotation_ids=[n], article_id=seed.pk) for n in range(4)]
    Event.objects.filter(pk__in=[e.pk for e in events[:3]]).delete()  # pruned
    stream = sse(events_url(server, seed), headers={"Last-Event-ID": str(events[0].position)})
    stream.next_event()  # hello
    reset = stream.next_event()
    assert reset == {"event": "reset", "id": str(events[3].position), "data": {"last": events[3].position}}


def test_keep_alive_comments(asgi_server_factory, sse, seed, labels):
    server = asgi_server_factory(env=FAST)
    stream = sse(events_url(server, seed))
    stream.next_event()
    with pytest.raises(TimeoutError):
        stream.next_event(timeout=1.5)
    assert "keep-alive" in stream.comments


def test_the_stream_ends_after_its_maximum_age_so_readers_spread_over_servers(asgi_server_factory, sse, seed, labels):
    server = asgi_server_factory(env={"LIVE_STREAM_MAX_SECONDS": "1", **FAST})
    stream = sse(events_url(server, seed))
    stream.next_event()
    assert stream.next_event(timeout=5) is None  # ended; EventSource reconnects after `retry`


def test_private_marks_travel_as_ids_only(server, sse, seed, labels):
    """(Only to their creator: test_a_reader_hears_only_of_annotations_it_may_see.)"""
    alice = UserFactory()
    stream = sse(events_url(server, seed), headers=session_cookie(alice))
    stream.next_event()
    create_entity(seed, alice, note="سر لا يقرأه أحد", visibility="private")
    event = stream.next_event(timeout=5)
    assert set(event["data"]) == {"id", "action", "article", "annotations"}
    assert "سر" not in str(event)


def test_two_app_servers_both_stream_a_change(asgi_server_factory, sse, seed, labels):
    """Readers on different servers behind a load balancer see the same change."""
    first, second = asgi_server_factory(), asgi_server_factory()
    streams = [sse(events_url(first, seed)), sse(events_url(second, seed))]
    for stream in streams:
        stream.next_event()
    annotation = create_entity(seed)
    for stream in streams:
        assert stream.next_event(timeout=5)["data"]["annotations"] == [annotation.pk]


def test_unknown_article_is_404(server, sse, labels):
    stream = sse(server.url + reverse("live:article-events", args=[999999]))
    assert stream.status == 404


def test_under_wsgi_the_view_says_no_stream(client, seed):
    """runserver and the test live server are WSGI: 204 (EventSource stops; the page polls)."""
    response = client.get(reverse("live:article-events", args=[seed.pk]))
    assert response.status_code == 204
    assert response["X-Live"] == "unavailable"


def test_only_get(client, seed):
    assert client.post(reverse("live:article-events", args=[seed.pk])).status_code == 405


def test_a_lost_listen_connection_is_restored_and_nothing_is_missed(server, sse, seed, labels):
    from django.db import connection

    stream = sse(events_url(server, seed))
    stream.next_event()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'newsreader-live-listen' AND datname = current_database()"
        )
        # This server's LISTEN connection, and that of any other server of this test
        # process still connected to the database (one per server process).
        terminated = cursor.fetchall()
        assert terminated and all(row == (True,) for row in terminated), terminated
    # Committed while the server is not listening: its NOTIFY reaches nobody.
    annotation = create_entity(seed)
    # The change arrives (replayed from the event log once the hub listens again). Events
    # of this article only; in the loaded full run a catch-up may come in more than one message.
    seen = []
    while annotation.pk not in [pk for event in seen for pk in event["data"]["annotations"]]:
        event = stream.next_event(timeout=10)
        assert event is not None and event["event"] == "change", (event, seen)
        assert event["data"]["article"] == seed.pk, event
        seen.append(event)
    assert len({event["id"] for event in seen}) == len(seen)  # nothing sent twice
    assert "LISTEN connection" in server.log()


def test_static_files_are_served_under_asgi(server):
    """make run serves with uvicorn: whitenoise must still serve the annotator's files."""
    import urllib.request

    with urllib.request.urlopen(server.url + "/static/js/annotator/main.js", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert b"function start()" in response.read()
    assert "StreamingHttpResponse must consume" not in server.log()  # the known whitenoise warning is silenced


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [("7", None, 7), (" 7 ", None, 7), ("0", None, 0), (None, "5", 5), ("9", "5", 9), ("²", "5", 5), ("²", None, None),
     ("99999999999999999999", None, None), ("-1", None, None), (None, None, None)],
)  # fmt: skip
def test_the_start_position_reads_only_ascii_ids_within_bigint(header, query, expected):
    """"²" passes str.isdigit() but not int() (a 500 before); 20 digits overflow the bigint column."""
    extra = {"HTTP_LAST_EVENT_ID": header} if header is not None else {}
    request = RequestFactory().get("/live/articles/1/events", {"last_event_id": query} if query else {}, **extra)
    assert _position(request) == expected


class _FlakyHub:
    """The hub's surface that a stream uses; its event log read fails ``failures`` times first."""

    def __init__(self, failures: int):
        self.failures = failures
        self.subscribed = 0

    def subscribe(self, article_id):
        self.subscribed += 1
        return asyncio.Queue()

    def unsubscribe(self, article_id, queue):
        self.subscribed -= 1

    async def wait_listening(self, timeout):
        return True

    through = 0

    async def position(self):
        if self.failures:
            self.failures -= 1
            raise psycopg.OperationalError("couldn't get a connection after 1.00 sec")
        return 7


def _first_parts(hub, count: int) -> list[str]:
    async def read():
        parts = []
        async with aclosing(views._stream(hub, 1, None)) as stream:
            async for part in stream:
                parts.append(part)
                if len(parts) == count:
                    break
        return parts

    # In a thread of its own: a browser test earlier in this worker leaves Playwright's event loop
    # running in the main thread, and asyncio.run() refuses to start beside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()


@pytest.fixture
def no_database_reads(monkeypatch):
    monkeypatch.setattr(views, "_visible_ids", lambda user, article_id: set())
    monkeypatch.setattr(views, "START_RETRY_PAUSE", 0.01)


def test_a_stream_s_first_reads_wait_for_the_database_to_come_back(no_database_reads):
    """CI, session 7: just after a PostgreSQL restart the first read failed and cut the response off."""
    hub = _FlakyHub(failures=3)
    parts = _first_parts(hub, 2)
    assert parts[1].startswith("id: 7\nevent: hello\n")
    assert hub.subscribed == 0  # unsubscribed when the reader left


def test_a_stream_ends_cleanly_when_the_database_stays_away(no_database_reads, monkeypatch, caplog):
    monkeypatch.setattr(views, "START_RETRY_SECONDS", 0.05)
    hub = _FlakyHub(failures=10**6)
    parts = _first_parts(hub, 5)  # no exception: the stream just ends after its retry line
    assert parts == [f"retry: {settings.LIVE_RETRY_MS}\n\n"]
    assert hub.subscribed == 0
    assert "ending stream" in caplog.text
