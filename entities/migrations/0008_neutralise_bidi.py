"""Neutralise bidi controls in the speaker names the speaker pages show, saved before the rule (issue 14).

A quote's ``speaker_name`` is copied from its annotation (cleaned by annotations 0012 and on every
write since), and an entity known only from quotes takes its name from it. One UPDATE per column,
touching only rows that have a control (idempotent), the same as annotations 0012.
"""

import importlib

from django.db import migrations

_annotations = importlib.import_module("annotations.migrations.0012_neutralise_bidi")

COLUMNS = [
    ("entities_speakerquote", "speaker_name"),
    ("entities_entity", "name"),
]


class Migration(migrations.Migration):
    dependencies = [("entities", "0007_outbox_no_entity_pairs"), ("annotations", "0012_neutralise_bidi")]

    operations = [migrations.RunSQL(_annotations.statements(COLUMNS), reverse_sql=migrations.RunSQL.noop, elidable=True)]
