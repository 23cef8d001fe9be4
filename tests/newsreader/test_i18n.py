"""Interface languages: the Arabic catalogue is complete and compiled, and each
interface shows only its own language around the (always Arabic) articles."""

import ast
import gettext
import re
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation

from newsreader.templatetags.reader import digits, weekday_date
from tests.browser.seed import make_seed_article

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def read_po(path: Path) -> dict:
    """msgid (or (msgid, msgid_plural)) -> msgstr (or list of plural msgstrs), obsolete entries left out.

    An entry with a context has the msgid "context\x04msgid", as in the compiled catalogue.
    """
    entries, current, key = {}, {}, None

    def flush():
        if "msgid" in current and current["msgid"]:
            # A msgctxt entry is compiled under "context\x04msgid" (what pgettext looks up).
            msgid = f"{current['msgctxt']}\x04{current['msgid']}" if "msgctxt" in current else current["msgid"]
            if "msgid_plural" in current:
                forms = [current[k] for k in sorted(k for k in current if k.startswith("msgstr["))]
                entries[(msgid, current["msgid_plural"])] = forms
            else:
                entries[msgid] = current.get("msgstr", "")

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            flush()
            current, key = {}, None
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


def test_every_interface_string_has_an_arabic_translation():
    entries = read_po(LOCALE / "django.po")
    assert len(entries) > 50
    # makemessages' fuzzy guesses are never compiled: they must be translated
    assert not re.search(r"^#,.*\bfuzzy\b", (LOCALE / "django.po").read_text(encoding="utf-8"), re.M)
    untranslated = [k for k, v in entries.items() if not (all(v) if isinstance(v, list) else v)]
    assert untranslated == []
    # placeholders survive translation (a lost %(n)s would hide the number)
    for key, value in entries.items():
        source = " ".join(key) if isinstance(key, tuple) else key
        names = set(re.findall(r"%\((\w+)\)s", source))
        for form in value if isinstance(value, list) else [value]:
            assert set(re.findall(r"%\((\w+)\)s", form)) <= names, (key, form)


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, value in read_po(LOCALE / "django.po").items():
        if isinstance(key, tuple):
            for n, form in ((1, 1), (2, 2), (5, 3), (11, 4), (100, 5)):
                assert compiled.ngettext(*key, n) == value[form], (key, n)
        else:
            assert compiled.gettext(key) == value, key


def test_templates_strings_are_in_the_catalogue():
    """Every {% translate "..." %} of the reading templates is in the .po file (makemessages was run)."""
    entries = read_po(LOCALE / "django.po")
    msgids = {k[0] if isinstance(k, tuple) else k for k in entries}
    pattern = re.compile(r"""{% translate (["'])(.+?)\1""")
    found = set()
    for template in TEMPLATES.rglob("*.html"):
        if template.is_relative_to(TEMPLATES / "admin"):
            continue
        found |= {m.group(2) for m in pattern.finditer(template.read_text(encoding="utf-8"))}
    assert found, "no translatable strings found"
    assert sorted(found - msgids) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "الثلاثاء 2021/07/27"), ("en", "Tuesday 2021/07/27")],
)
def test_weekday_date(language, expected):
    with translation.override(language):
        assert weekday_date(date(2021, 7, 27)) == expected


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        ("2021/07/27", "arab", "٢٠٢١/٠٧/٢٧"),
        ("2021/07/27", "latn", "2021/07/27"),
        (45, "arab", "٤٥"),
        ("الثلاثاء 1", "", "الثلاثاء 1"),
    ],
)
def test_digits(value, style, expected):
    assert digits(value, style) == expected


def chrome_text(doc) -> str:
    """Visible interface text: everything except article content, isolated names and other-language labels."""
    for element in doc.xpath("//script|//style|//*[@lang][not(self::html)]|//bdi|//*[contains(@class, 'url')]"):
        element.drop_tree()
    return " ".join(doc.body.text_content().split())


@pytest.fixture
def seed(db):
    return make_seed_article()


@pytest.mark.parametrize("page", ["home", "article", "login", "missing"])
def test_arabic_interface_has_no_english_left(client, seed, page):
    url = {
        "home": reverse("reader:home"),
        "article": seed.get_absolute_url(),
        "login": reverse("login"),
        "missing": "/no/such/page/",
    }[page]
    doc = lxml.html.fromstring(client.get(url).content.decode())
    text = chrome_text(doc)
    assert ARABIC_LETTER.search(text)
    assert not LATIN_LETTER.search(text), text


@pytest.mark.parametrize("page", ["home", "article", "login", "missing"])
def test_english_interface_has_no_arabic_chrome(client, seed, page):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = {
        "home": reverse("reader:home"),
        "article": seed.get_absolute_url(),
        "login": reverse("login"),
        "missing": "/no/such/page/",
    }[page]
    doc = lxml.html.fromstring(client.get(url).content.decode())
    assert doc.getroottree().getroot().get("dir") == "ltr"
    text = chrome_text(doc)
    assert LATIN_LETTER.search(text)
    assert not ARABIC_LETTER.search(text), text


def test_browser_language_does_not_switch_the_interface(client, seed):
    """Arabic first: an English browser still gets Arabic until the reader presses the switch."""
    doc = lxml.html.fromstring(client.get(seed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content)
    assert doc.getroottree().getroot().get("lang") == "ar"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(seed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.headers["Content-Language"] == "en"
    assert lxml.html.fromstring(response.content).getroottree().getroot().get("dir") == "ltr"
    # back to Arabic with the switch
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert lxml.html.fromstring(client.get("/").content).getroottree().getroot().get("dir") == "rtl"
