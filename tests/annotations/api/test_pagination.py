"""Pages of the API's lists and the error for a page that does not exist (annotations/api/pagination.py)."""

import pytest

from tests.annotations.api.conftest import codes, url


@pytest.mark.parametrize("page", ["2", "99", "1" + "0" * 30])
def test_a_page_past_the_end_of_the_articles_says_which_page_is_the_last(anon, seed_article, page):
    """Polish (session 9): the articles list said "Invalid page." where the annotation container said more."""
    response = anon.get("/api/articles/", {"page": page})
    assert response.status_code == 404
    body = response.json()
    assert codes(response) == [("page", "invalid_page")]
    assert body["last_page"] == 1
    message = body["errors"][0]["message"]
    assert message.startswith(f"Page {page if len(page) < 25 else page[:20] + '…'} is past the last page, 1 (1 item, 100 a page).")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "2.0", "٢"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_naming_the_field(anon, seed_article, page):
    response = anon.get("/api/articles/", {"page": page})
    assert response.status_code == 400
    assert codes(response) == [("page", "invalid")]
    assert response.json()["errors"][0]["message"] == f"page must be a whole number from 1; got {page!r}."


@pytest.mark.parametrize("page", ["", "1", "001", "last"])
def test_the_pages_that_exist_still_do(anon, seed_article, page):
    response = anon.get("/api/articles/", {"page": page})
    assert response.status_code == 200 and response.json()["results"][0]["id"] == seed_article.pk


@pytest.mark.parametrize("path", ["/api/labels/", "/api/label-sets/"])  # (/api/groups/ is one unpaged list)
def test_every_drf_list_answers_the_same(client_for, user, default_labels, path):
    response = client_for(user).get(path, {"page": 50})
    assert response.status_code == 404 and codes(response) == [("page", "invalid_page")]
    assert response.json()["last_page"] == 1
    assert "is past the last page, 1 (" in response.json()["errors"][0]["message"]


def test_the_annotation_container_says_the_same(client_for, user, seed_article, make_entity):
    for needle in ("الكاظمي", "بغداد", "واشنطن"):
        make_entity(user, needle=needle)
    api = client_for(user)
    for accept in ("application/json", 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'):
        past = api.get(url(seed_article), {"page": "7", "page_size": 2}, HTTP_ACCEPT=accept)
        assert past.status_code == 404 and codes(past) == [("page", "invalid_page")]
        assert past.json()["last_page"] == 2
        assert past.json()["errors"][0]["message"] == "Page 7 is past the last page, 2 (3 items, 2 a page)."
        # (filtered: the ORM path counts the filtered rows)
        filtered = api.get(url(seed_article), {"page": "3", "kind": "entity"}, HTTP_ACCEPT=accept)
        assert filtered.status_code == 404 and filtered.json()["last_page"] == 1
    # An article that does not exist is still that, whatever the page.
    missing = api.get("/api/articles/999999/annotations/", {"page": 3})
    assert missing.status_code == 404 and codes(missing) == [(None, "not_found")]
