"""Speed of the Arabic language engine without BERT.

Generates news-like articles (names with attached proclitics, direct, indirect
and partial quotes, attributions), then times each stage over all of them in
this one process, so the figures are per core:

* camel-tools' ``simple_word_tokenize`` alone — the yardstick;
* our tokens with offsets, the folded view, sentences;
* string matching against a gazetteer of thousands of accepted names;
* the quote finder (given the gazetteer's mentions as entity hints, as the app does);
* the CRF tagger;
* all suggestions of an article without BERT (:func:`arabic.suggest.suggest`:
  gazetteer + CRF + quotes, merged), and the same without the CRF.

Also the training time of the CRF on 100,000 annotated tokens of ANERcorp
(``--anercorp PATH``, by default ``../shared/data/anercorp/train.txt`` next to
the checkout when it exists; otherwise tokens of the generated articles tagged
from the gazetteer).

    .venv/bin/python bench/language_engine.py [--articles 10000] [--names 5000]
"""

from __future__ import annotations

import argparse
import os
import gc
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from camel_tools.tokenizers.word import simple_word_tokenize  # noqa: E402

from arabic.conll import read_conll  # noqa: E402
from arabic.matching import Gazetteer  # noqa: E402
from arabic.ner import spans_to_bio  # noqa: E402
from arabic.ner.crf import CrfModel  # noqa: E402
from arabic.normalize import fold  # noqa: E402
from arabic.quotes import find_quotes  # noqa: E402
from arabic.sentences import split_sentences  # noqa: E402
from arabic.suggest import suggest  # noqa: E402
from arabic.tokens import tokenize  # noqa: E402

DEFAULT_ANERCORP = ROOT.parent / "shared" / "data" / "anercorp" / "train.txt"

FIRST = (
    "محمد أحمد علي حسن حسين خالد عمر سعيد يوسف إبراهيم مصطفى سامي كريم عادل طارق وليد ماجد فيصل نبيل رامي "
    "جمال منير هشام زياد باسم سلمان عبدالله عبدالرحمن ناصر قاسم ليلى سارة مريم فاطمة هدى نور رنا دينا سلمى ريم"
).split()
FAMILY = (
    "الكاظمي العلي الزيدي حداد يوسف النعيمي الجبوري العبيدي الحسيني الخطيب السعدي التميمي الربيعي الدليمي "
    "البياتي الشمري العنزي المالكي الساعدي الموسوي الحكيم الصدر الطائي الكبيسي العزاوي الراوي الجنابي "
    "العامري الخزاعي الفتلاوي"
).split()
PLACES = (
    "العراق بغداد البصرة الموصل أربيل كركوك النجف كربلاء واشنطن طهران أنقرة دمشق عمان القاهرة الرياض "
    "الدوحة بيروت باريس لندن برلين موسكو بكين طوكيو سوريا إيران تركيا الأردن مصر لبنان فرنسا"
).split()
ORGS = [
    "الأمم المتحدة", "الاتحاد الأوروبي", "حلف الناتو", "البنك الدولي", "صندوق النقد الدولي", "منظمة الصحة العالمية",
    "جامعة الدول العربية", "البنك المركزي", "وزارة الخارجية", "وزارة المالية", "هيومن رايتس ووتش", "الصليب الأحمر",
]  # fmt: skip
WORDS = (
    "الحكومة الاتفاق المفاوضات الأزمة الاقتصاد الأسواق الأسعار النفط الانتخابات البرلمان القرار الخطة "
    "الوضع الأمن الاستقرار التعاون الشراكة الدعم المساعدات المشاريع الاستثمار التنمية العلاقات الحوار "
    "المرحلة المقبلة الجديدة الحالية الماضي الأسبوع الشهر العام اليوم أمس كبير مهم واسع سريع بطيء "
    "يواصل يتابع يدرس يناقش يبحث يعمل ينفذ يراقب يواجه يدعم يرفض يقبل تشهد تواجه تستمر تتراجع ترتفع "
    "في من إلى على عن مع بين خلال بعد قبل حول نحو لدى عند ضمن أمام كما لكن ثم حتى بل هذا هذه ذلك تلك "
    "مليون مليار دولار نسبة نقطة عدد أكثر أقل جميع بعض كل"
).split()
CLITICS = ("", "", "", "و", "ب", "ل", "وب", "ول")


class Generator:
    def __init__(self, seed: int, names: int):
        self.rng = random.Random(seed)
        wanted = max(1, names - len(PLACES) - len(ORGS))
        people = [f"{a} {b}" for a in FIRST for b in FAMILY]
        # then "first father family" names, as many as asked for
        people += [f"{a} {c} {b}" for a in FIRST for c in FIRST if a != c for b in FAMILY][: max(0, wanted - len(people))]
        self.rng.shuffle(people)
        self.people = people[:wanted]
        self.names = [(p, "PER") for p in self.people] + [(p, "LOC") for p in PLACES] + [(o, "ORG") for o in ORGS]

    def words(self, n: int) -> str:
        r = self.rng
        out = []
        for _ in range(n):
            if r.random() < 0.12:
                kind = r.random()
                name = r.choice(self.people) if kind < 0.5 else r.choice(PLACES) if kind < 0.85 else r.choice(ORGS)
                clitic = r.choice(CLITICS)
                if clitic.endswith("ل") and name.startswith("ال"):
                    name = name[1:]  # ل + article: للعراق
                out.append(clitic + name)
            else:
                out.append(r.choice(WORDS))
        return " ".join(out)

    def sentence(self) -> str:
        r = self.rng
        person = r.choice(self.people)
        kind = r.random()
        if kind < 0.12:
            return f'وقال {person} للصحافيين "{self.words(r.randint(6, 14))}".'
        if kind < 0.22:
            return f"وأكد {person} أن {self.words(r.randint(6, 12))}، مشيرا إلى أن {self.words(r.randint(5, 10))}."
        if kind < 0.30:
            return f'وأضاف أن "{self.words(r.randint(5, 12))}".'
        if kind < 0.33:
            return f'وأوضح {person} أن {self.words(4)} "{self.words(2)}" {self.words(5)}.'
        if kind < 0.36:
            return f'وحذر {person} من "{self.words(3)}".'
        if kind < 0.42:
            return f"{self.words(r.randint(6, 12))}، بحسب {r.choice(ORGS)}."
        if kind < 0.46:
            return f'ويحمل المؤتمر شعار "{self.words(3)}" في {r.choice(PLACES)}.'
        return self.words(r.randint(8, 20)) + "."

    def article(self) -> str:
        r = self.rng
        title = f'{self.words(r.randint(5, 9))} "{self.words(2)}"'
        paragraphs = [" ".join(self.sentence() for _ in range(r.randint(1, 4))) for _ in range(r.randint(8, 16))]
        return "\n\n".join([title, self.words(r.randint(10, 20))] + paragraphs)


def timed(label: str, func, articles: list[str]) -> tuple[str, float, int]:
    gc.collect()
    started = time.process_time()
    produced = 0
    for text in articles:
        result = func(text)
        produced += len(result) if hasattr(result, "__len__") else 1
    return label, time.process_time() - started, produced


def crf_training_data(path: Path | None, generator: Generator, gazetteer: Gazetteer, tokens: int):
    if path is not None and path.is_file():
        sentences, total = [], 0
        for s in read_conll(path):
            sentences.append((s.tokens, s.tags))
            total += len(s)
            if total >= tokens:
                break
        return sentences, total, f"ANERcorp ({path})"
    sentences, total = [], 0
    while total < tokens:
        text = generator.article()
        spans = [(m.start, m.end, m.label) for m in gazetteer.find(text)]
        for s in split_sentences(text):
            toks = [t for t in tokenize(text) if s.start <= t.start < s.end]
            if toks:
                sentences.append(([t.text for t in toks], spans_to_bio(toks, spans)))
                total += len(toks)
    return sentences, total, "generated articles tagged by the gazetteer (ANERcorp not found)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--names", type=int, default=5_000, help="names in the gazetteer")
    parser.add_argument("--anercorp", type=Path, default=DEFAULT_ANERCORP if DEFAULT_ANERCORP.is_file() else None)
    parser.add_argument("--crf-tokens", type=int, default=100_000)
    parser.add_argument("--crf-iterations", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, help="a saved model instead of training one (e.g. the shipped default, "
                        "arabic/data/models/anercorp-entities.crf)")  # fmt: skip
    parser.add_argument("--stack", action="store_true", help="train a team model on top of --model (two CRFs per "
                        "sentence, as after the first retraining)")  # fmt: skip
    parser.add_argument("--neural", type=Path, help="a saved neural tagger (arabic/ner/neural.py): also time it, "
                        "the CRF combined with it (arabic/ner/ensemble.py), and the whole pass with both")  # fmt: skip
    parser.add_argument("--interleave", type=int, default=0, metavar="ROUNDS", help="also time the whole pass with "
                        "and without the document-level pass alternately, ROUNDS rounds each (median of the ratios)")  # fmt: skip
    args = parser.parse_args(argv)

    generator = Generator(args.seed, args.names)
    gazetteer = Gazetteer(generator.names)
    started = time.perf_counter()
    articles = [generator.article() for _ in range(args.articles)]
    words = sum(len(a.split()) for a in articles)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU time of this process is measured)")
    print(f"{len(articles):,} generated articles, {words:,} words ({words / len(articles):.0f} per article), "
          f"{len(gazetteer):,} names in the gazetteer; generated in {time.perf_counter() - started:.1f} s")  # fmt: skip

    if args.model and not args.stack:
        model = CrfModel.load(args.model)
        print(f"CRF: saved model {args.model} ({model.version}, lexicon {model.meta.get('lexicon', 0):,} names)")
    else:
        training, n_tokens, origin = crf_training_data(args.anercorp, generator, gazetteer, args.crf_tokens)
        started = time.perf_counter()
        cpu = time.process_time()
        if args.stack:
            from arabic.ner.resources import lexicon

            base = CrfModel.load(args.model)
            model = CrfModel.train(training, max_iterations=args.crf_iterations, base=base, lexicon=lexicon())
            origin += f", stacked on {base.version}"
        else:
            model = CrfModel.train(training, max_iterations=args.crf_iterations)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"CRF training: {n_tokens:,} tokens in {len(training):,} sentences from {origin}: "
              f"{wall:.1f} s wall, {cpu:.1f} s CPU ({args.crf_iterations} L-BFGS iterations max)")  # fmt: skip

    class SentenceBySentence:
        """The model without the document-level pass (arabic/ner/consistency.py), for comparison."""

        def __getattr__(self, name):
            return getattr(model, name)

        def predict_spans(self, text, **kwargs):
            return model.predict_spans(text, document=None, **kwargs)

    def suggestions(text, with_crf=True, crf=model):
        result = suggest(text, gazetteer=gazetteer, crf=crf if with_crf else None)
        return result.entities + result.quotes

    # warm the caches the way a long-running worker has them
    for text in articles[:50]:
        suggestions(text)

    stages = [
        ("camel-tools simple_word_tokenize", simple_word_tokenize),
        ("tokens with offsets", tokenize),
        ("normalised view (fold + index)", lambda t: fold(t).text),
        ("sentences", split_sentences),
        ("string matching (gazetteer)", gazetteer.find),
        ("quote finder", lambda t: find_quotes(t, entities=gazetteer.find(t))),
        ("CRF tagger (with the gazetteer)", lambda t: model.predict_spans(t, gazetteer=gazetteer)),
        ("  ... without the document pass", lambda t: model.predict_spans(t, gazetteer=gazetteer, document=None)),
        ("all suggestions without BERT", suggestions),
        ("  ... without the document pass", lambda t: suggestions(t, crf=SentenceBySentence())),
        ("  ... without the CRF", lambda t: suggestions(t, with_crf=False)),
    ]
    if args.neural:
        import torch

        from arabic.ner.ensemble import Ensemble, combine, crf_marginals
        from arabic.ner.neural import NeuralModel

        torch.set_num_threads(1)
        neural = NeuralModel.load(args.neural)
        both = Ensemble(model, neural, weight=0.5)
        print(f"neural tagger: {args.neural} ({neural.version}, {len(neural.meta['words']):,} words)")

        def sentence_words(text):
            tokens, out, i = tokenize(text), [], 0
            for s in split_sentences(text):
                words = []
                while i < len(tokens) and tokens[i].start < s.end:
                    if tokens[i].start >= s.start:
                        words.append(tokens[i].text)
                    i += 1
                if words:
                    out.append(words)
            return out

        def combined_old(text):
            words = sentence_words(text)
            from_crf = crf_marginals(model, words)
            from_nn = neural.predict_marginals(words, gazetteer=gazetteer)
            return [x for c, (_t, p) in zip(from_crf, from_nn) for x in combine([c, p])]

        for text in articles[:50]:
            neural.predict_tags(sentence_words(text)[0], gazetteer=gazetteer)
            suggestions(text, crf=both)
        stages += [
            ("neural tagger (tags)", lambda t: [x for s in neural.predict_many(sentence_words(t), gazetteer=gazetteer) for x in s]),
            ("CRF + neural, combined tags (old)", combined_old),
            ("CRF + neural, combined chunks", lambda t: both.chunks(sentence_words(t), gazetteer=gazetteer)),
            ("all suggestions, CRF + neural", lambda t: suggestions(t, crf=both)),
        ]
    print()
    print(f"{'stage':<36} {'CPU s':>8} {'words/s/core':>14} {'x camel tok':>12} {'items':>10}")
    baseline = None
    for label, func in stages:
        label, seconds, produced = timed(label, func, articles)
        baseline = baseline or seconds
        print(f"{label:<36} {seconds:>8.1f} {words / seconds:>14,.0f} {seconds / baseline:>12.2f} {produced:>10,}", flush=True)
    if args.interleave:
        with_pass, without, ratios = [], [], []
        for _ in range(args.interleave):
            a = timed("", suggestions, articles)[1]
            b = timed("", lambda t: suggestions(t, crf=SentenceBySentence()), articles)[1]
            with_pass.append(words / a)
            without.append(words / b)
            ratios.append(b / a)
        print(f"interleaved, {args.interleave} rounds: all suggestions {statistics.median(with_pass):,.0f} words/s/core "
              f"with the document pass, {statistics.median(without):,.0f} without; median speed ratio "
              f"{statistics.median(ratios):.3f} (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    print()
    print("x camel tok = time of the stage / time of camel-tools' tokenizer alone on the same articles.")
    print("The quote finder row includes the gazetteer look-up that gives it entity hints.")
    if args.neural:
        print("The neural and combined rows tag sentences only (no spans, guidelines or quotes), except 'all suggestions,")
        print("CRF + neural': the whole pass with the two taggers combined (arabic.ner.ensemble.Ensemble, CRF weight 0.5).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
