"""Sign-up (/accounts/signup/): a new reader is signed in and sent back where they were."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_signup_creates_the_account_signs_in_and_returns(client, db):
    response = client.post(
        reverse("signup") + "?next=/articles/1/",
        {"username": "salma", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42", "next": "/articles/1/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/articles/1/"
    user = get_user_model().objects.get(username="salma")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_refuses_a_weak_password_and_keeps_nothing(client, db):
    response = client.post(reverse("signup"), {"username": "salma", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not get_user_model().objects.exists()


def test_next_must_stay_on_the_site(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "salma", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_signup_page_in_arabic(client, db):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    assert "أنشئ حسابًا" in response.content.decode()


def test_signup_closed(client, db, settings):
    settings.ALLOW_SIGNUP = False
    assert client.get(reverse("signup")).status_code == 404
    assert client.post(reverse("signup"), {"username": "x"}).status_code == 404
    assert not get_user_model().objects.exists()


def test_signed_in_readers_are_sent_on(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("signup") + "?next=/search/")["Location"] == "/search/"
