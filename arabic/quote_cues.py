"""The quote finder's lexicon: cue words (reporting verbs, participles, sources), complementizers and the
word lists that bound subjects and clauses, written naturally and folded once; and :func:`cue_kind`.

See :mod:`arabic.quotes` for what each list is for.
"""

from __future__ import annotations

from functools import lru_cache

from arabic.normalize import fold_text

DIRECT, INDIRECT, PARTIAL = "direct", "indirect", "partial"
PERSON_LABELS = frozenset({"PER", "PERS", "PERSON"})
SPEAKER_LABELS = PERSON_LABELS | {"ORG"}

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
# Verbs and participles that report speech only with a clause right behind them
# (a complementizer, a colon or a quotation, no comma between): as nouns or
# prepositions they are common (بين "between", عبر "across", رفض "refusal").
# "بين" and "عبر" need even more: "بيّن أن" / "عبّر عن" right after the verb.
_WEAK_VERBS = """
وصف وصفت وصفوا يصف تصف
توعد توعدت توعدوا يتوعد تتوعد
رحب رحبت رحبوا يرحب ترحب
ندد نددت نددوا يندد تندد
طالب طالبت طالبوا يطالب تطالب يطالبون
تعهد تعهدت تعهدوا يتعهد تتعهد
زعم زعمت زعموا يزعم تزعم
عبر عبرت عبروا يعبر تعبر
رفض رفضت رفضوا يرفض ترفض
اقترح اقترحت اقترحوا يقترح تقترح
أقر أقرت أقروا يقر تقر
أبلغ أبلغت أبلغوا يبلغ تبلغ
بين بينت يبين تبين
أصر أصرت أصروا يصر تصر
علق علقت علقوا يعلق تعلق
كرر كررت كرروا يكرر تكرر
أجاب أجابت
سئل سئلت
يعتبرون يرون
ألمح ألمحت ألمحوا يلمح تلمح
أورد أوردت أوردوا يورد تورد
أخبر أخبرت أخبروا يخبر تخبر أخبرني أخبرنا أخبره أخبرها أخبرهم يخبرني يخبرنا تخبرني
يصفه تصفه يصفها تصفها يصفهم تصفهم
لاحظ لاحظت لاحظوا
رجح رجحت رجحوا
"""
_WEAK_PARTICIPLES = """
واصفا مطالبا متوعدا مرحبا معبرا رافضا مقترحا مقرا مبلغا منددا متعهدا زاعما مصرا ملمحا موردا مرجحا مرجحين
القول بالقول
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
_NOT_SPEECH_BEFORE_AN = "بعد قبل منذ دون بدون حتى يجب يمكن ينبغي لدرجة بمجرد إلا الا"
# "يذكر أن ..." (it is worth mentioning that): the writer's background, nobody speaks.
_IMPERSONAL = "يذكر يشار يتوقع يرجح يعتقد يفترض يقال يعتبر"  # "يتوقع أن": "it is expected", no speaker
# "ومضى يقول": a verb of going on, not a subject, before the cue.
_AUXILIARIES = "مضى ومضى عاد وعاد راح وراح أخذ وأخذ ظل وظل"
_NEGATIONS = "لم لن لا ما ولم ولن ولا فلم فلا عدم بعدم"  # "طالبا عدم ذكر اسمه": a noun, no cue
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
رويترز فرانس اسوشيتد أسوشيتد يونايتد
"""
# Titles and roles that head a subject ("مسؤول كبير في الإدارة", "النائبة في
# البرلمان ليلى حسن"): a "في ..." right after them names an institution and
# belongs to the subject — unless it names an occasion ("رئيس الوزراء في كلمة").
_ROLE_NOUNS = """
مسؤول مسؤولة مسؤولون مسؤولين المسؤول مصدر مصادر المصدر متحدث متحدثة المتحدث المتحدثة
ناطق الناطق عضو العضو أعضاء نائب النائب النائبة نواب خبير الخبير خبراء محلل المحلل محللون
دبلوماسي الدبلوماسي دبلوماسيون ضابط ضباط موظف موظفون مستشار المستشار باحث الباحث
وزير الوزير وزيرة الوزيرة رئيس الرئيس رئيسة الرئيسة مدير المدير مديرة سفير السفير قائد القائد
أمين الأمين محافظ المحافظ زعيم الزعيم قيادي القيادي منسق المنسق مندوب المندوب مبعوث المبعوث
ممثل الممثل مستشارة المستشارة سفيرة السفيرة المديرة منسقة المنسقة
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
دون بدون من في فيما بينما حيث وذلك كما وسط إلا لكن غير حسب بحسب وفق وفقا طبقا
"""
# After a comma, a participle of the writer's ends the clause too ("، آملاً أن",
# "، داعيا إلى"); participles that are cues end it anyway (a new report).
_ENDING_PARTICIPLES = """
آملا داعيا طالبا متمنيا مبديا مبرزا مستبعدا مستدركا متسائلا مطالبا رافضا واصفا مرحبا
"""
# "، وهو ما نفاه مكتبه" is the writer's comment on the whole report; "، وهي عودة ..." (a relative
# or appositive) continues it.
_CLAUSE_END_PAIRS = {("من", "دون"), ("في", "حين"), ("على", "حد"), ("وهو", "ما"), ("وهي", "ما"), ("وهذا", "ما")}

# Never a speaker: particles and prepositional phrases that can follow a cue, and first-person words
# that open the speaker's own words ("وقال الرئيس لقد تحدثت ..."، "ويتابع الحكيم: فأنا أعترف").
_NOT_SPEAKERS = """
لكنه لكنها لكنهم ولكنه ولكنها حيث إلا الا أنه إنه بالقول القول أيضا كذلك بدوره بدورها فيه فيها له لها
عنه عنها منه منها عليه عليها إليه إليها هو هي هم وهو وهي وهم ذلك هذا هذه ل لـ
به بها بهم بهما بنا بي لهم لهما لنا لكم لي فيهم عليهم عليهما منهم عنهم إليهم معه معها معهم معهما
لجميع لكل بكل لبعض ببعض ردا تعليقا تعقيبا مجددا مرارا صراحة علنا
بالتالي بلهجة بنبرة بلغة بشكل بصورة بطريقة بشدة بوضوح بصراحة بحزم بدورها بدوره كذلك أيضا
لقد ولقد فلقد أنا وأنا فأنا نحن ونحن فنحن إنني انني إننا اننا إني لأنني لأننا
"""
# "يرى عدد من المحللين": من continues the subject after these.
_QUANTIFIERS = "عدد العديد بعض أحد إحدى مجموعة كثير كثيرون عشرات مئات آلاف جملة غالبية معظم أغلب"
# "أكد فيه مدافع المنتخب": a pronoun after the verb, then the subject.
_PRONOUN_PPS = "فيه فيها فيهم له لها لهم"
# Words after which a speaker's name needs no title to be a subject: honorifics, titles.
_TITLES = """
السيد السيدة الشيخ الدكتور د الأستاذ المهندس الجنرال العقيد اللواء العميد الأمير الملك الرئيس
اللاعب المدرب الإمام القيصر النجم الفنان الكاتب الشاعر
النقيب الرائد المقدم الملازم الفريق العماد المشير الطبيب المحامي القاضي البروفيسور
"""
# "مصادر مقربة من بري": من continues the phrase after these.
_CLOSE_TO = "مقرب مقربة مقربون مقربين قريب قريبة قريبون المقربة المقرب القريبة"
# Objects, not subjects, after a cue: "أبلغ السفير الصحافيين بأن".
_AUDIENCE_OBJECTS = "الصحافيين الصحفيين المراسلين الحضور الصحافيون الصحفيون"
# A quoted name after these is the speaker: "صحيفة "واشنطن بوست"".
_SOURCE_HEADS = """
صحيفة الصحيفة جريدة مجلة وكالة قناة شبكة موقع إذاعة منظمة حركة حزب جماعة معهد مركز لجنة هيئة جمعية
"""
# Adjectives that follow a definite noun in a subject ("الأمين العام"), besides nisba forms (-ي, -ية ...).
_ADJECTIVES = """
العام الخاص السابق الأسبق الأول الجديد الأعلى الحالي المقبل الكبير المساعد الدائم المكلف المستقيل الأكبر
العامة الخاصة السابقة الجديدة العليا الحالية المقبلة الكبرى المساعدة الدائمة المتحدة المستقلة الأولى
آخر آخرون آخرين أخرى كبير كبار بارز بارزون رفيع مطلع مسؤول
"""
# Words after a title that are not its name: "التقى الرئيس التركي أردوغان نظيره".
_NOT_NAMES = """
نظيره نظيرته نظيرها نظراءه أمس اليوم ذاته ذاتها ذاتهم ذاتهما نفسه نفسها نفسهم أنفسهم عينه عينها أخرى اخرى آخر
آخرون آخرين
كلمة كلمته خطاب خطابا خطابه تصريح تصريحا تصريحات حديثا
"""
# Nouns of a document that speaks for its issuer: "بيان لهيئة الإفتاء" -> هيئة الإفتاء.
_DOCUMENTS = "بيان وثيقة تقرير رسالة مذكرة"
# Verbs whose object takes ب (تعهد بـ، توعد بـ ...): a ب-word after their subject is the object (stems, past tense).
_GOVERNS_BI = "تعهد توعد طالب رحب ندد اشاد اعترف اقر هدد بشر وعد نوه"
_RELATIVES = "التي الذي الذين اللذين اللتين"
# Words that open a clause: a subject right after them is at a clause start.
_CLAUSE_STARTS = "لكن ولكن بينما فيما حيث إذ كما ثم غير بل وهو وهي عندما وعندما فعندما حينما وحينما فحينما كلما وكلما"
# Prepositions that may sit inside a subject before the verb ("سفيرا مطلعا على الوثيقة قال").
_INNER_PREPOSITIONS = "على في من عن ب لدى"

_PUNCT_CLAUSE = frozenset("،,؛;:")
_PUNCT_SENTENCE = frozenset(".!?؟…")

MAX_SUBJECT = 6  # tokens in a subject noun phrase
MAX_TITLED_SUBJECT = 10  # ... when it opens with a title or role ("السفير الأميركي في الأمم المتحدة جون بولتون")
MAX_GAP = 12  # tokens between a cue (and its subject) and the reported speech
MAX_HEADLINE = 20  # words in a headline "NP: ..." without quotation marks
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
ENDING_PARTICIPLES = _folded_set(_ENDING_PARTICIPLES)
WEAK_VERBS = _folded_set(_WEAK_VERBS)
WEAK_PARTICIPLES = _folded_set(_WEAK_PARTICIPLES)
IMPERSONAL = _folded_set(_IMPERSONAL)
# weak cues that are also prepositions: the word that must follow them ("" = a complementizer)
STRICT_CUES = {fold_text("بين"): "", fold_text("يبين"): "", fold_text("تبين"): "", "عبر": "عن", "يعبر": "عن", "تعبر": "عن"}
AUXILIARIES = _folded_set(_AUXILIARIES)
NOT_SPEAKERS = _folded_set(_NOT_SPEAKERS)
QUANTIFIERS = _folded_set(_QUANTIFIERS)
PRONOUN_PPS = _folded_set(_PRONOUN_PPS)
TITLES = _folded_set(_TITLES)
CLOSE_TO = _folded_set(_CLOSE_TO)
AUDIENCE_OBJECTS = _folded_set(_AUDIENCE_OBJECTS)
SOURCE_HEADS = _folded_set(_SOURCE_HEADS)
ADJECTIVES = _folded_set(_ADJECTIVES)
RELATIVES = _folded_set(_RELATIVES)
NOT_NAMES = _folded_set(_NOT_NAMES)
# the speech a verb gives ("ألقى ... كلمة"، "أدلى ... بتصريح"): it ends a subject, and is never a name
SPEECH_NOUNS = _folded_set("كلمة كلمته خطاب خطابا خطابه تصريح تصريحا تصريحات حديثا")
DOCUMENTS = _folded_set(_DOCUMENTS)
GOVERNS_BI = tuple(sorted(_folded_set(_GOVERNS_BI)))
CLAUSE_STARTS = _folded_set(_CLAUSE_STARTS)
INNER_PREPOSITIONS = _folded_set(_INNER_PREPOSITIONS)
CLAUSE_END_PAIRS = frozenset((fold_text(a), fold_text(b)) for a, b in _CLAUSE_END_PAIRS)
_AN = fold_text("أن")


# Every folded token that can be a cue, with or without و/ف: a set look-up
# finds the few cue candidates of an article without a call per token.
CUE_FORMS = frozenset(
    form
    for stem in VERBS | PARTICIPLES | FEMININE_PARTICIPLES | SOURCES | SAYINGS | WEAK_VERBS | WEAK_PARTICIPLES
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
        if stem in WEAK_VERBS:
            return "weak", cut
        if stem in WEAK_PARTICIPLES:
            return "weak-participle", cut
    return None




def _definite(ftok: str, raw: str | None = None) -> bool:
    """A word with the article ال (or و/ف/ب/ك + ال), not a short word like الا.

    With ``raw`` (the word as written) the article must be a bare alef: the folded
    ``المانيا`` of ``ألمانيا`` is not definite, and ``الله`` (in names) is not either.
    """
    if raw is not None:
        bare = raw[1:] if raw[:1] in "وفبك" and len(raw) > 5 else raw
        if not bare.startswith("ال") or bare in ("الله", "اللہ"):
            return False
    # with a clitic the article needs a stem of three letters or more: بالاك is a name
    return len(ftok) > 3 and (ftok.startswith("ال") or (ftok[:1] in "وفبك" and ftok[1:3] == "ال" and len(ftok) >= 6))


def _adjective(ftok: str) -> bool:
    """A word that reads as an adjective: a nisba (الأميركي، اللبنانية، أمنية), a participle
    (المعلنة، المتحدة) or a listed one."""
    if ftok in ADJECTIVES:
        return True
    if len(ftok) >= 5 and ftok.endswith(("ي", "يه", "يون", "يين")):
        return True
    if len(ftok) >= 9 and ftok.endswith("يات"):
        return True  # a feminine plural nisba: "جمعية سيدات الأعمال الألمانيات"
    if ftok.startswith("الم") and ftok.endswith("ه") and not ftok.endswith("اه"):
        return True
    # an indefinite participle: مطلعة، مقربون، مسؤولين
    return len(ftok) >= 4 and ftok[0] == "م" and ftok.endswith(("ه", "ون", "ين")) and not ftok.endswith("اه")


def _name_word(ftok: str, alone: bool) -> bool:
    """Can this word be part of a name after a title? Not a nisba plural or feminine (أمنية، فلسطينيون);
    a masculine nisba (عراقي) only when it would be the whole name: روحاني in "حسن روحاني" is a name."""
    if ftok.endswith(("يه", "يون", "يين")) and len(ftok) >= 5:
        return False
    if alone and ftok.endswith("ي") and len(ftok) >= 5:
        return False
    if _verbal_noun(ftok):
        return False  # "دان الأمين العام للأمم المتحدة استخدام إسرائيل ...": the object, not a name
    return not (ftok in ADJECTIVES or (_adjective(ftok) and not ftok.endswith("ي")))


def _nisba(ftok: str) -> bool:
    """A masculine nisba adjective (عسكري، لبناني): a run of only these after a role noun is no name."""
    return ftok.endswith("ي") and len(ftok) >= 5


def _circumstantial(ftok: str) -> bool:
    """An accusative active participle of the فاعلا pattern (طالبا، رافضا): a circumstance, never a subject."""
    return len(ftok) == 5 and ftok[1] == "ا" and ftok.endswith("ا") and ftok[0] != "ا"


# foreign given names of a verbal noun's shape (إسحاق، استيفان): never taken for a verbal noun
_NAME_MASDARS = frozenset({"اسحاق", "استيفان"})


def _verbal_noun(ftok: str) -> bool:
    """A verbal noun of a derived verb (استخدام، انسحاب، اقتراح): the object of a cue ("دان الأمين العام
    استخدام إسرائيل ..."، "ووصف استخدام إسرائيل لتلك القنابل بأنه"), never a name or the head of a speaker.

    Forms X (استفعال) and VII/VIII (انفعال، افتعال) by their shape, on the folded word without its article.
    Not form IV (إفعال): its shape is that of broken plurals that do speak (أنباء، أطباء، أعضاء).
    """
    w = ftok[2:] if ftok.startswith("ال") and len(ftok) > 4 else ftok
    if w in _NAME_MASDARS or w[:1] != "ا":
        return False
    if len(w) == 7 and w.startswith("است") and w[5] == "ا":
        return True
    return len(w) == 6 and w[4] == "ا" and (w[1] == "ن" or w[2] in "تطد")  # انسحاب، اقتراح، اضطراب، ازدياد


def _speech_noun(ftok: str) -> bool:
    """The speech a verb gives (كلمة، خطابا، بتصريح): it ends the giver's subject and is never a name."""
    return ftok in SPEECH_NOUNS or (ftok[:1] == "ب" and ftok[1:] in SPEECH_NOUNS)


def _stem(ftok: str) -> str:
    """A title word without its article: الوزيرة and وزيرة compare equal."""
    return ftok[2:] if ftok.startswith("ال") and len(ftok) > 3 else ftok
