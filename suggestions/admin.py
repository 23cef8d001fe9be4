from django.contrib import admin

from suggestions.models import CrfModelVersion


@admin.register(CrfModelVersion)
class CrfModelVersionAdmin(admin.ModelAdmin):
    """Trained CRF versions, read only (the retraining task makes them)."""

    list_display = ("version", "trained_at", "n_annotations", "n_sentences", "n_tokens", "training_seconds")
    readonly_fields = [f.name for f in CrfModelVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
