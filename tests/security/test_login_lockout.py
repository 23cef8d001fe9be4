"""Password guessing: failed log-ins for one user name from one address lock that pair out (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

LIMIT = 3


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def reem(db):
    return UserFactory(username="reem")


def attempt(password, *, username="reem", ip="203.0.113.5", path="/accounts/login/", language=None):
    client = Client(REMOTE_ADDR=ip)
    if language:
        client.cookies["django_language"] = language
    return client, client.post(path, {"username": username, "password": password})


def test_the_form_says_no_until_the_limit_then_locks_out(reem):
    for _ in range(LIMIT - 1):
        _client, response = attempt("guess")
        assert response.status_code == 200
        assert "form-errors" in response.content.decode()
    _client, response = attempt("guess")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'lang="ar"' in page and "محاولات دخول فاشلة كثيرة" in page
    assert "بعد 3 محاولات فاشلة" in page and "بعد 15 دقيقة" in page
    assert response["Retry-After"] == str(15 * 60)
    # Locked out: even the right password does not get in.
    client, response = attempt("pass-word-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_in_english(reem):
    for _ in range(LIMIT):
        _client, response = attempt("guess", language="en")
    page = response.content.decode()
    assert response.status_code == 429 and 'lang="en"' in page
    assert "Too many failed log-ins" in page
    assert "paused after 3 failed attempts" in page and "Try again in 15 minutes" in page


def test_the_lockout_is_per_user_name_and_address(reem):
    UserFactory(username="other")
    for _ in range(LIMIT):
        attempt("guess")
    # the same user from another address (a guesser cannot lock the real user out everywhere)
    client, response = attempt("pass-word-123", ip="198.51.100.7")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(reem.pk)
    # another user from the guessing address
    _client, response = attempt("pass-word-123", username="other")
    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off(reem, settings):
    for _ in range(LIMIT):
        attempt("guess")
    assert attempt("pass-word-123")[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    client, response = attempt("pass-word-123")
    assert response.status_code == 302
    # a success resets the count: the next mistake does not lock out again at once
    assert not AccessAttempt.objects.exists()
    assert attempt("guess")[1].status_code == 200


def test_the_admin_login_is_guarded_too(reem):
    reem.is_staff = True
    reem.save()
    for _ in range(LIMIT - 1):
        assert attempt("guess", path="/admin/login/")[1].status_code == 200
    assert attempt("guess", path="/admin/login/")[1].status_code == 429
    # the lockout is the pair's, whichever form they use
    assert attempt("pass-word-123")[1].status_code == 429


def test_failures_are_counted_per_attempt_in_the_database(reem):
    attempt("guess")
    attempt("guess")
    row = AccessAttempt.objects.get()
    assert (row.username, row.ip_address, row.failures_since_start) == ("reem", "203.0.113.5", 2)
    assert "guess" not in str(row.post_data)  # passwords are not stored
