"""Names in the quote finder's speakers (arabic/quote_names.py): sure names, surnames and names not cut short
(sentences written for these tests, not taken from the gold files)."""

from __future__ import annotations

import pytest

from arabic import quotes
from arabic.quote_names import _Speaker
from tests.arabic.conftest import speakers


# --- foreign names spelt with a hamza alef (round 7, docs/language-engine.md) -------------------------------------


def _finder():
    return quotes._Finder(quotes._Article("نص قصير.", (), None, None, None))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("فرناندو ألونسو", True),
        ("إليزابيث أولسن", True),
        ("نصر الله", True),
        ("سامي الخطيب", False),  # a real article: the rules for surnames decide
        ("حمدان الاجراءات", False),  # a word and its object
    ],
)
def test_a_hamza_alef_name_is_a_sure_name(name, expected):
    assert _finder()._strong_subject(_Speaker(name, 0, len(name))) is expected


# --- names are not cut short (round 8, docs/language-engine.md) ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال مدير الشرطة اللواء حسن عطا الله إن الطريق مغلق.", "حسن عطا الله"),
        (
            "غير أن قائد الدفاع المدني العقيد مالك عوض الله قال إن السيول هدأت.",
            "مالك عوض الله",
        ),
        (
            "وصرح العقيد الدكتور خالد أحمد الزبيدي بأنه تقرر فتح المعبر.",
            "خالد أحمد الزبيدي",
        ),
        (
            "وقال العميد خالد أحمد الزبيدي الناطق باسم الجيش إن القوات انسحبت.",
            "خالد أحمد الزبيدي",
        ),
        ("وأكد وزير المالية سامر خليل الحداد أن العجز سينخفض.", "سامر خليل الحداد"),
    ],
)
def test_a_name_is_not_cut_short(text, expected):
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ورفض الوزير سمير داود الاتهامات وقال إنها باطلة.", "سمير داود"),
        ("ووصف الوزير سمير داود الاتفاق بأنه تاريخي.", "سمير داود"),
    ],
)
def test_an_object_after_a_full_name_is_still_an_object(text, expected):
    assert speakers(text) == [expected]
