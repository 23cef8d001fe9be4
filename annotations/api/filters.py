"""Query-string filters of the annotation list (django-filter)."""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters.fields import IsoDateTimeField

from annotations.models import Annotation


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


class AnnotationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Annotation.Kind.choices)
    label = django_filters.CharFilter(method="filter_label", help_text="Label id or code (PER, LOC, ...).")
    creator = django_filters.CharFilter(method="filter_creator", help_text="User id or username.")
    group = django_filters.NumberFilter(field_name="group_id")
    status = django_filters.MultipleChoiceFilter(
        choices=Annotation.Status.choices, help_text="Repeat for several: ?status=suggested&status=accepted."
    )
    visibility = django_filters.ChoiceFilter(choices=Annotation.Visibility.choices)
    modified_since = UTCIsoDateTimeFilter(
        field_name="modified", lookup_expr="gte", help_text="ISO 8601; annotations changed at or after it."
    )
    orphaned = django_filters.BooleanFilter(help_text="true: only those whose text is gone; false: only live ones.")
    revision = django_filters.NumberFilter(field_name="revision_id")
    speaker = django_filters.NumberFilter(field_name="speaker_id", help_text="Quotes of this speaker entity.")
    hidden = django_filters.BooleanFilter(help_text="Moderators: hidden annotations of their groups.")
    ordering = django_filters.OrderingFilter(
        fields=(("start", "start"), ("modified", "modified"), ("created", "created")),
        help_text="start (reading order, the default), modified, created; prefix - for descending.",
    )

    class Meta:
        model = Annotation
        fields = ["kind", "label", "creator", "group", "status", "visibility", "orphaned", "revision", "speaker", "hidden"]

    def filter_label(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(label_id=int(value)) if value.isdigit() else Q(label__code=value.upper()))

    def filter_creator(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(creator_id=int(value)) if value.isdigit() else Q(creator__username=value))
