"""JSON and JSON Lines articles."""

import json
from datetime import date

import pytest

from newsreader.importers.base import ArticleImportError
from newsreader.importers.structured import parse_json, parse_jsonl

FULL = {
    "title": "عنوان الخبر",
    "subtitle": "مقدمة الخبر",
    "caption": "تعليق الصورة",
    "published_on": "2021-07-27",
    "source_name": "وكالة الأنباء",
    "source_url": "https://news.example.org/a/1",
    "author": "سارة أحمد",
    "language": "ar",
    "body": ["القاهرة – قال الوزير إن الخطة جاهزة.", "وأضاف أن التنفيذ يبدأ في 2022."],
}


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def jsonl(*objects) -> bytes:
    return "\n".join(json.dumps(o, ensure_ascii=False) for o in objects).encode() + b"\n"


def test_one_object_every_field():
    (a,) = parse_json(dumps(FULL))
    assert a.title == "عنوان الخبر"
    assert a.subtitle == "مقدمة الخبر"
    assert a.caption == "تعليق الصورة"
    assert a.published_on == date(2021, 7, 27)
    assert a.source_name == "وكالة الأنباء"
    assert a.source_url == "https://news.example.org/a/1"
    assert a.author == "سارة أحمد"
    assert a.language == "ar" and a.direction == "rtl"
    assert a.body == tuple(FULL["body"])
    assert a.dateline == "القاهرة"  # found in the first paragraph when not given
    assert a.line == 1


def test_list_of_objects_knows_each_line():
    second = {"title": "خبر ثان", "body": "بغداد (رويترز) – نص.\n\nفقرة ثانية."}
    articles = parse_json(dumps([FULL, second]))
    assert [a.title for a in articles] == ["عنوان الخبر", "خبر ثان"]
    assert articles[1].body == ("بغداد (رويترز) – نص.", "فقرة ثانية.")
    assert articles[1].dateline == "بغداد"
    assert articles[0].line == 2 and articles[1].line > articles[0].line


def test_minimal_object_and_nulls():
    (a,) = parse_json(dumps({"title": "ع", "body": "نص", "subtitle": None, "published_on": None, "author": None}))
    assert (a.subtitle, a.published_on, a.author, a.language, a.source_name) == ("", None, "", "ar", "")


def test_explicit_dateline_wins_even_empty():
    assert parse_json(dumps({**FULL, "dateline": "الجيزة"}))[0].dateline == "الجيزة"
    assert parse_json(dumps({**FULL, "dateline": ""}))[0].dateline == ""


@pytest.mark.parametrize("value", ["2021-07-27", "27/07/2021", "2021-07-27T10:00:00+03:00", "٢٠٢١/٠٧/٢٧"])
def test_published_on_styles(value):
    assert parse_json(dumps({**FULL, "published_on": value}))[0].published_on == date(2021, 7, 27)


def test_english_article_is_left_to_right():
    (a,) = parse_json(dumps({"title": "Title", "body": "Text", "language": "en-GB"}))
    assert a.direction == "ltr"


def test_jsonl_two_articles_and_blank_lines():
    data = jsonl(FULL) + b"\n  \n" + jsonl({"title": "ثان", "body": ["دبي – نص"]})
    first, second = parse_jsonl(data)
    assert (first.line, second.line) == (1, 4)
    assert second.dateline == "دبي"


def test_jsonl_keeps_line_separator_inside_strings():
    (a,) = parse_jsonl(jsonl({"title": "عنوان\u2028مقسوم", "body": "نص"}))
    assert a.title == "عنوان مقسوم"


# --- bad input ----------------------------------------------------------------
@pytest.mark.parametrize(
    "data, line, column, message",
    [
        (b"", None, None, "the file is empty"),
        (b'{"title": "x", "body": "y"', 1, 27, "invalid JSON: Expecting ',' delimiter"),
        (b'{\n  "title": "x",\n  "body": "y",\n}', 4, 1, "invalid JSON: Expecting property name enclosed in"),
        (b'[{"title": "x", "body": "y"}\n {"title": "z", "body": "w"}]', 2, 2, "expected ',' or ']' after a list item"),
        (b'{"title": "x", "body": "y"} {}', 1, 29, "extra data after the end of the document"),
        (b"[]", 1, None, "the list holds no articles"),
        (b'"just a string"', 1, None, "expected an article object, found a string"),
    ],
)
def test_bad_json(data, line, column, message):
    with pytest.raises(ArticleImportError, match=message) as caught:
        parse_json(data)
    assert (caught.value.line, caught.value.column) == (line, column)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"title": None}, "title", "missing field 'title'"),
        ({"body": None}, "body", "missing field 'body'"),
        ({"title": 42}, "title", "field 'title' must be a string, not a number"),
        ({"title": "  \u200b "}, "title", "field 'title' is empty"),
        ({"subtitle": ["a"]}, "subtitle", "field 'subtitle' must be a string, not a list"),
        ({"body": 7}, "body", "field 'body' must be a string or a list of strings, not a number"),
        ({"body": ["a", None]}, "body", "field 'body' item 2 must be a string, not null"),
        ({"body": ["", "  "]}, "body", "field 'body' has no text"),
        ({"published_on": 20210727}, "published_on", "field 'published_on' must be a date string"),
        ({"published_on": "2021-13-01"}, "published_on", "month 13 must be between 1 and 12"),
        ({"published_on": "next week"}, "published_on", "'next week' is not a date"),
        ({"titel": "x"}, "titel", "unknown field 'titel'"),
        ({"source_url": True}, "source_url", "field 'source_url' must be a string, not true/false"),
    ],
)
def test_bad_fields(change, field, message):
    obj = {**FULL, **change}
    obj = {k: v for k, v in obj.items() if not (k in ("title", "body") and v is None)}
    with pytest.raises(ArticleImportError, match=message) as caught:
        parse_json(dumps(obj))
    assert caught.value.field == field
    assert caught.value.line == 1


def test_jsonl_error_names_the_line():
    lines = [FULL] * 6 + [{"body": "نص بلا عنوان"}]
    with pytest.raises(ArticleImportError) as caught:
        parse_jsonl(jsonl(*lines))
    assert caught.value.line == 7
    assert str(caught.value.in_file("news.jsonl")) == "news.jsonl: line 7: missing field 'title'"


def test_jsonl_invalid_json_has_line_and_column():
    data = jsonl(FULL) + b'{"title": "x" "body": "y"}\n'
    with pytest.raises(ArticleImportError, match="invalid JSON: Expecting ',' delimiter") as caught:
        parse_jsonl(data)
    assert (caught.value.line, caught.value.column) == (2, 15)


def test_list_item_error_names_its_line_and_column():
    data = b'[{"title": "a", "body": "b"}, {"title": "c", "body": 5}]'
    with pytest.raises(ArticleImportError, match="field 'body' must be") as caught:
        parse_json(data)
    assert (caught.value.line, caught.value.column) == (1, 31)


@pytest.mark.parametrize("parser", [parse_json, parse_jsonl])
def test_not_utf8(parser):
    data = '{"title": "'.encode() + "عنوان".encode("cp1256") + b'", "body": "x"}'
    with pytest.raises(ArticleImportError, match="not UTF-8 text") as caught:
        parser(data)
    assert (caught.value.line, caught.value.column) == (1, 12)


def test_jsonl_empty():
    with pytest.raises(ArticleImportError, match="the file is empty"):
        parse_jsonl(b"\n\n")
