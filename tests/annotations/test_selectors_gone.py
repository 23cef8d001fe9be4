"""The visibility rule over a deleted annotation's kept values (``Event.gone``) equals the rule over rows.

A live stream replaying a deletion names the annotation only to readers that could see it
(annotations.selectors.deleted_ids_visible_to); that form must agree with visibility_q for every kind
of reader and annotation, blind articles included.
"""

from __future__ import annotations

import pytest

from annotations.models import Annotation, BlindArticle, Group, Membership
from annotations.selectors import annotations_visible_to, deleted_ids_visible_to, gone_rows
from annotations.selectors import GONE_FIELDS
from django.contrib.auth.models import AnonymousUser
from tests.factories import UserFactory


@pytest.fixture
def marks(seed_article, make_entity, user, other_user, group):
    other_group = Group.objects.create(name="فريق آخر", slug="other")
    Membership.objects.create(group=group, user=user, role=Membership.Role.MEMBER)
    made = [
        make_entity(user, visibility="private"),
        make_entity(user, needle="واشنطن"),
        make_entity(other_user, needle="بغداد", visibility="private"),
        make_entity(user, needle="الكاظمي", visibility="group", group=group),
        make_entity(user, needle="بايدن", occurrence=1),
    ]
    # Rows in states the services refuse to create directly: hidden, another group, a suggestion.
    Annotation.objects.filter(pk=made[4].pk).update(hidden=True)
    extra = make_entity(user, needle="العراق", visibility="group", group=group)
    Annotation.objects.filter(pk=extra.pk).update(group=other_group)
    hidden_group = make_entity(user, needle="الولايات", visibility="group", group=group)
    Annotation.objects.filter(pk=hidden_group.pk).update(hidden=True)
    suggestion = make_entity(other_user, needle="العام")
    Annotation.objects.filter(pk=suggestion.pk).update(status=Annotation.Status.SUGGESTED)
    return seed_article


def readers(group, user, other_user, staff_user):
    moderator = UserFactory()
    Membership.objects.create(group=group, user=moderator, role=Membership.Role.MODERATOR)
    member = UserFactory()
    Membership.objects.create(group=group, user=member, role=Membership.Role.MEMBER)
    return {
        "anonymous": AnonymousUser(), "creator": user, "other": other_user, "staff": staff_user,
        "moderator": moderator, "member": member, "stranger": UserFactory(),
    }  # fmt: skip


@pytest.mark.parametrize("blind", [False, True])
def test_the_rule_over_kept_values_equals_the_rule_over_rows(marks, group, user, other_user, staff_user, blind):
    everyone = readers(group, user, other_user, staff_user)
    if blind:
        BlindArticle.objects.create(article=marks, key="project:1").readers.add(everyone["member"])
    rows = gone_rows(Annotation.objects.filter(article=marks).values("pk", *GONE_FIELDS))
    assert len(rows) == 8 and all(set(row) == {"id", *GONE_FIELDS} for row in rows)  # ids and rule fields only
    seen_by = {}
    for name, reader in everyone.items():
        expected = set(annotations_visible_to(reader).filter(article=marks).values_list("pk", flat=True))
        assert deleted_ids_visible_to(reader, rows, article_id=marks.pk) == expected, name
        seen_by[name] = len(expected)
    # Non-vacuous: the readers see different sets.
    assert len(set(seen_by.values())) >= 3, seen_by
