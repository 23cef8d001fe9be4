"""Context word classes for the entity tagger: titles, organisation and place heads, speech verbs.

The CRF already sees its neighbours' words (``-1:w=الرئيس``), but a word it
saw rarely in training teaches it little. A class shared by many such words
(``-1:tc=TITLE`` for الرئيس, المستشار, السفير …) generalises to the rare ones,
and so to the names next to them that training never showed: a title before
a name (``وزير الخارجية جان إيف لودريان``), a head noun that begins an
organisation or a place (``وزارة``, ``جامعة``; ``مدينة``, ``جزيرة``), a speech
verb after a speaker (``قال``, ``أكد``), a connector inside a person's name
(``بن``, ``أبو``).

Words are written here as in news text and folded (:func:`arabic.normalize.fold_text`)
at import; a token matches by its *core*: folded, without its proclitic and
without the article (``والرئيس`` -> ``رئيس``), so each word is listed once, bare.
The lists are written for this project (no outside data).
"""

from __future__ import annotations

from arabic.normalize import fold_text

_CLASSES = {
    # titles and roles written before a person's name
    "TITLE": """
        رئيس رئيسة وزير وزيرة سيد سيدة شيخ شيخة أمير أميرة ملك ملكة نائب نائبة سفير سفيرة متحدث متحدثة
        ناطق ناطقة أمين مستشار مستشارة زعيم زعيمة قائد جنرال عقيد لواء عميد مدير مديرة محافظ مبعوث مبعوثة
        مندوب مندوبة دكتور دكتورة أستاذ أستاذة مهندس فنان فنانة لاعب لاعبة مدرب كاتب كاتبة شاعر شاعرة روائي
        مخرج ممثل ممثلة إمام بابا حاج قاضي قاضية سناتور سيناتور مرشح مرشحة مفوض حاكم مفتي بطريرك كاردينال
        مطرب مطربة مغني مغنية صحافي صحافية صحفي صحفية مراسل مراسلة محامي محامية رئيسه وزيره مساعد مساعدة
        المطران مطران الأب مستشار زميل الراحل الفقيد المرحوم السلطان سلطان الرئيسان نجم نجمة بطل بطلة
        الشهيد المتهم الملياردير رجل وكيل ولي العاهل عاهل المشير مشير الفريق الداعية المعارض المعارضة
        """,
    # words that begin an organisation's name
    "ORG": """
        وزارة شركة جامعة حزب جبهة منظمة مجلس وكالة صحيفة مجلة جريدة اتحاد حركة جمعية هيئة مؤسسة مصرف بنك
        مركز معهد نادي منتخب محكمة لجنة قناة تلفزيون إذاعة برلمان مكتب صندوق مجموعة جيش قوات شرطة كتلة تجمع
        تحالف ائتلاف نقابة رابطة أكاديمية مستشفى مدرسة كلية بورصة مديرية إدارة مفوضية سلطة حكومة مصلحة
        دائرة شبكة منتدى بعثة تنظيم فيلق كتائب لواء الحرس مجمع اللجنة الأمانة أمانة غرفة مؤتمر وكالات
        """,
    # words that begin a place's name
    "PLACE": """
        مدينة محافظة ولاية جزيرة جزر نهر بحر خليج منطقة إقليم بلدة قرية عاصمة جبل جبال صحراء بحيرة ضاحية
        حي مقاطعة مخيم ميناء قضاء شبه مضيق قناة وادي سهل هضبة شارع ساحة ميدان بلاد دول دولة جمهورية مملكة
        إمارة سلطنة
        """,
    # speech verbs: a person (or an organisation) is often just before or after them
    "SAY": """
        قال قالت يقول تقول أكد أكدت يؤكد أضاف أضافت أوضح أوضحت أعلن أعلنت يعلن صرح صرحت أشار أشارت ذكر ذكرت
        أفاد أفادت نفى نفت دعا دعت شدد شددت لفت تابع تابعت أبلغ أعرب أعربت اعتبر اعتبرت رأى يرى حذر حذرت
        ندد نددت رحب رحبت طالبت أعلنه كشف كشفت أكدها أوضحه وصف وصفت اتهم اتهمت أبدى أبدت التقى التقت استقبل
        استقبلت بحث زار زارت غادر وصل وصلت
        """,
    # connectors inside a person's name
    "NAMEPART": "بن ابن أبو أبي أبا بنت أم آل عبد ولد",
}


def _fold_core(word: str) -> str:
    f = fold_text(word)
    return f[2:] if f.startswith("ال") and len(f) >= 4 else f


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, words in _CLASSES.items():
        for word in words.split():
            # the first class listed wins (لواء: a rank before a name before a brigade)
            table.setdefault(_fold_core(word), name)
    return table


# folded core -> class name
WORD_CLASSES: dict[str, str] = _build()


def word_class(folded: str, core: str) -> str | None:
    """The class of a token from its folded form (without the article) or its core (no proclitic, no article).

    The whole form comes first: a word that begins with a proclitic's letter (``وزير``, ``ولاية``) has a
    wrong core (``زير``)."""
    bare = folded[2:] if folded.startswith("ال") and len(folded) >= 4 else folded
    found = WORD_CLASSES.get(bare) or WORD_CLASSES.get(core)
    if found is None and "لل" in folded[:3]:
        # ل + ال written لل (للوزارة, وللرئيس): the proclitic stripping leaves لوزاره
        found = WORD_CLASSES.get(folded[folded.index("لل") + 2 :])
    return found
