"""Phrases that stand where a speaker could, but name nobody (round 7 of the quote finder).

* a time phrase, a date or an age after the cue (``وكان أغاسي أعلن الشهر الماضي بأنه``، ``قال العام الماضي``،
  ``26 عاما``): the verb's adverb, not its subject;
* a manner adverb with ب (``وأضاف الإمام بحزن شديد أنه``، ``بأسف``، ``بمثابة``): it ends the subject;
* a place phrase with ب (``القوى بقطاع غزة``، ``بمدينة نابلس``): part of a description, never a name;
* a ل-construct before a definite noun (``الرابطة الألمانية لصناعة النفط``): part of a description, never a name.

All words are folded (:func:`arabic.quote_cues._fold_token`).
"""

from __future__ import annotations

from arabic.quote_cues import _folded_set

# nouns of time that head an adverb after a verb (with الماضي/المقبل/الحالي or a number)
TIME_NOUNS = _folded_set(
    "الشهر الأسبوع الاسبوع العام السنة الليلة الفترة الأيام الايام الأشهر الاشهر الأسابيع الاسابيع الساعات "
    "عام سنة شهر أسبوع اسبوع يوم مساء صباح ظهر فجر ليل ليلة صباحا مساءا مساء أمس امس اليوم غدا "
    "الأحد الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت مطلع أواخر اواخر منتصف أوائل اوائل"
)

# manner adverbs: ب + a verbal noun of feeling or manner
MANNER_ADVERBS = _folded_set(
    "بحزن بأسف باسف بمرارة بثقة بصراحة بوضوح بحماس بغضب بفخر بدهشة بمثابة بشدة بقوة بحسرة بأسى باسى بألم "
    "بالم بسخرية بهدوء بتأثر بانفعال بحدة بلهجة بنبرة بتفاؤل بحذر بإيجاز بايجاز باختصار بصوت"
)

# place nouns after ب that open a place phrase, not a name
PLACE_NOUNS = _folded_set(
    "قطاع مدينة محافظة ولاية منطقة إقليم اقليم مقاطعة ضاحية بلدة قرية مخيم حي شارع ميناء مطار العاصمة"
)


# adjectives and words that close a time phrase: الشهر الماضي، العام المقبل، عام 2003
TIME_ADJECTIVES = _folded_set("الماضي الماضية المقبل المقبلة القادم القادمة الحالي الحالية الجاري الفائت المنصرم الأول الاول الثاني عاما سنة سنوات")

# time words that are an adverb on their own (the others need an adjective or a number after them)
STANDALONE_TIME = _folded_set(
    "أمس امس اليوم غدا مساء صباح صباحا مساء الأحد الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت"
)


_FIRST = _folded_set("أول اول")
_YESTERDAY = _folded_set("أمس امس")


def time_phrase(ftok: str, raw: str) -> bool:
    """Does this word open a time phrase, a date or an age (``الشهر``، ``عام``، ``2003``، ``26``)?"""
    return ftok in TIME_NOUNS or raw[:1].isdigit()


def time_phrase_end(f: list[str] | tuple[str, ...], texts, j: int, last: int) -> int:
    """The token after the time phrase, date or age that opens at ``j`` (``j`` itself when none does):
    ``الشهر الماضي``، ``العام المقبل``، ``عام 1993``، ``26 عاما``، ``أمس``، ``أول من أمس``، ``مساء الخميس``. A time noun alone
    (``العام``) counts only with an adjective or a number after it: ``الأمين العام`` is a title."""
    if j + 1 < last and f[j] in _FIRST and (f[j + 1] in _YESTERDAY or (f[j + 1] == "من" and j + 2 < last and f[j + 2] in _YESTERDAY)):
        # "اول امس"، "أول من أمس" (the day before yesterday), then a weekday perhaps: "اول امس الجمعة"
        j = j + 1 if f[j + 1] in _YESTERDAY else j + 2
    elif j >= last or not time_phrase(f[j], texts[j]):
        return j
    k = j + 1
    while k < last and (f[k] in TIME_ADJECTIVES or f[k] in STANDALONE_TIME or texts[k][:1].isdigit()):
        k += 1
    if k == j + 1 and f[j] not in STANDALONE_TIME and not texts[j][:1].isdigit():
        return j  # "العام" alone: no time phrase
    return k


def opens_time_phrase(f, texts, k: int, last: int) -> bool:
    """Does a time phrase open at ``k`` inside a subject (``الشهر الماضي``، ``اول امس``)? Digits are left out:
    a number may be part of a description."""
    return (f[k] in TIME_NOUNS or f[k] in _FIRST) and time_phrase_end(f, texts, k, last) > k


def manner_adverb(ftok: str) -> bool:
    """Is this word a manner adverb with ب (``بحزن``، ``بأسف``، ``بمثابة``)?"""
    return ftok in MANNER_ADVERBS


def place_phrase(ftok: str) -> bool:
    """Does this word open a place phrase with ب (``بقطاع``، ``بمدينة``)?"""
    return ftok[:1] == "ب" and ftok[1:] in PLACE_NOUNS


def lam_construct(ftok: str, next_ftok: str | None) -> bool:
    """``لصناعة النفط``، ``لشركة الكهرباء``: ل + a noun in ة before a definite noun is a preposition phrase
    (``إميل لحود`` is a name: no definite noun follows)."""
    return (
        ftok[:1] == "ل"
        and not ftok.startswith("لل")
        and len(ftok) > 3
        and ftok[-1:] in ("ة", "ه")
        and next_ftok is not None
        and next_ftok.startswith("ال")
        and len(next_ftok) > 3
    )


# phrases that open a sentence before its verb: من جهة أخرى، من ناحية أخرى، على صعيد آخر، في سياق متصل ...
_OPENER_HEADS = _folded_set("من ومن على وعلى في وفي")
_OPENER_NOUNS = _folded_set("جهة ناحية جانب صعيد سياق غضون الوقت")
_OPENER_ENDS = _folded_set("أخرى اخرى أخري اخري آخر اخر متصل ذلك نفسه ذاته")


def discourse_opener_end(f, texts, p: int, i: int) -> int:
    """The token after a discourse opener at ``p`` (``من جهة أخرى``، ``وعلى صعيد آخر``، ``وفي سياق متصل``،
    ``في غضون ذلك``, and a comma after it), or ``p`` when none opens there (``i`` bounds the search)."""
    if p + 2 < i and f[p] in _OPENER_HEADS and f[p + 1] in _OPENER_NOUNS and f[p + 2] in _OPENER_ENDS:
        p += 3
        if p < i and texts[p] in "،,":
            p += 1
    return p
