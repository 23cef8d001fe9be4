"""Errors outside the API views: /api/ URLs get the API's JSON error shape, pages get the HTML pages."""

from __future__ import annotations

from django.test import Client


def test_an_unknown_api_url_is_a_json_404(db):
    response = Client().get("/api/annotations/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    error = response.json()["errors"][0]
    assert error["code"] == "not_found" and error["field"] is None
    assert "/api/annotations/not-a-number/" in error["message"]


def test_an_unknown_page_is_the_html_404(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert 'dir="rtl"' in response.content.decode()


def test_a_crash_under_api_is_a_json_500(db, monkeypatch):
    from annotations.api import catalogue

    def crash(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalogue.ArticleViewSet, "list", crash)
    response = Client(raise_request_exception=False).get("/api/articles/")
    assert response.status_code == 500
    assert response.json() == {
        "errors": [{"field": None, "message": "Something went wrong on the server; it has been logged.", "code": "server_error"}]
    }
    assert "boom" not in response.content.decode()  # nothing of the crash leaks
