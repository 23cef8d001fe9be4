"""Admin for annotation projects: staff see every project, its people, articles and decisions.

Projects change through :mod:`projects.services` (who may manage, k and m, blind mode, the
round-robin balance, curation rules), so the admin is a window, not a second editor: it creates
and deletes nothing and its rows are read-only, except a project's name and guidelines (free
text that no rule depends on). What staff may *do* here goes through the services as actions,
with the "change" permission, so the admin can never make a state the pages could not.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from annotations.errors import AnnotationServiceError
from projects import services
from projects.models import Assignment, CurationDecision, Project, ProjectArticle, ProjectMember


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows are shown, never added, changed or deleted here (projects/services.py owns the rules)."""

    editable_fields: tuple[str, ...] = ()

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.get_fields() if f.concrete and not f.auto_created]
        return [name for name in names if name not in self.editable_fields] + list(self.readonly_fields)


def _title(article) -> str:
    # Article.title reads the current revision: callers select it with the row.
    return str(article)


class MemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    fields = ["user", "role"]
    readonly_fields = ["user", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "group", "label_set", "blind", "annotators_per_article", "agreement_needed", "article_count", "created"]
    list_filter = ["blind", "group"]
    search_fields = ["name", "group__name"]
    editable_fields = ("name", "guidelines")
    readonly_fields = ["page"]
    inlines = [MemberInline]
    actions = ["assign_round_robin"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group", "label_set").annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, project) -> int:
        return project.article_count

    @admin.display(description=_("project page"))
    def page(self, project) -> str:
        return format_html('<a href="{}">{}</a>', reverse("projects:detail", args=[project.pk]), project.name)

    def view_on_site(self, project) -> str:
        return reverse("projects:detail", args=[project.pk])

    @admin.action(description=_("Assign articles round-robin (k annotators each)"), permissions=["change"])
    def assign_round_robin(self, request, queryset):
        for project in queryset:
            try:
                made = services.assign_round_robin(user=request.user, project=project)
            except AnnotationServiceError as error:
                self.message_user(request, f"{project.name}: {error.message}", messages.ERROR)
            else:
                text = ngettext("%(project)s: %(count)d assignment made.", "%(project)s: %(count)d assignments made.", made)
                self.message_user(request, text % {"project": project.name, "count": made}, messages.SUCCESS)


@admin.register(ProjectArticle)
class ProjectArticleAdmin(ReadOnlyAdmin):
    list_display = ["article_title", "project", "curation", "curated_by", "curated_at", "annotator_count"]
    list_filter = ["curation", "project"]
    search_fields = ["article__current_revision__title", "project__name"]
    list_select_related = ["article__current_revision", "project", "curated_by"]

    @admin.display(description=_("article"), ordering="article_id")
    def article_title(self, entry) -> str:
        return _title(entry.article)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(annotator_count=Count("assignments"))

    @admin.display(description=_("annotators"), ordering="annotator_count")
    def annotator_count(self, entry) -> int:
        return entry.annotator_count


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["article_title", "project", "annotator", "status", "assigned_at", "started_at", "finished_at"]
    list_filter = ["status", "entry__project"]
    search_fields = ["annotator__username", "entry__article__current_revision__title"]
    list_select_related = ["entry__article__current_revision", "entry__project", "annotator"]

    @admin.display(description=_("article"), ordering="entry__article_id")
    def article_title(self, assignment) -> str:
        return _title(assignment.entry.article)

    @admin.display(description=_("project"), ordering="entry__project__name")
    def project(self, assignment) -> str:
        return assignment.entry.project.name


@admin.register(CurationDecision)
class CurationDecisionAdmin(ReadOnlyAdmin):
    list_display = ["article_title", "kind", "start", "end", "method", "annotation_id", "decided_by", "decided_at"]
    list_filter = ["method", "kind", "entry__project"]
    list_select_related = ["entry__article__current_revision", "decided_by"]

    @admin.display(description=_("article"), ordering="entry__article_id")
    def article_title(self, decision) -> str:
        return _title(decision.entry.article)
