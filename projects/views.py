"""Project pages: queue, progress, agreement (+ CSV, disagreements), curation. Thin: rules in services,
queries in selectors, figures in :mod:`projects.agreement`, shaping for templates in :mod:`projects.presenters`."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from annotations.errors import AnnotationServiceError, Conflict, Forbidden, NotFound
from projects import presenters, selectors, services
from projects.forms import AddArticlesForm
from projects.models import Project, ProjectArticle
from newsreader.ids import parse_id


def _project(user, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("group", "label_set"), pk=pk)
    if not services.can_view(user, project):
        raise Http404("No such project.")
    return project


@require_safe
@login_required
def project_list(request):
    return render(
        request,
        "projects/project_list.html",
        {"projects": selectors.projects_for(request.user), "queue": selectors.queue(request.user)},
    )


@require_safe
@login_required
def project_detail(request, pk: int):
    project = _project(request.user, pk)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "progress": presenters.progress_view(selectors.progress(project)),
            "guidelines": presenters.markdown(project.guidelines),
            "entries": project.articles.select_related("article__current_revision").order_by("id"),
            "can_curate": services.can_curate(request.user, project),
            "can_manage": services.can_manage(request.user, project),
            "add_form": AddArticlesForm(),
        },
    )


@require_POST
@login_required
def project_add_articles(request, pk: int):
    """Add articles by source, dates, words or ids (managers), then back to the project page."""
    project = _project(request.user, pk)
    form = AddArticlesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("projects:detail", pk=pk)
    data = form.cleaned_data
    ids = data["ids"] if data["ids"] is not None else []
    if any(data.get(name) for name in ("source", "date_from", "date_to", "q")):
        picked = selectors.articles_matching(source=data["source"], date_from=data["date_from"], date_to=data["date_to"], query=data["q"])
        ids += list(picked.values_list("pk", flat=True))
    try:
        added = services.articles_add(user=request.user, project=project, articles=ids)
    except AnnotationServiceError as exc:
        messages.error(request, exc.message)
        return redirect("projects:detail", pk=pk)
    messages.success(request, ngettext("%(n)d article added.", "%(n)d articles added.", added) % {"n": added})
    return redirect("projects:detail", pk=pk)


@require_POST
@login_required
def project_assign(request, pk: int):
    """Assign every article its k annotators, least loaded first (managers)."""
    project = _project(request.user, pk)
    try:
        made = services.assign_round_robin(user=request.user, project=project)
    except AnnotationServiceError as exc:
        messages.error(request, exc.message)
        return redirect("projects:detail", pk=pk)
    messages.success(request, ngettext("%(n)d assignment made.", "%(n)d assignments made.", made) % {"n": made})
    return redirect("projects:detail", pk=pk)


def _entry(request, pk: int, article_id: int):
    try:
        return services.entry_for(user=request.user, project_id=pk, article_id=article_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _entry_action(request, pk: int, article_id: int, action):
    entry = _entry(request, pk, article_id)
    try:
        action(user=request.user, entry=entry)
    except AnnotationServiceError as exc:
        return HttpResponse(exc.message, status=409 if isinstance(exc, Conflict) else 404, content_type="text/plain")
    return entry


@require_POST
@login_required
def assignment_open(request, pk: int, article_id: int):
    """Start the assignment and go to the article (the reader page)."""
    result = _entry_action(request, pk, article_id, services.assignment_start)
    return result if isinstance(result, HttpResponse) else redirect("reader:article", pk=article_id)


@require_POST
@login_required
def assignment_finish(request, pk: int, article_id: int):
    result = _entry_action(request, pk, article_id, services.assignment_finish)
    return result if isinstance(result, HttpResponse) else redirect("projects:list")


@require_POST
@login_required
def assignment_reopen(request, pk: int, article_id: int):
    result = _entry_action(request, pk, article_id, services.assignment_reopen)
    return result if isinstance(result, HttpResponse) else redirect("projects:list")


def _report(project):
    docs, names = selectors.agreement_docs(project)
    return presenters.agreement_report(docs, selectors.labels_of(project)), docs


@require_safe
@login_required
def agreement(request, pk: int):
    project = _project(request.user, pk)
    report, docs = _report(project)
    metric = request.GET.get("metric", "overlap_f1")
    if metric not in presenters.METRICS:
        metric = "overlap_f1"
    return render(
        request,
        "projects/agreement.html",
        {
            "project": project,
            "metric": metric,
            "metrics": presenters.METRICS,
            "matrix": presenters.matrix(report, metric),
            "label_rows": presenters.label_rows(report),
            "documents": presenters.document_rows(report, selectors.article_titles(report.documents)),
        },
    )


@require_safe
@login_required
def agreement_csv(request, pk: int):
    project = _project(request.user, pk)
    report, _ = _report(project)
    response = HttpResponse(presenters.agreement_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"agreement-project-{project.pk}.csv")
    return response


@require_safe
@login_required
def disagreements(request, pk: int):
    """Where two annotators disagree (on one label or all), side by side, article by article."""
    project = _project(request.user, pk)
    a, b, label = request.GET.get("a", ""), request.GET.get("b", ""), request.GET.get("label") or None
    article = request.GET.get("article")
    docs, names = selectors.agreement_docs(project, article_ids=[pk] if (pk := parse_id(article)) else None)
    if a not in names.values() or b not in names.values():
        raise Http404("No such annotators in this project.")
    rows = presenters.disagreement_rows(docs, a, b, label)
    ids = [d["article"] for d in rows]
    rows = presenters.with_text(rows, selectors.article_texts(ids))
    titles = selectors.article_titles(ids)
    for row in rows:
        row["title"] = titles.get(row["article"], "")
    return render(request, "projects/disagreements.html", {"project": project, "a": a, "b": b, "label": label, "documents": rows})


@require_safe
@login_required
def curate(request, pk: int, article_id: int):
    project = get_object_or_404(Project, pk=pk)
    if not services.roles_of(request.user, project) & {services.Role.CURATOR, services.Role.MANAGER}:
        raise Http404("Only the project's curators curate.")
    entry = get_object_or_404(
        ProjectArticle.objects.select_related("article__current_revision"), project=project, article_id=article_id
    )
    entry.project = project
    clusters = services.curation_state(entry)
    return render(
        request,
        "projects/curate.html",
        {
            "project": project,
            "entry": entry,
            "revision": entry.article.current_revision,
            "blocks": presenters.blocks(entry.article.current_revision),
            "curation": presenters.curation_data(entry, clusters),
            "guidelines": presenters.markdown(project.guidelines),
            "settled": sum(1 for c in clusters if c.decision is not None and not c.changed),
            "total": len(clusters),
        },
    )


def _json_error(exc: AnnotationServiceError) -> JsonResponse:
    status = 409 if isinstance(exc, Conflict) else 403 if isinstance(exc, Forbidden) else 404
    return JsonResponse({"errors": [{"field": exc.field, "message": exc.message, "code": exc.code}]}, status=status)


@require_POST
@login_required
def curate_start(request, pk: int, article_id: int):
    entry = _entry(request, pk, article_id)
    try:
        services.curation_start(user=request.user, entry=entry)
    except AnnotationServiceError as exc:
        return _json_error(exc)
    return redirect(reverse("projects:curate", args=[pk, article_id]))


@require_POST
@login_required
def curate_decide(request, pk: int, article_id: int):
    """JSON ``{"kind", "start", "end", "choice": index or null}`` → the cluster's new state."""
    entry = _entry(request, pk, article_id)
    try:
        data = json.loads(request.body or b"{}")
        kind, start, end, choice = data["kind"], int(data["start"]), int(data["end"]), data.get("choice")
        choice = None if choice is None else int(choice)
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"errors": [{"field": None, "message": 'Send JSON {"kind", "start", "end", "choice"}.', "code": "invalid"}]},
            status=400,
        )
    try:
        decision = services.curation_decide(user=request.user, entry=entry, kind=kind, start=start, end=end, choice=choice)
    except AnnotationServiceError as exc:
        return _json_error(exc)
    return JsonResponse(presenters.decision_data(decision, choice))


@require_POST
@login_required
def curate_finish(request, pk: int, article_id: int):
    entry = _entry(request, pk, article_id)
    try:
        services.curation_finish(user=request.user, entry=entry)
    except AnnotationServiceError as exc:
        return _json_error(exc)
    return redirect(reverse("projects:detail", args=[pk]))
