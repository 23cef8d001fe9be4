"""Trigram index on the vocabulary, where the server offers ``pg_trgm``.

The embedded PostgreSQL has no contrib extensions, so this migration only
creates the extension (and the index) when ``pg_available_extensions`` lists it
and we are allowed to; otherwise it does nothing and :mod:`search.fuzzy` uses its
Python fallback. Re-running it later (after installing the extension) is done
with ``manage.py migrate search 0001 && manage.py migrate search``.
"""

from django.db import migrations, transaction

INDEX = "search_term_word_trgm"


def create_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')")
        if not cursor.fetchone()[0]:
            return
        try:
            # A savepoint: a refused CREATE EXTENSION (no privilege) must not
            # abort the migration's transaction.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - any refusal means "no trigram index"
            return
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_term USING gin (word gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    # The extension stays: other apps may use it.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
