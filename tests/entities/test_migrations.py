"""Data migrations of the entities app."""

from __future__ import annotations

import importlib

from django.db import connection
from django.urls import reverse

from entities.models import Entity, SpeakerQuote

RLO = "\u202e"


def run_migration_sql(name: str) -> None:
    """Run the SQL of a RunSQL data migration as ``migrate`` would (forwards)."""
    with connection.cursor() as cursor:
        for operation in importlib.import_module(name).Migration.operations:
            for sql, params in operation.sql:
                cursor.execute(sql, params)


def test_bidi_controls_in_stored_speaker_names_are_neutralised(client, user, articles, mark, say):
    speaker = mark(user, articles["visit"], "بايدن", occurrence=1)
    quote = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=speaker)
    row = SpeakerQuote.objects.get(annotation=quote)
    # As rows saved before the rule: the controls written by raw SQL.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE entities_speakerquote SET speaker_name = %s WHERE id = %s", [f"{RLO}بايدن\u2067", row.pk])
        cursor.execute("UPDATE entities_entity SET name = %s WHERE id = %s", [f"بايدن{RLO}", row.entity_id])
    # The speaker pages do not wait for the migration: they show the names without the controls.
    for url in (reverse("entities:speaker", args=[row.entity_id]), reverse("entities:speakers")):
        page = client.get(url).content.decode()
        assert "بايدن" in page and RLO not in page and "\u2067" not in page, url
    for _ in range(2):  # idempotent
        run_migration_sql("entities.migrations.0008_neutralise_bidi")
        assert SpeakerQuote.objects.get(pk=row.pk).speaker_name == "بايدن"
        assert Entity.objects.get(pk=row.entity_id).name == "بايدن"
