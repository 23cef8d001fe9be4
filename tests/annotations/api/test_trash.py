"""POST /api/annotations/{id}/trash/ and /restore/ (annotations/api/trash.py)."""

from annotations.models import Annotation
from tests.annotations.api.conftest import etag


def test_trash_needs_if_match_answers_412_with_the_current_version_and_restore_undoes_it(client_for, make_entity, user):
    biden = make_entity(user)
    api = client_for(user)
    url = f"/api/annotations/{biden.pk}/"
    assert api.post(f"{url}trash/").status_code == 428
    stale = api.post(f"{url}trash/", HTTP_IF_MATCH=f'"{biden.pk}-9"')
    assert stale.status_code == 412 and stale.json()["current"]["version"] == 1
    current = api.get(url)
    response = api.post(f"{url}trash/", HTTP_IF_MATCH=etag(current))
    assert response.status_code == 200 and response.json()["undo_seconds"] > 10
    assert not Annotation.objects.filter(pk=biden.pk).exists()

    restored = api.post(f"{url}restore/")
    assert restored.status_code == 201
    assert restored.json()["id"] == biden.pk and restored["ETag"] == f'"{biden.pk}-2"'
    assert api.post(f"{url}restore/").status_code == 404  # once


def test_someone_else_cannot_restore(client_for, make_entity, user, other_user):
    biden = make_entity(user)
    client_for(user).post(f"/api/annotations/{biden.pk}/trash/", HTTP_IF_MATCH="*")
    assert client_for(other_user).post(f"/api/annotations/{biden.pk}/restore/").status_code == 404
    assert client_for(None).post(f"/api/annotations/{biden.pk}/restore/").status_code in (401, 403)
