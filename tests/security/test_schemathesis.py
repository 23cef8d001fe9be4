"""Property-based API testing: schemathesis sends 100 generated requests to every operation of the OpenAPI schema.

The application runs in-process (WSGI) on the test database (disposable:
created for the test run, rolled back after). Requests come from a signed-in
staff user with an API token, so that write and staff-only operations are
exercised past the permission check, and from anonymous callers. For every
response: no server error (5xx), and — when the status is documented — the
body matches the schema and the content type is the documented one.

Runtime: about 100 x the number of operations requests (several thousand);
the budget is a few minutes on the CI machine (2 cores). SCHEMATHESIS_EXAMPLES
lowers it for a quick local run (CI runs the full 100).
"""

from __future__ import annotations

import json
import os
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from annotations.api.throttling import WriteRateThrottle
from tests.browser.seed import make_seed_article
from tests.factories import UserFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "100"))


def no_server_error(ctx, response, case):
    """No 5xx, except the documented 503 of word analysis on a machine without camel-tools' morphology data."""
    if response.status_code == 503 and case.operation.path == "/api/words/analyse/":
        from arabic import morphology

        if not morphology.available() and b'"not_installed"' in response.content:
            return True
    return not_a_server_error(ctx, response, case)


CHECKS = [no_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


@schemathesis.serializer("application/jsonl")
def jsonl_serializer(ctx, value) -> bytes:
    """The import endpoint takes doccano JSON Lines: one JSON document per line."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    items = value if isinstance(value, list) else [value]
    return "\n".join(json.dumps(item, ensure_ascii=False) for item in items).encode("utf-8")


@pytest.fixture
def in_process_wsgi():
    """Like Django's test client: the test's transaction must survive each request's end."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(db, in_process_wsgi, monkeypatch, settings):
    """Some data for the generated requests to meet, and no write budget to run out of."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis' WSGI client says Host: localhost
    monkeypatch.setattr(WriteRateThrottle, "rate", "1000000/min", raising=False)
    from annotations.services import annotation_create, group_create, reply_create
    from rest_framework.authtoken.models import Token

    import importlib

    from django.apps import apps

    from annotations.models import LabelSet

    if not LabelSet.objects.filter(is_default=True).exists():  # flushed by an earlier transactional test
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    staff = UserFactory(username="schemathesis", is_staff=True, is_superuser=True)
    article = make_seed_article()
    text = article.current_revision.text
    start = text.index("بايدن")
    person = annotation_create(user=staff, article=article, kind="entity", start=start, end=start + 5, label="PER", note="n")
    start = text.index("لن نكون")
    annotation_create(user=staff, article=article, kind="quote", start=start, end=start + 7, speaker=person, quote_type="direct")
    reply_create(user=staff, annotation_id=person.pk, text="رد")
    group_create(user=staff, name="فريق")
    return Token.objects.create(user=staff).key


def load_schema():
    """The schema drf-spectacular serves at /api/schema/, run against the app in-process (WSGI).

    Built at collection (schemathesis' lazy fixture loader does not work with
    pytest 9); generating it needs no database.
    """
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, api_world):
    # Half the requests signed in (staff, with a token), half anonymous.
    headers = {"Authorization": f"Token {api_world}"} if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 2 == 0 else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
