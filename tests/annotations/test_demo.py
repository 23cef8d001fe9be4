"""The demo data of a fresh ``make run``: the demo user's entities and quotes on the seed sample article."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import demo
from annotations.models import Annotation
from entities.models import Entity

K = Annotation.Kind


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def samples(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run("load_samples")


def test_load_demo_marks_people_places_and_quotes_with_their_speakers(samples, client, consumers_run_at_once):
    out = run("load_demo")
    article = demo.seed_article()
    mine = Annotation.objects.filter(article=article, creator__username="demo")
    assert f"demo annotations on article {article.pk}" in out and "Demo user: demo (password: demo)" in out
    assert int(out.split()[0]) == mine.count()

    text = article.current_revision.text
    entities = {(a.exact, a.label.code) for a in mine.filter(kind=K.ENTITY).select_related("label")}
    assert {("بايدن", "PER"), ("مصطفى الكاظمي", "PER"), ("بغداد", "LOC"), ("داعش", "ORG"), ("جو بايدن", "PER")} <= entities
    assert all(text[a.start : a.end] == a.exact for a in mine)  # offsets into the stored text
    biden_mentions = len([a for a in mine if a.exact == "بايدن"])
    assert biden_mentions == text.count("بايدن") - text.count("جو بايدن")  # every mention, none twice

    quotes = list(mine.filter(kind=K.QUOTE).select_related("speaker").order_by("start"))
    assert len(quotes) == len(demo.QUOTES)
    said = {(q.speaker.exact if q.speaker else q.speaker_name, q.exact) for q in quotes}
    assert ("بايدن", "لن نكون مع نهاية العام في مهمّة قتاليّة") in said
    assert ("مسؤول كبير في الإدارة الأميركية", "لن يعلن أحد أن المهمة أُنجزت. الهدف هو الهزيمة الدائمة لداعش") in said
    assert all(text[q.cue_start : q.cue_end] for q in quotes)
    assert {q.quote_type for q in quotes} == {"direct", "indirect"}

    # The pages a newcomer opens have content: entities, the speaker, "what did Biden say".
    biden = Entity.objects.get(name="بايدن", label="PER")
    assert biden.public_quotes == 3 and biden.public_mentions == biden_mentions
    page = client.get(f"/speakers/{biden.pk}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200 and "الشراكة الأميركية العراقية مستمرة" in page.content.decode()
    found = client.get("/quotes/", {"speaker": "بايدن"})
    assert "نرغب في استمرار دعم العراق استخباراتيا" in found.content.decode()
    assert "الكاظمي" in client.get("/entities/").content.decode()
    assert get_user_model().objects.get(username="demo").check_password("demo")  # as the README says


def test_load_demo_is_idempotent(samples):
    run("load_demo")
    count = Annotation.objects.count()
    assert "already there" in run("load_demo")
    assert Annotation.objects.count() == count


def test_load_demo_without_the_seed_article(db):
    assert "not in the database" in run("load_demo")
    assert not Annotation.objects.exists()


def test_an_edited_seed_text_is_a_clear_error(samples, monkeypatch):
    monkeypatch.setattr(demo, "QUOTES", [demo.DemoQuote("وقال بايدن", "جملة لم تقل قط", "قال", "بايدن")])
    with pytest.raises(CommandError, match="no longer contains 'جملة لم تقل قط'"):
        run("load_demo")
    assert not Annotation.objects.exists()  # all or nothing
