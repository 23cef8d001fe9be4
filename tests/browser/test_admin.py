"""The admin in Arabic, as staff see it: every page at 1280 px and on a 360 px phone.

Opens the index, every changelist and a change form of every model that has a
row, as a superuser, and saves screenshots under test-artifacts/admin/. Checks
what staff complained about: the page never scrolls sideways (wide tables scroll
in their own box), titles get room, one date format, readable filters, left-to-right
URL and e-mail inputs, no stray labels, a favicon.
"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from rest_framework.authtoken.models import Token

from annotations.models import Group
from annotations.services import reply_create
from entities.models import EntityMention
from entities.services import entity_merge
from newsreader.services.articles import article_revise
from newsreader.document import compose
from ops.models import WorkerHeartbeat
from projects.models import Assignment, CurationDecision, Project, ProjectArticle, ProjectMember
from suggestions.models import CrfModelVersion
from tests.browser.conftest import DESKTOP, PHONE, login_context
from tests.browser.seed import make_seed_article
from tests.browser.test_annotator import labels, mark  # noqa: F401 (labels: fixture)
from tests.factories import UserFactory, make_article

pytestmark = pytest.mark.browser

LONG_TITLE = "الحكومة العراقية تعلن خطة جديدة لإعادة إعمار المدن المتضررة من الحرب خلال السنوات الخمس المقبلة"
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def superuser(transactional_db):
    return UserFactory(username="admin", email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def everything(labels, superuser):  # noqa: F811
    """At least one row in every model the admin lists."""
    seed = make_seed_article()
    article = make_article(source=seed.source, title=LONG_TITLE, body="فقرة أولى.\nفقرة ثانية.", source_url="https://example.org/news/1")
    article_revise(article=article, document=compose(title=LONG_TITLE, body="فقرة أولى معدلة.\nفقرة ثانية."))
    seed.source.url = "https://www.alarab.co.uk/"
    seed.source.save()
    speaker = mark(superuser, seed, "بايدن")
    joe = mark(superuser, seed, "جو بايدن")
    entity_merge(user=superuser, target=entity_of(joe), sources=[entity_of(speaker)])  # a redirect
    mark(superuser, seed, "لن نكون مع نهاية العام في مهمّة قتاليّة", kind="quote", speaker=speaker, quote_type="direct")
    reply_create(user=superuser, annotation_id=speaker.pk, text="هل هذا صحيح؟")
    desk = Group.objects.create(name="فريق التحرير", slug="desk")
    # A project with a member, an article, an assignment and a decision (rows for projects/admin.py).
    project = Project.objects.create(name="مشروع الذهب 2026", group=desk, label_set=labels["PER"].label_set, guidelines="علّم الأشخاص.")
    ProjectMember.objects.create(project=project, user=superuser, role="annotator")
    entry = ProjectArticle.objects.create(project=project, article=seed)
    Assignment.objects.create(entry=entry, annotator=superuser)
    CurationDecision.objects.create(entry=entry, start=0, end=5, kind="entity", method="auto", decided_by=superuser, fingerprint="0" * 64)
    AuthGroup.objects.create(name="المحررون")
    now = timezone.now()
    CrfModelVersion.objects.create(
        version="crf-1", trained_at=now, n_annotations=3, n_sentences=10, n_tokens=200, path="/tmp/crf-1"
    )
    WorkerHeartbeat.objects.create(
        worker_id="worker-1", hostname="host", pid=123, queues="default", started_at=now, beat_at=now
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}}, task_path="suggestions.tasks.suggest_article",
        backend_name="default", run_after=get_date_max(), queue_name="default", priority=0,
    )  # fmt: skip
    Token.objects.create(user=superuser)
    AccessAttempt.objects.create(username="mallory", ip_address="127.0.0.1", user_agent="curl", failures_since_start=3)
    AccessLog.objects.create(username="admin", ip_address="127.0.0.1", user_agent="chromium")
    AccessFailureLog.objects.create(username="mallory", ip_address="127.0.0.1", user_agent="curl")
    return {"seed": seed, "article": article}


def entity_of(annotation):
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


def admin_pages() -> list[tuple[str, str]]:
    """(name, path) of the index, every changelist and the change form of every model's first row."""
    pages = [("index", "/admin/")]
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        pages.append((f"{opts.app_label}-{opts.model_name}-list", base))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append((f"{opts.app_label}-{opts.model_name}-change", f"{base}{first.pk}/change/"))
    return pages


# Geometry of the page in one round trip: sideways overflow of the page, wide tables
# and whether their box scrolls, the list overlapping the filters, stray inline labels.
LAYOUT_JS = """() => {
  const rect = (el) => el && el.getBoundingClientRect();
  const tables = [...document.querySelectorAll('#result_list, .inline-group .tabular table')].map((table) => {
    let box = table.parentElement;
    while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
    return {wide: table.scrollWidth > table.parentElement.clientWidth + 1,
            scrolls: !!box && box !== document.documentElement && box !== document.body};
  });
  const list = rect(document.querySelector('#changelist .changelist-form-container'));
  const filter = rect(document.querySelector('#changelist-filter'));
  const overlap = !!(list && filter && filter.height && list.width && filter.width
    && list.left < filter.right - 1 && filter.left < list.right - 1 && list.top < filter.bottom && filter.top < list.bottom);
  const stray = [...document.querySelectorAll('td.original p')]
    .filter((p) => p.offsetParent !== null && !p.querySelector('a')).map((p) => p.textContent.trim());
  const ltr = [...document.querySelectorAll(
    'input[type=url], input[type=email], .field-color input, .field-code input, .field-slug input, .field-shortcut input')]
    .map((i) => [i.name, getComputedStyle(i).direction]);
  return {pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth, tables, overlap, stray, ltr,
          icon: !!document.querySelector('link[rel=icon]')};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_admin_page_fits_the_screen(new_context, live_server, everything, superuser, viewport, screenshot):
    context = new_context(viewport=VIEWPORTS[viewport])
    login_context(context, superuser, live_server)
    page = context.new_page()
    pages = admin_pages()
    names = {name for name, _ in pages}
    missing = [m._meta.label for m in admin.site._registry if f"{m._meta.app_label}-{m._meta.model_name}-change" not in names]
    assert missing == []  # a list and a change form each
    for name, path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        screenshot(page, f"admin/{viewport}-{name}")
        layout = page.evaluate(LAYOUT_JS)
        assert layout["pageWidth"] <= layout["viewport"], f"{path}: the page scrolls sideways"
        assert all(t["scrolls"] for t in layout["tables"] if t["wide"]), f"{path}: a wide table is cut off"
        assert not layout["overlap"], f"{path}: the list runs under the filters"
        assert layout["stray"] == [], f"{path}: stray labels {layout['stray']}"
        assert all(direction == "ltr" for _, direction in layout["ltr"]), f"{path}: {layout['ltr']}"
        assert layout["icon"], path


def test_article_titles_get_room_at_1280(page, login, superuser, everything, screenshot):
    login(superuser)
    page.goto("/admin/newsreader/article/")
    screenshot(page, "admin/desktop-article-list-titles")
    title = page.locator("#result_list .field-headline", has_text="الحكومة العراقية")
    # Squeezed, the title took one or two words a line (about 110 px).
    assert title.bounding_box()["width"] >= 250
    # One box per line of the link's text.
    assert title.locator("a").evaluate("(a) => a.getClientRects().length") <= 2


def test_the_labels_of_a_label_set_fit_at_1280(page, login, superuser, labels):  # noqa: F811
    login(superuser)
    page.goto(f"/admin/annotations/labelset/{labels['PER'].label_set_id}/change/")
    table = page.locator(".inline-group .tabular table")
    assert table.evaluate("(t) => t.scrollWidth <= t.parentElement.clientWidth")
    colour = page.locator("td.field-color input").first
    assert colour.evaluate("(el) => getComputedStyle(el).direction") == "ltr"


def test_one_date_format_readable_filters_and_ltr_addresses(page, login, superuser, everything):
    login(superuser)
    page.goto("/admin/newsreader/article/")
    row = page.locator("#result_list tr", has_text="بايدن")
    assert row.locator(".field-published_on").inner_text().strip() == "27 يوليو 2021"
    # The same order with the time added, 24-hour: "6 ديسمبر 2026، 07:28".
    assert re.fullmatch(r"\d{1,2} \S+ \d{4}، \d{2}:\d{2}", row.locator(".field-updated_at").inner_text().strip())
    filters = page.locator("#changelist-filter")
    assert filters.get_by_role("link", name="العربية").count() == 1
    assert filters.get_by_role("link", name="ar", exact=True).count() == 0
    page.goto(f"/admin/newsreader/source/{everything['seed'].source.pk}/change/")
    url = page.locator("input[name=url]")
    assert url.get_attribute("dir") == "ltr" and url.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    page.goto(f"/admin/auth/user/{superuser.pk}/change/")
    assert page.locator("input[name=email]").evaluate("(el) => getComputedStyle(el).direction") == "ltr"


def test_app_names_are_translated_and_the_icon_is_served(page, login, superuser, everything):
    login(superuser)
    page.goto("/admin/")
    text = page.locator("#content-main").inner_text()
    for english in ("Axes", "Tasks Database Backend", "Task Results"):
        assert english.lower() not in text.lower()
    assert "قفل تسجيل الدخول" in text and "المهام الخلفية" in text and "نتائج المهام" in text
    response = page.goto("/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")


def test_the_date_and_time_widgets_speak_arabic(page, login, superuser, everything):
    """Django's own strings of the admin's JavaScript (djangojs of django.contrib.admin) come in Arabic:
    the date and time shortcuts, the calendar and the clock."""
    login(superuser)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/admin/auth/user/{superuser.pk}/change/")
    assert page.evaluate("() => gettext('Today')") == "اليوم"
    shortcuts = page.locator(".field-date_joined .datetimeshortcuts")
    shortcuts.first.wait_for()
    text = " ".join(shortcuts.all_inner_texts())
    assert "اليوم" in text and "الآن" in text, text
    assert not re.search(r"\b(Today|Now)\b", text), text
    shortcuts.first.locator("a.date-picker-link, a[id^=calendarlink]").first.click()
    calendar = page.locator(".calendarbox").filter(has=page.locator(":visible")).first
    calendar.wait_for()
    month_text = calendar.locator("caption").inner_text()
    assert re.search(r"[\u0621-\u064A]", month_text) and not re.search(r"[A-Za-z]", month_text), month_text
    assert "إلغاء" in calendar.inner_text()  # Cancel
    page.keyboard.press("Escape")
    shortcuts.nth(1).locator("a[id^=clocklink]").click()
    clock = page.locator(".clockbox").filter(has=page.locator(":visible")).first
    clock.wait_for()
    assert "منتصف الليل" in clock.inner_text()  # Midnight
    page.keyboard.press("Escape")
    # The selection boxes of the user's permissions: strings Django's Arabic catalogue lacks (ours fills them).
    selector = page.locator(".field-user_permissions .selector")
    selector.wait_for()
    text = selector.inner_text() + " ".join(
        selector.locator("[title], [aria-label]").evaluate_all("(els) => els.map((e) => (e.title || '') + ' ' + (e.getAttribute('aria-label') || ''))")
    )
    for english in ("Choose all", "Remove all", "Choose selected", "Remove selected", "click to clear", "Available", "Chosen"):
        assert english not in text, english
    assert "اختيار كل" in text and "إزالة كل" in text, text
    days = page.evaluate("() => [gettext('Sunday'), pgettext('abbrev. day Friday', 'Fri'), pgettext('one letter Sunday', 'S')]")
    assert days == ["الأحد", "الجمعة", "أحد"], days  # the last from Django's own catalogue
    assert errors == []
