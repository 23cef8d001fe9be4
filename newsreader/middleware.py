"""Interface language, and the per-request work of the middleware kept off the API's hot path."""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.core.signals import setting_changed
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


API_PREFIX = "/api/"


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without the browser's ``Accept-Language``.

    newsreader is Arabic first: a reader whose browser asks for English still
    gets the Arabic, right-to-left interface (``LANGUAGE_CODE``) until they
    press the language switch, which stores the choice in the language cookie
    (``/i18n/setlang/``). Content-Language and Vary headers come from the parent.
    """

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            # The API speaks English: every error ``message`` (DRF's 401, 403, 405, 406, 415 included)
            # is an English sentence and ``code`` a stable word clients translate (docs/annotations-api.md).
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            # What the parent adds, without its look-ups for i18n_patterns (whose language-prefix redirect of a
            # 404 is for pages; the URLs use none): the same two headers, at a tenth of the cost per request.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


class PageMessageMiddleware(MessageMiddleware):
    """Django's messages, for the pages only: the API never shows one (it answers JSON).

    Building the storage (cookie and session back-ends, a signer) on every API
    request cost about 0.1 ms of a create. A message added during an API request
    raises ``MessageFailure`` (no storage), as it would without the middleware.
    """

    def process_request(self, request):
        if not request.path_info.startswith(API_PREFIX):
            super().process_request(request)


# The policy only depends on the settings unless a view changes it (csp_update, csp_replace, csp_exempt,
# a nonce): built once per process, and again when a test overrides the settings.
_POLICY_SETTINGS = {"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG"}
_RESPONSE_OVERRIDES = frozenset(
    {"_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro"}
)
_built: dict[str, tuple] = {}


def _forget_policy(setting, **_) -> None:
    if setting in _POLICY_SETTINGS:
        _built.clear()


setting_changed.connect(_forget_policy, dispatch_uid="newsreader-csp-policy")


def _policy() -> tuple:
    """(header, excluded prefixes) for the policy and for the report-only policy, from the settings."""
    policy = _built.get("policy")
    if policy is None:
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        policy = (
            (HEADER, build_policy(), tuple(enforced.get("EXCLUDE_URL_PREFIXES", None) or ()), "_csp_exempt"),
            (
                HEADER_REPORT_ONLY,
                build_policy(report_only=True),
                tuple(report_only.get("EXCLUDE_URL_PREFIXES", None) or ()),
                "_csp_exempt_ro",
            ),
        )
        _built["policy"] = policy
    return policy


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy built once per process instead of twice per response.

    ``build_policy`` (enforced and report-only) was 0.4 ms of every API request. A
    response or request that can change the policy (a nonce was used, a view decorated
    with ``csp_update``/``csp_replace``/``csp``, the debug pages) goes through django-csp
    itself; the headers set, the exemptions and the excluded prefixes are the same.
    """

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or not _RESPONSE_OVERRIDES.isdisjoint(vars(response))  # (the decorators set these on the response)
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        for header, value, excluded, exempt in _policy():
            if (
                value
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = value
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
