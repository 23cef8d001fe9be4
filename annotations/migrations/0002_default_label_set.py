"""Create the default Arabic news label set.

Codes follow ANERcorp's classes (PER, ORG, LOC, MISC) so that annotations can
train and be evaluated against it; countries and cities are LOC, as there.
Shortcuts are digits because letter keys differ between Arabic and Latin
keyboard layouts.
"""

from django.db import migrations

LABELS = [
    ("PER", "شخص", "Person", "#f2994a", "1"),
    ("ORG", "منظمة", "Organisation", "#56ccf2", "2"),
    ("LOC", "مكان", "Place", "#6fcf97", "3"),
    ("EVENT", "حدث", "Event", "#bb6bd9", "4"),
    ("MISC", "أخرى", "Other", "#f2c94c", "5"),
]


def create(apps, schema_editor):
    LabelSet = apps.get_model("annotations", "LabelSet")
    Label = apps.get_model("annotations", "Label")
    label_set, _ = LabelSet.objects.get_or_create(
        name="أخبار عربية",
        defaults={"description": "Default Arabic news entities / كيانات الأخبار العربية", "is_default": True},
    )
    for order, (code, name_ar, name_en, color, shortcut) in enumerate(LABELS):
        Label.objects.get_or_create(
            label_set=label_set,
            code=code,
            defaults={"name_ar": name_ar, "name_en": name_en, "color": color, "shortcut": shortcut, "order": order},
        )


def remove(apps, schema_editor):
    apps.get_model("annotations", "LabelSet").objects.filter(name="أخبار عربية").delete()


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
