"""The admin: sources, articles, their revision history, file upload and text editing.

Article text is never edited in place here either: the change form edits only
an article's metadata; its text has its own page ("Edit text") that makes a new
revision through :func:`~newsreader.services.articles.article_revise`, and new
articles are written or uploaded through the same services as the importer.
"""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminEmailInputWidget, AdminURLFieldWidget
from django.core.exceptions import PermissionDenied
from django.contrib.admin.utils import NestedObjects
from django.db import models, router, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsreader.forms import ArticleCreateForm, ArticleTextForm, ImportUploadForm
from newsreader.importers.base import direction_for
from newsreader.importers.datelines import find_dateline
from newsreader.models import Article, ArticleRevision, Source
from newsreader.services.articles import article_revise, article_save
from newsreader.services.imports import CREATED, REVISED, UNCHANGED, ArticleImportError, FileResult, import_file

admin.site.site_header = _("Newsreader administration")
admin.site.site_title = _("Newsreader")
admin.site.index_title = _("Articles, sources and users")
# The apps' sidebar took a fifth of a 1280 px screen from every list (titles were
# squeezed to a word or two a line); the index and the breadcrumbs lead to every list.
admin.site.enable_nav_sidebar = False

# Reasons the services record, shown translated (stored text stays as it is).
REASONS = {"import": _("imported"), "re-import": _("re-imported with new text"), "edit": _("edited")}


def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason)


# Django 6 makes https the default scheme of URL form fields; choose it now.
# Addresses and e-mail are left-to-right text: in a right-to-left field "https://"
# would be cut and reordered.
URL_FIELDS = {
    models.URLField: {"assume_scheme": "https", "widget": AdminURLFieldWidget(attrs={"dir": "ltr"})},
    models.EmailField: {"widget": AdminEmailInputWidget(attrs={"dir": "ltr"})},
}


def language_name(code: str) -> str:
    """A language code as staff read it ("ar" is "العربية" in Arabic); unknown codes stay as they are."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


class LanguageListFilter(admin.SimpleListFilter):
    """By language, with language names instead of codes; only languages in use are offered."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by("language").values_list("language", flat=True).distinct()
        return [(code, language_name(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "link", "language_display", "article_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = URL_FIELDS
    list_filter = [LanguageListFilter]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("web address"), ordering="url")
    def link(self, obj):
        return format_html('<bdi dir="ltr">{}</bdi>', obj.url) if obj.url else "—"

    @admin.display(description=_("language"), ordering="language")
    def language_display(self, obj):
        return language_name(obj.language)

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        url = reverse("admin:newsreader_article_changelist") + f"?source__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.article_count)


class RevisionInline(admin.TabularInline):
    """The revision history, read-only: revisions are made by services, never here."""

    model = ArticleRevision
    fk_name = "article"
    fields = ["number", "short_title", "word_count", "why", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("revision history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("title"))
    def short_title(self, obj):
        return Truncator(obj.title).chars(80)

    @admin.display(description=_("reason"))
    def why(self, obj):
        return reason_label(obj.reason)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "source", "published_on", "dateline", "revision_number", "updated_at"]
    list_display_links = ["headline"]
    list_filter = ["source", "published_on", LanguageListFilter]
    date_hierarchy = "published_on"
    search_fields = ["current_revision__title", "current_revision__body"]
    search_help_text = _("Searches the current title and body.")
    list_select_related = ["source", "current_revision"]
    list_per_page = 50
    autocomplete_fields = ["source"]
    readonly_fields = ["text_preview", "current_revision", "content_hash", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["source", "published_on", "dateline", "author", "source_url"]}),
        (_("Text"), {"fields": ["text_preview"]}),
        (_("Language and labels"), {"fields": ["language", "direction", "label_set"], "classes": ["collapse"]}),
        (_("Bookkeeping"), {"fields": ["current_revision", "content_hash", "created_at", "updated_at"],
                            "classes": ["collapse"]}),  # fmt: skip
    ]
    inlines = [RevisionInline]
    formfield_overrides = URL_FIELDS

    # --- list ---------------------------------------------------------------
    @admin.display(description=_("title"), ordering="current_revision__title")
    def headline(self, obj):
        return Truncator(obj.title).chars(100) or f"#{obj.pk}"

    @admin.display(description=_("revision"), ordering="current_revision__number")
    def revision_number(self, obj):
        return obj.current_revision.number if obj.current_revision_id else "—"

    @admin.display(description=_("current text"))
    def text_preview(self, obj):
        if not obj.current_revision_id:
            return "—"
        revision = obj.current_revision
        return format_html(
            '<div dir="rtl" lang="ar" class="article-text-preview"><strong>{}</strong><p>{}</p>'
            '<p>{}</p></div><p><a class="button" href="{}">{}</a> <a href="{}">{}</a></p>',
            revision.title,
            revision.subtitle,
            Truncator(revision.body).words(60),
            reverse("admin:newsreader_article_text", args=[obj.pk]),
            _("Edit text (new revision)"),
            reverse("admin:newsreader_article_revisions", args=[obj.pk]),
            _("Revision history with changes"),
        )

    # --- deleting -----------------------------------------------------------
    # Article.current_revision protects its revision, so an article must let go
    # of it before the article (and with it every revision) can be deleted.
    def delete_model(self, request, obj):
        with transaction.atomic():
            Article.objects.filter(pk=obj.pk).update(current_revision=None)
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            queryset.update(current_revision=None)
            queryset.delete()

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # An article "protecting" its own current revision is no obstacle
            # (delete_model lets go of it first); anything else still is.
            collector = NestedObjects(using=router.db_for_write(Article))
            collector.collect(list(objs))
            pks = {o.pk for o in objs}
            if all(isinstance(o, Article) and o.pk in pks for o in collector.protected):
                protected = []
        return deleted, model_count, perms_needed, protected

    # --- extra pages --------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="newsreader_article_import"),
            path("<int:pk>/text/", view(self.text_view), name="newsreader_article_text"),
            path("<int:pk>/revisions/", view(self.revisions_view), name="newsreader_article_revisions"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
            **extra,
        }

    def import_view(self, request):
        """Upload files and import them with the same importer as ``import_articles``."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        results: list[FileResult] = []
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                results = _import_uploads(form.cleaned_data["files"], form.cleaned_data["source"], request.user)
                _report(request, results)
                form = ImportUploadForm(initial={"source": form.cleaned_data["source"]})
        else:
            form = ImportUploadForm()
        context = self._context(
            request,
            _("Import articles"),
            form=form,
            results=results,
            totals={
                "created": sum(r.count(CREATED) for r in results),
                "unchanged": sum(r.count(UNCHANGED) for r in results),
                "revised": sum(r.count(REVISED) for r in results),
                "failed": sum(1 for r in results if not r.ok),
            },
        )
        return TemplateResponse(request, "admin/newsreader/article/import.html", context)

    def add_view(self, request, form_url="", extra_context=None):
        """A new article is written as text and saved by the article service."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ArticleCreateForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                document = data["document"]
                result = article_save(
                    source=data["source"],
                    title=document.title,
                    subtitle=document.subtitle,
                    caption=document.caption,
                    body=list(document.paragraphs),
                    published_on=data["published_on"],
                    dateline=data["dateline"] or find_dateline(document.paragraphs[0]),
                    author=data["author"],
                    source_url=data["source_url"],
                    language=data["language"],
                    direction=direction_for(data["language"]),
                    user=request.user,
                )
                article = result.article
                if result.created:
                    self.log_addition(request, article, [{"added": {}}])
                    self.message_user(request, _("The article was created."), messages.SUCCESS)
                else:
                    self.message_user(
                        request, _("This article already exists; nothing was created."), messages.WARNING
                    )
                return HttpResponseRedirect(reverse("admin:newsreader_article_change", args=[article.pk]))
        else:
            form = ArticleCreateForm()
        context = self._context(request, _("Write an article"), form=form, add=True)
        return TemplateResponse(request, "admin/newsreader/article/text_form.html", context)

    def text_view(self, request, pk: int):
        """Edit an article's text: saving makes a new revision (the old one is kept)."""
        article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = article.current_revision
        if request.method == "POST":
            form = ArticleTextForm(request.POST)
            if form.is_valid():
                document = form.cleaned_data["document"]
                if document.text_hash == article.content_hash:
                    self.message_user(request, _("The text is unchanged; no revision was made."), messages.INFO)
                else:
                    new = article_revise(
                        article=article,
                        document=document,
                        user=request.user,
                        reason=form.cleaned_data["reason"] or "edit",
                    )
                    self.log_change(request, article, [{"changed": {"fields": ["text"]}}])
                    self.message_user(
                        request, _("Saved as revision %(number)d.") % {"number": new.number}, messages.SUCCESS
                    )
                return HttpResponseRedirect(reverse("admin:newsreader_article_change", args=[article.pk]))
        else:
            form = ArticleTextForm(
                initial={
                    "title": revision.title if revision else "",
                    "subtitle": revision.subtitle if revision else "",
                    "caption": revision.caption if revision else "",
                    "body": revision.body if revision else "",
                }
            )
        context = self._context(request, _("Edit text"), form=form, original=article, revision=revision)
        return TemplateResponse(request, "admin/newsreader/article/text_form.html", context)

    def revisions_view(self, request, pk: int):
        """Every revision of an article, newest first, with what changed from the one before."""
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("created_by").order_by("number"))
        entries, before = [], []
        for revision in revisions:
            lines = _revision_lines(revision)
            entries.append({
                "revision": revision,
                "reason": reason_label(revision.reason),
                "changes": _diff(before, lines) if before else None,
                "lines": lines,
            })  # fmt: skip
            before = lines
        entries.reverse()
        context = self._context(
            request, _("Revision history"), original=article, entries=entries, current=article.current_revision_id
        )
        return TemplateResponse(request, "admin/newsreader/article/revisions.html", context)


def _revision_lines(revision: ArticleRevision) -> list[tuple[str, str]]:
    """The revision's text as (kind, text) lines, one per block of the offset contract."""
    return [(block["kind"], revision.text[block["start"] : block["end"]]) for block in revision.blocks]


def _diff(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> list[dict]:
    """Lines added, removed and kept between two revisions (kept runs are shortened)."""
    changes = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes.append({"op": "same", "count": a2 - a1})
            continue
        changes += [{"op": "removed", "kind": k, "text": t} for k, t in before[a1:a2]]
        changes += [{"op": "added", "kind": k, "text": t} for k, t in after[b1:b2]]
    return changes


def _import_uploads(files, source_name: str, user) -> list[FileResult]:
    """Import uploaded files one by one through :func:`import_file` (a bad one stops nothing)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="newsreader-upload-") as folder:
        for n, upload in enumerate(files):
            name = Path(upload.name).name
            # The uploaded name (its extension) picks the format; the file on
            # disk gets a name of ours, so no uploaded name reaches the file system.
            target = Path(folder) / f"upload-{n:04d}"
            with open(target, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                results.append(import_file(target, source_name=source_name or None, user=user, name=name))
            except ArticleImportError as exc:
                results.append(exc.result or FileResult(name=name, error=exc))
    return results


def _report(request, results: list[FileResult]) -> None:
    """One message a file. File names and the (English) error details are
    isolated so that the Arabic page does not reorder them."""
    for result in results:
        if not result.ok:
            detail = _detail(result.error)
            messages.error(request, format_html('<bdi>{}</bdi>: <bdi dir="ltr">{}</bdi>', result.name, detail))
            continue
        # The translated template is trusted; the one uploaded value in it, the
        # file name, is escaped by format_html.
        summary = ngettext(
            "%(name)s: %(total)d article (%(created)d new, %(unchanged)d unchanged, %(revised)d revised).",
            "%(name)s: %(total)d articles (%(created)d new, %(unchanged)d unchanged, %(revised)d revised).",
            len(result.articles),
        ) % {
            "name": format_html("<bdi>{}</bdi>", result.name),
            "total": len(result.articles),
            "created": result.count(CREATED),
            "unchanged": result.count(UNCHANGED),
            "revised": result.count(REVISED),
        }
        messages.success(request, mark_safe(summary))  # noqa: S308


def _detail(error: ArticleImportError) -> str:
    return f"{error.location}: {error.reason}" if error.location else error.reason
