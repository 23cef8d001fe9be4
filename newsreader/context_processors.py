"""Template context every page needs from the reader's own choices."""

from newsreader.templatetags.reader import ARABIC_INDIC

# Set by static/js/theme-init.js from the reader settings kept in localStorage,
# so the server can render numbers in the chosen digits without a flash.
DIGITS_COOKIE = "reader_digits"


def reader(request):
    """``reader_digits``: ``"arab"`` for Arabic-Indic digits (٠١٢٣), else ``"latn"``."""
    style = request.COOKIES.get(DIGITS_COOKIE)
    return {"reader_digits": ARABIC_INDIC if style == ARABIC_INDIC else "latn"}
