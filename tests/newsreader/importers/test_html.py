"""Web pages, extracted with trafilatura (pages built here, no network)."""

from datetime import date

import pytest

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
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="rtl"><head><meta charset="{charset}"><title>{title} | جريدة الغد</title>
<meta property="og:title" content="{title}">{head}</head>
<body>
<header><nav><a href="/">الرئيسية</a> <a href="/sport">رياضة</a> <a href="/economy">اقتصاد</a></nav></header>
<main><article>{f"<h1>{title}</h1>" if h1 else ""}{body}</article>
<aside><h2>اقرأ أيضا</h2><ul><li><a href="/x">خبر آخر عن الطقس</a></li></ul></aside></main>
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
    html = page(head=META, charset="windows-1256").replace("5.2 مليون", "خمسة ملايين")
    (a,) = parse(html.encode("cp1256"))
    assert a.title == "الحكومة تعلن خطة جديدة للنقل العام"
    assert a.dateline == "عمّان"


def test_english_page_is_left_to_right():
    text = [
        "London - The government announced a new plan for public transport on Wednesday, worth 5.2 million pounds "
        "over three years, in a move meant to ease congestion in the capital."
    ] * 2
    (a,) = parse(page(title="Transport plan", paragraphs=text, lang="en-GB").encode())
    assert a.language == "en" and a.direction == "ltr"


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
