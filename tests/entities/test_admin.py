"""Admin: merge (with a confirmation page), split off names, rename; the relink command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from entities.keys import entity_key
from entities.models import Entity, EntityAlias, EntityMention, EntityRedirect


def entity_of(annotation) -> Entity:
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


@pytest.fixture
def names(user, articles, mark):
    short = entity_of(mark(user, articles["visit"], "بايدن", occurrence=1))
    joe = entity_of(mark(user, articles["washington"], "جو بايدن"))
    place = entity_of(mark(user, articles["visit"], "بغداد", label="LOC"))
    return short, joe, place


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_merge_asks_for_the_target_then_merges(admin_client, names):
    short, joe, _ = names
    url = reverse("admin:entities_entity_changelist")
    page = admin_client.post(url, {"action": "merge_entities", "_selected_action": [short.pk, joe.pk]})
    assert page.status_code == 200 and b'name="target"' in page.content
    done = admin_client.post(
        url, {"action": "merge_entities", "_selected_action": [short.pk, joe.pk], "apply": "1", "target": str(joe.pk)}, follow=True
    )
    assert done.status_code == 200
    assert not Entity.objects.filter(pk=short.pk).exists()
    assert EntityRedirect.objects.get(old_id=short.pk).entity_id == joe.pk


def test_merge_of_different_labels_is_refused_with_a_message(admin_client, names):
    short, _, place = names
    url = reverse("admin:entities_entity_changelist")
    response = admin_client.post(
        url, {"action": "merge_entities", "_selected_action": [short.pk, place.pk], "apply": "1", "target": str(short.pk)}, follow=True
    )
    assert "only entities with the same label can be merged" in response.content.decode()
    assert Entity.objects.filter(pk=place.pk).exists()


def test_split_off_names(admin_client, staff_user, names):
    from entities.services import entity_merge

    short, joe, _ = names
    entity_merge(user=staff_user, target=short, sources=[joe])
    alias = EntityAlias.objects.get(key=entity_key("جو بايدن"))
    response = admin_client.post(
        reverse("admin:entities_entityalias_changelist"), {"action": "split_off", "_selected_action": [alias.pk]}, follow=True
    )
    assert response.status_code == 200
    alias.refresh_from_db()
    assert alias.entity_id != short.pk and EntityMention.objects.filter(entity_id=alias.entity_id).count() == 1


def test_rename_in_the_change_form(admin_client, names):
    short, _, _ = names
    import lxml.html

    url = reverse("admin:entities_entity_change", args=[short.pk])
    form = lxml.html.fromstring(admin_client.get(url).content).cssselect("#entity_form")[0]
    data = {i.get("name"): i.get("value") or "" for i in form.cssselect("input") if i.get("name") and i.get("type") != "submit"}
    data["name"] = "جو بايدن الرئيس"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    short.refresh_from_db()
    assert (short.name, short.name_locked) == ("جو بايدن الرئيس", True)


def test_non_staff_cannot_reach_the_admin(client, user, names):
    client.force_login(user)
    assert client.get(reverse("admin:entities_entity_changelist")).status_code == 302


def test_relink_command(names, capsys):
    EntityMention.objects.all().delete()
    call_command("entities_relink")
    assert "Linked 3 annotations" in capsys.readouterr().out
    assert EntityMention.objects.count() == 3


def test_the_entity_list_heads_its_number_column_in_arabic(admin_client, names):
    content = admin_client.get(reverse("admin:entities_entity_changelist")).content.decode()
    assert "column-number" in content and ">ID<" not in content and "الرقم" in content


def test_label_filters_name_the_labels(admin_client, names):
    for url in (reverse("admin:entities_entity_changelist"), reverse("admin:entities_entityalias_changelist")):
        response = admin_client.get(url)
        spec = next(s for s in response.context["cl"].filter_specs if getattr(s, "parameter_name", "") == "label")
        assert [c["display"] for c in spec.choices(response.context["cl"])][1:] == ["LOC · مكان", "PER · شخص"], url
        assert response.context["cl"].result_count == 3
        assert admin_client.get(url + "?label=LOC").context["cl"].result_count == 1
