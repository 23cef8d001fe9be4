"""The annotator on the article page: its configuration, what anonymous readers get, its JS strings."""

from __future__ import annotations

import gettext
import importlib
import json
import re
from pathlib import Path

import lxml.html
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from annotations.models import Group, LabelSet, Membership
from annotations.services import annotation_create
from tests.live.conftest import publish
from tests.browser.seed import make_seed_article
from tests.factories import UserFactory, make_article

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "locale" / "ar" / "LC_MESSAGES"
JS = ROOT / "static" / "js" / "annotator"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def labels(db):
    if not LabelSet.objects.filter(is_default=True).exists():
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)


@pytest.fixture
def seed(labels):
    return make_seed_article()


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response, lxml.html.fromstring(response.content)


def config_of(doc) -> dict:
    return json.loads(doc.get_element_by_id("annotator-config").text)


def mark(user, article, needle, **fields):
    start = article.current_revision.text.index(needle)
    return annotation_create(
        user=user, article=article, kind="entity", start=start, end=start + len(needle), exact=needle, label="PER", **fields
    )


def test_anonymous_readers_get_public_configuration_only(client, seed):
    owner = UserFactory()
    mark(owner, seed, "الكاظمي", visibility="private", note="ملاحظة سرية")
    team = Group.objects.create(name="فريق التحرير", slug="team")
    Membership.objects.create(group=team, user=owner, role="owner")
    response, doc = page_of(client, seed)
    config = config_of(doc)
    assert config["user"] is None
    assert config["csrfToken"] is None
    assert config["article"] == seed.pk and config["revision"] == seed.current_revision_id
    assert [label["code"] for label in config["labels"]] == ["PER", "ORG", "LOC", "EVENT", "MISC"]
    assert config["urls"]["annotations"] == f"/api/articles/{seed.pk}/annotations/"
    assert config["urls"]["login"] == f"/accounts/login/?next=%2Farticles%2F{seed.pk}%2F"
    assert config["urls"]["signup"].startswith("/accounts/signup/?next=")
    # Nothing private is in the page: not the note, not the group, not the owner.
    html = response.content.decode()
    for secret in ("ملاحظة سرية", "فريق التحرير", owner.username):
        assert secret not in html
    # The sign-in line is one click from logging in.
    links = [a.get("href") for a in doc.cssselect(".annotator-signin a")]
    assert config["urls"]["login"] in links and config["urls"]["signup"] in links


def test_a_signed_in_reader_gets_their_name_groups_and_roles(client, seed):
    reader = UserFactory(username="huda")
    team = Group.objects.create(name="فريق", slug="team")
    other = Group.objects.create(name="آخرون", slug="others")
    Membership.objects.create(group=team, user=reader, role="moderator")
    Membership.objects.create(group=other, user=UserFactory(), role="owner")
    client.force_login(reader)
    _, doc = page_of(client, seed)
    config = config_of(doc)
    assert config["user"] == {
        "id": reader.pk,
        "name": "huda",
        "isStaff": False,
        "groups": [{"id": team.pk, "name": "فريق", "role": "moderator"}],
    }
    assert config["csrfToken"]
    assert not doc.cssselect(".annotator-signin")


def test_the_live_position_is_the_newest_event_of_the_whole_log(client, seed):
    """Not the article's newest (polish, session 9): that would tell anybody when the article last had a change
    they may not see (live/views.py). Replay after the log's position misses none of the article's events."""
    publish(action="created", annotation_ids=[1], article_id=seed.pk)
    publish(action="created", annotation_ids=[2], article_id=seed.pk)
    last = publish(action="created", annotation_ids=[3], article_id=make_article(title="آخر", body="نص.").pk)
    _, doc = page_of(client, seed)
    live = config_of(doc)["live"]
    assert live == {"url": f"/live/articles/{seed.pk}/events", "stream": False, "last": last.position}  # test client: WSGI


def test_the_source_label_set_is_used(client, seed):
    from annotations.models import Label

    own = LabelSet.objects.create(name="رياضة")
    Label.objects.create(label_set=own, code="TEAM", name_ar="فريق", name_en="Team", color="#123456", shortcut="1")
    seed.source.label_set = own
    seed.source.save()
    _, doc = page_of(client, seed)
    config = config_of(doc)
    assert config["labelSet"] == {"id": own.pk, "name": "رياضة"}
    assert [label["code"] for label in config["labels"]] == ["TEAM"]


def test_signup_link_hidden_when_signup_is_closed(client, seed, settings):
    settings.ALLOW_SIGNUP = False
    _, doc = page_of(client, seed)
    assert config_of(doc)["urls"]["signup"] is None
    assert not [a for a in doc.cssselect(".annotator-signin a") if "signup" in a.get("href")]


def test_the_page_loads_the_annotator_without_inline_code(client, seed):
    response, doc = page_of(client, seed)
    scripts = doc.cssselect("script")
    for script in scripts:
        # Only external scripts and JSON data: the Content-Security-Policy allows no inline script.
        assert script.get("src") or script.get("type") == "application/json"
    sources = [s.get("src") for s in scripts if s.get("src")]
    assert reverse("javascript-catalog") + "?language=ar" in sources
    assert "/static/js/annotator/main.js" in sources
    # Everything the first highlights need is fetched while the page is parsed.
    preloaded = {link.get("href") for link in doc.cssselect("link[rel=modulepreload]")}
    assert preloaded == {f"/static/js/annotator/{path.name}" for path in JS.glob("*.js")}
    assert doc.cssselect(f"link[rel=preload][as=fetch][href='/api/articles/{seed.pk}/annotations/?page_size=1000&format=json']")
    assert doc.cssselect("link[href='/static/css/annotator.css']")
    assert not doc.cssselect("[style]")
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_annotator_adds_a_constant_number_of_queries(client, seed, django_assert_num_queries, logged_in):
    """Labels and the live position (and the reader's groups): the same count however many marks there are."""
    user = UserFactory()
    for needle in ("بايدن", "الكاظمي", "واشنطن", "العراق"):
        mark(user, seed, needle)
    if logged_in:
        client.force_login(user)
    # article (1) + labels (1) + live position (1); signed in: session and user (2) + groups (1)
    with django_assert_num_queries(6 if logged_in else 3):
        client.get(seed.get_absolute_url())


# --- the annotator's strings (djangojs catalogue) ---------------------------------------------------


def js_strings() -> tuple[set[str], set[tuple[str, str]]]:
    singles, plurals = set(), set()
    for path in JS.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        singles |= set(re.findall(r'(?<![\w.])gettext\(\s*"((?:[^"\\]|\\.)*)"\s*\)', source))
        plurals |= set(re.findall(r'\bngettext\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"', source))
    return singles, plurals


def test_every_annotator_string_has_an_arabic_translation():
    with open(LOCALE / "djangojs.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    singles, plurals = js_strings()
    assert len(singles) > 100
    untranslated = sorted(s for s in singles if catalogue.gettext(s) == s)
    assert untranslated == []
    for one, many in plurals:
        forms = {catalogue.ngettext(one, many, n) for n in (0, 1, 2, 5, 11, 100)}
        assert one not in forms and many not in forms, (one, forms)
    # Placeholders survive translation.
    for source in singles:
        names = set(re.findall(r"%\((\w+)\)s", source))
        assert set(re.findall(r"%\((\w+)\)s", catalogue.gettext(source))) <= names, source


@pytest.fixture
def back_to_arabic():
    # The test client runs views in this thread, and the language middleware leaves
    # the last request's language active: give the next test the default one.
    yield
    translation.deactivate()


def test_the_catalogue_is_served_in_the_interface_language(client, back_to_arabic):
    arabic = client.get(reverse("javascript-catalog")).content.decode()
    assert "\\u0625\\u063a\\u0644\\u0627\\u0642" in arabic or "إغلاق" in arabic  # "Close"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("javascript-catalog")).content.decode()
    assert "إغلاق" not in english and "\\u0625\\u063a\\u0644\\u0627\\u0642" not in english
