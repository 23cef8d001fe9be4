"""The annotations of an article: reading order, filters, ids, pages, ordering, and queries that do not grow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Annotation, Reply
from tests.annotations.api.conftest import codes, url

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@pytest.fixture
def several(user, other_user, member, group, seed_article, make_entity, make_quote):
    return {
        "title": make_entity(user),
        "kazimi": make_entity(user, needle="مصطفى الكاظمي", label="ORG"),
        "other": make_entity(other_user, needle="واشنطن", label="LOC"),
        "quote": make_quote(user, status="suggested"),
        "private": make_entity(other_user, needle="الكاظمي", occurrence=2, visibility="private"),
        "group": make_entity(member, needle="بغداد", visibility="group", group=group),
    }


def test_list_in_reading_order(api, seed_article, several):
    response = api.get(url(seed_article))
    assert response.status_code == 200
    body = response.json()
    starts = [a["start"] for a in body["results"]]
    assert starts == sorted(starts)
    ids = {a["id"] for a in body["results"]}
    assert several["private"].pk not in ids and several["group"].pk not in ids  # not the user's
    assert body["count"] == 4 and body["next"] is None
    assert response["ETag"].startswith('W/"')
    assert api.get(url(seed_article), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kind=quote", {"quote"}),
        ("label=LOC", {"other"}),
        ("label=org", {"kazimi"}),
        ("status=suggested", {"quote"}),
        ("status=human&status=suggested", {"title", "kazimi", "other", "quote"}),
        ("visibility=public&kind=entity", {"title", "kazimi", "other"}),
        ("orphaned=false", {"title", "kazimi", "other", "quote"}),
        ("orphaned=true", set()),
    ],
)
def test_list_filters(api, seed_article, several, query, names):
    response = api.get(f"{url(seed_article)}?{query}")
    assert response.status_code == 200
    assert {a["id"] for a in response.json()["results"]} == {several[n].pk for n in names}


def test_list_filter_by_creator_and_group(client_for, member, user, seed_article, several):
    api = client_for(member)
    by_name = api.get(f"{url(seed_article)}?creator={user.username}").json()["results"]
    assert {a["id"] for a in by_name} == {several[n].pk for n in ("title", "kazimi", "quote")}
    by_id = api.get(f"{url(seed_article)}?creator={user.pk}").json()["results"]
    assert {a["id"] for a in by_id} == {a["id"] for a in by_name}
    group = several["group"].group
    assert [a["id"] for a in api.get(f"{url(seed_article)}?group={group.pk}").json()["results"]] == [several["group"].pk]


def test_list_modified_since(api, seed_article, several):
    Annotation.objects.update(modified=timezone.now() - timedelta(days=2))
    Annotation.objects.filter(pk=several["quote"].pk).update(modified=timezone.now())
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = api.get(url(seed_article), {"modified_since": since})
    assert [a["id"] for a in response.json()["results"]] == [several["quote"].pk]


def test_list_bad_filter_values(api, seed_article, several):
    response = api.get(url(seed_article), {"kind": "relation", "modified_since": "yesterday"})
    assert response.status_code == 400
    assert {field for field, _ in codes(response)} == {"kind", "modified_since"}


def test_list_ids_filter(api, seed_article, several):
    wanted = [several["quote"].pk, several["title"].pk, several["private"].pk]
    response = api.get(url(seed_article), {"ids": ",".join(map(str, wanted))})
    assert response.status_code == 200
    # In reading order, and never one the caller cannot see (another user's private mark is left out).
    results = response.json()["results"]
    assert {a["id"] for a in results} == {several["quote"].pk, several["title"].pk}
    assert [a["start"] for a in results] == sorted(a["start"] for a in results)
    # Spaces and repeats are tolerated; combined with another filter.
    response = api.get(url(seed_article), {"ids": f" {several['quote'].pk}, {several['quote'].pk} ,{several['title'].pk}", "kind": "quote"})
    assert [a["id"] for a in response.json()["results"]] == [several["quote"].pk]


@pytest.mark.parametrize(
    "value",
    ["1,x", "1,,2", "-3", "0", "1.5", "١,٢", "99999999999999999999", ",".join(str(i) for i in range(1, 102))],
)
def test_list_ids_filter_refuses_bad_input(api, seed_article, several, value):
    response = api.get(url(seed_article), {"ids": value})
    assert response.status_code == 400
    assert codes(response) == [("ids", "invalid")]
    assert "ids" in response.json()["errors"][0]["message"]


def test_list_ids_filter_takes_up_to_one_hundred(api, seed_article, several):
    ids = [several["title"].pk, *range(10_000_000, 10_000_099)]
    response = api.get(url(seed_article), {"ids": ",".join(map(str, ids))})
    assert response.status_code == 200 and [a["id"] for a in response.json()["results"]] == [several["title"].pk]


def test_list_ids_filter_is_one_query(client_for, user, seed_article, django_assert_num_queries):
    _bulk_rows(seed_article, user, 50)
    ids = list(Annotation.objects.values_list("pk", flat=True))
    api = client_for(user)
    with django_assert_num_queries(1):
        response = api.get(url(seed_article), {"ids": ",".join(map(str, ids)), "page_size": 100})
    assert response.status_code == 200 and len(response.json()["results"]) == 50


def test_list_pagination(api, seed_article, several):
    first = api.get(url(seed_article), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["count"] == 4 and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert api.get(url(seed_article), {"page": 9}).status_code == 404


def test_list_ordering(api, seed_article, several):
    Annotation.objects.filter(pk=several["title"].pk).update(modified=timezone.now() + timedelta(minutes=5))
    results = api.get(url(seed_article), {"ordering": "-modified"}).json()["results"]
    assert results[0]["id"] == several["title"].pk


def test_empty_list_of_an_existing_article(anon, seed_article):
    response = anon.get(url(seed_article))
    assert response.status_code == 200 and response.json()["results"] == []


def _bulk_rows(article, user, n):
    revision = article.current_revision
    text = revision.text
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", text)]
    from annotations.models import Label

    labels = list(Label.objects.filter(label_set__is_default=True))
    rows = []
    for i in range(n):
        start, end = words[i % len(words)]
        rows.append(
            Annotation(
                article=article, revision=revision, kind="entity", start=start, end=end, exact=text[start:end],
                label=labels[(i // len(words)) % len(labels)], creator=user, note=f"n{i}",
            )  # fmt: skip
        )
    Annotation.objects.bulk_create(rows)


@pytest.mark.parametrize("n", [1, 1000])
def test_list_query_count_does_not_grow(client_for, user, seed_article, n, django_assert_num_queries):
    _bulk_rows(seed_article, user, n)
    api = client_for(user)
    with django_assert_num_queries(1):  # the page with its total (COUNT(*) OVER ()), whatever the size
        response = api.get(url(seed_article), {"page_size": 1000})
    assert response.status_code == 200 and len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 1000])
def test_w3c_container_query_count_does_not_grow(client_for, user, seed_article, n, django_assert_num_queries):
    _bulk_rows(seed_article, user, n)
    api = client_for(user)
    with django_assert_num_queries(1):
        response = api.get(url(seed_article), {"page_size": 1000}, HTTP_ACCEPT='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"')
    assert response.status_code == 200 and response.json()["total"] == n


def test_pages_split_the_list_with_the_page_rows_complete(client_for, user, other_user, seed_article):
    """Every page (first, middle, last, partial) carries the total and its rows' joined fields and reply counts.

    The page is chosen over annotations_annotation alone and joined afterwards:
    the pages must still add up to the one-page list, row for row.
    """
    _bulk_rows(seed_article, user, 25)
    Annotation.objects.filter(article=seed_article).update(modified_by=other_user)
    middle = Annotation.objects.filter(article=seed_article).order_by("start", "end", "id")[12]
    Reply.objects.create(annotation=middle, author=other_user, text="موافق")
    Reply.objects.create(annotation=middle, author=other_user, text="مخفي", hidden=True)
    api = client_for(user)
    whole = api.get(url(seed_article), {"page_size": 100}).json()
    assert whole["count"] == 25
    pages = [api.get(url(seed_article), {"page": n, "page_size": 10}).json() for n in (1, 2, 3)]
    assert [page["count"] for page in pages] == [25, 25, 25]
    assert [len(page["results"]) for page in pages] == [10, 10, 5]
    assert [row for page in pages for row in page["results"]] == whole["results"]
    row = next(r for r in pages[1]["results"] if r["id"] == middle.pk)
    assert row["reply_count"] == 1  # the hidden reply is not counted
    assert row["creator"]["username"] == user.username and row["modified_by"]["username"] == other_user.username
    assert row["label_code"] == middle.label.code
    past = api.get(url(seed_article), {"page": 4, "page_size": 10})
    assert past.status_code == 404 and codes(past) == [("page", "invalid_page")] and past.json()["last_page"] == 3
    w3c = api.get(url(seed_article), {"page": 3, "page_size": 10}, HTTP_ACCEPT=W3C)
    assert w3c.status_code == 200 and len(w3c.json()["items"]) == 5 and w3c.json()["partOf"]["total"] == 25
