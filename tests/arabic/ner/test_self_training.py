"""Self-training's selection (arabic/ner/self_training.py): the sentences a model is sure of, from unlabelled text."""

from __future__ import annotations

import pytest

from arabic.ner.self_training import confident_sentences, text_sentences


NAMES = {"بوش", "رايس", "أوباما"}
# a sentence's probability, by a word in it (1.0 without one)
PROBABILITY = {"مشكوك": 0.5, "محتمل": 0.95}


class ScriptedModel:
    """Tags the words of NAMES as persons; the sequence probability comes from PROBABILITY's words."""

    def __init__(self):
        self.seen = []

    def tag_with_probability(self, words):
        self.seen.append(words)
        tags = ["B-PERS" if w in NAMES else "O" for w in words]
        return tags, next((PROBABILITY[w] for w in words if w in PROBABILITY), 1.0)


TEXTS = [
    "قال بوش إن الوضع صعب جدا . هذه جملة بلا أي اسم فيها . قال رايس كلاما مشكوك كثيرا اليوم",
    "وصل أوباما إلى المدينة أمس محتمل . قصيرة جدا .",
]


@pytest.mark.parametrize(
    ("probability", "expected"),
    [
        (0.9, ["بوش", "أوباما"]),  # the unsure sentence (0.5) and the one without names are left out
        (0.4, ["بوش", "رايس", "أوباما"]),
        (0.99, ["بوش"]),
    ],
)
def test_keeps_probable_sentences_with_entities(probability, expected):
    chosen = confident_sentences(ScriptedModel(), TEXTS, min_probability=probability)
    names = [w for words, _tags in chosen.sentences for w in words if w in NAMES]
    assert names == expected
    for words, tags in chosen.sentences:
        assert len(words) == len(tags) and "B-PERS" in tags
    assert chosen.texts == 2
    assert chosen.seen == 4  # "قصيرة جدا ." is too short to be tagged


@pytest.mark.parametrize(
    ("cap", "max_seen", "kept", "tagged"),
    [(1, 100, 1, 1), (100, 1, 1, 1), (100, 2, 1, 2), (100, 3, 1, 3), (2, 100, 2, 4), (100, 100, 2, 4)],
)
def test_bounds_on_kept_and_tagged_sentences(cap, max_seen, kept, tagged):
    model = ScriptedModel()
    chosen = confident_sentences(model, TEXTS, min_probability=0.9, max_sentences=cap, max_seen=max_seen)
    assert len(chosen.sentences) == kept
    assert len(model.seen) == chosen.seen == tagged


@pytest.mark.parametrize("texts", [[], [""], ["كلمة"], ["   \n  "]])
def test_little_or_no_text_gives_no_sentences(texts):
    chosen = confident_sentences(ScriptedModel(), texts)
    assert chosen.sentences == [] and chosen.seen == 0


def test_only_novel_names():
    chosen = confident_sentences(ScriptedModel(), TEXTS, min_probability=0.9, is_known={"بوش"}.__contains__)
    assert [w for words, _ in chosen.sentences for w in words if w in NAMES] == ["أوباما"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال الرئيس إن الوضع صعب. وأضاف أن الحل قريب جدا!", [6, 6]),  # the full stop is a token
        ("قصيرة. " * 3, []),
    ],
)
def test_text_sentences(text, expected):
    assert [len(words) for words in text_sentences(text)] == expected
