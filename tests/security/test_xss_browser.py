"""Hostile markup everywhere a user's or an article's text is shown, in a real browser: nothing runs.

Script payloads go into every free-text field people or imported pages can
fill: an article imported from an HTML page (title, paragraphs, site name),
annotation notes, replies, free-text speaker names, label names, group
names, user names, a worker's host name and search queries. Then Debian
chromium opens every page that shows them — reading pages, entity and
speaker pages, search, the annotator's panel and cards (the JavaScript
client) and the admin — and checks that

* no payload ran (each sets ``window.__xss``; none may be defined),
* no dialog opened,
* the Content-Security-Policy reported no violation and the console no error
  (our own pages need no exception to the policy), and
* the payload is *shown*, as text (escaping, not deletion).

Every page names the site's icon, so not even chromium's guess at /favicon.ico
shows up: any console error fails.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from annotations.models import Label, LabelSet
from annotations.services import annotation_create, group_create, membership_add, reply_create
from newsreader.models import Article
from newsreader.services.imports import import_file
from ops.models import WorkerHeartbeat
from tests.browser.conftest import login_context

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
SVG = "<svg onload=window.__xss=3>"
LINK = '<a href="javascript:window.__xss=4">اضغط</a>'
BREAKOUT = "\"'><script>window.__xss=5</script><!--"
PAYLOAD = f"{SCRIPT} {IMG} {SVG} {LINK} {BREAKOUT}"
USER_PAYLOAD = "<img src=x onerror=window.__xss=6>"  # 150 characters at most

HTML_PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>اجتماع في بغداد &lt;script&gt;window.__xss=1&lt;/script&gt;</title>
<meta property="og:site_name" content="جريدة &lt;img src=x onerror=window.__xss=2&gt;">
<script>window.__xss = 9</script>
</head><body><article>
<h1>اجتماع في بغداد &lt;script&gt;window.__xss=1&lt;/script&gt;</h1>
<p>بغداد – قال المتحدث باسم الحكومة &lt;img src=x onerror="window.__xss=2"&gt; إن الاجتماع الذي عقد صباح اليوم انتهى باتفاق على جدول الأعمال. <script>window.__xss=9</script></p>
<p>وأضاف المتحدث أن &lt;a href="javascript:window.__xss=4"&gt;الرابط&lt;/a&gt; الذي نشر على الموقع لا يعمل، وأن الوزارة ستنشر البيان كاملا في وقت لاحق. <img src="x" onerror="window.__xss=8"></p>
<p>وأشار إلى أن &lt;svg onload=window.__xss=3&gt; المفاوضات ستستأنف الأسبوع المقبل بمشاركة ممثلين عن جميع الأطراف المعنية بالملف.</p>
<p>وختم بالقول إن الحكومة ملتزمة بتنفيذ ما اتفق عليه في الاجتماع وإن اللجان المختصة ستبدأ عملها فورا.</p>
</article></body></html>
"""

# Collected in every page before its own scripts run (Playwright's init scripts are not subject to the CSP).
WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hostile(transactional_db, tmp_path):
    """An imported article full of markup and marks, replies, labels, groups and users with payloads."""
    if not LabelSet.objects.filter(is_default=True).exists():
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    User = get_user_model()
    mallory = User.objects.create(username=USER_PAYLOAD, first_name=PAYLOAD[:150], last_name=IMG, email="m@example.org")
    staff = User.objects.create(username="admin", is_staff=True, is_superuser=True)
    page_file = tmp_path / "page.html"
    page_file.write_text(HTML_PAGE, encoding="utf-8")
    result = import_file(page_file)
    assert result.ok, result.error
    article = Article.objects.get(pk=result.articles[0].article_id)
    text = article.current_revision.text
    assert "<script>window.__xss=1</script>" in text and "__xss = 9" not in text and "__xss=8" not in text

    default = LabelSet.objects.get(is_default=True)
    evil_label = Label.objects.create(label_set=default, code="XSS", name_ar=PAYLOAD[:100], name_en=SVG, color="#ff00ff", order=99)

    def span(needle):
        start = text.index(needle)
        return start, start + len(needle)

    start, end = span("<script>window.__xss=1</script>")
    entity = annotation_create(user=mallory, article=article, kind="entity", start=start, end=end, label="XSS", note=PAYLOAD)
    start, end = span('<img src=x onerror="window.__xss=2">')
    person = annotation_create(user=mallory, article=article, kind="entity", start=start, end=end, label="PER", note=IMG)
    start, end = span("المفاوضات ستستأنف الأسبوع المقبل")
    quote = annotation_create(
        user=mallory, article=article, kind="quote", start=start, end=end, quote_type="indirect",
        speaker_name=PAYLOAD[:200], note=PAYLOAD,
    )  # fmt: skip
    start, end = span("الوزارة ستنشر البيان كاملا")
    spoken = annotation_create(user=mallory, article=article, kind="quote", start=start, end=end, quote_type="indirect", speaker=person)
    reply = reply_create(user=mallory, annotation_id=entity.pk, text=PAYLOAD)
    group = group_create(user=mallory, name=SCRIPT + " فريق", description=PAYLOAD)
    membership_add(user=mallory, group_id=group.pk, member=staff)
    start, end = span("جدول الأعمال")
    grouped = annotation_create(
        user=mallory, article=article, kind="entity", start=start, end=end, label="MISC", note=SVG, visibility="group", group=group
    )
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="evil", hostname=PAYLOAD[:255], pid=1, queues=SCRIPT, started_at=now, beat_at=now)
    return {
        "article": article, "mallory": mallory, "staff": staff, "entity": entity, "person": person, "quote": quote,
        "spoken": spoken, "reply": reply, "group": group, "grouped": grouped, "label": evil_label,
    }  # fmt: skip


@pytest.fixture
def watched(new_context, live_server):
    """``watched(user)`` -> a page whose dialogs, console errors and CSP violations are recorded."""

    def make(user=None):
        context = new_context()
        context.add_init_script(WATCH)
        if user is not None:
            login_context(context, user, live_server)
        page = context.new_page()
        page.problems = []
        page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))
        page.on("console", lambda message: _console_error(page, message))
        page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
        # Every page names its icon: the browser never has to guess /favicon.ico.
        page.on("request", lambda r: r.url.endswith("/favicon.ico") and page.problems.append(f"no icon link: {page.url}"))
        return page

    return make


def _console_error(page, message) -> None:
    # Every console error counts: every page names its icon, and /favicon.ico answers too.
    if message.type == "error":
        page.problems.append(f"console: {message.text} ({(message.location or {}).get('url')})")


def assert_inert(page, where: str) -> None:
    """Nothing ran, nothing was blocked, nothing complained."""
    page.wait_for_timeout(150)  # an onerror of a broken <img> fires after load
    state = page.evaluate("() => ({xss: typeof window.__xss, csp: window.__cspViolations || []})")
    assert state["xss"] == "undefined", f"{where}: a payload ran (window.__xss is set)"
    assert state["csp"] == [], f"{where}: Content-Security-Policy violations {state['csp']}"
    assert page.problems == [], f"{where}: {page.problems}"


def visit(page, path: str) -> str:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.wait_for_load_state("load")
    return page.inner_text("body")


def test_reading_pages_show_markup_as_text(hostile, watched, screenshot):
    article = hostile["article"]
    for user in (None, hostile["mallory"]):
        page = watched(user)
        home = visit(page, "/")
        assert "<script>window.__xss=1</script>" in home  # the title, as text
        assert "<img src=x onerror=window.__xss=2>" in home  # the site name
        assert_inert(page, "home")

        text = visit(page, article.get_absolute_url())
        page.wait_for_selector("html[data-annotator='ready']", state="attached")
        assert '<a href="javascript:window.__xss=4">الرابط</a>' in text
        # no element was made out of the text, no javascript: link anywhere
        assert page.locator("article [data-block] :is(a, img, svg, script)").count() == 0
        assert page.locator("a[href^='javascript'], [onerror], [onload]").count() == 0
        assert_inert(page, f"article page ({user or 'anonymous'})")

        for path in ("/search/?q=بغداد", f"/search/?q={PAYLOAD}", "/entities/", "/speakers/", "/quotes/?q=المفاوضات",
                     "/accounts/login/", "/api/docs/"):  # fmt: skip
            visit(page, path)
            assert_inert(page, path)
    screenshot(page, "xss-article")


def test_entity_and_speaker_pages(hostile, watched):
    from entities.models import EntityMention, SpeakerQuote

    page = watched(hostile["mallory"])
    entity_id = EntityMention.objects.get(annotation=hostile["entity"]).entity_id
    text = visit(page, f"/entities/{entity_id}/")
    assert "<script>window.__xss=1</script>" in text
    assert_inert(page, "entity page")
    speaker_id = SpeakerQuote.objects.filter(annotation=hostile["spoken"]).values_list("entity_id", flat=True).first()
    assert speaker_id, "the quote's speaker has an entity"
    text = visit(page, f"/speakers/{speaker_id}/")
    assert '<img src=x onerror="window.__xss=2">' in text
    assert_inert(page, "speaker page")


def test_the_annotator_shows_notes_replies_labels_and_names_as_text(hostile, watched, screenshot):
    page = watched(hostile["mallory"])
    visit(page, hostile["article"].get_absolute_url())
    page.wait_for_selector("html[data-annotator='ready']", state="attached")
    # (the engine may add machine suggestions of its own)
    page.wait_for_function("() => window.annotator && window.annotator.store.all().length >= 5")

    # The panel: label names, quotes with their free-text speaker, creators' names.
    panel = page.locator(".annotator-panel")
    panel_text = panel.evaluate("(el) => el.textContent")
    assert PAYLOAD[:100] in panel_text  # the label's Arabic name
    assert "<script>window.__xss=1</script>" in panel_text  # the marked words and the speaker name
    assert panel.locator("script, img, svg:not([aria-hidden='true']), iframe, a[href^='javascript']").count() == 0
    assert_inert(page, "annotator panel")

    # A card: the note, the creator, the label; then its replies.
    panel.locator(".annotator-panel__item", has_text="window.__xss=1").first.click()
    card = page.locator(".annotator-card:not([hidden])")
    card.wait_for()
    page.wait_for_function("(p) => document.querySelector('.annotator-card').textContent.includes(p)", arg=f"{PAYLOAD[:60]}")
    page.wait_for_function(
        "(u) => [...document.querySelectorAll('.annotator-card .annotator-reply')].some((r) => r.textContent.includes(u))",
        arg="window.__xss=5",
    )
    card_text = card.evaluate("(el) => el.textContent")
    assert USER_PAYLOAD in card_text and PAYLOAD in card_text
    assert card.locator("script, img, iframe, a[href^='javascript']").count() == 0
    screenshot(page, "xss-annotator-card", full_page=False)
    assert_inert(page, "annotator card")

    # A quote card with the free-text speaker.
    page.keyboard.press("Escape")
    panel.locator(".annotator-panel__quotes li, .annotator-panel__quotes .annotator-panel__item").filter(
        has_text="المفاوضات"
    ).first.click()
    page.wait_for_function("() => document.querySelector('.annotator-card:not([hidden])')?.textContent.includes('window.__xss=3')")
    assert_inert(page, "quote card")


ADMIN_PAGES = [
    "/admin/",
    "/admin/annotations/annotation/",
    "/admin/annotations/annotation/{entity}/change/",
    "/admin/annotations/annotation/{quote}/change/",
    "/admin/annotations/reply/",
    "/admin/annotations/reply/{reply}/change/",
    "/admin/annotations/labelset/",
    "/admin/annotations/labelset/{label_set}/change/",
    "/admin/annotations/label/",
    "/admin/annotations/group/",
    "/admin/annotations/group/{group}/change/",
    "/admin/newsreader/article/",
    "/admin/newsreader/article/{article}/change/",
    "/admin/newsreader/source/",
    "/admin/newsreader/source/{source}/change/",
    "/admin/auth/user/",
    "/admin/auth/user/{mallory}/change/",
    "/admin/entities/entity/",
    "/admin/ops/workerheartbeat/",
    "/admin/axes/accessattempt/",
]
WITHOUT_USER_TEXT = {"/admin/", "/admin/annotations/labelset/", "/admin/axes/accessattempt/"}


def test_admin_pages_show_markup_as_text(hostile, watched):
    ids = {
        "entity": hostile["entity"].pk, "quote": hostile["quote"].pk, "reply": hostile["reply"].pk,
        "label_set": hostile["label"].label_set_id, "group": hostile["group"].pk, "article": hostile["article"].pk,
        "source": hostile["article"].source_id, "mallory": hostile["mallory"].pk,
    }  # fmt: skip
    page = watched(hostile["staff"])
    for path in ADMIN_PAGES:
        visit(page, path.format(**ids))
        assert_inert(page, path)
        if path not in WITHOUT_USER_TEXT:
            # As text, or as the value of a form field (the label set's labels are edited in place).
            values = page.eval_on_selector_all("input, textarea", "(fields) => fields.map((f) => f.value).join(' ')")
            assert "window.__xss" in page.inner_text("body") + values, f"{path} shows the payload"


@pytest.mark.parametrize("name", ["500.html", "503.html"])
def test_the_error_pages_name_the_icon_too(name):
    """The pages rendered without a request (no database): the icon, like every other page."""
    from django.template.loader import render_to_string

    html = render_to_string(name, {"retry_after": 5})
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
