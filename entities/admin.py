"""Admin for entities: rename, merge (an action with a confirmation page) and split (an action on names).

Every change goes through :mod:`entities.services`; the derived rows
(mentions, quotes) are read-only here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from annotations.models import Label
from entities import services
from entities.models import Entity, EntityAlias, EntityRedirect
from newsreader.ids import parse_id


def _errors(exc: ValidationError) -> str:
    return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)


def label_names() -> dict[str, str]:
    """Label code -> "PER · شخص" (as annotations show labels); the default label set's names win."""
    return {label.code: str(label) for label in Label.objects.order_by("label_set__is_default", "-pk")}


class LabelCodeFilter(admin.SimpleListFilter):
    """By label, named as in the annotations ("PER · شخص"), not by the bare code; only labels in use."""

    title = _("label")
    parameter_name = "label"

    def lookups(self, request, model_admin):
        names = label_names()
        codes = model_admin.get_queryset(request).order_by("label").values_list("label", flat=True).distinct()
        return [(code, names.get(code, code or "—")) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(label=self.value()) if self.value() is not None else queryset


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    fields = ["label", "key", "created"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "label", "public_articles", "public_mentions", "public_quotes", "alias_count", "page_link"]
    list_filter = [LabelCodeFilter, "name_locked"]
    search_fields = ["name", "key", "aliases__key"]
    fields = ["name", "name_locked", "label", "key", "public_mentions", "public_articles", "public_quotes", "created", "updated"]
    readonly_fields = ["name_locked", "label", "key", "public_mentions", "public_articles", "public_quotes", "created", "updated"]
    inlines = [EntityAliasInline]
    actions = ["merge_entities"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_count=Count("aliases"))

    def has_add_permission(self, request):
        return False  # entities come from annotations

    # Django heads an "id" column with the untranslatable "ID".
    @admin.display(description=_("number"), ordering="pk")
    def number(self, entity) -> int:
        return entity.pk

    @admin.display(description=_("names"), ordering="alias_count")
    def alias_count(self, entity) -> int:
        return entity.alias_count

    @admin.display(description=_("page"))
    def page_link(self, entity) -> str:
        return format_html('<a href="{}">{}</a>', entity.get_absolute_url(), _("view"))

    def save_model(self, request, obj, form, change):
        # Renaming is the only change: an empty name goes back to the automatic one.
        if "name" in form.changed_data:
            services.entity_rename(user=request.user, entity=obj.pk, name=form.cleaned_data["name"])

    @admin.action(description=_("Merge the selected entities into one"), permissions=["change"])
    def merge_entities(self, request, queryset):
        entities = list(queryset.order_by("-public_articles", "id"))
        if len(entities) < 2:
            self.message_user(request, _("Select at least two entities to merge."), messages.WARNING)
            return None
        if request.POST.get("apply"):
            target = request.POST.get("target", "")
            try:
                merged = services.entity_merge(
                    user=request.user, target=parse_id(target) or 0,
                    sources=[e.pk for e in entities if str(e.pk) != target],
                )  # fmt: skip
            except ValidationError as exc:
                self.message_user(request, _errors(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "Merged %(count)d entity into “%(name)s”.", "Merged %(count)d entities into “%(name)s”.", len(entities) - 1
                )
                % {"count": len(entities) - 1, "name": merged.name or merged.key},
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "entities/admin_merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge entities"),
                "entities": entities,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(EntityAlias)
class EntityAliasAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "entity", "created"]
    list_filter = [LabelCodeFilter]
    search_fields = ["key", "entity__name"]
    list_select_related = ["entity"]
    readonly_fields = ["entity", "label", "key", "created"]
    actions = ["split_off"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a name belongs to some entity: split it off instead

    @admin.action(description=_("Split the selected names off into a new entity"), permissions=["change"])
    def split_off(self, request, queryset):
        aliases = list(queryset)
        owners = {a.entity_id for a in aliases}
        if len(owners) != 1:
            self.message_user(request, _("Select names of one entity only."), messages.ERROR)
            return
        try:
            new = services.entity_split(user=request.user, entity=owners.pop(), alias_ids=[a.pk for a in aliases])
        except ValidationError as exc:
            self.message_user(request, _errors(exc), messages.ERROR)
            return
        self.message_user(
            request, _("The names now form entity %(id)d.") % {"id": new.pk}, messages.SUCCESS
        )


@admin.register(EntityRedirect)
class EntityRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_id", "entity", "merged_by", "created"]
    readonly_fields = ["old_id", "entity", "merged_by", "created"]
    search_fields = ["=old_id"]

    def has_add_permission(self, request):
        return False
