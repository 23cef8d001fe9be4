"""Object-level permissions of every API endpoint, generated from the URL configuration.

``EXPECTED`` has one entry per (URL name, HTTP method) of every route under
``/api/``: the status each caller gets — anonymous, another user, the owner
of the private objects, and staff (who may not see other people's private
annotations either) — and which callers may see the private data in the
answer. ``test_every_api_endpoint_has_expectations`` walks the URL
configuration and fails when an endpoint has no entry (or an entry has no
endpoint), so a new endpoint cannot be added without saying who may use it.

The private objects (``World``) carry a secret marker in every free-text
field; callers not in an entry's ``shows`` must never find it in the answer,
whatever the status. An object a caller may not see is 404, never 403 (a 403
would say that it exists). Authentication is real: each user sends their API
token, as a program would.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.apps import apps as django_apps
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Annotation, Label, LabelSet, Membership
from annotations.services import annotation_create, group_create, membership_add, reply_create
from tests.browser.seed import make_seed_article
from tests.factories import UserFactory

SECRET = "SECRET-c8f1e2"
ACTORS = ("anon", "other", "owner", "staff")
METHODS = ("get", "post", "put", "patch", "delete")


# --- the URL configuration -----------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for route, name, view in _walk(pattern.url_patterns, prefix + str(pattern.pattern)):
                yield route, (namespace + name if name else name), view
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, pattern.callback


def _methods(view) -> set[str]:
    actions = getattr(view, "actions", None)  # DRF viewsets: the router's method -> action map
    if actions:
        return {method.upper() for method in actions if method.upper() in {m.upper() for m in METHODS}}
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is not None:
        return {m.upper() for m in METHODS if m in getattr(cls, "http_method_names", METHODS) and hasattr(cls, m)}
    return {"GET"}  # a plain function view: its decorators decide; GET is what it serves


def api_endpoints() -> dict[tuple[str, str], str]:
    """{(url name, METHOD): route} for every route under /api/."""
    endpoints = {}
    for route, name, view in _walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith("api/"):
            continue
        assert name, f"API route {route!r} has no name: name it so that the permission table can refer to it"
        for method in _methods(view):
            endpoints[(name, method)] = route
    return endpoints


# --- the private objects ---------------------------------------------------------------------------------


@dataclass
class World:
    owner: object
    other: object
    staff: object
    member: object
    article: object
    private: Annotation  # the owner's private entity (with the secret in its note)
    quote: Annotation  # the owner's private quote of that entity
    public_entity: Annotation  # someone else's public mark (for merges)
    reply: object
    group: object
    label_set: LabelSet  # a staff-made set nobody uses
    label: Label
    entity_id: int | None
    public_entity_id: int | None
    tokens: dict = field(default_factory=dict)


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def build_world() -> World:
    if not LabelSet.objects.filter(is_default=True).exists():  # flushed by an earlier transactional test
        importlib.import_module("annotations.migrations.0002_default_label_set").create(django_apps, None)
    owner, other, staff, member = (
        UserFactory(username="owner"), UserFactory(username="other"),
        UserFactory(username="staff", is_staff=True, is_superuser=True), UserFactory(username="member"),
    )  # fmt: skip
    article = make_seed_article()
    text = article.current_revision.text
    start, end = _span(text, "بايدن")
    private = annotation_create(
        user=owner, article=article, kind="entity", start=start, end=end, label="PER", note=SECRET, visibility="private"
    )
    q_start, q_end = _span(text, "لن نكون مع نهاية العام في مهمّة قتاليّة")
    quote = annotation_create(
        user=owner, article=article, kind="quote", start=q_start, end=q_end, speaker=private, quote_type="direct",
        note=SECRET, visibility="private",
    )  # fmt: skip
    k_start, k_end = _span(text, "الكاظمي")
    public_entity = annotation_create(user=member, article=article, kind="entity", start=k_start, end=k_end, label="PER")
    reply = reply_create(user=owner, annotation_id=private.pk, text=f"{SECRET} reply")
    group = group_create(user=owner, name=f"{SECRET} group", description=SECRET)
    membership_add(user=owner, group_id=group.pk, member=member)
    label_set = LabelSet.objects.create(name=f"set {SECRET}")
    label = Label.objects.create(label_set=label_set, code="TMP", name_ar="مؤقت", name_en="Temporary", color="#123456")

    entity_id = public_entity_id = None
    if django_apps.is_installed("entities"):
        from entities.models import EntityMention

        entity_id = EntityMention.objects.filter(annotation_id=private.pk).values_list("entity_id", flat=True).first()
        public_entity_id = EntityMention.objects.filter(annotation_id=public_entity.pk).values_list("entity_id", flat=True).first()
    world = World(owner, other, staff, member, article, private, quote, public_entity, reply, group, label_set, label,
                  entity_id, public_entity_id)  # fmt: skip
    world.tokens = {name: Token.objects.create(user=getattr(world, name)).key for name in ("owner", "other", "staff")}
    return world


# --- the table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """Statuses for (anon, other, owner, staff); who may see the private data; how to call."""

    statuses: tuple[int, int, int, int]
    shows: frozenset = frozenset()
    args: Callable[[World], dict] = lambda w: {}
    query: Callable[[World], dict] = lambda w: {}
    body: Callable[[World], object] | None = None
    headers: Callable[[World], dict] = lambda w: {}
    # What must not leak (default: the secret marker of the private objects' text).
    marker: Callable[[World], str] = lambda w: SECRET


def E(anon, other, owner, staff, *, shows=(), **how) -> Expect:
    return Expect((anon, other, owner, staff), frozenset(shows), **how)


OWNER = ("owner",)
PRIVATE = lambda w: {"pk": w.private.pk}  # noqa: E731
ARTICLE = lambda w: {"article_id": w.article.pk}  # noqa: E731
CONTAINED = lambda w: {"article_id": w.private.article_id, "pk": w.private.pk}  # noqa: E731
IF_MATCH = lambda w: {"HTTP_IF_MATCH": f'"{w.private.pk}-{w.private.version}"'}  # noqa: E731
GROUP = lambda w: {"pk": w.group.pk}  # noqa: E731
ENTITY = lambda w: {"pk": w.entity_id}  # noqa: E731
ENTITY_URL = lambda w: f"/api/entities/{w.entity_id}/"  # noqa: E731
SPEAKER_URL = lambda w: f"/api/entities/{w.entity_id}/"  # noqa: E731
ARTICLE_URL = lambda w: f"/articles/{w.article.pk}/"  # noqa: E731
QUOTE_URL = lambda w: f"/api/annotations/{w.quote.pk}/"  # noqa: E731


def _words_status() -> int:
    """Word analysis needs camel-tools' morphology database (not in the repository): 200 with it, 503 without."""
    from arabic import morphology

    return 200 if morphology.available() else 503


WORDS = _words_status()


def new_entity(w: World) -> dict:
    start, end = _span(w.article.current_revision.text, "واشنطن")
    return {"kind": "entity", "start": start, "end": end, "label": "LOC"}


def doccano_line(w: World) -> bytes:
    text = w.article.current_revision.text
    start, end = _span(text, "واشنطن")
    entity = {"id": 1, "label": "LOC", "start_offset": start, "end_offset": end}
    return json.dumps({"text": text, "entities": [entity]}, ensure_ascii=False).encode()


EXPECTED: dict[tuple[str, str], Expect] = {
    # schema and docs: no data
    ("schema", "GET"): E(200, 200, 200, 200),
    ("swagger-ui", "GET"): E(200, 200, 200, 200),
    # an article's annotations: the list hides the private one from everyone else (staff too)
    ("article-annotations", "GET"): E(200, 200, 200, 200, shows=OWNER, args=ARTICLE),
    ("article-annotations", "POST"): E(401, 201, 201, 201, args=ARTICLE, body=new_entity),
    ("article-annotations-bulk", "POST"): E(401, 201, 201, 201, args=ARTICLE, body=lambda w: {"items": [new_entity(w)]}),
    ("article-export", "GET"): E(200, 200, 200, 200, shows=OWNER, args=ARTICLE, query=lambda w: {"format": "w3c"}),
    ("annotations-export", "GET"): E(200, 200, 200, 200, shows=OWNER, query=lambda w: {"format": "w3c", "status": "all"}),
    ("annotations-import", "POST"): E(
        403, 201, 201, 201, query=lambda w: {"format": "doccano", "article": w.article.pk}, body=doccano_line
    ),
    # one private annotation: invisible (404) to all but its creator
    ("annotation-detail", "GET"): E(404, 404, 200, 404, shows=OWNER, args=PRIVATE),
    # (anonymous writes meet the same 404: the annotation is invisible to them, whoever asks)
    ("annotation-detail", "PUT"): E(404, 404, 200, 404, args=PRIVATE, headers=IF_MATCH,
                                    body=lambda w: {"kind": "entity", "start": w.private.start, "end": w.private.end, "label": "ORG"}),
    ("annotation-detail", "PATCH"): E(404, 404, 200, 404, shows=OWNER, args=PRIVATE, headers=IF_MATCH, body=lambda w: {"label": "ORG"}),
    ("annotation-detail", "DELETE"): E(404, 404, 204, 404, args=PRIVATE, headers=IF_MATCH),
    # the same annotation at its IRI in the article's container (Web Annotation Protocol §5.1): the same answers
    ("article-annotation", "GET"): E(404, 404, 200, 404, shows=OWNER, args=CONTAINED),
    ("article-annotation", "PUT"): E(404, 404, 200, 404, args=CONTAINED, headers=IF_MATCH,
                                     body=lambda w: {"kind": "entity", "start": w.private.start, "end": w.private.end, "label": "ORG"}),
    ("article-annotation", "PATCH"): E(404, 404, 200, 404, shows=OWNER, args=CONTAINED, headers=IF_MATCH, body=lambda w: {"label": "ORG"}),
    ("article-annotation", "DELETE"): E(404, 404, 204, 404, args=CONTAINED, headers=IF_MATCH),
    ("annotation-moderation", "POST"): E(401, 404, 403, 404, args=PRIVATE, body=lambda w: {"hidden": True}),
    # delete with undo (annotations/api/trash.py): as DELETE; restore only what the caller deleted (nothing here)
    ("annotation-trash", "POST"): E(401, 404, 200, 404, args=PRIVATE, headers=IF_MATCH),
    ("annotation-restore", "POST"): E(401, 404, 404, 404, args=PRIVATE),
    # proposed changes (annotations/api/proposals.py): only on a visible mark, never on one's own (409)
    ("annotation-proposals", "GET"): E(404, 404, 200, 404, args=PRIVATE),
    ("annotation-proposals", "POST"): E(401, 404, 409, 404, args=PRIVATE, body=lambda w: {"changes": {"label": w.label.pk}}),
    ("proposal-accept", "POST"): E(401, 404, 404, 404, args=lambda w: {"pk": 999_999}),
    ("proposal-decline", "POST"): E(401, 404, 404, 404, args=lambda w: {"pk": 999_999}),
    ("annotation-replies", "GET"): E(404, 404, 200, 404, shows=OWNER, args=PRIVATE),
    ("annotation-replies", "POST"): E(401, 404, 201, 404, args=PRIVATE, body=lambda w: {"text": "رد"}),
    ("reply-detail", "GET"): E(404, 404, 200, 404, shows=OWNER, args=lambda w: {"pk": w.reply.pk}),
    ("reply-detail", "PATCH"): E(401, 404, 200, 404, args=lambda w: {"pk": w.reply.pk}, body=lambda w: {"text": "معدّل"}),
    ("reply-detail", "DELETE"): E(401, 404, 204, 404, args=lambda w: {"pk": w.reply.pk}),
    # groups: members see their groups, staff all of them, others nothing
    ("group-list", "GET"): E(401, 200, 200, 200, shows=("owner", "staff")),
    ("group-list", "POST"): E(401, 201, 201, 201, body=lambda w: {"name": "فريق جديد"}),
    ("group-detail", "GET"): E(401, 404, 200, 200, shows=("owner", "staff"), args=GROUP),
    ("group-detail", "PATCH"): E(401, 404, 200, 200, shows=("owner", "staff"), args=GROUP, body=lambda w: {"description": "وصف"}),
    ("group-detail", "DELETE"): E(401, 404, 204, 204, args=GROUP),
    ("group-members", "GET"): E(401, 404, 200, 200, args=GROUP),
    ("group-members", "POST"): E(401, 404, 201, 201, args=GROUP, body=lambda w: {"user": w.other.username, "role": "member"}),
    ("group-member-detail", "PATCH"): E(401, 404, 200, 200, args=lambda w: {"pk": w.group.pk, "user_id": w.member.pk},
                                        body=lambda w: {"role": "moderator"}),
    ("group-member-detail", "DELETE"): E(401, 404, 204, 204, args=lambda w: {"pk": w.group.pk, "user_id": w.member.pk}),
    # label sets and labels: everyone reads, staff writes
    ("label-set-list", "GET"): E(200, 200, 200, 200, shows=ACTORS),
    ("label-set-list", "POST"): E(401, 403, 403, 201, body=lambda w: {"name": "مجموعة", "labels": []}),
    ("label-set-detail", "GET"): E(200, 200, 200, 200, shows=ACTORS, args=lambda w: {"pk": w.label_set.pk}),
    ("label-set-detail", "PUT"): E(401, 403, 403, 200, args=lambda w: {"pk": w.label_set.pk}, body=lambda w: {"name": "اسم", "labels": []}),
    ("label-set-detail", "PATCH"): E(401, 403, 403, 200, args=lambda w: {"pk": w.label_set.pk}, body=lambda w: {"name": "اسم"}),
    ("label-set-detail", "DELETE"): E(401, 403, 403, 204, args=lambda w: {"pk": w.label_set.pk}),
    ("label-list", "GET"): E(200, 200, 200, 200),
    ("label-list", "POST"): E(401, 403, 403, 201, body=lambda w: {"label_set": w.label_set.pk, "code": "NEW", "name_ar": "جديد",
                                                                  "name_en": "New", "color": "#abcdef"}),
    ("label-detail", "GET"): E(200, 200, 200, 200, args=lambda w: {"pk": w.label.pk}),
    ("label-detail", "PUT"): E(401, 403, 403, 200, args=lambda w: {"pk": w.label.pk},
                               body=lambda w: {"label_set": w.label_set.pk, "code": "TMP", "name_ar": "م", "name_en": "T", "color": "#654321"}),
    ("label-detail", "PATCH"): E(401, 403, 403, 200, args=lambda w: {"pk": w.label.pk}, body=lambda w: {"color": "#654321"}),
    ("label-detail", "DELETE"): E(401, 403, 403, 204, args=lambda w: {"pk": w.label.pk}),
    # articles and their text: public
    ("article-list", "GET"): E(200, 200, 200, 200),
    ("article-detail", "GET"): E(200, 200, 200, 200, args=lambda w: {"pk": w.article.pk}),
    ("revision-detail", "GET"): E(200, 200, 200, 200, args=lambda w: {"pk": w.article.current_revision_id}),
    ("search:api", "GET"): E(200, 200, 200, 200, query=lambda w: {"q": "بايدن"}),
    # entities and speakers derived from annotations: a private mark makes an entity only its author sees
    ("entities:api-entities", "GET"): E(200, 200, 200, 200, shows=OWNER, marker=ENTITY_URL),
    ("entities:api-entity", "GET"): E(404, 404, 200, 404, shows=OWNER, args=ENTITY, marker=ENTITY_URL),
    # staff-only writes: the permission is checked before any look-up (403 says nothing about the entity)
    ("entities:api-entity", "PATCH"): E(403, 403, 403, 200, shows=("staff",), args=ENTITY, body=lambda w: {"name": "جو بايدن"}, marker=ENTITY_URL),
    ("entities:api-entity-mentions", "GET"): E(404, 404, 200, 404, shows=OWNER, args=ENTITY, marker=ARTICLE_URL),
    ("entities:api-entity-merge", "POST"): E(403, 403, 403, 200, args=lambda w: {"pk": w.public_entity_id},
                                             body=lambda w: {"entities": [w.entity_id]}, marker=ENTITY_URL),
    ("entities:api-entity-split", "POST"): E(403, 403, 403, 400, args=ENTITY, body=lambda w: {"names": ["بايدن"]}, marker=ENTITY_URL),
    ("entities:api-speakers", "GET"): E(200, 200, 200, 200, shows=OWNER, marker=SPEAKER_URL),
    ("entities:api-speaker-quotes", "GET"): E(404, 404, 200, 404, shows=OWNER, args=ENTITY, marker=QUOTE_URL),
    ("entities:api-speaker-csv", "GET"): E(404, 404, 200, 404, shows=OWNER, args=ENTITY),
    ("entities:api-quote-search", "GET"): E(200, 200, 200, 200, shows=OWNER, marker=QUOTE_URL),
    # machine suggestions: deciding on someone's private (human) annotation is deciding on an invisible one
    ("article-suggest", "POST"): E(401, 200, 200, 200, args=ARTICLE),
    ("article-suggestions-accept-all", "POST"): E(401, 200, 200, 200, args=ARTICLE),
    ("suggestion-accept", "POST"): E(401, 404, 409, 404, args=PRIVATE, headers=IF_MATCH),
    ("suggestion-reject", "POST"): E(401, 404, 409, 404, args=PRIVATE, headers=IF_MATCH),
    ("suggesters", "GET"): E(200, 200, 200, 200),
    ("word-analyse", "GET"): E(WORDS, WORDS, WORDS, WORDS, query=lambda w: {"word": "قال"}),
}


def test_every_api_endpoint_has_expectations():
    endpoints = api_endpoints()
    missing = sorted(f"{method} {route} ({name})" for (name, method), route in endpoints.items() if (name, method) not in EXPECTED)
    assert not missing, "API endpoints without a permission expectation in EXPECTED:\n" + "\n".join(missing)
    stale = sorted(f"{method} {name}" for (name, method) in EXPECTED if (name, method) not in endpoints)
    assert not stale, "EXPECTED lists endpoints that do not exist:\n" + "\n".join(stale)


def test_the_walk_finds_every_kind_of_route():
    """The generator sees viewset actions, APIView methods and plain routes (so nothing slips past it)."""
    endpoints = api_endpoints()
    assert {("label-set-detail", m) for m in ("GET", "PUT", "PATCH", "DELETE")} <= set(endpoints)
    assert ("article-list", "POST") not in endpoints  # read-only viewset
    assert {("annotation-detail", m) for m in ("GET", "PUT", "PATCH", "DELETE")} <= set(endpoints)
    assert len(endpoints) >= 40


def _content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def check(world: World, endpoint: tuple[str, str], actor: str) -> None:
    from urllib.parse import urlencode

    from django.urls import reverse

    name, method = endpoint
    expect = EXPECTED[endpoint]
    kwargs = expect.args(world)
    if any(value is None for value in kwargs.values()):
        pytest.fail(f"{name}: the world has no object for {kwargs} (entities app not linking?)")
    url = reverse(name, kwargs=kwargs)
    query = expect.query(world)
    if query:
        url += "?" + urlencode(query)
    client = APIClient()
    if actor != "anon":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[actor]}")
    body = expect.body(world) if expect.body else None
    options = {**expect.headers(world)}
    if isinstance(body, bytes):
        options.update(data=body, content_type="application/jsonl")
    elif body is not None:
        options.update(data=body, format="json")
    response = getattr(client, method.lower())(url, **options)
    expected = expect.statuses[ACTORS.index(actor)]
    content = _content(response)
    assert response.status_code == expected, f"{method} {url} as {actor}: {response.status_code}, expected {expected}\n{content[:600]}"
    marker = expect.marker(world)
    if actor in expect.shows:
        assert marker in content, f"{method} {url} as {actor} should show the private data ({marker})"
    else:
        assert marker not in content, f"{method} {url} as {actor} leaks private data ({marker}):\n{content[:600]}"


@pytest.fixture
def world(db, settings, consumers_run_at_once):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


READS = sorted(e for e in EXPECTED if e[1] == "GET")
WRITES = sorted(e for e in EXPECTED if e[1] != "GET")


@pytest.mark.parametrize("endpoint", READS, ids=lambda e: f"{e[1]} {e[0]}")
def test_read_permissions(endpoint, world):
    """Reads change nothing: one world, every caller in turn."""
    for actor in ACTORS:
        check(world, endpoint, actor)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", WRITES, ids=lambda e: f"{e[1]} {e[0]}")
def test_write_permissions(endpoint, actor, world):
    """Each caller's write on a fresh world (a successful DELETE must not decide the next caller's answer)."""
    check(world, endpoint, actor)


def test_importing_into_someone_elses_private_group_is_refused(world):
    """An object-level rule outside the table: the import names a group the caller is not in."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens['other']}")
    before = Annotation.objects.count()
    response = client.post(
        f"/api/imports/?format=doccano&article={world.article.pk}&visibility=group&group={world.group.pk}",
        data=doccano_line(world),
        content_type="application/jsonl",
    )
    assert response.status_code in (400, 404), response.content[:500]
    assert Annotation.objects.count() == before
    assert not Membership.objects.filter(group=world.group, user=world.other).exists()


def test_every_api_write_is_throttled_per_user():
    """Generated too: a view that accepts POST/PUT/PATCH/DELETE has the per-user write throttle."""
    from annotations.api.throttling import WriteRateThrottle

    unthrottled, checked = [], 0
    for route, name, view in _walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith("api/"):
            continue
        writes = _methods(view) - {"GET"}
        cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
        checked += bool(writes)
        if writes and not any(issubclass(t, WriteRateThrottle) for t in getattr(cls, "throttle_classes", ())):
            unthrottled.append(f"{name}: {sorted(writes)}")
    assert checked >= 15  # the walk saw the writing views
    assert not unthrottled, "API writes without WriteRateThrottle:\n" + "\n".join(unthrottled)


def test_no_api_list_lets_the_client_choose_an_unbounded_page():
    """DRF paginators: either no client-chosen page size, or a maximum."""
    offenders = []
    for route, name, view in _walk(get_resolver().url_patterns):
        cls = getattr(view, "cls", None)
        paginator = getattr(cls, "pagination_class", None) if cls else None
        if paginator is None:
            continue
        if getattr(paginator, "page_size_query_param", None) and not getattr(paginator, "max_page_size", None):
            offenders.append(name)
        if getattr(paginator, "limit_query_param", None) and not getattr(paginator, "max_limit", None):
            offenders.append(name)
    assert not offenders, offenders
