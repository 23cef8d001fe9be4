"""Another user's private annotations never surface: not on any page, endpoint, count, export or search filter.

Hidden and orphaned annotations count for nobody, their creator included.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.models import Membership
from annotations.services import annotations_moderate
from entities.models import Entity, EntityMention
from search.services import search_index_article

SECRET = "ماكرون"  # only ever marked privately
SECRET_WORDS = "الحكومة ملتزمة بإجراء الانتخابات"


def entity_of(annotation) -> Entity:
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


@pytest.fixture
def world(user, articles, mark, say, agency):
    """``user`` marks Biden publicly and, privately, Macron and a quote of Macron; Putin's mention is hidden."""
    from tests.factories import make_article

    article = make_article(
        source=agency, title="قمة في باريس",
        body="استقبل ماكرون بايدن في باريس. وقال ماكرون إن الحكومة ملتزمة بإجراء الانتخابات. وانتقد بوتين القمة.",
    )  # fmt: skip
    public_biden = mark(user, article, "بايدن")
    private_biden = mark(user, articles["visit"], "بايدن", occurrence=1, visibility="private")
    secret = mark(user, article, SECRET, visibility="private")
    quote = say(user, article, "إن الحكومة ملتزمة بإجراء الانتخابات", speaker=secret, visibility="private")
    putin = mark(user, article, "بوتين")
    annotations_moderate(annotation_ids=[putin.pk], hidden=True)
    for a in [article, *articles.values()]:
        search_index_article(a)
    return {
        "article": article, "biden": entity_of(public_biden), "secret": entity_of(secret), "putin": entity_of(putin),
        "quote": quote, "private_biden": private_biden,
    }  # fmt: skip


def clients(user, other_user, staff_user):
    anonymous = APIClient()
    other, staff, creator = APIClient(), APIClient(), APIClient()
    other.force_login(other_user)
    staff.force_login(staff_user)
    creator.force_login(user)
    return {"anonymous": anonymous, "other user": other, "staff": staff}, creator


@pytest.fixture
def viewers(user, other_user, staff_user):
    return clients(user, other_user, staff_user)


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def test_no_page_or_endpoint_shows_another_users_private_annotations(world, viewers):
    others, creator = viewers
    secret, biden = world["secret"], world["biden"]
    pages = {
        "entity page": reverse("entities:entity", args=[secret.pk]),
        "entity API": f"/api/entities/{secret.pk}/",
        "mentions API": f"/api/entities/{secret.pk}/mentions/",
        "speaker page": reverse("entities:speaker", args=[secret.pk]),
        "speaker API": f"/api/speakers/{secret.pk}/quotes/",
        "CSV": reverse("entities:speaker-csv", args=[secret.pk]),
        "CSV API": f"/api/speakers/{secret.pk}/quotes/csv/",
        "lookup": reverse("entities:lookup") + f"?name={SECRET}",
    }
    for who, client in others.items():
        for what, url in pages.items():
            assert client.get(url).status_code == 404, (who, what)
        # lists: no row for it
        for url in [reverse("entities:list"), reverse("entities:speakers"), reverse("entities:quotes")]:
            html = body(client.get(url))
            assert f"/entities/{secret.pk}/" not in html and f"/speakers/{secret.pk}/" not in html, (who, url)
        for url in ["/api/entities/", "/api/speakers/"]:
            assert secret.pk not in [e["id"] for e in client.get(url).json()["results"]], (who, url)
        # the quote search: not by its speaker, not by its words, not among the newest
        by_speaker = client.get("/api/quotes/search/", {"speaker": SECRET}).json()
        assert (by_speaker["count"], by_speaker["speakers"]) == (0, []), who
        assert client.get("/api/quotes/search/", {"q": SECRET_WORDS}).json()["count"] == 0, who
        assert world["quote"].pk not in [q["id"] for q in client.get("/api/quotes/search/").json()["results"]], who
        html = body(client.get(reverse("entities:quotes"), {"q": SECRET_WORDS}))
        assert "quote-card" not in html, who
        # the public entity's page: no link to it among the entities mentioned with Biden
        assert f"/entities/{secret.pk}/" not in body(client.get(reverse("entities:entity", args=[biden.pk]))), who
        # Biden's counts leave out the private mention of him, his co-occurring entities leave out Macron
        detail = client.get(f"/api/entities/{biden.pk}/").json()
        assert (detail["mentions"], detail["articles"]) == (1, 1), who
        assert all(c["id"] != secret.pk for c in detail["cooccurring"]), who
        # the search's label and entity filters count only what the searcher may see
        found = client.get("/api/search/", {"q": "باريس", "entity": secret.pk}).json()
        assert found["count"] == 0, who
        assert client.get("/api/search/", {"q": "باريس", "entity": biden.pk}).json()["count"] == 1, who
        assert client.get("/api/search/", {"q": "الرئيس", "label": "PER"}).json()["count"] == 0, who


def test_the_creator_sees_their_private_work_everywhere(world, viewers):
    _, creator = viewers
    secret, biden = world["secret"], world["biden"]
    assert creator.get(reverse("entities:entity", args=[secret.pk])).status_code == 200
    assert creator.get(f"/api/entities/{secret.pk}/").json()["quotes"] == 1
    assert creator.get(reverse("entities:speaker", args=[secret.pk])).status_code == 200
    rows = list(csv.reader(io.StringIO(body(creator.get(reverse("entities:speaker-csv", args=[secret.pk]))).lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][0] == SECRET
    assert creator.get(f"/api/quotes/search/?speaker={SECRET}").json()["count"] == 1
    assert SECRET in body(creator.get(reverse("entities:list")))
    assert SECRET in body(creator.get("/api/speakers/"))
    detail = creator.get(f"/api/entities/{biden.pk}/").json()
    assert (detail["mentions"], detail["articles"]) == (2, 2)
    assert any(c["id"] == secret.pk for c in detail["cooccurring"])
    assert creator.get("/api/search/", {"q": "باريس", "entity": secret.pk}).json()["count"] == 1
    assert creator.get("/api/search/", {"q": "الرئيس", "label": "PER"}).json()["count"] == 1


def test_hidden_and_orphaned_annotations_count_for_nobody(world, viewers, user, articles, mark):
    from newsreader.document import compose
    from newsreader.services.articles import article_revise

    others, creator = viewers
    putin = world["putin"]
    for client in [*others.values(), creator]:
        assert client.get(f"/api/entities/{putin.pk}/").status_code == 404
        assert "بوتين" not in body(client.get("/api/entities/"))
    gone = entity_of(mark(user, articles["undated"], "وزير المالية"))
    assert creator.get(f"/api/entities/{gone.pk}/").status_code == 200
    article = articles["undated"]
    article_revise(article=article, document=compose(title="تقرير", body="لا شيء هنا."), user=user, reason="test")
    for client in [*others.values(), creator]:
        assert client.get(f"/api/entities/{gone.pk}/").status_code == 404


# --- a speaker the quote may no longer show (annotations.selectors.speaker_shown_with) ------------------

SPOKEN = "إن الحكومة ملتزمة بإجراء الانتخابات"


@pytest.fixture
def said_then_unshared(user, mark, say, agency, group, member):
    """``user`` quotes Macron publicly, naming their public mark of him; then makes that mark private.

    A second public quote's speaker (Biden) is shared with a group afterwards instead.
    """
    from annotations.services import annotation_update
    from tests.factories import make_article

    Membership.objects.create(group=group, user=user, role=Membership.Role.MEMBER)
    article = make_article(
        source=agency, title="قمة في باريس",
        body=f"استقبل ماكرون بايدن في باريس. وقال ماكرون {SPOKEN}. وأكد بايدن أن القمة ناجحة.",
    )  # fmt: skip
    macron = mark(user, article, SECRET)
    quote = say(user, article, SPOKEN, speaker=macron)
    biden = mark(user, article, "بايدن", occurrence=1)
    biden_quote = say(user, article, "أن القمة ناجحة", speaker=biden)
    annotation_update(user=user, annotation_id=macron.pk, expected_version=None, visibility="private")
    annotation_update(user=user, annotation_id=biden.pk, expected_version=None, visibility="group", group=group)
    return {"macron": entity_of(macron), "quote": quote, "biden": entity_of(biden), "biden_quote": biden_quote}


def _quote_pages(client, entity) -> dict[str, object]:
    return {
        "speaker page": client.get(reverse("entities:speaker", args=[entity.pk])),
        "speaker API": client.get(f"/api/speakers/{entity.pk}/quotes/"),
        "CSV": client.get(reverse("entities:speaker-csv", args=[entity.pk])),
    }


def test_a_public_quote_never_shows_a_speaker_made_private_anywhere(said_then_unshared, user, other_user, staff_user, member):
    """Issue 14's rule on the pages: nobody, the speaker's creator included, finds the public quote under
    the private speaker (the API leaves that speaker out of the quote for everyone, too)."""
    from annotations.models import Annotation
    from annotations.selectors import speaker_shown_with

    world = said_then_unshared
    quote = Annotation.objects.get(pk=world["quote"].pk)
    assert quote.visibility == "public" and quote.speaker.visibility == "private"
    assert not speaker_shown_with(quote=quote.__dict__, speaker=quote.speaker.__dict__)
    others, creator = clients(user, other_user, staff_user)
    in_group = APIClient()
    in_group.force_login(member)
    everyone = {**others, "group member": in_group, "creator": creator}
    for who, client in everyone.items():
        for what, response in _quote_pages(client, world["macron"]).items():
            assert response.status_code == 404, (who, what)
        assert client.get(f"/api/entities/{world['macron'].pk}/").status_code in (200, 404)
        if client is creator:
            # Her private mention still makes an entity page for her, without the quote.
            assert client.get(f"/api/entities/{world['macron'].pk}/").json()["quotes"] == 0
        found = client.get("/api/quotes/search/", {"speaker": SECRET}).json()
        assert found["count"] == 0, who
        html = body(client.get(reverse("entities:quotes")))
        assert f"/speakers/{world['macron'].pk}/" not in html, who
        listed = [e["id"] for e in client.get("/api/speakers/").json()["results"]]
        assert world["macron"].pk not in listed, who


def test_a_public_quote_never_shows_a_speaker_shared_with_a_group_afterwards(said_then_unshared, user, other_user, staff_user, member):
    """The group's members (and staff, who see every group) can see the speaker, but a public quote may
    only name a public one: no page puts the quote under it, as the API shows no speaker on it."""
    world = said_then_unshared
    others, creator = clients(user, other_user, staff_user)
    in_group = APIClient()
    in_group.force_login(member)
    for who, client in {**others, "group member": in_group, "creator": creator}.items():
        for what, response in _quote_pages(client, world["biden"]).items():
            assert response.status_code == 404, (who, what)
        assert client.get(f"/api/quotes/search/?speaker={world['biden'].pk}").json()["count"] == 0, who
