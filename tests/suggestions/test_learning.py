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


# --- word vectors and the neural tagger (issue #11: the CRF + neural combination in the product) ----------------

TINY_CONLL_ALL_LABELS = TINY_CONLL + """
وحضر O
مهرجان B-MISC
كان I-MISC
في O
فرنسا B-LOC
"""


def _vectors_from_a_corpus_file(tmp_path):
    rng = random.Random(1)
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
    vocabulary = ["".join(rng.choice(letters) for _ in range(5)) for _ in range(300)] + ["باريس", "ألمانيا", "فرنسا"]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choices(vocabulary, k=12)) for _ in range(2500)), encoding="utf-8")
    call_command("build_word_clusters", "--file", str(corpus))


def _crf_status():
    return next(s for s in services.suggesters_status()["suggesters"] if s["name"] == "crf")


def test_word_vectors_are_learned_with_the_clusters(tmp_path, capsys):
    _vectors_from_a_corpus_file(tmp_path)
    out = capsys.readouterr().out
    assert "word vectors of 303 words (100 d)" in out and learning.vectors_path().is_file()
    vectors = learning.word_vectors()
    assert len(vectors) == 303 and len(learning.word_clusters()) == 303
    assert {len(v) for v in vectors.values()} == {100} and "باريس" in vectors


def test_a_small_archive_gives_no_vectors_and_no_neural_tagger(seed, tmp_path, capsys, default_model):
    call_command("build_word_clusters")
    assert "no neural tagger: the CRF tags alone" in capsys.readouterr().out
    assert learning.word_vectors() is None and not learning.vectors_path().exists()
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL_ALL_LABELS, encoding="utf-8")
    call_command("train_neural_tagger", "--anercorp", str(corpus), "--epochs", "1")
    assert "no word vectors" in capsys.readouterr().out and not learning.neural_model_path().exists()
    assert "no word vectors yet" in _crf_status()["detail"]
    assert learning.combined_tagger(learning.base_model()) is learning.base_model()  # the CRF alone


def test_the_neural_tagger_is_trained_and_combined_with_the_crf(seed, tmp_path, capsys, default_model):
    from arabic.ner.ensemble import Ensemble

    _vectors_from_a_corpus_file(tmp_path)
    assert "no neural tagger yet" in _crf_status()["detail"]
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL_ALL_LABELS, encoding="utf-8")
    capsys.readouterr()
    call_command("train_neural_tagger", "--anercorp", str(corpus), "--epochs", "2")
    out = capsys.readouterr().out
    assert "neural tagger neural-" in out and "for the labels LOC, MISC, ORG, PERS" in out
    model = learning.neural_model()
    assert model is not None and model.meta["crf_labels"] == ["LOC", "MISC", "ORG", "PERS"]
    assert model.meta["crf_version"] == learning.base_model().version
    assert model.meta["sentences"] == 3 and "باريس" in model.meta["words"]  # the vectors widen its vocabulary
    combined = learning.combined_tagger(learning.base_model())
    assert isinstance(combined, Ensemble) and combined.weight == learning.NEURAL_CRF_WEIGHT
    assert "combined with the neural tagger" in _crf_status()["detail"]
    # the suggestion pass runs with both taggers (the spans and labels are the CRF's: mapped as before)
    services.article_suggest(article_id=seed.pk)
    found = suggestions(seed, kind="entity", suggester="crf")
    assert found.count() >= 5 and set(found.values_list("label__code", flat=True)) <= {"PER", "LOC", "ORG", "MISC"}


def test_a_neural_tagger_for_other_labels_is_not_combined(seed, user, tmp_path, capsys, default_model):
    _vectors_from_a_corpus_file(tmp_path)
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL_ALL_LABELS, encoding="utf-8")
    call_command("train_neural_tagger", "--anercorp", str(corpus), "--epochs", "1")
    # the team's model (labels PER, LOC) replaces the default one (LOC, MISC, ORG, PERS)
    for word, label in (("بايدن", "PER"), ("واشنطن", "LOC")):
        mark(user, seed, word, label)
    services.crf_train()
    team = services.crf_model()
    assert learning.combined_tagger(team) is team
    assert "was trained for the labels LOC, MISC, ORG, PERS" in _crf_status()["detail"]
    services.article_suggest(article_id=seed.pk)  # the CRF alone: no error
    # retrained for the team's labels: ANERcorp's PERS becomes PER (SUGGESTIONS_LABEL_MAP), ORG and MISC are left out
    capsys.readouterr()
    call_command("train_neural_tagger", "--anercorp", str(corpus), "--epochs", "1")
    out = capsys.readouterr().out
    assert "for the labels LOC, PER" in out and "left out (not the CRF's): MISC, ORG" in out
    assert learning.neural_model().labels == ["LOC", "PER"]
    assert learning.combined_tagger(team).labels == team.labels


def test_training_data_without_one_of_the_crfs_labels_gives_no_neural_tagger(db, tmp_path, capsys, default_model):
    _vectors_from_a_corpus_file(tmp_path)
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL, encoding="utf-8")  # no MISC entity: the two taggers' tags could not match
    capsys.readouterr()
    call_command("train_neural_tagger", "--anercorp", str(corpus), "--epochs", "1")
    assert "have no MISC entity" in capsys.readouterr().out and learning.neural_model() is None


def test_train_neural_tagger_command_errors_and_background(
    db, tmp_path, capsys, default_model, settings, django_capture_on_commit_callbacks
):
    with pytest.raises(CommandError, match="no ANERcorp training file"):
        call_command("train_neural_tagger")
    with pytest.raises(CommandError, match="not found"):
        call_command("train_neural_tagger", "--anercorp", str(tmp_path / "nope.txt"))
    _vectors_from_a_corpus_file(tmp_path)
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL_ALL_LABELS, encoding="utf-8")
    settings.SUGGESTIONS_ANERCORP_FILE = str(corpus)
    capsys.readouterr()
    # queued after the commit (as a retraining of the CRF queues it); the test task backend runs it at once
    with django_capture_on_commit_callbacks(execute=True):
        call_command("train_neural_tagger", "--epochs", "1", "--background")
    assert "queued train_neural_tagger" in capsys.readouterr().out
    assert learning.neural_model() is not None
