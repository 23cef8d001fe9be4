"""Forms of the admin's import and text-editing pages (the reading pages have none)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from newsreader.importers import EXTENSIONS
from newsreader.models import Article, Source


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("Plain text (.txt), JSON (.json), JSON Lines (.jsonl) or web pages (.html). Several at once."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=Source._meta.get_field("name").max_length,
        help_text=_("For articles whose file does not name their source (plain-text files)."),
    )


def _text_area(rows: int) -> forms.Textarea:
    # Article text is Arabic whatever the interface language.
    return forms.Textarea(attrs={"rows": rows, "dir": "rtl", "class": "vLargeTextField"})


class ArticleTextForm(forms.Form):
    """The parts of an article's text; saving makes a new revision."""

    title = forms.CharField(label=_("Title"), widget=_text_area(2))
    subtitle = forms.CharField(label=_("Lede"), required=False, widget=_text_area(3))
    caption = forms.CharField(
        label=_("Image caption"),
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "class": "vLargeTextField"}),
    )
    body = forms.CharField(
        label=_("Body"),
        help_text=_("One paragraph a line; blank lines are ignored."),
        widget=_text_area(24),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
        help_text=_("Shown in the revision history, e.g. “fixed a typo in paragraph 3”."),
    )

    def clean(self):
        from newsreader.document import compose

        data = super().clean()
        if self.errors:
            return data
        document = compose(
            title=data["title"], subtitle=data.get("subtitle", ""), caption=data.get("caption", ""), body=data["body"]
        )
        if not document.title:
            self.add_error("title", _("The title cannot be empty."))
        if not document.paragraphs:
            self.add_error("body", _("The body needs at least one paragraph."))
        data["document"] = document
        return data


class ArticleCreateForm(ArticleTextForm):
    """A new article written in the admin: its metadata and its first text."""

    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.all())
    published_on = forms.DateField(
        label=_("Publication date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dateline = forms.CharField(
        label=_("Dateline"),
        required=False,
        max_length=Article._meta.get_field("dateline").max_length,
        help_text=_("Left empty: taken from the start of the first paragraph (e.g. “واشنطن –”)."),
    )
    author = forms.CharField(label=_("Author"), required=False, max_length=Article._meta.get_field("author").max_length)
    source_url = forms.URLField(
        label=_("Source URL"),
        required=False,
        max_length=Article._meta.get_field("source_url").max_length,
        assume_scheme="https",
    )
    language = forms.CharField(label=_("Language"), initial="ar", max_length=12)
    reason = None  # the first revision's reason is always "created in the admin"

    field_order = ["source", "published_on", "dateline", "author", "source_url", "language",
                   "title", "subtitle", "caption", "body"]  # fmt: skip
