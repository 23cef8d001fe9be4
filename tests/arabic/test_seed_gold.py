"""The seed article's gold files: valid, and the string matcher measured against them."""

from __future__ import annotations

from pathlib import Path

import pytest

from arabic.evaluation import read_entity_gold, read_quote_gold, span_scores
from arabic.matching import Gazetteer
from arabic.normalize import fold_text

GOLD = Path(__file__).resolve().parent / "gold"


def test_gold_quotes_point_into_the_composed_text(seed_text, seed_quotes_gold):
    for record in seed_quotes_gold:
        assert seed_text[record["start"] : record["end"]] == record["text"]
        assert record["type"] in ("direct", "indirect", "partial")
        if record.get("cue_start") is not None:
            assert seed_text[record["cue_start"] : record["cue_end"]] == record["cue"]
        if record.get("speaker_start") is not None:
            assert seed_text[record["speaker_start"] : record["speaker_end"]] == record["speaker"]


def test_gold_entities_point_into_the_composed_text(seed_text, seed_entities_gold):
    labels = set()
    for record in seed_entities_gold:
        assert seed_text[record["start"] : record["end"]] == record["text"]
        labels.add(record["label"])
    assert labels == {"PER", "ORG", "LOC"}
    spans = sorted((r["start"], r["end"]) for r in seed_entities_gold)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "gold entities overlap"


def test_headline_quote_and_banner_are_not_in_the_gold(seed_text, seed_quotes_gold):
    starts = {r["start"] for r in seed_quotes_gold}
    assert seed_text.index("المهمّة القتالية") not in starts
    assert seed_text.index('"المهمة أُنجزت"') + 1 not in starts


def test_a_changed_text_is_detected(seed_text):
    from arabic.evaluation import GoldFileError

    with pytest.raises(GoldFileError, match="gold and article differ"):
        read_quote_gold(GOLD / "seed_quotes.jsonl", "x" + seed_text)


def test_string_matching_on_the_seed_article(seed_text, seed_entities_gold):
    """Every distinct name accepted once: every other mention must be found.

    The gazetteer is built from each name's first mention, as the team would
    accept it, written as it stands in the text (without proclitic).
    """
    gazetteer = Gazetteer()
    seen = set()
    for record in seed_entities_gold:
        key = fold_text(record["text"])
        if key.startswith("ل") and not key.startswith("ال"):
            key = "ا" + key  # "لولايات المتحدة" is the article's ل: the name is "الولايات المتحدة"
            name = "ا" + record["text"]
        else:
            name = record["text"]
        if key not in seen:
            seen.add(key)
            gazetteer.add(name, record["label"])
    gold = read_entity_gold(GOLD / "seed_entities.jsonl", seed_text)
    report = span_scores(gold, gazetteer.find(seed_text))
    assert len(gold) == 70
    assert report.overall.precision >= 1.0
    assert report.overall.recall >= 1.0
    for label in ("PER", "ORG", "LOC"):
        assert report.per_label[label].f1 >= 1.0


def test_string_matching_from_short_names_only(seed_text):
    """Only the short forms known (بايدن, not جو بايدن): full names are found partly."""
    gazetteer = Gazetteer([("بايدن", "PER"), ("الكاظمي", "PER"), ("العراق", "LOC"), ("داعش", "ORG")])
    gold = read_entity_gold(GOLD / "seed_entities.jsonl", seed_text)
    report = span_scores(gold, gazetteer.find(seed_text), labels={"PER", "LOC", "ORG"})
    # every suggestion is right except the two inside a longer gold name
    # (بايدن of جو بايدن, الكاظمي of مصطفى الكاظمي)
    assert report.overall.predicted - report.overall.correct == 2
    assert report.overall.precision >= 0.95
    assert report.per_label["LOC"].precision >= 1.0 and report.per_label["LOC"].recall >= 0.46
    assert report.overall.f1 >= 0.69
