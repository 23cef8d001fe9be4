"""What both entity taggers share (arabic/ner/features.py): jackknifed training names, merged gazetteers."""

from dataclasses import dataclass, field

import pytest

from arabic.matching import Gazetteer
from arabic.ner.features import MergedGazetteer, jackknifed_names


def test_jackknifed_names_hide_each_sentence_from_its_own_gazetteer():
    data = [(["زار", "بايدن"], ["O", "B-PERS"]), (["في", "بغداد"], ["O", "B-LOC"])] * 5
    full, per_fold, fold_of = jackknifed_names(data, Gazetteer([("باريس", "LOC")]), None, folds=3)
    assert {"بايدن", "بغداد", "باريس"} <= {n for n, _l, _w in full.items()}
    for (words, _tags), k in zip(data, fold_of):
        others = {fold_of[j] for j, (w, _) in enumerate(data) if w == words and fold_of[j] != k}
        assert (words[1] in per_fold[k]) == bool(others)
        assert "باريس" in per_fold[k]


@dataclass
class _Tagger(MergedGazetteer):
    gazetteer: Gazetteer
    _merged: tuple | None = field(default=None, repr=False)


@pytest.mark.parametrize("extra", [None, Gazetteer()])
def test_no_extra_names_is_the_models_own_gazetteer(extra):
    own = Gazetteer([("باريس", "LOC")])
    assert _Tagger(own)._gazetteer_for(extra) is own


def test_extra_names_are_merged_once_per_version():
    own, extra = Gazetteer([("باريس", "LOC")]), Gazetteer([("لودريان", "PERS")])
    tagger = _Tagger(own)
    merged = tagger._gazetteer_for(extra)
    assert "باريس" in merged and "لودريان" in merged and "لودريان" not in own
    assert tagger._gazetteer_for(extra) is merged  # same version: the cached merge
    extra.add("أردوغان", "PERS")
    again = tagger._gazetteer_for(extra)
    assert again is not merged and "أردوغان" in again
