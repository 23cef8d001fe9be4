import pytest
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import normalize_alef_ar

from arabic.normalize import fold, fold_text


@pytest.mark.parametrize(
    "text, folded",
    [
        ("مُحَمَّدٌ", "محمد"),
        ("أحمد", "احمد"),
        ("إيران", "ايران"),
        ("آمال", "امال"),
        ("مصطفى", "مصطفي"),
        ("العراقية", "العراقيه"),
        ("قتاليّة", "قتاليه"),
        ("الـعـراق", "العراق"),
        ("COVID-19", "covid-19"),
    ],
)
def test_fold_text(text, folded):
    assert fold_text(text) == folded


@pytest.mark.parametrize("text", ["مُحَمَّدٌ جاءَ", "أُنجزت", "قتاليّة", "بايدن"])
def test_fold_agrees_with_camel_tools(text):
    expected = normalize_alef_ar(dediac_ar(text)).replace("ى", "ي").replace("ة", "ه")
    assert fold_text(text) == expected


@pytest.mark.parametrize(
    "text, needle, span",
    [
        ("في مهمّة قتاليّة", "مهمه", (3, 8)),  # shadda after the matched letters is included
        ("قال بايدن", "بايدن", (4, 9)),
        ("المهمة أُنجزت", "انجزت", (7, 13)),
    ],
)
def test_index_maps_back_to_original(text, needle, span):
    f = fold(text)
    i = f.text.index(needle)
    assert f.original_span(i, i + len(needle)) == span
    assert fold_text(text[span[0] : span[1]]) == needle


def test_index_is_one_longer_than_folded():
    f = fold("مَرْحَبًا")
    assert len(f.index) == len(f.text) + 1
    assert f.index[-1] == len("مَرْحَبًا")
