"""Issue 14 (5): a quote never exposes a speaker that someone who sees the quote could not see."""

from __future__ import annotations

import itertools
import re

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Annotation
from annotations.selectors import quotes_that_may_name, speaker_shown_expression, speaker_shown_with
from annotations.services import annotation_delete, annotation_update
from tests.annotations.api.conftest import W3C, codes


@pytest.fixture
def drifted(user, make_entity, make_quote):
    """A public quote whose speaker was public when it was named and is private now."""
    speaker = make_entity(user, "بايدن", occurrence=3)
    quote = make_quote(user, speaker=speaker)
    annotation_update(user=user, annotation_id=speaker.pk, expected_version=None, visibility="private")
    return speaker, quote


def test_a_public_quote_cannot_name_a_private_speaker(api, user, make_entity, seed_article, text):
    speaker = make_entity(user, "بايدن", occurrence=3, visibility="private")
    needle = "لن نكون مع نهاية العام في مهمّة قتاليّة"
    start = text.index(needle)
    body = {"kind": "quote", "start": start, "end": start + len(needle), "exact": needle, "quote_type": "direct", "speaker": speaker.pk}
    response = api.post(f"/api/articles/{seed_article.pk}/annotations/", body, format="json")
    assert response.status_code == 400 and codes(response) == [("speaker", "speaker_not_visible")]
    # A private quote of the same person may name it.
    response = api.post(f"/api/articles/{seed_article.pk}/annotations/", {**body, "visibility": "private"}, format="json")
    assert response.status_code == 201 and response.json()["speaker"] == speaker.pk
    # ...but that quote cannot then be made public while it names the private speaker.
    quote = response.json()
    changed = api.patch(f"/api/annotations/{quote['id']}/", {"visibility": "public"}, format="json", HTTP_IF_MATCH="*")
    assert changed.status_code == 400 and codes(changed) == [("speaker", "speaker_not_visible")]


def test_a_group_quote_may_name_a_speaker_of_its_group_but_not_of_another(user, group, member, make_entity, make_quote):
    from annotations.models import Group, Membership

    speaker = make_entity(member, "بايدن", occurrence=3, visibility="group", group=group)
    assert make_quote(member, visibility="group", group=group, speaker=speaker).speaker_id == speaker.pk
    other = Group.objects.create(name="other", slug="other")
    Membership.objects.create(group=other, user=member, role=Membership.Role.OWNER)
    with pytest.raises(ValidationError) as refused:
        make_quote(member, "قتاليّة", visibility="group", group=other, speaker=speaker)
    assert "speaker" in refused.value.message_dict


def test_nobody_sees_a_speaker_that_became_private_through_the_public_quote(drifted, anon, api, client_for, other_user):
    speaker, quote = drifted
    for client in (anon, client_for(other_user), api):  # even its creator: the quote is public
        plain = client.get(f"/api/annotations/{quote.pk}/").json()
        assert plain["speaker"] is None
        document = client.get(f"/api/annotations/{quote.pk}/", HTTP_ACCEPT=W3C).json()
        assert all(body.get("source", "").rstrip("/").split("/")[-1] != str(speaker.pk) for body in document["body"])
        assert "بايدن" not in str(document["body"])
        container = client.get(f"/api/articles/{quote.article_id}/annotations/", HTTP_ACCEPT=W3C).content.decode()
        # The speaker's IRI is its container's plus its id, with no trailing slash (Protocol §5.1).
        speaker_iri = re.compile(rf"/annotations/{speaker.pk}(?![0-9])")
        if client is api:  # its creator sees the private speaker itself in the list: the pattern finds it
            assert speaker_iri.search(container)
        else:
            assert not speaker_iri.search(container), container
        listed = client.get(f"/api/articles/{quote.article_id}/annotations/").json()["results"]
        assert [a["speaker"] for a in listed if a["id"] == quote.pk] == [None]


def test_deleting_a_private_speaker_does_not_copy_its_words_into_a_public_quote(drifted, user):
    speaker, quote = drifted
    annotation_delete(user=user, annotation_id=speaker.pk, expected_version=None)
    quote.refresh_from_db()
    assert quote.speaker_id is None and quote.speaker_name == ""


def test_deleting_a_public_speaker_still_keeps_its_words(user, make_entity, make_quote):
    speaker = make_entity(user, "بايدن", occurrence=3)
    quote = make_quote(user, speaker=speaker)
    annotation_delete(user=user, annotation_id=speaker.pk, expected_version=None)
    quote.refresh_from_db()
    assert quote.speaker_id is None and quote.speaker_name == "بايدن"


def test_the_three_forms_of_the_rule_agree(user, other_user, group, member, make_entity, make_quote):
    """speaker_shown_with (Python), speaker_shown_expression (a column) and quotes_that_may_name (a filter)."""
    speakers = []
    for creator, visibility, hidden in itertools.product((user, member), ("public", "group", "private"), (False, True)):
        if visibility == "group" and creator == user:
            continue
        speaker = make_entity(creator, "بايدن", occurrence=3, visibility=visibility, group=group if visibility == "group" else None)
        Annotation.objects.filter(pk=speaker.pk).update(hidden=hidden)
        speakers.append(Annotation.objects.get(pk=speaker.pk))
        Annotation.objects.filter(pk=speaker.pk).delete()  # one speaker span at a time (duplicates are refused)
    # Quotes of every audience, each pointing at every speaker in turn (written directly: some are refused).
    quotes = [
        make_quote(member, visibility="group", group=group),
        make_quote(member, "قتاليّة", visibility="private"),
        make_quote(member, "مهمّة"),
    ]
    checked = 0
    for speaker in speakers:
        speaker.pk = None
        speaker.save(force_insert=True)
        for quote in quotes:
            Annotation.objects.filter(pk=quote.pk).update(speaker=speaker)
            python = speaker_shown_with(
                quote={"visibility": quote.visibility, "group_id": quote.group_id, "creator_id": quote.creator_id},
                speaker={"visibility": speaker.visibility, "group_id": speaker.group_id, "creator_id": speaker.creator_id, "hidden": speaker.hidden},
            )  # fmt: skip
            column = Annotation.objects.annotate(shown=speaker_shown_expression()).values_list("shown", flat=True).get(pk=quote.pk)
            as_filter = Annotation.objects.filter(quotes_that_may_name(speaker.__dict__), pk=quote.pk).exists()
            assert python == column == as_filter, (speaker.visibility, speaker.hidden, quote.visibility)
            checked += python
        Annotation.objects.filter(pk__in=[q.pk for q in quotes]).update(speaker=None)
        Annotation.objects.filter(pk=speaker.pk).delete()
    assert 0 < checked < len(speakers) * len(quotes)
