"""The search parameters and their rules, shared by the results page and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from newsreader.models import Source
from newsreader.textsearch.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from search.selectors import DATE, RELEVANCE, SearchFilters
from newsreader.ids import parse_id, parse_page


def _label_choices():
    from annotations.models import Label

    return [(code, code) for code in Label.objects.values_list("code", flat=True).distinct()]


class SearchForm(forms.Form):
    """``q``, ``source`` (slugs, repeatable), ``from``, ``to``, ``label``, ``entity`` (repeatable), ``sort``, ``page``.

    ``q`` may be empty (the page then shows just the form); a query without any
    letter or digit, one longer than :data:`~newsreader.textsearch.query.MAX_QUERY_LENGTH`, an
    unknown source or a date range that ends before it starts are errors with a
    message. A bad page number or sort falls back to the default instead.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "Your search is too long: at most %(limit_value)d characters, it has %(show_value)d. "
                "Use a few distinctive words or a short phrase in quotation marks."
            ),
        },
    )
    source = forms.ModelMultipleChoiceField(
        label=_("Source"),
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("There is no source “%(value)s”.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[(RELEVANCE, _("Relevance")), (DATE, _("Newest first"))],
        required=False,
    )
    page = forms.IntegerField(required=False, min_value=1)
    # Articles where an entity of one of these labels is marked (codes, repeatable) and
    # that mention every one of these entities (ids, repeatable). Only annotations that
    # count for the user who searches decide (entities.search_filters.article_conditions).
    label = forms.MultipleChoiceField(
        label=_("Label"),
        required=False,
        choices=_label_choices,  # callable: read only when a label is asked for
        error_messages={"invalid_choice": _("There is no label “%(value)s”.")},
    )
    entity = forms.TypedMultipleChoiceField(
        label=_("Entity"),
        required=False,
        coerce=int,
        choices=(),
        error_messages={"invalid_choice": _("There is no entity “%(value)s”.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user  # whose annotations the label and entity filters may count
        super().__init__(*args, **kwargs)
        self.fields["entity"].valid_value = lambda value: parse_id(str(value)) is not None
        # "from" and "to" are Python keywords, so these two are added by name.
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")}
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")}
        )

    def full_clean(self):
        # A bad page number or sort is not worth an error page: use the default.
        if self.is_bound:
            data = self.data.copy()
            for name, default in (("page", "1"), ("sort", RELEVANCE)):
                value = data.get(name, "")
                if name == "page":
                    data[name] = str(parse_page(value))
                elif name == "sort" and value not in (RELEVANCE, DATE):
                    data[name] = default
            self.data = data
        super().full_clean()

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        if q and not parse_query(q):
            raise forms.ValidationError(
                _("Your search has no words to look for. Type a word or a name (punctuation alone is ignored)."),
                code="no_words",
            )
        return q

    def clean_entity(self) -> list[int]:
        wanted = self.cleaned_data["entity"]
        if wanted:
            from entities.models import Entity

            known = set(Entity.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            missing = [pk for pk in wanted if pk not in known]
            if missing:
                raise forms.ValidationError(
                    self.fields["entity"].error_messages["invalid_choice"], code="invalid_choice", params={"value": missing[0]}
                )
        return wanted

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date is before the start date."))
        return cleaned

    # --- Results of a valid form -------------------------------------------------
    @property
    def query(self) -> ParsedQuery:
        return parse_query(self.cleaned_data.get("q") or "")

    @property
    def filters(self) -> SearchFilters:
        from entities.search_filters import article_conditions

        sources = self.cleaned_data.get("source") or []
        return SearchFilters(
            source_ids=tuple(s.pk for s in sources),
            date_from=self.cleaned_data.get("from"),
            date_to=self.cleaned_data.get("to"),
            article_conditions=article_conditions(
                self.user, labels=self.cleaned_data.get("label") or (), entity_ids=self.cleaned_data.get("entity") or ()
            ),
        )

    @property
    def sort_value(self) -> str:
        return self.cleaned_data.get("sort") or RELEVANCE

    @property
    def page_value(self) -> int:
        return self.cleaned_data.get("page") or 1
