"""Context word classes (arabic/ner/triggers.py) and their features in the CRF."""

from __future__ import annotations

import pytest

from arabic.ner.crf import CrfModel, sentence_features
from arabic.ner.features import _word_features
from arabic.ner.triggers import WORD_CLASSES, word_class


@pytest.mark.parametrize(
    "word, expected",
    [
        ("الرئيس", "TITLE"),
        ("والرئيس", "TITLE"),
        ("وللرئيس", "TITLE"),  # ل + ال written لل
        ("وزير", "TITLE"),  # begins with و: the whole form, not the core زير
        ("الوزيرة", "TITLE"),
        ("وزارة", "ORG"),
        ("للوزارة", "ORG"),
        ("بجامعة", "ORG"),
        ("ولاية", "PLACE"),  # begins with و
        ("بالولاية", "PLACE"),
        ("مدينة", "PLACE"),
        ("وقال", "SAY"),
        ("وأكدت", "SAY"),
        ("بن", "NAMEPART"),
        ("أبو", "NAMEPART"),
        ("بايدن", None),
        ("الله", None),
        ("لله", None),
        ("في", None),
    ],
)
def test_word_class(word, expected):
    features = _word_features(word)
    assert ("tc=" + expected in features[0]) if expected else not any(f.startswith("tc=") for f in features[0])


def test_word_class_reads_folded_forms():
    assert word_class("وزير", "زير") == "TITLE"
    assert word_class("الجامعه", "جامعه") == "ORG"  # folded: ة -> ه
    assert word_class("محمد", "محمد") is None
    # every listed word is stored folded, without the article
    assert all(not w.startswith("ال") or len(w) < 4 for w in WORD_CLASSES)
    assert "ة" not in "".join(WORD_CLASSES)


def test_neighbours_see_the_class():
    feats = sentence_features(["وقال", "وزير", "الخارجية", "لودريان"])
    assert "tc=SAY" in feats[0] and "tc=TITLE" in feats[1]
    assert "-1:tc=SAY" in feats[1] and "-2:tc=TITLE" in feats[3] and "+1:tc=TITLE" in feats[0]
    assert not any(f.startswith("tc=") for f in feats[3])


def test_fast_path_keeps_the_class_features():
    training = [
        (["وقال", "وزير", "الخارجية", "لودريان", "إن"], ["O", "O", "O", "B-PERS", "O"]),
        (["وأكد", "الرئيس", "ماكرون", "في", "مدينة", "نيس"], ["O", "O", "B-PERS", "O", "O", "B-LOC"]),
        (["وقالت", "وزارة", "الدفاع", "إن"], ["O", "B-ORG", "I-ORG", "O"]),
    ] * 4
    model = CrfModel.train(training, max_iterations=30)
    known = model._attribute_set()
    assert {"tc=TITLE", "-1:tc=TITLE", "tc=ORG", "-1:tc=SAY"} <= known
    for words in (["وقال", "السفير", "دوكان", "في", "ولاية", "تكساس"], ["وأعلنت", "شركة", "توتال"]):
        expected = [[f.encode() for f in item if f in known] for item in sentence_features(words, model.gazetteer)]
        assert model._items(words, model.gazetteer) == expected


def test_the_default_models_fingerprint_covers_the_word_classes(tmp_path, monkeypatch):
    from arabic.ner import default

    corpus = tmp_path / "train.txt"
    corpus.write_text("قال O\nبايدن B-PERS\n", encoding="utf-8")
    before = default.fingerprint(corpus)
    assert default.fingerprint(corpus) == before
    monkeypatch.setitem(default.WORD_CLASSES, "مستشرق", "TITLE")
    assert default.fingerprint(corpus) != before
