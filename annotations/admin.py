"""Admin for label sets, groups, annotations and replies, with moderation actions.

Annotations are created and changed through the API and the reader (the
rules live in :mod:`annotations.services`), so here their text fields are
read-only; staff moderate with actions (hide, restore, delete) that call the
services. Notes and replies are plain text: the admin shows them through its
auto-escaping templates, never as HTML.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from annotations import services
from annotations.models import Annotation, Group, Label, LabelSet, Membership, Reply
from annotations.selectors import annotations_for_admin, replies_for_admin
from arabic.clean import neutralise_bidi


class LabelInline(admin.TabularInline):
    model = Label
    extra = 1
    fields = ["code", "name_ar", "name_en", "color", "shortcut", "order"]


@admin.register(LabelSet)
class LabelSetAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "label_codes"]
    search_fields = ["name"]
    inlines = [LabelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("labels")

    @admin.display(description=_("labels"))
    def label_codes(self, label_set) -> str:
        return ", ".join(label.code for label in label_set.labels.all())


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "label_set", "color", "shortcut", "order"]
    list_filter = ["label_set"]
    search_fields = ["code", "name_ar", "name_en"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created"]
    readonly_fields = ["created"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class ModerationActions:
    """hide / restore / delete for a changelist of annotations or replies."""

    # Django heads an "id" column with the untranslatable "ID".
    @admin.display(description=_("number"), ordering="pk")
    def number(self, obj) -> int:
        return obj.pk

    # Hiding and restoring change rows: the "change" permission, not just "view" (issue 14).
    @admin.action(description=_("Hide selected (moderation)"), permissions=["change"])
    def hide(self, request, queryset):
        count = self._set_hidden(queryset, True)
        self.message_user(request, ngettext("%d hidden.", "%d hidden.", count) % count, messages.SUCCESS)

    @admin.action(description=_("Restore selected (un-hide)"), permissions=["change"])
    def restore(self, request, queryset):
        count = self._set_hidden(queryset, False)
        self.message_user(request, ngettext("%d restored.", "%d restored.", count) % count, messages.SUCCESS)


@admin.register(Annotation)
class AnnotationAdmin(ModerationActions, admin.ModelAdmin):
    list_display = [
        "number", "kind", "label", "exact_preview", "article_title", "creator", "status", "visibility", "orphaned",
        "hidden", "note_preview", "modified",
    ]  # fmt: skip
    list_filter = [
        "kind",
        "status",
        "visibility",
        "orphaned",
        "hidden",
        ("label", admin.RelatedOnlyFieldListFilter),
        ("creator", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
        ("group", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["exact", "note", "speaker_name", "creator__username"]
    list_select_related = ["label", "article__current_revision", "creator"]
    date_hierarchy = "created"
    actions = ["hide", "restore", "delete_annotations"]
    readonly_fields = [
        "article", "revision", "kind", "start", "end", "exact", "prefix", "suffix", "label", "speaker",
        "speaker_name", "cue_start", "cue_end", "quote_type", "note", "creator", "created", "modified", "modified_by",
        "version", "status", "suggester", "confidence", "visibility", "group", "orphaned", "orphaned_at", "hidden",
        "hidden_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["article", "revision", "kind", ("start", "end"), "exact", ("prefix", "suffix")]}),
        (_("Entity"), {"fields": ["label"]}),
        (_("Quote"), {"fields": ["speaker", "speaker_name", ("cue_start", "cue_end"), "quote_type"]}),
        (_("Who and when"), {"fields": ["creator", "created", "modified", "modified_by", "version", "note"]}),
        (_("Status"), {"fields": ["status", "suggester", "confidence", "visibility", "group"]}),
        (_("Moderation"), {"fields": [("orphaned", "orphaned_at"), ("hidden", "hidden_at")]}),
    ]

    def has_add_permission(self, request):
        return False  # annotations are made in the reader or through the API

    def get_queryset(self, request):
        # Private annotations stay private here too: their creator's and superusers' only.
        return annotations_for_admin(request.user, super().get_queryset(request))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # ours keeps quotes' speaker names
        return actions

    @admin.display(description=_("text"))
    def exact_preview(self, annotation) -> str:
        return truncatechars(annotation.exact, 60)

    @admin.display(description=_("article"), ordering="article")
    def article_title(self, annotation) -> str:
        return truncatechars(str(annotation.article), 60)

    @admin.display(description=_("note"))
    def note_preview(self, annotation) -> str:
        # Rows saved before the bidi rule may still hold controls (migration 0012 removes them).
        return truncatechars(neutralise_bidi(annotation.note), 60)

    def _set_hidden(self, queryset, hidden: bool) -> int:
        return services.annotations_moderate(annotation_ids=list(queryset.values_list("pk", flat=True)), hidden=hidden)

    @admin.action(description=_("Delete selected annotations (and their replies)"), permissions=["delete"])
    def delete_annotations(self, request, queryset):
        count = services.annotations_delete_many(annotation_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ngettext("%d deleted.", "%d deleted.", count) % count, messages.SUCCESS)


@admin.register(Reply)
class ReplyAdmin(ModerationActions, admin.ModelAdmin):
    list_display = ["number", "annotation", "author", "text_preview", "hidden", "created"]
    list_filter = ["hidden", "created"]
    search_fields = ["text", "author__username"]
    list_select_related = ["annotation__label", "author"]
    raw_id_fields = ["annotation", "parent"]
    readonly_fields = ["annotation", "parent", "author", "text", "created", "modified"]
    actions = ["hide", "restore", "delete_selected"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Replies on somebody else's private annotation are as private as it is.
        return replies_for_admin(request.user, super().get_queryset(request))

    @admin.display(description=_("text"))
    def text_preview(self, reply) -> str:
        return truncatechars(neutralise_bidi(reply.text), 80)

    def _set_hidden(self, queryset, hidden: bool) -> int:
        return queryset.exclude(hidden=hidden).update(hidden=hidden)
