"""Query-string filters of the annotation list (django-filter)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters.fields import IsoDateTimeField

from annotations.models import Annotation
from newsreader.ids import parse_id


class _UTCIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 allows UTC offsets up to ±23:59, PostgreSQL only ±15:59: compare in UTC (a 400 when out of range)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(datetime.timezone.utc)
        except (OverflowError, ValueError):
            raise ValidationError("The date and time is out of range.", code="invalid") from None


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _UTCIsoDateTimeField


MAX_IDS = 100


class _IdListField(forms.CharField):
    """``1,2,3``: at most :data:`MAX_IDS` positive integers (a 400 naming ``ids`` otherwise)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parts = [part.strip() for part in value.split(",")]
        if not all(parse_id(part) for part in parts):
            raise ValidationError("ids must be annotation ids (positive integers) separated by commas.", code="invalid")
        ids = list(dict.fromkeys(int(part) for part in parts))
        if len(ids) > MAX_IDS:
            raise ValidationError(f"ids takes at most {MAX_IDS} annotation ids ({len(ids)} given).", code="max_length")
        if any(pk > 2**63 - 1 for pk in ids):
            raise ValidationError("ids must be annotation ids (positive integers) separated by commas.", code="invalid")
        return ids


class IdListFilter(django_filters.Filter):
    field_class = _IdListField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(pk__in=value)


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (django-filter's NumberFilter takes decimals such as 0.5)."""

    field_class = forms.IntegerField


class _StrictBooleanField(forms.CharField):
    """``true`` or ``false`` (an empty value: no filter); Django's NullBooleanField reads any other value as no filter."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if value.lower() not in ("true", "false"):
            raise ValidationError(f"Use true or false; got {value!r}.", code="invalid")
        return value.lower() == "true"


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField


class AnnotationFilter(django_filters.FilterSet):
    ids = IdListFilter(
        help_text=f"Only these annotations: ids separated by commas, at most {MAX_IDS} (e.g. 1,2,3); the ones you "
        "cannot see are left out."
    )
    kind = django_filters.ChoiceFilter(choices=Annotation.Kind.choices)
    label = django_filters.CharFilter(method="filter_label", help_text="Label id or code (PER, LOC, ...).")
    creator = django_filters.CharFilter(method="filter_creator", help_text="User id or username.")
    group = IdFilter(field_name="group_id")
    status = django_filters.MultipleChoiceFilter(
        choices=Annotation.Status.choices, help_text="Repeat for several: ?status=suggested&status=accepted."
    )
    visibility = django_filters.ChoiceFilter(choices=Annotation.Visibility.choices)
    modified_since = UTCIsoDateTimeFilter(
        field_name="modified", lookup_expr="gte", help_text="ISO 8601; annotations changed at or after it."
    )
    orphaned = StrictBooleanFilter(help_text="true: only those whose text is gone; false: only live ones.")
    revision = IdFilter(field_name="revision_id")
    speaker = IdFilter(field_name="speaker_id", help_text="Quotes of this speaker entity.")
    hidden = StrictBooleanFilter(help_text="Moderators: hidden annotations of their groups.")
    ordering = django_filters.OrderingFilter(
        fields=(("start", "start"), ("modified", "modified"), ("created", "created")),
        help_text="start (reading order, the default), modified, created; prefix - for descending.",
    )

    class Meta:
        model = Annotation
        fields = ["kind", "label", "creator", "group", "status", "visibility", "orphaned", "revision", "speaker", "hidden"]

    def filter_label(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(label_id=pk) if (pk := parse_id(value)) else Q(label__code=value.upper()))

    def filter_creator(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(creator_id=pk) if (pk := parse_id(value)) else Q(creator__username=value))
