"""Explicit label mapping between a model and a label set: a mismatch is an error, never a silent drop."""

from __future__ import annotations

import pytest

from arabic.ner.labels import LabelMismatch, parse_label_map, resolve_labels

APP_SET = ["PER", "ORG", "LOC", "EVENT", "MISC"]


@pytest.mark.parametrize(
    ("model_labels", "mapping", "expected"),
    [
        (["PERS", "LOC", "ORG", "MISC"], None, {"PERS": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}),
        (["PER", "LOC"], None, {"PER": "PER", "LOC": "LOC"}),
        (["PERS", "MISC"], {"PERS": "PER", "MISC": ""}, {"PERS": "PER", "MISC": None}),
        (["GPE"], {"GPE": "LOC"}, {"GPE": "LOC"}),
    ],
)
def test_labels_resolve(model_labels, mapping, expected):
    assert resolve_labels(model_labels, APP_SET, mapping) == expected


def test_a_person_label_the_set_lacks_is_an_error_naming_it():
    with pytest.raises(LabelMismatch, match=r"PERS, which the label set \(LOC, PER\).*PERS=PER"):
        resolve_labels(["PERS", "LOC"], ["PER", "LOC"], {}, model="model v1")


def test_a_mapping_to_a_missing_label_is_an_error():
    with pytest.raises(LabelMismatch, match=r"MISC \(mapped to OTHER\)"):
        resolve_labels(["MISC"], APP_SET, {"MISC": "OTHER"})


def test_a_label_the_set_lacks_must_be_dropped_explicitly():
    with pytest.raises(LabelMismatch, match="MISC"):
        resolve_labels(["PERS", "MISC"], ["PER", "ORG", "LOC"])
    assert resolve_labels(["PERS", "MISC"], ["PER", "ORG", "LOC"], {"PERS": "PER", "MISC": ""})["MISC"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("PERS=PER", {"PERS": "PER"}), (" pers = per , misc= ", {"PERS": "PER", "MISC": ""}), ("", {})],
)
def test_parse_label_map(text, expected):
    assert parse_label_map(text) == expected


@pytest.mark.parametrize("text", ["PERS", "=PER"])
def test_parse_label_map_refuses_malformed_entries(text):
    with pytest.raises(ValueError, match="label map"):
        parse_label_map(text)
