"""Web pages, extracted with trafilatura (pages built here, no network)."""

from datetime import date

import pytest

from newsreader.document import compose
from newsreader.importers.base import ArticleImportError
from newsreader.importers.html import parse

PARAGRAPHS = [
    "عمّان – أعلنت الحكومة الأردنية الأربعاء خطة جديدة لتطوير النقل العام في العاصمة بكلفة تصل إلى 5.2 مليون دولار، "
    "في خطوة تهدف إلى تخفيف الازدحام في ساعات الذروة.",
    'وقال وزير النقل سامي الحداد إن "الخطة ستبدأ مطلع العام المقبل وتشمل شراء 150 حافلة حديثة"، '
    "مضيفا أن الوزارة ستراجع التعرفة بعد ستة أشهر من التشغيل.",
    "وأوضح أن المشروع يمتد على ثلاث مراحل تنتهي في 2023، لافتا إلى أن الحكومة ستطرح عطاءات المرحلة الأولى "
    "خلال الأسابيع المقبلة.",
]


def page(
    *,
    title="الحكومة تعلن خطة جديدة للنقل العام",
    head="",
    paragraphs=PARAGRAPHS,
    lang="ar",
    charset="utf-8",
    h1=True,
    figure="",
    sidebar="",
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="rtl"><head><meta charset="{charset}"><title>{title} | جريدة الغد</title>
<meta property="og:title" content="{title}">{head}</head>
<body>
<header><nav><a href="/">الرئيسية</a> <a href="/sport">رياضة</a> <a href="/economy">اقتصاد</a></nav></header>
<main><article>{f"<h1>{title}</h1>" if h1 else ""}{figure}{body}</article>
<aside>{sidebar}<h2>اقرأ أيضا</h2><ul><li><a href="/x">خبر آخر عن الطقس</a></li></ul></aside></main>
<footer>جميع الحقوق محفوظة لجريدة الغد 2021</footer>
</body></html>"""


META = (
    '<meta property="og:site_name" content="جريدة الغد">'
    '<meta name="author" content="سارة أحمد">'
    '<meta property="article:published_time" content="2021-07-28T10:00:00+03:00">'
    '<meta name="description" content="خطة بقيمة 5.2 مليون دولار لتحسين الحافلات">'
    '<link rel="canonical" href="https://alghad.example/news/2021/07/28/transport">'
)


def test_article_page_every_field():
    (a,) = parse(page(head=META).encode())
    assert a.title == "الحكومة تعلن خطة جديدة للنقل العام"
    assert a.body == tuple(PARAGRAPHS)  # no headline repeated, no menu, no footer, no aside
    assert a.published_on == date(2021, 7, 28)
    assert a.author == "سارة أحمد"
    assert a.source_name == "جريدة الغد"
    assert a.source_url == "https://alghad.example/news/2021/07/28/transport"
    assert a.subtitle == "خطة بقيمة 5.2 مليون دولار لتحسين الحافلات"
    assert a.dateline == "عمّان"
    assert a.caption == ""
    assert a.language == "ar" and a.direction == "rtl"


def test_without_metadata_there_is_no_date_nor_author():
    (a,) = parse(page().encode())
    assert (a.published_on, a.author, a.source_url) == (None, "", "")
    assert a.title == "الحكومة تعلن خطة جديدة للنقل العام"
    assert len(a.body) == 3


def test_description_repeating_the_first_paragraph_is_not_a_lede():
    head = f'<meta name="description" content="{PARAGRAPHS[0][:80]}…">'
    (a,) = parse(page(head=head).encode())
    assert a.subtitle == ""


def test_headline_from_title_tag_without_h1():
    (a,) = parse(page(h1=False).encode())
    assert a.title == "الحكومة تعلن خطة جديدة للنقل العام"
    assert a.body[0] == PARAGRAPHS[0]


def test_legacy_arabic_encoding_is_decoded():
    html = page(head=META, charset="windows-1256", figure=FIGURE).replace("5.2 مليون", "خمسة ملايين")
    (a,) = parse(html.encode("cp1256"))
    assert a.title == "الحكومة تعلن خطة جديدة للنقل العام"
    assert a.dateline == "عمّان"
    assert a.caption == "حافلة جديدة في محطة العبدلي"  # the caption is read from the same decoded page


def test_english_page_is_left_to_right():
    text = [
        "London - The government announced a new plan for public transport on Wednesday, worth 5.2 million pounds "
        "over three years, in a move meant to ease congestion in the capital."
    ] * 2
    (a,) = parse(page(title="Transport plan", paragraphs=text, lang="en-GB").encode())
    assert a.language == "en" and a.direction == "ltr"


FIGURE = '<figure><img src="/img/bus.jpg" alt="حافلة"><figcaption>حافلة جديدة في محطة العبدلي</figcaption></figure>'


def test_caption_from_the_figcaption_of_the_articles_figure():
    (a,) = parse(page(head=META, figure=FIGURE).encode())
    assert a.caption == "حافلة جديدة في محطة العبدلي"
    assert a.body == tuple(PARAGRAPHS)  # the caption is not repeated in the body
    # It becomes the caption block of the annotatable text, between the lede and the body.
    doc = compose(title=a.title, subtitle=a.subtitle, caption=a.caption, body=list(a.body))
    assert [b["kind"] for b in doc.blocks] == ["title", "subtitle", "caption", "paragraph", "paragraph", "paragraph"]
    block = doc.blocks[2]
    assert doc.text[block["start"] : block["end"]] == a.caption


def test_markup_in_a_caption_is_reduced_to_its_text():
    figure = (
        "<figure><img src='/a.jpg'><figcaption>\n  وزير <b>النقل</b> سامي&nbsp;<a href='/p/1'>الحداد</a>\u200b"
        "<!-- مصدر الصورة --><br>تصوير: <span class='credit'><i>رويترز</i></span>\n</figcaption></figure>"
    )
    (a,) = parse(page(figure=figure).encode())
    # Inline markup joins words, <br> separates them, comments vanish, spaces and
    # invisible characters are cleaned as in every other field.
    assert a.caption == "وزير النقل سامي الحداد تصوير: رويترز"


def test_script_in_a_caption_is_dropped_and_escaped_markup_stays_text():
    figure = (
        "<figure><img src='/a.jpg'><figcaption>حافلة<script>document.title = 'اختراق'</script>"
        "<style>.x{color:red}</style> &lt;script&gt;alert(1)&lt;/script&gt;</figcaption></figure>"
    )
    (a,) = parse(page(figure=figure).encode())
    # A <script> element is not text a reader sees; text that merely looks like a
    # tag (written as &lt;script&gt; on the page) is what the page shows, kept
    # literally as text: the reader escapes it like any other text.
    assert a.caption == "حافلة <script>alert(1)</script>"


@pytest.mark.parametrize(
    "figure",
    [
        "",  # no figure at all
        "<figure><img src='/a.jpg' alt='حافلة'></figure>",  # a figure without a caption (alt is not a caption)
        "<figure><img src='/a.jpg'><figcaption> \u200b </figcaption></figure>",  # an empty one
    ],
)
def test_no_caption(figure):
    (a,) = parse(page(head=META, figure=figure).encode())
    assert a.caption == ""


def test_figcaption_in_a_sidebar_is_not_the_articles():
    sidebar = "<figure><img src='/w.jpg'><figcaption>توقعات الطقس لنهاية الأسبوع</figcaption></figure>"
    (a,) = parse(page(sidebar=sidebar).encode())
    assert a.caption == ""
    (a,) = parse(page(sidebar=sidebar, figure=FIGURE).encode())
    assert a.caption == "حافلة جديدة في محطة العبدلي"


def test_page_without_article_element_skips_the_sidebar_before_the_text():
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        "<html lang='ar'><head><title>الحكومة تعلن خطة جديدة للنقل العام</title></head><body>"
        "<header><figure><img src='/logo.png'><figcaption>شعار الجريدة</figcaption></figure></header>"
        "<aside><figure><img src='/w.jpg'><figcaption>توقعات الطقس</figcaption></figure></aside>"
        f"<div class='story'><h1>الحكومة تعلن خطة جديدة للنقل العام</h1>{FIGURE}{body}</div></body></html>"
    )
    (a,) = parse(html.encode())
    assert a.caption == "حافلة جديدة في محطة العبدلي"


def test_related_story_cards_are_not_the_article():
    card = (
        "<article class='card'><figure><img src='/c.jpg'><figcaption>ملعب عمّان الدولي</figcaption></figure>"
        "<p><a href='/sport/1'>الفيصلي يفوز</a></p></article>"
    )
    html = page(figure=FIGURE).replace("<main>", f"<main>{card}")
    (a,) = parse(html.encode())
    assert a.caption == "حافلة جديدة في محطة العبدلي"


def test_caption_from_the_lead_images_alt_text_when_no_figcaption():
    head = '<meta property="og:image" content="https://alghad.example/bus.jpg">' + (
        '<meta property="og:image:alt" content=" حافلة&#160;جديدة في محطة العبدلي ">'
    )
    (a,) = parse(page(head=head).encode())
    assert a.caption == "حافلة جديدة في محطة العبدلي"
    # The article's own figcaption wins over the metadata.
    figure = "<figure><img src='/a.jpg'><figcaption>وزير النقل سامي الحداد</figcaption></figure>"
    (a,) = parse(page(head=head, figure=figure).encode())
    assert a.caption == "وزير النقل سامي الحداد"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"<html><head><title>x</title></head><body></body></html>", "no article text found"),
    ],
)
def test_bad_pages(data, message):
    with pytest.raises(ArticleImportError, match=message):
        parse(data)


def test_page_without_any_headline():
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>"
    with pytest.raises(ArticleImportError, match="no headline found") as caught:
        parse(html.encode())
    assert caught.value.field == "title"


@pytest.mark.parametrize(
    "headline",
    [
        "الحكومة تعلن<script>var tracking = 1;</script> خطة جديدة للنقل العام",
        "<script>alert('x')</script>الحكومة تعلن خطة جديدة للنقل العام",
        "الحكومة تعلن <style>h1 {color: red}</style>خطة جديدة للنقل العام",
    ],
)
def test_script_and_style_text_never_reach_the_title(headline):
    """Issue 14: the code of a <script> in the headline was read as its text."""
    html = page(h1=False, paragraphs=[f"<h1>{headline}</h1>", *PARAGRAPHS]).replace("<p><h1>", "<h1>").replace("</h1></p>", "</h1>")
    html = html.replace("<title>الحكومة تعلن خطة جديدة للنقل العام | جريدة الغد</title>", "<title>x</title>")
    html = html.replace('<meta property="og:title" content="الحكومة تعلن خطة جديدة للنقل العام">', "")
    (article,) = parse(html.encode())
    assert "tracking" not in article.title and "alert" not in article.title and "color" not in article.title
    assert "خطة جديدة للنقل العام" in article.title


def test_json_ld_metadata_is_still_read():
    head = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", "author": {"@type": "Person", "name": "سارة أحمد"}, "datePublished": "2021-07-28"}</script>'
    (article,) = parse(page(head=head).encode())
    assert article.author == "سارة أحمد"
