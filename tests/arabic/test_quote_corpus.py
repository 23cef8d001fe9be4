"""Stand-off quote gold on a tokenised corpus: detokenising, reading, scoring."""

from __future__ import annotations

import io
import json

import pytest

from arabic.evaluate import main
from arabic.evaluation import GoldFileError
from arabic.quote_corpus import detokenise, document_text, read_corpus_quote_gold, score_corpus, text_sha1
from arabic.quotes import find_quotes


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("وقال الوزير : \" لن نشارك . \"", 'وقال الوزير: "لن نشارك."'),
        ("قال ( رويترز ) إن الوضع مستقر ، مضيفا أن", "قال (رويترز) إن الوضع مستقر، مضيفا أن"),
        ("لصحيفة ' ' نيوز ' ' قائلا ' ' نعم ' '", 'لصحيفة "نيوز" قائلا "نعم"'),
        ("بحسب « الشرق » أمس", "بحسب «الشرق» أمس"),
        ("هل هذا صحيح ؟", "هل هذا صحيح؟"),
    ],
)
def test_detokenise(tokens, text):
    assert detokenise(tokens.split()) == text


SENTENCES = [
    "وقال الوزير سمير داود إن الحكومة ستستقيل .".split(),
    "وأضاف أن الانتخابات ستجري في الربيع .".split(),
    "وارتفعت الأسعار .".split(),
]


def corpus_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n\n".join("\n".join(f"{t} O" for t in s) for s in SENTENCES) + "\n", encoding="utf-8")
    return path


def gold_lines(text, *quotes):
    return [{"doc": "0-2", "sha1": text_sha1(text)}, *quotes]


def write(tmp_path, lines, name="gold.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    return path


def quote(text, span, speaker, kind="indirect"):
    start = text.index(span)
    return {"doc": "0-2", "start": start, "end": start + len(span), "type": kind, "speaker": speaker}


def test_read_and_score(tmp_path):
    text = document_text(SENTENCES, 0, 2)
    assert text.startswith("وقال الوزير سمير داود إن الحكومة ستستقيل. وأضاف")
    lines = gold_lines(
        text,
        quote(text, "الحكومة ستستقيل", "سمير داود"),
        quote(text, "الانتخابات ستجري في الربيع", "سمير داود"),
    )
    gold = read_corpus_quote_gold(write(tmp_path, lines), SENTENCES)
    assert gold.total == 2 and gold.quotes["0-2"][0].text == "الحكومة ستستقيل"
    report, found = score_corpus(gold, find_quotes)
    assert found == 2
    assert report.exact.f1 == 1.0
    assert report.speaker_accuracy == 1.0  # "الوزير سمير داود" names سمير داود


def test_a_missed_quote_and_a_wrong_speaker_count(tmp_path):
    text = document_text(SENTENCES, 0, 2)
    lines = gold_lines(
        text,
        quote(text, "الحكومة ستستقيل", "رئيس آخر"),
        quote(text, "وارتفعت الأسعار", "أحد"),
    )
    report, _ = score_corpus(read_corpus_quote_gold(write(tmp_path, lines), SENTENCES), find_quotes)
    assert report.overlap.recall == 0.5
    assert report.speaker_accuracy == 0.0


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([{"doc": "0-2", "sha1": "000000000000"}], "gold and corpus file differ"),
        ([{"doc": "0-9", "sha1": "x"}], "outside the corpus"),
        ([{"doc": "a-b", "sha1": "x"}], "is not FIRST-LAST"),
        ([{"start": 0, "end": 3, "type": "direct"}], "missing field 'doc'"),
        ([{"doc": "0-2", "start": 0, "end": 3, "type": "direct"}], "before its document line"),
    ],
)
def test_bad_gold_names_the_line(tmp_path, lines, message):
    with pytest.raises(GoldFileError, match=message):
        read_corpus_quote_gold(write(tmp_path, lines), SENTENCES)


def test_bad_quote_fields(tmp_path):
    text = document_text(SENTENCES, 0, 2)
    for bad, message in (
        ({"doc": "0-2", "start": 5, "end": 5, "type": "direct"}, "0 <= start < end"),
        ({"doc": "0-2", "start": 0, "end": len(text) + 1, "type": "direct"}, "0 <= start < end"),
        ({"doc": "0-2", "start": 0, "end": 3, "type": "quoted"}, "is not one of"),
        ({"doc": "0-2", "start": 0, "type": "direct"}, "missing field 'end'"),
    ):
        with pytest.raises(GoldFileError, match=message) as info:
            read_corpus_quote_gold(write(tmp_path, gold_lines(text, bad)), SENTENCES)
        assert "gold.jsonl:2" in str(info.value)


def test_command_line(tmp_path, capsys):
    text = document_text(SENTENCES, 0, 2)
    gold = write(tmp_path, gold_lines(text, quote(text, "الحكومة ستستقيل", "داود")))
    out = io.StringIO()
    code = main(["quotes", "--gold", str(gold), "--corpus", str(corpus_file(tmp_path))], out=out)
    assert code == 0
    assert "1 documents, 15 words, 1 quotes; found: 2" in out.getvalue()
    assert "speaker accuracy (overlapping pairs): 1.000" in out.getvalue()
    code = main(["quotes", "--gold", str(gold)], out=io.StringIO())
    assert code == 2 and "--text" in capsys.readouterr().err


def test_several_gold_files_are_pooled(tmp_path, capsys):
    """The development set is two files: --gold twice scores them together; one document in both is an error."""
    first = document_text(SENTENCES, 0, 0)
    second = document_text(SENTENCES, 1, 2)
    one = write(
        tmp_path,
        [{"doc": "0-0", "sha1": text_sha1(first)}, {**quote(first, "الحكومة ستستقيل", "داود"), "doc": "0-0"}],
        "one.jsonl",
    )
    two = write(
        tmp_path,
        [{"doc": "1-2", "sha1": text_sha1(second)}, {**quote(second, "الانتخابات ستجري في الربيع", None), "doc": "1-2"}],
        "two.jsonl",
    )
    corpus = str(corpus_file(tmp_path))
    out = io.StringIO()
    assert main(["quotes", "--gold", str(one), "--gold", str(two), "--corpus", corpus], out=out) == 0
    assert "2 documents, 15 words, 2 quotes" in out.getvalue()
    assert main(["quotes", "--gold", str(one), "--gold", str(one), "--corpus", corpus], out=io.StringIO()) == 2
    assert "annotated in two gold files" in capsys.readouterr().err
    # an article (--text) is scored against one gold file only
    article = tmp_path / "article.txt"
    article.write_text(first, encoding="utf-8")
    assert main(["quotes", "--gold", str(one), "--gold", str(two), "--text", str(article)], out=io.StringIO()) == 2
    assert "one --gold" in capsys.readouterr().err
