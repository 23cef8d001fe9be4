"""``manage.py evaluate_suggestions``: the engine's evaluation tables."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.arabic.conftest import GOLD_DIR, TINY_CONLL_TEST, TINY_CONLL_TRAIN, compose_sample


def test_ner(tmp_path, capsys):
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text(TINY_CONLL_TRAIN, encoding="utf-8")
    test.write_text(TINY_CONLL_TEST, encoding="utf-8")
    call_command("evaluate_suggestions", "ner", "--train", str(train), "--test", str(test), "--map", "PERS=PER")
    out = capsys.readouterr().out
    assert "precision" in out.lower() and "PER" in out and "overall" in out.lower()


def test_quotes(tmp_path, capsys):
    text = tmp_path / "article.txt"
    text.write_text(compose_sample().text, encoding="utf-8", newline="")
    call_command("evaluate_suggestions", "quotes", "--gold", str(GOLD_DIR / "seed_quotes.jsonl"), "--text", str(text))
    out = capsys.readouterr().out
    assert "speaker" in out.lower() and "exact" in out.lower()


def test_bad_input_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="missing.txt"):
        call_command("evaluate_suggestions", "ner", "--train", str(Path(tmp_path) / "missing.txt"))
