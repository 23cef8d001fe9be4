"""The admin: Arabic and right-to-left, staff only, search/filters, upload, text edits as revisions."""

import html
import json
import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from newsreader.models import Article, ArticleRevision
from tests.conftest import SAMPLES_DIR
from tests.factories import SourceFactory, UserFactory, make_article

SEED = SAMPLES_DIR / "000_42df4bdc5be6c26b.txt"
CHANGELIST = reverse("admin:newsreader_article_changelist")
IMPORT = reverse("admin:newsreader_article_import")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def articles(db):
    arab, agency = SourceFactory(name="العرب"), SourceFactory(name="وكالة الأنباء")
    return {
        "iraq": make_article(source=arab, title="بايدن يستقبل الكاظمي", body="واشنطن – لقاء في البيت الأبيض.",
                             published_on=date(2021, 7, 27)),  # fmt: skip
        "egypt": make_article(source=agency, title="المركزي يثبت الفائدة", body="القاهرة – التضخم عند 5.2 في المئة.",
                              published_on=date(2020, 3, 1)),  # fmt: skip
    }


def html_text(markup: str) -> str:
    return html.unescape(strip_tags(markup))


def titles(response):
    return {a.title for a in response.context["cl"].result_list}


# --- who may enter ------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST,
        IMPORT,
        reverse("admin:newsreader_article_add"),
        reverse("admin:newsreader_source_changelist"),
    ],
)
def test_anonymous_and_non_staff_are_sent_to_login(client, user, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    client.force_login(user)  # logged in, but not staff
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_non_staff_cannot_post_an_upload(client, user):
    client.force_login(user)
    upload = SimpleUploadedFile("seed.txt", SEED.read_bytes())
    response = client.post(IMPORT, {"files": [upload]})
    assert response.status_code == 302
    assert Article.objects.count() == 0


def test_non_staff_cannot_edit_text(client, user, article):
    client.force_login(user)
    url = reverse("admin:newsreader_article_text", args=[article.pk])
    response = client.post(url, {"title": "مخترق", "body": "نص"})
    assert response.status_code == 302
    assert article.revisions.count() == 1


def test_staff_without_permissions_is_forbidden(client, article):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.get(reverse("admin:newsreader_article_text", args=[article.pk])).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(IMPORT).status_code == 403  # viewing is not adding
    assert client.get(reverse("admin:newsreader_article_revisions", args=[article.pk])).status_code == 200


# --- Arabic, right to left ----------------------------------------------------
def test_admin_is_arabic_and_right_to_left(staff, articles):
    response = staff.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الخروج" in html  # Django's own Arabic strings
    assert "بايدن يستقبل الكاظمي" in html


# --- list: search, filters ----------------------------------------------------
def test_search_title_and_body(staff, articles):
    assert titles(staff.get(CHANGELIST, {"q": "الكاظمي"})) == {"بايدن يستقبل الكاظمي"}  # title
    assert titles(staff.get(CHANGELIST, {"q": "التضخم"})) == {"المركزي يثبت الفائدة"}  # body
    assert titles(staff.get(CHANGELIST, {"q": "غير موجود"})) == set()


def test_search_uses_the_current_revision_only(staff, articles):
    from newsreader.document import compose
    from newsreader.services.articles import article_revise

    article_revise(article=articles["iraq"], document=compose(title="عنوان جديد", body="نص جديد"))
    assert titles(staff.get(CHANGELIST, {"q": "الكاظمي"})) == set()
    assert titles(staff.get(CHANGELIST, {"q": "جديد"})) == {"عنوان جديد"}


def test_filter_by_source_and_date(staff, articles):
    source = articles["egypt"].source
    assert titles(staff.get(CHANGELIST, {"source__id__exact": source.pk})) == {"المركزي يثبت الفائدة"}
    assert titles(staff.get(CHANGELIST, {"published_on__year": 2021})) == {"بايدن يستقبل الكاظمي"}
    response = staff.get(CHANGELIST)
    assert response.context["cl"].date_hierarchy == "published_on"
    assert "وكالة الأنباء" in response.content.decode()  # the source filter lists sources


def test_list_query_count_does_not_grow(staff, articles, django_assert_max_num_queries):
    for n in range(10):
        make_article(source=articles["iraq"].source, title=f"خبر {n}", body=f"نص {n}")
    with django_assert_max_num_queries(12):
        assert staff.get(CHANGELIST).status_code == 200


# --- change page and history --------------------------------------------------
def test_change_page_shows_revision_history(staff, articles):
    from newsreader.document import compose
    from newsreader.services.articles import article_revise

    article = articles["iraq"]
    article_revise(article=article, document=compose(title="عنوان معدل", body="نص معدل"), reason="تصحيح")
    html = staff.get(reverse("admin:newsreader_article_change", args=[article.pk])).content.decode()
    assert "تصحيح" in html and "عنوان معدل" in html and "بايدن يستقبل الكاظمي" in html
    assert reverse("admin:newsreader_article_text", args=[article.pk]) in html
    history = staff.get(reverse("admin:newsreader_article_revisions", args=[article.pk])).content.decode()
    assert "<del>بايدن يستقبل الكاظمي</del>" in history
    assert "<ins>عنوان معدل</ins>" in history
    assert 'id="revision-2"' in history and 'id="revision-1"' in history


def test_metadata_edit_keeps_the_text(staff, articles):
    article = articles["iraq"]
    url = reverse("admin:newsreader_article_change", args=[article.pk])
    data = {
        "source": article.source_id,
        "published_on": "2021-07-28",
        "dateline": "واشنطن",
        "author": "مراسل",
        "source_url": "",
        "language": "ar",
        "direction": "rtl",
        "label_set": "",
        "revisions-TOTAL_FORMS": "1",
        "revisions-INITIAL_FORMS": "1",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "0",
        "revisions-0-id": article.current_revision_id,
        "revisions-0-article": article.pk,
    }
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article.refresh_from_db()
    assert (article.author, article.published_on) == ("مراسل", date(2021, 7, 28))
    assert article.revisions.count() == 1


# --- editing the text makes a revision ----------------------------------------
def test_text_edit_creates_a_revision(staff, staff_user, articles):
    article = articles["iraq"]
    old = article.current_revision
    url = reverse("admin:newsreader_article_text", args=[article.pk])
    form = staff.get(url).context["form"]
    assert form.initial["title"] == "بايدن يستقبل الكاظمي"
    response = staff.post(
        url,
        {"title": "بايدن يستقبل الكاظمي في البيت الأبيض", "subtitle": "", "caption": "",
         "body": "واشنطن – لقاء في البيت الأبيض.\n\nفقرة جديدة.", "reason": "إضافة فقرة"},  # fmt: skip
    )
    assert response.status_code == 302
    article.refresh_from_db()
    new = article.current_revision
    assert (new.number, new.reason, new.created_by) == (2, "إضافة فقرة", staff_user)
    assert new.body == "واشنطن – لقاء في البيت الأبيض.\n\nفقرة جديدة."
    assert article.content_hash == new.text_hash
    old.refresh_from_db()
    assert old.title == "بايدن يستقبل الكاظمي"  # never edited in place
    assert ArticleRevision.objects.filter(article=article).count() == 2


def test_text_edit_without_change_makes_no_revision(staff, articles):
    article = articles["iraq"]
    url = reverse("admin:newsreader_article_text", args=[article.pk])
    response = staff.post(url, {"title": " بايدن يستقبل الكاظمي ", "body": "واشنطن – لقاء في البيت الأبيض."},
                          follow=True)  # fmt: skip
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert article.revisions.count() == 1


def test_text_edit_refuses_an_empty_body(staff, articles):
    url = reverse("admin:newsreader_article_text", args=[articles["iraq"].pk])
    response = staff.post(url, {"title": "عنوان", "body": " \u200b \n "})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert articles["iraq"].revisions.count() == 1


# --- writing and uploading ----------------------------------------------------
def test_add_article_goes_through_the_service(staff, staff_user, source):
    response = staff.post(
        reverse("admin:newsreader_article_add"),
        {"source": source.pk, "published_on": "2021-07-27", "dateline": "", "author": "", "source_url": "",
         "language": "ar", "title": "خبر جديد", "subtitle": "", "caption": "",
         "body": "الرياض – نص الخبر.\nفقرة ثانية."},  # fmt: skip
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert response.url == reverse("admin:newsreader_article_change", args=[article.pk])
    assert article.dateline == "الرياض"  # found in the first paragraph
    assert article.current_revision.number == 1 and article.current_revision.created_by == staff_user
    assert article.current_revision.body == "الرياض – نص الخبر.\n\nفقرة ثانية."


def test_upload_several_files(staff, staff_user):
    good_jsonl = "\n".join(
        json.dumps({"title": t, "body": f"دبي – {t}", "source_name": "الخليج"}, ensure_ascii=False) for t in ("أ", "ب")
    )
    files = [
        SimpleUploadedFile("seed.txt", SEED.read_bytes()),
        SimpleUploadedFile("two.jsonl", good_jsonl.encode()),
        SimpleUploadedFile("bad.jsonl", b'{"title": "x", "body": "y"}\n{"body": "z"}\n'),
        SimpleUploadedFile("notes.docx", b"PK"),
    ]
    response = staff.post(IMPORT, {"files": files, "source": "العرب"})
    assert response.status_code == 200
    html = response.content.decode()
    raw = [(m.level_tag, str(m)) for m in response.context["messages"]]
    messages = [(level, html_text(text)) for level, text in raw]
    assert [level for level, _ in messages] == ["success", "success", "error", "error"]
    assert messages[0][1].startswith("seed.txt: ") and messages[1][1].startswith("two.jsonl: ")
    assert messages[2][1] == "bad.jsonl: line 2: missing field 'title'"
    assert messages[3][1].startswith("notes.docx: unsupported file type ('.docx')")
    assert raw[2][1] == '<bdi>bad.jsonl</bdi>: <bdi dir="ltr">line 2: missing field &#x27;title&#x27;</bdi>'
    assert "missing field &#x27;title&#x27;" in html  # the results table repeats the reason
    results = {r.name: r for r in response.context["results"]}
    assert [o.status for o in results["two.jsonl"].articles] == ["created", "created"]
    assert response.context["totals"] == {"created": 3, "unchanged": 0, "revised": 0, "failed": 2}
    assert Article.objects.count() == 3
    seed = Article.objects.get(source__name="العرب")
    assert seed.current_revision.created_by == staff_user and seed.dateline == "واشنطن"
    # Same upload again: nothing new.
    again = staff.post(IMPORT, {"files": [SimpleUploadedFile("seed.txt", SEED.read_bytes())]})
    assert again.context["totals"]["unchanged"] == 1 and Article.objects.count() == 3


def test_uploaded_file_names_are_escaped(staff):
    upload = SimpleUploadedFile("<img src=x onerror=alert(1)>.txt", SEED.read_bytes())
    response = staff.post(IMPORT, {"files": [upload]})
    page = response.content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in page
    assert Article.objects.count() == 1


def test_upload_page_and_changelist_link(staff, db):
    assert IMPORT in staff.get(CHANGELIST).content.decode()
    html = staff.get(IMPORT).content.decode()
    assert 'type="file"' in html and "multiple" in html and 'enctype="multipart/form-data"' in html


def test_upload_without_files_is_a_form_error(staff):
    response = staff.post(IMPORT, {"source": "العرب"})
    assert response.status_code == 200 and response.context["form"].errors["files"]


# --- deleting -----------------------------------------------------------------
def test_delete_article_with_its_revisions(staff, articles):
    article = articles["iraq"]
    url = reverse("admin:newsreader_article_delete", args=[article.pk])
    confirm = staff.get(url)
    assert confirm.status_code == 200 and not confirm.context["protected"]
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleRevision.objects.filter(article_id=article.pk).exists()


def test_bulk_delete_action(staff, articles):
    pks = [a.pk for a in articles.values()]
    response = staff.post(CHANGELIST, {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert response.status_code == 302
    assert Article.objects.count() == 0


def test_source_admin_counts_articles(staff, articles):
    html = staff.get(reverse("admin:newsreader_source_changelist")).content.decode()
    assert "العرب" in html and f"?source__id__exact={articles['iraq'].source_id}" in html


# --- for Arabic-reading staff (issue 10) --------------------------------------
def test_every_app_and_model_is_named_in_arabic(staff):
    response = staff.get(reverse("admin:index"))
    names = [str(app["name"]) for app in response.context["app_list"]]
    names += [str(model["name"]) for app in response.context["app_list"] for model in app["models"]]
    latin = [n for n in names if any("a" <= c.lower() <= "z" for c in n.replace("CRF", ""))]
    assert latin == []
    content = response.content.decode()
    assert "قفل تسجيل الدخول" in content and "المهام الخلفية" in content and "نتائج المهام" in content
    for english in ("Axes", "Tasks Database Backend", "Task Results"):
        assert english not in content


def test_no_apps_sidebar_takes_room_from_the_lists(staff, articles):
    assert 'id="nav-sidebar"' not in staff.get(CHANGELIST).content.decode()


def test_dates_and_date_times_are_written_one_way(staff, articles):
    content = html_text(staff.get(CHANGELIST).content.decode())
    assert "27 يوليو 2021" in content and "يوليو، 2021" not in content
    updated = articles["iraq"].updated_at
    assert re.search(rf"{updated.astimezone().day} \S+ {updated.year}، \d\d:\d\d", content)
    assert not re.search(r"\d, \d{4}, \d", content)  # Django's default "ديسمبر 6, 2026, 7:28 ص"


def test_the_language_filter_and_column_name_languages(staff, articles):
    response = staff.get(CHANGELIST)
    spec = next(s for s in response.context["cl"].filter_specs if getattr(s, "parameter_name", "") == "language")
    assert [c["display"] for c in spec.choices(response.context["cl"])][1:] == ["العربية"]
    assert titles(staff.get(CHANGELIST + "?language=ar")) == {"بايدن يستقبل الكاظمي", "المركزي يثبت الفائدة"}
    assert titles(staff.get(CHANGELIST + "?language=en")) == set()
    sources = html_text(staff.get(reverse("admin:newsreader_source_changelist")).content.decode())
    assert "العربية" in sources


def test_url_and_email_inputs_are_left_to_right(staff, articles, staff_user):
    article = articles["iraq"]
    form = staff.get(reverse("admin:newsreader_article_change", args=[article.pk])).content.decode()
    assert re.search(r'<input type="url" name="source_url"[^>]*dir="ltr"', form)
    form = staff.get(reverse("admin:newsreader_source_change", args=[article.source_id])).content.decode()
    assert re.search(r'<input type="url" name="url"[^>]*dir="ltr"', form)


def test_a_revision_is_named_in_words(articles):
    revision = articles["iraq"].current_revision
    assert str(revision) == f"المراجعة 1 من المقال {articles['iraq'].pk}"


def test_the_icon_is_linked_from_the_admin_and_served_at_favicon_ico(client, staff):
    assert 'rel="icon"' in staff.get(reverse("admin:index")).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url.endswith("img/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response.url)
    assert icon.status_code == 200
    icon.close()  # a file response: close its file


def test_the_user_form_reads_in_arabic(staff, staff_user):
    content = staff.get(reverse("admin:auth_user_change", args=[staff_user.pk])).content.decode()
    assert "إعادة تعيين كلمة المرور" in content and "Reset password" not in content
    assert "Raw passwords are not stored" not in content
