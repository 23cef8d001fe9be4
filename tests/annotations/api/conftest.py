"""API clients for every kind of caller."""

import pytest
from rest_framework.test import APIClient

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def api(client_for, user):
    return client_for(user)


def etag(response) -> str:
    return response["ETag"]


def codes(response) -> list[tuple]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database, put the default label set back.

    The flush also removes what data migrations made; with --reuse-db it would
    stay gone for every later run (and other apps' tests rely on the default set).
    """
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
