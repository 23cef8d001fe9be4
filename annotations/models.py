"""Label sets, labels and annotations.

Invariants that the database can hold (spans, uniqueness) are constraints here;
rules that need context (bounds against the text, permissions, overlap) live in
:mod:`annotations.services`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LabelSet(models.Model):
    """A named set of entity labels offered to annotators (per source or article)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used for articles whose source names no label set.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("label set")
        verbose_name_plural = _("label sets")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_label_set")
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    label_set = models.ForeignKey(LabelSet, verbose_name=_("label set"), on_delete=models.CASCADE, related_name="labels")
    code = models.CharField(_("code"), max_length=16, help_text=_("Short machine name, e.g. PER, ORG, LOC."))
    name_ar = models.CharField(_("Arabic name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#f2c94c",
        help_text=_("#rrggbb"),
    )
    shortcut = models.CharField(_("keyboard shortcut"), max_length=1, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["label_set", "order", "code"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.UniqueConstraint(fields=["label_set", "code"], name="label_unique_code"),
            models.UniqueConstraint(
                fields=["label_set", "shortcut"], condition=~Q(shortcut=""), name="label_unique_shortcut"
            ),
            models.CheckConstraint(condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="label_color_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name_ar}"
