"""/api/annotations/{id}/proposals/ and /api/proposals/{id}/accept|decline/ (annotations/api/proposals.py)."""

from annotations.models import Label


def test_propose_list_and_accept_over_http(client_for, make_entity, user, other_user, default_labels):
    org = Label.objects.get(label_set__is_default=True, code="ORG")
    kadhimi = make_entity(user, "الكاظمي")
    url = f"/api/annotations/{kadhimi.pk}/proposals/"
    assert client_for(None).post(url, {"changes": {"label": org.pk}}, format="json").status_code in (401, 403)
    bad = client_for(other_user).post(url, {"changes": {"note": "x"}}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "note"
    created = client_for(other_user).post(url, {"changes": {"label": org.pk}, "comment": "منظمة"}, format="json")
    assert created.status_code == 201, created.content
    proposal = created.json()
    assert proposal["proposer"]["id"] == other_user.pk and proposal["changes"] == {"label": org.pk}
    assert [p["id"] for p in client_for(user).get(url).json()] == [proposal["id"]]

    assert client_for(other_user).post(f"/api/proposals/{proposal['id']}/accept/").status_code == 403
    accepted = client_for(user).post(f"/api/proposals/{proposal['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["label"] == org.pk
    assert accepted["ETag"] == f'"{kadhimi.pk}-2"'
    assert client_for(user).post(f"/api/proposals/{proposal['id']}/decline/").status_code == 409
