"""The quote finder: who said what, in Arabic news text.

Three kinds of quote are found, each with its cue (the reporting word) and its
speaker:

* **direct** — words in quotation marks introduced by a reporting verb:
  ``وقال بايدن للصحافيين "لن نكون ..."``, ``وأضاف أن "الشراكة ... مضى".``,
  ``مضيفا "نرغب ..."``, or followed by an attribution (``"..."، بحسب المسؤول``).
  The span is the quoted words, without the marks.
* **indirect** — reported speech after a complementizer: ``قال إن ...``,
  ``أكد أن ...``, ``اعترف بأنه ...``, ``لفت إلى أن ...``, up to the end of the
  reported clause (the end of the sentence, or a comma followed by the
  writer's own words: ``، من دون ...``, ``، في حين ...``, a new cue). Also
  ``بحسب X، فإن ...`` and a clause closed by ``، بحسب X`` / ``وفق X``.
* **partial** — a few quoted words inside reported speech:
  ``أوضح أنّ "دور" العسكريين ... على "تدريب" القوات``.

Cues: the verbs قال أضاف أكد أوضح لفت أعرب اعترف أشار صرّح ذكر تابع (and a few
more journalists use: أعلن شدد أفاد كشف اعتبر حذر زاد أردف تساءل توقع رأى نفى
كتب) in the past and present, masculine/feminine/plural, with ``و``/``ف``
attached; the verbal noun after ``نقلت ... عن X قوله``; adverbial
participles (``مضيفا``, ``لافتا``, ``مشيرا``, ``مؤكدا``, ``قائلا`` ...); and the
sources ``بحسب``, ``حسب``, ``وفق``, ``وفقا لـ``, ``طبقا لـ``, ``نقلا عن``.
A negated cue (``ولم يذكر المسؤول ...``) and cues inside quotation marks are
ignored.

Speakers, in order of preference:

1. the subject named right after the verb (``وقال بايدن للصحافيين`` →
   ``بايدن``; ``وقال مسؤول كبير في الإدارة الأميركية`` → the whole description),
   preferring a known entity span when ``entities`` are given;
2. a subject before the verb: a headline-style clause (``الرئيس الأميركي
   يؤكد ... أن``), ``وكانت الصحيفة قد ذكرت``, a headline ``الوزير: "..."``, or a
   short quoted name (``وأكدت «هيومن رايتس ووتش» ... أن``);
3. after ``من جانبه`` / ``من جهته`` / ``بدوره``: the last person named before;
4. a pronoun-dropped verb (``وأضاف``) or a participle (``مضيفا``): the
   subject of its sentence's first clause, or a person (entity hint or someone
   already quoted) named earlier in the same sentence (``وامتنع الكاظمي ...
   وقال إن``), else the previous quote's speaker.

Not speech: quotes with no cue in their sentence — headline scare quotes
(``"المهمّة القتالية"``) and quoted titles and slogans (``عبارة "المهمة أُنجزت"``).

Everything here is heuristic and says how sure it is (``confidence``); the
annotators' decisions, not this module, are the truth.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from arabic.normalize import fold_text
from arabic.quotemarks import QUOTE_MARKS, QuotedRegion, quoted_regions
from arabic.sentences import Sentence, split_sentences
from arabic.tokens import Token, token_spans

SUGGESTER = "quotes"
DIRECT, INDIRECT, PARTIAL = "direct", "indirect", "partial"
PERSON_LABELS = frozenset({"PER", "PERS", "PERSON"})
SPEAKER_LABELS = PERSON_LABELS | {"ORG"}


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote found in a text; every offset is a code point into that text.

    ``speaker_start``/``speaker_end`` locate the mention that names the speaker:
    for a continued speaker (``وأضاف``) it is the earlier mention.
    ``speaker_resolution`` says how the speaker was found: ``subject`` (named
    after the verb), ``entity`` (a known entity span after the verb),
    ``preverbal``, ``back-reference`` (من جانبه), ``sentence`` (named earlier
    in the sentence), ``continued`` (the previous quote's speaker) or ``none``.
    """

    start: int
    end: int
    text: str
    kind: str
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_resolution: str
    confidence: float
    suggester: str = SUGGESTER


# --- lexicon (written naturally, folded once) --------------------------------

_VERBS = """
قال قالت قالوا قالا قلن يقول تقول يقولون يقولان
أضاف أضافت أضافوا أضافا يضيف تضيف يضيفون
أكد أكدت أكدوا أكدا يؤكد تؤكد يؤكدون
أوضح أوضحت أوضحوا أوضحا يوضح توضح يوضحون
لفت لفتت لفتوا يلفت تلفت يلفتون
أعرب أعربت أعربوا يعرب تعرب يعربون
اعترف اعترفت اعترفوا يعترف تعترف يعترفون
أشار أشارت أشاروا أشارا يشير تشير يشيرون
صرح صرحت صرحوا يصرح تصرح يصرحون
ذكر ذكرت ذكروا يذكر تذكر يذكرون
تابع تابعت تابعوا
أعلن أعلنت أعلنوا يعلن تعلن يعلنون
شدد شددت شددوا يشدد تشدد يشددون
أفاد أفادت أفادوا يفيد تفيد
كشف كشفت كشفوا يكشف تكشف
اعتبر اعتبرت اعتبروا يعتبر تعتبر
حذر حذرت حذروا يحذر تحذر
زاد زادت
أردف أردفت
استطرد استطردت
تساءل تساءلت
توقع توقعت توقعوا يتوقع تتوقع يتوقعون
رأى رأت رأوا يرى ترى يرون
نفى نفت نفوا ينفي تنفي
كتب كتبت
"""
_PARTICIPLES = """
قائلا قائلين
مضيفا مضيفين
مؤكدا مؤكدين
موضحا موضحين
لافتا لافتين
معربا معربين
معترفا معترفين
مشيرا مشيرين
مصرحا مصرحين
ذاكرا ذاكرين
متابعا
مشددا مشددين
معتبرا معتبرين
محذرا محذرين
كاشفا
منوها منوهين
مبينا
"""
# Feminine participles are also nouns (لافتة "banner", مضيفة "hostess"):
# they count only when what follows is reported speech.
_FEMININE_PARTICIPLES = """
قائلة مضيفة مؤكدة موضحة لافتة معربة معترفة مشيرة مصرحة ذاكرة متابعة مشددة
معتبرة محذرة كاشفة منوهة مبينة
"""
_SOURCES = "بحسب حسب وفق وفقا طبقا نقلا"
# "نقلت الوكالة عن مسؤول قوله إن ...": a verbal noun whose speaker precedes it.
_SAYINGS = "قوله قولها قولهم قولهما تأكيده تأكيدها تأكيدهم"
# Words that stand between the cue and reported speech: complementizers.
_COMPLEMENTIZERS = """
أن إن أنّ إنّ بأن بأنّ أنه إنه بأنه أنها إنها بأنها أنهم إنهم بأنهم أنهما إنهما
أننا إننا بأننا أني إني بأني أنني إنني بأنني أنك إنك فإن فإنّ وأن وإن
"""
# "أن" after these is not a complementizer of speech (بعد أن "after").
_NOT_SPEECH_BEFORE_AN = "بعد قبل منذ دون بدون حتى يجب يمكن ينبغي لدرجة بمجرد"
_NEGATIONS = "لم لن لا ما ولم ولن ولا فلم فلا"
# "وكانت الصحيفة قد ذكرت": the subject sits between كان and قد.
_KANA = "كان كانت كانوا وكان وكانت وكانوا فكان فكانت"
_ISSUED = "صادر صادرة الصادر الصادرة"
# Words that end a subject noun phrase after a verb.
_STOP_WORDS = """
في خلال أمام على عن من إلى الى مع بعد قبل قبيل عقب لدى عند حول منذ أثناء بين ضمن
عبر وسط إثر جراء بشأن حيال تجاه اليوم أمس غدا الليلة صباح مساء ظهر الاثنين الثلاثاء
الأربعاء الخميس الجمعة السبت الأحد أيضا كذلك بدوره بدورها بدورهم وقد قد إنه
الذي التي الذين ثم كما بل لكن لكنّ لأن هذا هذه ذلك تلك هناك هنا ما متى كيف لماذا هل
"""
_AUDIENCE_STEMS = """
وسائل وكالة قناة صحيفة مجموعة موقع إذاعة تلفزيون شبكة جريدة مجلة
"""
# Titles and roles that head a subject ("مسؤول كبير في الإدارة", "النائبة في
# البرلمان ليلى حسن"): a "في ..." right after them names an institution and
# belongs to the subject — unless it names an occasion ("رئيس الوزراء في كلمة").
_ROLE_NOUNS = """
مسؤول مسؤولة مسؤولون مسؤولين المسؤول مصدر مصادر المصدر متحدث متحدثة المتحدث المتحدثة
ناطق الناطق عضو العضو أعضاء نائب النائب النائبة نواب خبير الخبير خبراء محلل المحلل محللون
دبلوماسي الدبلوماسي دبلوماسيون ضابط ضباط موظف موظفون مستشار المستشار باحث الباحث
وزير الوزير وزيرة الوزيرة رئيس الرئيس رئيسة الرئيسة مدير المدير مديرة سفير السفير قائد القائد
أمين الأمين محافظ المحافظ زعيم الزعيم قيادي القيادي
"""
_OCCASIONS = """
كلمة كلمته كلمتها مؤتمر المؤتمر بيان بيانه بيانها تصريح تصريحات تصريحاته مقابلة مقابلته حديث حديثه
لقاء اللقاء رسالة تغريدة منشور جلسة الجلسة اجتماع الاجتماع ختام افتتاح تقرير خطاب خطابه ندوة
"""
_BACK_REFERENCES = ("من جانبه", "من جانبها", "من جهته", "من جهتها", "من ناحيته", "من ناحيتها", "بدوره", "بدورها")
# A quote right after these is a title, slogan or name, not speech.
_TITLE_MARKERS = """
عبارة شعار شعارات عنوان بعنوان عنوانه كتاب كتابه فيلم برنامج عملية حملة مبادرة مصطلح
وصف تسمية اسم باسم يسمى تسمى سمي سميت المسمى المسماة لافتة لافتات هاشتاغ وسم أغنية
قصيدة رواية مسلسل صحيفة مجلة
"""
# After a comma, these begin the writer's own words: the reported clause ends.
_CLAUSE_ENDERS = """
دون بدون من في فيما بينما حيث وذلك كما وسط إلا لكن غير حسب بحسب وفق وفقا طبقا وهو وهي
"""
_CLAUSE_END_PAIRS = {("من", "دون"), ("في", "حين"), ("على", "حد")}

_PUNCT_CLAUSE = frozenset("،,؛;:")
_PUNCT_SENTENCE = frozenset(".!?؟…")

MAX_SUBJECT = 6  # tokens in a subject noun phrase
MAX_GAP = 12  # tokens between a cue (and its subject) and the reported speech
MIN_DIRECT_WORDS = 4  # a quoted stretch this long after a quote is a new direct quote


def _folded_set(words: str) -> frozenset[str]:
    return frozenset(fold_text(w) for w in words.split())


VERBS = _folded_set(_VERBS)
PARTICIPLES = _folded_set(_PARTICIPLES)
FEMININE_PARTICIPLES = _folded_set(_FEMININE_PARTICIPLES)
SOURCES = _folded_set(_SOURCES)
SAYINGS = _folded_set(_SAYINGS)
COMPLEMENTIZERS = _folded_set(_COMPLEMENTIZERS)
NOT_SPEECH_BEFORE_AN = _folded_set(_NOT_SPEECH_BEFORE_AN)
NEGATIONS = _folded_set(_NEGATIONS)
KANA = _folded_set(_KANA)
ISSUED = _folded_set(_ISSUED)
PREPOSITIONS = _folded_set("من عن على إلى الى حول بشأن إزاء تجاه")
STOP_WORDS = _folded_set(_STOP_WORDS)
AUDIENCE_STEMS = _folded_set(_AUDIENCE_STEMS)
ROLE_NOUNS = _folded_set(_ROLE_NOUNS)
OCCASIONS = _folded_set(_OCCASIONS)
BACK_REFERENCES = tuple(tuple(fold_text(w) for w in phrase.split()) for phrase in _BACK_REFERENCES)
TITLE_MARKERS = _folded_set(_TITLE_MARKERS)
CLAUSE_ENDERS = _folded_set(_CLAUSE_ENDERS)
CLAUSE_END_PAIRS = frozenset((fold_text(a), fold_text(b)) for a, b in _CLAUSE_END_PAIRS)
_AN = fold_text("أن")


# Every folded token that can be a cue, with or without و/ف: a set look-up
# finds the few cue candidates of an article without a call per token.
CUE_FORMS = frozenset(
    form
    for stem in VERBS | PARTICIPLES | FEMININE_PARTICIPLES | SOURCES | SAYINGS
    for form in (stem, "و" + stem, "ف" + stem)
)


@lru_cache(maxsize=200_000)
def _fold_token(token: str) -> str:
    return fold_text(token)


@lru_cache(maxsize=200_000)
def _cue_kind(ftok: str) -> tuple[str, int] | None:
    """``(kind, prefix length)`` if a folded token is a cue: verb, participle, feminine or source."""
    for cut in (0, 1):
        if cut and (len(ftok) < 3 or ftok[0] not in "وف"):
            break
        stem = ftok[cut:]
        if stem in VERBS:
            return "verb", cut
        if stem in PARTICIPLES:
            return "participle", cut
        if stem in FEMININE_PARTICIPLES:
            return "feminine", cut
        if stem in SOURCES:
            return "source", cut
        if stem in SAYINGS:
            return "saying", cut
    return None


# --- the finder ---------------------------------------------------------------


@dataclass(slots=True)
class _Speaker:
    name: str
    start: int
    end: int


class _Article:
    """Tokens, sentences, quotation marks and entity hints of one text, indexed."""

    def __init__(self, text: str, entities, tokens=None, sentences=None, regions=None):
        self.text = text
        # parallel columns rather than Token objects: cheaper to index
        if tokens is None:
            spans = token_spans(text)
            self.starts = [a for a, _ in spans]
            self.ends = [b for _, b in spans]
            self.texts = [text[a:b] for a, b in spans]
        elif tokens:
            texts, starts, ends = zip(*tokens)
            self.texts, self.starts, self.ends = list(texts), list(starts), list(ends)
        else:
            self.texts, self.starts, self.ends = [], [], []
        self.f = list(map(_fold_token, self.texts))
        self.n = n = len(self.texts)
        # punctuation tokens: single characters that are not letters or digits
        self.punct = [len(t) == 1 and not t.isalnum() for t in self.texts]
        # quotation marks: region of every mark and of every quoted token
        all_regions = quoted_regions(text) if regions is None else regions
        self.regions = [r for r in all_regions if r.depth == 0]
        # sentence id of every token: how many sentences end at or before its start
        # (at most the last one); sentences are in order, so one bisection each
        self.sentences = split_sentences(text, all_regions) if sentences is None else sentences
        last_sid = len(self.sentences) - 1
        sent_of: list[int] = []
        done = 0
        for sid, s in enumerate(self.sentences):
            if sid == last_sid:
                break
            upto = bisect.bisect_left(self.starts, s.end, done)
            sent_of += [sid] * (upto - done)
            done = upto
        sent_of += [last_sid] * (n - done)
        self.sent_of = sent_of
        self.sent_first = [bisect.bisect_left(self.sent_of, sid) for sid in range(len(self.sentences))]
        self.sent_last = [bisect.bisect_right(self.sent_of, sid) for sid in range(len(self.sentences))]
        self.region_at_open = {}
        self.inside = [None] * self.n
        for k, r in enumerate(self.regions):
            a = bisect.bisect_left(self.starts, r.open)
            b = bisect.bisect_left(self.starts, r.close)
            self.region_at_open[a] = k
            for j in range(a + 1, b):
                self.inside[j] = k
        # entity hints: (start, end, label) sorted, and which token each starts in
        # (start, end, label) tuples, as suggest() passes them, need no conversion
        self.entities = sorted([e if e.__class__ is tuple and len(e) == 3 else _entity_tuple(e) for e in entities])
        self.entity_at_token = {}
        for e in self.entities:
            j = bisect.bisect_right(self.starts, e[0]) - 1
            if j >= 0 and self.starts[j] <= e[0] < self.ends[j]:
                self.entity_at_token.setdefault(j, e)

    def token(self, i: int) -> Token:
        return Token(self.texts[i], self.starts[i], self.ends[i])

    def is_punct(self, i: int) -> bool:
        return self.punct[i]

    def words_between(self, start: int, end: int) -> int:
        j = bisect.bisect_left(self.starts, start)
        k = bisect.bisect_left(self.starts, end)
        return sum(1 for i in range(j, k) if not self.is_punct(i))


def _entity_tuple(e) -> tuple[int, int, str]:
    if isinstance(e, tuple):
        return (e[0], e[1], e[2] if len(e) > 2 else "PER")
    return (e.start, e.end, getattr(e, "label", "PER"))


def find_quotes(
    text: str,
    *,
    entities: Iterable = (),
    tokens: Sequence[Token] | None = None,
    sentences: Sequence[Sentence] | None = None,
    regions: Sequence[QuotedRegion] | None = None,
) -> list[Quote]:
    """All quotes of ``text``, ordered by start.

    ``entities`` are optional known entity mentions — objects with ``start``,
    ``end`` and ``label`` (e.g. :class:`arabic.matching.Mention`) or tuples
    ``(start, end[, label])``; persons among them make speaker spans exact
    and resolve pronoun-dropped verbs.

    ``tokens`` (:func:`arabic.tokens.tokenize`), ``regions``
    (:func:`arabic.quotemarks.quoted_regions`) and ``sentences``
    (:func:`arabic.sentences.split_sentences` given those regions) of ``text``,
    when the caller has them already; otherwise they are computed here.
    """
    art = _Article(text, entities, tokens, sentences, regions)
    finder = _Finder(art)
    return finder.run()


class _Finder:
    def __init__(self, art: _Article):
        self.art = art
        self.quotes: list[Quote] = []
        self.used_regions: set[int] = set()
        self.covered: list[tuple[int, int]] = []  # indirect spans: cues inside are not cues
        self.previous: _Speaker | None = None
        self.sentence_speaker: dict[int, _Speaker] = {}
        self.known: dict[tuple[str, ...], str] = {}  # folded tokens of named speakers

    def run(self) -> list[Quote]:
        art = self.art
        candidates = [i for i, f in enumerate(art.f) if f in CUE_FORMS]
        if not candidates and not art.regions:
            return []
        resume = 0
        for i in candidates:
            if i < resume:
                continue  # inside what an earlier cue reported
            kind = self._cue_at(i)
            if kind is not None:
                resume = self._handle_cue(i, kind)
        self._leftover_regions()
        self.quotes.sort(key=lambda q: (q.start, q.end))
        return self.quotes

    # -- cues --------------------------------------------------------------

    def _cue_at(self, i: int) -> str | None:
        art = self.art
        if art.inside[i] is not None or self._in_covered(art.starts[i]):
            return None
        found = _cue_kind(art.f[i])
        if found is None:
            # "حسبما قال", "كما أكد" are handled at the verb itself
            return None
        kind, _ = found
        if i > 0 and art.sent_of[i - 1] == art.sent_of[i] and art.f[i - 1] in NEGATIONS:
            return None
        if kind == "feminine":
            nxt = self._next_word(i)
            if nxt is None or not (
                art.f[nxt] in COMPLEMENTIZERS or art.f[nxt] in (fold_text("إلى"), "الي", "عن") or nxt in art.region_at_open
            ):
                return None
            kind = "participle"
        if kind == "source" and art.f[i].endswith(("وفقا", "طبقا", "نقلا")):
            nxt = self._next_word(i)
            if nxt is None:
                return None
        return kind

    def _handle_cue(self, i: int, kind: str) -> int:
        art = self.art
        sid = art.sent_of[i]
        cue = art.token(i)
        if kind == "source":
            return self._handle_source(i)
        # the speaker
        if kind == "verb":
            speaker, resolution, after = self._subject_after(i)
            if speaker is None:
                speaker, after = self._quoted_subject(i)
                resolution = "subject"
        elif kind == "saying":
            speaker, after = self._source_before_saying(i), i + 1
            resolution = "subject"
        else:
            speaker, resolution, after = None, "none", i + 1
        if speaker is None:
            speaker, resolution = self._implicit_speaker(i, kind)
        if speaker is not None and resolution in ("subject", "entity", "preverbal"):
            self.sentence_speaker[sid] = speaker
            if resolution != "preverbal":
                self._remember(speaker)
        # what was said
        j, gap = after, 0
        last = art.sent_last[sid]
        while j < last and gap <= MAX_GAP:
            if j in art.region_at_open:
                if self._title_before(j):
                    # a quoted name on the way (لـ"الأنباء"): step over it
                    j = bisect.bisect_left(art.starts, art.regions[art.region_at_open[j]].close) + 1
                    gap += 1
                    continue
                if j - 1 > i and art.f[j - 1] in PREPOSITIONS:
                    # "حذرت من "موجة غلاء جديدة"": quoted words as an object, not a clause
                    confidence = 0.75 if resolution in ("subject", "entity") else 0.6
                    self._add_region(art.region_at_open[j], PARTIAL, cue, speaker, resolution, confidence)
                    return j + 1
                self._direct_from(j, cue, speaker, resolution, after_complementizer=False)
                return j + 1
            fj = art.f[j]
            if art.inside[j] is None and fj in COMPLEMENTIZERS and not self._temporal_an(j):
                return self._after_complementizer(j, cue, speaker, resolution)
            if art.texts[j] == ":":
                # "قال: "..."" / "قال: إن ..." / "قال: ..." (unquoted speech)
                nxt = j + 1
                if nxt in art.region_at_open:
                    self._direct_from(nxt, cue, speaker, resolution, after_complementizer=False)
                    return nxt + 1
                if nxt < art.n and art.f[nxt] in COMPLEMENTIZERS:
                    return self._after_complementizer(nxt, cue, speaker, resolution)
                return self._indirect(nxt, cue, speaker, resolution)
            if _cue_kind(fj) is not None:
                return j  # another cue first: this one reports nothing itself
            if art.texts[j] in _PUNCT_SENTENCE:
                break
            if not art.is_punct(j):
                gap += 1
            j += 1
        # nothing after: a verb after the quote ("..."، قال بايدن)
        region = self._region_closing_before(i)
        if region is not None:
            confidence = 0.85 if resolution in ("subject", "entity") else 0.7
            self._add_region(region, DIRECT, cue, speaker, resolution, confidence)
        return i + 1

    def _region_closing_before(self, i: int) -> int | None:
        """An unclaimed quote closing right before token ``i`` (commas and و between allowed)."""
        art = self.art
        first = art.sent_first[art.sent_of[i]]
        k = i - 1
        while k >= first and art.texts[k] in _PUNCT_CLAUSE:
            k -= 1
        if k < 0 or art.texts[k] not in QUOTE_MARKS:
            return None
        for idx, r in enumerate(art.regions):
            if r.close == art.starts[k]:
                return None if idx in self.used_regions else idx
        return None

    def _handle_source(self, i: int) -> int:
        """بحسب X / وفق X / وفقا لـ X: the speaker follows; the speech precedes or follows."""
        art = self.art
        sid = art.sent_of[i]
        cue = art.token(i)
        speaker, resolution, after = self._subject_after(i, source=True)
        if speaker is None:
            return i + 1
        first = art.sent_first[sid]
        # speech after: "وبحسب المسؤول، فإن ..."
        j = after
        while j < art.sent_last[sid] and art.is_punct(j) and art.texts[j] in _PUNCT_CLAUSE:
            j += 1
        if j < art.sent_last[sid] and art.f[j] in COMPLEMENTIZERS:
            return self._after_complementizer(j, cue, speaker, resolution)
        # speech before: a quote right before ("..."، بحسب X) or the clause before
        region = self._region_closing_before(i)
        if region is not None:
            self._add_region(region, DIRECT, cue, speaker, resolution, 0.75)
            return after
        k = i - 1
        while k >= first and art.texts[k] in _PUNCT_CLAUSE:
            k -= 1
        if k > first:
            start_tok = first
            # "X، بحسب Y" where X opens with a cue already handled: skip
            if any(q.start <= art.starts[start_tok] < q.end for q in self.quotes):
                return after
            self._add(
                art.starts[start_tok], art.ends[k], INDIRECT, cue, speaker, resolution, 0.55
            )
        return after

    # -- speech ------------------------------------------------------------

    def _after_complementizer(self, j: int, cue, speaker, resolution) -> int:
        """Reported speech after أن/إن at token ``j``: a full quotation or an indirect clause."""
        art = self.art
        nxt = j + 1
        if nxt in art.region_at_open:
            k = art.region_at_open[nxt]
            region = art.regions[k]
            if self._clause_ends_after(region.close + 1, art.sent_of[j]):
                self._direct_from(nxt, cue, speaker, resolution, after_complementizer=True)
                return nxt + 1
        return self._indirect(nxt, cue, speaker, resolution)

    def _indirect(self, first: int, cue, speaker, resolution) -> int:
        art = self.art
        if first >= art.n:
            return first
        sid = art.sent_of[first]
        end_tok = self._clause_end(first, sid)
        if end_tok <= first:
            return first
        start, end = art.starts[first], art.ends[end_tok - 1]
        confidence = 0.8 if resolution in ("subject", "entity", "preverbal") else 0.65
        self._add(start, end, INDIRECT, cue, speaker, resolution, confidence)
        self.covered.append((start, end))
        for k, r in enumerate(art.regions):
            if start <= r.open and r.close < end and k not in self.used_regions:
                self._add_region(k, PARTIAL, cue, speaker, resolution, confidence - 0.1)
        return end_tok

    def _direct_from(self, j: int, cue, speaker, resolution, *, after_complementizer: bool) -> None:
        """A direct quote opening at token ``j``, and the quotes that continue it in the sentence."""
        art = self.art
        k = art.region_at_open[j]
        confidence = 0.9 if resolution in ("subject", "entity", "preverbal") else 0.75
        self._add_region(k, DIRECT, cue, speaker, resolution, confidence)
        # more quoted stretches later in the same sentence, before another cue
        sid = art.sent_of[j]
        region_end = art.regions[k].close
        for k2 in range(k + 1, len(art.regions)):
            r = art.regions[k2]
            a = bisect.bisect_left(art.starts, r.open)
            if a >= art.sent_last[sid] or art.sent_of[a] != sid:
                break
            between = range(bisect.bisect_left(art.starts, region_end) + 1, a)
            if any(_cue_kind(art.f[b]) is not None for b in between if art.inside[b] is None):
                break
            if self._title_before(a):
                continue
            words = art.words_between(r.start, r.end)
            kind = DIRECT if words >= MIN_DIRECT_WORDS else PARTIAL
            self._add_region(k2, kind, cue, speaker, resolution, confidence - 0.15)
            region_end = r.close

    def _clause_ends_after(self, offset: int, sid: int) -> bool:
        """Does the reported clause end at ``offset`` (right after a closing quotation mark)?"""
        art = self.art
        j = bisect.bisect_left(art.starts, offset)
        if j >= art.n or art.sent_of[j] != sid:
            return True
        t = art.texts[j]
        if t in _PUNCT_SENTENCE or t in _PUNCT_CLAUSE:
            return True
        return _cue_kind(art.f[j]) is not None

    def _clause_end(self, first: int, sid: int) -> int:
        """Token index just after the reported clause that starts at ``first``."""
        art = self.art
        last = art.sent_last[sid]
        j = first
        while j < last:
            t = art.texts[j]
            if art.inside[j] is None:
                if t in _PUNCT_SENTENCE and j == last - 1:
                    break
                if t in ("؛", ";"):
                    break
                if t in ("،", ",") and j + 1 < last:
                    nf = art.f[j + 1]
                    pair = (nf, art.f[j + 2]) if j + 2 < last else None
                    if (
                        nf in CLAUSE_ENDERS
                        or pair in CLAUSE_END_PAIRS
                        or (_cue_kind(nf) is not None and art.inside[j + 1] is None)
                    ):
                        break
                if j > first and _cue_kind(art.f[j]) is not None and art.f[j][:1] in "وف" and self._starts_new_report(j):
                    break
            j += 1
        # trailing punctuation is not part of the clause (closing quote marks are)
        while j > first and art.texts[j - 1] in _PUNCT_SENTENCE | _PUNCT_CLAUSE:
            j -= 1
        return j

    def _starts_new_report(self, j: int) -> bool:
        """Is the cue at ``j`` followed by its own speech (so the previous clause ends)?"""
        art = self.art
        last = art.sent_last[art.sent_of[j]]
        for k in range(j + 1, min(last, j + MAX_GAP)):
            if art.f[k] in COMPLEMENTIZERS or k in art.region_at_open:
                return True
        return False

    def _temporal_an(self, j: int) -> bool:
        art = self.art
        return art.f[j] == _AN and j > 0 and art.f[j - 1] in NOT_SPEECH_BEFORE_AN

    def _title_before(self, j: int) -> bool:
        """Is the quotation mark at token ``j`` right after a title marker (عبارة، شعار، ...)?"""
        art = self.art
        k = j - 1
        if k < 0:
            return False
        f = art.f[k]
        if f in ("ل", "ب"):  # لـ"الأنباء": a quoted name after a bare preposition
            return True
        return f in TITLE_MARKERS or (f[:1] in "وبل" and f[1:] in TITLE_MARKERS) or f.startswith("ال") and f[2:] in TITLE_MARKERS

    # -- speakers ----------------------------------------------------------

    def _subject_after(self, i: int, *, source: bool = False):
        """The noun phrase after the cue at ``i``: ``(speaker, resolution, next token)``."""
        art = self.art
        sid = art.sent_of[i]
        last = art.sent_last[sid]
        j = i + 1
        if j < last and art.texts[j] in "ـ":
            j += 1
        if j >= last:
            return None, "none", j
        # a known entity starting here (or after a title word or two) is the speaker
        for k in range(j, min(last, j + 4)):
            e = art.entity_at_token.get(k)
            if e is not None and e[2] in SPEAKER_LABELS:
                if all(not art.is_punct(m) and art.f[m] not in STOP_WORDS for m in range(j, k)):
                    end_tok = bisect.bisect_left(art.starts, e[1])
                    return _Speaker(art.text[e[0] : e[1]], e[0], e[1]), "entity", max(end_tok, k + 1)
            if art.is_punct(k) or art.f[k] in STOP_WORDS or art.f[k] in COMPLEMENTIZERS:
                break
        found = _cue_kind(art.f[i])
        cue_f = art.f[i][found[1] :] if found else art.f[i]  # without a leading و/ف
        if source and cue_f == "نقلا" and art.f[j] == "عن" and j + 1 < last:
            j += 1  # "نقلا عن مصادر"
        first_f = art.f[j]
        start_char = art.starts[j]
        if source and cue_f in ("وفقا", "طبقا") and first_f.startswith("ل") and len(first_f) > 2:
            # "وفقا لمصادر" -> مصادر; "وفقا للمسؤول" -> the article's ل stays: لمسؤول
            start_char += 1
        k = j
        role = first_f in ROLE_NOUNS
        while k < last and k - j < MAX_SUBJECT:
            f = art.f[k]
            t = art.texts[k]
            if art.is_punct(k) or t in QUOTE_MARKS or f in COMPLEMENTIZERS or _cue_kind(f) is not None:
                break
            if f in STOP_WORDS:
                if role and k - j <= 2 and f == "في" and k + 1 < last and art.f[k + 1] not in OCCASIONS:
                    k += 1
                    continue
                if f == "عن" and k > j and art.f[k - 1] in ISSUED:
                    k += 1  # "بيان صادر عن البنك"
                    continue
                break
            if k > j and (f.startswith("لل") or f == "ل" or (f[:1] == "ل" and f[1:] in AUDIENCE_STEMS)):
                break
            if k > j and k in art.entity_at_token and art.entity_at_token[k][2] not in SPEAKER_LABELS:
                # a place after a person ("بايدن واشنطن") is not part of the name,
                # but after a role noun it is ("سفير العراق")
                if not role:
                    break
            k += 1
        if k == j or (j == i + 1 and art.f[j] in STOP_WORDS):
            return None, "none", j
        start, end = start_char, art.ends[k - 1]
        return _Speaker(art.text[start:end], start, end), "subject", k

    def _quoted_subject(self, i: int):
        """A short quoted name right after the verb, with speech after it: «هيومن رايتس ووتش»."""
        art = self.art
        j = i + 1
        if j not in art.region_at_open:
            return None, i + 1
        k = art.region_at_open[j]
        region = art.regions[k]
        if art.words_between(region.start, region.end) > 4:
            return None, i + 1
        after = bisect.bisect_left(art.starts, region.close) + 1
        last = art.sent_last[art.sent_of[i]]
        for m in range(after, min(last, after + MAX_GAP)):
            if art.f[m] in COMPLEMENTIZERS and art.inside[m] is None:
                self.used_regions.add(k)
                return _Speaker(art.text[region.start : region.end], region.start, region.end), after
            if m in art.region_at_open or _cue_kind(art.f[m]) is not None:
                break
        return None, i + 1

    def _source_before_saying(self, i: int) -> _Speaker | None:
        """"نقلت وكالة ... عن مسؤول أمني قوله": the speaker sits between عن and قوله."""
        art = self.art
        first = art.sent_first[art.sent_of[i]]
        for k in range(i - 1, max(first, i - MAX_SUBJECT - 1) - 1, -1):
            if art.f[k] == "عن":
                if k + 1 < i and all(not art.is_punct(m) for m in range(k + 1, i)):
                    start, end = art.starts[k + 1], art.ends[i - 1]
                    return _Speaker(art.text[start:end], start, end)
                return None
            if art.is_punct(k):
                return None
        return None

    def _implicit_speaker(self, i: int, kind: str):
        """Who speaks when the verb names no one (وأضاف، مضيفا، من جانبه قال ...)."""
        art = self.art
        sid = art.sent_of[i]
        first = art.sent_first[sid]
        # من جانبه / من جهته / بدوره just before the cue: the last person named
        window = tuple(art.f[max(first, i - 4) : i])
        for phrase in BACK_REFERENCES:
            if _contains(window, phrase):
                person = self._last_person_before(art.starts[i])
                if person is not None:
                    return person, "back-reference"
                break
        # a headline-style subject before a present-tense verb: "الرئيس الأميركي يؤكد ..."
        if kind == "verb":
            pre = self._preverbal_subject(i)
            if pre is not None:
                return pre, "preverbal"
        # a participle, or a verb joined to an earlier clause: the sentence's subject
        if sid in self.sentence_speaker:
            return self.sentence_speaker[sid], "sentence"
        person = self._last_person_before(art.starts[i], since=art.sentences[sid].start)
        if person is None:
            person = self._last_known_speaker_in(first, i)
        if person is None:
            person = self._clause_subject(first, i)
        if person is not None:
            return person, "sentence"
        if self.previous is not None:
            return self.previous, "continued"
        return None, "none"

    def _preverbal_subject(self, i: int) -> _Speaker | None:
        """A subject before the verb: "الرئيس الأميركي يؤكد ...", "وكانت الصحيفة قد ذكرت ..."."""
        art = self.art
        if art.f[i][:1] in "وف" and _cue_kind(art.f[i])[1]:
            return None
        sid = art.sent_of[i]
        first = art.sent_first[sid]
        end_tok = i
        if end_tok - 1 >= first and art.f[end_tok - 1] == "قد":
            end_tok -= 1
        k = end_tok - 1
        while (
            k >= first
            and not art.is_punct(k)
            and art.f[k] not in STOP_WORDS
            and art.f[k] not in KANA
            and art.inside[k] is None
        ):
            k -= 1
        start_tok = k + 1
        at_clause_start = k < first or art.texts[k] in _PUNCT_CLAUSE or art.f[k] in KANA
        if not at_clause_start or not (1 <= end_tok - start_tok <= 4):
            return None
        start, end = art.starts[start_tok], art.ends[end_tok - 1]
        return _Speaker(art.text[start:end], start, end)

    def _clause_subject(self, first: int, i: int) -> _Speaker | None:
        """The subject of the sentence's first clause, for a verb or participle that names no one.

        ``البنك المركزي يرفع الفائدة ويؤكد أن ...`` (a subject, then a present
        tense verb) or ``وأعلن المتحدث ... مؤكدا`` (a verb, then a title or role).
        """
        art = self.art
        if i - first < 2:
            return None
        # subject - verb: 1-3 words, then an imperfect verb (يفعل / تفعل)
        head = art.f[first]
        if head.startswith("ال") or head in ROLE_NOUNS:
            for k in range(first + 1, min(i, first + 4)):
                f = art.f[k]
                if art.is_punct(k) or f in STOP_WORDS:
                    break
                verb = f[1:] if f[:1] in "وف" and len(f) > 4 else f
                if verb[:1] in "يت" and len(verb) >= 4:
                    start, end = art.starts[first], art.ends[k - 1]
                    return _Speaker(art.text[start:end], start, end)
        # verb - subject: و/ف + a verb, then a titled subject
        f = art.f[first]
        if f[:1] in "وف" and len(f) >= 4 and f[1:] not in STOP_WORDS and not f[1:].startswith("ال"):
            j = first + 1
            if j < i and art.f[j] in ROLE_NOUNS:
                speaker, _, _ = self._subject_after(first)
                if speaker is not None and speaker.end <= art.starts[i]:
                    return speaker
        return None

    def _last_known_speaker_in(self, first: int, i: int) -> _Speaker | None:
        """The last mention, in tokens ``[first, i)``, of someone already quoted in this text.

        Without entity hints this is how ``وامتنع الكاظمي ... وقال إن`` is given
        to الكاظمي rather than to the previous quote's speaker.
        """
        art = self.art
        best = None
        for k in range(first, i):
            f = art.f[k]
            for key, name in self.known.items():
                head = key[0]
                if f == head or (f[:1] in "وفبل" and f[1:] == head):
                    n = len(key)
                    if k + n <= i and tuple(art.f[k + 1 : k + n]) == key[1:]:
                        start = art.starts[k] + (len(f) - len(head))
                        best = _Speaker(art.text[start : art.ends[k + n - 1]], start, art.ends[k + n - 1])
        return best

    def _last_person_before(self, offset: int, since: int = 0) -> _Speaker | None:
        """The last person mention (entity hint) in ``[since, offset)``."""
        art = self.art
        best = None
        for s, e, label in art.entities:
            if s >= offset:
                break
            if s >= since and label in PERSON_LABELS:
                best = _Speaker(art.text[s:e], s, e)
        return best

    # -- bookkeeping ---------------------------------------------------------

    def _add_region(self, k: int, kind: str, cue, speaker, resolution, confidence: float) -> None:
        r = self.art.regions[k]
        self.used_regions.add(k)
        self._add(r.start, r.end, kind, cue, speaker, resolution, confidence)

    def _add(self, start, end, kind, cue, speaker, resolution, confidence) -> None:
        text = self.art.text
        self.quotes.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                kind=kind,
                cue=cue.text if cue is not None else None,
                cue_start=cue.start if cue is not None else None,
                cue_end=cue.end if cue is not None else None,
                speaker=speaker.name if speaker is not None else None,
                speaker_start=speaker.start if speaker is not None else None,
                speaker_end=speaker.end if speaker is not None else None,
                speaker_resolution=resolution if speaker is not None else "none",
                confidence=round(max(0.05, min(confidence, 0.99)) if speaker is not None else confidence * 0.6, 3),
            )
        )
        if speaker is not None:
            self.previous = speaker
            if resolution in ("subject", "entity"):
                self._remember(speaker)

    def _remember(self, speaker: _Speaker) -> None:
        key = tuple(_fold_token(w) for w in speaker.name.split())
        if key:
            self.known[key] = speaker.name

    def _colon_speaker(self, k: int) -> _Speaker | None:
        """``NP: "..."`` at the start of a sentence (1-5 words, no cue): the NP speaks."""
        art = self.art
        j = bisect.bisect_left(art.starts, art.regions[k].open)
        if j < 2 or art.texts[j - 1] != ":":
            return None
        first = art.sent_first[art.sent_of[j]]
        words = range(first, j - 1)
        if not (1 <= len(words) <= 5) or any(art.is_punct(m) or _cue_kind(art.f[m]) for m in words):
            return None
        start, end = art.starts[first], art.ends[j - 2]
        return _Speaker(art.text[start:end], start, end)

    def _in_covered(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.covered)

    def _next_word(self, i: int) -> int | None:
        art = self.art
        j = i + 1
        if j < art.n and art.sent_of[j] == art.sent_of[i]:
            return j
        return None

    def _leftover_regions(self) -> None:
        """Quoted stretches no cue claimed: partial inside reported speech, else not speech."""
        art = self.art
        for k, r in enumerate(art.regions):
            if k in self.used_regions:
                continue
            speaker = self._colon_speaker(k)
            if speaker is not None:
                # a headline's "الوزير: "..."" — speaker, colon, quotation
                self._add_region(k, DIRECT, None, speaker, "subject", 0.6)
                continue
            for q in self.quotes:
                if q.kind == INDIRECT and q.start <= r.open and r.close < q.end:
                    speaker = _Speaker(q.speaker, q.speaker_start, q.speaker_end) if q.speaker else None
                    cue = art.token(bisect.bisect_left(art.starts, q.cue_start)) if q.cue_start is not None else None
                    self._add_region(k, PARTIAL, cue, speaker, q.speaker_resolution, q.confidence - 0.1)
                    break


def _contains(window: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(window[k : k + n] == phrase for k in range(len(window) - n + 1))
