"""Index the articles that existed before search did.

Uses :func:`search.indexing.reindex_all`, which works on plain SQL and values
(no models), the same code ``manage.py search_reindex`` runs.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from search.indexing import reindex_all

    reindex_all(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_trigram"), ("newsreader", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
