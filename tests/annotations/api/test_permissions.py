"""The full permission matrix: who may read, change and delete which annotation.

Private annotations are invisible to everyone but their creator (404, never 403),
group annotations to everyone outside the group; only the creator, a moderator of
the annotation's group or staff may change or delete.
"""

import pytest

from annotations.models import Annotation, Membership
from annotations.selectors import annotation_counts, annotations_visible_to
from annotations.services import reply_create
from tests.factories import UserFactory

ACTORS = ["anonymous", "creator", "other", "member", "moderator", "staff"]

# visibility -> actor -> (read, update, delete) status codes
MATRIX = {
    "private": {
        "anonymous": (404, 404, 404),
        "creator": (200, 200, 204),
        "other": (404, 404, 404),
        "member": (404, 404, 404),
        "moderator": (404, 404, 404),
        "staff": (404, 404, 404),
    },
    "group": {
        "anonymous": (404, 404, 404),
        "creator": (200, 200, 204),
        "other": (404, 404, 404),
        "member": (200, 403, 403),
        "moderator": (200, 200, 204),
        "staff": (200, 200, 204),
    },
    "public": {
        "anonymous": (200, 401, 401),  # visible: sign in first
        "creator": (200, 200, 204),
        "other": (200, 403, 403),
        "member": (200, 403, 403),
        "moderator": (200, 200, 204),  # the public annotation belongs to the group: its moderators moderate it
        "staff": (200, 200, 204),
    },
}
CASES = [
    pytest.param(visibility, actor, action, MATRIX[visibility][actor][i], id=f"{visibility}-{actor}-{action}")
    for visibility in MATRIX
    for actor in ACTORS
    for i, action in enumerate(("read", "update", "delete"))
]


@pytest.fixture
def people(group, member, moderator, staff_user):
    creator = UserFactory()
    Membership.objects.create(group=group, user=creator, role=Membership.Role.MEMBER)
    return {
        "anonymous": None,
        "creator": creator,
        "other": UserFactory(),
        "member": member,
        "moderator": moderator,
        "staff": staff_user,
    }


@pytest.fixture
def annotation_with(people, group, make_entity):
    def make(visibility: str) -> Annotation:
        return make_entity(
            people["creator"], visibility=visibility, group=None if visibility == "private" else group
        )

    return make


@pytest.mark.parametrize(("visibility", "actor", "action", "expected"), CASES)
def test_matrix(visibility, actor, action, expected, people, annotation_with, client_for):
    annotation = annotation_with(visibility)
    client = client_for(people[actor])
    path = f"/api/annotations/{annotation.pk}/"
    if action == "read":
        response = client.get(path)
    elif action == "update":
        response = client.patch(path, {"note": "changed"}, format="json", HTTP_IF_MATCH=f'"{annotation.pk}-1"')
    else:
        response = client.delete(path, HTTP_IF_MATCH=f'"{annotation.pk}-1"')
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["errors"][0]["code"] in ("not_found", "permission_denied", "not_authenticated")
    stored = Annotation.objects.filter(pk=annotation.pk).first()
    if action == "update":
        assert stored.note == ("changed" if expected == 200 else "")
    if action == "delete":
        assert (stored is None) == (expected == 204)


@pytest.mark.parametrize(("visibility", "actor"), [(v, a) for v in MATRIX for a in ACTORS])
def test_lists_counts_and_replies_follow_visibility(visibility, actor, people, annotation_with, client_for, seed_article):
    annotation = annotation_with(visibility)
    visible = MATRIX[visibility][actor][0] == 200
    user = people[actor]
    client = client_for(user)
    listed = client.get(f"/api/articles/{seed_article.pk}/annotations/").json()["results"]
    assert (annotation.pk in [a["id"] for a in listed]) is visible
    container = client.get(
        f"/api/articles/{seed_article.pk}/annotations/",
        HTTP_ACCEPT='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    ).json()
    assert container["total"] == (1 if visible else 0)
    assert annotation_counts(user=user, article_ids=[seed_article.pk]).get(seed_article.pk, 0) == (1 if visible else 0)
    assert annotations_visible_to(user).filter(pk=annotation.pk).exists() is visible
    reply_create(user=people["creator"], annotation_id=annotation.pk, text="ردّ")
    replies = client.get(f"/api/annotations/{annotation.pk}/replies/")
    assert replies.status_code == (200 if visible else 404)
    if user is not None:
        post = client.post(f"/api/annotations/{annotation.pk}/replies/", {"text": "x"}, format="json")
        assert post.status_code == (201 if visible else 404)


def test_public_annotation_without_group_is_not_the_moderators(people, make_entity, client_for):
    annotation = make_entity(people["creator"], visibility="public")
    response = client_for(people["moderator"]).patch(
        f"/api/annotations/{annotation.pk}/", {"note": "x"}, format="json", HTTP_IF_MATCH=f'"{annotation.pk}-1"'
    )
    assert response.status_code == 403


def test_hidden_annotations(people, group, make_entity, client_for):
    annotation = make_entity(people["creator"], visibility="public", group=group)
    client_for(people["moderator"]).post(f"/api/annotations/{annotation.pk}/moderation/", {"hidden": True}, format="json")
    path = f"/api/annotations/{annotation.pk}/"
    expected = {"anonymous": 404, "creator": 200, "other": 404, "member": 404, "moderator": 200, "staff": 200}
    for actor, status in expected.items():
        assert client_for(people[actor]).get(path).status_code == status, actor


def test_speaker_of_a_private_annotation_cannot_be_borrowed(people, make_entity, make_quote):
    from django.core.exceptions import ValidationError

    private = make_entity(people["creator"], visibility="private")
    with pytest.raises(ValidationError):
        make_quote(people["other"], speaker=private.pk)


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("at", ["iri", "alias"])
def test_a_hidden_annotation_looks_like_a_missing_one(method, at, people, annotation_with, client_for):
    """A stranger cannot tell a private annotation from an id that does not exist: the same 404 body at its IRI
    in the article's container and at its alias (the IRI once said "not in the container" for a missing id and
    "does not exist" for a hidden one)."""
    hidden = annotation_with("private")
    missing = hidden.pk + 1000
    client = client_for(people["other"])

    def answer(pk):
        path = (f"/api/articles/{hidden.article_id}/annotations/{pk}" if at == "iri" else f"/api/annotations/{pk}/")
        kwargs = {"HTTP_ACCEPT": "application/json", "HTTP_IF_MATCH": f'"{pk}-1"'}
        response = getattr(client, method)(path, **({"data": {"note": "x"}, "format": "json"} if method == "patch" else {}), **kwargs)
        body = response.json()
        return response.status_code, [{**e, "message": e["message"].replace(str(pk), "N")} for e in body["errors"]]

    assert answer(hidden.pk) == answer(missing)
    assert answer(missing)[0] == 404
