"""The default entity model, word clusters, label mapping and annotator weights (suggestions/learning.py)."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Annotation
from arabic.ner.default import SHIPPED_MODEL
from arabic.ner.labels import LabelMismatch
from suggestions import learning, services
from tests.factories import UserFactory
from tests.suggestions.test_services import mark, occurrences, suggestions

S = Annotation.Status

TINY_CONLL = """فرانكفورت B-LOC
أعلن O
اتحاد B-ORG
صناعة I-ORG
السيارات I-ORG
في O
ألمانيا B-LOC

وقال O
جون B-PERS
سميث I-PERS
في O
باريس B-LOC
"""


@pytest.fixture
def default_model(settings):
    settings.SUGGESTIONS_BASE_MODEL = "auto"


def test_a_fresh_install_suggests_entities_with_the_shipped_model(default_model, import_seed):
    assert learning.base_model_path() == SHIPPED_MODEL
    article = import_seed()
    found = suggestions(article, kind="entity", suggester="crf")
    codes = set(found.values_list("label__code", flat=True))
    assert found.count() >= 20 and "PER" in codes and "LOC" in codes
    assert found.filter(exact="بايدن", label__code="PER").exists()
    # spans never keep a clitic before a name: بالعراق is suggested as العراق
    assert not found.filter(exact__startswith="بال").exists() and not found.filter(exact__startswith="وال").exists()
    status = next(s for s in services.suggesters_status()["suggesters"] if s["name"] == "crf")
    assert status["available"] and status["version"].startswith("anercorp-") and "default model" in status["detail"]


def test_a_label_the_map_does_not_account_for_is_an_error(default_model, seed, settings):
    settings.SUGGESTIONS_LABEL_MAP = ""  # the model says PERS, the label set PER: no silent drop
    with pytest.raises(LabelMismatch, match="PERS"):
        services.article_suggest(article_id=seed.pk)


def test_the_team_model_is_trained_on_top_of_the_default_one(default_model, seed, user):
    for word, label in (("بايدن", "PER"), ("الكاظمي", "PER"), ("واشنطن", "LOC"), ("بغداد", "LOC")):
        mark(user, seed, word, label)
    row = services.crf_train()
    model = services.crf_model(row)
    assert model.base is not None and model.meta["base"]["version"] == learning.base_model().version
    assert set(model.labels) == {"PER", "LOC"}
    result = services.article_suggest(article_id=seed.pk)
    assert "crf" in result.suggesters


def test_build_entity_model_trains_once_then_is_up_to_date(tmp_path, settings, default_model):
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL, encoding="utf-8")
    out = tmp_path / "out.txt"
    with open(out, "w", encoding="utf-8") as fp:
        call_command("build_entity_model", "--anercorp", str(corpus), stdout=fp)
        call_command("build_entity_model", "--anercorp", str(corpus), stdout=fp)
    first, second = out.read_text(encoding="utf-8").splitlines()
    assert "trained on 12 tokens" in first and "up to date" in second
    assert learning.base_model_path() == learning.built_model_path()
    assert learning.base_model().labels == ["LOC", "ORG", "PERS"]


def test_build_entity_model_without_a_corpus_reports_the_shipped_model(capsys, default_model):
    call_command("build_entity_model")
    assert "anercorp-" in capsys.readouterr().out


def test_build_entity_model_refuses_a_missing_or_malformed_file(tmp_path, default_model):
    with pytest.raises(CommandError, match="not found"):
        call_command("build_entity_model", "--anercorp", str(tmp_path / "nope.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_text("كلمة B-PERS extra\nكلمة X-Y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.txt"):
        call_command("build_entity_model", "--anercorp", str(bad))


def test_word_clusters_from_a_small_archive_degrade_gracefully(seed, capsys):
    call_command("build_word_clusters")
    assert "too little text" in capsys.readouterr().out
    assert learning.word_clusters() is None


def test_word_clusters_from_a_corpus_file(tmp_path, capsys):
    rng = random.Random(0)
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
    vocabulary = ["".join(rng.choice(letters) for _ in range(5)) for _ in range(400)]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choices(vocabulary, k=12)) for _ in range(3000)), encoding="utf-8")
    call_command("build_word_clusters", "--file", str(corpus))
    assert "clusters from file corpus.txt" in capsys.readouterr().out
    clusters = learning.word_clusters()
    assert clusters is not None and len(clusters) == 400


def test_one_prolific_annotator_does_not_flood_the_string_matcher(seed, user, other_user):
    careless = UserFactory()
    text = seed.current_revision.text
    for word in ("العراق", "بغداد", "واشنطن"):
        for occurrence in range(len(occurrences(text, word))):
            mark(careless, seed, word, "PER", occurrence=occurrence)  # careless, and everywhere
    mark(careless, seed, "بايدن", "PER")
    assert Annotation.objects.filter(creator=careless).count() >= 15
    for word, label in (("بايدن", "PER"),):
        mark(user, seed, word, label)
        mark(other_user, seed, word, label)
    gazetteer = learning.corpus_gazetteer()
    found = {m.text: m for m in gazetteer.find(seed.current_revision.text)}
    assert found["بايدن"].confidence >= 0.8  # vouched for by three people
    assert found["العراق"].confidence < 0.3  # only the prolific annotator: below SUGGESTIONS_MIN_CONFIDENCE


def test_word_clusters_in_the_background(seed, capsys):
    call_command("build_word_clusters", "--background")  # the test task backend runs it at once
    assert "queued learn_word_clusters" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--background"):
        call_command("build_word_clusters", "--background", "--file", "x.txt")


def test_a_prolific_annotators_training_sentences_are_thinned(seed, user, other_user):
    prolific = UserFactory()
    text = seed.current_revision.text
    for word in ("العراق", "بغداد", "واشنطن", "بايدن", "الكاظمي"):
        for occurrence in range(len(occurrences(text, word))):
            mark(prolific, seed, word, "LOC", occurrence=occurrence)
    alone, count = learning.training_sentences()
    assert count == Annotation.objects.filter(creator=prolific).count()
    mark(user, seed, "بايدن", "PER")
    mark(other_user, seed, "الكاظمي", "PER")
    shared, _ = learning.training_sentences()
    # alone, the prolific annotator is everyone (full weight); beside two others, their sentences are thinned
    assert len(shared) < len(alone)
    assert any("بايدن" in words for words, _tags in shared)  # a sentence a light annotator marked is always kept
