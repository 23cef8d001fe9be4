"""The reading experience in a real browser (Debian chromium through Playwright)."""

import re

import pytest

from tests.browser.conftest import PHONE
from tests.browser.seed import make_seed_article
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.browser

FONTS_JS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].map((f) => ({family: f.family.replace(/["']/g, ""), weight: String(f.weight), status: f.status}));
}"""

# Visual left edge of the first occurrence of each needle inside the element.
POSITIONS_JS = """([selector, needles]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  const result = {};
  for (const needle of needles) {
    for (const node of nodes) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      const rect = range.getBoundingClientRect();
      result[needle] = {left: rect.left, right: rect.right, top: rect.top};
      break;
    }
  }
  return result;
}"""


@pytest.fixture
def seed(transactional_db):
    return make_seed_article()


def set_range(locator, value):
    """Move a slider as a user would (Playwright cannot fill range inputs)."""
    locator.evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value)
    )


def reads_before_rtl(first, second):
    """In right-to-left text, ``second`` comes after ``first``: to its left on the same line, or on a later line."""
    if abs(first["top"] - second["top"]) < 4:
        return second["right"] <= first["left"] + 1
    return second["top"] > first["top"]


def paragraph_selector(article, needle):
    revision = article.current_revision
    block = next(b for b in revision.blocks if needle in revision.text[b["start"] : b["end"]])
    return f'[data-start="{block["start"]}"]'


def used_fonts(page, selector):
    """Fonts chromium actually used to draw the text of the element (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_seed_article_reads_right_to_left_in_the_web_font(live_server, page, seed, screenshot, console_errors):
    page.goto(seed.get_absolute_url())

    # direction, computed by the browser
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.article__body p')).direction") == "rtl"
    assert page.locator("h1").inner_text().startswith("بايدن يحدّد")

    # the vendored web font loaded (the machine also has a system Noto Naskh, so
    # check the @font-face entries, the download and the font used for drawing)
    fonts = page.evaluate(FONTS_JS)
    loaded = {f["weight"] for f in fonts if f["family"] == "Noto Naskh Arabic" and f["status"] == "loaded"}
    assert {"400", "700"} <= loaded, fonts
    assert page.evaluate("document.fonts.check('16px \"Noto Naskh Arabic\"', 'بايدن')")
    resources = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    assert any(re.search(r"/static/vendor/noto-naskh-arabic/noto-naskh-arabic-arabic-400-normal\.woff2$", u) for u in resources)
    drawn = used_fonts(page, ".article__body p:nth-of-type(2)")
    assert drawn and drawn[0]["familyName"] == "Noto Naskh Arabic" and drawn[0]["isCustomFont"], drawn

    # bidi: the date reads 2021/07/27 left to right, after the weekday (to its left in RTL)
    date = page.evaluate(POSITIONS_JS, [".article__meta time", ["الثلاثاء", "2021", "07", "27"]])
    assert date["2021"]["left"] < date["07"]["left"] < date["27"]["left"], date
    assert date["27"]["right"] <= date["الثلاثاء"]["left"] + 1, date
    # "كوفيد - 19" in a paragraph: the number stays at the end (left) of the phrase
    selector = paragraph_selector(seed, "كوفيد")
    phrase = page.evaluate(POSITIONS_JS, [selector, ["لقاح", "فايزر/بيونتك", "كوفيد", "19"]])
    assert reads_before_rtl(phrase["لقاح"], phrase["فايزر/بيونتك"]), phrase
    assert reads_before_rtl(phrase["فايزر/بيونتك"], phrase["كوفيد"]), phrase
    assert reads_before_rtl(phrase["كوفيد"], phrase["19"]), phrase

    assert console_errors == []
    screenshot(page, "article-desktop-full")
    # docs/screenshot-article.png (the README's) is a reviewed copy of this one.
    screenshot(page, "article-desktop", full_page=False)


def test_latin_words_read_in_order_inside_arabic(live_server, page, transactional_db):
    article = make_article(
        source=SourceFactory(),
        title="لقاح COVID-19 يصل",
        body=[
            "أعلنت الوزارة وصول لقاح COVID-19 من شركة Pfizer/BioNTech إلى بغداد.",
            # Without isolation the bidi algorithm glues 3-1 to "Real Madrid" and
            # draws the score to the right of (before) the team name.
            "فاز فريق Real Madrid 3-1 على برشلونة.",
        ],
    )
    page.goto(article.get_absolute_url())
    first, second = (f'.article__body p:nth-of-type({n})' for n in (1, 2))
    pos = page.evaluate(POSITIONS_JS, [first, ["COVID", "19", "لقاح", "Pfizer", "BioNTech"]])
    # inside an isolated Latin run: left to right
    assert pos["COVID"]["top"] == pos["19"]["top"] and pos["COVID"]["right"] <= pos["19"]["left"] + 1, pos
    assert pos["Pfizer"]["right"] <= pos["BioNTech"]["left"] + 1, pos
    # the run comes after the Arabic word before it
    assert reads_before_rtl(pos["لقاح"], pos["COVID"]), pos
    score = page.evaluate(POSITIONS_JS, [second, ["فريق", "Real", "Madrid", "3-1", "على"]])
    assert reads_before_rtl(score["فريق"], score["Real"]), score
    assert score["Real"]["right"] <= score["Madrid"]["left"] + 1, score
    assert reads_before_rtl(score["Real"], score["3-1"]), score  # the score after the team
    assert reads_before_rtl(score["3-1"], score["على"]), score


@pytest.mark.parametrize("path", ["article", "home", "article-english", "login"])
def test_no_horizontal_scrolling_at_360_px(live_server, new_context, seed, screenshot, path):
    context = new_context(viewport=PHONE)
    if path.endswith("english"):
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.goto({"home": "/", "login": "/accounts/login/"}.get(path, seed.get_absolute_url()))
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.body.scrollWidth") <= PHONE["width"]
    screenshot(page, f"{path}-360px", full_page=False)
    screenshot(page, f"{path}-360px-full")
    if path == "article":
        # the largest text and the open settings panel still fit
        page.locator("[data-settings-toggle]").click()
        set_range(page.locator("#rs-font-size"), 32)
        page.locator('input[name="measure"][value="wide"]').check(force=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        panel = page.locator("#reader-settings").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"]
        screenshot(page, "article-360px-settings", full_page=False)


def test_settings_persist_across_reload(live_server, page, seed, screenshot, console_errors):
    page.goto(seed.get_absolute_url())
    toggle = page.locator("[data-settings-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    panel = page.get_by_role("dialog", name="إعدادات القراءة")
    panel.get_by_label("داكن").check(force=True)
    set_range(panel.get_by_label("حجم النص"), 24)
    set_range(panel.get_by_label("تباعد الأسطر"), 2.2)
    panel.get_by_label("ضيّق").check(force=True)
    body_p = ".article__body p"

    def state():
        return page.evaluate(
            """(sel) => {
              const p = document.querySelector(sel);
              const css = getComputedStyle(p);
              return {theme: document.documentElement.dataset.theme || null,
                      background: getComputedStyle(document.body).backgroundColor,
                      fontSize: css.fontSize, lineHeight: css.lineHeight,
                      width: document.querySelector('.reader-layout').getBoundingClientRect().width};
            }""",
            body_p,
        )

    before = state()
    assert before["theme"] == "dark" and before["background"] == "rgb(19, 21, 24)"
    assert before["fontSize"] == "24px"
    assert float(before["lineHeight"].removesuffix("px")) == pytest.approx(24 * 2.2, abs=0.1)

    page.reload()
    after = state()
    assert after == before
    toggle.click()
    assert panel.get_by_label("داكن").is_checked()
    assert panel.get_by_label("حجم النص").input_value() == "24"
    assert panel.get_by_label("ضيّق").is_checked()
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    screenshot(page, "article-dark", full_page=False)

    # Reset brings the defaults back, and they stay after a reload
    toggle.click()
    panel.get_by_role("button", name="استعادة الإعدادات الافتراضية").click()
    page.wait_for_function("!document.documentElement.dataset.theme")
    page.reload()
    assert state()["fontSize"] == "20px" and state()["theme"] is None
    assert console_errors == []


def test_settings_panel_works_with_the_keyboard(live_server, page, seed):
    page.goto(seed.get_absolute_url())
    toggle = page.locator("[data-settings-toggle]")
    toggle.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#reader-settings")
    assert panel.is_visible()
    # focus moved into the panel, onto the checked theme
    assert page.evaluate("document.activeElement.name") == "theme"
    page.keyboard.press("ArrowDown")  # radio group: next theme
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-settings-toggle')")


def test_arabic_indic_digits_setting(live_server, page, seed):
    page.goto(seed.get_absolute_url())
    date = page.locator(".article__meta time")
    assert date.inner_text() == "الثلاثاء 2021/07/27"
    page.locator("[data-settings-toggle]").click()
    page.locator("#rs-digits").check()
    assert date.inner_text() == "الثلاثاء ٢٠٢١/٠٧/٢٧"  # applied at once
    page.reload()
    assert date.inner_text() == "الثلاثاء ٢٠٢١/٠٧/٢٧"  # and rendered so by the server
    assert "2500 جندي" in page.locator(".article__body").inner_text()  # article text unchanged
    pos = page.evaluate(POSITIONS_JS, [".article__meta time", ["٢٠٢١", "٠٧", "٢٧"]])
    assert pos["٢٠٢١"]["left"] < pos["٠٧"]["left"] < pos["٢٧"]["left"], pos


def test_english_interface_keeps_the_article_rtl(live_server, page, seed, screenshot):
    page.goto(seed.get_absolute_url())
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(re.escape(seed.get_absolute_url()) + "$"))
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('article')).direction") == "rtl"
    assert page.locator(".site-name").inner_text() == "Newsreader"
    # the Arabic date inside the English page still reads weekday first, then 2021/07/27
    date = page.evaluate(POSITIONS_JS, [".article__meta time", ["الثلاثاء", "2021", "27"]])
    assert date["2021"]["left"] < date["27"]["left"] <= date["الثلاثاء"]["left"], date
    screenshot(page, "article-english", full_page=False)
    page.goto("/")
    meta = page.locator(".article-card .meta").first
    assert "Tuesday 2021/07/27" in meta.inner_text()
    screenshot(page, "home-english", full_page=False)


def test_home_page(live_server, page, seed, screenshot):
    page.goto("/")
    assert page.locator("h1").inner_text() == "أحدث المقالات"
    card = page.locator(".article-card").first
    card.locator("h2 a").click()
    page.wait_for_url(re.compile(re.escape(seed.get_absolute_url()) + "$"))
    page.go_back()
    screenshot(page, "home-desktop", full_page=False)
