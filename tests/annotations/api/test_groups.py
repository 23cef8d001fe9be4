"""Groups and their members (annotations/api/groups.py)."""


def test_groups_and_members(api, client_for, user, other_user):
    created = api.post("/api/groups/", {"name": "مختبر"}, format="json")
    assert created.status_code == 201 and created.json()["my_role"] == "owner"
    gid = created.json()["id"]
    assert api.get("/api/groups/").json()[0]["id"] == gid
    assert client_for(other_user).get(f"/api/groups/{gid}/").status_code == 404
    added = api.post(f"/api/groups/{gid}/members/", {"user": other_user.username}, format="json")
    assert added.status_code == 201 and added.json()["role"] == "member"
    assert api.post(f"/api/groups/{gid}/members/", {"user": "nobody"}, format="json").status_code == 400
    assert api.patch(f"/api/groups/{gid}/members/{other_user.pk}/", {"role": "moderator"}, format="json").json()["role"] == "moderator"
    assert [m["username"] for m in client_for(other_user).get(f"/api/groups/{gid}/members/").json()] == sorted(
        [user.username, other_user.username]
    )
    assert client_for(other_user).delete(f"/api/groups/{gid}/members/{other_user.pk}/").status_code == 204
    assert api.delete(f"/api/groups/{gid}/").status_code == 204
