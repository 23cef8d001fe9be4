"""Project pages: who sees them, what they show, the CSV, and the curation endpoints."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation
from projects import services
from projects.models import Assignment, ProjectArticle


def login(user, language="en") -> Client:
    # The site ignores Accept-Language (Arabic until the reader switches): the language cookie.
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def marked(team, project, articles, mark):
    article = articles[0]
    services.articles_add(user=team["owner"], project=project, articles=[article])
    entry = ProjectArticle.objects.get(project=project)
    services.assign(user=team["owner"], project=project, entry=entry, annotators=[team["ali"], team["badr"]])
    mark(team["ali"], article, "جو بايدن", "PER")
    mark(team["badr"], article, "جو بايدن", "PER")
    mark(team["ali"], article, "بغداد", "LOC")
    mark(team["badr"], article, "بغداد", "ORG")
    return entry


def test_pages_are_for_project_members(team, project, marked):
    for name, args in (("detail", [project.pk]), ("agreement", [project.pk]), ("agreement-csv", [project.pk])):
        assert login(team["stranger"]).get(reverse(f"projects:{name}", args=args)).status_code == 404
        assert login(team["ali"]).get(reverse(f"projects:{name}", args=args)).status_code == 200
    assert Client().get(reverse("projects:list")).status_code == 302  # to the login page
    curate = reverse("projects:curate", args=[project.pk, marked.article_id])
    assert login(team["ali"]).get(curate).status_code == 404
    assert login(team["curator"]).get(curate).status_code == 200


def test_queue_open_finish_reopen(team, project, marked):
    client = login(team["ali"])
    page = client.get(reverse("projects:list")).content.decode()
    assert "مشروع" in page and reverse("projects:open", args=[project.pk, marked.article_id]) in page
    response = client.post(reverse("projects:open", args=[project.pk, marked.article_id]))
    assert response.status_code == 302 and response["Location"] == reverse("reader:article", args=[marked.article_id])
    assert Assignment.objects.get(entry=marked, annotator=team["ali"]).status == "started"
    client.post(reverse("projects:finish", args=[project.pk, marked.article_id]))
    assert Assignment.objects.get(entry=marked, annotator=team["ali"]).status == "finished"
    client.post(reverse("projects:reopen", args=[project.pk, marked.article_id]))
    assert Assignment.objects.get(entry=marked, annotator=team["ali"]).status == "started"
    services.curation_start(user=team["curator"], entry=marked)
    client.post(reverse("projects:finish", args=[project.pk, marked.article_id]))
    response = client.post(reverse("projects:reopen", args=[project.pk, marked.article_id]))
    assert response.status_code == 409


def test_progress_page_has_bars_and_chart(team, project, marked):
    page = login(team["owner"]).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "<svg" in page and "<progress" in page and "<h1>Guidelines</h1>" in page
    assert ">ali<" in page


def test_agreement_page_and_csv(team, project, marked):
    page = login(team["curator"]).get(reverse("projects:agreement", args=[project.pk])).content.decode()
    # ali and badr: exact 1 of 2+2 -> 0.5; overlap 1 too (Baghdad has two labels) -> 0.5
    assert "0.500" in page
    drill = reverse("projects:disagreements", args=[project.pk]) + "?a=ali&amp;b=badr"
    assert drill in page
    response = login(team["curator"]).get(reverse("projects:agreement-csv", args=[project.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    pair_all = next(r for r in rows if r["scope"] == "pair" and r["label"] == "*")
    assert (pair_all["annotator_a"], pair_all["annotator_b"], pair_all["exact_f1"]) == ("ali", "badr", "0.500000")
    assert any(r["scope"] == f"article:{marked.article_id}" for r in rows)


def test_disagreements_side_by_side(team, project, marked):
    url = reverse("projects:disagreements", args=[project.pk])
    page = login(team["curator"]).get(url, {"a": "ali", "b": "badr"}).content.decode()
    assert 'class="mark-a">بغداد<' in page and 'class="mark-b">بغداد<' in page and ">label<" in page
    assert reverse("reader:article", args=[marked.article_id]) in page
    assert login(team["curator"]).get(url, {"a": "ali", "b": "nobody"}).status_code == 404


def test_curation_endpoints(team, project, marked):
    client = login(team["curator"])
    base = [project.pk, marked.article_id]
    client.post(reverse("projects:curate-start", args=base))
    page = client.get(reverse("projects:curate", args=base)).content.decode()
    assert 'id="curation-data"' in page and "projects/curate.js" in page
    data = json.loads(page.split('id="curation-data" type="application/json">')[1].split("</script>")[0])
    baghdad = next(c for c in data["clusters"] if c["decision"] is None)
    assert {v["label"] for v in baghdad["variants"]} == {"LOC", "ORG"}
    decide = reverse("projects:curate-decide", args=base)
    body = {"kind": "entity", "start": baghdad["start"], "end": baghdad["end"], "choice": 1}
    response = client.post(decide, json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["method"] == "chosen"
    assert client.post(decide, "nonsense", content_type="application/json").status_code == 400
    assert login(team["ali"]).post(decide, json.dumps(body), content_type="application/json").status_code == 403
    response = client.post(reverse("projects:curate-finish", args=base))
    assert response.status_code == 302
    assert sorted(Annotation.objects.filter(status="curated").values_list("label__code", flat=True)) == sorted(
        ["PER", baghdad["variants"][1]["label"]]
    )


def test_managers_add_articles_and_assign_from_the_page(team, project, articles):
    client = login(team["owner"])
    url = reverse("projects:add-articles", args=[project.pk])
    response = client.post(url, {"ids": f"{articles[0].pk}, {articles[1].pk}"}, follow=True)
    assert "2 articles added." in response.content.decode()
    arabic = login(team["owner"], "ar").post(url, {"ids": str(articles[0].pk)}, follow=True).content.decode()
    assert "لم يُضف أي مقال." in arabic  # none new: the plural forms are translated
    response = client.post(url, {"source": articles[2].source.slug, "q": "بغداد"}, follow=True)
    assert "4 articles added." in response.content.decode()  # the other four of that source
    assert "Choose articles" in client.post(url, {}, follow=True).content.decode()
    assert "is not an article id" in client.post(url, {"ids": "1, x"}, follow=True).content.decode()
    assert "No article 999999" in client.post(url, {"ids": "999999"}, follow=True).content.decode()
    response = client.post(reverse("projects:assign", args=[project.pk]), follow=True)
    assert "12 assignments made." in response.content.decode()
    assert login(team["ali"]).post(url, {"ids": str(articles[0].pk)}, follow=True).status_code == 200
    assert ProjectArticle.objects.filter(project=project).count() == 6


def test_project_setup_command(team, articles):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "project_setup", "--name", "cli", "--owner", "owner", "--group", "team", "--annotator", "ali", "--annotator", "badr",
        "--curator", "curator", "--source", articles[0].source.slug, "--assign", "--blind", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "added 6 articles" in text and "made 12 assignments" in text


def test_curation_page_queries_do_not_grow_with_marks(team, project, marked, mark, django_assert_num_queries):
    client = login(team["curator"])
    url = reverse("projects:curate", args=[project.pk, marked.article_id])
    client.get(url)  # warm: nothing is cached between requests, but keep the comparison fair
    with django_assert_num_queries(8):
        client.get(url)
    for needle in ("العراق", "شريك", "المتحدة", "الرئيس"):
        mark(team["ali"], marked.article, needle, "ORG")
        mark(team["badr"], marked.article, needle, "LOC")
    services.curation_start(user=team["curator"], entry=marked)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
