"""The plain-text article format (newspaper export layout)."""

from datetime import date

import pytest

from newsreader.importers.base import ArticleImportError
from newsreader.importers.datelines import find_dateline
from newsreader.importers.dates import DateError, parse_date, parse_date_line
from newsreader.importers.plaintext import parse, parse_text
from tests.conftest import SAMPLES_DIR

SEED = SAMPLES_DIR / "000_42df4bdc5be6c26b.txt"

FIRST_PARAGRAPH = (
    "واشنطن – وقع الرئيس الأميركي جو بايدن ورئيس الوزراء العراقي مصطفى الكاظمي الاثنين اتفاقا ينهي رسميا "
    "المهمة القتالية الأميركية في العراق بحلول نهاية 2021، لكن القوات الأميركية ستظل تعمل هناك في دور استشاري."
)
LAST_PARAGRAPH = 'وقال بايدن "نتطلع إلى أن نشهد انتخابات (في العراق) في أكتوبر".'

BODY = "واشنطن – قال المتحدث إن الاجتماع كان مثمرا.\nوأضاف أن المحادثات ستستمر."


def article(*lines: str):
    return parse_text("\n".join(lines))


# --- the seed article ---------------------------------------------------------
def test_seed_every_field():
    (a,) = parse(SEED.read_bytes())
    assert a.title == 'بايدن يحدّد موعد نهاية "المهمّة القتالية" للأميركيين في العراق'
    assert a.subtitle == (
        "الرئيس الأميركي يؤكد خلال لقائه رئيس الوزراء العراقي أن تعاون واشنطن مع بغداد في محاربة الإرهاب سيستمر."
    )
    assert a.published_on == date(2021, 7, 27)
    assert a.caption == "استمرار دعم العراق استخباراتيا"
    assert a.dateline == "واشنطن"
    assert len(a.body) == 27
    assert a.body[0] == FIRST_PARAGRAPH  # the dateline stays in the text
    assert a.body[-1] == LAST_PARAGRAPH
    assert a.source_name == "" and a.source_url == "" and a.author == ""
    assert a.language == "ar" and a.direction == "rtl"
    assert a.line == 1


def test_seed_paragraphs_are_its_non_blank_lines():
    lines = [line.strip() for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    (a,) = parse(SEED.read_bytes())
    # headline, lede, date line and caption come first; every other line is a paragraph
    assert list(a.body) == lines[4:]


# --- dates --------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "الثلاثاء 2021/07/27",
        "الثلاثاء 27/07/2021",
        "الثلاثاء 2021-07-27",
        "2021-07-27",
        "27.07.2021",
        "الثلاثاء ٢٠٢١/٠٧/٢٧",  # Arabic-Indic digits
        "الثلاثاء ۲۷/۰۷/۲۰۲۱",  # Persian digits
        "الثلاثاء، 27 يوليو 2021",
        "27 تموز 2021",
        "الثلاثاء 27 يوليو/تموز 2021م",
        "الثلاثاء 2021/07/27 - 10:30",
        "الثلاثاء 17 ذو الحجة 1442 هـ - 27 يوليو 2021",
    ],
)
def test_date_line_styles(line):
    assert parse_date_line(line) == date(2021, 7, 27)
    assert article("عنوان", "مقدمة", line, "تعليق الصورة", BODY).published_on == date(2021, 7, 27)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("الأحد 2021/08/01", date(2021, 8, 1)),
        ("الإثنين 2 آب 2021", date(2021, 8, 2)),
        ("السبت 25 كانون الأول 2021", date(2021, 12, 25)),
        ("الجمعة 1 جانفي 2021", date(2021, 1, 1)),
    ],
)
def test_other_dates(line, expected):
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "استمرار دعم العراق استخباراتيا",
        "الخميس المقبل موعد الانتخابات",
        "الخميس المقبل، 29/07/2021، تنطلق الحملة الانتخابية رسميا.",  # a lede, not a date line
        "2021 عام صعب على الاقتصاد",
        "5.2 مليون",
    ],
)
def test_lines_that_are_not_dates(line):
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    "line, message",
    [
        ("الثلاثاء 2021/13/45", "month 13 must be between 1 and 12"),
        ("2021/02/30", "month 2 of 2021 has no day 30"),
        ("07/27/2021", "month 27 must be between 1 and 12"),
        ("27/07/21", "the year must have four digits"),
        ("الاثنين 2021/07/27", "the weekday الاثنين does not match 2021/07/27, which is a الثلاثاء"),
        ("الثلاثاء 2021/7", "holds no date this importer understands"),
        ("الثلاثاء 27/07/3021", "year 3021 is out of range"),
    ],
)
def test_bad_date_lines(line, message):
    with pytest.raises(DateError, match=message):
        parse_date_line(line)


def test_parse_date_accepts_iso_datetimes_and_refuses_words():
    assert parse_date("2021-07-27T10:00:00+03:00") == date(2021, 7, 27)
    with pytest.raises(DateError, match="is not a date"):
        parse_date("yesterday")


# --- datelines ----------------------------------------------------------------
@pytest.mark.parametrize(
    "paragraph, place",
    [
        ("واشنطن – وقع الرئيس", "واشنطن"),
        ("بغداد - قال المتحدث", "بغداد"),
        ("القاهرة—أعلنت الحكومة", "القاهرة"),
        ("الرياض ـ أكد الوزير", "الرياض"),
        ("نيويورك – دعت الأمم المتحدة", "نيويورك"),
        ("دبي-أطلقت الإمارة", "دبي"),
        ("بغداد (رويترز) – أعلنت الوزارة", "بغداد"),
        ("باريس (أ ف ب): أعلن", "باريس"),
        ("أبوظبي (وام) - أعلنت", "أبوظبي"),
        ("الدار البيضاء – أكد", "الدار البيضاء"),
        ("عمّان ـأعلنت", "عمّان"),
        ("بيروتـ أقر المجلس", "بيروت"),
    ],
)
def test_datelines(paragraph, place):
    assert find_dateline(paragraph) == place
    a = article("عنوان", "الثلاثاء 2021/07/27", paragraph)
    assert a.dateline == place
    assert a.body == (paragraph,)  # the dateline stays in the paragraph


@pytest.mark.parametrize(
    "paragraph",
    [
        "وأضاف: إن الوضع مستقر",  # a colon needs an agency tag
        "وقال بايدن إن المهمة انتهت",
        "ويأتي الاتفاق في وقت حساس - كما قال",  # more than two words before the dash
        "بغدادـقال",  # tatweel inside a word is elongation, not a dash
        "2021 – عام الانتخابات",
        "بغداد – ",
    ],
)
def test_not_datelines(paragraph):
    assert find_dateline(paragraph) == ""


# --- optional parts -----------------------------------------------------------
def test_no_lede():
    a = article("عنوان", "الثلاثاء 2021/07/27", "تعليق الصورة", BODY)
    assert (a.subtitle, a.caption, a.published_on) == ("", "تعليق الصورة", date(2021, 7, 27))
    assert a.body[0].startswith("واشنطن –") and len(a.body) == 2


def test_no_caption_when_the_body_follows_the_date():
    a = article("عنوان", "مقدمة", "الثلاثاء 2021/07/27", BODY)
    assert (a.subtitle, a.caption, a.dateline) == ("مقدمة", "", "واشنطن")
    assert len(a.body) == 2


def test_long_line_after_the_date_is_body_not_caption():
    long_line = " ".join(["كلمة"] * 30) + "."
    a = article("عنوان", "مقدمة", "الثلاثاء 2021/07/27", long_line, "فقرة ثانية.")
    assert a.caption == "" and a.body == (long_line, "فقرة ثانية.")
    assert a.dateline == ""


def test_single_line_after_the_date_is_the_body():
    a = article("عنوان", "الثلاثاء 2021/07/27", "فقرة وحيدة قصيرة")
    assert a.caption == "" and a.body == ("فقرة وحيدة قصيرة",)


def test_no_date_line():
    a = article("عنوان", "مقدمة الخبر", BODY)
    assert (a.published_on, a.subtitle, a.caption, a.dateline) == (None, "مقدمة الخبر", "", "واشنطن")
    assert len(a.body) == 2


def test_no_date_line_caption_needs_a_dateline_after_it():
    a = article("عنوان", "مقدمة الخبر", "تعليق الصورة", BODY)
    assert (a.subtitle, a.caption) == ("مقدمة الخبر", "تعليق الصورة")
    b = article("عنوان", "مقدمة الخبر", "فقرة أولى بلا مكان", "فقرة ثانية")
    assert (b.subtitle, b.caption) == ("مقدمة الخبر", "")
    assert b.body == ("فقرة أولى بلا مكان", "فقرة ثانية")


def test_no_date_no_lede_body_starts_with_dateline():
    a = article("عنوان", BODY)
    assert (a.subtitle, a.caption, a.dateline) == ("", "", "واشنطن")
    assert len(a.body) == 2


def test_title_and_one_line():
    a = article("عنوان", "فقرة وحيدة")
    assert a.subtitle == "" and a.body == ("فقرة وحيدة",)


def test_blank_lines_carry_no_meaning():
    dense = article("عنوان", "مقدمة", "الثلاثاء 2021/07/27", "تعليق", BODY)
    head = "\n\n عنوان \n\n\nمقدمة\n\nالثلاثاء 2021/07/27\n\n\nتعليق\n\n"
    airy = parse_text(head + BODY.replace("\n", "\n\n\n") + "\n\n")
    assert dense == airy


def test_line_endings_bom_and_junk_are_cleaned():
    raw = "\ufeffعنوان\u200b الخبر\r\nمقدمة\r\nالثلاثاء\u00a02021/07/27\r\nتعليق\r\n" + BODY.replace("\n", "\r\n")
    a = parse(raw.encode("utf-8"))[0]
    assert a.title == "عنوان الخبر"
    assert a.published_on == date(2021, 7, 27)
    assert a.caption == "تعليق"
    assert a.body[1] == "وأضاف أن المحادثات ستستمر."


def test_utf16_with_bom_is_read():
    raw = "عنوان\nالثلاثاء 2021/07/27\n" + BODY
    assert parse(raw.encode("utf-16"))[0].dateline == "واشنطن"


# --- bad input ----------------------------------------------------------------
@pytest.mark.parametrize(
    "data, line, message",
    [
        (b"", None, "the file is empty"),
        (b"  \n\n \t\n", None, "the file is empty"),
        ("عنوان وحيد\n".encode(), 1, "a headline but no body"),
        ("\n\nعنوان وحيد\n".encode(), 3, "a headline but no body"),
        ("عنوان\nمقدمة\nالثلاثاء 2021/07/27\n".encode(), 3, "no body text"),
        ("الثلاثاء 2021/07/27\nمقدمة\nفقرة\n".encode(), 1, "expected the headline on the first line, found a date"),
        ("عنوان\nمقدمة\nالثلاثاء 2021/13/45\nتعليق\nفقرة".encode(), 3, "bad date: .* month 13 must be between 1"),
        ("عنوان\n\nمقدمة\n\nالاثنين 2021/07/27\nفقرة".encode(), 5, "bad date: the weekday الاثنين does not match"),
    ],
)
def test_bad_files(data, line, message):
    with pytest.raises(ArticleImportError, match=message) as caught:
        parse(data)
    assert caught.value.line == line


def test_not_utf8_reports_line_and_column():
    data = "عنوان\nمقدمة ".encode() + "الخبر".encode("cp1256") + b"\n"
    with pytest.raises(ArticleImportError) as caught:
        parse(data)
    error = caught.value
    assert (error.line, error.column) == (2, 7)
    assert "not UTF-8 text (byte 0xc7 cannot be decoded)" in error.reason
    assert str(error) == f"line 2, column 7: {error.reason}"
    assert str(error.in_file("x.txt")).startswith("x.txt: line 2, column 7: the file is not UTF-8")
