"""Self-training: the tagger labels unlabelled text, and the sentences it is sure of join its training data.

The default model is trained on ANERcorp alone; a site's archive (or a text file
an administrator gives) holds the names of its own news that ANERcorp never
saw. :func:`confident_sentences` tags that text with a model and keeps the
sentences whose whole tag sequence the model finds probable (crfsuite's
sequence probability) and that hold at least one entity: a model retrained on
ANERcorp plus those sentences has seen the archive's names in context. A small
or empty archive gives few or no sentences, and the retrained model is then the
model without them.

Measured on ANERcorp with SaudiNewsNet as the unlabelled text, it gained
nothing (docs/language-engine.md, "Round 3"), so the product does not use it
yet; :mod:`bench.entity_self_training` measures it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from arabic.ner import bio_to_chunks
from arabic.sentences import split_sentences
from arabic.tokens import tokenize


@dataclass(frozen=True)
class Selection:
    sentences: list[tuple[list[str], list[str]]]
    seen: int  # sentences tagged
    texts: int


def text_sentences(text: str, *, min_words: int = 5, max_words: int = 60) -> Iterable[list[str]]:
    """The words of each sentence of ``text`` (:func:`arabic.tokens.tokenize`), of a trainable length."""
    tokens = tokenize(text)
    k = 0
    for sentence in split_sentences(text):
        words = []
        while k < len(tokens) and tokens[k].start < sentence.end:
            if tokens[k].start >= sentence.start:
                words.append(tokens[k].text)
            k += 1
        if min_words <= len(words) <= max_words:
            yield words


def confident_sentences(
    model,
    texts: Iterable[str],
    *,
    min_probability: float = 0.9,
    max_sentences: int = 2000,
    max_seen: int = 200_000,
    min_words: int = 5,
    max_words: int = 60,
    is_known: Callable[[str], bool] | None = None,
) -> Selection:
    """``(words, tags)`` of up to ``max_sentences`` sentences of ``texts`` that ``model`` tags with
    sequence probability ≥ ``min_probability`` and at least one entity, in text order; at most
    ``max_seen`` sentences are tagged (a bound on time for a large archive).

    ``is_known``: when given, a sentence is kept only if one of its entities is
    not known (``is_known(name)`` false): names the model has not learned yet.

    ``model``: a :class:`arabic.ner.crf.CrfModel` (duck-typed: ``tag_with_probability``).
    """
    kept: list[tuple[list[str], list[str]]] = []
    seen = n_texts = 0
    for text in texts:
        n_texts += 1
        for words in text_sentences(text, min_words=min_words, max_words=max_words):
            seen += 1
            tags, probability = model.tag_with_probability(words)
            if probability >= min_probability and any(t != "O" for t in tags):
                if is_known is not None and all(
                    is_known(" ".join(words[a:b])) for _label, a, b in bio_to_chunks(tags)
                ):
                    continue
                kept.append((words, tags))
                if len(kept) >= max_sentences:
                    return Selection(kept, seen, n_texts)
            if seen >= max_seen:
                return Selection(kept, seen, n_texts)
    return Selection(kept, seen, n_texts)
