"""arabic.anchoring: span checks, finding quotes again, mapping offsets across edits."""

import pytest

from arabic.anchoring import (
    AnchorError,
    OffsetMap,
    SpanError,
    anchor,
    check_span,
    cluster_at,
    context,
    is_boundary,
    locate,
    loose,
    snap,
)

# ق0 ا1 ل2 َ3 ␠4 ب5 ا6 ي7 د8 ن9 ␠10 إ11 ن12 ّ13 ␠14 ...
TEXT = "قالَ بايدن إنّ الحرب انتهت. وقال بايدن لاحقا"


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 4), (5, 10), (11, 14), (12, 14), (0, len(TEXT)), (len(TEXT) - 1, len(TEXT))],
)
def test_valid_spans(start, end):
    check_span(TEXT, start, end)


@pytest.mark.parametrize(
    ("start", "end", "code", "field", "words"),
    [
        (-1, 3, "out_of_range", "start", "must be 0 or more"),
        (0, len(TEXT) + 1, "out_of_range", "end", f"past the end of the text ({len(TEXT)} characters)"),
        (len(TEXT), len(TEXT) + 1, "out_of_range", "end", "past the end"),
        (5, 5, "reversed", "end", "end (5) must be greater than start (5)"),
        (9, 5, "reversed", "end", "must be greater than start"),
        (3, 10, "starts_on_mark", "start", "U+064E ARABIC FATHA"),
        (13, 20, "starts_on_mark", "start", "U+0651 ARABIC SHADDA"),
        (0, 3, "splits_cluster", "end", "use 2 or 4"),
        (11, 13, "splits_cluster", "end", "U+0651"),
    ],
)
def test_invalid_spans(start, end, code, field, words):
    with pytest.raises(SpanError) as caught:
        check_span(TEXT, start, end)
    assert caught.value.code == code
    assert caught.value.field == field
    assert words in caught.value.message


def test_start_on_mark_suggests_the_letter():
    with pytest.raises(SpanError, match="start at 12 instead"):
        check_span(TEXT, 13, 14)


@pytest.mark.parametrize(
    ("text", "pos", "boundary"),
    [
        ("e\u0301x", 1, False),  # e + combining acute
        ("👍🏽x", 1, False),  # emoji + skin tone modifier
        ("👩\u200d💻x", 2, False),  # ZWJ sequence
        ("👩\u200d💻x", 3, True),
        ("لا", 1, True),  # lam-alef is two letters, two clusters
        ("ab\n\u064ec", 3, True),  # a mark after a line feed starts its own cluster
    ],
)
def test_grapheme_boundaries(text, pos, boundary):
    assert is_boundary(text, pos) is boundary


def test_cluster_at_keeps_diacritics_together():
    assert cluster_at(TEXT, 12) == (12, 14)
    assert cluster_at(TEXT, 13) == (12, 14)


def test_custom_field_names_in_errors():
    with pytest.raises(SpanError) as caught:
        check_span(TEXT, 3, 9, start_field="cue_start", end_field="cue_end")
    assert caught.value.field == "cue_start"
    assert "cue_start (3)" in caught.value.message


def test_context_is_32_characters_each_side():
    text = "أ" * 40 + "بايدن" + "ب" * 40
    prefix, suffix = context(text, 40, 45)
    assert prefix == "أ" * 32 and suffix == "ب" * 32
    assert context(TEXT, 0, 4) == ("", TEXT[4:36])


# --- anchor / locate -------------------------------------------------------------


def test_offsets_holding_exact_are_kept():
    assert anchor(TEXT, exact="بايدن", start=5, end=10).method == "offsets"


def test_offsets_without_exact_are_checked():
    with pytest.raises(SpanError):
        anchor(TEXT, start=3, end=10)


@pytest.mark.parametrize(
    ("kwargs", "expected", "method"),
    [
        # wrong offsets: nearest occurrence to the given start
        ({"exact": "بايدن", "start": 30, "end": 35}, (33, 38), "exact"),
        ({"exact": "بايدن", "start": 2, "end": 7}, (5, 10), "exact"),
        # no offsets: the prefix tells the occurrences apart
        ({"exact": "بايدن", "prefix": "وقال "}, (33, 38), "exact"),
        ({"exact": "بايدن", "suffix": " إنّ"}, (5, 10), "exact"),
        # folded: without shadda and with bare alef, the original diacritics are taken in
        ({"exact": "ان الحرب"}, (11, 20), "folded"),
        ({"exact": "قال  بايدن", "suffix": " إن"}, (0, 10), "folded"),
        # whitespace runs and tatweel do not matter
        ({"exact": "الحـــرب   انتهت"}, (15, 26), "folded"),
        # offsets out of range but exact is found
        ({"exact": "الحرب", "start": 500, "end": 505}, (15, 20), "exact"),
    ],
)
def test_anchor_finds_the_quote(kwargs, expected, method):
    found = anchor(TEXT, **kwargs)
    assert (found.start, found.end) == expected
    assert found.method == method


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"exact": "بايدن"}, "ambiguous"),
        ({"exact": "ترامب"}, "not_found"),
        ({"exact": "ترامب", "start": 5, "end": 10}, "not_found"),
        ({"exact": "\u064e\u0651"}, "not_found"),  # only diacritics: nothing to look for
        ({}, "not_found"),
    ],
)
def test_anchor_errors(kwargs, code):
    with pytest.raises(AnchorError) as caught:
        anchor(TEXT, **kwargs)
    assert caught.value.code == code


def test_ambiguity_message_names_the_count():
    with pytest.raises(AnchorError, match="occurs 2 times"):
        locate(TEXT, "بايدن")


def test_min_context_refuses_another_mention():
    text = "قال بايدن أمس. ثم سافر بايدن إلى روما"
    # The first mention's context is gone; the other mention has a different one.
    with pytest.raises(AnchorError):
        locate(text, "بايدن", prefix="أعلن الرئيس ", suffix=" في خطاب", hint=4, min_context=8)
    found = locate(text, "بايدن", prefix="ثم سافر ", suffix=" إلى", hint=0, min_context=8)
    assert found.start == text.index("بايدن", 10)


def test_min_context_applies_to_a_single_occurrence_too():
    text = "نص آخر تماما فيه الكاظمي"
    with pytest.raises(AnchorError) as caught:
        locate(text, "الكاظمي", prefix="وقال رئيس الوزراء ", suffix=" أمس", min_context=8)
    assert caught.value.code == "out_of_context"
    assert locate(text, "الكاظمي", prefix="تماما فيه ", suffix="", min_context=8).start == 17


def test_min_context_needs_half_the_context():
    text = "في العراق.\n\nوقال بايدن إن الأمر انتهى"
    prefix, suffix = "والعراق.\n\nوقال ", " للصحافيين خلال اجتماعه مع الكاظمي"
    with pytest.raises(AnchorError):  # 15 of 49 characters of context match: another mention
        locate(text, "بايدن", prefix=prefix, suffix=suffix, min_context=8)


def test_loose_view_maps_back():
    view = loose("أَحْمَدُ  ـقال")
    assert view.text == "احمد قال"
    assert view.span(0, 4) == (0, 8)


# --- snap and offset maps ------------------------------------------------------------


def test_snap_takes_in_a_new_diacritic():
    assert snap("بايدنّ قال", 0, 5) == (0, 6)
    assert snap("بايدن قال", 0, 5) == (0, 5)


OLD = "قال بايدن إن المهمة القتالية ستنتهي. وأضاف الكاظمي أن التعاون مستمر."


@pytest.mark.parametrize(
    ("new", "needle", "kept"),
    [
        ("مقدمة جديدة. " + OLD, "بايدن", True),  # insert before: shifted
        (OLD.replace("ستنتهي", "ستتوقف"), "بايدن", True),  # edit elsewhere
        (OLD.replace("المهمة", "المهمّة"), "المهمة القتالية", False),  # diacritic inside the span
        (OLD.replace("المهمة", "المهمّة"), "الكاظمي", True),
        (OLD.replace("وأضاف", "وقال"), "الكاظمي", True),  # word before changed, word itself not
        (OLD.replace("قال بايدن", "قال الرئيس"), "بايدن", False),  # the word itself replaced
    ],
)
def test_offset_map_spans(new, needle, kept):
    start = OLD.index(needle)
    mapped = OffsetMap(OLD, new).span(start, start + len(needle))
    if kept:
        assert mapped is not None
        assert new[mapped[0] : mapped[1]] == needle
    else:
        assert mapped is None


def test_offset_map_never_keeps_part_of_a_longer_word():
    old, new = "ذهب في الصباح", "ذهب فيلم الصباح"
    assert OffsetMap(old, new).span(4, 6) is None


def test_offset_map_point_gives_a_nearby_hint():
    new = "مقدمة. " + OLD.replace("بايدن", "جو بايدن")
    mapping = OffsetMap(OLD, new)
    assert abs(mapping.point(OLD.index("بايدن")) - new.index("بايدن")) <= 3


def test_offset_map_of_identical_texts():
    mapping = OffsetMap(OLD, OLD)
    assert mapping.identical
    assert mapping.span(4, 9) == (4, 9)


def _cluster_at_by_scanning(text: str, pos: int) -> tuple[int, int]:
    import regex

    for match in regex.finditer(r"\X", text):
        if match.end() > pos:
            return match.start(), match.end()
    raise AssertionError(pos)


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "قالَ\nالرّئيسُ\r\nأمس 👩‍👩‍👧 👍🏽 e\u0301\n\n",
        "\nسطر أول\nسطر ثانٍ بلا نهاية",
        "x",
    ],
)
def test_cluster_at_agrees_with_segmenting_the_whole_text(text):
    # cluster_at keeps each line's clusters (lru cache); every position must give what a plain scan gives.
    for _ in range(2):  # the second time from the cache
        assert [cluster_at(text, pos) for pos in range(len(text))] == [
            _cluster_at_by_scanning(text, pos) for pos in range(len(text))
        ]
