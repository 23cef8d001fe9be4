"""``manage.py project_setup``: create an annotation project (or extend one), through the services.

    manage.py project_setup --name "Gold 2026" --group team --owner alice --label-set Default \\
        --annotators 2 --agree 2 [--blind] --annotator ali --annotator badr --curator cara \\
        [--source alarab] [--from 2021-01-01] [--to 2021-12-31] [--query بغداد] [--article 7 ...] [--assign]

An existing project of that name is extended (members, articles, assignments); ``--owner`` must be a
moderator or owner of the group (or staff).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.errors import AnnotationServiceError
from annotations.models import Group, LabelSet
from newsreader.models import Source
from projects import selectors, services
from projects.models import Project


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Create or extend an annotation project: members, articles (by source, dates, words or ids), assignments."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner", required=True, help="username of a moderator/owner of the group (or staff)")
        parser.add_argument("--group", help="group slug (new projects)")
        parser.add_argument("--label-set", help="label set name (new projects; default: the default set)")
        parser.add_argument("--guidelines", metavar="FILE", help="Markdown file of guidelines (new projects)")
        parser.add_argument("--annotators", type=int, default=2, help="k: annotators per article (new projects)")
        parser.add_argument("--agree", type=int, default=2, help="m: agreeing annotators for pre-merge (new projects)")
        parser.add_argument("--blind", action="store_true", help="blind annotation (new projects)")
        parser.add_argument("--annotator", action="append", default=[], metavar="USERNAME")
        parser.add_argument("--curator", action="append", default=[], metavar="USERNAME")
        parser.add_argument("--source", metavar="SLUG")
        parser.add_argument("--from", dest="date_from", type=_date)
        parser.add_argument("--to", dest="date_to", type=_date)
        parser.add_argument("--query", default="")
        parser.add_argument("--article", type=int, action="append", metavar="ID")
        parser.add_argument("--assign", action="store_true", help="assign round-robin, balanced")

    def handle(self, *args, **o):
        User = get_user_model()

        def user(name):
            found = User.objects.filter(username=name).first()
            if found is None:
                raise CommandError(f"No user {name!r}.")
            return found

        owner = user(o["owner"])
        try:
            project = Project.objects.filter(name=o["name"]).first()
            if project is None:
                group = Group.objects.filter(slug=o["group"] or "").first()
                if group is None:
                    raise CommandError("A new project needs --group (an existing group's slug).")
                label_set = (
                    LabelSet.objects.filter(name=o["label_set"]).first() if o["label_set"] else LabelSet.objects.filter(is_default=True).first()
                )
                if label_set is None:
                    raise CommandError(f"No label set {o['label_set']!r}.")
                guidelines = open(o["guidelines"], encoding="utf-8").read() if o["guidelines"] else ""
                project = services.project_create(
                    user=owner, name=o["name"], group=group, label_set=label_set, guidelines=guidelines, blind=o["blind"],
                    annotators_per_article=o["annotators"], agreement_needed=o["agree"],
                )  # fmt: skip
                self.stdout.write(f"created project {project.pk} {project.name!r}")
            for name in o["annotator"]:
                services.member_add(user=owner, project=project, member=user(name), role="annotator")
            for name in o["curator"]:
                services.member_add(user=owner, project=project, member=user(name), role="curator")
            source = None
            if o["source"]:
                source = Source.objects.filter(slug=o["source"]).first()
                if source is None:
                    raise CommandError(f"No source {o['source']!r}.")
            if source or o["date_from"] or o["date_to"] or o["query"]:
                picked = selectors.articles_matching(source=source, date_from=o["date_from"], date_to=o["date_to"], query=o["query"])
                self.stdout.write(f"added {services.articles_add(user=owner, project=project, articles=picked.values_list('pk', flat=True))} articles")
            if o["article"]:
                self.stdout.write(f"added {services.articles_add(user=owner, project=project, articles=o['article'])} articles")
            if o["assign"]:
                self.stdout.write(f"made {services.assign_round_robin(user=owner, project=project)} assignments")
        except AnnotationServiceError as exc:
            raise CommandError(exc.message) from exc
