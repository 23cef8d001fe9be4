"""The parameters of the entity, speaker and quote pages, shared by the pages and the API.

Bad values get a message (a query with no word, a query that is too long, an
unknown type, dates the wrong way round); a bad page number or sort falls back
to the default, as on the search page.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from entities.quote_selectors import QUOTE_TYPES, QuoteFilter
from entities.lists import FREQUENCY, NAME
from newsreader.textsearch.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from newsreader.ids import parse_page

# The earliest year the quote filters offer (the archive's news starts later).
FIRST_YEAR = 2000
TOO_LONG = _("Too long: at most %(limit_value)d characters, it has %(show_value)d.")


class _PagedForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1)
    defaults: dict[str, tuple[str, tuple]] = {}

    def full_clean(self):
        # A bad page number or choice is not worth an error message: use the default.
        if self.is_bound:
            data = self.data.copy()
            value = data.get("page", "")
            data["page"] = str(parse_page(value))
            for name, (default, allowed) in self.defaults.items():
                if data.get(name, "") not in allowed:
                    data[name] = default
            self.data = data
        super().full_clean()

    @property
    def page_value(self) -> int:
        return (self.cleaned_data.get("page") if self.is_bound and self.is_valid() else None) or 1


def _words_field(label):
    return forms.CharField(
        label=label, required=False, max_length=MAX_QUERY_LENGTH, error_messages={"max_length": TOO_LONG}
    )


def _check_words(value: str) -> str:
    value = value.strip()
    if value and not parse_query(value):
        raise forms.ValidationError(
            _("Type a word or a name (punctuation alone is ignored)."), code="no_words"
        )
    return value


class EntityListForm(_PagedForm):
    """``q`` (words of a name), ``label`` (a code), ``sort`` (frequency or name), ``page``."""

    q = _words_field(_("Name"))
    label = forms.CharField(label=_("Label"), required=False, max_length=16)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(FREQUENCY, _("Most mentioned")), (NAME, _("Name"))]
    )
    defaults = {"sort": (FREQUENCY, (FREQUENCY, NAME))}

    def clean_q(self) -> str:
        return _check_words(self.cleaned_data["q"])

    def clean_label(self) -> str:
        return self.cleaned_data["label"].strip().upper()


class SpeakerListForm(_PagedForm):
    q = _words_field(_("Name"))

    def clean_q(self) -> str:
        return _check_words(self.cleaned_data["q"])


class QuoteSearchForm(_PagedForm):
    """``speaker`` (words of a name, or an entity id), ``q`` (words of the quote), ``type``, ``from``, ``to``, ``page``."""

    speaker = _words_field(_("Speaker"))
    q = _words_field(_("Words"))
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any type")), ("direct", _("Direct")), ("indirect", _("Indirect")), ("partial", _("Partial"))],
        error_messages={"invalid_choice": _("The type is direct, indirect or partial.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" and "to" are Python keywords, so these two are added by name.
        # Day, month (named in the page's language) and year selects: <input type="date"> shows the
        # browser's own format (mm/dd/yyyy in an English browser) whatever the page's language.
        # ?from=YYYY-MM-DD (links, the API) still works: the widget falls back to the plain value.
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.SelectDateWidget(
                    years=range(date.today().year, FIRST_YEAR - 1, -1),
                    empty_label=(_("Year"), _("Month"), _("Day")),
                    attrs={"id": f"quotes-{name}"},
                ),
                error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
            )

    def clean_speaker(self) -> str:
        return _check_words(self.cleaned_data["speaker"])

    def clean_q(self) -> str:
        return _check_words(self.cleaned_data["q"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date is before the start date."))
        return cleaned

    @property
    def query(self) -> ParsedQuery | None:
        q = self.cleaned_data.get("q") or ""
        return parse_query(q) if q else None

    def quote_filter(self, entity_ids: tuple[int, ...] | None) -> QuoteFilter:
        quote_type = self.cleaned_data.get("type") or ""
        return QuoteFilter(
            entity_ids=entity_ids,
            query=self.query,
            quote_type=quote_type if quote_type in QUOTE_TYPES else "",
            date_from=self.cleaned_data.get("from"),
            date_to=self.cleaned_data.get("to"),
        )


class SpeakerQuotesForm(QuoteSearchForm):
    """The quote search within one speaker's page (no ``speaker`` field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["speaker"]
