"""Replies to an annotation: a thread, who may change a reply, and bad input."""

from annotations.models import Reply
from tests.annotations.api.conftest import codes


def test_replies_thread(api, client_for, other_user, created):
    pk = created.json()["id"]
    first = client_for(other_user).post(f"/api/annotations/{pk}/replies/", {"text": "<script>x</script> لماذا؟"}, format="json")
    assert first.status_code == 201
    second = api.post(f"/api/annotations/{pk}/replies/", {"text": "لأن", "parent": first.json()["id"]}, format="json")
    assert second.status_code == 201 and second.json()["parent"] == first.json()["id"]
    replies = api.get(f"/api/annotations/{pk}/replies/").json()
    assert [r["text"] for r in replies] == ["<script>x</script> لماذا؟", "لأن"]
    assert api.get(f"/api/annotations/{pk}/").json()["reply_count"] == 2
    reply_url = f"/api/replies/{first.json()['id']}/"
    assert api.patch(reply_url, {"text": "x"}, format="json").status_code == 403
    assert client_for(other_user).patch(reply_url, {"text": "سؤال"}, format="json").json()["text"] == "سؤال"
    assert client_for(other_user).delete(reply_url).status_code == 204
    assert Reply.objects.count() == 0


def test_reply_errors(api, created):
    pk = created.json()["id"]
    response = api.post(f"/api/annotations/{pk}/replies/", {"text": "  "}, format="json")
    assert response.status_code == 400 and codes(response) == [("text", "required")]
    response = api.post(f"/api/annotations/{pk}/replies/", {"text": "x", "parent": "a"}, format="json")
    assert response.status_code == 400 and codes(response) == [("parent", "invalid")]
