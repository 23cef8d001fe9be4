"""CoNLL reading and writing."""

from __future__ import annotations

import io

import pytest

from arabic.conll import ConllError, TaggedSentence, map_labels, parse_conll, read_conll, write_conll


def test_read_sentences(tiny_conll):
    train, _ = tiny_conll
    sentences = read_conll(train)
    assert len(sentences) == 4
    assert sentences[0].tokens[:3] == ("وقال", "الرئيس", "بايدن")
    assert sentences[0].tags[:3] == ("O", "O", "B-PERS")
    assert sum(map(len, sentences)) == 30


@pytest.mark.parametrize(
    "text, expected",
    [
        ("أ O\nب B-LOC\n\n\n\nج O\n", [(("أ", "ب"), ("O", "B-LOC")), (("ج",), ("O",))]),
        ("-DOCSTART- O\n\nأ O\n", [(("أ",), ("O",))]),
        ("# comment\nأ\tNN\tB-PER\n", [(("أ",), ("B-PER",))]),  # tabs, extra columns
        ("أ O\r\nب O\r\n", [(("أ", "ب"), ("O", "O"))]),  # CRLF
        ("", []),
    ],
)
def test_parse_variants(text, expected):
    assert [(s.tokens, s.tags) for s in parse_conll(io.StringIO(text))] == expected


@pytest.mark.parametrize(
    "text, message",
    [("أ O\nب\n", "line 2: expected 'TOKEN TAG'"), ("أ O\nب LOC\n", "line 2: bad tag 'LOC'"), ("أ X-PER", "bad tag")],
)
def test_errors_name_the_line(text, message):
    with pytest.raises(ConllError, match=message):
        list(parse_conll(io.StringIO(text)))


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("أ O\nب\n", encoding="utf-8")
    with pytest.raises(ConllError, match=r"bad\.txt:2:"):
        read_conll(path)


def test_round_trip(tmp_path, tiny_conll):
    train, _ = tiny_conll
    sentences = read_conll(train)
    out = tmp_path / "out.txt"
    write_conll(sentences, out)
    assert read_conll(out) == sentences
    buffer = io.StringIO()
    write_conll([(("أ",), ("O",))], buffer)
    assert buffer.getvalue() == "أ O\n\n"


def test_map_labels():
    sentence = TaggedSentence(("أ", "ب", "ج"), ("B-PERS", "I-PERS", "B-MISC"))
    (mapped,) = map_labels([sentence], {"PERS": "PER", "MISC": ""})
    assert mapped.tags == ("B-PER", "I-PER", "O")
