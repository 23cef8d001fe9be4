"""Who may write and how often: token and session authentication, and the write throttle (on the in-memory
cache; test_throttling.py holds the database cache's one-statement path, test_authentication.py the token cache)."""

from tests.annotations.api.conftest import codes, count, entity, url


def test_token_authentication(seed_article, text, user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 201 and response.json()["creator"]["id"] == user.pk
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(url(seed_article))
    assert response.status_code == 401 and codes(response) == [(None, "authentication_failed")]
    user.is_active = False
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(url(seed_article)).status_code == 401


def test_a_bulk_request_costs_writes_by_its_size(api, seed_article, text, monkeypatch, settings):
    from annotations.api.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "4/min"})
    settings.API_BULK_ITEMS_PER_WRITE = 2
    bulk = url(seed_article) + "bulk/"
    items = [entity(text, "بايدن", i) for i in range(3)]  # three items: two writes
    assert api.post(bulk, {"items": items}, format="json").status_code == 201
    assert api.post(url(seed_article), entity(text), format="json").status_code == 201  # three of four used
    more = [entity(text, "العراق", i) for i in range(3)]  # two more writes would pass four
    response = api.post(bulk, {"items": more}, format="json")
    assert response.status_code == 429 and response.json()["errors"][0]["code"] == "throttled"
    assert api.post(bulk, {"items": more[:2]}, format="json").status_code == 201  # one write: four of four
    assert count() == 6


def test_session_authentication_needs_csrf(seed_article, text, user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["errors"][0]["message"]
    client.get("/accounts/login/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url(seed_article), entity(text), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_writes_are_throttled(api, seed_article, text, monkeypatch):
    from annotations.api.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "3/min"})
    statuses = [api.post(url(seed_article), entity(text, "بايدن", i), format="json").status_code for i in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = api.post(url(seed_article), entity(text, "بايدن", 5), format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"
    assert api.get(url(seed_article)).status_code == 200  # reads are not limited
    assert count() == 3
