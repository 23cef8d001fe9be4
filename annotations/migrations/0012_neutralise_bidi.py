"""Neutralise bidi controls in notes, replies and speaker names saved before the rule (issue 14).

Since the rule (``arabic.clean.neutralise_bidi``) writes strip them and the API output too, but older
rows would still show them on the speaker pages and in the admin. One UPDATE per column; the WHERE
clause makes it touch only rows that have one (idempotent: a second run changes nothing), and the
regular expression is a constant, so PostgreSQL runs it as one sequential scan however big the table.
"""

from django.db import migrations

# The characters of arabic.clean._BIDI_CONTROLS (embeddings, overrides, isolates), as one class.
BIDI_CLASS = "[\u202a-\u202e\u2066-\u2069]"

COLUMNS = [
    ("annotations_annotation", "note"),
    ("annotations_annotation", "speaker_name"),
    ("annotations_reply", "text"),
]


def statements(columns):
    return [
        (f"UPDATE {table} SET {column} = regexp_replace({column}, %s, '', 'g') WHERE {column} ~ %s", [BIDI_CLASS, BIDI_CLASS])
        for table, column in columns
    ]


class Migration(migrations.Migration):
    dependencies = [("annotations", "0011_annotation_canonical_via")]

    operations = [migrations.RunSQL(statements(COLUMNS), reverse_sql=migrations.RunSQL.noop, elidable=True)]
