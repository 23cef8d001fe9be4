"""Data migrations of the annotation app."""

import importlib

from django.apps import apps
from django.db import connection

from annotations.models import Annotation, Reply
from annotations.services import reply_create

backfill = importlib.import_module("annotations.migrations.0005_modified_by_default_creator").backfill


def test_modified_by_defaults_to_the_creator(user, other_user, make_entity):
    unknown = make_entity(user)
    edited = make_entity(user, needle="واشنطن")
    Annotation.objects.filter(pk=unknown.pk).update(modified_by=None)
    Annotation.objects.filter(pk=edited.pk).update(modified_by=other_user)
    backfill(apps, None)
    rows = dict(Annotation.objects.values_list("pk", "modified_by"))
    # Only rows that never recorded an editor change; a recorded editor is kept.
    assert rows == {unknown.pk: user.pk, edited.pk: other_user.pk}


# --- 0012: bidi controls in rows saved before the rule (issue 14) ------------------------------

RLO = "\u202e"


def run_migration_sql(name: str) -> None:
    """Run the SQL of a RunSQL data migration as ``migrate`` would (forwards)."""
    migration = importlib.import_module(name).Migration
    with connection.cursor() as cursor:
        for operation in migration.operations:
            for sql, params in operation.sql:
                cursor.execute(sql, params)


def test_bidi_controls_saved_before_the_rule_are_neutralised(admin_client, user, make_entity, make_quote):
    noted = make_entity(user, note="عادي")
    quote = make_quote(user, speaker_name="بايدن")
    reply = reply_create(user=user, annotation_id=noted.pk, text="رد")
    # As rows saved before the rule: written by raw SQL, past the services that strip the controls now.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE annotations_annotation SET note = %s WHERE id = %s", [f"a{RLO}txt.exe\u2066b\u2069", noted.pk])
        cursor.execute("UPDATE annotations_annotation SET speaker_name = %s WHERE id = %s", [f"{RLO}بايدن\u202a", quote.pk])
        cursor.execute("UPDATE annotations_reply SET text = %s WHERE id = %s", [f"رد{RLO}\u202c", reply.pk])
    untouched = Annotation.objects.get(pk=quote.pk).modified
    # The admin's lists do not wait for the migration.
    for url, shown in (("/admin/annotations/annotation/", "atxt.exeb"), ("/admin/annotations/reply/", "رد")):
        page = admin_client.get(url).content.decode()
        assert shown in page and RLO not in page, url
    for _ in range(2):  # a second run finds nothing more to do
        run_migration_sql("annotations.migrations.0012_neutralise_bidi")
        assert Annotation.objects.get(pk=noted.pk).note == "atxt.exeb"
        assert Annotation.objects.get(pk=quote.pk).speaker_name == "بايدن"
        assert Reply.objects.get(pk=reply.pk).text == "رد"
    # The single-character marks are kept (they reorder nothing beyond themselves), and nothing else changes.
    Annotation.objects.filter(pk=noted.pk).update(note="\u200fx\u200e")
    run_migration_sql("annotations.migrations.0012_neutralise_bidi")
    assert Annotation.objects.get(pk=noted.pk).note == "\u200fx\u200e"
    assert Annotation.objects.get(pk=quote.pk).modified == untouched
