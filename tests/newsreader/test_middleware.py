"""The middleware kept off the API's hot path gives the headers django-csp, Django's messages and locale gave."""

from __future__ import annotations

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from csp.exceptions import CSPNonceError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation

from newsreader.middleware import ContentSecurityPolicyMiddleware, InterfaceLanguageMiddleware, PageMessageMiddleware


@pytest.fixture(autouse=True)
def _language_back():
    yield
    translation.deactivate()  # the language middleware activates one in this thread


def _answer(view=None, *, path="/api/articles/"):
    """The response of ``view`` through our CSP middleware and through django-csp's own."""
    view = view or (lambda request: HttpResponse("{}", content_type="application/json"))
    ours = ContentSecurityPolicyMiddleware(view)(RequestFactory().get(path))
    theirs = CSPMiddleware(view)(RequestFactory().get(path))
    return ours, theirs


@pytest.mark.parametrize("path", ["/api/articles/", "/"])
def test_the_policy_built_once_is_django_csp_s(path):
    ours, theirs = _answer(path=path)
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "default-src 'self'" in ours["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in ours


def test_a_changed_setting_changes_the_header(settings):
    before, _ = _answer()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    ours, theirs = _answer()
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"] == "default-src 'none'"
    assert ours["Content-Security-Policy-Report-Only"] == theirs["Content-Security-Policy-Report-Only"]
    assert before["Content-Security-Policy"] != ours["Content-Security-Policy"]


def test_excluded_prefixes_are_kept(settings):
    settings.CONTENT_SECURITY_POLICY = {"EXCLUDE_URL_PREFIXES": ["/api/"], "DIRECTIVES": {"default-src": ["'self'"]}}
    ours, theirs = _answer()
    assert "Content-Security-Policy" not in ours and "Content-Security-Policy" not in theirs
    assert _answer(path="/")[0]["Content-Security-Policy"] == "default-src 'self'"


def test_views_that_change_the_policy_get_their_policy():
    exempt, _ = _answer(csp_exempt()(lambda request: HttpResponse()))
    assert "Content-Security-Policy" not in exempt
    updated, theirs = _answer(csp_update({"img-src": ["https://example.org"]})(lambda request: HttpResponse()))
    assert "https://example.org" in updated["Content-Security-Policy"]
    assert updated["Content-Security-Policy"] == theirs["Content-Security-Policy"]


def test_a_nonce_is_in_the_header_and_refused_after_it(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    requests = []

    def view(request):
        requests.append(request)
        return HttpResponse(str(request.csp_nonce))

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert f"'nonce-{response.content.decode()}'" in response["Content-Security-Policy"]
    plain = []
    ContentSecurityPolicyMiddleware(lambda request: plain.append(request) or HttpResponse())(RequestFactory().get("/"))
    with pytest.raises(CSPNonceError):
        str(plain[0].csp_nonce)


def test_no_message_storage_for_the_api_but_for_pages():
    seen = {}

    def view(request):
        seen[request.path] = hasattr(request, "_messages")
        return HttpResponse()

    for path in ("/api/articles/", "/"):
        request = RequestFactory().get(path)
        request.session = {}
        request.COOKIES = {}
        PageMessageMiddleware(view)(request)
    assert seen == {"/api/articles/": False, "/": True}


@pytest.mark.parametrize("path", ["/api/articles/", "/"])
def test_language_headers_as_django_s(path):
    from django.middleware.locale import LocaleMiddleware

    def view(request):
        response = HttpResponse()
        response["Vary"] = "Accept"
        return response

    ours = InterfaceLanguageMiddleware(view)(RequestFactory().get(path))
    django_s = LocaleMiddleware(view)(RequestFactory().get(path))
    assert ours["Vary"] == django_s["Vary"] == "Accept, Accept-Language"
    assert ours["Content-Language"] == ("en" if path.startswith("/api/") else "ar")


def test_api_answers_keep_every_header(db):
    response = Client().get("/api/articles/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
