from django.contrib import admin

from suggestions import services
from suggestions.models import CrfModelVersion


@admin.register(CrfModelVersion)
class CrfModelVersionAdmin(admin.ModelAdmin):
    """Trained CRF versions, read only (the retraining task makes them), and above them the neural tagger
    combined with the CRF (its status is otherwise in ``GET /api/suggesters/`` only)."""

    list_display = ("version", "trained_at", "n_annotations", "n_sentences", "n_tokens", "training_seconds")
    readonly_fields = [f.name for f in CrfModelVersion._meta.fields]
    change_list_template = "admin/suggestions/crfmodelversion/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # the same status (and reason text) as the API's crf suggester: services.neural_tagger_status
        extra_context = {**(extra_context or {}), "neural": services.neural_tagger_status()}
        return super().changelist_view(request, extra_context)
