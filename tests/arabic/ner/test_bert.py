"""camel-tools BERT NER, loaded for real from a tiny random model the test builds.

No download: a 1-layer BERT with a 30-word vocabulary is written in the layout
of camel's ``ner/arabert`` package and read back through camel's
``NERecognizer``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from arabic import camel
from arabic.ner import bert

REPO = Path(__file__).resolve().parents[3]
LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (
    "قال بايدن في العراق و ##ن ال الكاظمي إن ب ##ا واشنطن بغداد أن اتفاق مع ، . \""
).split()


def build_tiny_model(path: Path, *, favour: str | None = None, seed: int = 0) -> Path:
    """Write a random tiny BERT token classifier (and its tokenizer) to ``path``.

    ``favour`` biases the classifier so that every word gets that label: a
    model whose output we know, to check labels end to end.
    """
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    BertTokenizer(str(path / "vocab.txt"), do_lower_case=False).save_pretrained(str(path))
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=256,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(seed)
    model = BertForTokenClassification(config)
    if favour is not None:
        with torch.no_grad():
            model.classifier.bias[LABELS.index(favour)] = 50.0
    model.save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def random_model(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("ct") / "data" / "ner" / "arabert")


@pytest.fixture(scope="module")
def person_model(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("ct") / "data" / "ner" / "arabert", favour="B-PERS")


def test_the_tiny_model_is_laid_out_like_camels_package(random_model):
    folder = random_model.parents[2]
    assert camel.ner_status(folder=folder).installed


def test_loads_through_camels_recognizer(random_model):
    from camel_tools.ner import NERecognizer

    model = bert.load(random_model)
    assert isinstance(model.recognizer, NERecognizer)
    assert sorted(model.labels) == sorted(LABELS)
    assert bert.load(random_model) is model  # loaded once per process


def test_labels_are_exactly_camels_and_come_with_probabilities(random_model):
    model = bert.load(random_model)
    sentences = [["قال", "بايدن", "في", "العراق"], ["و", "الكاظمي", "،", "واشنطن", "بغداد", "."], ["مجهول"]]
    ours = model.predict(sentences)
    camels = model.recognizer.predict(sentences)
    assert [[label for label, _ in s] for s in ours] == camels
    for sentence, words in zip(ours, sentences):
        assert len(sentence) == len(words)
        assert all(0 < p <= 1 for _, p in sentence)


def test_spans_map_labels_and_offsets(person_model):
    model = bert.load(person_model)
    text = "قال بايدن في العراق"
    spans = model.predict_spans(text)
    # every word is B-PERS, so every word is its own PER entity, nearly certain
    assert [(s.text, s.label) for s in spans] == [("قال", "PER"), ("بايدن", "PER"), ("في", "PER"), ("العراق", "PER")]
    for s in spans:
        assert text[s.start : s.end] == s.text
        assert s.confidence > 0.99 and s.suggester == "bert"
    assert [s.label for s in model.predict_spans(text, label_map={})] == ["PERS"] * 4


def test_proclitics_are_left_out_of_spans(person_model):
    model = bert.load(person_model)
    text = "والعراق"
    (span,) = model.predict_spans(text)
    assert span.text == "العراق"


def test_long_sentences_are_split_into_segments_and_still_aligned(random_model):
    model = bert.load(random_model)
    words = ["بايدن", "في", "العراق"] * 150  # beyond the 256 word pieces of one segment
    (tags,) = model.predict([words])
    assert len(tags) == len(words)
    assert [label for label, _ in tags] == model.recognizer.predict([words])[0]


def test_not_installed(tmp_path):
    with pytest.raises(camel.NotInstalled, match="no BERT NER model"):
        bert.load(tmp_path / "nothing-here")


def test_default_model_comes_from_the_data_folder(tmp_path):
    """In a fresh process with CAMELTOOLS_DATA pointing at a folder holding the tiny model."""
    folder = tmp_path / "camel"
    build_tiny_model(folder / "data" / "ner" / "arabert", favour="B-LOC")
    script = (
        "import json\n"
        "from arabic.ner import bert\n"
        "assert bert.available()\n"
        "spans = bert.load().predict_spans('بغداد واشنطن')\n"
        "print(json.dumps([(s.text, s.label) for s in spans], ensure_ascii=False))\n"
    )
    env = {**os.environ, "CAMELTOOLS_DATA": str(folder), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [["بغداد", "LOC"], ["واشنطن", "LOC"]]


def test_without_the_model_the_default_load_says_how_to_install(tmp_path):
    script = (
        "from arabic.ner import bert\n"
        "from arabic.camel import NotInstalled\n"
        "assert not bert.available()\n"
        "try:\n"
        "    bert.load()\n"
        "except NotInstalled as exc:\n"
        "    print(exc)\n"
    )
    env = {**os.environ, "CAMELTOOLS_DATA": str(tmp_path / "empty"), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "not installed" in done.stdout and "camel_data -i ner" in done.stdout
