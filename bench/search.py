"""Search benchmark: 100,000 generated Arabic articles, 200 varied searches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/search.py [--articles N] [--keep]

What it does:

1. creates a throwaway database ``bench_search_<pid>_<random>`` on the server of
   ``DATABASE_URL`` (dropped at the end unless ``--keep``; ``--reuse`` keeps an
   existing one and skips the build) and migrates it;
2. generates articles from many Arabic sentence templates filled with people,
   places, organisations, topics, numbers and dates drawn from skewed
   distributions (so some words are in nearly every article and some in a
   handful), sometimes vowelled and with attached clitics, and COPYs them into
   the article and revision tables;
3. builds the search vectors and the vocabulary with
   :func:`search.indexing.reindex_all`, the exact code of ``manage.py search_reindex``;
4. runs 200 searches through :func:`search.selectors.article_search` (the
   selector the page and the API use: SQL, articles, snippets) and prints the
   50th and 95th percentile latency by kind, both for the search statement alone
   and for the whole selector;
5. prints ``EXPLAIN (ANALYZE, BUFFERS)`` of typical searches, showing the indexes used;
6. times "did you mean" (:func:`search.fuzzy.suggest`, trigram similarity on the
   vocabulary's ``text[]`` trigram column and its GIN index, no ``pg_trgm``) on 100
   misspelt vocabulary words, and says how often the intended word came back.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import sys
import time
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Unique per run: two runs on one server must not drop each other's database.
BENCH_DB = os.environ.get("BENCH_SEARCH_DB") or f"bench_search_{os.getpid()}_{secrets.token_hex(3)}"

# --- Vocabulary of the generator ---------------------------------------------------
FIRST = (
    "محمد أحمد علي حسن حسين مصطفى عمر خالد يوسف إبراهيم عبدالله سعيد كريم جاسم فاضل نوري هادي عادل "
    "سلمان فيصل طارق رائد باسم ماجد سامي وليد زياد نبيل حيدر مقتدى عمار إياد فؤاد منى سارة ليلى هدى "
    "زينب فاطمة مريم نادية رنا دينا جو إيمانويل أنطوني فلاديمير رجب بشار نجيب ميشال"
).split()
LAST = (
    "الكاظمي السوداني العبادي المالكي الحلبوسي البرزاني الطالباني الصدر الحكيم العامري الخزعلي "
    "الجبوري الدليمي الربيعي الزبيدي الساعدي العبيدي الحسني الموسوي البياتي النجفي الكربلائي "
    "بايدن ماكرون بوتين أردوغان الأسد ميقاتي عون بلينكن غوتيريش لافروف شولتس سوناك رئيسي "
    "عبداللهيان السيسي ابن سلمان آل ثاني الصباح الحريري جنبلاط نصرالله"
).split()
TITLES = [
    "الرئيس", "رئيس الوزراء", "وزير الخارجية", "وزير الدفاع", "وزير المالية", "النائب", "السفير",
    "المتحدث باسم الحكومة", "زعيم المعارضة", "محافظ البنك المركزي", "رئيس البرلمان", "وزير النفط",
]
PLACES = (
    "بغداد البصرة الموصل أربيل النجف كربلاء السليمانية كركوك الأنبار ديالى ذي قار ميسان واسط بابل "
    "دمشق بيروت عمان القاهرة الرياض الدوحة الكويت أبوظبي مسقط طهران أنقرة إسطنبول واشنطن نيويورك "
    "لندن باريس برلين موسكو بكين طوكيو جنيف فيينا بروكسل روما مدريد الخرطوم طرابلس تونس الجزائر الرباط"
).split()
COUNTRIES = (
    "العراق سوريا لبنان الأردن مصر السعودية قطر الكويت الإمارات عمان إيران تركيا الولايات المتحدة "
    "أميركا أمريكا روسيا الصين فرنسا ألمانيا بريطانيا اليابان الهند أوكرانيا إسرائيل فلسطين اليمن ليبيا السودان"
).split()
ORGS = [
    "الأمم المتحدة", "مجلس الأمن", "البنك الدولي", "صندوق النقد الدولي", "منظمة الصحة العالمية",
    "جامعة الدول العربية", "الاتحاد الأوروبي", "حلف شمال الأطلسي", "منظمة أوبك", "مجلس النواب",
    "المفوضية العليا المستقلة للانتخابات", "البنك المركزي العراقي", "وزارة النفط", "وزارة الصحة",
    "وزارة التربية", "هيئة النزاهة", "المحكمة الاتحادية", "الصليب الأحمر", "منظمة العفو الدولية",
    "اليونيسف", "الحشد الشعبي", "قوات التحالف", "شركة نفط البصرة", "سوق العراق للأوراق المالية",
]
TOPICS = (
    "الانتخابات الموازنة الاقتصاد النفط الكهرباء المياه الجفاف التضخم البطالة الفساد الإصلاحات الاستثمار "
    "التعليم الصحة اللقاحات الوباء السياحة الزراعة التجارة الصادرات الحدود اللاجئين النازحين الأمن الإرهاب "
    "المفاوضات الاتفاق الدستور البرلمان الحكومة المعارضة الاحتجاجات التظاهرات الحوار المصالحة الإعمار "
    "الطاقة المتجددة الغاز الديون الضرائب الرواتب الأسعار العملة الدولار الذهب القمح الأدوية الجامعات"
).split()
VERBS = "قال أكد أعلن صرح أوضح أشار نفى حذر دعا كشف رأى اعتبر شدد طالب أفاد".split()
ADJ = "كبيرة جديدة مهمة واسعة حادة عاجلة مستمرة غير مسبوقة إيجابية محدودة شاملة".split()
MONTHS = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
    "تشرين الثاني", "كانون الأول",
]
# Syllables for village names: thousands of rare words, each in a handful of articles.
SYLLABLES = "بر تل كف دير عين جب حو سو ما لي نا زا قو شي را دو كا ها طو فا".split()
DAYS = "السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة".split()

SENTENCES = [
    "{verb} {title} {person} إن {topic} تمثل أولوية للحكومة خلال المرحلة المقبلة.",
    "{verb} {person} في مؤتمر صحفي عقده في {place} أن {org} ستتابع ملف {topic} عن كثب.",
    "وأضاف أن {country} تواجه تحديات {adj} في مجال {topic} منذ سنوات.",
    "وبحسب بيان صادر عن {org}، فإن عدد المستفيدين بلغ {number} شخص حتى الآن.",
    "وتأتي هذه التصريحات بعد أيام من زيارة {person} إلى {place} ولقائه {person2}.",
    "من جهته، {verb} {person2} أن الحوار هو السبيل الوحيد لحل الخلافات بشأن {topic}.",
    "وشهدت {place} يوم {day} تظاهرات {adj} للمطالبة بتحسين الخدمات ومكافحة الفساد.",
    "وأعلنت {org} عن تخصيص {number} مليون دولار لدعم مشاريع {topic} في {country}.",
    "ويرى مراقبون أن {topic} ستكون حاضرة بقوة في المفاوضات بين {country} و{country2}.",
    "وكان {title} {person} قد وصل إلى {place} في زيارة رسمية تستمر {small} أيام.",
    "وقال مصدر مطلع لوكالة الأنباء إن الاجتماع ناقش {topic} و{topic2} بشكل مفصل.",
    "وأشار التقرير إلى ارتفاع نسبة {topic} بنحو {percent} في المئة مقارنة بالعام الماضي.",
    "وفي سياق متصل، التقى {person} بوفد من {org} لبحث سبل التعاون في مجال {topic}.",
    "وأكدت وزارة الخارجية في {country} أنها تتابع التطورات في {place} باهتمام {adj}.",
    "ودعا {person} جميع الأطراف إلى ضبط النفس والالتزام بالاتفاق الموقع في {month}.",
    "ونقلت وسائل إعلام محلية عن {person2} قوله إن الوضع في {place} تحت السيطرة.",
    "وتسعى {country} إلى تعزيز علاقاتها مع {country2} في مجالات {topic} و{topic2}.",
    "وبلغت قيمة الصادرات {number} مليار دينار خلال الأشهر الستة الأولى من العام.",
    "ولم يصدر أي تعليق رسمي من {org} حتى ساعة إعداد هذا التقرير.",
    "وتعهد {title} بمتابعة ملف {topic} شخصياً وتقديم تقرير إلى مجلس النواب.",
    "وتظهر الأرقام الرسمية أن {topic} تراجعت في {place} بنسبة {percent} في المئة.",
    "وفي {place}، قال سكان إن أزمة {topic} أثرت في حياتهم اليومية بشكل {adj2}.",
    "وطالب نواب عن محافظة {province} الحكومة بتخصيص مبالغ إضافية لقطاع {topic}.",
    "وأعربت {org} عن قلقها إزاء تدهور الأوضاع الإنسانية في {country}.",
    "ومن المقرر أن تعقد جولة جديدة من المحادثات في {place} مطلع {month} المقبل.",
    "وشدد {person} على ضرورة إبعاد {topic} عن التجاذبات السياسية.",
    "وقالت {person} إن المرأة يجب أن تكون شريكة في صنع القرار بشأن {topic}.",
    "وانتقد {person2} أداء الحكومة في ملف {topic}، واصفاً إياه بأنه {adj2}.",
    "وسجلت أسعار النفط ارتفاعاً طفيفاً لتصل إلى {small2} دولاراً للبرميل.",
    "وأوضح الخبير الاقتصادي {person} أن {topic} ترتبط بشكل وثيق بأسعار النفط العالمية.",
    "وَقَالَ {title} إِنَّ الحُكُومَةَ مُلْتَزِمَةٌ بِإِجْرَاءِ الانْتِخَابَاتِ فِي مَوْعِدِهَا.",
    "وتابع: «لن نسمح بالمساس بأمن {country} واستقرارها تحت أي ظرف».",
    "وأفادت مصادر أمنية بأن قوة مشتركة نفذت عملية في {province} أسفرت عن اعتقال {small} مطلوبين.",
    "ويأتي ذلك في وقت تشهد فيه العلاقات بين {country} و{country2} توتراً {adj2}.",
    "وأطلقت {org} حملة لتوعية المواطنين بأهمية {topic} في {province}.",
    "وتشير التوقعات إلى أن {topic} ستتحسن خلال الربع الأخير من العام الحالي.",
    "وقد استقبل {person} في مكتبه ببغداد سفير {country} لدى العراق.",
    "وذكرت وكالة الأنباء الرسمية أن {person} تلقى اتصالاً هاتفياً من {person2}.",
    "وبحث الجانبان آفاق التعاون الثنائي والملفات ذات الاهتمام المشترك، ولا سيما {topic}.",
    "ولفت إلى أن بلاده مستعدة للمساعدة في جهود {topic} بالتنسيق مع {org}.",
    "وعبّر عدد من المواطنين في {place} عن تفاؤلهم بالإجراءات الجديدة.",
    "وكشفت دراسة حديثة أن {percent} في المئة من الشباب في {country} يعانون من البطالة.",
    "وقررت المحكمة تأجيل النظر في القضية إلى يوم {day} المقبل.",
    "وتوقع {person} أن تشهد المرحلة المقبلة انفراجاً في ملف {topic}.",
    "وبيّن أن الحكومة أنجزت {number} مشروعاً في قطاعات {topic} و{topic2} والخدمات.",
    "وأثار القرار ردود فعل {adj2} في الأوساط السياسية والشعبية.",
    "وبالتزامن مع ذلك، وصل وفد من {org} إلى {place} لتقييم الاحتياجات.",
    "وللمرة الأولى منذ {year}، تستضيف {place} مؤتمراً دولياً حول {topic}.",
    "واعتبر أن ما يجري في {country} يمثل تحدياً للأمن الإقليمي.",
    "فيما أكد {person2} أن لا تراجع عن القرارات المتعلقة بـ{topic}.",
    "وذلك بحضور ممثلين عن {org} و{org2} وعدد من السفراء.",
    "كما تم الاتفاق على تشكيل لجنة مشتركة لمتابعة تنفيذ الاتفاقات الخاصة بـ{topic}.",
    "ويعاني قطاع {topic} من نقص التمويل منذ عام {year} بحسب مختصين.",
    "وتسلم {person} رسالة خطية من {title} {person2} تتعلق بتطورات {topic}.",
    "وأعلنت السلطات في {place} حظراً للتجوال لمدة {small} ساعات.",
    "وجاءت تصريحاته خلال لقائه شيوخ العشائر ووجهاء {province}.",
    "وفيما يخص {topic}، أكد البيان أن الخطط جاهزة للتنفيذ.",
    "ووفقاً للمصدر ذاته، فإن {org} رفضت التعليق على هذه المعلومات.",
    "ونشرت {org} تقريرها السنوي الذي تناول أوضاع {topic} في {country}.",
    "وأكد شهود عيان سماع دوي انفجار في منطقة {place} صباح {day}.",
    "وفي قرية {village} التابعة لمحافظة {province}، اشتكى الأهالي من انقطاع {topic}.",
    "ونظم أهالي {village} وقفة احتجاجية أمام مبنى المحافظة.",
]
TITLE_TEMPLATES = [
    "{person} يبحث مع {person2} ملف {topic}",
    "{org} تحذر من تداعيات {topic} في {country}",
    "{country} و{country2} توقعان اتفاقاً بشأن {topic}",
    "احتجاجات في {place} بسبب {topic}",
    "{title} {person}: {topic} أولوية المرحلة المقبلة",
    "ارتفاع {topic} في {country} بنسبة {percent} في المئة",
    "زيارة مرتقبة لـ{person} إلى {place}",
    "{org} تعلن خطة جديدة لدعم {topic}",
    "جدل في مجلس النواب حول {topic}",
    "{person} يصل إلى {place} في زيارة رسمية",
    "مباحثات عراقية {adjcountry} حول {topic} و{topic2}",
    "تقرير: {topic} تضرب {province} من جديد",
    "{place} تستضيف مؤتمراً دولياً عن {topic}",
    "بالأرقام: حصيلة {topic} خلال {month}",
    "مصادر: {person} يلتقي {person2} في {place} الأسبوع المقبل",
]
SUBTITLES = [
    "تفاصيل اللقاء وأبرز الملفات المطروحة",
    "الحكومة تعد بإجراءات عاجلة",
    "مراقبون: الخطوة تحمل رسائل سياسية",
    "المعارضة تنتقد والحكومة ترد",
    "أرقام جديدة تكشف حجم الأزمة",
]
PROVINCES = "نينوى البصرة الأنبار ديالى صلاح الدين كركوك بابل واسط ميسان المثنى ذي قار القادسية النجف كربلاء دهوك".split()
ADJ_COUNTRY = "إيرانية تركية سعودية أردنية أميركية فرنسية روسية صينية".split()
DIACRITICS = "\u064e\u064f\u0650\u0652"


class Generator:
    def __init__(self, seed: int = 6):
        self.rng = random.Random(seed)
        people = [f"{f} {l}" for f in FIRST for l in LAST]
        self.rng.shuffle(people)
        self.people = people
        # Zipf-like weights: a few people, places and topics are in the news all the time.
        self.person_w = list(accumulate(1 / (i + 1) ** 1.1 for i in range(len(people))))
        self.topic_w = list(accumulate(1 / (i + 1) ** 0.8 for i in range(len(TOPICS))))
        self.place_w = list(accumulate(1 / (i + 1) ** 0.9 for i in range(len(PLACES))))
        villages = {"".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 3))) for _ in range(30000)}
        self.villages = sorted(villages)

    def pick(self, items, cum_weights=None):
        return self.rng.choices(items, cum_weights=cum_weights)[0] if cum_weights else self.rng.choice(items)

    def slots(self) -> dict:
        r = self.rng
        person, person2 = self.pick(self.people, self.person_w), self.pick(self.people, self.person_w)
        topic, topic2 = self.pick(TOPICS, self.topic_w), self.pick(TOPICS, self.topic_w)
        return {
            "person": person,
            "person2": person2,
            "title": self.pick(TITLES),
            "place": self.pick(PLACES, self.place_w),
            "country": self.pick(COUNTRIES),
            "country2": self.pick(COUNTRIES),
            "org": self.pick(ORGS),
            "org2": self.pick(ORGS),
            "topic": topic,
            "topic2": topic2,
            "verb": self.pick(VERBS),
            "adj": self.pick(ADJ),
            "adj2": self.pick(ADJ),
            "number": f"{r.randint(2, 950)}{r.choice(['', ',000', '.5', '00'])}",
            "small": str(r.randint(2, 9)),
            "small2": str(r.randint(55, 120)),
            "percent": str(r.randint(2, 60)),
            "year": str(r.randint(1990, 2023)),
            "month": self.pick(MONTHS),
            "day": self.pick(DAYS),
            "province": self.pick(PROVINCES),
            "adjcountry": self.pick(ADJ_COUNTRY),
            "village": self.pick(self.villages),
        }

    def vowel(self, sentence: str) -> str:
        """Sprinkle diacritics on some words, as some sources do."""
        if self.rng.random() > 0.15:
            return sentence
        words = sentence.split(" ")
        for i in self.rng.sample(range(len(words)), k=max(1, len(words) // 4)):
            w = words[i]
            if len(w) > 2 and "\u0600" <= w[1] <= "\u06ff":
                pos = self.rng.randrange(1, len(w))
                words[i] = w[:pos] + self.rng.choice(DIACRITICS) + w[pos:]
        return " ".join(words)

    def article(self, n: int) -> dict:
        r = self.rng
        title = r.choice(TITLE_TEMPLATES).format(**self.slots())
        paragraphs = []
        for _ in range(r.randint(3, 8)):
            sentences = [self.vowel(r.choice(SENTENCES).format(**self.slots())) for _ in range(r.randint(1, 5))]
            paragraphs.append(" ".join(sentences))
        # The article number keeps every text (and so its hash) unique.
        paragraphs.append(f"({n}) {self.pick(PLACES)} - {r.choice(['خاص', 'وكالات', 'متابعة'])}")
        return {
            "title": title,
            "subtitle": r.choice(SUBTITLES) if r.random() < 0.3 else "",
            "body": paragraphs,
            "published_on": date(2024, 12, 31) - timedelta(days=int(r.random() ** 1.5 * 3650)),
        }


# --- Database -------------------------------------------------------------------------
def admin_connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def bench_url(base: str) -> str:
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/{BENCH_DB}"))


def build(n: int, batch: int = 5000) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from newsreader.document import compose
    from newsreader.models import Source
    from search.indexing import reindex_all

    gen = Generator()
    sources = [Source.objects.create(name=f"مصدر الأخبار {i}", slug=f"source-{i}") for i in range(20)]
    now = timezone.now()
    started = time.monotonic()
    with connection.cursor() as c:
        raw = c.cursor
        for first in range(1, n + 1, batch):
            ids = range(first, min(n, first + batch - 1) + 1)
            articles, revisions = [], []
            for i in ids:
                a = gen.article(i)
                doc = compose(title=a["title"], subtitle=a["subtitle"], body=a["body"])
                h = hashlib.sha256(doc.text.encode()).hexdigest()
                source = sources[i % len(sources) if i % 3 else 0]  # one big source
                articles.append((i, a["published_on"], "", "ar", "rtl", "", "", h, now, now, None, i, source.pk))
                revisions.append(
                    (i, 1, doc.title, doc.subtitle, "", doc.body, doc.text, json.dumps(list(doc.blocks), ensure_ascii=False),
                     h, doc.word_count, now, "import", i, None)
                )
            with transaction.atomic():
                with raw.copy(
                    "COPY newsreader_article (id, published_on, dateline, language, direction, source_url, author, "
                    "content_hash, created_at, updated_at, label_set_id, current_revision_id, source_id) FROM STDIN"
                ) as copy:
                    for row in articles:
                        copy.write_row(row)
                with raw.copy(
                    "COPY newsreader_articlerevision (id, number, title, subtitle, caption, body, text, blocks, "
                    "text_hash, word_count, created_at, reason, article_id, created_by_id) FROM STDIN"
                ) as copy:
                    for row in revisions:
                        copy.write_row(row)
            print(f"\r  generated {ids[-1]:,} articles ({time.monotonic() - started:.0f} s)", end="", flush=True)
        for table in ("newsreader_article", "newsreader_articlerevision"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    print()
    started = time.monotonic()
    with transaction.atomic():
        reindex_all(
            connection,
            batch_size=1000,
            progress=lambda done: print(f"\r  indexed {done:,} articles ({time.monotonic() - started:.0f} s)", end="", flush=True),
        )
    print()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")


# --- Queries ----------------------------------------------------------------------------
def document_frequencies(words: list[str]) -> dict[str, int]:
    from django.db import connection

    from arabic.search_terms import search_key

    out = {}
    with connection.cursor() as c:
        for w in words:
            c.execute(
                "SELECT count(*) FROM search_articlesearch WHERE vector @@ plainto_tsquery('arabic', %s)", [search_key(w)]
            )
            out[w] = c.fetchone()[0]
    return out


def query_set(rng: random.Random, articles: int) -> list[tuple[str, str, dict]]:
    """200 (kind, query, options) triples, chosen from the vocabulary by how common words are."""
    from django.db import connection

    def words(low: float, high: float, n: int) -> list[str]:
        with connection.cursor() as c:
            c.execute(
                "SELECT word FROM search_term WHERE document_count BETWEEN %s AND %s AND word !~ '[0-9]' "
                "ORDER BY md5(word) LIMIT %s",
                [max(1, int(low * articles)), max(1, int(high * articles)), n],
            )
            return [r[0] for r in c.fetchall()]

    frequent = ["في", "من", *words(0.5, 1.0, 30)]  # in half the articles or more
    medium = words(0.01, 0.1, 40)
    rare = words(0, 0.0003, 60)  # in at most 30 of 100,000
    # The same words as readers type them: vowelled, with clitics, other hamza forms.
    variants = ["الانْتِخَابَاتُ", "بالانتخابات", "للحكومة", "والعراق", "أمريكا", "أميركا", "مسئول", "إيران", "وإيران",
                "مُحَمَّد", "الكهرباءِ", "ببغداد"]
    phrases = [
        '"وزير الخارجية"', '"رئيس الوزراء"', '"الأمم المتحدة"', '"مجلس الأمن"', '"حظراً للتجوال"',
        '"صندوق النقد الدولي"', '"في مؤتمر صحفي"', '"أسعار النفط"', '"وزارة الصحة"', '"ضبط النفس"',
    ]
    queries = []
    queries += [("one word, frequent", rng.choice(frequent), {}) for _ in range(40)]
    queries += [("one word, medium", rng.choice(medium + variants), {}) for _ in range(25)]
    queries += [("one word, rare", rng.choice(rare), {}) for _ in range(25)]
    queries += [("two words, frequent", f"{rng.choice(frequent)} {rng.choice(frequent)}", {}) for _ in range(30)]
    queries += [("two words, mixed", f"{rng.choice(frequent + medium)} {rng.choice(medium + rare)}", {}) for _ in range(25)]
    queries += [("phrase", rng.choice(phrases), {}) for _ in range(25)]
    queries += [("by date", rng.choice(frequent + medium), {"sort": "date"}) for _ in range(15)]
    queries += [("filtered", rng.choice(frequent + medium), {"filter": True}) for _ in range(15)]
    assert len(queries) == 200
    return queries


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_queries(queries, *, measure_sql: bool, repeat: int = 3):
    """Latency of each query in ms: the best of ``repeat`` runs (the machine may be shared)."""
    from newsreader.models import Source
    from newsreader.textsearch.query import parse_query
    from search.selectors import SearchFilters, article_search, find

    big = Source.objects.get(slug="source-0")
    timings = []
    for kind, q, options in queries:
        query = parse_query(q)
        filters = SearchFilters(source_ids=(big.pk,), date_from=date(2020, 1, 1)) if options.get("filter") else None
        sort = options.get("sort", "relevance")
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            if measure_sql:
                # The SQL of article_search alone (plan, bound, search), without articles and snippets.
                find(query, filters or SearchFilters(), sort, 1, 20)
            else:
                results = article_search(query=query, filters=filters, sort=sort)
                assert results.hits or kind in ("two words, mixed", "filtered"), (q, results.found)
            best = min(best, (time.perf_counter() - started) * 1000)
        timings.append((kind, best))
    return timings


def report(title: str, timings) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{title} [load average {load} on {os.cpu_count()} CPUs]")
    print(f"  {'kind':<22}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    kinds = sorted({k for k, _ in timings}, key=lambda k: [t[0] for t in timings].index(k))
    for kind in [*kinds, "ALL"]:
        values = [t for k, t in timings if kind in ("ALL", k)]
        print(f"  {kind:<22}{len(values):>5}{percentile(values, 50):>10.1f}{percentile(values, 95):>10.1f}{max(values):>10.1f}")
    ranked = [t for k, t in timings if k.startswith(("one word", "two words"))]
    print(f"  one- and two-word ranked searches: p50 {percentile(ranked, 50):.1f} ms, p95 {percentile(ranked, 95):.1f} ms")


def explain(label: str, q: str, sort: str = "relevance", filters=None) -> None:
    from django.db import connection, transaction

    from newsreader.textsearch.query import parse_query
    from search.selectors import search_statements

    setup, sql, params = search_statements(parse_query(q), filters, sort)
    with transaction.atomic(), connection.cursor() as c:
        if setup:
            c.execute(setup)
        c.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        plan = "\n".join("    " + r[0] for r in c.fetchall())
    print(f"\n--- EXPLAIN: {label}: {q} (sort={sort}; {setup or 'planner decides'})\n{plan}")


ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def bench_fuzzy(rng: random.Random, n: int = 100) -> None:
    """Time fuzzy.suggest on misspelt vocabulary words: one letter swapped for another."""
    from django.db import connection

    from search import fuzzy
    from search.indexing import trigrams

    with connection.cursor() as c:
        c.execute(
            "SELECT word FROM search_term WHERE length(word) BETWEEN 5 AND 12 AND word ~ '^[ء-ي]+$' "
            "ORDER BY md5(word) LIMIT %s",
            [n],
        )
        words = [r[0] for r in c.fetchall()]
    if not words:
        print("\nDid you mean: no vocabulary words to misspell.")
        return
    timings, same, candidates = [], 0, []
    for word in words:
        i = rng.randrange(1, len(word) - 1)
        wrong = word[:i] + rng.choice([ch for ch in ARABIC_LETTERS if ch != word[i]]) + word[i + 1 :]
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            suggestion = fuzzy.suggest(wrong)
            best = min(best, (time.perf_counter() - started) * 1000)
        timings.append(best)
        same += suggestion == word
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM search_term WHERE trigrams && %s::text[]",
                      [fuzzy.probe_trigrams(trigrams(wrong))])  # fmt: skip
            candidates.append(c.fetchone()[0])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nDid you mean: fuzzy.suggest on {len(words)} misspelt words, best of 3 [load average {load} on {os.cpu_count()} CPUs]")
    print(f"  p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms; "
          f"candidates from the index: median {percentile(candidates, 50):.0f}, max {max(candidates)}; "
          f"the intended word came back {same} times of {len(words)}")  # fmt: skip
    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + fuzzy._SUGGEST_SQL, fuzzy.suggest_params(words[0][:-1] + "ة"))
        print("\n--- EXPLAIN: did you mean\n" + "\n".join("    " + r[0] for r in c.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse an existing bench database named by BENCH_SEARCH_DB (skip the build)"
    )
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server where a throwaway database may be created.")
    admin = admin_connect(base)
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
    if exists and not args.reuse:
        admin.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
    if not exists or not args.reuse:
        admin.execute(f"CREATE DATABASE {BENCH_DB}")

    os.environ["DATABASE_URL"] = bench_url(base)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        if not (exists and args.reuse):
            print(f"Migrating {BENCH_DB} …")
            call_command("migrate", verbosity=0)
            print(f"Building {args.articles:,} articles …")
            started = time.monotonic()
            build(args.articles)
            print(f"Built in {time.monotonic() - started:.0f} s.")
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*), pg_size_pretty(pg_total_relation_size('search_articlesearch')), "
                "pg_size_pretty(pg_relation_size('search_vector_gin')), avg(word_count)::int "
                "FROM search_articlesearch s JOIN newsreader_articlerevision r ON r.id = s.revision_id"
            )
            count, table_size, gin_size, words = c.fetchone()
            c.execute("SELECT count(*) FROM search_term")
            terms = c.fetchone()[0]
        print(f"{count:,} indexed articles, {words} words on average; search table {table_size}, GIN index {gin_size}; "
              f"{terms:,} vocabulary words.")
        freq = document_frequencies(["في", "قال", "الحكومة", "العراق", "الانتخابات", "الكهرباء", "جنبلاط", "طوكيو"])
        print("Articles containing: " + ", ".join(f"{w} {n:,} ({100 * n / count:.0f}%)" for w, n in freq.items()))

        queries = query_set(random.Random(2024), count)
        rare_word = next(q for kind, q, _ in queries if kind == "one word, rare")
        started = time.perf_counter()
        cold = run_queries(queries, measure_sql=False, repeat=1)
        print(f"\nFirst pass (cold caches), whole selector: {time.perf_counter() - started:.1f} s for 200 searches")
        report("  ", cold)
        report("Search SQL only (plan, bound, statement), best of 3", run_queries(queries, measure_sql=True))
        report("Whole selector: SQL + articles + snippets, best of 3", run_queries(queries, measure_sql=False))

        from newsreader.models import Source
        from search.selectors import SearchFilters

        big = Source.objects.get(slug="source-0")
        explain("frequent word", "في")
        explain("middling word", "جنبلاط")
        explain("rare word", rare_word)
        explain("two frequent words", "العراق الحكومة")
        explain("phrase", '"وزير الخارجية"')
        explain("by date", "الكهرباء", sort="date")
        explain("source and dates", "الانتخابات", filters=SearchFilters(source_ids=(big.pk,), date_from=date(2020, 1, 1)))
        bench_fuzzy(random.Random(10))
    finally:
        connection.close()
        if not args.keep:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"\nDropped {BENCH_DB}.")
        admin.close()


if __name__ == "__main__":
    main()
