"""Interface language: Arabic unless the reader chose English with the switch."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
