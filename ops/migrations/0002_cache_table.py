"""Create the database cache table(s) of CACHES with the schema, so that `migrate` is enough.

Runs `createcachetable`, which does nothing for caches that are not
DatabaseCache (Redis, local memory) and for tables that exist. When CACHE_URL
changes later, `manage.py predeploy` (or `createcachetable`) creates the new table.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
