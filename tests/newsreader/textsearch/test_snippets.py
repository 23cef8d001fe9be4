"""Snippet rendering (pure): escaping, marks, bidi isolation, windows."""

import pytest

from arabic.normalize import fold
from newsreader.textsearch.snippets import Matcher, highlight, original_offsets, render


def test_render_escapes_and_marks():
    text = "قال <b>الوزير</b> & مضى"
    start = text.index("الوزير")
    assert render(text, 0, len(text), [(start, start + 6)]) == "قال &lt;<bdi>b</bdi>&gt;<mark>الوزير</mark>&lt;/<bdi>b</bdi>&gt; &amp; مضى"


def test_latin_runs_are_isolated_and_marks_nest_inside():
    text = "أعلنت Pfizer BioNTech عن لقاح COVID-19 جديد"
    covid = text.index("COVID")
    html = render(text, 0, len(text), [(covid, covid + 5)])
    assert "<bdi>Pfizer BioNTech</bdi>" in html
    assert "<bdi><mark>COVID</mark>-19</bdi>" in html


def test_a_mark_across_the_edge_of_a_latin_run_is_split():
    text = "قال Biden أمس"
    html = render(text, 0, len(text), [(0, text.index(" أمس"))])
    assert html == "<mark>قال </mark><bdi><mark>Biden</mark></bdi> أمس"


@pytest.mark.parametrize("start, end", [(0, 3), (4, 9), (2, 7)])
def test_render_window_is_exact(start, end):
    text = "abc defghi jkl"
    html = render(text, start, end, [])
    assert html.replace("<bdi>", "").replace("</bdi>", "") == text[start:end]


def test_highlight_without_any_match_shows_the_opening():
    text = "عنوان\n\nالفقرة الأولى هنا."
    blocks = [{"kind": "title", "start": 0, "end": 5}, {"kind": "paragraph", "start": 7, "end": len(text)}]
    marked = highlight(text, blocks, {}, Matcher(words=(), phrases=()))
    assert marked.title_html == "عنوان" and marked.snippet_html == "الفقرة الأولى هنا." and marked.matched_terms == 0


@pytest.mark.parametrize("text", ["", "بلا تشكيل", "قالَ الرَّئِيسُ إِنَّ الانْتِخَابَاتِ", "ـــعـــراق ُ", "\u064e\u064f"])
def test_original_offsets_agree_with_fold(text):
    folded = fold(text)
    to_original = original_offsets(text)
    assert [to_original(i) for i in range(len(folded.text))] == folded.index[:-1]
