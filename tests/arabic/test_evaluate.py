"""The evaluation command line (wrapped by the Django management command)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from arabic.evaluate import main

GOLD = Path(__file__).resolve().parent / "gold"


def run(argv):
    out = io.StringIO()
    return main(argv, out=out), out.getvalue()


def test_ner_train_and_test(tiny_conll, tmp_path):
    train, test = tiny_conll
    model = tmp_path / "m.crf"
    code, out = run(["ner", "--train", str(train), "--test", str(test), "--iterations", "50", "--save", str(model)])
    assert code == 0
    assert "train: " in out and "4 sentences, 30 tokens" in out
    assert "test: " in out and "overall (micro)" in out
    assert model.is_file()
    code, again = run(["ner", "--model", str(model), "--test", str(test)])
    assert code == 0 and "version" in again
    assert again.splitlines()[-1] == out.splitlines()[-1]  # the same overall row


def test_ner_label_mapping(tiny_conll):
    train, test = tiny_conll
    code, out = run(["ner", "--train", str(train), "--test", str(test), "--iterations", "30", "--map", "PERS=PER"])
    assert code == 0 and "\nPER " in out and "PERS" not in out


@pytest.mark.parametrize("document", [[], ["--document", "3"]])
def test_ner_cross_validation(tiny_conll, document):
    train, _ = tiny_conll
    code, out = run(["ner", "--train", str(train), "--folds", "2", "--contiguous", "--iterations", "10", *document])
    assert code == 0 and "2-fold cross-validation" in out and "contiguous blocks" in out


def test_bad_input_exits_2_with_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("أ O\nب\n", encoding="utf-8")
    code, _ = run(["ner", "--train", str(bad), "--test", str(bad)])
    assert code == 2
    assert "bad.txt:2" in capsys.readouterr().err
    code, _ = run(["ner", "--test", str(bad)])
    assert code == 2


def test_quotes_on_the_seed_article(seed_text, tmp_path):
    text = tmp_path / "article.txt"
    text.write_text(seed_text, encoding="utf-8", newline="")
    code, out = run(["quotes", "--gold", str(GOLD / "seed_quotes.jsonl"), "--text", str(text)])
    assert code == 0
    assert "gold: 16 quotes; found: 16" in out
    assert "span exact" in out and "speaker accuracy (overlapping pairs): 1.000" in out
    code, out = run(
        ["quotes", "--gold", str(GOLD / "seed_quotes.jsonl"), "--text", str(text),
         "--entities", str(GOLD / "seed_entities.jsonl")]
    )  # fmt: skip
    assert code == 0 and "entity hints: 70" in out


def test_quotes_against_the_wrong_text(tmp_path, capsys):
    text = tmp_path / "article.txt"
    text.write_text("نص آخر تماما " * 400, encoding="utf-8")
    code, _ = run(["quotes", "--gold", str(GOLD / "seed_quotes.jsonl"), "--text", str(text)])
    assert code == 2 and "gold and article differ" in capsys.readouterr().err


def test_ner_with_the_lexicon_and_clusters(tiny_conll, tmp_path):
    from arabic.ner.clusters import WordClusters
    from arabic.ner.crf import CrfModel

    train, test = tiny_conll
    clusters = tmp_path / "clusters.json"
    clusters.write_text(WordClusters((2,), {"بايدن": (0,), "العراق": (1,)}, "test").to_json(), encoding="utf-8")
    model = tmp_path / "m.crf"
    argv = ["ner", "--train", str(train), "--test", str(test), "--iterations", "20", "--lexicon", "--clusters", str(clusters)]
    code, out = run([*argv, "--save", str(model)])
    assert code == 0 and "overall (micro)" in out
    saved = CrfModel.load(model)
    assert saved.meta["lexicon"] > 20_000 and saved.meta["clusters"]["words"] == 2
