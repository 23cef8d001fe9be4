"""Reading pages: home (list, pagination, source filter) and article (blocks, bidi, query counts)."""

from datetime import date, timedelta

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from newsreader.document import compose
from newsreader.services.articles import article_revise
from newsreader.templatetags.reader import block_segments
from newsreader.views import ARTICLES_PER_PAGE
from tests.browser.seed import make_seed_article
from tests.factories import SourceFactory, make_article

HOME = reverse("reader:home")


def parse(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def make_articles(n, *, source=None, start=date(2024, 1, 1)):
    """``n`` articles, article i published on ``start + i days`` (so the last is the newest)."""
    source = source or SourceFactory()
    return [
        make_article(
            source=source,
            title=f"خبر رقم {i} من {source.name}",
            subtitle=f"مقدمة الخبر {i}",
            body=f"الفقرة الأولى من الخبر {i}.\nالفقرة الثانية.",
            published_on=start + timedelta(days=i),
        )
        for i in range(n)
    ]


@pytest.fixture
def seed(db):
    return make_seed_article()


@pytest.fixture
def english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert response.status_code == 302
    return client


# --- Home page -------------------------------------------------------------------


def test_home_is_arabic_and_right_to_left(client, seed):
    doc = parse(client.get(HOME))
    html = doc.getroottree().getroot()
    assert html.get("lang") == "ar" and html.get("dir") == "rtl"
    assert doc.cssselect("h1.page-title")[0].text_content() == "أحدث المقالات"
    card = doc.cssselect(".article-card")[0]
    title = card.cssselect(".article-card__title")[0]
    assert title.get("lang") == "ar" and title.get("dir") == "rtl"
    assert title.text_content() == seed.title
    assert card.cssselect("a")[0].get("href") == seed.get_absolute_url()
    meta = card.cssselect(".meta")[0].text_content()
    assert "العرب" in meta  # source
    assert "الثلاثاء 2021/07/27" in meta  # Arabic weekday and date
    assert "دقائق" in meta or "دقيقة" in meta  # reading time, in Arabic
    assert card.cssselect(".article-card__lede")[0].text_content() == seed.subtitle


def test_home_lists_newest_first_twenty_a_page(client, db):
    articles = make_articles(ARTICLES_PER_PAGE * 2 + 5)
    newest_first = [a.title for a in reversed(articles)]

    page1 = parse(client.get(HOME))
    assert [e.text_content() for e in page1.cssselect(".article-card__title")] == newest_first[:20]
    assert page1.cssselect(".page-count")[0].text_content() == "45 مقالًا"
    assert "صفحة 1 من 3" in page1.cssselect(".pagination")[0].text_content()
    assert not page1.cssselect('.pagination a[rel="prev"]')
    assert page1.cssselect('.pagination a[rel="next"]')[0].get("href") == "?page=2"

    page3 = parse(client.get(HOME, {"page": 3}))
    assert [e.text_content() for e in page3.cssselect(".article-card__title")] == newest_first[40:]
    assert page3.cssselect('.pagination a[rel="prev"]')[0].get("href") == "?page=2"
    assert not page3.cssselect('.pagination a[rel="next"]')


def test_home_bad_page_number_shows_a_page(client, db):
    make_articles(3)
    assert len(parse(client.get(HOME, {"page": "abc"})).cssselect(".article-card")) == 3
    assert len(parse(client.get(HOME, {"page": 99})).cssselect(".article-card")) == 3


def test_home_filters_by_source(client, db):
    alpha = SourceFactory(name="الأولى", slug="alpha")
    beta = SourceFactory(name="الثانية", slug="beta")
    make_articles(2, source=alpha)
    beta_articles = make_articles(ARTICLES_PER_PAGE + 1, source=beta, start=date(2023, 1, 1))

    doc = parse(client.get(HOME, {"source": "beta"}))
    cards = doc.cssselect(".article-card")
    assert len(cards) == ARTICLES_PER_PAGE
    assert {c.cssselect(".meta__source")[0].text_content() for c in cards} == {"الثانية"}
    assert "الثانية" in doc.cssselect("h1.page-title")[0].text_content()
    # the filter UI lists every source with its count and marks the current one
    chips = {c.text_content().split()[0]: c for c in doc.cssselect(".source-filter .chip")}
    assert chips["الثانية"].get("aria-current") == "page"
    assert chips["الأولى"].cssselect(".chip__count")[0].text_content() == "2"
    assert chips["الثانية"].cssselect(".chip__count")[0].text_content() == str(len(beta_articles))
    # pagination keeps the filter
    assert doc.cssselect('.pagination a[rel="next"]')[0].get("href") == "?source=beta&page=2"
    page2 = parse(client.get(HOME, {"source": "beta", "page": 2}))
    assert len(page2.cssselect(".article-card")) == 1


def test_home_unknown_source_is_404(client, db):
    make_articles(1)
    response = client.get(HOME, {"source": "nope"})
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()


def test_home_without_subtitle_uses_start_of_body_as_lede(client, source):
    make_article(source=source, title="عنوان", body="هذه بداية النص.\nثم فقرة أخرى.")
    lede = parse(client.get(HOME)).cssselect(".article-card__lede")[0].text_content()
    assert lede.startswith("هذه بداية النص.")


def test_home_empty(client, db):
    doc = parse(client.get(HOME))
    assert "لا توجد مقالات بعد" in doc.cssselect(".empty-state")[0].text_content()


# --- Article page ------------------------------------------------------------------


def block_elements(doc):
    return doc.cssselect("[data-start]")


def test_article_page_is_rtl_with_all_parts(client, seed):
    doc = parse(client.get(seed.get_absolute_url()))
    html = doc.getroottree().getroot()
    assert html.get("lang") == "ar" and html.get("dir") == "rtl"
    article = doc.cssselect("article.article")[0]
    assert article.get("lang") == "ar" and article.get("dir") == "rtl"
    revision = seed.current_revision
    assert article.get("data-revision") == str(revision.pk)
    assert doc.cssselect("h1.article__title")[0].text_content().startswith("بايدن يحدّد موعد نهاية")
    assert doc.cssselect("p.lede")[0].text_content().startswith("الرئيس الأميركي يؤكد")
    assert doc.cssselect("figcaption")[0].text_content() == "استمرار دعم العراق استخباراتيا"
    time = doc.cssselect(".article__meta time")[0]
    assert time.get("datetime") == "2021-07-27"
    assert time.text_content() == "الثلاثاء 2021/07/27"
    assert doc.cssselect(".meta__dateline")[0].text_content() == "واشنطن"
    assert doc.cssselect(".article__source")[0].text_content() == "العرب"
    paragraphs = doc.cssselect(".article__body p")
    assert len(paragraphs) == len(seed_paragraph_blocks(revision))
    assert paragraphs[-1].text_content() == 'وقال بايدن "نتطلع إلى أن نشهد انتخابات (في العراق) في أكتوبر".'


def seed_paragraph_blocks(revision):
    return [b for b in revision.blocks if b["kind"] == "paragraph"]


def test_every_block_holds_exactly_its_slice_of_the_text(client, seed):
    revision = seed.current_revision
    doc = parse(client.get(seed.get_absolute_url()))
    container = doc.cssselect(f'[data-revision="{revision.pk}"]')[0]
    elements = block_elements(container)
    assert [(e.get("data-block"), int(e.get("data-start")), int(e.get("data-end"))) for e in elements] == [
        (b["kind"], b["start"], b["end"]) for b in revision.blocks
    ]
    for element in elements:
        start, end = int(element.get("data-start")), int(element.get("data-end"))
        assert element.text_content() == revision.text[start:end]
    tags = {e.get("data-block"): e.tag for e in elements}
    assert tags == {"title": "h1", "subtitle": "p", "caption": "figcaption", "paragraph": "p"}


def test_dateline_is_emphasised_without_changing_the_text(client, seed):
    doc = parse(client.get(seed.get_absolute_url()))
    first = doc.cssselect(".article__body p")[0]
    assert first.cssselect("b.dateline")[0].text_content() == "واشنطن"
    assert first.text_content().startswith("واشنطن – وقع الرئيس الأميركي")
    assert len(doc.cssselect("b.dateline")) == 1


def test_latin_words_are_isolated_and_text_is_unchanged(client, source):
    body = "أعلنت شركة Pfizer/BioNTech أن لقاح COVID-19 فعال، وفق <تقرير> & بيان F-16."
    article = make_article(source=source, title="لقاح COVID-19 في العراق", body=body)
    revision = article.current_revision
    doc = parse(client.get(article.get_absolute_url()))
    assert [e.text_content() for e in doc.cssselect("article bdi")] == [
        "COVID-19",
        "Pfizer/BioNTech",
        "COVID-19",
        "F-16",
    ]
    for element in block_elements(doc):
        start, end = int(element.get("data-start")), int(element.get("data-end"))
        assert element.text_content() == revision.text[start:end]
    assert b"&lt;\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1&gt; &amp;" in client.get(article.get_absolute_url()).content


def test_article_renders_the_current_revision(client, article):
    article_revise(article=article, document=compose(title="عنوان منقح", body="نص منقح جديد."))
    article.refresh_from_db()
    doc = parse(client.get(article.get_absolute_url()))
    assert doc.cssselect("h1")[0].text_content() == "عنوان منقح"
    assert doc.cssselect("article")[0].get("data-revision") == str(article.current_revision_id)
    assert "نص منقح جديد." in doc.cssselect(".article__body")[0].text_content()
    assert "مراجعة النص 2" in doc.cssselect(".article-footer__revision")[0].text_content()


def test_article_shows_source_url(client, source):
    article = make_article(source=source, source_url="https://example.org/news/1")
    doc = parse(client.get(article.get_absolute_url()))
    link = doc.cssselect(".article-footer__source a")[0]
    assert link.get("href") == "https://example.org/news/1" and link.text_content() == "https://example.org/news/1"


def test_missing_article_is_404(client, db):
    response = client.get(reverse("reader:article", args=[999999]))
    assert response.status_code == 404
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.cssselect("h1")[0].text_content() == "الصفحة غير موجودة"
    assert doc.getroottree().getroot().get("dir") == "rtl"


def test_server_error_page_renders_without_a_request():
    # No request, so no middleware chose a language: the default one (an API request earlier in this
    # thread may have left English active, as the API speaks English).
    translation.deactivate()
    html = render_to_string("500.html")
    assert 'dir="rtl"' in html and "حدث خطأ ما" in html


# --- Languages, digits --------------------------------------------------------------


def test_english_interface_is_ltr_but_article_stays_rtl(english, seed):
    doc = parse(english.get(seed.get_absolute_url()))
    html = doc.getroottree().getroot()
    assert html.get("lang") == "en" and html.get("dir") == "ltr"
    article = doc.cssselect("article.article")[0]
    assert article.get("lang") == "ar" and article.get("dir") == "rtl"
    # article metadata is part of the Arabic article ...
    assert doc.cssselect(".article__meta time")[0].text_content() == "الثلاثاء 2021/07/27"
    # ... the chrome around it is English
    assert doc.cssselect(".site-name")[0].text_content() == "Newsreader"
    assert doc.cssselect(".lang-switch button")[0].text_content().strip() == "العربية"
    assert "All articles" in doc.cssselect(".article-footer__back")[0].text_content()


def test_english_home(english, seed):
    doc = parse(english.get(HOME))
    assert doc.getroottree().getroot().get("dir") == "ltr"
    assert doc.cssselect("h1.page-title")[0].text_content() == "Latest articles"
    meta = doc.cssselect(".article-card .meta")[0].text_content()
    assert "Tuesday 2021/07/27" in meta and "min read" in meta
    assert doc.cssselect(".article-card__title")[0].get("dir") == "rtl"


def test_arabic_indic_digits_when_chosen(client, seed):
    client.cookies["reader_digits"] = "arab"
    doc = parse(client.get(seed.get_absolute_url()))
    assert doc.getroottree().getroot().get("data-digits") == "arab"
    assert doc.cssselect(".article__meta time")[0].text_content() == "الثلاثاء ٢٠٢١/٠٧/٢٧"
    # the article text itself stays as stored
    assert "2500 جندي" in doc.cssselect(".article__body")[0].text_content()
    home = parse(client.get(HOME))
    assert "٢٠٢١/٠٧/٢٧" in home.cssselect(".article-card .meta")[0].text_content()


def test_unknown_digit_cookie_means_latin_digits(client, seed):
    client.cookies["reader_digits"] = "<script>"
    doc = parse(client.get(seed.get_absolute_url()))
    assert doc.getroottree().getroot().get("data-digits") == "latn"
    assert doc.cssselect(".article__meta time")[0].text_content() == "الثلاثاء 2021/07/27"


def test_pages_have_settings_panel_and_no_inline_scripts(client, seed):
    for url in (HOME, seed.get_absolute_url()):
        doc = parse(client.get(url))
        scripts = doc.cssselect("script")
        # only script files, and data islands (json_script) that browsers never execute
        code = [x for x in scripts if x.get("type") != "application/json"]
        assert code and all(x.get("src") and not (x.text or "").strip() for x in code)
        assert not doc.xpath("//@*[starts-with(name(), 'on')]")  # no inline event handlers
        panel = doc.cssselect("#reader-settings")[0]
        assert panel.get("role") == "dialog"
        for control in panel.cssselect("input[id]"):
            assert panel.cssselect(f'label[for="{control.get("id")}"]'), control.get("id")
        assert doc.cssselect('link[rel="preload"][as="font"]')[0].get("href").endswith(".woff2")


def test_login_page(client, db):
    doc = parse(client.get(reverse("login")))
    assert doc.cssselect("h1")[0].text_content() == "تسجيل الدخول"
    assert doc.cssselect('input[name="username"]') and doc.cssselect('input[name="password"]')


def test_logged_in_header_has_logout_form(client, staff_user, seed):
    client.force_login(staff_user)
    doc = parse(client.get(HOME))
    form = doc.cssselect("form.logout")[0]
    assert form.get("method") == "post" and form.get("action") == reverse("logout")
    assert doc.cssselect(f'.site-nav a[href="{reverse("admin:index")}"]')


# --- Query counts: constant in the size of the corpus ----------------------------------


@pytest.mark.parametrize("n", [3, 30])
def test_home_query_count_is_constant(client, db, django_assert_num_queries, n):
    articles = make_articles(n)
    # sources, count, page of articles
    with django_assert_num_queries(3):
        response = client.get(HOME)
    assert len(parse(response).cssselect(".article-card")) == min(n, ARTICLES_PER_PAGE)
    with django_assert_num_queries(3):
        response = client.get(HOME, {"source": articles[0].source.slug, "page": 2})
    assert len(parse(response).cssselect(".article-card")) == (n - ARTICLES_PER_PAGE if n > 20 else n)


# The article page: the article with its source and revision (1), plus what the
# annotation layer it includes needs: the label set (1) and the live-update
# position (1). A signed-in reader adds the session, the user and their groups.
ARTICLE_QUERIES = 3


@pytest.mark.parametrize("n", [3, 30])
def test_article_query_count_is_constant(client, db, django_assert_num_queries, n):
    articles = make_articles(n)
    with django_assert_num_queries(ARTICLE_QUERIES):
        response = client.get(articles[0].get_absolute_url())
    assert parse(response).cssselect("h1")[0].text_content() == articles[0].title


@pytest.mark.parametrize("n", [3, 30])
def test_logged_in_pages_add_a_constant_few(client, user, django_assert_num_queries, n):
    articles = make_articles(n)
    client.force_login(user)
    with django_assert_num_queries(3 + 2):
        client.get(HOME)
    with django_assert_num_queries(ARTICLE_QUERIES + 3):
        client.get(articles[-1].get_absolute_url())


# --- Block segments (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dateline", "expected"),
    [
        ("نص عربي فقط.", "", [("text", "نص عربي فقط.")]),
        ("واشنطن – وقع", "واشنطن", [("dateline", "واشنطن"), ("text", " – وقع")]),
        ("بغداد – وقع", "واشنطن", [("text", "بغداد – وقع")]),
        ("لقاح COVID-19 فعال", "", [("text", "لقاح "), ("latin", "COVID-19"), ("text", " فعال")]),
        ("هاتف iPhone 12 Pro الجديد", "", [("text", "هاتف "), ("latin", "iPhone 12 Pro"), ("text", " الجديد")]),
        ("شبكة 5G و G7.", "", [("text", "شبكة "), ("latin", "5G"), ("text", " و "), ("latin", "G7"), ("text", ".")]),
        ("لقاح Pfizer 2 جرعة", "", [("text", "لقاح "), ("latin", "Pfizer"), ("text", " 2 جرعة")]),
        ("العدد 2500 جندي", "", [("text", "العدد 2500 جندي")]),
        ("Joe Biden قال", "", [("latin", "Joe Biden"), ("text", " قال")]),
    ],
)
def test_block_segments(text, dateline, expected):
    segments = block_segments(text, dateline)
    assert segments == expected
    assert "".join(part for _, part in segments) == text
