"""Fixtures for the search tests: a small corpus built through the real services."""

from datetime import date

import pytest
from django.conf import settings

from newsreader.textsearch.lexemes import clear_cache
from tests.factories import SourceFactory, make_article


@pytest.fixture(autouse=True)
def _fresh_lexeme_cache():
    # The cache is process-wide; tests must not see each other's answers.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def agency(db):
    return SourceFactory(name="وكالة الأنباء", slug="agency")


@pytest.fixture
def daily(db):
    return SourceFactory(name="الصحيفة اليومية", slug="daily")


@pytest.fixture
def corpus(agency, daily):
    """Six articles whose expected ranking and filtering are known."""
    a = {}
    a["title_match"] = make_article(
        source=agency,
        title="الانتخاباتُ العراقية تنطلق غداً",
        body="بدأت اللجان استعداداتها في بغداد.\nوقال مسؤول إن كل شيء جاهز.",
        published_on=date(2024, 3, 1),
    )
    a["body_twice"] = make_article(
        source=daily,
        title="تقرير عن الاقتصاد",
        body="تحدث الوزير عن والانتخابات المقبلة.\nوأكد أن بالانتخابات تتغير الأمور.",
        published_on=date(2024, 3, 5),
    )
    a["body_once"] = make_article(
        source=daily,
        title="أخبار الرياضة",
        body="فاز الفريق في المباراة، ولم تذكر للانتخابات أي صلة بالحدث الطويل الذي استمر ساعات.",
        published_on=date(2024, 2, 1),
    )
    a["phrase"] = make_article(
        source=agency,
        title="زيارة رسمية",
        body="وصل وزيرُ الخارجيّة الأميركي إلى بغداد اليوم.",
        published_on=date(2024, 1, 10),
    )
    a["phrase_apart"] = make_article(
        source=agency,
        title="لقاء في الوزارة",
        body="قال الوزير إن الخارجية لم ترد بعد.",
        published_on=date(2023, 12, 1),
    )
    a["unrelated"] = make_article(
        source=daily,
        title="طقس معتدل",
        body="تتوقع الأرصاد طقساً معتدلاً في معظم المناطق.",
        published_on=None,
    )
    return a


def english(client):
    """``client`` with the English interface chosen (messages are asserted in English)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client(client):
    return english(client)
