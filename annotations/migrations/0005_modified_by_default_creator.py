"""Annotations that never recorded who changed them last get their creator (the API's ``modified_by``)."""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    Annotation = apps.get_model("annotations", "Annotation")
    Annotation.objects.filter(modified_by__isnull=True, creator__isnull=False).update(modified_by=F("creator"))


class Migration(migrations.Migration):
    dependencies = [("annotations", "0004_restrict_revision_deletes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
