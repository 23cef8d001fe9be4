"""All suggesters together: merging, exclusions, quotes with hints."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from arabic.matching import Gazetteer, text_hash
from arabic.ner import EntitySpan
from arabic.suggest import suggest

TEXT = "وقال بايدن إن العراق شريك. وزار الكاظمي واشنطن."


class FakeModel:
    """A stand-in suggester returning fixed spans, as CrfModel/BertNer do."""

    def __init__(self, name, spans):
        self.name, self.spans, self.calls = name, spans, []

    def predict_spans(self, text, **kwargs):
        self.calls.append(kwargs)
        return [EntitySpan(s, e, text[s:e], label, conf, self.name) for s, e, label, conf in self.spans]


def span(word, text=TEXT):
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def gazetteer():
    return Gazetteer([("بايدن", "PER"), ("العراق", "LOC")])


def test_merges_the_same_span_and_label_from_several_suggesters(gazetteer):
    crf = FakeModel("crf", [(*span("بايدن"), "PER", 0.95), (*span("الكاظمي"), "PER", 0.7), (*span("العراق"), "ORG", 0.4)])
    result = suggest(TEXT, gazetteer=gazetteer, crf=crf)
    entities = [(e.text, e.label, e.suggester, e.suggesters, e.confidence) for e in result.entities]
    assert entities == [
        ("بايدن", "PER", "crf", ("crf", "gazetteer"), 0.95),
        ("العراق", "LOC", "gazetteer", ("gazetteer",), 0.9),
        ("العراق", "ORG", "crf", ("crf",), 0.4),  # another label: a separate suggestion
        ("الكاظمي", "PER", "crf", ("crf",), 0.7),
    ]
    # the CRF gets the gazetteer, and the tokens and sentences suggest() shares
    (call,) = crf.calls
    assert call["gazetteer"] is gazetteer
    assert [t.text for t in call["tokens"]][:3] == ["وقال", "بايدن", "إن"]
    assert [s.text for s in call["sentences"]] == ["وقال بايدن إن العراق شريك.", "وزار الكاظمي واشنطن."]


def test_on_equal_confidence_the_first_suggester_stays_the_one_named(gazetteer):
    confidence = next(m.confidence for m in gazetteer.find(TEXT) if m.text == "بايدن")
    crf = FakeModel("crf", [(*span("بايدن"), "PER", confidence)])
    (biden, *_) = suggest(TEXT, gazetteer=gazetteer, crf=crf).entities
    assert (biden.suggester, biden.suggesters, biden.confidence) == ("gazetteer", ("crf", "gazetteer"), confidence)


def test_bert_gets_the_gazetteer_words_for_proclitics(gazetteer):
    bert = FakeModel("bert", [(*span("واشنطن"), "LOC", 0.99)])
    result = suggest(TEXT, gazetteer=gazetteer, bert=bert)
    assert "واشنطن" in [e.text for e in result.entities]
    assert bert.calls[0]["known_words"] == gazetteer.first_words()


def test_rejected_and_occupied_spans_are_not_suggested(gazetteer):
    biden, iraq = span("بايدن"), span("العراق")
    result = suggest(TEXT, gazetteer=gazetteer, rejected={(text_hash(TEXT), *biden)})
    assert [e.text for e in result.entities] == ["العراق"]
    result = suggest(TEXT, gazetteer=gazetteer, rejected={("another-revision", *biden)}, occupied=[iraq])
    assert [e.text for e in result.entities] == ["بايدن"]


def test_quotes_use_suggested_and_known_entities_as_speakers(gazetteer):
    text = "وقال الرئيس الأميركي جو بايدن إن العراق شريك."
    alone = suggest(text).quotes[0]
    assert (alone.speaker, alone.speaker_resolution) == ("جو بايدن", "subject")  # the name after the title
    result = suggest(text, gazetteer=Gazetteer([("جو بايدن", "PER")]))
    assert (result.quotes[0].speaker, result.quotes[0].speaker_resolution) == ("جو بايدن", "entity")
    known = [SimpleNamespace(start=text.index("بايدن"), end=text.index("بايدن") + 5, label="PER")]
    assert suggest(text, known_entities=known).quotes[0].speaker == "بايدن"


def test_a_rejected_quote_is_not_suggested_again():
    text = "وقال بايدن إن العراق شريك."
    (quote,) = suggest(text).quotes
    assert suggest(text, rejected={(quote.start, quote.end)}).quotes == []


def test_min_confidence(gazetteer):
    assert suggest(TEXT, gazetteer=gazetteer, min_confidence=0.95).entities == []


def test_nothing_to_suggest():
    result = suggest("نص بلا أسماء ولا أقوال.")
    assert result.entities == [] and result.quotes == []


def test_crf_labels_are_mapped_before_merging(gazetteer):
    from arabic.ner.labels import resolve_labels

    crf = FakeModel("crf", [(*span("بايدن"), "PERS", 0.8), (*span("واشنطن"), "MISC", 0.9)])
    labels = resolve_labels(["PERS", "MISC"], ["PER", "LOC"], {"PERS": "PER", "MISC": ""})
    found = suggest(TEXT, gazetteer=gazetteer, crf=crf, crf_labels=labels).entities
    biden = [e for e in found if e.text == "بايدن"]
    assert [(e.label, e.suggesters) for e in biden] == [("PER", ("crf", "gazetteer"))]
    assert not any(e.text == "واشنطن" for e in found)  # MISC dropped on purpose


def test_a_crf_label_outside_the_map_is_an_error(gazetteer):
    from arabic.ner.labels import LabelMismatch

    crf = FakeModel("crf", [(*span("بايدن"), "PERS", 0.8)])
    with pytest.raises(LabelMismatch, match="PERS"):
        suggest(TEXT, crf=crf, crf_labels={"LOC": "LOC"})
