"""brat standoff: a zip of .txt + .ann per article whose offsets are code points of the .txt."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from annotations.exports import brat
from annotations.exports.selection import ArticleDoc
from tests.annotations.exports.conftest import OFFICIAL_QUOTE, QUOTE, run_export

pytestmark = pytest.mark.django_db

T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t(.*)$")


def read_zip(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def t_lines(ann: str) -> dict[str, tuple[str, list[tuple[int, int]], str]]:
    spans = {}
    for line in ann.splitlines():
        found = T_LINE.match(line)
        if found:
            tid, kind, offsets, covered = found.groups()
            pieces = [tuple(map(int, piece.split())) for piece in offsets.split(";")]
            spans[tid] = (kind, pieces, covered)
    return spans


def check_like_brat(txt: str, ann: str) -> None:
    """What brat's server checks on load: each T line's text is the .txt's slice (fragments joined by a space)."""
    for tid, (_kind, pieces, covered) in t_lines(ann).items():
        assert " ".join(txt[s:e] for s, e in pieces) == covered, tid
        assert all("\n" not in txt[s:e] for s, e in pieces), tid


@pytest.fixture
def files(annotated, user, seed_article):
    return read_zip(run_export("brat", user=user))


def test_zip_layout(files, seed_article):
    assert sorted(files) == sorted(
        f"newsreader-brat/{name}"
        for name in (f"{seed_article.pk}.txt", f"{seed_article.pk}.ann", "annotation.conf", "visual.conf")
    )
    assert files[f"newsreader-brat/{seed_article.pk}.txt"] == seed_article.current_revision.text + "\n"


def test_ann_lines(files, seed_article, annotated):
    txt = files[f"newsreader-brat/{seed_article.pk}.txt"]
    ann = files[f"newsreader-brat/{seed_article.pk}.ann"]
    check_like_brat(txt, ann)
    spans = t_lines(ann)
    by_text = {covered: (tid, kind) for tid, (kind, _pieces, covered) in spans.items()}
    quote_tid, kind = by_text[QUOTE]
    assert kind == "Quote"
    speaker_tid = next(tid for tid, (k, p, c) in spans.items() if k == "PER" and p[0][0] == annotated["biden"].start)
    cue_tid, cue_kind = by_text["قال"]
    assert cue_kind == "Cue"
    lines = ann.splitlines()
    assert f"Speaker Arg1:{quote_tid} Arg2:{speaker_tid}" in [line.split("\t")[1] for line in lines if line.startswith("R")]
    assert f"Cue Arg1:{quote_tid} Arg2:{cue_tid}" in [line.split("\t")[1] for line in lines if line.startswith("R")]
    attributes = [line.split("\t")[1] for line in lines if line.startswith("A")]
    official_tid = by_text[OFFICIAL_QUOTE][0]
    assert sorted(attributes) == sorted([f"QuoteType {quote_tid} direct", f"QuoteType {official_tid} partial"])
    notes = [line.split("\t", 2) for line in lines if line.startswith("#")]
    assert [f"AnnotatorNotes {official_tid}", "speaker: مسؤول كبير في الإدارة الأميركية — =SUM(A1) not a formula"] in [
        n[1:] for n in notes
    ]
    assert [f"AnnotatorNotes {speaker_tid}", "الرئيس الأميركي"] in [n[1:] for n in notes]


def test_annotation_conf_declares_every_type(files):
    conf = files["newsreader-brat/annotation.conf"]
    entities = conf.split("[entities]\n")[1].split("\n\n")[0].splitlines()
    assert {"PER", "LOC", "ORG", "Quote", "Cue"} <= set(entities)
    assert "Speaker\tArg1:Quote, Arg2:<ENTITY>" in conf
    assert "QuoteType\tArg:Quote, Value:direct|indirect|partial" in conf
    assert "<OVERLAP>" in conf
    assert "PER\tbgColor:#" in files["newsreader-brat/visual.conf"]


def doc_of(text: str, rows: list[dict]) -> ArticleDoc:
    return ArticleDoc(
        article_id=1, title="t", subtitle="", source_name="s", source_slug="s", published_on=None, source_url="",
        author="", language="ar", direction="rtl", revision_id=1, revision_number=1, revision_created=None,
        text=text, blocks=[], text_hash="", rows=rows,
    )  # fmt: skip


def entity(pk, start, end, code="PER", **extra) -> dict:
    row = {"id": pk, "kind": "entity", "start": start, "end": end, "label__code": code, "note": "", "speaker_id": None}
    return row | extra


def quote(pk, start, end, **extra) -> dict:
    row = {
        "id": pk, "kind": "quote", "start": start, "end": end, "label__code": None, "note": "", "speaker_id": None,
        "speaker_name": "", "speaker__exact": None, "quote_type": "direct", "cue_start": None, "cue_end": None,
    }  # fmt: skip
    return row | extra


def test_offsets_are_code_points_even_after_astral_characters():
    """An emoji is one code point (two UTF-16 units, four UTF-8 bytes): brat counts it as one."""
    text = "🇮🇶 قال 😀 بايدن اليوم"
    start = text.index("بايدن")
    ann = brat.ann(doc_of(text, [entity(1, start, start + 5)]))
    (line,) = ann.splitlines()
    assert line == f"T1\tPER {start} {start + 5}\tبايدن"
    assert start == 9 and len(text[:start].encode("utf-16-le")) // 2 == 12  # not UTF-16 units
    check_like_brat(text, ann)


def test_arabic_offsets_agree_in_every_counting():
    """Arabic letters and diacritics are BMP characters: code points and UTF-16 units agree."""
    text = "قالَ الرئيسُ بايدن"
    start = text.index("بايدن")
    assert len(text[:start].encode("utf-16-le")) // 2 == start
    assert brat.ann(doc_of(text, [entity(1, start, start + 5)])) == f"T1\tPER {start} {start + 5}\tبايدن\n"


def test_a_span_over_a_line_break_is_written_as_fragments():
    text = "قال:\n\nلن نكون هناك\n\nبعد الآن"
    start, end = text.index("لن"), len(text)
    ann = brat.ann(doc_of(text, [quote(1, start, end)]))
    first = ann.splitlines()[0]
    assert first == f"T1\tQuote {start} {text.index('هناك') + 4};{text.index('بعد')} {end}\tلن نكون هناك بعد الآن"
    check_like_brat(text, ann)


def test_the_same_span_marked_twice_is_one_t_line():
    text = "وقال بايدن إن الاتفاق ناجح"
    start = text.index("بايدن")
    rows = [entity(1, start, start + 5, note="أ"), entity(2, start, start + 5, note="ب"), entity(3, start, start + 5, "ORG")]
    ann = brat.ann(doc_of(text, rows))
    assert [line.split("\t")[1] for line in ann.splitlines() if line.startswith("T")] == [
        f"PER {start} {start + 5}",
        f"ORG {start} {start + 5}",
    ]
    assert "#1\tAnnotatorNotes T1\tأ — ب" in ann


def test_notes_become_one_line():
    text = "وقال بايدن"
    ann = brat.ann(doc_of(text, [entity(1, 5, 10, note="سطر أول\nسطر\tثان")]))
    assert ann.splitlines()[-1] == "#1\tAnnotatorNotes T1\tسطر أول سطر ثان"
