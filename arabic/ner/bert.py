"""camel-tools' BERT NER (AraBERT fine-tuned on ANERcorp), when its model is installed.

The model is not shipped: ``camel_data -i ner`` installs it into
``$CAMELTOOLS_DATA/data/ner/arabert`` (see :mod:`arabic.camel`). Without it,
:func:`load` raises :class:`arabic.camel.NotInstalled` with the command to run,
and :func:`available` is False — the other suggesters work regardless.

Loading goes through ``camel_tools.ner.NERecognizer(model_path)``.
camel's ``predict`` returns labels only; for a confidence we run the same
batches through the same model and keep the softmax probability of the chosen
label of each word's first word piece (so our labels are exactly camel's).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from arabic import camel
from arabic.ner import EntitySpan, bio_to_chunks, strip_proclitic
from arabic.sentences import split_sentences
from arabic.tokens import tokenize

SUGGESTER = "bert"
# camel's model says PERS; the app's label set says PER.
DEFAULT_LABEL_MAP = {"PERS": "PER"}

_lock = threading.Lock()
_loaded: dict[str, BertNer] = {}


def available() -> bool:
    return camel.ner_status().installed


def load(model_path: str | Path | None = None, *, use_gpu: bool = False) -> BertNer:
    """The model at ``model_path`` (default: the installed camel-tools model), loaded once per process."""
    if model_path is None:
        model_path = camel.ner_status().require().path
    elif not (Path(model_path) / "config.json").is_file():
        raise camel.NotInstalled(
            camel.ComponentStatus("ner", False, Path(model_path), f"no BERT NER model at {model_path} (no config.json)")
        )
    key = str(Path(model_path).absolute())
    with _lock:
        if key not in _loaded:
            _loaded[key] = BertNer(key, use_gpu=use_gpu)
        return _loaded[key]


class BertNer:
    """A loaded camel-tools NERecognizer with confidences and character offsets."""

    def __init__(self, model_path: str | Path, *, use_gpu: bool = False, batch_size: int = 16):
        ner = camel.import_camel("camel_tools.ner")
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.path = Path(model_path)
        self.recognizer = ner.NERecognizer(str(model_path), use_gpu=use_gpu)
        self.batch_size = batch_size
        self._ner_module = ner

    @property
    def labels(self) -> list[str]:
        return list(self.recognizer.labels_map.values())

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[list[tuple[str, float]]]:
        """``(BIO label, probability)`` for every word of every sentence."""
        import torch
        from torch.utils.data import DataLoader

        sentences = [list(s) for s in sentences]
        if not sentences:
            return []
        rec = self.recognizer
        tokenizer = rec.tokenizer
        dataset = self._ner_module.NERDataset(
            sentences=sentences, tokenizer=tokenizer, labels=list(rec.labels_map.values()), max_seq_length=256
        )
        pad = dataset.pad_token_label_id
        per_sentence: list[list[tuple[str, float]]] = [[] for _ in sentences]
        rec.model.eval()
        with torch.no_grad():
            for batch in DataLoader(dataset, batch_size=self.batch_size, shuffle=False):
                logits = rec.model(
                    input_ids=batch["input_ids"],
                    token_type_ids=batch["token_type_ids"],
                    attention_mask=batch["attention_mask"],
                )[0]
                probs = torch.softmax(logits, dim=-1)
                best, ids = probs.max(dim=-1)
                for row in range(ids.shape[0]):
                    sent = int(batch["sent_id"][row])
                    keep = batch["label_ids"][row] != pad
                    for label_id, p in zip(ids[row][keep].tolist(), best[row][keep].tolist()):
                        per_sentence[sent].append((rec.labels_map[label_id], p))
        # Words the tokenizer turns into no word piece get no prediction from
        # camel; give them O so that every word has one.
        out = []
        for words, preds in zip(sentences, per_sentence):
            if len(preds) == len(words):
                out.append(preds)
                continue
            it = iter(preds)
            out.append([next(it) if tokenizer.tokenize(w) else ("O", 1.0) for w in words])
        return out

    def predict_spans(
        self,
        text: str,
        *,
        label_map: dict[str, str] | None = None,
        known_words: frozenset[str] = frozenset(),
        min_confidence: float = 0.0,
    ) -> list[EntitySpan]:
        """Entities in ``text`` with offsets; proclitics (``و`` ``ب`` ``ل`` ...) left out of the span."""
        label_map = DEFAULT_LABEL_MAP if label_map is None else label_map
        tokens = tokenize(text)
        groups, k = [], 0
        for s in split_sentences(text):
            group = []
            while k < len(tokens) and tokens[k].start < s.end:
                if tokens[k].start >= s.start:
                    group.append(tokens[k])
                k += 1
            if group:
                groups.append(group)
        predictions = self.predict([[t.text for t in g] for g in groups])
        spans = []
        for group, preds in zip(groups, predictions):
            tags = [label for label, _ in preds]
            for label, a, b in bio_to_chunks(tags):
                confidence = sum(p for _, p in preds[a:b]) / (b - a)
                if confidence < min_confidence:
                    continue
                start = group[a].start + strip_proclitic(group[a].text, known_words)
                end = group[b - 1].end
                spans.append(
                    EntitySpan(start, end, text[start:end], label_map.get(label, label), round(confidence, 3), SUGGESTER)
                )
        return spans
