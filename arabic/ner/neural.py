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

FORMAT = "newsreader-neural/1"
PAD, UNK = 0, 1
MAX_CHARS = 16
GAZ_VALUES = ("", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")


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


_GAZ_ID = {t: i for i, t in enumerate(GAZ_VALUES)}


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


def _forward_backward(em, lengths, trans, start, end):
    """Posterior tag probabilities of a linear-chain CRF, in numpy: ``em`` (sentences, words, tags) float64
    emissions (padded past each sentence's length), ``trans[i, j]`` from tag i to tag j. Scaled
    probabilities (each step normalised) instead of log-sum-exp: the same posteriors, fewer operations."""
    import numpy as np

    b, t, k = em.shape
    e = np.exp(em - em.max(axis=2, keepdims=True))
    a_mat = np.exp(trans - trans.max())
    alpha = np.empty((b, t, k))
    cur = np.exp(start - start.max()) * e[:, 0]
    alpha[:, 0] = cur = cur / cur.sum(axis=1, keepdims=True)
    for i in range(1, t):
        cur = (cur @ a_mat) * e[:, i]
        alpha[:, i] = cur = cur / cur.sum(axis=1, keepdims=True)
    beta = np.empty((b, t, k))
    stop = np.exp(end - end.max())
    last = (lengths - 1)[:, None]
    cur = np.broadcast_to(stop, (b, k))
    beta[:, t - 1] = cur
    for i in range(t - 2, -1, -1):
        nxt = (e[:, i + 1] * cur) @ a_mat.T
        nxt = nxt / nxt.sum(axis=1, keepdims=True)
        # a sentence's last word gets the end scores; words past the end are never read
        cur = np.where(last == i, stop, nxt)
        beta[:, i] = cur
    post = alpha * beta
    return post / post.sum(axis=2, keepdims=True)


@dataclass
class NeuralModel(MergedGazetteer):
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

    # -- fast inference: what the suggestion pass runs ----------------------------
    #
    # The same network as emissions() + marginals(), cheaper. The BiLSTM's input is
    # a word form's own part (word and stem embeddings, the character CNN over its
    # letters, its shape: nothing of the sentence) plus its gazetteer and lexicon
    # tags. The LSTM's input projection is linear, so a word form's share of it
    # (both directions, biases included) is computed once per form and kept, and
    # the tags' shares are a table of nine rows each; what is left per sentence is
    # the recurrence, run here for both directions at once over all the sentences
    # of a document (each sentence reversed in place for the backward direction, so
    # no packing is needed). The CRF layer's forward-backward runs in numpy
    # (float64, scaled probabilities instead of log-sum-exp). The character CNN and
    # the input projection were two thirds of the time. tests/arabic/ner/test_neural.py
    # checks the result against emissions() + an exact forward-backward to 1e-5.

    # word forms whose input projection is kept: 8 × hidden float32 each (3 kB for hidden 96): ~120 MB at most
    _STATIC_SIZE = 40_000

    def _fast_weights(self):
        """The network's weights as the fast path uses them (computed once per loaded model)."""
        import torch

        fast = self._fast
        if fast is None:
            m = self.module
            h = self.meta["hyper"]
            cut = 2 * h["word_dim"] + h["char_filters"]
            td = h["tag_dim"]
            lstm = m.lstm
            with torch.inference_mode():
                w_ih = torch.cat([lstm.weight_ih_l0, lstm.weight_ih_l0_reverse], 0)  # (8H, input)
                bias = torch.cat([lstm.bias_ih_l0 + lstm.bias_hh_l0, lstm.bias_ih_l0_reverse + lstm.bias_hh_l0_reverse])
                own = torch.cat([w_ih[:, :cut], w_ih[:, cut + 2 * td :]], 1)  # word, stem, characters | shape
                gaz = (m.gaz.weight @ w_ih[:, cut : cut + td].T).numpy()  # (9, 8H)
                lex = (m.lex.weight @ w_ih[:, cut + td : cut + 2 * td].T).numpy()
                w_hh = torch.stack([lstm.weight_hh_l0.T, lstm.weight_hh_l0_reverse.T]).contiguous()  # (2, H, 4H)
                hidden = h["hidden"]
                out_w = m.out.weight.double().numpy()
                fast = self._fast = {
                    "own": own.T.contiguous(), "bias": bias, "gaz": gaz, "lex": lex, "w_hh": w_hh, "hidden": hidden,
                    "out_f": out_w[:, :hidden].T.copy(), "out_b": out_w[:, hidden:].T.copy(),
                    "out_bias": m.out.bias.double().numpy(),
                    "crf": tuple(x.double().numpy() for x in (m.trans, m.start, m.end)),
                }  # fmt: skip
        return fast

    def _static_rows(self, forms: list[str]):
        """Row numbers in ``self._static[1]`` of each word form's share of the LSTM's input projection."""
        import numpy as np
        import torch

        fast = self._fast_weights()
        width = 8 * fast["hidden"]
        if self._static is None:
            self._static = ({}, np.zeros((0, width), dtype=np.float32))
        rows, table = self._static
        missing = [w for w in dict.fromkeys(forms) if w not in rows]
        if rows and len(rows) + len(missing) > self._STATIC_SIZE:
            # a bound on memory: start again (one document's forms always fit, whatever their number)
            rows, table = {}, np.zeros((0, width), dtype=np.float32)
            missing = list(dict.fromkeys(forms))
        if missing:
            entries = [self._entry(w) for w in missing]
            m = self.module
            with torch.inference_mode():
                ch = m.char(torch.tensor([e[2] for e in entries])).transpose(1, 2)
                ch = torch.relu(m.conv(ch)).max(dim=2).values
                ids, stems = torch.tensor([e[0] for e in entries]), torch.tensor([e[1] for e in entries])
                part = torch.cat([m.word(ids), m.word(stems), ch, m.shape(torch.tensor([e[3] for e in entries]))], -1)
                projected = torch.addmm(fast["bias"], part, fast["own"]).numpy()
            first = len(rows)
            if first + len(missing) > len(table):
                grown = np.zeros((max(first + len(missing), min(self._STATIC_SIZE, 2 * len(table))), width), dtype=np.float32)
                grown[:first] = table[:first]
                table = grown
            table[first : first + len(missing)] = projected
            for k, w in enumerate(missing):
                rows[w] = first + k
        self._static = (rows, table)
        return [rows[w] for w in forms]

    def marginal_arrays(self, sentences: Sequence[Sequence[str]], *, gazetteer: Gazetteer | None = None) -> list:
        """Per-word tag probabilities, one float64 numpy array (words, tags) a sentence, columns in
        ``meta["tags"]`` order; no Viterbi. For the suggestion pass: all the sentences (a document)
        at once, gradients off (``torch.inference_mode``)."""
        import numpy as np
        import torch

        g = self._gazetteer_for(gazetteer)
        lexicon = self.lexicon
        tags = self.meta["tags"]
        out: list = [np.zeros((0, len(tags))) for _ in sentences]
        # longest first: at each step the sentences still going are a prefix of the batch
        live = sorted((i for i, s in enumerate(sentences) if len(s)), key=lambda i: -len(sentences[i]))
        if not live:
            return out
        fast = self._fast_weights()
        hidden = fast["hidden"]
        forms = [w for i in live for w in sentences[i]]
        with self._static_lock:
            rows = self._static_rows(forms)  # may grow or replace the table: read it after
            pre = self._static[1][rows]
        gaz_ids = np.zeros(len(forms), dtype=np.int64)
        lex_ids = np.zeros(len(forms), dtype=np.int64)
        at = 0
        entry = self._entry
        for i in live:
            words = sentences[i]
            n = len(words)
            folded = [entry(w)[4] for w in words]
            for target, source in ((gaz_ids, g), (lex_ids, lexicon)):
                found = gazetteer_tags(source, words, folded)
                if any(found):
                    target[at : at + n] = [_GAZ_ID.get(x, 0) for x in found]
            at += n
        pre += fast["gaz"][gaz_ids]
        pre += fast["lex"][lex_ids]
        # the padded batch: word p of sentence r at [r, p] forwards and at [r, n - 1 - p] backwards
        lengths = np.array([len(sentences[i]) for i in live])
        b, t = len(live), int(lengths.max())
        sentence_of = np.repeat(np.arange(b), lengths)
        position = np.arange(len(forms)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        mirrored = lengths[sentence_of] - 1 - position
        steps = np.zeros((t, 2, b, 4 * hidden), dtype=np.float32)
        steps[position, 0, sentence_of] = pre[:, : 4 * hidden]
        steps[mirrored, 1, sentence_of] = pre[:, 4 * hidden :]
        with torch.inference_mode():
            x = torch.from_numpy(steps)
            w_hh = fast["w_hh"]
            h = torch.zeros(2, b, hidden)
            c = torch.zeros(2, b, hidden)
            states = torch.zeros(t, 2, b, hidden)
            # sentences still going at step i (lengths descend): no work on padding
            going = (lengths[None, :] > np.arange(t)[:, None]).sum(axis=1).tolist()
            for i, k in enumerate(going):
                if k < h.shape[1]:
                    h, c = h[:, :k], c[:, :k]
                # gate order of torch's LSTM: input, forget, cell, output
                gates = torch.baddbmm(x[i, :, :k], h, w_hh)
                sig = torch.sigmoid(gates)
                c = torch.addcmul(sig[..., hidden : 2 * hidden] * c, sig[..., :hidden], torch.tanh(gates[..., 2 * hidden : 3 * hidden]))
                h = sig[..., 3 * hidden :] * torch.tanh(c)
                states[i, :, :k] = h
            states = states.numpy()
        forward = states[position, 0, sentence_of].astype(np.float64)
        backward = states[mirrored, 1, sentence_of].astype(np.float64)
        em_flat = forward @ fast["out_f"] + backward @ fast["out_b"] + fast["out_bias"]
        em = np.zeros((b, t, len(tags)))
        em[sentence_of, position] = em_flat
        probs = _forward_backward(em, lengths, *fast["crf"])
        for r, i in enumerate(live):
            out[i] = probs[r, : lengths[r]]
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
