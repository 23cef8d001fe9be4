"""A small neural entity tagger: character CNN + word BiLSTM + CRF, in torch, on CPU.

The classic architecture of Ma & Hovy (2016) / Lample et al. (2016), kept small
enough to train in minutes on one core and to tag tens of thousands of words
a second:

* each word is its folded form's embedding (:func:`arabic.normalize.fold_text`)
  plus the embedding of its proclitic-stripped stem (``وبايدن`` -> ``بايدن``);
  the table may start from word vectors learned from unlabelled text
  (:func:`arabic.ner.clusters.learn_vectors`: the site's archive);
* a character CNN over the folded letters (affixes, nisba, unknown names);
* the gazetteer and lexicon tags the CRF also sees
  (:func:`arabic.ner.features.gazetteer_tags`, training names jackknifed as in
  :mod:`arabic.ner.crf`) and the word's shape, as small embeddings;
* a bidirectional LSTM over the sentence and a linear-chain CRF layer on top
  (Viterbi decoding; forward-backward marginals as confidences).

A model is one zip file: ``meta.json`` (format, vocabularies, sizes,
training statistics), ``weights.pt`` (the state dict, loaded with
``weights_only=True``), ``gazetteer.json`` and optionally ``lexicon.json``.
torch is imported when a model is trained or loaded, not with this module.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from arabic.matching import Gazetteer
from arabic.ner.features import MergedGazetteer, _shape, _word_features, gazetteer_tags, jackknifed_names
from arabic.ner.neural_fast import GAZ_VALUES, FastInference

FORMAT = "newsreader-neural/1"
PAD, UNK = 0, 1
MAX_CHARS = 16


class ModelFileError(ValueError):
    """A file that is not a newsreader neural entity model."""


@dataclass
class Hyper:
    word_dim: int = 64
    char_dim: int = 24
    char_filters: int = 48
    tag_dim: int = 8
    shape_dim: int = 4
    hidden: int = 96
    dropout: float = 0.5
    epochs: int = 12
    batch: int = 16
    lr: float = 2e-3
    min_freq: int = 1
    unk_replace: float = 0.3  # a training singleton becomes UNK this often (unknown words at test time)
    freeze_vectors: bool = True  # given word vectors stay as learned from unlabelled text (and training is fast)
    seed: int = 0


def _gaz_id(tag: str | None) -> int:
    try:
        return GAZ_VALUES.index(tag or "")
    except ValueError:
        return 0


def _build_module(meta: dict, vectors=None):
    import torch
    from torch import nn

    h = meta["hyper"]
    n_words, n_chars, n_tags = len(meta["words"]) + 2, len(meta["chars"]) + 2, len(meta["tags"])
    n_shapes = len(meta["shapes"]) + 2

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(n_words, h["word_dim"], padding_idx=PAD)
            if vectors is not None:
                with torch.no_grad():
                    self.word.weight.copy_(torch.as_tensor(vectors, dtype=torch.float32))
                if h.get("freeze_vectors", True):
                    self.word.weight.requires_grad_(False)
            self.char = nn.Embedding(n_chars, h["char_dim"], padding_idx=PAD)
            self.conv = nn.Conv1d(h["char_dim"], h["char_filters"], 3, padding=1)
            self.gaz = nn.Embedding(len(GAZ_VALUES), h["tag_dim"])
            self.lex = nn.Embedding(len(GAZ_VALUES), h["tag_dim"])
            self.shape = nn.Embedding(n_shapes, h["shape_dim"])
            width = 2 * h["word_dim"] + h["char_filters"] + 2 * h["tag_dim"] + h["shape_dim"]
            self.drop = nn.Dropout(h["dropout"])
            self.lstm = nn.LSTM(width, h["hidden"], batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * h["hidden"], n_tags)
            self.trans = nn.Parameter(torch.zeros(n_tags, n_tags))  # trans[i, j]: from tag i to tag j
            self.start = nn.Parameter(torch.zeros(n_tags))
            self.end = nn.Parameter(torch.zeros(n_tags))

        def emissions(self, words, stems, chars, gaz, lex, shape, lengths):
            b, t, c = chars.shape
            ch = self.char(chars.view(b * t, c)).transpose(1, 2)
            ch = torch.relu(self.conv(ch)).max(dim=2).values.view(b, t, -1)
            x = torch.cat([self.word(words), self.word(stems), ch, self.gaz(gaz), self.lex(lex), self.shape(shape)], -1)
            x = self.drop(x)
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            y, _ = self.lstm(packed)
            y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=t)
            return self.out(self.drop(y))

        def log_partition(self, em, mask):
            # forward algorithm; em: (b, t, k), mask: (b, t) bool
            alpha = self.start + em[:, 0]
            for i in range(1, em.shape[1]):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans + em[:, i].unsqueeze(1), dim=1)
                alpha = torch.where(mask[:, i : i + 1], nxt, alpha)
            return torch.logsumexp(alpha + self.end, dim=1), alpha

        def nll(self, em, tags, mask):
            t = em.shape[1]
            score = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
            for i in range(1, t):
                step = self.trans[tags[:, i - 1], tags[:, i]] + em[:, i].gather(1, tags[:, i : i + 1]).squeeze(1)
                score = score + step * mask[:, i]
            last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
            score = score + self.end[last]
            log_z, _ = self.log_partition(em, mask)
            return (log_z - score).sum()

        def viterbi(self, em, mask):
            b, t, k = em.shape
            score = self.start + em[:, 0]
            back = []
            for i in range(1, t):
                total = score.unsqueeze(2) + self.trans
                best, arg = total.max(dim=1)
                nxt = best + em[:, i]
                m = mask[:, i : i + 1]
                score = torch.where(m, nxt, score)
                back.append(torch.where(m, arg, torch.arange(k).expand(b, k)))
            score = score + self.end
            last = score.argmax(1)
            path = [last]
            for arg in reversed(back):
                last = arg.gather(1, last.unsqueeze(1)).squeeze(1)
                path.append(last)
            path.reverse()
            return torch.stack(path, 1)

        def marginals(self, em, mask):
            # forward-backward; returns (b, t, k) posterior tag probabilities
            b, t, k = em.shape
            alphas = [self.start + em[:, 0]]
            for i in range(1, t):
                nxt = torch.logsumexp(alphas[-1].unsqueeze(2) + self.trans + em[:, i].unsqueeze(1), dim=1)
                alphas.append(torch.where(mask[:, i : i + 1], nxt, alphas[-1]))
            lengths = mask.sum(1)
            betas = [None] * t
            beta = self.end.expand(b, k)
            for i in range(t - 1, -1, -1):
                # beta at a position past the end is meaningless; positions at the last word get self.end
                is_last = (lengths - 1 == i).unsqueeze(1)
                if i < t - 1:
                    nxt = torch.logsumexp(self.trans + (em[:, i + 1] + beta).unsqueeze(1), dim=2)
                    beta = torch.where(is_last, self.end.expand(b, k), nxt)
                betas[i] = beta
            a = torch.stack(alphas, 1)
            bt = torch.stack(betas, 1)
            log_z = torch.logsumexp(a.gather(1, (lengths - 1).view(b, 1, 1).expand(b, 1, k)).squeeze(1) + self.end, 1)
            return torch.exp(a + bt - log_z.view(b, 1, 1))

    return Tagger()


@dataclass
class NeuralModel(FastInference, MergedGazetteer):
    """A trained BiLSTM-CRF tagger. Build with :meth:`train` or :meth:`load`."""

    meta: dict
    weights: bytes
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    lexicon: Gazetteer | None = None
    _module: object = field(default=None, repr=False, compare=False)
    _index: tuple | None = field(default=None, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    _merged: tuple | None = field(default=None, repr=False, compare=False)
    _static: tuple | None = field(default=None, repr=False, compare=False)
    _fast: dict | None = field(default=None, repr=False, compare=False)
    # the word-form cache of the fast path is filled (and may start again) under this lock
    _static_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def version(self) -> str:
        return self.meta["version"]

    @property
    def labels(self) -> list[str]:
        return list(self.meta["labels"])

    # -- encoding ------------------------------------------------------------

    def _indexes(self):
        if self._index is None:
            m = self.meta
            self._index = (
                {w: i + 2 for i, w in enumerate(m["words"])},
                {c: i + 2 for i, c in enumerate(m["chars"])},
                {s: i + 2 for i, s in enumerate(m["shapes"])},
            )
        return self._index

    def _entry(self, word: str) -> tuple:
        """``(word id, stem id, character ids padded to MAX_CHARS, shape id)`` of a word form, cached."""
        cache = self._cache
        entry = cache.get(word)
        if entry is None:
            wix, cix, six = self._indexes()
            feats = _word_features(word)
            f = feats[5]
            chars = [cix.get(c, UNK) for c in f[:MAX_CHARS]]
            chars += [PAD] * (MAX_CHARS - len(chars))
            entry = (wix.get(f, UNK), wix.get(feats[0][2][5:], UNK), chars, six.get(_shape(word), UNK), f)
            if len(cache) < self._CACHE_SIZE:
                cache[word] = entry
        return entry

    _CACHE_SIZE = 200_000

    def _encode(self, words: Sequence[str], gaz: Sequence, lex: Sequence, unk: frozenset = frozenset(), rng=None):
        entries = [self._entry(w) for w in words]
        ids = [e[0] for e in entries]
        if rng is not None:
            p = self.meta["hyper"]["unk_replace"]
            ids = [UNK if e[4] in unk and rng.random() < p else i for i, e in zip(ids, entries)]
        return (
            ids,
            [e[1] for e in entries],
            [e[2] for e in entries],
            [_gaz_id(t) for t in gaz],
            [_gaz_id(t) for t in lex],
            [e[3] for e in entries],
        )

    @staticmethod
    def _batch(encoded: list):
        import torch

        t = max(len(e[0]) for e in encoded)
        lengths = [len(e[0]) for e in encoded]
        blank = [PAD] * MAX_CHARS

        def pad(rows):
            return torch.tensor([r + [PAD] * (t - len(r)) for r in rows], dtype=torch.long)

        chars = torch.tensor([e[2] + [blank] * (t - len(e[2])) for e in encoded], dtype=torch.long)
        inputs = (pad([e[0] for e in encoded]), pad([e[1] for e in encoded]), chars,
                  pad([e[3] for e in encoded]), pad([e[4] for e in encoded]), pad([e[5] for e in encoded]))  # fmt: skip
        lengths_t = torch.tensor(lengths)
        mask = torch.arange(t).unsqueeze(0) < lengths_t.unsqueeze(1)
        return (*inputs, lengths_t), mask

    # -- training ------------------------------------------------------------

    @classmethod
    def train(
        cls,
        sentences: Iterable[tuple[Sequence[str], Sequence[str]]],
        *,
        gazetteer: Gazetteer | None = None,
        lexicon: Gazetteer | None = None,
        vectors: dict[str, Sequence[float]] | None = None,
        hyper: Hyper | None = None,
        version: str | None = None,
        log=None,
    ) -> NeuralModel:
        """Train from ``(tokens, BIO tags)`` sentences.

        ``vectors``: folded word -> vector (all of one length), to start the
        word table from (and to widen the vocabulary beyond the training words).
        """
        import torch

        hp = hyper or Hyper()
        data = [(list(w), list(t)) for w, t in sentences if len(w)]
        if not data:
            raise ValueError("no training sentences: the tagger needs at least one annotated sentence")
        for words, tags in data:
            if len(words) != len(tags):
                raise ValueError(f"sentence has {len(words)} tokens but {len(tags)} tags: {' '.join(words)[:80]}")
        started = time.perf_counter()
        torch.manual_seed(hp.seed)
        rng = random.Random(hp.seed)
        counts = Counter(_word_features(w)[5] for words, _ in data for w in words)
        word_dim = hp.word_dim
        vocab = [w for w, c in counts.most_common() if c >= hp.min_freq]
        if vectors:
            word_dim = len(next(iter(vectors.values())))
            seen = set(vocab)
            vocab += sorted(w for w in vectors if w not in seen)
        hyper_dict = {**hp.__dict__, "word_dim": word_dim}
        chars = sorted({c for w in counts for c in w})
        tags = ["O"] + sorted({t for _, ts in data for t in ts if t != "O"})
        meta = {
            "format": FORMAT,
            "hyper": hyper_dict,
            "words": vocab,
            "chars": chars,
            "shapes": sorted({_shape(w) for words, _ in data for w in words}),
            "tags": tags,
            "labels": sorted({t[2:] for t in tags if t != "O"}),
        }
        table = None
        if vectors:
            import numpy as np

            table = np.random.default_rng(hp.seed).normal(0, 0.1, (len(vocab) + 2, word_dim)).astype("float32")
            table[PAD] = 0
            for i, w in enumerate(vocab):
                v = vectors.get(w)
                if v is not None:
                    table[i + 2] = np.asarray(v, dtype="float32")
        module = _build_module(meta, table)
        full, per_fold, fold_of = jackknifed_names(data, gazetteer or Gazetteer(), lexicon)
        model = cls(meta, b"", full, lexicon, module)
        singletons = frozenset(w for w, c in counts.items() if c == 1)
        tag_ix = {t: i for i, t in enumerate(tags)}
        examples = []
        for idx, (words, ts) in enumerate(data):
            folded = [_word_features(w)[5] for w in words]
            g = gazetteer_tags(per_fold[fold_of[idx]], words, folded)
            lx = gazetteer_tags(lexicon, words, folded)
            examples.append((words, g, lx, [tag_ix[t] for t in ts]))
        opt = torch.optim.Adam([p for p in module.parameters() if p.requires_grad], lr=hp.lr)
        module.train()
        for epoch in range(hp.epochs):
            rng.shuffle(examples)
            # batches of similar lengths (less padding), in random order
            examples.sort(key=lambda e: len(e[0]) + rng.random() * 8)
            batches = [examples[i : i + hp.batch] for i in range(0, len(examples), hp.batch)]
            rng.shuffle(batches)
            total = 0.0
            for batch in batches:
                enc = [model._encode(w, g, lx, singletons, rng) for w, g, lx, _ in batch]
                inputs, mask = cls._batch(enc)
                gold = torch.zeros(mask.shape, dtype=torch.long)
                for r, e in enumerate(batch):
                    gold[r, : len(e[3])] = torch.tensor(e[3])
                em = module.emissions(*inputs)
                loss = module.nll(em, gold, mask) / len(batch)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(module.parameters(), 5.0)
                opt.step()
                total += float(loss.detach()) * len(batch)
            if log is not None:
                log(f"epoch {epoch + 1}: loss {total / len(examples):.3f} ({time.perf_counter() - started:.0f} s)")
        module.eval()
        buf = io.BytesIO()
        torch.save(module.state_dict(), buf)
        weights = buf.getvalue()
        meta.update(
            {
                "sentences": len(data),
                "tokens": sum(len(w) for w, _ in data),
                "training_seconds": round(time.perf_counter() - started, 2),
                "sha256": hashlib.sha256(weights).hexdigest(),
                "lexicon": len(lexicon) if lexicon is not None else 0,
            }
        )
        meta["version"] = version or f"neural-{meta['sha256'][:12]}"
        model.weights = weights
        return model

    # -- prediction ----------------------------------------------------------

    @property
    def module(self):
        if self._module is None:
            import torch

            module = _build_module(self.meta)
            module.load_state_dict(torch.load(io.BytesIO(self.weights), weights_only=True))
            module.eval()
            self._module = module
        return self._module

    def _run(self, sentences: Sequence[Sequence[str]], gazetteer: Gazetteer | None, marginals: bool, batch: int = 64):
        import torch

        g = self._gazetteer_for(gazetteer)
        tags = self.meta["tags"]
        out: list = [None] * len(sentences)
        order = sorted((i for i, s in enumerate(sentences) if len(s)), key=lambda i: len(sentences[i]))
        for i, s in enumerate(sentences):
            if not len(s):
                out[i] = ([], []) if marginals else []
        module = self.module
        with torch.inference_mode():
            for start in range(0, len(order), batch):
                chunk = order[start : start + batch]
                enc = []
                for i in chunk:
                    words = sentences[i]
                    folded = [self._entry(w)[4] for w in words]
                    enc.append(self._encode(words, gazetteer_tags(g, words, folded), gazetteer_tags(self.lexicon, words, folded)))
                inputs, mask = self._batch(enc)
                em = module.emissions(*inputs)
                paths = module.viterbi(em, mask).tolist()
                probs = module.marginals(em, mask).tolist() if marginals else None
                for r, i in enumerate(chunk):
                    n = len(sentences[i])
                    predicted = [tags[k] for k in paths[r][:n]]
                    if marginals:
                        out[i] = (predicted, [dict(zip(tags, p)) for p in probs[r][:n]])
                    else:
                        out[i] = predicted
        return out

    def predict_many(self, sentences: Iterable[Sequence[str]], *, gazetteer: Gazetteer | None = None) -> list[list[str]]:
        return self._run([list(s) for s in sentences], gazetteer, False)

    def predict_tags(self, words: Sequence[str], *, gazetteer: Gazetteer | None = None) -> list[str]:
        return self._run([list(words)], gazetteer, False)[0]

    def predict_marginals(self, sentences: Iterable[Sequence[str]], *, gazetteer: Gazetteer | None = None):
        """``(tags, [{tag: probability}] per word)`` per sentence."""
        return self._run([list(s) for s in sentences], gazetteer, True)

    # -- files ---------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> None:
        path = os.fspath(path)
        tmp = f"{path}.{os.getpid()}.tmp"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("meta.json", json.dumps(self.meta, ensure_ascii=False))
            zf.writestr("weights.pt", self.weights)
            zf.writestr("gazetteer.json", json.dumps(list(self.gazetteer.items()), ensure_ascii=False))
            if self.lexicon is not None:
                zf.writestr("lexicon.json", json.dumps(list(self.lexicon.items()), ensure_ascii=False))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike | io.BytesIO) -> NeuralModel:
        name = getattr(path, "name", None) or os.fspath(path) if not isinstance(path, io.BytesIO) else "<bytes>"
        try:
            with zipfile.ZipFile(path) as zf:
                meta = json.loads(zf.read("meta.json"))
                weights = zf.read("weights.pt")
                names = json.loads(zf.read("gazetteer.json"))
                lexicon_names = json.loads(zf.read("lexicon.json")) if "lexicon.json" in zf.namelist() else None
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{name} is not a newsreader neural entity model: {exc}") from exc
        if meta.get("format") != FORMAT:
            raise ModelFileError(f"{name} is a model of format {meta.get('format')!r}; this code reads {FORMAT}")
        if hashlib.sha256(weights).hexdigest() != meta.get("sha256"):
            raise ModelFileError(f"{name}: the weights do not match their checksum")
        gazetteer = Gazetteer()
        for n, label, weight in names:
            gazetteer.add(n, label, weight)
        lexicon = None
        if lexicon_names is not None:
            lexicon = Gazetteer()
            for n, label, weight in lexicon_names:
                lexicon.add(n, label, weight)
        return cls(meta, weights, gazetteer, lexicon)
