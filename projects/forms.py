"""Parameters of the project pages' forms (validation only; the rules are in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from newsreader.models import Source
from newsreader.ids import parse_id


class AddArticlesForm(forms.Form):
    """Which articles to add: by source, publication dates, words of the text, or ids (e.g. from an import)."""

    source = forms.ModelChoiceField(Source.objects.all(), required=False, to_field_name="slug", label=_("Source"))
    date_from = forms.DateField(required=False, label=_("Published from"))
    date_to = forms.DateField(required=False, label=_("Published until"))
    q = forms.CharField(required=False, max_length=200, label=_("Words of the text"))
    ids = forms.CharField(required=False, max_length=20000, label=_("Article ids (comma-separated)"))

    def clean_ids(self) -> list[int] | None:
        raw = self.cleaned_data["ids"].replace("،", ",").strip()
        if not raw:
            return None
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        bad = next((p for p in parts if parse_id(p) is None), None)
        if bad is not None:
            raise forms.ValidationError(_("%(value)s is not an article id."), params={"value": bad}, code="invalid")
        return [int(p) for p in parts]

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("source", "date_from", "date_to", "q", "ids")):
            raise forms.ValidationError(_("Choose articles: a source, dates, words or ids."), code="required")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", forms.ValidationError(_("The end date is before the start date."), code="invalid"))
        return data
