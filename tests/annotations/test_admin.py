"""The admin: lists with filters, escaped notes and replies, moderation actions."""

import html

import pytest

from annotations.models import Annotation, Group, LabelSet, Reply
from annotations.services import reply_create

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def marked(user, make_entity, make_quote):
    speaker = make_entity(user, occurrence=3, note=SCRIPT)
    quote = make_quote(user, speaker=speaker)
    reply_create(user=user, annotation_id=speaker.pk, text=f"{SCRIPT} رد")
    return speaker, quote


@pytest.mark.parametrize(
    "query",
    ["", "?kind__exact=entity", "?status__exact=human", "?orphaned__exact=0", "?hidden__exact=1", "?q=بايدن"],
)
def test_changelist_and_filters(staff_client, marked, query):
    response = staff_client.get(f"/admin/annotations/annotation/{query}")
    assert response.status_code == 200


def test_filters_by_article_label_and_creator(staff_client, marked, user, seed_article, per):
    for query in (f"?article__id__exact={seed_article.pk}", f"?label__id__exact={per.pk}", f"?creator__id__exact={user.pk}"):
        response = staff_client.get(f"/admin/annotations/annotation/{query}")
        assert response.status_code == 200
        assert response.context["cl"].result_count == (1 if "label" in query else 2)


def test_notes_and_replies_are_escaped(staff_client, marked):
    speaker, _ = marked
    for path in ("/admin/annotations/annotation/", f"/admin/annotations/annotation/{speaker.pk}/change/", "/admin/annotations/reply/"):
        content = staff_client.get(path).content.decode()
        assert SCRIPT not in content, path
        assert "&lt;script&gt;" in content, path


def test_hide_restore_and_delete_actions(staff_client, marked):
    speaker, quote = marked
    url = "/admin/annotations/annotation/"
    staff_client.post(url, {"action": "hide", "_selected_action": [speaker.pk]})
    speaker.refresh_from_db()
    assert speaker.hidden and speaker.version == 2
    staff_client.post(url, {"action": "restore", "_selected_action": [speaker.pk]})
    speaker.refresh_from_db()
    assert not speaker.hidden and speaker.version == 3
    staff_client.post(url, {"action": "delete_annotations", "_selected_action": [speaker.pk]})
    assert not Annotation.objects.filter(pk=speaker.pk).exists() and not Reply.objects.exists()
    quote.refresh_from_db()
    assert quote.speaker is None and quote.speaker_name == "بايدن"


def test_reply_moderation(staff_client, marked):
    reply = Reply.objects.get()
    staff_client.post("/admin/annotations/reply/", {"action": "hide", "_selected_action": [reply.pk]})
    reply.refresh_from_db()
    assert reply.hidden


def test_annotations_cannot_be_added_in_the_admin(staff_client):
    assert staff_client.get("/admin/annotations/annotation/add/").status_code == 403


def test_label_set_with_inline_labels(staff_client):
    response = staff_client.post(
        "/admin/annotations/labelset/add/",
        {
            "name": "رياضة",
            "description": "",
            "labels-TOTAL_FORMS": "1",
            "labels-INITIAL_FORMS": "0",
            "labels-0-code": "TEAM",
            "labels-0-name_ar": "فريق",
            "labels-0-name_en": "Team",
            "labels-0-color": "#123456",
            "labels-0-shortcut": "t",
            "labels-0-order": "0",
        },
    )
    assert response.status_code == 302, response.content
    assert list(LabelSet.objects.get(name="رياضة").labels.values_list("code", flat=True)) == ["TEAM"]


def test_group_with_memberships(staff_client, user):
    response = staff_client.post(
        "/admin/annotations/group/add/",
        {
            "name": "مختبر",
            "slug": "lab",
            "description": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(user.pk),
            "memberships-0-role": "owner",
        },
    )
    assert response.status_code == 302, response.content
    assert Group.objects.get(slug="lab").memberships.get().role == "owner"


def test_lists_head_the_number_column_in_arabic_and_shorten_titles(staff_client, marked, seed_article):
    for path in ("/admin/annotations/annotation/", "/admin/annotations/reply/"):
        content = staff_client.get(path).content.decode()
        assert "column-number" in content and ">ID<" not in content and "الرقم" in content, path
    response = staff_client.get("/admin/annotations/annotation/")
    shown = {str(h.get("text", "")) for h in response.context["result_headers"]}
    assert "مقال" in shown or "المقال" in shown
    assert str(seed_article.title)[:59] in html.unescape(response.content.decode())


def test_an_annotations_revision_reads_in_words(staff_client, marked, seed_article):
    speaker, _ = marked
    content = staff_client.get(f"/admin/annotations/annotation/{speaker.pk}/change/").content.decode()
    assert f"المراجعة 1 من المقال {seed_article.pk}" in content


# --- issue 14 (6): privacy and permissions in the admin ------------------------------------------------


@pytest.fixture
def private_thread(other_user, make_entity):
    """Somebody else's private annotation, with a private note and a reply."""
    from annotations.services import reply_create

    private = make_entity(other_user, "الكاظمي", note="ملاحظة خاصة جدا", visibility="private")
    reply_create(user=other_user, annotation_id=private.pk, text="رد خاص جدا")
    return private


def viewer_client(client, *codenames):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(viewer)
    return client


def test_staff_do_not_see_or_find_other_peoples_private_annotations_and_replies(client, private_thread):
    staff = viewer_client(client, "view_annotation", "view_reply", "change_annotation", "change_reply")
    for path in ("/admin/annotations/annotation/", "/admin/annotations/annotation/?q=خاصة", "/admin/annotations/reply/",
                 "/admin/annotations/reply/?q=خاص"):  # fmt: skip
        content = staff.get(path).content.decode()
        assert "ملاحظة خاصة" not in content and "رد خاص" not in content, path
    assert staff.get(f"/admin/annotations/annotation/{private_thread.pk}/change/").status_code == 302  # "does not exist"
    # ...and cannot hide it by posting its id.
    staff.post("/admin/annotations/annotation/", {"action": "hide", "_selected_action": [private_thread.pk]})
    private_thread.refresh_from_db()
    assert not private_thread.hidden


def test_the_creator_and_superusers_see_private_annotations(client, staff_user, private_thread, other_user):
    from django.contrib.auth.models import Permission

    client.force_login(staff_user)  # a superuser
    assert "ملاحظة خاصة" in client.get("/admin/annotations/annotation/").content.decode()
    other_user.is_staff = True
    other_user.save()
    other_user.user_permissions.set(Permission.objects.filter(codename="view_annotation"))
    client.force_login(other_user)  # its creator
    assert "ملاحظة خاصة" in client.get("/admin/annotations/annotation/").content.decode()


def test_view_permission_alone_cannot_hide_or_restore(client, marked):
    speaker, _ = marked
    staff = viewer_client(client, "view_annotation", "view_reply")
    page = staff.get("/admin/annotations/annotation/").content.decode()
    assert 'value="hide"' not in page and 'value="restore"' not in page
    staff.post("/admin/annotations/annotation/", {"action": "hide", "_selected_action": [speaker.pk]})
    speaker.refresh_from_db()
    assert not speaker.hidden
    reply = Reply.objects.get()
    staff.post("/admin/annotations/reply/", {"action": "hide", "_selected_action": [reply.pk]})
    reply.refresh_from_db()
    assert not reply.hidden
