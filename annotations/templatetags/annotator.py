"""``{% annotator_config article revision as config %}``: what the annotator needs to start.

The article page renders it with ``{{ config|json_script:"annotator-config" }}``
(templates/annotations/_annotator.html); ``static/js/annotator/main.js`` reads it.
Only what this reader may know goes in: the label set (public), the API and
live-update URLs, the live position, and for a signed-in reader their own
name, staff flag, groups and roles and CSRF token. Annotations themselves are
never embedded: the page fetches them through the API, where visibility is
applied (:func:`annotations.selectors.annotations_visible_to`).

Queries: one for the labels, one for the live position, and for a signed-in
reader one for their groups.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from annotations.models import Label, Membership
from annotations.outbox import last_position

register = template.Library()


def _labels(article) -> tuple[dict | None, list[dict]]:
    """The article's label set (its own, else its source's, else the default one) in one query."""
    set_id = article.label_set_id or getattr(article.source, "label_set_id", None)
    labels = Label.objects.select_related("label_set").order_by("order", "code")
    labels = list(labels.filter(label_set_id=set_id) if set_id else labels.filter(label_set__is_default=True))
    if not labels:
        return None, []
    label_set = labels[0].label_set
    return (
        {"id": label_set.pk, "name": label_set.name},
        [
            {
                "id": label.pk,
                "code": label.code,
                "name_ar": label.name_ar,
                "name_en": label.name_en,
                "color": label.color,
                "shortcut": label.shortcut,
            }
            for label in labels
        ],
    )


def _user(request) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user_id=user.pk).select_related("group").order_by("group__name")
    return {
        "id": user.pk,
        "name": user.get_username(),
        "isStaff": user.is_staff,
        "groups": [{"id": m.group_id, "name": m.group.name, "role": m.role} for m in memberships],
    }


@register.simple_tag(takes_context=True)
def annotator_config(context, article, revision) -> dict:
    request = context["request"]
    label_set, labels = _labels(article)
    user = _user(request)
    here = request.get_full_path()
    signup = reverse("signup") + "?" + urlencode({"next": here}) if settings.ALLOW_SIGNUP else None
    return {
        "article": article.pk,
        "revision": revision.pk,
        "language": get_language(),
        "labelSet": label_set,
        "labels": labels,
        "user": user,
        "csrfToken": get_token(request) if user else None,
        "urls": {
            "annotations": reverse("article-annotations", args=[article.pk]),
            # "{id}" is replaced in the browser.
            "annotation": reverse("annotation-detail", args=[0]).replace("/0/", "/{id}/"),
            "replies": reverse("annotation-replies", args=[0]).replace("/0/", "/{id}/"),
            "moderation": reverse("annotation-moderation", args=[0]).replace("/0/", "/{id}/"),
            "trash": reverse("annotation-trash", args=[0]).replace("/0/", "/{id}/"),
            "restore": reverse("annotation-restore", args=[0]).replace("/0/", "/{id}/"),
            "proposals": reverse("annotation-proposals", args=[0]).replace("/0/", "/{id}/"),
            "proposalAccept": reverse("proposal-accept", args=[0]).replace("/0/", "/{id}/"),
            "proposalDecline": reverse("proposal-decline", args=[0]).replace("/0/", "/{id}/"),
            "reply": reverse("reply-detail", args=[0]).replace("/0/", "/{id}/"),
            # Suggestions (suggestions/urls.py): decide on one, compute them, accept a label's at once.
            "accept": reverse("suggestion-accept", args=[0]).replace("/0/", "/{id}/"),
            "reject": reverse("suggestion-reject", args=[0]).replace("/0/", "/{id}/"),
            "suggest": reverse("article-suggest", args=[article.pk]),
            "acceptAll": reverse("article-suggestions-accept-all", args=[article.pk]),
            "login": resolve_url(settings.LOGIN_URL) + "?" + urlencode({"next": here}),
            "signup": signup,
        },
        "live": {
            "url": reverse("live:article-events", args=[article.pk]),
            # Server-sent events need the ASGI server; under WSGI the page polls instead.
            "stream": hasattr(request, "scope"),
            # The whole log's position, not the article's: that would date its hidden changes (live/views.py).
            "last": last_position(),
        },
    }
