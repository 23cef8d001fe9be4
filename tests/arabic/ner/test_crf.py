"""The CRF learner: features, training, prediction with offsets, model files."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from arabic.conll import read_conll
from arabic.matching import Gazetteer
from arabic.ner.crf import FORMAT, CrfModel, ModelFileError, gazetteer_tags, model_info, sentence_features
from arabic.normalize import fold_text


@pytest.fixture(scope="module")
def training():
    from tests.arabic.conftest import TINY_CONLL_TRAIN

    return [(s.tokens, s.tags) for s in read_conll(__import__("io").StringIO(TINY_CONLL_TRAIN))] * 3


@pytest.fixture(scope="module")
def model(training):
    return CrfModel.train(training, max_iterations=60, version="test-1")


def test_features_are_capital_free_and_windowed():
    feats = sentence_features(["وقال", "بايدن", "2021", "COVID"])
    assert "w=بايدن" in feats[1] and "-1:w=وقال" in feats[1] and "+1:w=2021" in feats[1]
    assert "stem=قال" in feats[0] and "pre=و" in feats[0]
    assert "shape=d" in feats[2] and "shape=l" in feats[3]
    assert "w=covid" in feats[3]  # folded: no case distinction anywhere
    assert "BOS" in feats[0] and "EOS" in feats[3]
    assert "+2:w=2021" in feats[0] and "-2:w=وقال" in feats[2]


def test_gazetteer_features():
    g = Gazetteer([("جو بايدن", "PER"), ("العراق", "LOC")])
    words = ["وقال", "جو", "بايدن", "في", "بالعراق"]
    assert gazetteer_tags(g, words) == [None, "B-PER", "I-PER", None, "B-LOC"]
    feats = sentence_features(words, g)
    assert "gaz=B-PER" in feats[1] and "gaz=I-PER" in feats[2] and "-1:gaz=B-PER" in feats[2]
    assert not any(f.startswith("gaz=") for f in feats[0])


def test_training_learns_the_training_data(model, training):
    for words, tags in training[:4]:
        assert model.predict_tags(list(words)) == list(tags)


def test_meta_records_version_and_statistics(model):
    assert model.version == "test-1"
    assert model.labels == ["LOC", "ORG", "PERS"]
    assert model.meta["format"] == FORMAT
    assert model.meta["sentences"] == 12 and model.meta["tokens"] == 90
    assert model.meta["params"]["max_iterations"] == 60


def test_default_version_is_a_timestamp_and_hash(training):
    m = CrfModel.train(training[:4], max_iterations=5)
    stamp, digest = m.version.split("-")
    assert stamp.endswith("Z") and len(digest) == 12


def test_predict_spans_with_offsets_and_confidence(model):
    text = "وزار بايدن العراق ثم بغداد.\n\nوقال الكاظمي في طهران إن الأمم المتحدة شريك"
    spans = model.predict_spans(text)
    assert [(s.text, s.label) for s in spans] == [
        ("بايدن", "PERS"),
        ("العراق", "LOC"),
        ("بغداد", "LOC"),
        ("الكاظمي", "PERS"),
        ("طهران", "LOC"),
        ("الأمم المتحدة", "ORG"),
    ]
    for s in spans:
        assert text[s.start : s.end] == s.text
        assert 0 < s.confidence <= 1
        assert s.suggester == "crf"


def test_spans_leave_out_proclitics_of_known_words(model):
    text = "وقال الرئيس وبايدن في والعراق"
    spans = {s.text for s in model.predict_spans(text)}
    assert "بايدن" in spans or "العراق" in spans
    assert not any(s.startswith("و") for s in spans)


def test_min_confidence_filters(model):
    text = "وزار بايدن العراق"
    assert model.predict_spans(text, min_confidence=1.01) == []


def test_save_and_load_round_trip(model, tmp_path):
    path = tmp_path / "model.crf"
    model.save(path)
    loaded = CrfModel.load(path)
    assert loaded.version == model.version and loaded.meta == model.meta
    text = "وزار بايدن العراق ثم بغداد"
    assert loaded.predict_spans(text) == model.predict_spans(text)
    assert "بايدن" in loaded.gazetteer
    assert model_info(path)["version"] == "test-1"


def test_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "bad.crf"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ModelFileError, match="not a newsreader CRF model"):
        CrfModel.load(bad)


def test_a_model_of_another_format_must_be_retrained(model, tmp_path):
    path = tmp_path / "old.crf"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    meta = json.loads(parts["meta.json"])
    meta["features_version"] = 0
    parts["meta.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    with pytest.raises(ModelFileError, match="retrain"):
        CrfModel.load(path)


def test_a_corrupted_model_is_detected(model, tmp_path):
    path = tmp_path / "corrupt.crf"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["model.crfsuite"] = parts["model.crfsuite"][:-10] + b"0123456789"
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    with pytest.raises(ModelFileError, match="checksum"):
        CrfModel.load(path)


@pytest.mark.parametrize(
    "sentences, message",
    [([], "no training sentences"), ([(["أ", "ب"], ["O"])], "2 tokens but 1 tags")],
)
def test_bad_training_data(sentences, message):
    with pytest.raises(ValueError, match=message):
        CrfModel.train(sentences)


def test_an_external_gazetteer_is_used_at_prediction(training):
    model = CrfModel.train(training, max_iterations=60, gazetteer=Gazetteer([("بغداد", "LOC")]))
    merged = model._gazetteer_for(Gazetteer([("ترامب", "PERS")]))
    assert "ترامب" in merged and "بغداد" in merged and "بايدن" in merged
    assert "ترامب" not in model.gazetteer  # the model's own gazetteer is untouched


def test_predict_many_handles_empty_sentences(model):
    assert model.predict_many([[], ["بايدن"]])[0] == []


def test_each_thread_gets_its_own_tagger(model):
    import threading

    seen, results = [], []

    def work():
        seen.append(model.tagger)
        results.append(model.predict_tags(["وزار", "بايدن", "العراق"]))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(t) for t in seen}) == 3
    assert results[0] == results[1] == results[2] == model.predict_tags(["وزار", "بايدن", "العراق"])


def _random_sentences(training, count, seed=0):
    """Sentences mixing training words (known to the model) with words it never saw,
    clitics and digits, so that many of their feature strings are unknown to it."""
    import random

    rng = random.Random(seed)
    vocabulary = sorted({w for words, _ in training for w in words})
    unseen = ["وبايدن", "بالعراق", "للكاظمي", "مؤتمر", "2024", "COVID", "،", ".", "ترامب", "والأمم", "المتحدةُ"]
    out = []
    for _ in range(count):
        n = rng.randint(1, 14)
        out.append([rng.choice(vocabulary if rng.random() < 0.6 else unseen) for _ in range(n)])
    return out


def test_known_attribute_path_gives_crfsuite_exactly_what_it_keeps(training):
    """Tags and every marginal of the fast path (unknown attributes dropped before
    crfsuite, as bytes) equal those of tagging the full sentence_features."""
    import pycrfsuite

    model = CrfModel.train(training, max_iterations=60, gazetteer=Gazetteer([("ترامب", "PERS")]))
    extra = Gazetteer([("مؤتمر", "ORG"), ("الأمم المتحدة", "ORG")])
    tagger = model.tagger
    dropped = pairs = 0
    for g in (model._gazetteer_for(None), model._gazetteer_for(extra)):
        for words in _random_sentences(training, 300):
            full = sentence_features(words, g)
            fast = model._items(words, g)
            dropped += sum(len(a) - len(b) for a, b in zip(full, fast))
            pairs += sum(f.startswith(b"w-1w+1=") for item in fast for f in item)
            tagger.set(pycrfsuite.ItemSequence(full))
            tags = tagger.tag()
            marginals = [[tagger.marginal(y, k) for y in tagger.labels()] for k in range(len(words))]
            assert model.predict_tags(words, gazetteer=extra if g is not model.gazetteer else None) == tags
            tagger.set(fast)
            assert tagger.tag() == tags, words
            assert [[tagger.marginal(y, k) for y in tagger.labels()] for k in range(len(words))] == marginals
    # the comparison is not vacuous: many strings were left out, known word pairs kept
    assert dropped > 1000 and pairs > 10


def test_fast_path_keeps_gazetteer_features_in_order(training):
    model = CrfModel.train(training, max_iterations=60)
    words = ["وقال", "الرئيس", "بايدن", "في", "واشنطن", "إن", "العراق"]
    known = model._attribute_set()
    expected = [[f.encode() for f in item if f in known] for item in sentence_features(words, model.gazetteer)]
    assert model._items(words, model.gazetteer) == expected
    assert any(b"-2:gaz=B-LOC" in item or b"+2:gaz=B-LOC" in item for item in expected)


def _extras(training):
    from arabic.ner.clusters import WordClusters

    lexicon = Gazetteer([("بايدن", "PERS"), ("واشنطن", "LOC"), ("العراق", "LOC")])
    words = sorted({fold_text(w) for sentence, _ in training for w in sentence})
    clusters = WordClusters((3, 7), {w: (i % 3, i % 7) for i, w in enumerate(words)}, "test")
    return lexicon, clusters


def test_lexicon_cluster_and_base_features(training):
    lexicon, clusters = _extras(training)
    base = CrfModel.train(training, max_iterations=30, version="base-1")
    words = ["وقال", "بايدن", "في", "واشنطن"]
    feats = sentence_features(words, lexicon=lexicon, clusters=clusters, base_tags=["O", "B-PERS", "O", "B-LOC"])
    assert "lex=B-PERS" in feats[1] and "lexl=PERS" in feats[1] and "+1:lex=B-PERS" in feats[0]
    assert any(f.startswith("c3=") for f in feats[1]) and any(f.startswith("-1:c7=") for f in feats[2])
    assert "base=B-PERS" in feats[1] and "base-1=B-PERS" in feats[2] and "base+1=B-LOC" in feats[2]
    assert "base-1=BOS" in feats[0] and "base+1=EOS" in feats[3]
    assert base.version == "base-1"


def test_fast_path_equals_the_full_features_with_lexicon_clusters_and_base(training):
    import pycrfsuite

    lexicon, clusters = _extras(training)
    base = CrfModel.train(training, max_iterations=30, version="base-1")
    model = CrfModel.train(training, max_iterations=40, lexicon=lexicon, clusters=clusters, base=base)
    tagger = model.tagger
    known = model._attribute_set()
    assert any(a.startswith("lex=") for a in known) and any(a.startswith("c7=") for a in known)
    assert any(a.startswith("base=") for a in known)
    g = model._gazetteer_for(None)
    for words in _random_sentences(training, 150):
        full = sentence_features(words, g, lexicon=lexicon, clusters=clusters, base_tags=base.predict_tags(words))
        fast = model._items(words, g)
        assert fast == [[f.encode() for f in item if f in known] for item in full]
        tagger.set(pycrfsuite.ItemSequence(full))
        tags = tagger.tag()
        assert model.predict_tags(words) == tags


def test_lexicon_clusters_and_base_survive_save_and_load(training, tmp_path):
    lexicon, clusters = _extras(training)
    base = CrfModel.train(training, max_iterations=30, version="base-1")
    model = CrfModel.train(training, max_iterations=30, lexicon=lexicon, clusters=clusters, base=base)
    path = tmp_path / "m.crf"
    model.save(path)
    loaded = CrfModel.load(path)
    assert loaded.base.version == "base-1" and loaded.meta["base"]["version"] == "base-1"
    assert loaded.clusters.words == clusters.words and len(loaded.lexicon) == len(lexicon)
    assert loaded.meta["clusters"]["sizes"] == [3, 7]
    for words, _tags in training[:6]:
        assert loaded.predict_tags(list(words)) == model.predict_tags(list(words))


def test_spans_never_keep_a_clitic_before_a_name(training):
    lexicon = Gazetteer([("فرنسا", "LOC"), ("تركيا", "LOC")])
    data = list(training) + [(["زار", "وفرنسا", "ولتركيا", "وللجامعة", "العربية"], ["O", "B-LOC", "B-LOC", "B-ORG", "I-ORG"])] * 4
    model = CrfModel.train(data, max_iterations=60, lexicon=lexicon)
    text = "زار وفرنسا ولتركيا وللجامعة العربية"
    spans = [(s.text, s.label) for s in model.predict_spans(text)]
    assert spans == [("فرنسا", "LOC"), ("تركيا", "LOC"), ("لجامعة العربية", "ORG")]
    # and the model's own gazetteer holds the names without them
    assert "فرنسا" in model.gazetteer and "وفرنسا" not in model.gazetteer
    assert "الجامعة العربية" in model.gazetteer


class _ScriptedTagger:
    """A crfsuite tagger stand-in that gives scripted tags per sentence (marginal 0.9 each)."""

    def __init__(self, script):
        self.script = list(script)

    def set(self, items):
        self.n = len(items)

    def tag(self):
        tags = self.script.pop(0)
        assert len(tags) == self.n
        return tags

    def marginal(self, tag, k):
        return 0.9


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # the article's sure name is tagged where the tagger missed it, proclitic left out
        ("default", [("ماكرون", "PERS", 0.9), ("ماكرون", "PERS", 0.7), ("باريس", "LOC", 0.9)]),
        (None, [("ماكرون", "PERS", 0.9), ("باريس", "LOC", 0.9)]),
    ],
)
def test_predict_spans_tags_a_documents_name_at_its_other_occurrences(model, document, expected):
    from arabic.ner.crf import DOCUMENT

    text = "وقال الرئيس ماكرون اليوم. ثم كتب وماكرون إلى باريس"
    scripted = CrfModel.load(io.BytesIO(model.to_bytes()))
    scripted._attribute_set()  # read with the real tagger before it is replaced
    scripted._local.tagger = _ScriptedTagger([["O", "O", "B-PERS", "O", "O"], ["O", "O", "O", "O", "B-LOC"]])
    spans = scripted.predict_spans(text, document=DOCUMENT if document == "default" else None, guidelines=False)
    assert [(s.text, s.label, s.confidence) for s in spans] == expected
    for s in spans:
        assert text[s.start : s.end] == s.text
