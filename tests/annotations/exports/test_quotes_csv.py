"""The CSV of quotes: columns, Arabic in spreadsheets (BOM), and no formulas."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.exports import quotes_csv
from tests.annotations.exports.conftest import BASE, OFFICIAL_QUOTE, QUOTE, run_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(annotated, user):
    data = run_export("quotes-csv", user=user)
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_one_row_per_quote(table, seed_article, annotated):
    assert [row["quote"] for row in table] == [QUOTE, OFFICIAL_QUOTE]
    first = table[0]
    assert first == {
        "speaker": "بايدن",
        "quote": QUOTE,
        "type": "direct",
        "cue": "قال",
        "article_title": seed_article.current_revision.title,
        "article_id": str(seed_article.pk),
        "date": "2021-07-27",
        "source": seed_article.source.name,
        "speaker_label": "PER",
        "start": str(annotated["quote"].start),
        "end": str(annotated["quote"].end),
        "annotation_id": str(annotated["quote"].pk),
        "note": "",
        "creator": annotated["quote"].creator.username,
        "status": "human",
        "article_url": f"{BASE}/articles/{seed_article.pk}/",
    }


def test_a_speaker_named_in_free_text(table):
    official = table[1]
    assert (official["speaker"], official["speaker_label"], official["type"], official["cue"]) == (
        "مسؤول كبير في الإدارة الأميركية",
        "",
        "partial",
        "",
    )


def test_formulas_are_defused(table):
    assert table[1]["note"] == "'=SUM(A1) not a formula"


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+9647", "'+9647"), ("-2", "'-2"), ("@SUM", "'@SUM"), ("قال", "قال"), (None, ""), (12, "12")],
)
def test_safe(value, cell):
    assert quotes_csv.safe(value) == cell


def test_rows_end_with_crlf(annotated, user):
    data = run_export("quotes-csv", user=user).decode("utf-8-sig")
    assert data.count("\r\n") == 3 and data.startswith(",".join(quotes_csv.COLUMNS) + "\r\n")


def test_no_quotes_is_just_the_header(seed_article):
    assert run_export("quotes-csv").decode("utf-8-sig") == ",".join(quotes_csv.COLUMNS) + "\r\n"
