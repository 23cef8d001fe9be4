"""The pages: entity list, entity page, lookup, speakers, speaker page, quote search, CSV; bad input; query counts."""

from __future__ import annotations

import csv
import io

import lxml.html
import pytest
from django.urls import reverse

from entities.models import Entity, EntityMention
from entities.services import entity_merge
from tests.entities.conftest import english
from tests.factories import make_article


def entity_of(annotation) -> Entity:
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


def text_of(response) -> str:
    return " ".join(lxml.html.fromstring(response.content.decode()).text_content().split())


@pytest.fixture
def client(client):
    return english(client)


@pytest.fixture
def biden(user, articles, mark, say):
    a = mark(user, articles["visit"], "بايدن", occurrence=1)
    mark(user, articles["visit"], "بايدن", occurrence=2)
    b = mark(user, articles["washington"], "بايدن", occurrence=1)
    mark(user, articles["visit"], "الكاظمي")
    mark(user, articles["washington"], "بالكاظمي")
    say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=a)
    say(
        user, articles["washington"], "أن القوات الأميركية لن تكون في مهمة قتالية في العراق مع نهاية العام",
        speaker=b, quote_type="indirect", note="=HYPERLINK(\"http://evil\")",
    )  # fmt: skip
    return entity_of(a)


def test_entity_page(client, biden, articles):
    response = client.get(reverse("entities:entity", args=[biden.pk]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Marked 3 times in 2 articles" in text and "2 quotes" in text
    assert "Often mentioned with" in text and "الكاظمي" in text
    doc = lxml.html.fromstring(response.content)
    # articles newest first, with the sentence around the mention and the mention marked
    titles = [a.text_content() for a in doc.cssselect(".entity-articles .article-card__title a")]
    assert titles == ["لقاء في واشنطن", "بايدن يزور بغداد"]
    assert doc.cssselect(".mention-context mark")[0].text == "بايدن"
    # a bar per month from January to March (February empty) and the numbers as a table
    assert len(doc.cssselect(".month-chart svg rect")) == 3
    assert [r.text_content() for r in doc.cssselect(".month-chart__table tbody th")] == ["2024/01", "2024/02", "2024/03"]
    # links: the speaker page, co-occurring entities, a search within its articles
    assert doc.cssselect(f'a[href="/speakers/{biden.pk}/"]')
    assert doc.cssselect('form.entity-search input[name="entity"]')[0].get("value") == str(biden.pk)


def test_entity_page_in_arabic_has_no_english_left(client, biden):
    from tests.newsreader.test_i18n import ARABIC_LETTER, LATIN_LETTER, chrome_text

    client.cookies.pop("django_language", None)
    client.cookies["django_language"] = "ar"
    for url in [
        reverse("entities:entity", args=[biden.pk]),
        reverse("entities:list"),
        reverse("entities:speakers"),
        reverse("entities:speaker", args=[biden.pk]),
        reverse("entities:quotes") + "?speaker=بايدن&q=العراق",
    ]:
        doc = lxml.html.fromstring(client.get(url).content.decode())
        text = chrome_text(doc)
        assert ARABIC_LETTER.search(text)
        # "CSV" (a file format's name) is the only Latin word allowed
        assert not LATIN_LETTER.search(text.replace("CSV", "")), (url, text)


def test_merged_entity_redirects(client, staff_user, biden, user, articles, mark):
    joe = entity_of(mark(user, articles["washington"], "جو بايدن"))
    entity_merge(user=staff_user, target=biden, sources=[joe])
    response = client.get(reverse("entities:entity", args=[joe.pk]))
    assert response.status_code == 301 and response["Location"] == reverse("entities:entity", args=[biden.pk])
    response = client.get(reverse("entities:speaker", args=[joe.pk]))
    assert response.status_code == 301 and response["Location"] == reverse("entities:speaker", args=[biden.pk])


def test_unknown_entity_is_404(client, db):
    assert client.get(reverse("entities:entity", args=[987654])).status_code == 404
    assert client.get(reverse("entities:speaker", args=[987654])).status_code == 404
    assert client.get("/entities/99999999999999999999999/").status_code == 404


def test_lookup_redirects_to_the_entity(client, biden):
    response = client.get(reverse("entities:lookup"), {"label": "PER", "name": "وبايدنُ"})
    assert response.status_code == 302 and response["Location"] == reverse("entities:entity", args=[biden.pk])
    response = client.get(reverse("entities:lookup"), {"name": "بايدن"})
    assert response["Location"] == reverse("entities:entity", args=[biden.pk])
    assert client.get(reverse("entities:lookup"), {"label": "ORG", "name": "بايدن"}).status_code == 404
    assert client.get(reverse("entities:lookup"), {"name": "!!"}).status_code == 404
    assert client.get(reverse("entities:lookup")).status_code == 404
    assert client.get(reverse("entities:lookup"), {"name": "ب" * 10_000}).status_code == 404


def test_entity_list_page(client, biden):
    response = client.get(reverse("entities:list"))
    doc = lxml.html.fromstring(response.content)
    rows = [[c.text_content().strip() for c in tr.cssselect("th, td")] for tr in doc.cssselect(".entity-table tbody tr")]
    assert rows[0][0] == "بايدن" and rows[0][2:] == ["2", "3"]
    assert client.get(reverse("entities:list"), {"label": "LOC"}).status_code == 200
    filtered = text_of(client.get(reverse("entities:list"), {"q": "كاظم"}))
    assert "الكاظمي" in filtered and "بايدن" not in filtered.replace("No entity", "")


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "ب" * 10_000},
        {"q": "!!! ???"},
        {"q": "'; DROP TABLE entities_entity; --"},
        {"q": "Biden بايدن"},
        {"q": "بايدن", "label": "NOPE", "sort": "random", "page": "-1"},
        {"page": "99999999999999999999"},
    ],
)
def test_list_bad_input_is_never_a_500(client, biden, params):
    for url in (reverse("entities:list"), reverse("entities:speakers")):
        response = client.get(url, params)
        assert response.status_code == 200
    long = client.get(reverse("entities:list"), {"q": "ب" * 10_000})
    assert "Too long: at most 200 characters, it has 10000." in text_of(long)
    assert "punctuation alone is ignored" in text_of(client.get(reverse("entities:list"), {"q": "!!!"}))


def test_speaker_list_and_page(client, biden):
    listed = text_of(client.get(reverse("entities:speakers")))
    assert "بايدن" in listed and "1 speaker" in listed
    response = client.get(reverse("entities:speaker", args=[biden.pk]))
    doc = lxml.html.fromstring(response.content)
    assert "Quoted 2 times" in text_of(response)
    quotes = doc.cssselect(".quote-card")
    assert len(quotes) == 2
    assert "Indirect quote" in quotes[0].text_content() and "لقاء في واشنطن" in quotes[0].text_content()
    assert quotes[0].cssselect("time")[0].get("datetime") == "2024-03-02"
    # searchable within
    within = client.get(reverse("entities:speaker", args=[biden.pk]), {"q": "القوات"})
    assert len(lxml.html.fromstring(within.content).cssselect(".quote-card")) == 1
    assert "<mark>القوات</mark>" in within.content.decode()
    by_type = client.get(reverse("entities:speaker", args=[biden.pk]), {"type": "direct"})
    assert len(lxml.html.fromstring(by_type.content).cssselect(".quote-card")) == 1
    bad = client.get(reverse("entities:speaker", args=[biden.pk]), {"type": "shouted", "from": "yesterday"})
    assert bad.status_code == 200 and "Enter a date as YYYY-MM-DD." in text_of(bad)


def test_an_entity_that_never_speaks_has_no_speaker_page(client, user, articles, mark):
    place = entity_of(mark(user, articles["visit"], "بغداد", label="LOC"))
    assert client.get(reverse("entities:speaker", args=[place.pk])).status_code == 404
    assert client.get(reverse("entities:entity", args=[place.pk])).status_code == 200


def test_quote_search_what_did_x_say_about_y(client, biden):
    response = client.get(reverse("entities:quotes"), {"speaker": "بايدن", "q": "العراق"})
    doc = lxml.html.fromstring(response.content)
    assert len(doc.cssselect(".quote-card")) == 2
    assert doc.cssselect(".quote-speakers a")[0].get("href") == reverse("entities:speaker", args=[biden.pk])
    response = client.get(reverse("entities:quotes"), {"speaker": "الكاظمي"})
    assert "No speaker named" in text_of(response)
    response = client.get(reverse("entities:quotes"), {"q": "بالقوات"})
    assert len(lxml.html.fromstring(response.content).cssselect(".quote-card")) == 1
    # no parameters: the newest quotes
    newest = client.get(reverse("entities:quotes"))
    assert "The newest quotes" in text_of(newest) and len(lxml.html.fromstring(newest.content).cssselect(".quote-card")) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"q": "ب" * 10_000},
        {"speaker": "!!!"},
        {"q": "' OR 1=1 --", "speaker": "\"; SELECT"},
        {"q": "COVID-19 العراق", "speaker": "Biden"},
        {"from": "2024-05-01", "to": "2024-01-01"},
        {"type": "shouted"},
        {"speaker": "99999999999999999999"},
        {"q": '"unclosed phrase'},
    ],
)
def test_quote_search_bad_input_is_never_a_500(client, biden, params):
    assert client.get(reverse("entities:quotes"), params).status_code == 200


def test_csv_export(client, biden):
    response = client.get(reverse("entities:speaker-csv", args=[biden.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''quotes-{biden.pk}-%D8%A8%D8%A7%D9%8A%D8%AF%D9%86.csv"
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["speaker", "quote", "type", "cue"]
    assert len(rows) == 3 and b"\r\n" in body
    first = dict(zip(rows[0], rows[1]))
    assert first["speaker"] == "بايدن" and first["type"] == "indirect" and first["date"] == "2024-03-02"
    assert first["speaker_label"] == "PER" and first["article_url"].startswith("http://testserver/articles/")
    # a note that looks like a formula is made harmless
    assert first["note"] == "'=HYPERLINK(\"http://evil\")"
    # the filters of the page apply
    filtered = client.get(reverse("entities:speaker-csv", args=[biden.pk]), {"type": "direct"})
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))) == 2


def test_header_links(client, db):
    doc = lxml.html.fromstring(client.get("/").content)
    hrefs = [a.get("href") for a in doc.cssselect(".site-nav a")]
    assert reverse("entities:list") in hrefs and reverse("entities:speakers") in hrefs


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True])
@pytest.mark.parametrize("n", [2, 12])
def test_entity_page_query_count_does_not_grow_with_mentions(
    client, user, other_user, agency, mark, say, django_assert_num_queries, n, logged_in
):
    from datetime import date

    from entities.selectors import label_infos

    for i in range(n):
        article = make_article(
            source=agency, title=f"خبر {i}", body=f"قال بايدن إن العراق مهم. والتقى بايدن الكاظمي رقم {i}.",
            published_on=date(2024, 1 + i % 12, 1),
        )  # fmt: skip
        speaker = mark(user, article, "بايدن")
        mark(user, article, "بايدن", occurrence=1, visibility="private")
        mark(user, article, "الكاظمي")
        mark(other_user, article, "العراق", label="LOC", visibility="private")
        say(user, article, "إن العراق مهم", speaker=speaker)
    biden = Entity.objects.get(label="PER", name="بايدن")
    label_infos()  # read once a minute per process: not part of the page's cost
    if logged_in:
        client.force_login(user)
        # session and user; entity; public counts, own mentions (rows, which count, which articles count
        # publicly), own quotes; the newest articles (public, own; the page is cut from them); own rows in
        # them, public rows of those articles; co-occurrence; the page's mentions and articles
        expected = 2 + 1 + 5 + 2 + 2 + 1 + 2
    else:
        # entity; public counts; the page's articles; co-occurrence; the page's mentions and articles
        expected = 1 + 1 + 1 + 1 + 2
    with django_assert_num_queries(expected):
        response = client.get(reverse("entities:entity", args=[biden.pk]))
    assert response.status_code == 200
    assert "Marked %d times" % (2 * n if logged_in else n) in text_of(response)


@pytest.mark.parametrize("n", [2, 12])
def test_speaker_page_query_count_does_not_grow(client, user, agency, mark, say, django_assert_num_queries, n):
    for i in range(n):
        article = make_article(source=agency, title=f"خبر {i}", body=f"قال بايدن إن العراق مهم رقم {i}.")
        say(user, article, f"إن العراق مهم رقم {i}", speaker=mark(user, article, "بايدن"))
    biden = Entity.objects.get(label="PER")
    from entities.selectors import label_infos

    label_infos()
    # entity, public counts, the quotes page, their texts, their articles, lexemes (not cached yet)
    with django_assert_num_queries(6):
        assert client.get(reverse("entities:speaker", args=[biden.pk]), {"q": "العراق"}).status_code == 200
