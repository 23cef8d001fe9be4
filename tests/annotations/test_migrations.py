"""Data migrations of the annotation app."""

import importlib

from django.apps import apps

from annotations.models import Annotation

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
